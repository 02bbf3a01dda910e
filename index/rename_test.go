package index_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// TestRenamePersons: what the archive learns later reaches the articles stored
// before: a bare surname becomes the full name, a company's name is dropped, and
// the facet, the filter and the article follow; the others are not touched.
func TestRenamePersons(t *testing.T) {
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	_, err = ix.Put(ctx, []corpus.Article{
		{ID: "r1", Title: "Budget talks", Body: "Reagan met the leaders.", Persons: []string{"Reagan", "Merrill Lynch"}},
		{ID: "r2", Title: "Summit", Body: "Ronald Reagan flew to Iceland.", Persons: []string{"Ronald Reagan"}},
		{ID: "r3", Title: "Veto", Body: "Reagan, and Ronald Reagan again.", Persons: []string{"Reagan", "Ronald Reagan"}},
		{ID: "r4", Title: "Other", Body: "James Baker spoke.", Persons: []string{"James Baker"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := ix.RenamePersons(ctx, map[string]string{"Reagan": "Ronald Reagan", "Merrill Lynch": "", "Nobody": "Someone"})
	if err != nil || n != 2 {
		t.Fatalf("renamed %d articles (%v), want 2", n, err)
	}
	for id, want := range map[string][]string{"r1": {"Ronald Reagan"}, "r2": {"Ronald Reagan"}, "r3": {"Ronald Reagan"}, "r4": {"James Baker"}} {
		a, err := ix.Article(ctx, id)
		if err != nil || !slices.Equal(a.Persons, want) {
			t.Errorf("%s: persons %q (%v), want %q", id, a.Persons, err, want)
		}
	}
	res, err := ix.Search(ctx, corpus.Query{Persons: []string{"Ronald Reagan"}})
	if err != nil || res.Total != 3 {
		t.Fatalf("person=Ronald Reagan: %v, %v", res, err)
	}
	for _, f := range res.Facets.Person {
		if f.Value == "Reagan" || f.Value == "Merrill Lynch" {
			t.Errorf("the person facet still shows %q", f.Value)
		}
	}
	if n, err := ix.RenamePersons(ctx, map[string]string{"Reagan": "Ronald Reagan"}); err != nil || n != 0 {
		t.Errorf("renaming again changed %d (%v), want nothing", n, err)
	}
}

// TestPersonCounts counts the live articles that name each person, over several
// segments and after an article changes its people.
func TestPersonCounts(t *testing.T) {
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	for b := range 3 {
		var batch []corpus.Article
		for i := range 4 {
			batch = append(batch, corpus.Article{ID: fmt.Sprintf("p%d-%d", b, i), Title: "Talks", Body: fmt.Sprintf("Text %d %d.", b, i), Persons: []string{"Ronald Reagan"}})
		}
		if _, err := ix.Put(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ix.Put(ctx, []corpus.Article{{ID: "p0-0", Title: "Talks", Body: "Text 0 0.", Persons: []string{"James Baker"}}}); err != nil {
		t.Fatal(err)
	}
	counts, err := ix.PersonCounts()
	if err != nil || counts["Ronald Reagan"] != 11 || counts["James Baker"] != 1 {
		t.Errorf("counts %v (%v), want Ronald Reagan 11 and James Baker 1", counts, err)
	}
}
