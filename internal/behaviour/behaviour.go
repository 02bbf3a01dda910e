// Package behaviour is the archive's search behaviour as data, for every engine:
// sets of articles (testdata/<set>/articles.jsonl) and searches with what they
// must find (testdata/<set>/searches.json: hits, totals, facet counts, notices,
// suggestions). Each engine's tests open their engine on a set's articles and call
// Run, so that the Bleve engine (package index) and the OpenSearch engine (package
// opensearch) are held to one table.
//
// A case states rules, not one engine's output: "hits" is the order itself,
// "hits_any_order" the set where ranks tie or the engines may legitimately differ,
// "first" the hits that must rank first.
package behaviour

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// Sets are the data sets: "search" (facets, filters, paging) and "query" (the
// query language).
var Sets = []string{"search", "query"}

// Searcher is what the suite needs of an engine.
type Searcher interface {
	Search(ctx context.Context, q corpus.Query) (*corpus.Results, error)
}

// Case is one search with what it must find. Facet expectations list the values
// that must be there with their counts; a date bucket that is not listed must be
// empty.
type Case struct {
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

// Path returns the path of a file of a set: Path("search", "articles.jsonl").
func Path(set, file string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "testdata", set, file)
}

// Articles returns the articles of a set.
func Articles(t testing.TB, set string) []corpus.Article {
	t.Helper()
	return ReadArticles(t, Path(set, "articles.jsonl"))
}

// ReadArticles reads articles, one JSON object a line.
func ReadArticles(t testing.TB, path string) []corpus.Article {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpus.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a corpus.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, a)
	}
	return out
}

// Cases returns the searches of a set.
func Cases(t testing.TB, set string) []Case {
	t.Helper()
	data, err := os.ReadFile(Path(set, "searches.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []Case
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", Path(set, "searches.json"), err)
	}
	return cases
}

// Run runs every search of a set against s, which holds the set's articles, as
// one subtest each.
func Run(t *testing.T, set string, s Searcher) {
	for _, c := range Cases(t, set) {
		t.Run(c.Name, func(t *testing.T) { Check(t, s, c) })
	}
}

// Check runs one case against s.
func Check(t *testing.T, s Searcher, c Case) {
	t.Helper()
	res, err := s.Search(context.Background(), c.Query)
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

// Matcher is what the matching check needs of an engine: its searches, and
// Matching, which the saved searches' alerts run on each batch of new articles
// (alerts.Matcher).
type Matcher interface {
	Searcher
	Matching(ctx context.Context, ids []string, queries []corpus.Query, found func(query int, matched []string, err error)) error
}

// RunMatching holds m's Matching to its searches, which Run holds to the set:
// every search of the set, matched against a batch of the set's articles
// (every other one) in one call, must find exactly the batch's articles among
// all the search's hits, one subtest each.
func RunMatching(t *testing.T, set string, m Matcher) {
	ctx := context.Background()
	inBatch := map[string]bool{}
	var batch []string
	for i, a := range Articles(t, set) {
		if i%2 == 0 {
			batch = append(batch, a.ID)
			inBatch[a.ID] = true
		}
	}
	cases := Cases(t, set)
	queries := make([]corpus.Query, len(cases))
	want := make([][]string, len(cases))
	for i, c := range cases {
		q := c.Query
		q.Page, q.Size, q.After, q.Collapse = 1, corpus.MaxPageSize, "", false
		res, err := m.Search(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if res.Total > uint64(len(res.Hits)) {
			t.Fatalf("%s: %d hits on a page of %d: the set is too large for this check", c.Name, res.Total, len(res.Hits))
		}
		for _, h := range res.Hits {
			if inBatch[h.ID] {
				want[i] = append(want[i], h.ID)
			}
		}
		queries[i] = c.Query
	}
	got := make([][]string, len(cases))
	errs := make([]error, len(cases))
	told := make([]int, len(cases))
	if err := m.Matching(ctx, batch, queries, func(i int, matched []string, err error) {
		told[i]++
		got[i], errs[i] = matched, err
	}); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if told[i] != 1 || errs[i] != nil {
				t.Fatalf("told %d times, error %v", told[i], errs[i])
			}
			if diff := cmp.Diff(slices.Sorted(slices.Values(want[i])), slices.Sorted(slices.Values(got[i])), cmpEmptyAsNil); diff != "" {
				t.Errorf("matched in the batch %v (-search +matching):\n%s", batch, diff)
			}
		})
	}
}
