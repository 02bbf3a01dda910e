package index

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// TestQueriesHaveNoEmptyLayers checks the shapes that decide how fast a search
// runs: every layer of searchers costs time per hit, and a match-all query in a
// conjunction steps through every document.
func TestQueriesHaveNoEmptyLayers(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	shape := func(q corpus.Query) query.Query {
		t.Helper()
		bq, done, err := ix.buildQuery(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		done()
		return bq
	}
	js := func(q query.Query) string { b, _ := json.Marshal(q); return string(b) }

	if q := shape(corpus.Query{}); !isMatchAll(q) {
		t.Errorf("browsing everything is %T %s, want the match-all query (the columns browse it without a searcher)", q, js(q))
	}
	if q := shape(corpus.Query{Persons: []string{"Jane Doe"}}); js(q) != js(termQuery(fieldPersons, "Jane Doe")) {
		t.Errorf("a person filter alone is %s, want its term query", js(q))
	}
	q := shape(corpus.Query{Text: "harbor"})
	d, ok := q.(*query.DisjunctionQuery)
	if !ok || len(d.Disjuncts) != 2 {
		t.Fatalf("one word is %T %s, want the disjunction of title and body", q, js(q))
	}
	for _, part := range d.Disjuncts {
		if _, ok := part.(*query.TermQuery); !ok {
			t.Errorf("one word: %T %s in the disjunction, want term queries (the word analyzed once)", part, js(part))
		}
	}
	q = shape(corpus.Query{Text: "+gold -silver"})
	if b, ok := q.(*query.BooleanQuery); !ok {
		t.Errorf("+gold -silver is %T %s, want a boolean query", q, js(q))
	} else if _, ok := b.Must.(*query.DisjunctionQuery); !ok {
		t.Errorf("+gold -silver must %s, want gold's disjunction of title and body", js(b.Must))
	}
}

func isMatchAll(q query.Query) bool {
	_, ok := q.(*query.MatchAllQuery)
	return ok
}
