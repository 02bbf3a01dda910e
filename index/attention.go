package index

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/article-archive/archive/corpus"
)

// An attention timeline (corpus.Attention) is counted from the column cache: the
// matches of each query are found by Bleve's searcher, or from the columns alone
// when the query is only a date range, and every other value (date, outlet,
// story) is read from the columns by document number, so no article is loaded.
// Stories are counted once per bucket and line: each match becomes a 64-bit key,
// the line's cell (bucket and outlet) in the top 16 bits and a hash of its story
// in the rest; the keys are sorted and the distinct ones counted. That costs 8
// bytes and a sort place per match (and per article of the range for the
// denominators), never a map of stories.

// storyHashBits is how much of a key the story's hash takes; the rest names the
// cell. Two stories of one cell collide with a chance of about n²/2^49.
const storyHashBits = 48

// maxAttentionCells bounds buckets × lines so that a cell fits its bits.
const maxAttentionCells = 1 << (64 - storyHashBits)

// storyColumn returns the segment's story hashes by document number, built on
// first use from the story field's postings (0: no story, then the document is a
// story of its own).
func (s *segColumns) storyColumn(seg *scorch.SegmentSnapshot) ([]uint64, error) {
	s.storyOnce.Do(func() {
		col := make([]uint64, len(s.published))
		s.storyErr = eachPosting(seg.Segment(), fieldStory, nil, nil, func(term []byte) func(uint64) {
			h := fnv.New64a()
			h.Write(term)
			sum := h.Sum64() | 1 // never 0
			return func(doc uint64) {
				if doc < uint64(len(col)) {
					col[doc] = sum
				}
			}
		})
		s.stories = col
	})
	return s.stories, s.storyErr
}

// attentionHits are the matches of one query as global document numbers, with
// how many of them have no date (or one outside the facet's range).
type attentionHits struct {
	nums    []uint64
	undated int
}

