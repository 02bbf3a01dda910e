package index

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// TestDateFacetLeavesOutDatesNoArchiveKeeps searches an archive that holds dates
// from before ingest checked them (9999-12-31, 1500, 2500): the answer encodes as
// JSON (the bucket of 9999-12 would end in the year 10000, which it cannot), the
// facet leaves those hits out instead of drawing centuries of empty buckets, and
// Put itself stores such a date as undated.
func TestDateFacetLeavesOutDatesNoArchiveKeeps(t *testing.T) {
	ix := mustOpen(t, t.TempDir())
	defer ix.Close()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }
	good := []corpus.Article{article("a", "harbor vote in spring"), article("b", "harbor vote in winter")}
	good[0].Published, good[1].Published = day(2023, 5, 2), day(2024, 3, 1)
	bad := []corpus.Article{article("c", "harbor vote never"), article("d", "harbor vote of old"), article("e", "harbor vote to come")}
	if _, err := ix.Put(context.Background(), append(good, bad...)); err != nil {
		t.Fatal(err)
	}
	// The index gets the dates an older ingest let through.
	bad[0].Published, bad[1].Published, bad[2].Published = day(9999, 12, 31), day(1500, 6, 1), day(2500, 6, 1)
	ix.mu.Lock()
	err := ix.indexBatch(bad, ix.applied, ix.held)
	ix.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}

	for _, q := range []corpus.Query{
		{Size: 10, Page: 1},
		{Text: "harbor", Size: 10, Page: 1},
		{Text: "harbor", Size: 10, Page: 1, Sort: corpus.SortNewest},
	} {
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("%q: %v", q.Text, err)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("%q: the answer does not encode as JSON: %v", q.Text, err)
		}
		if res.Total != 5 {
			t.Errorf("%q: %d hits, want 5", q.Text, res.Total)
		}
		counted := map[string]int{}
		for _, b := range res.Facets.Published {
			if b.Count > 0 {
				counted[b.Key] = b.Count
			}
		}
		if diff := cmp.Diff(map[string]int{"2023-05": 1, "2024-03": 1}, counted); diff != "" || len(res.Facets.Published) != 11 {
			t.Errorf("%q: %d buckets, counts (-want +got):\n%s", q.Text, len(res.Facets.Published), diff)
		}
	}

	// Put drops such a date: the article is stored undated.
	late := article("f", "harbor vote, in a thousand years")
	late.Published = day(3025, 1, 1)
	if _, err := ix.Put(context.Background(), []corpus.Article{late}); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Article(context.Background(), "f")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Published.IsZero() {
		t.Errorf("stored with the date %v, want undated", got.Published)
	}
}
