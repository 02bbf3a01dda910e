package index

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// search runs req the way Bleve's SearchInContext does and returns the same
// result, but collects the hits itself: facets are counted and dates sorted from
// the column cache (columns.go) rather than from doc values decoded per hit, and
// only the hits of the page are loaded and highlighted, by a second Bleve search
// restricted to them. Requests that ask for anything else go to Bleve unchanged.
func (ix *Index) search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	r, fields, hl := recordRequest(req)
	if ix.stock.Load() || !columnar(r) {
		return ix.searchBleve(ctx, req)
	}
	start := time.Now()
	reader, cols, err := ix.columnReader()
	if errors.Is(err, errNoColumns) {
		return ix.searchBleve(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	c, err := newCollection(ix.columns, cols, r)
	if err != nil {
		return nil, err
	}
	q, dates := splitDateRange(r.Query, fieldPublished)
	q, arrivals := splitDateRange(q, fieldArrived)
	c.dates, c.arrivals = dates, arrivals
	if c.browsable(q) {
		err = c.collectAll(ctx)
	} else {
		err = ix.collectHits(ctx, c, q, reader)
	}
	if err != nil {
		return nil, err
	}
	res := &bleve.SearchResult{
		Status:  &bleve.SearchStatus{Total: 1, Successful: 1},
		Request: req,
		Total:   c.total,
		Facets:  c.facets(),
	}
	if res.Hits, err = c.results(); err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		res.MaxScore = max(res.MaxScore, h.Score)
	}
	// The page's hits are loaded with the query less its date range, which only
	// filters.
	if err := ix.loadHits(ctx, q, r.Fields, res.Hits, marks(q, hl)); err != nil {
		return nil, err
	}
	if err := ix.addRecordFields(res.Hits, fields, hl); err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// collectRange collects the live documents of one segment (its first document
// numbered base) that c's date filter admits, from the segment's date order.
func (c *collection) collectRange(base uint64, sc *segColumns, b *segBrowse, deleted *roaring.Bitmap) {
	newest := b.byDate[:b.dated] // newest first
	lo := sort.Search(len(newest), func(k int) bool { return sc.published[newest[k]] < c.dates.to })
	hi := sort.Search(len(newest), func(k int) bool { return sc.published[newest[k]] < c.dates.from })
	for k := range hi - lo {
		j := lo + k
		if c.order[0] == byDateAsc {
			j = hi - 1 - k
		}
		doc := newest[j]
		if deleted != nil && deleted.Contains(doc) {
			continue
		}
		date := sc.published[doc]
		c.total++
		c.count(sc, uint64(doc), date)
		c.offer(candidate{num: base + uint64(doc), date: date})
	}
}

// dateRange is a filter on the publication date, applied from the columns:
// dated articles from from (inclusive) to to (exclusive), in Unix nanoseconds.
type dateRange struct {
	on       bool
	from, to int64
}

func (r dateRange) admits(date int64) bool {
	return !r.on || (date != noDate && date >= r.from && date < r.to)
}

// splitDateRange takes the range of dates of field (the publication or the
// arrival) out of q, in the shapes withFilters builds (the range alone, in a
// conjunction, or in a boolean query's must), so that the columns filter by date
// instead of Bleve's range searcher, which walks every date term in the range. It
// returns q unchanged and no filter otherwise.
func splitDateRange(q query.Query, field string) (query.Query, dateRange) {
	switch q := q.(type) {
	case *query.DateRangeQuery:
		if r, ok := columnRange(q, field); ok {
			return query.NewMatchAllQuery(), r
		}
	case *query.ConjunctionQuery:
		for i, part := range q.Conjuncts {
			dq, ok := part.(*query.DateRangeQuery)
			if !ok || dq.FieldVal != field {
				continue
			}
			r, ok := columnRange(dq, field)
			if !ok {
				break
			}
			rest := slices.Delete(slices.Clone(q.Conjuncts), i, i+1)
			switch len(rest) {
			case 0:
				return query.NewMatchAllQuery(), r
			case 1:
				return rest[0], r
			}
			nq := *q
			nq.Conjuncts = rest
			return &nq, r
		}
	case *query.BooleanQuery:
		if q.Must != nil && q.Should == nil && q.Filter == nil {
			if must, r := splitDateRange(q.Must, field); r.on {
				nq := *q
				nq.Must = must
				return &nq, r
			}
		}
	}
	return q, dateRange{}
}

// columnRange is dq as a column filter, when it is on field and within the dates
// Bleve can index (it reports the others as errors).
func columnRange(dq *query.DateRangeQuery, field string) (dateRange, bool) {
	if dq.FieldVal != field {
		return dateRange{}, false
	}
	r := dateRange{on: true, from: math.MinInt64 + 1, to: math.MaxInt64}
	indexable := func(t time.Time) bool { return t.Year() > 1677 && t.Year() < 2262 }
	if !dq.Start.IsZero() {
		if !indexable(dq.Start.Time) {
			return dateRange{}, false
		}
		r.from = dq.Start.UnixNano()
		if dq.InclusiveStart != nil && !*dq.InclusiveStart {
			r.from++
		}
	}
	if !dq.End.IsZero() {
		if !indexable(dq.End.Time) {
			return dateRange{}, false
		}
		r.to = dq.End.UnixNano()
		if dq.InclusiveEnd != nil && *dq.InclusiveEnd {
			r.to++
		}
	}
	return r, true
}

// collectHits runs q's searcher through c.
func (ix *Index) collectHits(ctx context.Context, c *collection, q query.Query, reader bleveindex.IndexReader) error {
	opts := search.SearcherOptions{Score: "none"}
	if c.scored {
		opts.Score = ""
	}
	searcher, err := q.Searcher(ctx, reader, ix.bleve.Mapping(), opts)
	if err != nil {
		return err
	}
	defer searcher.Close()
	return c.collect(ctx, searcher)
}

// columnar tells whether search can answer req from the columns: its facets are
// term facets of the outlet, person and month fields or day ranges of the
// publication date, and it sorts by score, date and ID. A request with neither
// facets nor a date sort reads no doc values, so it stays with Bleve.
func columnar(req *bleve.SearchRequest) bool {
	if req.SearchBefore != nil || req.Explain || req.IncludeLocations || req.Score != "" {
		return false
	}
	byDate := false
	for _, s := range req.Sort {
		_, f := s.(*search.SortField)
		byDate = byDate || f
	}
	if len(req.Facets) == 0 && !byDate {
		return false // Bleve needs no doc values either
	}
	for _, f := range req.Facets {
		switch {
		case f.NumericRanges != nil || f.TermPrefix != "" || f.TermPattern != "":
			return false
		case f.DateTimeRanges != nil:
			if f.Field != fieldPublished {
				return false
			}
			for i, r := range f.DateTimeRanges {
				// Ranges in order without overlaps: a date falls in one at most.
				if r.Start.IsZero() || r.End.IsZero() || !r.Start.Before(r.End) ||
					(i > 0 && r.Start.Before(f.DateTimeRanges[i-1].End)) {
					return false
				}
			}
		case f.Field != fieldOutlet && f.Field != fieldPersons && f.Field != fieldPublishedMonth:
			return false
		}
	}
	for _, s := range req.Sort {
		switch s := s.(type) {
		case *search.SortScore:
			if !s.Desc {
				return false
			}
		case *search.SortDocID:
			if s.Desc {
				return false
			}
		case *search.SortField:
			if s.Field == fieldArrived && !s.Desc {
				return false
			}
			if (s.Field != fieldPublished && s.Field != fieldArrived) || s.Type != search.SortFieldAuto || s.Mode != search.SortFieldDefault || s.Missing != search.SortFieldMissingLast {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// sortKind is one criterion of a columnar sort order.
type sortKind int

const (
	byScore sortKind = iota
	byDateDesc
	byDateAsc
	byID
	byArrivedDesc // newest arrival first, unknown arrivals last
)

// candidate is a hit competing for a place on the page.
type candidate struct {
	num   uint64 // global document number in the snapshot
	score float64
	date  int64
	// arrived is the arrival time (only when the sort needs it).
	arrived int64
	id      string // loaded only when a tie needs it, or for the page
	hasID   bool
}

// termCount is one term facet being counted.
type termCount struct {
	name   string
	req    *bleve.FacetRequest
	dict   *ordinals
	counts []int32
	// missing counts the hits without a value; total the values counted.
	missing, total int
}

// rangeCount is one date-range facet being counted.
type rangeCount struct {
	name   string
	req    *bleve.FacetRequest
	starts []int64
	ends   []int64
	counts []int
}

// collection is the state of one columnar search.
type collection struct {
	cache  *columnCache
	loc    locator
	order  []sortKind
	scored bool
	keep   int // hits kept: from + size
	from   int
	after  *candidate            // the cursor, when the page starts after it
	top    worstFirst[candidate] // the page so far

	terms  []*termCount
	ranges []*rangeCount
	dates  dateRange // the query's date filter, applied from the columns
	// arrivals is the query's arrival filter, applied from the columns.
	arrivals dateRange
	total    uint64
	err      error // from loading an ID during a comparison
}

func newCollection(cache *columnCache, cols *snapColumns, req *bleve.SearchRequest) (*collection, error) {
	c := &collection{cache: cache, loc: locator{cols: cols}, keep: req.From + req.Size, from: req.From}
	sortOrder := req.Sort
	if len(sortOrder) == 0 {
		sortOrder = search.SortOrder{&search.SortScore{Desc: true}}
	}
	for _, s := range sortOrder {
		switch s := s.(type) {
		case *search.SortScore:
			c.order = append(c.order, byScore)
			c.scored = true
		case *search.SortDocID:
			c.order = append(c.order, byID)
		case *search.SortField:
			if s.Field == fieldArrived {
				c.order = append(c.order, byArrivedDesc)
			} else if s.Desc {
				c.order = append(c.order, byDateDesc)
			} else {
				c.order = append(c.order, byDateAsc)
			}
		}
	}
	if req.SearchAfter != nil {
		after, err := c.decodeAfter(req.SearchAfter)
		if err != nil {
			return nil, err
		}
		c.after, c.from, c.keep = after, 0, req.Size
	}
	c.top = worstFirst[candidate]{worse: func(a, b *candidate) bool { return c.compare(a, b) > 0 }}
	for name, f := range req.Facets {
		if f.DateTimeRanges != nil {
			r := &rangeCount{name: name, req: f, counts: make([]int, len(f.DateTimeRanges))}
			for _, dr := range f.DateTimeRanges {
				r.starts = append(r.starts, dr.Start.UnixNano())
				r.ends = append(r.ends, dr.End.UnixNano())
			}
			c.ranges = append(c.ranges, r)
			continue
		}
		t := &termCount{name: name, req: f}
		switch f.Field {
		case fieldOutlet:
			t.dict = &cache.outlets
		case fieldPersons:
			t.dict = &cache.persons
		case fieldPublishedMonth:
			t.dict = &cache.months
		}
		t.counts = make([]int32, len(t.dict.snapshot())+1)
		c.terms = append(c.terms, t)
	}
	return c, nil
}

// decodeAfter reads SearchAfter values written by results (or by Bleve).
func (c *collection) decodeAfter(values []string) (*candidate, error) {
	if len(values) != len(c.order) {
		return nil, fmt.Errorf("index: the cursor has %d values for a sort of %d", len(values), len(c.order))
	}
	after := &candidate{}
	for i, k := range c.order {
		v := values[i]
		switch k {
		case byScore:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("index: the cursor's score %q: %w", v, err)
			}
			after.score = f
		case byDateDesc, byDateAsc, byArrivedDesc:
			ns := int64(noDate)
			if v != search.LowTerm && v != search.HighTerm {
				var err error
				if ns, err = numeric.PrefixCoded(v).Int64(); err != nil {
					return nil, fmt.Errorf("index: the cursor's date %q: %w", v, err)
				}
			}
			if k == byArrivedDesc {
				after.arrived = ns
			} else {
				after.date = ns
			}
		case byID:
			after.id, after.hasID = v, true
		}
	}
	return after, nil
}

// collect reads every hit of searcher: it counts the facets and keeps the best
// c.keep hits.
func (c *collection) collect(ctx context.Context, s search.Searcher) error {
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
	needDate, needArrived := false, false
	for _, k := range c.order {
		needDate = needDate || k == byDateAsc || k == byDateDesc
		needArrived = needArrived || k == byArrivedDesc
	}
	for seen := 0; ; seen++ {
		if seen%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return c.err
		}
		num := dm.IndexInternalID.Value()
		score := dm.Score
		sctx.DocumentMatchPool.Put(dm)

		cols, local := c.loc.find(num)
		date := cols.published[local]
		if !c.dates.admits(date) || !c.arrivals.admits(cols.arrived[local]) {
			continue
		}
		c.total++
		c.count(cols, local, date)
		if !needDate {
			date = 0
		}
		h := candidate{num: num, score: score, date: date}
		if needArrived {
			h.arrived = cols.arrived[local]
		}
		c.offer(h)
	}
}

// count adds document local of cols, published at date, to the facets.
func (c *collection) count(cols *segColumns, local uint64, date int64) {
	for _, t := range c.terms {
		vs := cols.values(c.cache, t.dict, local)
		if len(vs) == 0 {
			t.missing++
		}
		for _, o := range vs {
			if int(o) < len(t.counts) {
				t.counts[o]++
				t.total++
			}
		}
	}
	if date == noDate {
		return
	}
	for _, r := range c.ranges {
		// The last range that starts at or before the date.
		lo, hi := 0, len(r.starts)
		for lo < hi {
			m := (lo + hi) / 2
			if r.starts[m] <= date {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo > 0 && date < r.ends[lo-1] {
			r.counts[lo-1]++
		}
	}
}

// offer considers h for the page, and tells whether h made it or tied on every
// key but the ID with the worst hit kept.
func (c *collection) offer(h candidate) bool {
	if c.keep == 0 {
		return false
	}
	if c.after != nil && c.compare(c.after, &h) >= 0 {
		return true // on an earlier page
	}
	if len(c.top.items) < c.keep {
		heap.Push(&c.top, h)
		return true
	}
	if c.compare(&h, &c.top.items[0]) < 0 {
		c.top.items[0] = h
		heap.Fix(&c.top, 0)
		return true
	}
	return h.date == c.top.items[0].date && h.arrived == c.top.items[0].arrived
}

// browsable tells whether the request lists every article newest or oldest
// first, which collectAll answers without a searcher.
func (c *collection) browsable(q query.Query) bool {
	_, all := q.(*query.MatchAllQuery)
	// Day ranges are counted per document, which collectRange does.
	return all && !c.arrivals.on && (len(c.ranges) == 0 || c.dates.on) && len(c.order) > 0 && (c.order[0] == byDateDesc || c.order[0] == byDateAsc)
}

// collectAll collects every live article from the segments' browse data: facet
// counts over all documents less the deleted ones, and the page from each
// segment's date order, read until a document cannot beat the worst one kept.
func (c *collection) collectAll(ctx context.Context) error {
	cols := c.loc.cols
	for i, sc := range cols.segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := sc.browse(c.cache)
		deleted := cols.snaps[i].Deleted()
		if c.dates.on {
			c.collectRange(cols.offsets[i], sc, b, deleted)
			continue
		}
		c.total += uint64(len(sc.published))
		for _, t := range c.terms {
			all := b.counts[t.dict]
			for o, n := range all.counts[:min(len(all.counts), len(t.counts))] {
				t.counts[o] += n
			}
			t.missing += all.missing
			t.total += all.total
		}
		if deleted != nil {
			c.total -= deleted.GetCardinality()
			it := deleted.Iterator()
			for it.HasNext() {
				doc := uint64(it.Next())
				for _, t := range c.terms {
					vs := sc.values(c.cache, t.dict, doc)
					if len(vs) == 0 {
						t.missing--
					}
					for _, o := range vs {
						if int(o) < len(t.counts) {
							t.counts[o]--
							t.total--
						}
					}
				}
			}
		}
		// Dated documents in the sort's direction, then the undated ones.
		n := len(b.byDate)
		for k := range n {
			j := k
			if c.order[0] == byDateAsc && k < b.dated {
				j = b.dated - 1 - k
			}
			doc := b.byDate[j]
			if deleted != nil && deleted.Contains(doc) {
				continue
			}
			if !c.offer(candidate{num: cols.offsets[i] + uint64(doc), date: sc.published[doc]}) {
				break
			}
		}
	}
	return c.err
}

// compare orders two hits by the sort: negative when a comes first.
func (c *collection) compare(a, b *candidate) int {
	for _, k := range c.order {
		var d int
		switch k {
		case byScore:
			d = cmp.Compare(b.score, a.score)
		case byDateDesc, byDateAsc:
			d = compareDates(a.date, b.date, k == byDateDesc)
		case byArrivedDesc:
			d = compareDates(a.arrived, b.arrived, true)
		case byID:
			d = cmp.Compare(c.idOf(a), c.idOf(b))
		}
		if d != 0 {
			return d
		}
	}
	return 0
}

// compareDates orders two column dates, newest first when desc; a missing date
// (noDate) comes last both ways.
func compareDates(a, b int64, desc bool) int {
	switch {
	case a == b:
		return 0
	case a == noDate:
		return 1
	case b == noDate:
		return -1
	case desc:
		return cmp.Compare(b, a)
	}
	return cmp.Compare(a, b)
}

// idOf loads a candidate's archive ID once.
func (c *collection) idOf(h *candidate) string {
	if !h.hasID {
		id, err := c.loc.externalID(h.num)
		if err != nil && c.err == nil {
			c.err = err
		}
		h.id, h.hasID = id, true
	}
	return h.id
}

// results returns the page's hits in order, with Bleve's sort values.
func (c *collection) results() ([]*search.DocumentMatch, error) {
	kept := make([]candidate, len(c.top.items))
	for i := len(kept) - 1; i >= 0; i-- {
		kept[i] = heap.Pop(&c.top).(candidate)
	}
	if c.from >= len(kept) {
		return nil, c.err
	}
	kept = kept[c.from:]
	out := make([]*search.DocumentMatch, len(kept))
	for i := range kept {
		h := &kept[i]
		dm := &search.DocumentMatch{ID: c.idOf(h), Score: h.score, HitNumber: uint64(c.from + i)}
		for _, k := range c.order {
			switch k {
			case byScore:
				dm.Sort = append(dm.Sort, "_score")
			case byDateDesc, byDateAsc:
				switch {
				case h.date != noDate:
					dm.Sort = append(dm.Sort, string(numeric.MustNewPrefixCodedInt64(h.date, 0)))
				case k == byDateDesc:
					dm.Sort = append(dm.Sort, search.LowTerm)
				default:
					dm.Sort = append(dm.Sort, search.HighTerm)
				}
			case byArrivedDesc:
				if h.arrived != noDate {
					dm.Sort = append(dm.Sort, string(numeric.MustNewPrefixCodedInt64(h.arrived, 0)))
				} else {
					dm.Sort = append(dm.Sort, search.LowTerm)
				}
			case byID:
				dm.Sort = append(dm.Sort, c.idOf(h))
			}
		}
		out[i] = dm
	}
	return out, c.err
}

// facets returns the counted facets in Bleve's form.
func (c *collection) facets() search.FacetResults {
	if len(c.terms)+len(c.ranges) == 0 {
		return nil
	}
	out := search.FacetResults{}
	for _, t := range c.terms {
		values := t.dict.snapshot()
		fr := &search.FacetResult{Field: t.req.Field, Total: t.total, Missing: t.missing, Terms: &search.TermFacets{}}
		top := topTerms(t.counts, t.req.Size, values)
		counted := 0
		for _, tf := range top {
			counted += tf.Count
		}
		fr.Terms.Add(top...)
		fr.Other = t.total - counted
		out[t.name] = fr
	}
	for _, r := range c.ranges {
		fr := &search.FacetResult{Field: r.req.Field}
		for i, dr := range r.req.DateTimeRanges {
			if r.counts[i] == 0 {
				continue
			}
			start, end := dr.Start.Format(time.RFC3339Nano), dr.End.Format(time.RFC3339Nano)
			fr.DateRanges = append(fr.DateRanges, &search.DateRangeFacet{Name: dr.Name, Start: &start, End: &end, Count: r.counts[i]})
			fr.Total += r.counts[i]
		}
		out[r.name] = fr
	}
	return out
}

// topTerms returns the n most frequent values, most frequent first and equal
// counts by value, the order of Bleve's term facets.
func topTerms(counts []int32, n int, values []string) []*search.TermFacet {
	// before tells whether a ranks before b in a facet.
	before := func(a, b *termEntry) bool {
		if a.count != b.count {
			return a.count > b.count
		}
		return values[a.ord-1] < values[b.ord-1]
	}
	h := worstFirst[termEntry]{worse: func(a, b *termEntry) bool { return before(b, a) }}
	for o := 1; o < len(counts); o++ {
		if counts[o] == 0 {
			continue
		}
		t := termEntry{ord: uint32(o), count: counts[o]}
		if len(h.items) < n {
			heap.Push(&h, t)
		} else if n > 0 && before(&t, &h.items[0]) {
			h.items[0] = t
			heap.Fix(&h, 0)
		}
	}
	out := make([]*search.TermFacet, len(h.items))
	for i := len(out) - 1; i >= 0; i-- {
		t := heap.Pop(&h).(termEntry)
		out[i] = &search.TermFacet{Term: values[t.ord-1], Count: int(t.count)}
	}
	return out
}

// worstFirst keeps a bounded list of the best items with the worst on top, where
// a better one replaces it. worse tells whether a ranks after b.
type worstFirst[T any] struct {
	items []T
	worse func(a, b *T) bool
}

func (h *worstFirst[T]) Len() int           { return len(h.items) }
func (h *worstFirst[T]) Less(i, j int) bool { return h.worse(&h.items[i], &h.items[j]) }
func (h *worstFirst[T]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *worstFirst[T]) Push(x any)         { h.items = append(h.items, x.(T)) }
func (h *worstFirst[T]) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

type termEntry struct {
	ord   uint32
	count int32
}

// loadHits fills the stored fields req asks for into hits and, when withLocations
// is set, where the query's terms are in them, with one Bleve search for just
// those documents.
func (ix *Index) loadHits(ctx context.Context, q query.Query, fields []string, hits []*search.DocumentMatch, withLocations bool) error {
	if len(hits) == 0 || (len(fields) == 0 && !withLocations) {
		return nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	var byID query.Query = query.NewDocIDQuery(ids)
	if withLocations {
		// The query finds the locations of its own terms.
		byID = query.NewConjunctionQuery([]query.Query{q, byID})
	}
	load := bleve.NewSearchRequestOptions(byID, len(ids), 0, false)
	load.Fields = fields
	load.IncludeLocations = withLocations
	res, err := ix.bleve.SearchInContext(ctx, load)
	if err != nil {
		return fmt.Errorf("index: load hits: %w", err)
	}
	loaded := make(map[string]*search.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		loaded[h.ID] = h
	}
	for _, h := range hits {
		if l := loaded[h.ID]; l != nil {
			h.Fields, h.Locations = l.Fields, l.Locations
		}
	}
	return nil
}