// Attention counts q's stories per date bucket, for the whole archive and, with
// opts.Outlets, per outlet, against all the stories of the archive (and of each
// outlet) in the bucket; with opts.Compare, a second query text with q's filters
// too. It returns corpus errors for the caller's mistakes, as Search does.
func (ix *Index) Attention(ctx context.Context, q corpus.Query, opts corpus.AttentionOptions) (*corpus.Attention, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	q.Page, q.Size, q.After, q.Collapse = 1, 1, "", false
	if err := q.Validate(); err != nil {
		return nil, err
	}
	queries := []corpus.Query{q}
	if opts.Compare != "" {
		c := q
		c.Text = opts.Compare
		queries = append(queries, c)
	}
	reader, cols, err := ix.columnReader()
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	stories := make([][]uint64, len(cols.segs))
	for i, s := range cols.segs {
		if stories[i], err = s.storyColumn(cols.snaps[i]); err != nil {
			return nil, err
		}
	}
	// Each query takes its own turn among the costly searches, one after the
	// other, so that a request never holds two turns.
	hits := make([]attentionHits, len(queries))
	for i := range queries {
		if hits[i], err = ix.attentionHits(ctx, &queries[i], reader, cols); err != nil {
			return nil, err
		}
	}

	// The buckets span the dated matches, within the range q asks for.
	var lo, hi int64
	found := false
	for _, h := range hits {
		loc := locator{cols: cols}
		for _, num := range h.nums {
			sc, local := loc.find(num)
			d := sc.published[local]
			if !found || d < lo {
				lo = d
			}
			if !found || d > hi {
				hi = d
			}
			found = true
		}
	}
	out := &corpus.Attention{Buckets: []corpus.DateBucket{}}
	if !found {
		for i, h := range hits {
			out.Series = append(out.Series, corpus.AttentionSeries{Kind: seriesKind(i), Query: queries[i].Text, Matches: []int{}, Totals: []int{}, Undated: h.undated})
		}
		return out, nil
	}
	first, last := time.Unix(0, lo).UTC(), time.Unix(0, hi).UTC()
	unit, buckets := corpus.AttentionBuckets(first, last, q.From, q.To)
	out.Unit, out.Buckets = unit, buckets
	bucketOf := bucketFunc(unit, unit.Start(first), len(out.Buckets))

	// The split's outlets: those with the most dated matches of q.
	var top []uint32
	if opts.Outlets > 0 {
		top = topOutlets(cols, ix.columns.outlets.snapshot(), hits[0].nums, opts.Outlets)
	}
	slot := map[uint32]int{}
	for i, o := range top {
		slot[o] = i
	}
	// Lines: one per outlet of the split, others, all, compare.
	others, all, compare := len(top), len(top)+1, len(top)+2
	lines := len(top) + 3
	if len(out.Buckets)*lines > maxAttentionCells {
		return nil, corpus.Errorf(corpus.EInvalidRequest, "the timeline would have %d buckets of %d lines: narrow the dates", len(out.Buckets), lines)
	}
	outletLine := func(o uint32) int {
		if s, ok := slot[o]; ok {
			return s
		}
		return others
	}
	key := func(bucket, line int, story uint64) uint64 {
		return uint64(bucket*lines+line)<<storyHashBits | story>>(64-storyHashBits)
	}
	storyOf := func(seg int, local, num uint64) uint64 {
		if s := stories[seg][local]; s != 0 {
			return s
		}
		return ownStory(num)
	}

	// The matches.
	n := 0
	for _, h := range hits {
		n += 2 * len(h.nums)
	}
	keys := make([]uint64, 0, n)
	for i, h := range hits {
		loc := locator{cols: cols}
		for _, num := range h.nums {
			sc, local := loc.find(num)
			b := bucketOf(sc.published[local])
			if b < 0 {
				continue
			}
			s := storyOf(loc.seg, local, num)
			if i == 0 {
				keys = append(keys, key(b, all, s))
				if len(top) > 0 {
					keys = append(keys, key(b, outletLine(sc.outlet[local]), s))
				}
			} else {
				keys = append(keys, key(b, compare, s))
			}
		}
	}
	matches := countCells(keys, len(out.Buckets)*lines)

	// The denominators: every live article in q's date range, the same for every
	// search of the same shape until the archive changes.
	dates := queryDates(q)
	shape := attentionShape(cols, unit, out.Buckets[0].From, len(out.Buckets), dates, top)
	totals, ok := ix.columns.attention.get(shape)
	if !ok {
		if totals, err = ix.attentionTotals(ctx, cols, stories, dates, bucketOf, key, outletLine, len(top) > 0, all, len(out.Buckets)*lines); err != nil {
			return nil, err
		}
		ix.columns.attention.put(shape, totals)
	}

	line := func(kind string, l int, outlet, text string, undated int) corpus.AttentionSeries {
		s := corpus.AttentionSeries{Kind: kind, Outlet: outlet, Query: text, Undated: undated,
			Matches: make([]int, len(out.Buckets)), Totals: make([]int, len(out.Buckets))}
		for b := range out.Buckets {
			s.Matches[b] = matches[b*lines+l]
			if kind == corpus.SeriesCompare {
				s.Totals[b] = totals[b*lines+all]
			} else {
				s.Totals[b] = totals[b*lines+l]
			}
		}
		return s
	}
	for b := range out.Buckets {
		out.Buckets[b].Count = totals[b*lines+all]
	}
	out.Series = append(out.Series, line(corpus.SeriesAll, all, "", q.Text, hits[0].undated))
	if len(hits) > 1 {
		out.Series = append(out.Series, line(corpus.SeriesCompare, compare, "", opts.Compare, hits[1].undated))
	}
	if len(top) > 0 {
		names := ix.columns.outlets.snapshot()
		for i, o := range top {
			out.Series = append(out.Series, line(corpus.SeriesOutlet, i, names[o-1], "", 0))
		}
		if o := line(corpus.SeriesOthers, others, "", "", 0); slices.ContainsFunc(o.Matches, func(n int) bool { return n > 0 }) {
			out.Series = append(out.Series, o)
		}
	}
	return out, nil
}

