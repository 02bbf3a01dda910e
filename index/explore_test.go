package index_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// TestCursorPagesMatchNumberedPages follows the next-page cursors of every sort
// order, across the undated hits at the end of the date orders, and finds the same
// hits in the same order as one big page.
func TestCursorPagesMatchNumberedPages(t *testing.T) {
	ix := openTestIndex(t)
	ctx := context.Background()
	for _, q := range []corpus.Query{
		{},
		{Sort: corpus.SortOldest},
		{Text: "harbor port drought festival council", Sort: corpus.SortRelevance},
		{Text: "harbor port drought festival council", Sort: corpus.SortNewest},
		{Collapse: true, Sort: corpus.SortOldest},
	} {
		all := q
		all.Size = 100
		want, err := ix.Search(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		if want.Next != "" {
			t.Errorf("%v: a complete page has a next cursor", q)
		}
		var got []string
		page := q
		page.Size = 2
		for i := 0; ; i++ {
			res, err := ix.Search(ctx, page)
			if err != nil {
				t.Fatalf("%v: %v", page, err)
			}
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if res.Next == "" || i > 10 {
				break
			}
			page.After, page.Page = res.Next, page.Page+1
		}
		var wantIDs []string
		for _, h := range want.Hits {
			wantIDs = append(wantIDs, h.ID)
		}
		if diff := cmp.Diff(wantIDs, got); diff != "" {
			t.Errorf("%v: pages by cursor (-one page +by cursor):\n%s", q, diff)
		}
	}
	_, err := ix.Search(ctx, corpus.Query{After: "not-a-cursor"})
	if corpus.ErrorCode(err) != corpus.EInvalidRequest {
		t.Errorf("a bad cursor: %v, want invalid_request", err)
	}
}

func TestFacetValuesByPrefix(t *testing.T) {
	ix := openTestIndex(t)
	ctx := context.Background()
	for _, c := range []struct {
		facet, prefix string
		q             corpus.Query
		want          []corpus.FacetValue
	}{
		{"person", "fel", corpus.Query{}, []corpus.FacetValue{{Value: "Marcus Feld", Count: 2}}},
		{"person", "OKA", corpus.Query{}, []corpus.FacetValue{{Value: "Helena Okafor", Count: 3}}},
		{"person", "helena ok", corpus.Query{}, []corpus.FacetValue{{Value: "Helena Okafor", Count: 3}}},
		{"person", "m", corpus.Query{Outlets: []string{"Valley Wire"}}, []corpus.FacetValue{{Value: "Marcus Feld", Count: 1}}},
		{"person", "", corpus.Query{Persons: []string{"Marcus Feld"}}, []corpus.FacetValue{{Value: "Marcus Feld", Count: 2, Selected: true}, {Value: "Helena Okafor", Count: 1}}},
		{"person", "zz", corpus.Query{}, []corpus.FacetValue{}},
		{"outlet", "gaz", corpus.Query{Outlets: []string{"Valley Wire"}}, []corpus.FacetValue{{Value: "Harbor Gazette", Count: 2}}},
	} {
		got, err := ix.FacetValues(ctx, c.facet, c.q, c.prefix, 10)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s prefix %q (-want +got):\n%s", c.facet, c.prefix, diff)
		}
	}
	if _, err := ix.FacetValues(ctx, "colour", corpus.Query{}, "", 10); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("unknown facet: %v", err)
	}
}

func TestMarkAndRelated(t *testing.T) {
	ix := openTestIndex(t)
	ctx := context.Background()
	m, err := ix.Mark(ctx, "a1", "expansions")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Title, "<mark>expansion</mark>") || !strings.Contains(m.Body, "<mark>") {
		t.Errorf("marked = %+v", m)
	}
	a, _ := ix.Article(ctx, "a1")
	if plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(m.Body); len(plain) < len(a.Body)-5 {
		t.Errorf("marked body is not the whole body: %q", m.Body)
	}
	if m, _ := ix.Mark(ctx, "a1", "zeppelin"); m != (corpus.Marked{}) {
		t.Errorf("a query that does not match marks %+v", m)
	}
	if m, _ := ix.Mark(ctx, "a1", `"unclosed`); m != (corpus.Marked{}) {
		t.Errorf("a malformed query marks %+v", m)
	}

	r, err := ix.Related(ctx, "a3", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Similar) == 0 || r.Similar[0].ID != "a6" {
		t.Errorf("most similar to the drought story: %+v, want a6 (the other drought story) first", r.Similar)
	}
	for _, h := range r.Similar {
		if h.ID == "a3" {
			t.Errorf("an article is similar to itself: %+v", r.Similar)
		}
	}
	if _, err := ix.Related(ctx, "nope", 3); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("related to an unknown article: %v", err)
	}
}

func TestExportStreamsEveryHit(t *testing.T) {
	ix := openTestIndex(t)
	var ids []string
	err := ix.Export(context.Background(), corpus.Query{NotPersons: []string{"Amara Sethi"}, Sort: corpus.SortOldest}, func(h corpus.Hit) error {
		ids = append(ids, h.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a4", "a1", "a2", "a3", "a5"}, ids); diff != "" {
		t.Errorf("export (-want +got):\n%s", diff)
	}
	stop := errors.New("stop")
	n := 0
	err = ix.Export(context.Background(), corpus.Query{}, func(corpus.Hit) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("export did not stop at emit's error: %v after %d", err, n)
	}
}
