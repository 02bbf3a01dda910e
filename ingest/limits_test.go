package ingest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/article-archive/archive/corpus"
)

func TestByteBudget(t *testing.T) {
	ctx := context.Background()
	b := newByteBudget(100)
	if n, ok := b.take(ctx, 60); !ok || n != 60 {
		t.Fatalf("take 60 = %d, %v", n, ok)
	}
	got := make(chan int64)
	go func() {
		n, _ := b.take(ctx, 50) // waits: 40 are free
		got <- n
	}()
	select {
	case n := <-got:
		t.Fatalf("took %d of the 40 free", n)
	case <-time.After(20 * time.Millisecond):
	}
	b.give(60)
	if n := <-got; n != 50 {
		t.Fatalf("took %d, want 50", n)
	}
	b.give(50)
	// More than the whole budget takes all of it: the item goes alone.
	if n, ok := b.take(ctx, 500); !ok || n != 100 {
		t.Fatalf("take 500 = %d, %v; want all 100", n, ok)
	}
	canceled, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, ok := b.take(canceled, 1); ok {
		t.Fatal("a take on an exhausted budget returned although its context ended")
	}
}

// batchSink records the text of each batch it is given.
type batchSink struct {
	collectSink
	mu      sync.Mutex
	batches []int64
}

func (s *batchSink) Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	var n int64
	for i := range articles {
		n += textBytes(&articles[i])
	}
	s.mu.Lock()
	s.batches = append(s.batches, n)
	s.mu.Unlock()
	return s.collectSink.Put(ctx, articles)
}

// TestLargeArticlesAreCutAndBatchedByBytes: a text longer than an article keeps
// is cut, with a warning, and batches hold at most batchTextBytes of text (and
// the one article that passed it), while short articles still go a thousand to
// a batch.
func TestLargeArticlesAreCutAndBatchedByBytes(t *testing.T) {
	fsys := fstest.MapFS{}
	para := strings.Repeat("The harbor board met again on Tuesday to discuss the quay. ", 20) + "\n\n"
	for i := range 12 {
		fsys[fmt.Sprintf("long-%02d.txt", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Harbor report, part %d\n\nPart %d.\n\n%s", i, i, strings.Repeat(para, (3<<20)/len(para))))}
	}
	var lines strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&lines, `{"id":"s%d","title":"Brief %d","body":"The harbor board met, brief number %d."}`+"\n", i, i, i)
	}
	fsys["briefs.jsonl"] = &fstest.MapFile{Data: []byte(lines.String())}

	sink := &batchSink{}
	s, err := RunFS(context.Background(), Options{Sink: sink, Workers: 2}, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if s.Indexed != 2012 {
		t.Errorf("%d indexed, want 2012", s.Indexed)
	}
	cut := 0
	for _, w := range s.Warnings {
		if strings.Contains(w.Reason, "the text is longer than 1 MiB: only its first 1 MiB is kept") {
			cut++
		}
	}
	for _, a := range sink.articles {
		if len(a.Body) > maxArticleText {
			t.Errorf("%s: %d bytes of text kept, want at most %d", a.Source, len(a.Body), maxArticleText)
		}
	}
	if cut != 12 {
		t.Errorf("%d warnings of a cut text, want 12: %v", cut, s.Warnings)
	}
	for _, n := range sink.batches {
		if n > batchTextBytes+maxArticleText+maxTitleText {
			t.Errorf("a batch of %d bytes of text, want at most %d", n, batchTextBytes+maxArticleText+maxTitleText)
		}
	}
	if len(sink.batches) > 10 {
		t.Errorf("%d batches for 2,000 briefs and 12 texts of 1 MiB, want few", len(sink.batches))
	}
}

func TestCutText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{in: "short", max: 10, want: "short"},
		{in: strings.Repeat("word ", 40), max: 102, want: strings.TrimSpace(strings.Repeat("word ", 20))}, // at the last space near the limit
		{in: "A " + strings.Repeat("x", 30), max: 16, want: "A xxxxxxxxxxxxxx"},                           // no space near it: at the limit
		{in: "caféé", max: 4, want: "caf"},                                                                // never inside a character
	} {
		if got, cut := cutText(tc.in, tc.max); got != tc.want || cut != (tc.in != tc.want) {
			t.Errorf("cutText(%q, %d) = %q, %v; want %q", tc.in, tc.max, got, cut, tc.want)
		}
	}
}
