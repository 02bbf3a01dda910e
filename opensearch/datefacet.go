package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/article-archive/archive/corpus"
)

// The date facet is drawn as the Bleve engine draws it: the hits are counted per
// month; the months' span (narrowed to the query's dates) picks the unit; a span
// of days is counted again per day; undated hits are their own bucket.

// histogram reads a date histogram's non-empty buckets.
func histogram(agg termsAgg) map[time.Time]int {
	out := map[time.Time]int{}
	for _, b := range agg.Buckets {
		ms, ok := b.Key.(float64)
		if !ok || b.DocCount == 0 {
			continue
		}
		out[time.UnixMilli(int64(ms)).UTC()] = b.DocCount
	}
	return out
}

// dateFacet fills out.Facets.Published from the months holding the query's
// hits, counting again per day when they span two months or less
// (corpus.ViewDates).
func (e *Engine) dateFacet(ctx context.Context, p *prepared, months map[time.Time]int, undated int, out *corpus.Results) error {
	out.Facets.Published = []corpus.DateBucket{}
	if v, ok := corpus.ViewDates(p.q, months); ok {
		out.Facets.DateUnit = v.Unit
		out.Facets.Published = v.Buckets
		if v.Unit == corpus.Day {
			days, err := e.dayCounts(ctx, p, v.From, v.To)
			if err != nil {
				return err
			}
			out.Facets.Published = corpus.TrimEmptyBuckets(corpus.SpanBuckets(v.From, v.To, corpus.Day, days))
		}
	}
	if undated > 0 {
		out.Facets.Published = append(out.Facets.Published, corpus.DateBucket{Key: corpus.UndatedKey, Count: undated})
	}
	return nil
}

// dayCounts counts the query's hits per day in [from, to).
func (e *Engine) dayCounts(ctx context.Context, p *prepared, from, to time.Time) (map[time.Time]int, error) {
	body := dsl{
		"size":  0,
		"query": dsl{"bool": dsl{"must": []dsl{p.filtered(true)}, "filter": []dsl{dateRange(from, to)}}},
		"aggs":  dsl{"days": dsl{"date_histogram": dsl{"field": fieldPublished, "calendar_interval": "day", "min_doc_count": 1}}},
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: count per day: %w", err)
	}
	var aggs struct {
		Days termsAgg `json:"days"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, fmt.Errorf("opensearch: read the days: %w", err)
	}
	return histogram(aggs.Days), nil
}
