package index_test

import (
	"testing"

	"github.com/article-archive/archive/internal/behaviour"
)

// TestQueryLanguage runs the query language's behaviour as data
// (internal/behaviour/testdata/query): every operator, precedence, the default
// AND, proximity, fields, ranges, wildcards, fuzzy terms, boosts, ranking, and
// filters without regard to case or accents. The files name no engine, so that
// every engine runs the same table.
func TestQueryLanguage(t *testing.T) {
	behaviour.Run(t, "query", openSet(t, "query"))
}
