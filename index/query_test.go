package index_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// queryCase is one search of testdata/query/searches.json: the query language's
// behaviour as data, engine-neutral, so that every engine runs the same table.
type queryCase struct {
	Name  string       `json:"name"`
	Query corpus.Query `json:"query"`
	Total uint64       `json:"total"`
	// Hits is the whole first page in order; HitsAnyOrder in any order; First
	// the first hits in order.
	Hits         []string `json:"hits"`
	HitsAnyOrder []string `json:"hits_any_order"`
	First        []string `json:"first"`
	// Notices is how many notices the answer must carry.
	Notices int `json:"notices"`
	// Suggest maps a filter parameter to the values it must suggest first.
	Suggest map[string][]string `json:"suggest"`
}

func TestQueryLanguage(t *testing.T) {
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Put(context.Background(), readArticles(t, "testdata/query/articles.jsonl")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/query/searches.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []queryCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			q := c.Query
			q.Size = corpus.MaxPageSize
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			if res.Total != c.Total {
				t.Errorf("%q: total %d, want %d (hits %v)", q.Text, res.Total, c.Total, ids)
			}
			if c.Hits != nil {
				if diff := cmp.Diff(c.Hits, ids); diff != "" {
					t.Errorf("%q: hits (-want +got):\n%s", q.Text, diff)
				}
			}
			if c.HitsAnyOrder != nil {
				got := slices.Sorted(slices.Values(ids))
				if diff := cmp.Diff(slices.Sorted(slices.Values(c.HitsAnyOrder)), got); diff != "" {
					t.Errorf("%q: hits in any order (-want +got):\n%s", q.Text, diff)
				}
			}
			if len(c.First) > 0 && (len(ids) < len(c.First) || !slices.Equal(ids[:len(c.First)], c.First)) {
				t.Errorf("%q: first hits %v, want %v first", q.Text, ids, c.First)
			}
			if len(res.Notices) != c.Notices {
				t.Errorf("%q: notices %q, want %d", q.Text, res.Notices, c.Notices)
			}
			for param, want := range c.Suggest {
				i := slices.IndexFunc(res.Suggestions, func(s corpus.Suggestion) bool { return s.Param == param })
				if i < 0 || len(res.Suggestions[i].DidYouMean) < len(want) || !slices.Equal(res.Suggestions[i].DidYouMean[:len(want)], want) {
					t.Errorf("suggestions %+v, want %s: %v first", res.Suggestions, param, want)
				}
			}
		})
	}
}
