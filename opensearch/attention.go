package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/article-archive/archive/corpus"
)

// An attention timeline (corpus.Attention) counts stories, not articles: the
// copies of a story in one bucket of one line count once. Each line (the search,
// each outlet of the split, the other outlets, the compared text, and the same
// over every article of the dates for the totals) is a filter; its stories per
// bucket are the pairs (date bucket, story) of a composite aggregation, read in
// pages and counted exactly when the line matches at most Config.AttentionExact
// articles (so at most that many pairs, Config.AttentionExact/compositePage
// pages). A line with more is counted with the cardinality aggregation (HyperLogLog++, exact up to a
// few thousand, within a few percent beyond) and the answer says Approximate.

const (
	// compositePage is how many pairs one page of a composite aggregation reads.
	compositePage = 10000
	// DefaultAttentionExact is how many articles a line may match and still be
	// counted exactly: at most that many pairs, five pages.
	DefaultAttentionExact = 5 * compositePage
	// cardinalityPrecision is the cardinality aggregation's precision threshold
	// (its most), under which counts are near exact.
	cardinalityPrecision = 40000
	// maxAttentionCells bounds buckets × lines, as on the Bleve engine.
	maxAttentionCells = 1 << 16
)

// Attention counts q's stories per date bucket, for the whole archive and, with
// opts.Outlets, per outlet, against all the stories of the archive (and of each
// outlet) in the bucket; with opts.Compare, a second query text with q's filters
// too. It returns corpus errors for the caller's mistakes, as Search does.
func (e *Engine) Attention(ctx context.Context, q corpus.Query, opts corpus.AttentionOptions) (*corpus.Attention, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	q.Page, q.Size, q.After, q.Collapse = 1, 1, "", false
	texts := []string{q.Text}
	if opts.Compare != "" {
		texts = append(texts, opts.Compare)
	}
	// Each query's matches with a date the archive keeps, and how many have none.
	kept := dateRange(corpus.EarliestPublished, corpus.MaxSearchDate)
	matches := make([]dsl, len(texts))
	undated := make([]int, len(texts))
	var first, last time.Time
	for i, text := range texts {
		qi := q
		qi.Text = text
		p, err := e.prepare(ctx, qi)
		if err != nil {
			return nil, err
		}
		matches[i] = p.filtered(true)
		lo, hi, dated, total, err := e.datedSpan(ctx, matches[i], kept)
		if err != nil {
			return nil, err
		}
		undated[i] = total - dated
		if dated > 0 && (first.IsZero() || lo.Before(first)) {
			first = lo
		}
		if dated > 0 && hi.After(last) {
			last = hi
		}
	}
	out := &corpus.Attention{Buckets: []corpus.DateBucket{}}
	if first.IsZero() {
		for i, text := range texts {
			out.Series = append(out.Series, corpus.AttentionSeries{Kind: seriesKind(i), Query: text, Matches: []int{}, Totals: []int{}, Undated: undated[i]})
		}
		return out, nil
	}
	unit, buckets := corpus.AttentionBuckets(first, last, q.From, q.To)
	out.Unit, out.Buckets = unit, buckets
	inBuckets := dateRange(buckets[0].From, buckets[len(buckets)-1].To)
	top, err := e.topOutlets(ctx, and(matches[0], inBuckets), opts.Outlets)
	if err != nil {
		return nil, err
	}
	if n := len(buckets) * (len(top) + 3); n > maxAttentionCells {
		return nil, corpus.Errorf(corpus.EInvalidRequest, "the timeline would have %d buckets of %d lines: narrow the dates", len(buckets), len(top)+3)
	}
	// The denominators: every article in q's own dates, within the buckets.
	everything := inBuckets
	if !q.From.IsZero() || !q.To.IsZero() {
		everything = and(inBuckets, dateRange(q.From, q.To))
	}
	type line struct {
		kind, outlet, text string
		undated            int
		match, total       dsl
	}
	lines := []line{{kind: corpus.SeriesAll, text: q.Text, undated: undated[0], match: and(matches[0], inBuckets), total: everything}}
	if len(texts) > 1 {
		lines = append(lines, line{kind: corpus.SeriesCompare, text: opts.Compare, undated: undated[1], match: and(matches[1], inBuckets), total: everything})
	}
	for _, o := range top {
		is := dsl{"term": dsl{fieldOutlet: o}}
		lines = append(lines, line{kind: corpus.SeriesOutlet, outlet: o, match: and(matches[0], inBuckets, is), total: and(everything, is)})
	}
	if len(top) > 0 {
		notTop := dsl{"bool": dsl{"must_not": []dsl{{"terms": dsl{fieldOutlet: top}}}}}
		lines = append(lines, line{kind: corpus.SeriesOthers, match: and(matches[0], inBuckets, notTop), total: and(everything, notTop)})
	}
	filters := make([]dsl, 0, 2*len(lines))
	for _, l := range lines {
		filters = append(filters, l.match, l.total)
	}
	counts, approx, err := e.storiesPerBucket(ctx, filters, unit, buckets)
	if err != nil {
		return nil, err
	}
	out.Approximate = approx
	for b := range out.Buckets {
		out.Buckets[b].Count = counts[1][b]
	}
	for i, l := range lines {
		s := corpus.AttentionSeries{Kind: l.kind, Outlet: l.outlet, Query: l.text, Undated: l.undated, Matches: counts[2*i], Totals: counts[2*i+1]}
		if l.kind == corpus.SeriesOthers && !slices.ContainsFunc(s.Matches, func(n int) bool { return n > 0 }) {
			continue
		}
		out.Series = append(out.Series, s)
	}
	return out, nil
}

