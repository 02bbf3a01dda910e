package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"

	"github.com/article-archive/archive/corpus"
)

// exportBatch is how many hits one step of an export loads.
const exportBatch = 500

// Export calls emit with every hit of q in q's order, without snippets, paging
// through the results with SearchAfter so that memory and the cost of each step stay
// flat however many there are; q's page, size and cursor are ignored. With
// q.Collapse only the first hit of each story is emitted. It stops at the first
// error from emit or ctx, and returns corpus errors for a bad query.
func (ix *Index) Export(ctx context.Context, q corpus.Query, emit func(corpus.Hit) error) error {
	q.Page, q.Size, q.After = 1, 1, ""
	if err := q.Validate(); err != nil {
		return err
	}
	prep, err := ix.prepare(ctx, &q)
	if err != nil {
		return err
	}
	// An export may stream for minutes: it takes its turn among the costly
	// searches for the dictionary lookups only, not for the whole download.
	prep.done()
	bq := withFilters(q, prep.text, true)
	var stories map[string]bool
	if q.Collapse {
		stories = map[string]bool{}
	}
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bq, exportBatch, 0, false)
		req.Fields = hitFields
		req.SortByCustom(sortOrder(q))
		req.SearchAfter = after
		res, err := ix.search(ctx, req)
		if err != nil {
			return searchError(err)
		}
		hits := make([]corpus.Hit, 0, len(res.Hits))
		for _, h := range res.Hits {
			out := hit(h)
			if stories != nil {
				if stories[out.Story] {
					continue
				}
				stories[out.Story] = true
			}
			hits = append(hits, out)
		}
		if err := ix.countOutlets(ctx, hits); err != nil {
			return err
		}
		for _, h := range hits {
			if err := emit(h); err != nil {
				return err
			}
		}
		if len(res.Hits) < exportBatch {
			return nil
		}
		after = afterValues(res.Hits[len(res.Hits)-1])
	}
}
