package ingest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
)

// What one run holds in memory is bounded by bytes, not by counts, so that any
// input within the limits (files, lines, archive entries and WARC pages up to
// Options.MaxFileBytes) is ingested in bounded memory, whatever the mix of sizes:
//
//   - the reader takes from extractionBudget what extracting an item will hold
//     (extractionCost) before it hands the item on, and the worker gives it
//     back when it is done: the items waiting and being extracted hold at most
//     that much, and an item that would hold more is extracted alone;
//   - workers take an article's size from resultBudget before passing it to
//     the writer's loop, which gives it back as it adds the article to a batch;
//   - a batch goes to the sink once it holds batchTextBytes of text (or
//     Options.BatchSize articles): the sink (Bleve) holds some fifty times the
//     text of the batch it indexes;
//   - an article's text is cut at maxArticleText, its title at maxTitleText.
const (
	extractionBudget = 128 << 20
	resultBudget     = 8 << 20
	batchTextBytes   = 4 << 20
	maxArticleText   = 1 << 20
	maxTitleText     = 2 << 10
	// maxNameText bounds an outlet's, an author's and a person's name;
	// maxRecordNames how many authors and persons a record may list.
	maxNameText    = 256
	maxRecordNames = 1000
)

// extractionCost is what extracting an item is expected to hold in memory at
// its peak: its bytes and what extraction makes of them. Finding the people of a
// text holds some twenty times the text (tokens, mentions, tagger features); a
// web page's parsed tree and its copies come to more, some sixty times the page
// (go-trafilatura's heap peaked at 417 MiB for a 4 MiB page, 688 MiB for 15 MiB).
func extractionCost(it item) int64 {
	n := int64(len(it.data))
	switch it.format {
	case formatHTML, formatFeedItem:
		return 64 * n
	}
	return 20 * n
}

// textBytes is the size of an article's text, as batches and budgets count it.
func textBytes(a *corpus.Article) int64 {
	n := len(a.Title) + len(a.Body) + len(a.Outlet) + len(a.URL)
	for _, s := range a.Authors {
		n += len(s)
	}
	for _, s := range a.Persons {
		n += len(s)
	}
	return int64(n)
}

// byteBudget bounds the bytes held between two stages of the pipeline: one stage
// takes what an item will hold before passing it on, the next gives it back when
// it lets the item go. An item that needs more than the whole budget takes all
// of it, and so goes alone.
type byteBudget struct {
	mu      sync.Mutex
	free    int64
	size    int64
	waiting int           // takers waiting for bytes
	freed   chan struct{} // closed (and replaced) when bytes are given back to a waiting taker
}

func newByteBudget(size int64) *byteBudget {
	return &byteBudget{free: size, size: size, freed: make(chan struct{})}
}

// take waits until n bytes (at most the whole budget) are free and takes them.
// It returns what it took, which the caller gives back, or false when ctx ended
// first.
func (b *byteBudget) take(ctx context.Context, n int64) (int64, bool) {
	n = min(max(n, 0), b.size)
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return n, true
		}
		freed := b.freed
		b.waiting++
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
		}
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
		if ctx.Err() != nil {
			return 0, false
		}
	}
}

// give returns n bytes that take took.
func (b *byteBudget) give(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.free += n
	if b.waiting > 0 {
		close(b.freed)
		b.freed = make(chan struct{})
	}
	b.mu.Unlock()
}

// cutText shortens s to at most limit bytes, at the last white space before the
// limit when there is one nearby, else at a character's start; the result does
// not keep s's memory. It reports whether it cut.
func cutText(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexAny(s[:cut], " \t\n"); i > max(cut-1024, cut*7/8) {
		cut = i
	}
	return strings.Clone(strings.TrimSpace(s[:cut])), true
}

// boundArticle cuts what an article holds to the limits above: the text at
// maxArticleText (also when the reader already cut the input, cut), the title
// at maxTitleText, names at maxNameText, and a record's lists of authors and
// persons at maxRecordNames. It returns a warning saying what was cut, or "".
func boundArticle(a *corpus.Article, cut bool) string {
	var what []string
	var c bool
	if a.Body, c = cutText(a.Body, maxArticleText); c || cut {
		what = append(what, fmt.Sprintf("the text is longer than %s: only its first %s is kept (split it into articles to keep the rest)", mib(maxArticleText), mib(maxArticleText)))
	}
	if a.Title, c = cutText(a.Title, maxTitleText); c {
		what = append(what, fmt.Sprintf("the title is longer than %d bytes: cut there", maxTitleText))
	}
	a.Outlet, c = cutText(a.Outlet, maxNameText)
	names := c
	for _, list := range []*[]string{&a.Authors, &a.Persons} {
		if len(*list) > maxRecordNames {
			*list = (*list)[:maxRecordNames]
			what = append(what, fmt.Sprintf("more than %d authors or persons: the first %d are kept", maxRecordNames, maxRecordNames))
		}
		for i := range *list {
			(*list)[i], c = cutText((*list)[i], maxNameText)
			names = names || c
		}
	}
	if names {
		what = append(what, fmt.Sprintf("a name (outlet, author or person) is longer than %d bytes: cut there", maxNameText))
	}
	return strings.Join(what, "; ")
}
