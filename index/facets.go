package index

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// Bleve counts a facet over the hits of the search it belongs to, so choosing an
// outlet would leave the outlet facet with that outlet alone. The archive makes the
// outlet facet disjunctive the way faceted search engines do: it counts it over the
// query with every filter but the outlet ones, in a second, hit-less search that
// runs beside the main one. People stay conjunctive: every chosen person must be
// mentioned, so the person facet under a person filter says who appears with whom.

// outletFacet is the disjunctive outlet facet, counted in the background.
type outletFacet struct {
	done chan struct{}
	fr   *search.FacetResult
	err  error
}

// startOutletFacet counts the outlets of q's hits as if no outlet were chosen or
// excluded; wait returns the answer.
func (ix *Index) startOutletFacet(ctx context.Context, q corpus.Query, text query.Query) *outletFacet {
	f := &outletFacet{done: make(chan struct{})}
	req := bleve.NewSearchRequestOptions(withFilters(q, text, false), 0, 0, false)
	req.AddFacet(facetOutlet, bleve.NewFacetRequest(fieldOutlet, outletFacetSize+len(q.Outlets)+len(q.NotOutlets)))
	go func() {
		defer close(f.done)
		res, err := ix.search(ctx, req)
		if err != nil {
			f.err = searchError(err)
			return
		}
		f.fr = res.Facets[facetOutlet]
	}()
	return f
}

func (f *outletFacet) wait() (*search.FacetResult, error) {
	<-f.done
	return f.fr, f.err
}

// Facet names FacetValues answers for.
const (
	FacetPerson = corpus.FacetPerson
	FacetOutlet = corpus.FacetOutlet
)

// facetValuesScan bounds the distinct values one FacetValues search counts: the
// values of the hits that mention a matching word, so far more than a list shows.
const facetValuesScan = 5000

// FacetValues returns up to n values of a facet (FacetPerson or FacetOutlet) among
// q's hits with their counts, most frequent first, keeping those where a word of
// the value starts with prefix, case-insensitively: "bid" finds Joe Biden, "joe b"
// too. The outlet facet is counted as the search page counts it, without the
// outlet filters. It returns corpus errors for a bad query or an unknown facet.
//
// The analyzed copy of the field (person_text: one lowercase term per word of a
// name) narrows the hits to those mentioning a matching word; the keyword facet
// over just those hits gives the whole names with counts that equal their counts
// in q, since every hit with such a name is among them.
func (ix *Index) FacetValues(ctx context.Context, facet string, q corpus.Query, prefix string, n int) ([]corpus.FacetValue, error) {
	selected, excluded, err := corpus.FacetSelection(facet, q)
	if err != nil {
		return nil, err
	}
	keyField, textField := fieldPersons, fieldPersonText
	if facet == FacetOutlet {
		keyField, textField = fieldOutlet, fieldOutletText
	}
	q.Page, q.After = 1, ""
	if err := q.Validate(); err != nil {
		return nil, err
	}
	prep, err := ix.prepare(ctx, &q)
	if err != nil {
		return nil, err
	}
	defer prep.done()
	base := withFilters(q, prep.text, facet != FacetOutlet)
	words := corpus.NameWords(prefix)
	size := n + len(selected)
	if len(words) > 0 {
		must := []query.Query{base}
		for i, w := range words {
			if i == len(words)-1 {
				p := query.NewPrefixQuery(w)
				p.SetField(textField)
				must = append(must, p)
			} else {
				must = append(must, termQuery(textField, w))
			}
		}
		base = query.NewConjunctionQuery(must)
		size = facetValuesScan
	}
	req := bleve.NewSearchRequestOptions(base, 0, 0, false)
	req.AddFacet(facet, bleve.NewFacetRequest(keyField, size))
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, searchError(err)
	}
	out := []corpus.FacetValue{}
	if fr := res.Facets[facet]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			if corpus.MatchesWords(t.Term, words) {
				out = append(out, corpus.FacetValue{Value: t.Term, Count: t.Count,
					Selected: slices.Contains(selected, t.Term), Excluded: slices.Contains(excluded, t.Term)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b corpus.FacetValue) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value))
	})
	return out[:min(n, len(out))], nil
}