// attentionTotals counts every live story in dates per cell.
func (ix *Index) attentionTotals(ctx context.Context, cols *snapColumns, stories [][]uint64, dates dateRange, bucketOf func(int64) int,
	key func(bucket, line int, story uint64) uint64, outletLine func(uint32) int, split bool, all, cells int) ([]int, error) {
	var keys []uint64
	for i, sc := range cols.segs {
		if i%8 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		deleted := cols.snaps[i].Deleted()
		for local, d := range sc.published {
			if d == noDate || !dates.admits(d) || (deleted != nil && deleted.Contains(uint32(local))) {
				continue
			}
			b := bucketOf(d)
			if b < 0 {
				continue
			}
			s := stories[i][local]
			if s == 0 {
				s = ownStory(cols.offsets[i] + uint64(local))
			}
			keys = append(keys, key(b, all, s))
			if split {
				keys = append(keys, key(b, outletLine(sc.outlet[local]), s))
			}
		}
	}
	return countCells(keys, cells), nil
}

// attentionShape names the denominators of a timeline: the snapshot (its
// segments and their deletions), the buckets, the date range and the split.
func attentionShape(cols *snapColumns, unit corpus.DateUnit, first time.Time, n int, dates dateRange, top []uint32) string {
	var b strings.Builder
	for _, s := range cols.snaps {
		var deleted uint64
		if d := s.Deleted(); d != nil {
			deleted = d.GetCardinality()
		}
		fmt.Fprintf(&b, "%d-%d,", s.Id(), deleted)
	}
	fmt.Fprintf(&b, "|%s|%d|%d|%v|%d|%d|%v", unit, first.UnixNano(), n, dates.on, dates.from, dates.to, top)
	return b.String()
}

// attentionCache keeps the denominators of the last few timelines: most
// timelines in a row share them (the same dates and outlets, another query).
type attentionCache struct {
	mu      sync.Mutex
	entries []attentionEntry
}

type attentionEntry struct {
	shape  string
	totals []int
}

// attentionCacheSize is how many denominators the cache keeps.
const attentionCacheSize = 8

func (c *attentionCache) get(shape string) ([]int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.shape == shape {
			// The most recent last.
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			return e.totals, true
		}
	}
	return nil, false
}

func (c *attentionCache) put(shape string, totals []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) == attentionCacheSize {
		c.entries = c.entries[1:]
	}
	c.entries = append(c.entries, attentionEntry{shape, totals})
}

// ownStory is the story hash of a document that has no story: a story of its
// own, its number spread over the bits a key keeps.
func ownStory(num uint64) uint64 {
	return (num+1)*0x9e3779b97f4a7c15 | 1
}

func seriesKind(i int) string {
	if i == 0 {
		return corpus.SeriesAll
	}
	return corpus.SeriesCompare
}

// attentionHits finds q's matches in the snapshot: dated ones (within the
// facet's range) as document numbers, the others counted.
func (ix *Index) attentionHits(ctx context.Context, q *corpus.Query, reader bleveindex.IndexReader, cols *snapColumns) (attentionHits, error) {
	var out attentionHits
	prep, err := ix.prepare(ctx, q)
	if err != nil {
		return out, err
	}
	defer prep.done()
	bq, dates := splitDateRange(withFilters(*q, prep.text, true), fieldPublished)
	keep := func(num uint64, sc *segColumns, local uint64) {
		d := sc.published[local]
		switch {
		case !dates.admits(d):
		case d == noDate || !corpus.Keeps(time.Unix(0, d).UTC()):
			out.undated++
		default:
			out.nums = append(out.nums, num)
		}
	}
	if _, all := bq.(*query.MatchAllQuery); all {
		for i, sc := range cols.segs {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			deleted := cols.snaps[i].Deleted()
			for local := range sc.published {
				if deleted != nil && deleted.Contains(uint32(local)) {
					continue
				}
				keep(cols.offsets[i]+uint64(local), sc, uint64(local))
			}
		}
		return out, nil
	}
	searcher, err := bq.Searcher(ctx, reader, ix.bleve.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return out, searchError(err)
	}
	defer searcher.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(searcher.DocumentMatchPoolSize()+1, 0)}
	loc := locator{cols: cols}
	for seen := 0; ; seen++ {
		if seen%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return out, err
			}
		}
		dm, err := searcher.Next(sctx)
		if err != nil {
			return out, searchError(err)
		}
		if dm == nil {
			return out, nil
		}
		num := dm.IndexInternalID.Value()
		sctx.DocumentMatchPool.Put(dm)
		sc, local := loc.find(num)
		keep(num, sc, local)
	}
}

