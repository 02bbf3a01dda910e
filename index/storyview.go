package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"

	"github.com/article-archive/archive/corpus"
)

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
	a.Body = corpus.ClipStoryText(a.Body)
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
		c.Body = corpus.ClipStoryText(c.Body)
		copies = append(copies, c)
	}
	return corpus.NewStory(a.Story, copies, more), nil
}
