package opensearch

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
)

// Facet sizes, as the Bleve engine's.
const (
	personFacetSize = 15
	outletFacetSize = 15
	// storyOutletsMax bounds the outlets counted for one story.
	storyOutletsMax = 1000
	// snippetRunes is how much of the body a hit shows when nothing in it matched.
	snippetRunes = 240
)

// searchResponse is the part of a search answer the engine reads.
type searchResponse struct {
	PitID string `json:"pit_id"`
	Hits  struct {
		Total struct {
			Value uint64 `json:"value"`
		} `json:"total"`
		Hits []searchHit `json:"hits"`
	} `json:"hits"`
	Aggregations json.RawMessage `json:"aggregations"`
}

type searchHit struct {
	ID     string   `json:"_id"`
	Source document `json:"_source"`
	// Sort is kept raw: the sort value of a missing date is a 64-bit integer
	// that a float64 would round.
	Sort      []json.RawMessage   `json:"sort"`
	Highlight map[string][]string `json:"highlight"`
}

type termsAgg struct {
	Buckets []struct {
		Key      any    `json:"key"`
		KeyStr   string `json:"key_as_string"`
		DocCount int    `json:"doc_count"`
	} `json:"buckets"`
}

// hitSource are the fields of the source a hit needs.
var hitSource = []string{fieldID, fieldTitle, "url", fieldOutlet, fieldPublished, fieldPersons, fieldStory}

// prepared is a query's text and filters made ready for the cluster.
type prepared struct {
	q           corpus.Query
	text        dsl // nil: every article
	notices     []string
	suggestions []corpus.Suggestion
	// folded filters persons and outlets by their folded values
	// (corpus.Fold) instead of the values resolveFilters chose: Matching's
	// way, which asks the cluster nothing per query.
	folded bool
}

// prepare validates q, compiles its text and resolves its filters.
func (e *Engine) prepare(ctx context.Context, q corpus.Query) (*prepared, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := e.ensure(ctx); err != nil {
		return nil, err
	}
	c, err := e.compileText(q.Text, q.Op)
	if err != nil {
		return nil, err
	}
	p := &prepared{q: q, text: c.query, notices: c.notices}
	if len(q.Persons)+len(q.NotPersons) > 0 {
		l, _, err := e.layer(ctx)
		if err != nil {
			return nil, err
		}
		p.q.Persons, p.q.NotPersons = slices.Clone(q.Persons), slices.Clone(q.NotPersons)
		p.notices = append(p.notices, l.FilterNames(&p.q)...)
	}
	if err := e.resolveFilters(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// filtered is the query of the text with every filter but the outlets'
// (withOutlets false: the disjunctive outlet facet counts without them).
func (p *prepared) filtered(withOutlets bool) dsl {
	q := p.q
	b := dsl{}
	if p.text != nil {
		b["must"] = []dsl{p.text}
	}
	var filter, mustNot []dsl
	persons, outlets := fieldPersons, fieldOutlet
	if p.folded {
		persons, outlets = fieldPersonsFold, fieldOutletFold
		for _, l := range []*[]string{&q.Persons, &q.NotPersons, &q.Outlets, &q.NotOutlets} {
			*l = foldAll(*l)
		}
	}
	for _, v := range q.Persons {
		filter = append(filter, dsl{"term": dsl{persons: v}})
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		filter = append(filter, dateRange(q.From, q.To))
	}
	if !q.ArrivedFrom.IsZero() || !q.ArrivedTo.IsZero() {
		filter = append(filter, fieldRange(fieldArrived, q.ArrivedFrom, q.ArrivedTo))
	}
	if len(q.NotPersons) > 0 {
		mustNot = append(mustNot, dsl{"terms": dsl{persons: q.NotPersons}})
	}
	if q.Undated {
		mustNot = append(mustNot, dsl{"exists": dsl{"field": fieldPublished}})
	}
	if withOutlets {
		if f := outletFilter(q, outlets); f != nil {
			filter = append(filter, f)
		}
	}
	if len(filter) > 0 {
		b["filter"] = filter
	}
	if len(mustNot) > 0 {
		b["must_not"] = mustNot
	}
	if len(b) == 0 {
		return matchAll
	}
	return dsl{"bool": b}
}

// outletFilter is the chosen and excluded outlets, or nil.
func (p *prepared) outletFilter() dsl { return outletFilter(p.q, fieldOutlet) }

// foldAll returns values folded (corpus.Fold).
func foldAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = corpus.Fold(v)
	}
	return out
}