// queryDates is q's own date range as a column filter.
func queryDates(q corpus.Query) dateRange {
	r := dateRange{from: noDate + 1, to: 1<<63 - 1}
	if !q.From.IsZero() {
		r.on, r.from = true, q.From.UnixNano()
	}
	if !q.To.IsZero() {
		r.on, r.to = true, q.To.UnixNano()
	}
	return r
}

// bucketFunc returns the bucket number of a date (Unix nanoseconds) among n
// buckets of unit from start, or -1 outside them.
func bucketFunc(unit corpus.DateUnit, start time.Time, n int) func(int64) int {
	return func(d int64) int {
		if d == noDate {
			return -1
		}
		t := time.Unix(0, d).UTC()
		var b int
		switch unit {
		case corpus.Year:
			b = t.Year() - start.Year()
		case corpus.Month:
			b = (t.Year()-start.Year())*12 + int(t.Month()) - int(start.Month())
		default:
			b = int(corpus.Day.Start(t).Sub(start) / (24 * time.Hour))
		}
		if b < 0 || b >= n {
			return -1
		}
		return b
	}
}

// topOutlets returns the n outlets (ordinals) with the most of the matches nums,
// most first and equal counts by name; matches without an outlet are left out.
func topOutlets(cols *snapColumns, names []string, nums []uint64, n int) []uint32 {
	counts := map[uint32]int{}
	loc := locator{cols: cols}
	for _, num := range nums {
		sc, local := loc.find(num)
		if o := sc.outlet[local]; o != 0 {
			counts[o]++
		}
	}
	ords := make([]uint32, 0, len(counts))
	for o := range counts {
		ords = append(ords, o)
	}
	slices.SortFunc(ords, func(a, b uint32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(names[a-1], names[b-1])
	})
	return ords[:min(n, len(ords))]
}

// countCells counts the distinct keys of each cell.
func countCells(keys []uint64, cells int) []int {
	sortKeys(keys)
	out := make([]int, cells)
	for i, k := range keys {
		if i > 0 && keys[i-1] == k {
			continue
		}
		if c := int(k >> storyHashBits); c < cells {
			out[c]++
		}
	}
	return out
}

// sortKeys sorts keys in place: a radix sort, a byte at a time from the lowest,
// skipping the bytes all keys share (the cell's high bytes, mostly), for the
// many keys of a big archive; a comparison sort for few.
func sortKeys(keys []uint64) {
	if len(keys) < 1<<12 {
		slices.Sort(keys)
		return
	}
	buf := make([]uint64, len(keys))
	src, dst := keys, buf
	for shift := uint(0); shift < 64; shift += 8 {
		var counts [256]int
		for _, k := range src {
			counts[byte(k>>shift)]++
		}
		if counts[byte(src[0]>>shift)] == len(src) {
			continue // every key has this byte
		}
		at := 0
		for i, n := range counts {
			counts[i] = at
			at += n
		}
		for _, k := range src {
			b := byte(k >> shift)
			dst[counts[b]] = k
			counts[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