func seriesKind(i int) string {
	if i == 0 {
		return corpus.SeriesAll
	}
	return corpus.SeriesCompare
}

// and is the conjunction of filters.
func and(filters ...dsl) dsl {
	return dsl{"bool": dsl{"filter": filters}}
}

// datedSpan returns the first and last date of query's matches within kept, how
// many of them that is, and how many match in all.
func (e *Engine) datedSpan(ctx context.Context, query, kept dsl) (first, last time.Time, dated, total int, err error) {
	body := dsl{"size": 0, "track_total_hits": true, "query": query, "aggs": dsl{"dated": dsl{"filter": kept, "aggs": dsl{
		"first": dsl{"min": dsl{"field": fieldPublished}}, "last": dsl{"max": dsl{"field": fieldPublished}}}}}}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return first, last, 0, 0, searchError(err)
	}
	var aggs struct {
		Dated struct {
			DocCount int `json:"doc_count"`
			First    struct {
				Value *float64 `json:"value"`
			} `json:"first"`
			Last struct {
				Value *float64 `json:"value"`
			} `json:"last"`
		} `json:"dated"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return first, last, 0, 0, fmt.Errorf("opensearch: read the timeline's span: %w", err)
	}
	d := aggs.Dated
	if d.DocCount > 0 && d.First.Value != nil && d.Last.Value != nil {
		first, last = time.UnixMilli(int64(*d.First.Value)).UTC(), time.UnixMilli(int64(*d.Last.Value)).UTC()
	}
	return first, last, d.DocCount, int(res.Hits.Total.Value), nil
}

// topOutlets returns the n outlets with the most matches, most first and equal
// counts by name.
func (e *Engine) topOutlets(ctx context.Context, query dsl, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	body := dsl{"size": 0, "query": query, "aggs": dsl{"top": dsl{"terms": dsl{"field": fieldOutlet, "size": n,
		"shard_size": max(100, 10*n), "order": []dsl{{"_count": "desc"}, {"_key": "asc"}}}}}}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, searchError(err)
	}
	var aggs struct {
		Top termsAgg `json:"top"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, fmt.Errorf("opensearch: read the top outlets: %w", err)
	}
	var out []string
	for _, b := range aggs.Top.Buckets {
		if s, ok := b.Key.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// storiesPerBucket counts the distinct stories of each filter per bucket: the
// first page of every filter's pairs in one _msearch, the further pages of a
// filter one by one, and for a filter matching more than Config.AttentionExact
// articles the cardinality estimate.
func (e *Engine) storiesPerBucket(ctx context.Context, filters []dsl, unit corpus.DateUnit, buckets []corpus.DateBucket) ([][]int, bool, error) {
	index := map[string]int{}
	for i, b := range buckets {
		index[b.Key] = i
	}
	bucketOf := func(ms float64) int {
		t := time.UnixMilli(int64(ms)).UTC()
		if i, ok := index[unit.Key(unit.Start(t))]; ok {
			return i
		}
		return -1
	}
	interval := calendarInterval(unit)
	pairs := func(filter dsl, after any) dsl {
		comp := dsl{"size": compositePage, "sources": []dsl{
			{"d": dsl{"date_histogram": dsl{"field": fieldPublished, "calendar_interval": interval}}},
			{"s": dsl{"terms": dsl{"field": fieldStory}}},
		}}
		if after != nil {
			comp["after"] = after
		}
		return dsl{"size": 0, "query": filter, "track_total_hits": e.cfg.AttentionExact + 1, "aggs": dsl{"pairs": dsl{"composite": comp}}}
	}
	type page struct {
		Pairs struct {
			AfterKey any `json:"after_key"`
			Buckets  []struct {
				Key struct {
					D float64 `json:"d"`
				} `json:"key"`
			} `json:"buckets"`
		} `json:"pairs"`
	}
	var msearch bytes.Buffer
	enc := json.NewEncoder(&msearch)
	for _, f := range filters {
		enc.Encode(dsl{"index": e.index})
		enc.Encode(pairs(f, nil))
	}
	var res struct {
		Responses []struct {
			Hits struct {
				Total struct {
					Value int `json:"value"`
				} `json:"total"`
			} `json:"hits"`
			Aggregations page `json:"aggregations"`
			Error        any  `json:"error"`
			Status       int  `json:"status"`
		} `json:"responses"`
	}
	if err := e.do(ctx, http.MethodPost, "/_msearch", msearch.Bytes(), &res); err != nil {
		return nil, false, searchError(err)
	}
	if len(res.Responses) != len(filters) {
		return nil, false, fmt.Errorf("opensearch: the timeline's counts: %d answers to %d searches", len(res.Responses), len(filters))
	}
	out := make([][]int, len(filters))
	approx := false
	for i, r := range res.Responses {
		if r.Error != nil {
			return nil, false, fmt.Errorf("opensearch: the timeline's counts: %d %v", r.Status, r.Error)
		}
		if r.Hits.Total.Value > e.cfg.AttentionExact {
			// More articles than pairs read exactly: no page is read in vain.
			counts, err := e.estimateStories(ctx, filters[i], interval, bucketOf, len(buckets))
			if err != nil {
				return nil, false, err
			}
			out[i] = counts
			approx = true
			continue
		}
		out[i] = make([]int, len(buckets))
		p := r.Aggregations
		for {
			for _, b := range p.Pairs.Buckets {
				if k := bucketOf(b.Key.D); k >= 0 {
					out[i][k]++
				}
			}
			if len(p.Pairs.Buckets) < compositePage || p.Pairs.AfterKey == nil {
				break
			}
			var next searchResponse
			if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", pairs(filters[i], p.Pairs.AfterKey), &next); err != nil {
				return nil, false, searchError(err)
			}
			p = page{}
			if err := json.Unmarshal(next.Aggregations, &p); err != nil {
				return nil, false, fmt.Errorf("opensearch: read the timeline's counts: %w", err)
			}
		}
	}
	return out, approx, nil
}

// estimateStories counts the distinct stories of filter per bucket with the
// cardinality aggregation.
func (e *Engine) estimateStories(ctx context.Context, filter dsl, interval string, bucketOf func(float64) int, n int) ([]int, error) {
	body := dsl{"size": 0, "query": filter, "aggs": dsl{"d": dsl{
		"date_histogram": dsl{"field": fieldPublished, "calendar_interval": interval, "min_doc_count": 1},
		"aggs":           dsl{"s": dsl{"cardinality": dsl{"field": fieldStory, "precision_threshold": cardinalityPrecision}}},
	}}}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, searchError(err)
	}
	var aggs struct {
		D struct {
			Buckets []struct {
				Key float64 `json:"key"`
				S   struct {
					Value int `json:"value"`
				} `json:"s"`
			} `json:"buckets"`
		} `json:"d"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, fmt.Errorf("opensearch: read the timeline's estimates: %w", err)
	}
	out := make([]int, n)
	for _, b := range aggs.D.Buckets {
		if k := bucketOf(b.Key); k >= 0 {
			out[k] = b.S.Value
		}
	}
	return out, nil
}
