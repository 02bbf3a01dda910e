package index

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Bleve counts facets and sorts by a field by decoding the field's doc values for
// every hit, which at a million articles costs far more than finding the hits.
// The archive keeps the few values a search needs per hit (outlet, people, month,
// publication time) as plain arrays instead: one set per index segment, built once
// from the segment's term dictionaries, since a segment never changes once
// written. Values are numbered archive-wide (ordinals), so a facet is counted by
// incrementing array cells and the names are looked up only for the top values.

// noDate is the publication time of an undated article in a column.
const noDate = math.MinInt64

// ordinals numbers the distinct values of one field, from 1; 0 means no value.
type ordinals struct {
	mu     sync.RWMutex
	ord    map[string]uint32
	values []string // values[o-1] is the value numbered o
}

// number returns v's ordinal, giving it the next one if it has none.
func (d *ordinals) number(v string) uint32 {
	d.mu.RLock()
	o, ok := d.ord[v]
	d.mu.RUnlock()
	if ok {
		return o
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if o, ok := d.ord[v]; ok {
		return o
	}
	if d.ord == nil {
		d.ord = map[string]uint32{}
	}
	d.values = append(d.values, v)
	o = uint32(len(d.values))
	d.ord[v] = o
	return o
}

// numberBytes is number for a value in bytes, which it copies only when new.
func (d *ordinals) numberBytes(v []byte) uint32 {
	d.mu.RLock()
	o, ok := d.ord[string(v)]
	d.mu.RUnlock()
	if ok {
		return o
	}
	return d.number(string(v))
}

// snapshot returns the values numbered so far: value o is at index o-1.
func (d *ordinals) snapshot() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.values[:len(d.values):len(d.values)]
}

// segColumns are one segment's values, indexed by the segment's document number.
type segColumns struct {
	outlet    []uint32
	month     []uint32
	published []int64 // Unix nanoseconds, noDate when undated
	arrived   []int64 // Unix nanoseconds, noDate when unknown (arrivals.go)
	// The people of document i are persons[personAt[i]:personAt[i+1]].
	personAt []uint32
	persons  []uint32

	browseOnce sync.Once
	browsed    *segBrowse

	// stories are the hashes of the documents' stories, built on first use by an
	// attention timeline (attention.go).
	storyOnce sync.Once
	stories   []uint64
	storyErr  error
}

// columnCache holds the columns of every segment of the current index.
type columnCache struct {
	outlets, persons, months ordinals

	mu   sync.Mutex
	segs map[uint64]*segEntry // by scorch segment ID, kept when a segment is persisted
	// used is when a search last asked for columns: the warmer builds the new
	// segments' columns ahead of searches only while the archive is being searched.
	used atomic.Int64
	// browsed is set once a search has browsed everything: the warmer then builds
	// the segments' browse data too.
	browsed atomic.Bool
	// attention keeps the denominators of recent attention timelines (attention.go).
	attention attentionCache
}

type segEntry struct {
	once sync.Once
	cols *segColumns
	err  error
}

func newColumnCache() *columnCache {
	return &columnCache{segs: map[uint64]*segEntry{}}
}

// snapColumns are the columns of one index snapshot's segments.
type snapColumns struct {
	segs    []*segColumns
	snaps   []*scorch.SegmentSnapshot
	offsets []uint64 // the global number of each segment's first document
}

// forSnapshot returns the columns of every segment of snap, building those it
// has not seen, and forgets the segments snap no longer has (merged away).
func (c *columnCache) forSnapshot(snap *scorch.IndexSnapshot) (*snapColumns, error) {
	segs := snap.Segments()
	out := &snapColumns{segs: make([]*segColumns, len(segs)), snaps: segs, offsets: make([]uint64, len(segs))}
	entries := make([]*segEntry, len(segs))
	c.mu.Lock()
	live := make(map[uint64]bool, len(segs))
	for i, s := range segs {
		e := c.segs[s.Id()]
		if e == nil {
			e = &segEntry{}
			c.segs[s.Id()] = e
		}
		entries[i] = e
		live[s.Id()] = true
	}
	for id := range c.segs {
		if !live[id] {
			delete(c.segs, id)
		}
	}
	c.mu.Unlock()

	var running uint64
	for i, s := range segs {
		e := entries[i]
		e.once.Do(func() { e.cols, e.err = c.build(s.Segment()) })
		if e.err != nil {
			c.mu.Lock()
			if c.segs[s.Id()] == e {
				delete(c.segs, s.Id()) // try again on the next search
			}
			c.mu.Unlock()
			return nil, e.err
		}
		out.segs[i] = e.cols
		out.offsets[i] = running
		running += s.Segment().Count()
	}
	return out, nil
}

