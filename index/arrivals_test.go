package index

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/article-archive/archive/corpus"
)

func arrivalArticle(id, body string) corpus.Article {
	return corpus.Article{ID: id, Title: "Harbor " + id, Body: body, Outlet: "Daily Alpha",
		Published: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
}

func searchIDs(t *testing.T, ix *Index, q corpus.Query) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %s: %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// Each batch arrives at one instant; an update keeps the first arrival; searches
// filter and sort by arrival, from the columns and from Bleve alike.
func TestArrivalFilterSortAndUpdate(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var told []Arrivals
	ix.OnArrivals(func(a Arrivals) { told = append(told, a) })
	if _, err := ix.Put(ctx, []corpus.Article{arrivalArticle("a1", "ferry strike one"), arrivalArticle("a2", "ferry strike two")}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	between := time.Now()
	time.Sleep(5 * time.Millisecond)
	if _, err := ix.PutDeferred(ctx, []corpus.Article{arrivalArticle("b1", "ferry strike three")}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(told) != 2 || !slices.Equal(told[0].IDs, []string{"a1", "a2"}) || !slices.Equal(told[1].IDs, []string{"b1"}) {
		t.Fatalf("arrivals told: %+v", told)
	}
	a1, _ := ix.Article(ctx, "a1")
	b1, _ := ix.Article(ctx, "b1")
	if !a1.Arrived.Equal(told[0].At) || !b1.Arrived.Equal(told[1].At) || !a1.Arrived.Before(between) || !b1.Arrived.After(between) {
		t.Fatalf("arrived: a1 %v b1 %v, between %v, told %+v", a1.Arrived, b1.Arrived, between, told)
	}
	// An update keeps the first arrival and is not told as new.
	upd := arrivalArticle("a1", "ferry strike one, corrected")
	if out, err := ix.Put(ctx, []corpus.Article{upd}); err != nil || out[0] != corpus.Updated {
		t.Fatalf("update: %v %v", out, err)
	}
	if a, _ := ix.Article(ctx, "a1"); !a.Arrived.Equal(a1.Arrived) {
		t.Fatalf("the update moved the arrival from %v to %v", a1.Arrived, a.Arrived)
	}
	if len(told) != 2 {
		t.Fatalf("an update was told as an arrival: %+v", told[2:])
	}
	for _, stock := range []bool{false, true} {
		ix.stock.Store(stock)
		if got := searchIDs(t, ix, corpus.Query{Text: "ferry", ArrivedFrom: between}); !slices.Equal(got, []string{"b1"}) {
			t.Errorf("stock=%t arrived_from: %v", stock, got)
		}
		if got := searchIDs(t, ix, corpus.Query{ArrivedTo: between}); !slices.Equal(got, []string{"a1", "a2"}) {
			t.Errorf("stock=%t arrived_to, browsing: %v", stock, got)
		}
		if got := searchIDs(t, ix, corpus.Query{Text: "ferry", Sort: corpus.SortArrived}); !slices.Equal(got, []string{"b1", "a1", "a2"}) {
			t.Errorf("stock=%t sort=arrived: %v", stock, got)
		}
	}
	ix.stock.Store(false)
	// A cursor carries the arrival.
	res, err := ix.Search(ctx, corpus.Query{Sort: corpus.SortArrived, Size: 1})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "b1" || res.Next == "" {
		t.Fatalf("first page by arrival: %+v %v", res, err)
	}
	if got := searchIDs(t, ix, corpus.Query{Sort: corpus.SortArrived, Size: 1, After: res.Next, Page: 2}); !slices.Equal(got, []string{"a1"}) {
		t.Errorf("second page by arrival: %v", got)
	}

	queries := []corpus.Query{
		{Text: "three OR two"},
		{Outlets: []string{"Daily Alpha"}, From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Text: "(("},
		{Text: "ferry", From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ArrivedFrom: between},
		{Text: "ferry -three"},
	}
	got := map[int][]string{}
	errs := map[int]error{}
	if err := ix.Matching(ctx, []string{"b1", "a1", "a2", "nope"}, queries, func(q int, ids []string, err error) {
		got[q], errs[q] = ids, err
	}); err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{0: {"a2", "b1"}, 1: {"a1", "a2", "b1"}, 3: nil, 4: {"b1"}, 5: {"a1", "a2"}}
	for q, w := range want {
		g := slices.Clone(got[q])
		slices.Sort(g)
		if !slices.Equal(g, w) || errs[q] != nil {
			t.Errorf("Matching %s: %v %v, want %v", queries[q], got[q], errs[q], w)
		}
	}
	if corpus.ErrorCode(errs[2]) != corpus.EInvalidQuery {
		t.Errorf("Matching a bad query: %v", errs[2])
	}
}

// An index made before the arrival field was mapped gains it at open: the
// articles written after have their arrival indexed; those before have none.
func TestOldMappingGainsTheArrivalField(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Put(ctx, []corpus.Article{arrivalArticle("old", "harbor dredging")}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Put the mapping of before back in place.
	b, err := bleve.Open(filepath.Join(dir, Dir))
	if err != nil {
		t.Fatal(err)
	}
	old := newMapping().(*mapping.IndexMappingImpl)
	delete(old.DefaultMapping.Properties, fieldArrived)
	data, _ := json.Marshal(old)
	if err := setInternalDurably(b, mappingKey, data); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if b, err = bleve.Open(filepath.Join(dir, Dir)); err != nil {
		t.Fatal(err)
	}
	if _, has := b.Mapping().(*mapping.IndexMappingImpl).DefaultMapping.Properties[fieldArrived]; has {
		t.Fatal("the test did not remove the field")
	}
	b.Close()

	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, has := ix.bleve.Mapping().(*mapping.IndexMappingImpl).DefaultMapping.Properties[fieldArrived]; !has {
		t.Fatal("the mapping was not upgraded")
	}
	before := time.Now()
	if _, err := ix.Put(ctx, []corpus.Article{arrivalArticle("new", "harbor dredging again")}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, corpus.Query{Text: "harbor", ArrivedFrom: before}); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("arrived since the upgrade: %v", got)
	}
	if got := searchIDs(t, ix, corpus.Query{Text: "harbor", Sort: corpus.SortArrived}); len(got) != 2 || got[0] != "new" {
		t.Fatalf("by arrival: %v", got)
	}
}

// An article stored before arrival times were kept has none in its record: it
// arrives, for search (a reindex writes its documents again), when its record
// was written (IngestedAt); one without either has no arrival, which no range
// admits and which sorts last.
func TestLegacyArticlesArriveWhenTheirRecordWasWritten(t *testing.T) {
	ingested := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	arrived := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		a    corpus.Article
		want any
	}{
		{corpus.Article{ID: "legacy", IngestedAt: ingested}, ingested},
		{corpus.Article{ID: "new", IngestedAt: ingested, Arrived: arrived}, arrived},
		{corpus.Article{ID: "unknown"}, nil},
	} {
		if got := document(&c.a)[fieldArrived]; got != c.want {
			t.Errorf("%s: arrived %v, want %v", c.a.ID, got, c.want)
		}
	}
}
