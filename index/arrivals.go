package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// Every article carries the time it arrived in the archive (corpus.Article.Arrived):
// Put stamps the articles new to the archive with the time of their batch, and an
// update keeps the arrival of the article it replaces. The index holds it in the
// arrived field, which the columns read (columns.go), so that a search filters and
// sorts by arrival at the cost of a date. An article stored before arrival times
// were kept arrives when its record was written (corpus.Article.ArrivedAt); an
// index built before then learns those times when 'archive reindex' rebuilds it,
// and until then such an article has no arrival in the index (it sorts last by
// arrival, and no arrival range admits it).

// Arrivals are the articles new to the archive that one batch stored, told once
// they are searchable.
type Arrivals struct {
	// IDs are the new articles, in no particular order.
	IDs []string
	// At is their arrival time: every article of a batch arrives at once.
	At time.Time
}

// OnArrivals has f told of every batch of new articles once it is searchable
// (after Put, or once Bleve has indexed a PutDeferred batch), replacing the f
// before; nil stops it. f runs on the writer's goroutine and must not block:
// it hands the work to another goroutine. A batch indexed again after a crash
// or a failed write (from the record log) is not told.
func (ix *Index) OnArrivals(f func(Arrivals)) {
	if f == nil {
		ix.onArrivals.Store(nil)
		return
	}
	ix.onArrivals.Store(&f)
}

// announce tells OnArrivals' function of the articles new in a batch.
func (ix *Index) announce(fresh map[string]bool, at time.Time) {
	f := ix.onArrivals.Load()
	if f == nil || len(fresh) == 0 {
		return
	}
	ids := make([]string, 0, len(fresh))
	for id := range fresh {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	(*f)(Arrivals{IDs: ids, At: at})
}

// keepArrivals gives each updated article of changed (those with no Arrived yet)
// the arrival of the record it replaces, or at when there is none, reading the
// records in one transaction.
func (ix *Index) keepArrivals(changed []corpus.Article, at time.Time) error {
	if !slices.ContainsFunc(changed, func(a corpus.Article) bool { return a.Arrived.IsZero() }) {
		return nil // no update: nothing to read
	}
	return ix.records.view(func(tx *bolt.Tx) error {
		for i := range changed {
			a := &changed[i]
			if !a.Arrived.IsZero() {
				continue
			}
			rec, ok, err := ix.records.getTx(tx, a.ID)
			if err != nil {
				return fmt.Errorf("index: read the arrival of %s: %w", a.ID, err)
			}
			a.Arrived = at
			if t := rec.Article.ArrivedAt(); ok && !t.IsZero() {
				a.Arrived = t
			}
		}
		return nil
	})
}

// arrivalIndexable tells whether Bleve can index t as a date (it counts
// nanoseconds from 1970 in 64 bits).
func arrivalIndexable(t time.Time) bool {
	return t.Year() > 1677 && t.Year() < 2262
}

// MaxMatchIDs bounds the articles one Matching call looks at.
const MaxMatchIDs = 10000

// Matching runs each of queries on the articles ids (at most MaxMatchIDs) alone,
// whatever else the archive holds, and calls found with the query's place in
// queries and the IDs it matches (in the index's order), or the error that keeps
// that query from running (the corpus errors of Search). The queries' pages,
// orders and cursors are ignored. Articles not yet searchable are left out. It
// returns an error when the index cannot be read, or ctx ends.
//
// Each query's searcher is stepped only to the batch's documents (Advance, which
// skips through postings), so the cost grows with the batch and the number of
// queries, not with the archive; date and arrival ranges are read from the
// columns, never from Bleve's range searchers.
func (ix *Index) Matching(ctx context.Context, ids []string, queries []corpus.Query, found func(query int, matched []string, err error)) error {
	if len(ids) == 0 || len(queries) == 0 {
		return nil
	}
	if len(ids) > MaxMatchIDs {
		return corpus.Errorf(corpus.EInvalidRequest, "at most %d articles can be matched at once, not %d", MaxMatchIDs, len(ids))
	}
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return err
	}
	reader, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("index: open a reader: %w", err)
	}
	defer reader.Close()
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return fmt.Errorf("index: a %T index cannot match", reader)
	}
	// The batch's documents in this snapshot, in the order searchers step.
	docs := make([]batchDoc, 0, len(ids))
	for _, id := range ids {
		iid, err := snap.InternalID(id)
		if err != nil {
			return fmt.Errorf("index: find %s: %w", id, err)
		}
		if iid != nil {
			docs = append(docs, batchDoc{num: iid.Value(), id: id})
		}
	}
	slices.SortFunc(docs, func(a, b batchDoc) int { return cmp.Compare(a.num, b.num) })
	var loc *locator // the columns, read only when a query filters by date
	for qi, q := range queries {
		if err := ctx.Err(); err != nil {
			return err
		}
		q.Page, q.Size, q.After, q.Sort, q.Collapse = 1, 1, "", corpus.SortRelevance, false
		if err := q.Validate(); err != nil {
			found(qi, nil, err)
			continue
		}
		bq, done, err := ix.buildQuery(ctx, q)
		if err != nil {
			found(qi, nil, err)
			continue
		}
		rest, dates := splitDateRange(bq, fieldPublished)
		rest, arrivals := splitDateRange(rest, fieldArrived)
		if (dates.on || arrivals.on) && loc == nil {
			cols, err := ix.columns.forSnapshot(snap)
			if err != nil {
				done()
				return err
			}
			loc = &locator{cols: cols}
		}
		admits := func(num uint64) bool {
			if loc == nil {
				return true
			}
			cols, local := loc.find(num)
			return dates.admits(cols.published[local]) && arrivals.admits(cols.arrived[local])
		}
		matched, err := ix.stepThrough(ctx, rest, reader, docs, admits)
		done()
		if err != nil {
			found(qi, nil, searchError(err))
			continue
		}
		found(qi, matched, nil)
	}
	return nil
}

// batchDoc is one article of a batch: its number in the snapshot and its ID.
type batchDoc struct {
	num uint64
	id  string
}

// stepThrough returns the IDs of docs (in order) that q matches and admits lets
// through, advancing q's searcher from one of them to the next.
func (ix *Index) stepThrough(ctx context.Context, q query.Query, reader bleveindex.IndexReader, docs []batchDoc, admits func(uint64) bool) ([]string, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	s, err := q.Searcher(ctx, reader, ix.bleve.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
	var matched []string
	next := uint64(0) // the searcher's current document: none below it matches
	started := false
	for _, d := range docs {
		if started && next >= d.num {
			// The searcher stands on or past d: an earlier Advance found the
			// first match at or after d there. Advancing again to where it
			// stands may move past it (negations, phrases), so it is not asked.
			if next == d.num && admits(d.num) {
				matched = append(matched, d.id)
			}
			continue
		}
		dm, err := s.Advance(sctx, bleveindex.NewIndexInternalID(nil, d.num))
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break // no document from here on matches
		}
		next, started = dm.IndexInternalID.Value(), true
		sctx.DocumentMatchPool.Put(dm)
		if next == d.num && admits(d.num) {
			matched = append(matched, d.id)
		}
	}
	return matched, nil
}