// outletFilter is q's chosen and excluded outlets, as values of field, or nil.
func outletFilter(q corpus.Query, field string) dsl {
	b := dsl{}
	if len(q.Outlets) > 0 {
		b["filter"] = []dsl{{"terms": dsl{field: q.Outlets}}}
	}
	if len(q.NotOutlets) > 0 {
		b["must_not"] = []dsl{{"terms": dsl{field: q.NotOutlets}}}
	}
	if len(b) == 0 {
		return nil
	}
	return dsl{"bool": b}
}

// sortOrder orders by relevance, newest or oldest; undated articles come last in
// both date orders, and the ID breaks ties so that pages never overlap. Browsing
// without query text shows the newest first.
func sortOrder(q corpus.Query) []any {
	byDate := func(order string) dsl {
		return dsl{fieldPublished: dsl{"order": order, "missing": "_last"}}
	}
	byID := dsl{fieldID: "asc"}
	switch {
	case q.Sort == corpus.SortArrived:
		return []any{dsl{fieldArrived: dsl{"order": "desc", "missing": "_last"}}, byID}
	case q.Sort == corpus.SortOldest:
		return []any{byDate("asc"), byID}
	case q.Sort == corpus.SortNewest || strings.TrimSpace(q.Text) == "":
		return []any{byDate("desc"), byID}
	}
	return []any{dsl{"_score": "desc"}, byDate("desc"), byID}
}

// cursor is what Results.Next carries: the sort values of the page's last hit,
// or with Collapse the offset of the next page.
type cursor struct {
	After  []json.RawMessage `json:"a,omitempty"`
	Offset int               `json:"o,omitempty"`
}

func encodeCursor(c cursor) string {
	data, _ := json.Marshal(c)
	return "os1." + base64.RawURLEncoding.EncodeToString(data)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	bad := corpus.Errorf(corpus.EInvalidRequest, "after=%q is not a cursor of this archive: follow the next links of a results page, or start again from page 1", s)
	rest, ok := strings.CutPrefix(s, "os1.")
	if !ok {
		return c, bad
	}
	data, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || json.Unmarshal(data, &c) != nil || len(c.After) > 3 || c.Offset < 0 || c.Offset > corpus.MaxResultWindow {
		return c, bad
	}
	return c, nil
}