// errNoColumns: the index's reader is not scorch's, whose segments the columns
// are built from.
var errNoColumns = errors.New("index: the reader has no segments to build columns from")

// columnReader opens a reader on the index and returns it with the columns of
// its segments, for a search that reads them; the caller closes the reader. It
// returns errNoColumns for an index that has none.
func (ix *Index) columnReader() (*scorch.IndexSnapshot, *snapColumns, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, nil, err
	}
	reader, err := adv.Reader()
	if err != nil {
		return nil, nil, fmt.Errorf("index: open a reader: %w", err)
	}
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		reader.Close()
		return nil, nil, errNoColumns
	}
	ix.columns.used.Store(time.Now().UnixNano()) // the warmer keeps up while searches come
	cols, err := ix.columns.forSnapshot(snap)
	if err != nil {
		reader.Close()
		return nil, nil, err
	}
	return snap, cols, nil
}

// build reads one segment's columns from its term dictionaries: every term of
// the outlet, person and month fields with its postings, and the full-precision
// terms of the publication date.
func (c *columnCache) build(seg segment.Segment) (*segColumns, error) {
	n := int(seg.Count())
	cols := &segColumns{
		outlet:    make([]uint32, n),
		month:     make([]uint32, n),
		published: make([]int64, n),
		arrived:   make([]int64, n),
	}
	for i := range cols.published {
		cols.published[i] = noDate
		cols.arrived[i] = noDate
	}
	single := func(field string, d *ordinals, col []uint32) error {
		return eachPosting(seg, field, nil, nil, func(term []byte) func(uint64) {
			o := d.number(string(term))
			return func(doc uint64) { col[doc] = o }
		})
	}
	if err := single(fieldOutlet, &c.outlets, cols.outlet); err != nil {
		return nil, err
	}
	if err := single(fieldPublishedMonth, &c.months, cols.month); err != nil {
		return nil, err
	}
	// Dates and people have a term per article or nearly: read per document from
	// the doc values, in document order, rather than a postings list per term.
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("index: a %T segment has no doc values", seg)
	}
	cols.personAt = make([]uint32, n+1)
	var state segment.DocVisitState
	var err error
	fields := []string{fieldPersons, fieldPublished, fieldArrived}
	for doc := range n {
		cols.personAt[doc] = uint32(len(cols.persons))
		state, err = dv.VisitDocValues(uint64(doc), fields, func(field string, term []byte) {
			switch {
			case field == fieldPersons:
				cols.persons = append(cols.persons, c.persons.numberBytes(term))
			case len(term) > 0 && term[0] == numeric.ShiftStartInt64:
				// A date is indexed as terms of several precisions; the full one
				// has shift 0.
				if ns, err := numeric.PrefixCoded(term).Int64(); err == nil {
					if field == fieldArrived {
						cols.arrived[doc] = ns
					} else {
						cols.published[doc] = ns
					}
				}
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("index: read the doc values of document %d: %w", doc, err)
		}
	}
	cols.personAt[n] = uint32(len(cols.persons))
	return cols, nil
}

// eachPosting calls visit for every term of field in [start, end) (nil: no
// bound); the function it returns, unless nil, is called with each document
// number that has the term.
func eachPosting(seg segment.Segment, field string, start, end []byte, visit func(term []byte) func(doc uint64)) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("index: read the %s dictionary: %w", field, err)
	}
	if dict == nil {
		return nil
	}
	it := dict.AutomatonIterator(nil, start, end)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		entry, err := it.Next()
		if err != nil {
			return fmt.Errorf("index: read the %s dictionary: %w", field, err)
		}
		if entry == nil {
			return nil
		}
		each := visit([]byte(entry.Term))
		if each == nil {
			continue
		}
		if pl, err = dict.PostingsList([]byte(entry.Term), nil, pl); err != nil {
			return fmt.Errorf("index: read the postings of %s %q: %w", field, entry.Term, err)
		}
		pi = pl.Iterator(false, false, false, pi)
		for {
			p, err := pi.Next()
			if err != nil {
				return fmt.Errorf("index: read the postings of %s %q: %w", field, entry.Term, err)
			}
			if p == nil {
				break
			}
			each(p.Number())
		}
	}
}

// locator finds the segment of a global document number. Searchers return
// documents in increasing number, so it looks at the current segment first.
type locator struct {
	cols *snapColumns
	seg  int
}

