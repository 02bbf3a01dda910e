package opensearch_test

import (
	"context"
	"testing"

	"github.com/article-archive/archive/internal/behaviour"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/opensearch"
)

// openSet opens an index of its own on c holding the articles of a behaviour set;
// the index is deleted at the end of t.
func openSet(t testing.TB, c *ostest.Cluster, set string) *opensearch.Engine {
	t.Helper()
	e := openEngine(t, c)
	if set != "" {
		if _, err := e.Put(context.Background(), behaviour.Articles(t, set)); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func openEngine(t testing.TB, c *ostest.Cluster) *opensearch.Engine {
	t.Helper()
	e, err := opensearch.Open(context.Background(), opensearch.Config{URLs: c.URLs, Index: ostest.IndexName(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Delete(context.Background()); err != nil {
			t.Error(err)
		}
		e.Close()
	})
	return e
}

// TestOpenSearch runs the engine's tests on one node, started once: the behaviour
// suite (internal/behaviour) that the Bleve engine runs too, then the engine's own.
func TestOpenSearch(t *testing.T) {
	c := ostest.Start(t, 1)
	for _, set := range behaviour.Sets {
		t.Run("behaviour/"+set, func(t *testing.T) {
			e := openSet(t, c, set)
			behaviour.Run(t, set, e)
			t.Run("matching", func(t *testing.T) { behaviour.RunMatching(t, set, e) })
		})
	}
	t.Run("behaviour/"+behaviour.PeopleSet, func(t *testing.T) {
		behaviour.RunPeople(t, openSet(t, c, behaviour.PeopleSet))
	})
	for _, tc := range engineTests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, c) })
	}
}
