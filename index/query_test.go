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

// TestMatchingBehaviour holds Matching, which checks new articles against the
// saved searches, to the searches of both sets: a batch of every other article
// must match what the search finds among them, as on the OpenSearch engine.
func TestMatchingBehaviour(t *testing.T) {
	for _, set := range behaviour.Sets {
		t.Run(set, func(t *testing.T) { behaviour.RunMatching(t, set, openSet(t, set)) })
	}
}