func (l *locator) find(num uint64) (*segColumns, uint64) {
	o := l.cols.offsets
	if num < o[l.seg] || (l.seg+1 < len(o) && num >= o[l.seg+1]) {
		l.seg = sort.Search(len(o), func(i int) bool { return o[i] > num }) - 1
	}
	return l.cols.segs[l.seg], num - o[l.seg]
}

// externalID returns the archive ID of a global document number.
func (l *locator) externalID(num uint64) (string, error) {
	l.find(num)
	id, err := l.cols.snaps[l.seg].DocID(num - l.cols.offsets[l.seg])
	if err != nil {
		return "", fmt.Errorf("index: read a document's id: %w", err)
	}
	return string(id), nil
}

// segBrowse is what browsing everything needs of a segment, built on first use:
// its documents in date order and its facet counts over all its documents.
type segBrowse struct {
	// byDate holds the dated documents newest first, then the undated ones.
	byDate []uint32
	dated  int
	counts map[*ordinals]*allCounts
}

// allCounts are a facet's counts over every document of a segment.
type allCounts struct {
	counts         []int32 // by ordinal
	missing, total int
}

// browse returns the segment's browse data, building it once.
func (s *segColumns) browse(c *columnCache) *segBrowse {
	c.browsed.Store(true)
	s.browseOnce.Do(func() {
		b := &segBrowse{counts: map[*ordinals]*allCounts{}}
		n := len(s.published)
		b.byDate = make([]uint32, n)
		for i := range b.byDate {
			b.byDate[i] = uint32(i)
		}
		slices.SortStableFunc(b.byDate, func(x, y uint32) int {
			dx, dy := s.published[x], s.published[y]
			switch {
			case dx == dy:
				return 0
			case dx == noDate:
				return 1
			case dy == noDate:
				return -1
			}
			return cmp.Compare(dy, dx)
		})
		for b.dated < n && s.published[b.byDate[b.dated]] != noDate {
			b.dated++
		}
		for _, d := range []*ordinals{&c.outlets, &c.months, &c.persons} {
			a := &allCounts{}
			for doc := range n {
				vs := s.values(c, d, uint64(doc))
				if len(vs) == 0 {
					a.missing++
				}
				for _, o := range vs {
					if int(o) >= len(a.counts) {
						a.counts = slices.Grow(a.counts, int(o)+1-len(a.counts))[:int(o)+1]
					}
					a.counts[o]++
					a.total++
				}
			}
			b.counts[d] = a
		}
		s.browsed = b
	})
	return s.browsed
}

// values returns the ordinals document doc has for the field numbered by d.
func (s *segColumns) values(c *columnCache, d *ordinals, doc uint64) []uint32 {
	var col []uint32
	switch d {
	case &c.persons:
		return s.persons[s.personAt[doc]:s.personAt[doc+1]]
	case &c.outlets:
		col = s.outlet
	default:
		col = s.month
	}
	if col[doc] == 0 {
		return nil
	}
	return col[doc : doc+1]
}

// warmInterval is how often the warmer looks for new segments.
const warmInterval = time.Second

// warmFor is how long after the last search the warmer keeps building columns:
// an archive that is only being written pays nothing for them.
const warmFor = 5 * time.Minute

// WarmUp builds the search columns of the whole archive in the background, as
// the first searches would: a server calls it when it starts, so that even its
// first searches find them ready.
func (ix *Index) WarmUp() {
	ix.columns.used.Store(time.Now().UnixNano())
	select {
	case ix.warmNow <- struct{}{}:
	default:
	}
}

// warm builds the columns of new segments (batches just written, merges just
// finished) ahead of the searches that would otherwise wait for them, until stop
// is closed.
func (ix *Index) warm(stop <-chan struct{}) {
	t := time.NewTicker(warmInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		case <-ix.warmNow:
		}
		c := ix.columns
		if time.Since(time.Unix(0, c.used.Load())) > warmFor {
			continue
		}
		if err := ix.warmOnce(c); err != nil {
			ix.log.Debug("building search columns ahead of searches failed; searches build them", "err", err)
		}
	}
}

func (ix *Index) warmOnce(c *columnCache) error {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return err
	}
	reader, err := adv.Reader()
	if err != nil {
		return err
	}
	defer reader.Close()
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	cols, err := c.forSnapshot(snap)
	if err != nil {
		return err
	}
	if c.browsed.Load() {
		for _, s := range cols.segs {
			s.browse(c)
		}
	}
	return nil
}
