package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"regexp/syntax"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// Facet sizes: how many values of each facet a search returns.
const (
	personFacetSize = 15
	outletFacetSize = 15
	// monthFacetSize is large enough for every month of a century of news.
	monthFacetSize = 1200
)

// Facet names in a search request.
const (
	facetPerson = "person"
	facetOutlet = "outlet"
	facetMonth  = "month"
	facetDay    = "day"
)

// snippetRunes is how much of the body a result shows when nothing in it matched.
const snippetRunes = 240

// hitFields are the fields a result needs.
var hitFields = []string{fieldTitle, fieldURL, fieldOutlet, fieldPublished, fieldPersons, fieldStory}

// pageFields are the fields of a results page's hits: with the body, whose start
// is the snippet of a hit that did not match in it. The page's records are read
// once for all of them.
var pageFields = append(slices.Clip(hitFields), fieldBody)

// Search runs q and returns a page of hits with snippets and the person, outlet
// and published facets of all the hits. It returns corpus errors for the caller's
// mistakes: EInvalidQuery, EInvalidDate, EInvalidRequest, EPageOutOfRange.
func (ix *Index) Search(ctx context.Context, q corpus.Query) (*corpus.Results, error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	prep, err := ix.prepare(ctx, &q)
	if err != nil {
		return nil, err
	}
	defer prep.done()
	text := prep.text
	after, err := decodeCursor(q)
	if err != nil {
		return nil, err
	}
	bq := withFilters(q, text, true)
	offset := q.Offset()
	if after != nil {
		offset = 0 // the cursor says where the page starts
	}
	// One hit more than the page tells whether there is a next page.
	req := bleve.NewSearchRequestOptions(bq, q.Size+1, offset, false)
	req.Fields = pageFields
	req.SortByCustom(sortOrder(q))
	req.SearchAfter = after
	req.AddFacet(facetPerson, bleve.NewFacetRequest(fieldPersons, personFacetSize+len(q.Persons)))
	// The outlet facet is disjunctive: with outlets chosen or excluded it is counted
	// without them, by a second search (see facets.go), so that every outlet shows
	// what choosing it would add.
	disjunctive := len(q.Outlets)+len(q.NotOutlets) > 0
	if !disjunctive {
		req.AddFacet(facetOutlet, bleve.NewFacetRequest(fieldOutlet, outletFacetSize))
	}
	unit, fixedSpan := q.SpanUnit()
	switch {
	case q.Undated:
		// Every hit is undated: the date facet is the total alone.
	case fixedSpan:
		req.AddFacet(facetDay, dayFacet(q.From, q.To, unit))
	default:
		req.AddFacet(facetMonth, bleve.NewFacetRequest(fieldPublishedMonth, monthFacetSize))
	}
	if q.Collapse {
		// The first search finds which stories the page holds; the page's hits are
		// loaded and highlighted afterwards (see collapse.go).
		req.From, req.Size = 0, collapseWindow(q, offset)
		req.Fields = []string{fieldStory}
	} else {
		requestSnippets(req, q)
	}

	var outlets *outletFacet
	if disjunctive {
		outlets = ix.startOutletFacet(ctx, q, text)
	}
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, searchError(err)
	}
	if after == nil && res.Total > 0 && uint64(offset) >= res.Total {
		last := (res.Total + uint64(q.Size) - 1) / uint64(q.Size)
		return nil, corpus.Errorf(corpus.EPageOutOfRange,
			"page %d is past the last page of results (%d): ask for page 1 to %d", q.Page, last, last)
	}

	matches := res.Hits
	var next *search.DocumentMatch
	if q.Collapse {
		if matches, next, err = ix.collapse(ctx, q, offset, bq, req, res); err != nil {
			return nil, err
		}
	} else if len(matches) > q.Size {
		matches, next = matches[:q.Size], matches[q.Size-1]
	}
	out := &corpus.Results{Total: res.Total, Hits: make([]corpus.Hit, 0, len(matches)),
		Suggestions: prep.suggestions, Notices: prep.notices}
	if next != nil {
		out.Next = encodeCursor(next)
	}
	for _, h := range matches {
		out.Hits = append(out.Hits, hit(h))
	}
	if err := ix.countOutlets(ctx, out.Hits); err != nil {
		return nil, err
	}
	out.Facets.Person = termFacet(res.Facets[facetPerson], q.Persons, nil)
	if disjunctive {
		fr, err := outlets.wait()
		if err != nil {
			return nil, err
		}
		out.Facets.Outlet = termFacet(fr, q.Outlets, q.NotOutlets)
	} else {
		out.Facets.Outlet = termFacet(res.Facets[facetOutlet], nil, nil)
	}
	switch {
	case q.Undated:
		out.Facets.Published = []corpus.DateBucket{}
		if res.Total > 0 {
			out.Facets.Published = append(out.Facets.Published, corpus.DateBucket{Key: corpus.UndatedKey, Count: int(res.Total)})
		}
	case fixedSpan:
		out.Facets.DateUnit = unit
		out.Facets.Published = dateBuckets(res.Facets[facetDay], res.Total)
	default:
		if err := ix.dateFacet(ctx, q, bq, res, out); err != nil {
			return nil, err
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// requestSnippets asks for snippets of the title and body when there is query text.
func requestSnippets(req *bleve.SearchRequest, q corpus.Query) {
	if strings.TrimSpace(q.Text) != "" {
		req.Highlight = bleve.NewHighlightWithStyle(highlighterName)
		req.Highlight.AddField(fieldBody)
		req.Highlight.AddField(fieldTitle)
	}
}

// searchError turns an engine error into a corpus error where the caller is at
// fault, and wraps it for the log otherwise.
func searchError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// Bleve compiles regular expressions only when the search runs.
	if se, ok := errors.AsType[*syntax.Error](err); ok {
		return corpus.Errorf(corpus.EInvalidQuery, "the regular expression in the query does not parse (%s): check the /…/ part", se.Error())
	}
	return fmt.Errorf("index: search: %w", err)
}

// prepared is a search's query text and filters made ready for the engine.
type prepared struct {
	text        query.Query
	notices     []string
	suggestions []corpus.Suggestion
	// done ends the search's turn in the budget of costly searches.
	done func()
}

// prepare parses and compiles q's text and resolves its filters (see
// resolveFilters, which rewrites q's filter values). A costly query waits for its
// turn first (Limits.CostlySearches); the caller calls done when its search has
// ended. It returns corpus errors for the user's mistakes and limits.
func (ix *Index) prepare(ctx context.Context, q *corpus.Query) (*prepared, error) {
	p, err := ix.parse(q.Text, q.Op)
	if err != nil {
		return nil, err
	}
	out := &prepared{done: func() {}}
	if costly(p) {
		if out.done, err = ix.costlyTurn(ctx); err != nil {
			return nil, err
		}
	}
	c, err := ix.compileParsed(ctx, p)
	if err == nil {
		out.suggestions, out.notices, err = ix.resolveFilters(ctx, q)
	}
	if err != nil {
		out.done()
		return nil, err
	}
	out.text = c.query
	out.notices = append(c.notices, out.notices...)
	return out, nil
}

// buildQuery combines the query text with the filters, for a search that runs
// until the returned done is called.
func (ix *Index) buildQuery(ctx context.Context, q corpus.Query) (query.Query, func(), error) {
	prep, err := ix.prepare(ctx, &q)
	if err != nil {
		return nil, nil, err
	}
	return withFilters(q, prep.text, true), prep.done, nil
}

// withFilters combines the parsed query text with q's filters; the outlet filters
// (chosen and excluded) only when withOutlets is set, which the disjunctive outlet
// facet leaves out.
func withFilters(q corpus.Query, text query.Query, withOutlets bool) query.Query {
	// Everything matches no text: the filters alone say which articles match, and
	// a conjunction with every document would only step through them all.
	var must []query.Query
	if _, all := text.(*query.MatchAllQuery); !all {
		must = append(must, text)
	}
	for _, p := range q.Persons {
		must = append(must, termQuery(fieldPersons, p))
	}
	if len(q.Outlets) == 1 && withOutlets {
		must = append(must, termQuery(fieldOutlet, q.Outlets[0]))
	} else if len(q.Outlets) > 0 && withOutlets {
		any := make([]query.Query, len(q.Outlets))
		for i, o := range q.Outlets {
			any[i] = termQuery(fieldOutlet, o)
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		inclusive, exclusive := true, false
		r := query.NewDateRangeInclusiveQuery(q.From, q.To, &inclusive, &exclusive)
		r.SetField(fieldPublished)
		// A date range filters; it does not make an article more relevant. (The
		// columns apply it as a filter: see splitDateRange.)
		r.SetBoost(0)
		must = append(must, r)
	}
	if !q.ArrivedFrom.IsZero() || !q.ArrivedTo.IsZero() {
		inclusive, exclusive := true, false
		r := query.NewDateRangeInclusiveQuery(q.ArrivedFrom, q.ArrivedTo, &inclusive, &exclusive)
		r.SetField(fieldArrived)
		r.SetBoost(0)
		must = append(must, r)
	}
	var mustNot []query.Query
	for _, p := range q.NotPersons {
		mustNot = append(mustNot, termQuery(fieldPersons, p))
	}
	if withOutlets {
		for _, o := range q.NotOutlets {
			mustNot = append(mustNot, termQuery(fieldOutlet, o))
		}
	}
	if q.Undated {
		// Every dated article has a month keyword; the undated have none.
		mustNot = append(mustNot, datedQuery())
	}
	if len(must) == 0 {
		must = []query.Query{text}
	}
	if len(mustNot) == 0 && len(must) == 1 {
		return must[0]
	}
	if len(mustNot) > 0 {
		return query.NewBooleanQuery(must, nil, mustNot)
	}
	return query.NewConjunctionQuery(must)
}

// datedQuery matches every article with a known date.
func datedQuery() query.Query {
	lo, hi, inclusive := "0000", "9999-99", true
	r := query.NewTermRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
	r.SetField(fieldPublishedMonth)
	return r
}

func termQuery(field, value string) query.Query {
	t := query.NewTermQuery(value)
	t.SetField(field)
	return t
}

// sortOrder orders by relevance, newest, oldest or arrival (newest first);
// undated articles come last in both date orders, and those of unknown arrival
// last by arrival, and the ID breaks ties so that pages never overlap. Browsing
// without query text has no relevance to sort by, so it shows the newest first.
func sortOrder(q corpus.Query) search.SortOrder {
	byDate := func(desc bool) *search.SortField {
		// Auto, not AsDate, sorts dates the same, and lets a cursor carry the raw
		// sort value: Bleve parses an AsDate cursor as RFC 3339, which the missing
		// date of an undated hit is not (see cursor.go).
		return &search.SortField{Field: fieldPublished, Desc: desc, Type: search.SortFieldAuto, Missing: search.SortFieldMissingLast}
	}
	byID := &search.SortDocID{}
	switch {
	case q.Sort == corpus.SortArrived:
		arrived := &search.SortField{Field: fieldArrived, Desc: true, Type: search.SortFieldAuto, Missing: search.SortFieldMissingLast}
		return search.SortOrder{arrived, byID}
	case q.Sort == corpus.SortOldest:
		return search.SortOrder{byDate(false), byID}
	case q.Sort == corpus.SortNewest || strings.TrimSpace(q.Text) == "":
		return search.SortOrder{byDate(true), byID}
	}
	return search.SortOrder{&search.SortScore{Desc: true}, byDate(true), byID}
}

// hit converts one Bleve match. Its snippet is the marked fragment of the body,
// or else the start of the body when the hit has it (pageFields).
func hit(h *search.DocumentMatch) corpus.Hit {
	out := corpus.Hit{
		ID:      h.ID,
		Title:   stringField(h.Fields[fieldTitle]),
		URL:     stringField(h.Fields[fieldURL]),
		Outlet:  stringField(h.Fields[fieldOutlet]),
		Persons: stringsField(h.Fields[fieldPersons]),
		Story:   cmp.Or(stringField(h.Fields[fieldStory]), h.ID),
	}
	if p := stringField(h.Fields[fieldPublished]); p != "" {
		if t, err := time.Parse(time.RFC3339, p); err == nil {
			out.Published = t.UTC()
		}
	}
	if frags := h.Fragments[fieldBody]; len(frags) > 0 {
		out.Snippet = strings.Join(frags, " … ")
	} else if body := stringField(h.Fields[fieldBody]); body != "" {
		out.Snippet = html.EscapeString(lead(body, snippetRunes))
	}
	return out
}

func stringField(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}

func stringsField(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// lead returns about n runes from the start of s, cut at a word boundary.
func lead(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if n == 0 {
			cut = i
			break
		}
		n--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return s[:cut] + " …"
}

// termFacet converts a term facet, marking the selected and excluded values and
// keeping the selected ones in the list even where they fell outside the top values.
func termFacet(fr *search.FacetResult, selected, excluded []string) []corpus.FacetValue {
	out := []corpus.FacetValue{}
	seen := map[string]bool{}
	if fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			out = append(out, corpus.FacetValue{Value: t.Term, Count: t.Count,
				Selected: slices.Contains(selected, t.Term), Excluded: slices.Contains(excluded, t.Term)})
			seen[t.Term] = true
		}
	}
	for _, s := range selected {
		if !seen[s] {
			out = append(out, corpus.FacetValue{Value: s, Count: 0, Selected: true})
			seen[s] = true
		}
	}
	return out
}
