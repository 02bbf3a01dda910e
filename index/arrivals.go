package index

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
// the arrival of the record it replaces, or at when there is none.
func (ix *Index) keepArrivals(changed []corpus.Article, at time.Time) error {
	for i := range changed {
		a := &changed[i]
		if !a.Arrived.IsZero() {
			continue
		}
		rec, ok, err := ix.records.get(a.ID)
		if err != nil {
			return fmt.Errorf("index: read the arrival of %s: %w", a.ID, err)
		}
		a.Arrived = at
		if ok {
			if t := rec.Article.ArrivedAt(); !t.IsZero() {
				a.Arrived = t
			}
		}
	}
	return nil
}

// arrivalIndexable tells whether Bleve can index t as a date (it counts
// nanoseconds from 1970 in 64 bits).
func arrivalIndexable(t time.Time) bool {
	return t.Year() > 1677 && t.Year() < 2262
}

// MaxMatchIDs bounds the articles one Matching call looks at.
const MaxMatchIDs = 10000

// Matching returns which of ids (at most MaxMatchIDs) the search q matches, newest
// arrival first: the search runs on those articles alone, whatever the archive
// holds, so that new articles are checked against a saved search without running
// it over the whole archive. q's page, size, order and cursor are ignored. It
// returns the corpus errors of Search for a query that cannot run.
func (ix *Index) Matching(ctx context.Context, q corpus.Query, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxMatchIDs {
		return nil, corpus.Errorf(corpus.EInvalidRequest, "at most %d articles can be matched at once, not %d", MaxMatchIDs, len(ids))
	}
	q.Page, q.Size, q.After, q.Sort, q.Collapse = 1, 1, "", corpus.SortArrived, false
	if err := q.Validate(); err != nil {
		return nil, err
	}
	bq, done, err := ix.buildQuery(ctx, q)
	if err != nil {
		return nil, err
	}
	defer done()
	req := bleve.NewSearchRequestOptions(restrictTo(bq, ids), len(ids), 0, false)
	// Sorted by arrival, the search is answered from the columns, which apply
	// the date and arrival filters without walking Bleve's date terms.
	req.SortByCustom(sortOrder(q))
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, searchError(err)
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out, nil
}

// restrictTo adds to q, as built by withFilters, that the article is one of ids,
// keeping the shapes splitDateRange reads.
func restrictTo(q query.Query, ids []string) query.Query {
	byID := query.NewDocIDQuery(ids)
	switch q := q.(type) {
	case *query.MatchAllQuery:
		return byID
	case *query.ConjunctionQuery:
		nq := *q
		nq.Conjuncts = append(slices.Clip(q.Conjuncts), byID)
		return &nq
	case *query.BooleanQuery:
		if must, ok := q.Must.(*query.ConjunctionQuery); ok && q.Should == nil && q.Filter == nil {
			nq := *q
			nq.Must = restrictTo(must, ids)
			return &nq
		}
	}
	return query.NewConjunctionQuery([]query.Query{q, byID})
}
