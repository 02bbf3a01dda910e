package index_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// searchCase is one search of testdata/search/searches.json with what it must find.
// Facet expectations list the values that must be there with their counts; a date
// bucket that is not listed must be empty.
type searchCase struct {
	Name         string         `json:"name"`
	Query        corpus.Query   `json:"query"`
	Total        uint64         `json:"total"`
	Hits         []string       `json:"hits"`
	HitsAnyOrder []string       `json:"hits_any_order"`
	Person       map[string]int `json:"person"`
	Outlet       map[string]int `json:"outlet"`
	Selected     []string       `json:"selected"`
	DateUnit     string         `json:"date_unit"`
	Published    map[string]int `json:"published"`
	// First are the first hits, in order.
	First []string `json:"first"`
	// Notices is how many notices the answer carries (unchecked when absent).
	Notices *int `json:"notices"`
	// Suggest maps a filter parameter to the values it must suggest first.
	Suggest map[string][]string `json:"suggest"`
}

// openTestIndex creates an on-disk index in a temporary directory holding the
// articles of testdata/search/articles.jsonl.
func openTestIndex(t testing.TB) *index.Index {
	t.Helper()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, err := ix.Put(context.Background(), readArticles(t, "testdata/search/articles.jsonl")); err != nil {
		t.Fatal(err)
	}
	return ix
}

func readArticles(t testing.TB, path string) []corpus.Article {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpus.Article
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a corpus.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, a)
	}
	return out
}

func TestSearchBehaviour(t *testing.T) {
	runSearchCases(t, openTestIndex(t), "testdata/search/searches.json")
}

// runSearchCases runs the searches of a searches.json file against ix.
func runSearchCases(t *testing.T, ix *index.Index, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []searchCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), c.Query)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			if res.Total != c.Total {
				t.Errorf("total = %d, want %d (hits %v)", res.Total, c.Total, ids)
			}
			if c.Hits != nil {
				if diff := cmp.Diff(c.Hits, ids, cmpEmptyAsNil); diff != "" {
					t.Errorf("hits (-want +got):\n%s", diff)
				}
			}
			if len(c.First) > 0 && (len(ids) < len(c.First) || !slices.Equal(ids[:len(c.First)], c.First)) {
				t.Errorf("first hits %v, want %v first", ids, c.First)
			}
			if c.HitsAnyOrder != nil {
				slices.Sort(ids)
				want := slices.Sorted(slices.Values(c.HitsAnyOrder))
				if diff := cmp.Diff(want, ids); diff != "" {
					t.Errorf("hits in any order (-want +got):\n%s", diff)
				}
			}
			if c.Notices != nil && len(res.Notices) != *c.Notices {
				t.Errorf("notices %q, want %d", res.Notices, *c.Notices)
			}
			for param, want := range c.Suggest {
				i := slices.IndexFunc(res.Suggestions, func(s corpus.Suggestion) bool { return s.Param == param })
				if i < 0 || len(res.Suggestions[i].DidYouMean) < len(want) || !slices.Equal(res.Suggestions[i].DidYouMean[:len(want)], want) {
					t.Errorf("suggestions %+v, want %s: %v first", res.Suggestions, param, want)
				}
			}
			checkTermFacet(t, "person", c.Person, res.Facets.Person)
			checkTermFacet(t, "outlet", c.Outlet, res.Facets.Outlet)
			for _, s := range c.Selected {
				if !slices.ContainsFunc(res.Facets.Person, func(v corpus.FacetValue) bool { return v.Value == s && v.Selected }) {
					t.Errorf("person %q is not marked selected: %+v", s, res.Facets.Person)
				}
			}
			if c.DateUnit != "" && string(res.Facets.DateUnit) != c.DateUnit {
				t.Errorf("date unit = %s, want %s", res.Facets.DateUnit, c.DateUnit)
			}
			if c.Published != nil {
				got := map[string]int{}
				for _, b := range res.Facets.Published {
					if b.Count > 0 {
						got[b.Key] = b.Count
					}
				}
				if diff := cmp.Diff(c.Published, got); diff != "" {
					t.Errorf("published facet (-want +got):\n%s\nbuckets: %+v", diff, res.Facets.Published)
				}
			}
		})
	}
}

var cmpEmptyAsNil = cmp.Transformer("emptyAsNil", func(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
})

func checkTermFacet(t *testing.T, name string, want map[string]int, got []corpus.FacetValue) {
	t.Helper()
	if want == nil {
		return
	}
	gotMap := map[string]int{}
	for _, v := range got {
		gotMap[v.Value] = v.Count
	}
	if diff := cmp.Diff(want, gotMap); diff != "" {
		t.Errorf("%s facet (-want +got):\n%s", name, diff)
	}
}
