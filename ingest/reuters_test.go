package ingest

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
)

// TestPersonsReuters measures how often the person facet of a Reuters-21578
// article, extracted from its title and body as ingest does, contains the person
// the Reuters indexers coded for it. Codes are lower case and hyphenated, often
// the surname alone ("reagan", "james-baker"): a code matches an extracted name
// with the same surname and, when the code has one, the same given name.
func TestPersonsReuters(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 21,578 articles; skipped in -short mode")
	}
	if _, err := os.Stat(reutersPath); err != nil {
		t.Skipf("Reuters-21578 data not available (%v); it lives in ../shared/data beside the checkout", err)
	}
	var codes, found, articles, allFound int
	eachJSONL(t, reutersPath, func(line []byte) {
		var r struct {
			Title, Body string
			Persons     []string `json:"persons"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("%s: %v", reutersPath, err)
		}
		if len(r.Persons) == 0 {
			return
		}
		a := corpus.Article{Title: r.Title, Body: r.Body}
		Enrich(&a)
		articles++
		all := true
		for _, code := range r.Persons {
			codes++
			if slices.ContainsFunc(a.Persons, func(p string) bool { return matchesPersonCode(p, code) }) {
				found++
			} else {
				all = false
			}
		}
		if all {
			allFound++
		}
	})
	if codes == 0 {
		t.Skip("Reuters-21578 data not available")
	}
	recall := float64(found) / float64(codes)
	t.Logf("Reuters-21578: %d of %d person codes found in the person facet (%.3f), over %d articles (%d with every code found)",
		found, codes, recall, articles, allFound)
	const floor = 0.80
	if recall < floor {
		t.Errorf("person code recall %.3f is below the floor %.2f", recall, floor)
	}
}

// matchesPersonCode reports whether the extracted name is the person of a
// Reuters code: same surname, and same given name when the code has two words.
func matchesPersonCode(name, code string) bool {
	words := strings.Fields(strings.ToLower(strings.NewReplacer("-", " ", ".", " ", "'", "").Replace(name)))
	parts := strings.Split(code, "-")
	if len(words) == 0 {
		return false
	}
	if strings.HasSuffix(strings.Join(words, "-"), code) {
		return true // "reagan", "de-larosiere" as the end of the name
	}
	return len(parts) >= 2 && words[0] == parts[0] && words[len(words)-1] == parts[len(parts)-1]
}
