package index

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// TestCostLimits checks the limits on what one search may expand to, and that
// costly searches take turns while plain ones go on.
func TestCostLimits(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{Limits: Limits{MaxExpansions: 20, MaxQueryExpansions: 25, CostlySearches: 1, CostlyWait: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var batch []corpus.Article
	for i := range 40 {
		batch = append(batch, corpus.Article{ID: fmt.Sprintf("a%d", i), Title: fmt.Sprintf("Report %d", i),
			Body: fmt.Sprintf("The word tally%02d appears here with harbor and word%02d.", i, i)})
	}
	if _, err := ix.Put(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		text string
		code string
	}{
		{"tally1*", ""},                                    // 10 words
		{"tally*", corpus.EQueryTooCostly},                 // 40 words: over 20 for one term
		{"tally1* tally2*", ""},                            // 20 together
		{"tally1* tally2* word1*", corpus.EQueryTooCostly}, // 30 words together: over 25
		{"/tally[0-3]./", corpus.EQueryTooCostly},
		{"tally05~1", ""},
	} {
		_, err := ix.Search(ctx, corpus.Query{Text: c.text})
		if got := corpus.ErrorCode(err); got != c.code {
			t.Errorf("%q: error %v (code %q), want code %q", c.text, err, got, c.code)
		}
	}

	// One costly search at a time: while one holds the turn, another is refused
	// as busy after the wait, and a plain search answers.
	done, err := ix.costlyTurn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ix.Search(ctx, corpus.Query{Text: "tally1*"})
	var e *corpus.Error
	if !errors.As(err, &e) || e.Code != corpus.EBusy || e.RetryAfter <= 0 {
		t.Errorf("a costly search while another runs: %v, want busy with a retry time", err)
	}
	if res, err := ix.Search(ctx, corpus.Query{Text: "harbor"}); err != nil || res.Total != 40 {
		t.Errorf("a plain search while a costly one runs: %v, %v", res, err)
	}
	done()
	if _, err := ix.Search(ctx, corpus.Query{Text: "tally1*"}); err != nil {
		t.Errorf("a costly search once the turn is free: %v", err)
	}
	// A search whose client has gone stops with the context's error.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Search(gone, corpus.Query{Text: "tally1*"}); !errors.Is(err, context.Canceled) {
		t.Errorf("a search for a client that has gone: %v, want context.Canceled", err)
	}
}
