package index

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/article-archive/archive/corpus"
)

// maxStoryBodyBytes is how much of each copy's text the story view holds: more
// than the words a diff compares (corpus.MaxDiffWords), so that a story of many
// long copies costs a bounded amount of memory.
const maxStoryBodyBytes = 256 << 10

// clipText returns the first n bytes of s, cut at a rune's start.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Story returns the story view of article id (corpus.NewStory): every copy of its
// story the archive holds, up to corpus.MaxStoryCopies, with what each changed
// compared with the first. It returns a corpus.ENotFound error for an unknown id.
func (ix *Index) Story(ctx context.Context, id string) (corpus.Story, error) {
	a, err := ix.Article(ctx, id)
	if err != nil {
		return corpus.Story{}, err
	}
	req := bleve.NewSearchRequestOptions(termQuery(fieldStory, a.Story), corpus.MaxStoryCopies+1, 0, false)
	req.SortByCustom(sortOrder(corpus.Query{Sort: corpus.SortOldest}))
	res, err := ix.search(ctx, req)
	if err != nil {
		return corpus.Story{}, fmt.Errorf("index: copies of %s: %w", id, err)
	}
	more := len(res.Hits) > corpus.MaxStoryCopies
	a.Body = clipText(a.Body, maxStoryBodyBytes)
	copies := []corpus.Article{a}
	for _, h := range res.Hits[:min(len(res.Hits), corpus.MaxStoryCopies)] {
		if h.ID == id {
			continue
		}
		if err := ctx.Err(); err != nil {
			return corpus.Story{}, err
		}
		c, err := ix.Article(ctx, h.ID)
		if err != nil {
			return corpus.Story{}, err
		}
		// A copy is held only as far as the diff reads it.
		c.Body = clipText(c.Body, maxStoryBodyBytes)
		copies = append(copies, c)
	}
	return corpus.NewStory(a.Story, copies, more), nil
}