// Search runs q and returns a page of hits with snippets and the person, outlet
// and published facets of all the hits. It returns corpus errors for the
// caller's mistakes, and corpus.EBusy when the cluster cannot answer.
func (e *Engine) Search(ctx context.Context, q corpus.Query) (*corpus.Results, error) {
	start := time.Now()
	p, err := e.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	q = p.q
	var cur cursor
	if q.After != "" {
		if cur, err = decodeCursor(q.After); err != nil {
			return nil, err
		}
	}
	offset := q.Offset()
	if q.After != "" {
		offset = cur.Offset
	}
	outlets := p.outletFilter()
	inFilter := outlets
	if inFilter == nil {
		inFilter = matchAll
	}
	inner := dsl{
		"persons": dsl{"terms": dsl{"field": fieldPersons, "size": personFacetSize + len(q.Persons)}},
	}
	unit, fixedSpan := q.SpanUnit()
	switch {
	case q.Undated:
	case fixedSpan:
		inner["days"] = dsl{"date_histogram": dsl{"field": fieldPublished, "calendar_interval": "day", "min_doc_count": 1}}
	default:
		inner["months"] = dsl{"date_histogram": dsl{"field": fieldPublished, "calendar_interval": "month", "min_doc_count": 1}}
		inner["undated"] = dsl{"missing": dsl{"field": fieldPublished}}
	}
	body := dsl{
		"query":            p.filtered(false),
		"size":             q.Size + 1,
		"sort":             sortOrder(q),
		"track_total_hits": true,
		"_source":          append(slices.Clip(hitSource), fieldBody),
		"aggs": dsl{
			"outlets": dsl{"terms": dsl{"field": fieldOutlet, "size": outletFacetSize}},
			"in":      dsl{"filter": inFilter, "aggs": inner},
		},
	}
	if outlets != nil {
		body["post_filter"] = outlets
	}
	if q.After != "" && !q.Collapse {
		body["search_after"] = cur.After
	} else {
		body["from"] = offset
	}
	if q.Collapse {
		body["collapse"] = dsl{"field": fieldStory}
	}
	if p.text != nil {
		body["highlight"] = highlight(p.text, 3)
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, searchError(err)
	}
	total := res.Hits.Total.Value
	if q.After == "" && total > 0 && uint64(offset) >= total {
		last := (total + uint64(q.Size) - 1) / uint64(q.Size)
		return nil, corpus.Errorf(corpus.EPageOutOfRange,
			"page %d is past the last page of results (%d): ask for page 1 to %d", q.Page, last, last)
	}
	hits := res.Hits.Hits
	out := &corpus.Results{Total: total, Hits: make([]corpus.Hit, 0, len(hits)),
		Suggestions: p.suggestions, Notices: p.notices}
	if len(hits) > q.Size {
		hits = hits[:q.Size]
		if q.Collapse {
			out.Next = encodeCursor(cursor{Offset: offset + q.Size})
		} else {
			out.Next = encodeCursor(cursor{After: hits[len(hits)-1].Sort})
		}
	}
	for _, h := range hits {
		out.Hits = append(out.Hits, toHit(h, true))
	}
	if err := e.countOutlets(ctx, out.Hits); err != nil {
		return nil, err
	}
	var aggs struct {
		Outlets termsAgg `json:"outlets"`
		In      struct {
			DocCount int      `json:"doc_count"`
			Persons  termsAgg `json:"persons"`
			Months   termsAgg `json:"months"`
			Days     termsAgg `json:"days"`
			Undated  struct {
				DocCount int `json:"doc_count"`
			} `json:"undated"`
		} `json:"in"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, fmt.Errorf("opensearch: read the facets: %w", err)
	}
	out.Facets.Person = termFacet(aggs.In.Persons, q.Persons, nil)
	out.Facets.Outlet = termFacet(aggs.Outlets, q.Outlets, q.NotOutlets)
	switch {
	case q.Undated:
		out.Facets.Published = []corpus.DateBucket{}
		if total > 0 {
			out.Facets.Published = append(out.Facets.Published, corpus.DateBucket{Key: corpus.UndatedKey, Count: int(total)})
		}
	case fixedSpan:
		out.Facets.DateUnit = unit
		out.Facets.Published = corpus.SpanBuckets(q.From, q.To, unit, histogram(aggs.In.Days))
		dated := 0
		for _, b := range out.Facets.Published {
			dated += b.Count
		}
		if undated := int(total) - dated; undated > 0 {
			out.Facets.Published = append(out.Facets.Published, corpus.DateBucket{Key: corpus.UndatedKey, Count: undated})
		}
	default:
		if err := e.dateFacet(ctx, p, histogram(aggs.In.Months), aggs.In.Undated.DocCount, out); err != nil {
			return nil, err
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// highlight asks for the body's matches of the query text, marked and escaped.
func highlight(text dsl, fragments int) dsl {
	return dsl{
		"pre_tags": []string{"<mark>"}, "post_tags": []string{"</mark>"}, "encoder": "html",
		"highlight_query": text,
		"fields": dsl{
			fieldBody: dsl{"fragment_size": 160, "number_of_fragments": fragments},
		},
	}
}

// searchError turns a cluster's refusal of a query into a corpus error where the
// query is at fault.
func searchError(err error) error {
	oe, ok := errors.AsType[*osError](err)
	if !ok {
		return err
	}
	reason := oe.Type + " " + oe.Cause + " " + oe.Reason
	switch {
	case strings.Contains(reason, "too_many_clauses") || strings.Contains(reason, "maxClauseCount") || strings.Contains(reason, "too_many_nested_clauses"):
		return corpus.Errorf(corpus.EQueryTooCostly,
			"the wildcards, patterns and fuzzy terms of the query stand for more words in the archive than a query may search at once: make them more specific (more letters before the first * or ?)")
	case strings.Contains(reason, "TooComplexToDeterminizeException") || strings.Contains(reason, "too_complex"):
		return corpus.Errorf(corpus.EQueryTooCostly, "the regular expression of the query is too complex to run: simplify it")
	case strings.Contains(reason, "illegal_argument_exception") && strings.Contains(reason, "regexp"),
		strings.Contains(reason, "invalid regular expression"):
		return corpus.Errorf(corpus.EInvalidQuery, "the regular expression in the query does not parse on this archive's engine: check the /…/ part")
	case oe.Status == http.StatusBadRequest:
		return corpus.Errorf(corpus.EInvalidQuery, "the search engine refused the query (%s): simplify it", oe.Type)
	}
	return fmt.Errorf("opensearch: search: %w", err)
}

// toHit converts one hit; its snippet is the marked fragments of the body, or else
// the start of the body.
func toHit(h searchHit, snippet bool) corpus.Hit {
	a := h.Source.Article
	out := corpus.Hit{ID: h.ID, Title: a.Title, URL: a.URL, Outlet: a.Outlet, Published: a.Published.UTC(),
		Persons: a.Persons, Story: cmp.Or(a.Story, h.ID)}
	if a.Published.IsZero() {
		out.Published = time.Time{}
	}
	if out.Persons == nil {
		out.Persons = []string{}
	}
	if !snippet {
		return out
	}
	if frags := h.Highlight[fieldBody]; len(frags) > 0 {
		out.Snippet = strings.Join(frags, " … ")
	} else if a.Body != "" {
		out.Snippet = html.EscapeString(lead(a.Body, snippetRunes))
	}
	return out
}

// lead returns about n runes from the start of s, cut at a word boundary.
func lead(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)[:n]
	cut := string(runes)
	if sp := strings.LastIndexByte(cut, ' '); sp > len(cut)/2 {
		cut = cut[:sp]
	}
	return cut + " …"
}

// termFacet converts a terms aggregation, marking the selected and excluded values
// and keeping the selected ones in the list even where they fell outside the top.
func termFacet(agg termsAgg, selected, excluded []string) []corpus.FacetValue {
	out := []corpus.FacetValue{}
	seen := map[string]bool{}
	for _, b := range agg.Buckets {
		v, _ := b.Key.(string)
		out = append(out, corpus.FacetValue{Value: v, Count: b.DocCount,
			Selected: slices.Contains(selected, v), Excluded: slices.Contains(excluded, v)})
		seen[v] = true
	}
	for _, s := range selected {
		if !seen[s] {
			out = append(out, corpus.FacetValue{Value: s, Selected: true})
			seen[s] = true
		}
	}
	return out
}

// countOutlets sets each hit's AlsoIn: how many other outlets ran its story, in
// one request for the page.
func (e *Engine) countOutlets(ctx context.Context, hits []corpus.Hit) error {
	if len(hits) == 0 {
		return nil
	}
	var stories []string
	for _, h := range hits {
		stories = append(stories, h.Story)
	}
	stories = slices.Compact(slices.Sorted(slices.Values(stories)))
	body := dsl{
		"size":  0,
		"query": dsl{"terms": dsl{fieldStory: stories}},
		"aggs": dsl{"stories": dsl{"terms": dsl{"field": fieldStory, "size": len(stories)},
			"aggs": dsl{"outlets": dsl{"terms": dsl{"field": fieldOutlet, "size": storyOutletsMax}}}}},
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return fmt.Errorf("opensearch: count copies: %w", err)
	}
	var aggs struct {
		Stories struct {
			Buckets []struct {
				Key     string   `json:"key"`
				Outlets termsAgg `json:"outlets"`
			} `json:"buckets"`
		} `json:"stories"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return fmt.Errorf("opensearch: read copies: %w", err)
	}
	sets := map[string]map[string]bool{}
	for _, b := range aggs.Stories.Buckets {
		set := map[string]bool{}
		for _, o := range b.Outlets.Buckets {
			if s, ok := o.Key.(string); ok {
				set[s] = true
			}
		}
		sets[b.Key] = set
	}
	for i := range hits {
		set := sets[hits[i].Story]
		n := len(set)
		if set[hits[i].Outlet] {
			n--
		}
		hits[i].AlsoIn = max(0, n)
	}
	return nil
}
