package extract

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
)

// TestPersonsReuters measures how often the person facet of a Reuters-21578
// article contains the person the Reuters indexers coded for it. Codes are
// lower case and hyphenated, often the surname alone ("reagan",
// "james-baker"): a code matches an extracted name with the same surname and,
// when the code has one, the same given name.
//
// It measures twice: each article alone, its people extracted from its title
// and body as Enrich does; and as the facet has them, the articles read in
// order through a NameBook as ingest does, which gives a surname the full name
// the archive knows ("VOLCKER SAYS" in a one-line story is Paul Volcker).
func TestPersonsReuters(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 21,578 articles; skipped in -short mode")
	}
	if _, err := os.Stat(reutersPath); err != nil {
		t.Skipf("Reuters-21578 data not available (%v); it lives in ../shared/data beside the checkout", err)
	}
	var alone, facet codeScore
	var book NameBook
	eachJSONL(t, reutersPath, func(line []byte) {
		var r struct {
			Title, Body string
			Persons     []string `json:"persons"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("%s: %v", reutersPath, err)
		}
		a := corpus.Article{Title: r.Title, Body: r.Body}
		firms, weak := enrich(&a)
		alone.add(r.Persons, a.Persons)
		book.apply(&a, firms, weak)
		facet.add(r.Persons, a.Persons)
	})
	if alone.codes == 0 {
		t.Skip("Reuters-21578 data not available")
	}
	t.Logf("Reuters-21578, each article alone: %s", &alone)
	t.Logf("Reuters-21578, in the person facet (through the NameBook): %s", &facet)
	if recall := alone.recall(); recall < 0.85 {
		t.Errorf("person code recall of articles alone %.3f is below the floor 0.85", recall)
	}
	if recall := facet.recall(); recall < 0.90 {
		t.Errorf("person code recall in the facet %.3f is below the floor 0.90", recall)
	}
}

// codeScore counts the Reuters person codes found among extracted names.
type codeScore struct {
	codes, found, articles, allFound int
}

func (s *codeScore) add(codes, names []string) {
	if len(codes) == 0 {
		return
	}
	s.articles++
	all := true
	for _, code := range codes {
		s.codes++
		if slices.ContainsFunc(names, func(p string) bool { return matchesPersonCode(p, code) }) {
			s.found++
		} else {
			all = false
		}
	}
	if all {
		s.allFound++
	}
}

func (s *codeScore) recall() float64 { return float64(s.found) / float64(s.codes) }

func (s *codeScore) String() string {
	return fmt.Sprintf("%d of %d person codes found (%.3f), over %d articles (%d with every code found)",
		s.found, s.codes, s.recall(), s.articles, s.allFound)
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

// eachJSONL calls fn with each line of the JSON Lines file at path.
func eachJSONL(t *testing.T, path string, fn func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Errorf("%s: %v", path, err)
	}
}
