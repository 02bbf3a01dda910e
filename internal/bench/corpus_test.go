package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteCorpus replicates a small source into more articles than it has:
// every id is new, copies carry their number, an outlet of the list and a date,
// and the text counted is the text written.
func TestWriteCorpus(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "source.jsonl")
	var lines []string
	for i := range 5 {
		lines = append(lines, fmt.Sprintf(`{"id":"s%d","title":"Title %d","body":"James Baker met Paul Volcker about item %d.","published":"1987-03-0%dT00:00:00Z"}`, i, i, i, i+1))
	}
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "corpus.jsonl")
	st, err := writeCorpus(context.Background(), src, dst, 23, func(int64, bool) {})
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 23 || st.SourceArticles != 5 {
		t.Errorf("stats = %+v, want 23 articles from 5", st)
	}
	seen := map[string]bool{}
	var text int64
	err = eachLine(dst, func(i int, line []byte) (bool, error) {
		var rec struct{ ID, Title, Body, Outlet, Published string }
		if err := json.Unmarshal(line, &rec); err != nil {
			return false, err
		}
		if seen[rec.ID] {
			t.Errorf("id %s twice", rec.ID)
		}
		seen[rec.ID] = true
		text += int64(len(rec.Title) + len(rec.Body))
		if i >= 5 {
			if !strings.Contains(rec.ID, "~") || !strings.Contains(rec.Body, "[copy ") || rec.Outlet == "" || rec.Published == "" {
				t.Errorf("copy %d = %+v: want an id ID~k, its copy line, an outlet and a date", i, rec)
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 23 || text != st.RawTextBytes {
		t.Errorf("%d articles with %d bytes of text, want 23 with %d", len(seen), text, st.RawTextBytes)
	}
}
