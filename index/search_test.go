package index_test

import (
	"context"
	"testing"

	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/internal/behaviour"
)

// openTestIndex creates an on-disk index in a temporary directory holding the
// articles of the behaviour suite's "search" set.
func openTestIndex(t testing.TB) *index.Index {
	t.Helper()
	return openSet(t, "search")
}

// openSet creates an on-disk index holding the articles of a behaviour set.
func openSet(t testing.TB, set string) *index.Index {
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
	if _, err := ix.Put(context.Background(), behaviour.Articles(t, set)); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestSearchBehaviour runs the behaviour suite's search set (facets, filters,
// paging: internal/behaviour/testdata/search), which every engine runs.
func TestSearchBehaviour(t *testing.T) {
	behaviour.Run(t, "search", openTestIndex(t))
}

// TestPeopleBehaviour runs the behaviour suite's people set (people edits and
// their undo, look-ups, person pages, outlet attention:
// internal/behaviour/testdata/people), which every engine runs.
func TestPeopleBehaviour(t *testing.T) {
	behaviour.RunPeople(t, openSet(t, behaviour.PeopleSet))
}
