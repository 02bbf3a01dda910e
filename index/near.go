package index

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// nearQuery matches the articles in which all the words of text occur in field
// within a window of their own number plus slop words, in any order: the
// proximity search "a b"~N. Bleve's phrase searcher allows no slop, so this one
// runs the conjunction of the words with their positions and checks the window.
type nearQuery struct {
	field string
	terms []string // analyzed, distinct
	slop  int
	boost float64
}

func (ix *Index) nearQuery(field, text string, slop int) query.Query {
	var terms []string
	for _, t := range ix.analyze(field, text) {
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	return &nearQuery{field: field, terms: terms, slop: slop, boost: 1}
}

func (q *nearQuery) SetBoost(b float64) { q.boost = b }
func (q *nearQuery) Boost() float64     { return q.boost }

func (q *nearQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	opts.IncludeTermVectors = true
	parts := make([]search.Searcher, 0, len(q.terms))
	closeAll := func() {
		for _, s := range parts {
			_ = s.Close()
		}
	}
	for _, t := range q.terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, q.boost, opts)
		if err != nil {
			closeAll()
			return nil, err
		}
		parts = append(parts, s)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	all, err := searcher.NewConjunctionSearcher(ctx, r, parts, opts)
	if err != nil {
		closeAll()
		return nil, err
	}
	return &nearSearcher{Searcher: all, q: q}, nil
}

// nearSearcher passes on the conjunction's matches whose words lie close enough.
type nearSearcher struct {
	search.Searcher
	q      *nearQuery
	events []nearEvent
}

type nearEvent struct {
	pos  uint64
	term int
	at   int // index in the match's FieldTermLocations
}

func (s *nearSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.filter(ctx, dm, err)
}

func (s *nearSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.filter(ctx, dm, err)
}

func (s *nearSearcher) Min() int { return 0 }

func (s *nearSearcher) DocumentMatchPoolSize() int { return s.Searcher.DocumentMatchPoolSize() + 1 }

// filter returns dm if its words are near enough, else the next match that is.
func (s *nearSearcher) filter(ctx *search.SearchContext, dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for ; err == nil && dm != nil; dm, err = s.Searcher.Next(ctx) {
		if s.near(dm) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
	}
	return nil, err
}

// near reports whether dm has all the terms within the window, and keeps in dm
// only the locations of the closest window (for highlighting).
func (s *nearSearcher) near(dm *search.DocumentMatch) bool {
	s.events = s.events[:0]
	for i, ftl := range dm.FieldTermLocations {
		if ftl.Field != s.q.field {
			continue
		}
		if t := slices.Index(s.q.terms, ftl.Term); t >= 0 {
			s.events = append(s.events, nearEvent{pos: ftl.Location.Pos, term: t, at: i})
		}
	}
	slices.SortFunc(s.events, func(a, b nearEvent) int { return int(a.pos) - int(b.pos) })
	k := len(s.q.terms)
	window := uint64(k - 1 + s.q.slop)
	seen := make([]int, k)
	have := 0
	bestFrom, bestTo, bestSpan, found := 0, 0, uint64(0), false
	// The smallest window holding every term, sliding over the sorted positions.
	for lo, hi := 0, 0; hi < len(s.events); hi++ {
		if seen[s.events[hi].term] == 0 {
			have++
		}
		seen[s.events[hi].term]++
		for have == k {
			if span := s.events[hi].pos - s.events[lo].pos; span <= window && (!found || span < bestSpan) {
				bestFrom, bestTo, bestSpan, found = lo, hi, span, true
			}
			seen[s.events[lo].term]--
			if seen[s.events[lo].term] == 0 {
				have--
			}
			lo++
		}
	}
	if !found {
		return false
	}
	keep := make([]search.FieldTermLocation, 0, bestTo-bestFrom+1)
	for _, e := range s.events[bestFrom : bestTo+1] {
		keep = append(keep, dm.FieldTermLocations[e.at])
	}
	dm.FieldTermLocations = keep
	return true
}
