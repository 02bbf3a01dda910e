package opensearch

import (
	"context"
	"fmt"
	"net/http"

	"github.com/article-archive/archive/corpus"
)

// Story returns the story view of article id (corpus.NewStory), as the Bleve
// engine does: every copy of its story the cluster holds, up to
// corpus.MaxStoryCopies, oldest first, each held as far as the word diff reads
// it. It returns a corpus.ENotFound error for an unknown id.
func (e *Engine) Story(ctx context.Context, id string) (corpus.Story, error) {
	a, err := e.Article(ctx, id)
	if err != nil {
		return corpus.Story{}, err
	}
	a.Body = corpus.ClipStoryText(a.Body)
	copies := []corpus.Article{a}
	if a.Story == "" {
		return corpus.NewStory(a.Story, copies, false), nil
	}
	body := dsl{
		"size":  corpus.MaxStoryCopies + 1,
		"query": dsl{"term": dsl{fieldStory: a.Story}},
		"sort":  sortOrder(corpus.Query{Sort: corpus.SortOldest}),
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return corpus.Story{}, fmt.Errorf("opensearch: copies of %s: %w", id, err)
	}
	hits := res.Hits.Hits
	more := len(hits) > corpus.MaxStoryCopies
	for _, h := range hits[:min(len(hits), corpus.MaxStoryCopies)] {
		if h.ID == id {
			continue
		}
		c := h.Source.Article
		c.Body = corpus.ClipStoryText(c.Body)
		copies = append(copies, c)
	}
	return corpus.NewStory(a.Story, copies, more), nil
}
