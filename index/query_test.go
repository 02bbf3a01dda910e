package index_test

import (
	"context"
	"testing"

	"github.com/article-archive/archive/index"
)

// TestQueryLanguage runs the query language's behaviour as data
// (testdata/query): every operator, precedence, the default AND, proximity,
// fields, ranges, wildcards, fuzzy terms, boosts, ranking, and filters without
// regard to case or accents. The files name no engine, so that every engine runs
// the same table.
func TestQueryLanguage(t *testing.T) {
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Put(context.Background(), readArticles(t, "testdata/query/articles.jsonl")); err != nil {
		t.Fatal(err)
	}
	runSearchCases(t, ix, "testdata/query/searches.json")
}
