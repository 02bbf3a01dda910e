package index

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// The published facet picks its bucket size (year, month, day) for the range in
// view. When the query fixes a range of at most two months, days are known up
// front and one search suffices (corpus.Query.SpanUnit reports fixed). Otherwise the search
// counts hits per month first, from a keyword field that has few distinct values;
// months add up to years, and only when all hits fall within two months does a
// second, hit-less search count them per day.

// The facet counts only months in [corpus.EarliestPublished,
// corpus.MaxSearchDate). Ingest keeps no date outside (corpus.Article.
// CheckPublished), but an archive may hold one from before it checked: the
// bucket of 9999-12 ends in the year 10000, which JSON cannot encode, and years
// 1500 and 2500 would span a thousand empty buckets. Such hits are left out of
// the facet, which so never has more than 661 buckets (years 1600 to 2260).

// dayFacet asks for one date range per day of [from, to).
func dayFacet(from, to time.Time, unit corpus.DateUnit) *bleve.FacetRequest {
	var n int
	for t := unit.Start(from); t.Before(to); t = unit.Next(t) {
		n++
	}
	f := bleve.NewFacetRequest(fieldPublished, n)
	for t := unit.Start(from); t.Before(to); t = unit.Next(t) {
		f.AddDateTimeRange(unit.Key(t), t, unit.Next(t))
	}
	return f
}

// dateBuckets converts a date-range facet to buckets in date order, with the
// undated hits (total minus the dated ones) last.
func dateBuckets(fr *search.FacetResult, total uint64) []corpus.DateBucket {
	out := []corpus.DateBucket{}
	dated := 0
	if fr != nil {
		for _, r := range fr.DateRanges {
			b := corpus.DateBucket{Key: r.Name, Count: r.Count}
			if r.Start != nil {
				b.From, _ = time.Parse(time.RFC3339Nano, *r.Start)
			}
			if r.End != nil {
				b.To, _ = time.Parse(time.RFC3339Nano, *r.End)
			}
			out = append(out, b)
			dated += r.Count
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From.Before(out[j].From) })
	if undated := int(total) - dated; undated > 0 {
		out = append(out, corpus.DateBucket{Key: corpus.UndatedKey, Count: undated})
	}
	return out
}

// dateFacet fills out.Facets.Published from the month counts of res, searching
// again per day when the hits span two months or less (corpus.ViewDates).
func (ix *Index) dateFacet(ctx context.Context, q corpus.Query, bq query.Query, res *bleve.SearchResult, out *corpus.Results) error {
	months := map[time.Time]int{}
	undated := 0
	if fr := res.Facets[facetMonth]; fr != nil {
		undated = fr.Missing
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if m, err := time.Parse("2006-01", t.Term); err == nil {
					months[m] = t.Count
				}
			}
		}
	}
	out.Facets.Published = []corpus.DateBucket{}
	if v, ok := corpus.ViewDates(q, months); ok {
		out.Facets.DateUnit = v.Unit
		out.Facets.Published = v.Buckets
		if v.Unit == corpus.Day {
			buckets, err := ix.dayCounts(ctx, bq, v.From, v.To)
			if err != nil {
				return err
			}
			out.Facets.Published = corpus.TrimEmptyBuckets(buckets)
		}
	}
	if undated > 0 {
		out.Facets.Published = append(out.Facets.Published, corpus.DateBucket{Key: corpus.UndatedKey, Count: undated})
	}
	return nil
}

// dayCounts counts the hits of bq per day in [from, to) with a search that loads no
// hits.
func (ix *Index) dayCounts(ctx context.Context, bq query.Query, from, to time.Time) ([]corpus.DateBucket, error) {
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	req.AddFacet(facetDay, dayFacet(from, to, corpus.Day))
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: count per day: %w", err)
	}
	buckets := dateBuckets(res.Facets[facetDay], 0)
	return buckets, nil
}
