package index_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// TestDeferredBatchesAreIndexedInOrder stores batches with PutDeferred, each
// updating the articles of the one before, and checks that after Flush every
// article is searchable in its last version; then that Close settles a batch
// still being indexed, so that a reopened archive has it.
func TestDeferredBatchesAreIndexedInOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n, rounds = 50, 6
	for round := range rounds {
		batch := make([]corpus.Article, n)
		for i := range batch {
			batch[i] = corpus.Article{ID: fmt.Sprintf("a%02d", i), Title: fmt.Sprintf("Ferry schedule %d", i),
				Body: fmt.Sprintf("The ferry timetable changes, version round%d of article %d.", round, i), Outlet: "Harbor Post"}
		}
		outcomes, err := ix.PutDeferred(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		want := corpus.Updated
		if round == 0 {
			want = corpus.Indexed
		}
		for i, o := range outcomes {
			if o != want {
				t.Fatalf("round %d, article %d: %v, want %v", round, i, o, want)
			}
		}
	}
	if err := ix.Flush(); err != nil {
		t.Fatal(err)
	}
	last := fmt.Sprintf("round%d", rounds-1)
	if res, err := ix.Search(ctx, corpus.Query{Text: last, Size: 100}); err != nil || res.Total != n {
		t.Fatalf("after Flush, %q finds %v (%v), want all %d articles", last, res.Total, err, n)
	}
	if res, err := ix.Search(ctx, corpus.Query{Text: "round0"}); err != nil || res.Total != 0 {
		t.Fatalf("after Flush, the first version is still found: %v (%v)", res.Total, err)
	}

	// A large batch, then a small one updating one of its articles: the small one
	// must not overtake it.
	large := make([]corpus.Article, 3000)
	for i := range large {
		large[i] = corpus.Article{ID: fmt.Sprintf("b%04d", i), Title: "Dock works", Body: fmt.Sprintf("Dock works continue, first version, note %d.", i)}
	}
	if _, err := ix.PutDeferred(ctx, large); err != nil {
		t.Fatal(err)
	}
	small := []corpus.Article{{ID: "b0000", Title: "Dock works", Body: "Dock works end, second version."}}
	if _, err := ix.PutDeferred(ctx, small); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(); err != nil {
		t.Fatal(err)
	}
	if res, err := ix.Search(ctx, corpus.Query{Text: `"second version"`}); err != nil || res.Total != 1 {
		t.Fatalf("the update stored after a large batch finds %v (%v), want 1: batches were indexed out of order", res.Total, err)
	}

	// A batch still being indexed when the archive closes is there when it opens.
	more := []corpus.Article{{ID: "late", Title: "Late sailing", Body: "A late sailing was added on Friday.", Outlet: "Harbor Post"}}
	if _, err := ix.PutDeferred(ctx, more); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if res, err := ix.Search(ctx, corpus.Query{Text: "sailing"}); err != nil || res.Total != 1 {
		t.Fatalf("after reopening, the last deferred batch finds %v (%v), want 1", res.Total, err)
	}
}
