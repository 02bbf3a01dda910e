package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/article-archive/archive/corpus"
)

// searchParams is a search as the URL states it. The web page and the API parse
// and validate it in the same place, and the page writes links back from it.
type searchParams struct {
	Query corpus.Query
	// From and To keep the dates as the user typed them, for links; ArrivedFrom
	// and ArrivedTo the arrival times.
	From, To               string
	ArrivedFrom, ArrivedTo string
	// PersonPrefix is the web page's person search without JavaScript: the people
	// of the results whose names have a word starting with it are listed.
	PersonPrefix string
	// View is how the page draws the timeline (timelineview.go).
	View timelineView
}

// parseSearch reads q, op (and or or: how words without an operator combine), person and outlet (repeatable), not_person and not_outlet
// (repeatable: exclude), from, to, arrived_from, arrived_to, undated (only: the articles without a date),
// sort, collapse (story or none; the web page collapses by default, the API does
// not), page, size, after (the cursor of a next link), person_prefix (the web
// page's person search) and how the timeline is drawn (split, top, compare,
// scale: parseTimelineView). It returns corpus errors that say which parameter is wrong and how
// to write it.
func parseSearch(v url.Values, collapseByDefault bool) (searchParams, error) {
	p := searchParams{
		Query: corpus.Query{
			Text:       strings.TrimSpace(v.Get("q")),
			Persons:    nonEmpty(v["person"]),
			Outlets:    nonEmpty(v["outlet"]),
			NotPersons: nonEmpty(v["not_person"]),
			NotOutlets: nonEmpty(v["not_outlet"]),
			After:      strings.TrimSpace(v.Get("after")),
		},
		From:         strings.TrimSpace(v.Get("from")),
		To:           strings.TrimSpace(v.Get("to")),
		PersonPrefix: strings.TrimSpace(v.Get("person_prefix")),
		ArrivedFrom:  strings.TrimSpace(v.Get("arrived_from")),
		ArrivedTo:    strings.TrimSpace(v.Get("arrived_to")),
	}
	switch u := v.Get("undated"); u {
	case "":
	case "only":
		p.Query.Undated = true
	default:
		return p, corpus.Errorf(corpus.EInvalidRequest, "undated=%q is not known: write undated=only for the articles without a date, or leave it out", u)
	}
	var err error
	if p.From != "" {
		if p.Query.From, err = corpus.ParseDate("from", p.From); err != nil {
			return p, err
		}
		if err := corpus.CheckDate("from="+p.From, p.Query.From); err != nil {
			return p, err
		}
	}
	if p.To != "" {
		if p.Query.To, err = corpus.ParseDateEnd("to", p.To); err != nil {
			return p, err
		}
		if err := corpus.CheckDate("to="+p.To, p.Query.To); err != nil {
			return p, err
		}
	}
	if p.ArrivedFrom != "" {
		if p.Query.ArrivedFrom, err = corpus.ParseDate("arrived_from", p.ArrivedFrom); err != nil {
			return p, err
		}
	}
	if p.ArrivedTo != "" {
		if p.Query.ArrivedTo, err = corpus.ParseDateEnd("arrived_to", p.ArrivedTo); err != nil {
			return p, err
		}
	}
	if p.From != "" && p.To != "" && !p.Query.From.Before(p.Query.To) {
		// Said with the dates as typed: to=2024 ends where from=2025 starts.
		return p, corpus.Errorf(corpus.EInvalidDate, "from=%s is after to=%s: a date range must start before it ends (swap them, or leave one empty)", p.From, p.To)
	}
	if p.Query.Sort, err = corpus.ParseSort(v.Get("sort")); err != nil {
		return p, err
	}
	if p.Query.Op, err = corpus.ParseOperator(strings.TrimSpace(v.Get("op"))); err != nil {
		return p, err
	}
	switch c := v.Get("collapse"); c {
	case "":
		p.Query.Collapse = collapseByDefault
	case "story", "none":
		p.Query.Collapse = c == "story"
	default:
		return p, corpus.Errorf(corpus.EInvalidRequest, "collapse=%q is not known: use collapse=story (one hit per story) or collapse=none (every copy)", c)
	}
	if p.Query.Page, err = intParam(v, "page"); err != nil {
		return p, err
	}
	if p.Query.Size, err = intParam(v, "size"); err != nil {
		return p, err
	}
	if p.View, err = parseTimelineView(v); err != nil {
		return p, err
	}
	return p, p.Query.Validate()
}

// intParam reads a page number or size: 0 when the parameter is absent (or empty,
// as a form sends it), so that Validate fills in the default. A value written out
// must be 1 or more: page=0 or size=0 silently becoming the default would hide a
// caller's off-by-one.
func intParam(v url.Values, name string) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, corpus.Errorf(corpus.EInvalidRequest, "%s=%q is not a whole number: write it as %s=2", name, s, name)
	}
	if n < 1 {
		return 0, corpus.Errorf(corpus.EInvalidRequest, "%s=%d: %s must be 1 or more (leave it out for the default)", name, n, name)
	}
	return n, nil
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// values writes p back as URL parameters, leaving out defaults.
func (p searchParams) values() url.Values {
	v := url.Values{}
	if p.Query.Text != "" {
		v.Set("q", p.Query.Text)
	}
	for _, x := range p.Query.Persons {
		v.Add("person", x)
	}
	for _, x := range p.Query.Outlets {
		v.Add("outlet", x)
	}
	for _, x := range p.Query.NotPersons {
		v.Add("not_person", x)
	}
	for _, x := range p.Query.NotOutlets {
		v.Add("not_outlet", x)
	}
	if p.Query.Undated {
		v.Set("undated", "only")
	}
	if p.From != "" {
		v.Set("from", p.From)
	}
	if p.To != "" {
		v.Set("to", p.To)
	}
	if p.ArrivedFrom != "" {
		v.Set("arrived_from", p.ArrivedFrom)
	}
	if p.ArrivedTo != "" {
		v.Set("arrived_to", p.ArrivedTo)
	}
	if p.Query.Op == corpus.OpOr {
		v.Set("op", string(corpus.OpOr))
	}
	if p.Query.Sort != "" && p.Query.Sort != corpus.SortRelevance {
		v.Set("sort", string(p.Query.Sort))
	}
	if !p.Query.Collapse {
		v.Set("collapse", "none") // the page collapses stories unless told otherwise
	}
	if p.Query.Page > 1 {
		v.Set("page", strconv.Itoa(p.Query.Page))
	}
	if p.Query.Size != 0 && p.Query.Size != corpus.DefaultPageSize {
		v.Set("size", strconv.Itoa(p.Query.Size))
	}
	if p.Query.After != "" {
		v.Set("after", p.Query.After)
	}
	if p.PersonPrefix != "" {
		v.Set("person_prefix", p.PersonPrefix)
	}
	p.View.addTo(v)
	return v
}

// url returns the search page's URL for p.
func (p searchParams) url() string {
	if enc := p.values().Encode(); enc != "" {
		return "/?" + enc
	}
	return "/"
}

// with returns a copy of p changed by edit, back on the first page, for links that
// change the search.
func (p searchParams) with(edit func(*searchParams)) searchParams {
	c := p
	c.Query.Persons = append([]string(nil), p.Query.Persons...)
	c.Query.Outlets = append([]string(nil), p.Query.Outlets...)
	c.Query.NotPersons = append([]string(nil), p.Query.NotPersons...)
	c.Query.NotOutlets = append([]string(nil), p.Query.NotOutlets...)
	c.Query.Page, c.Query.After, c.PersonPrefix = 1, "", ""
	edit(&c)
	return c
}

// replaceFilter puts alt in place of value in the filter named by param (person,
// outlet, not_person or not_outlet).
func (p *searchParams) replaceFilter(param, value, alt string) {
	var list *[]string
	switch param {
	case "person":
		list = &p.Query.Persons
	case "outlet":
		list = &p.Query.Outlets
	case "not_person":
		list = &p.Query.NotPersons
	case "not_outlet":
		list = &p.Query.NotOutlets
	default:
		return
	}
	for i, v := range *list {
		if v == value {
			(*list)[i] = alt
		}
	}
}

func without(list []string, value string) []string {
	var out []string
	for _, x := range list {
		if x != value {
			out = append(out, x)
		}
	}
	return out
}

// ParseSearchQuery reads a search as its URL parameters state it ("q=…&person=…",
// as the API and the page take them), validated the way every search is; the
// page's collapsing default is left out. It returns the corpus errors of the
// search API, saying which parameter is wrong and how to write it. Saved
// searches store such a query.
func ParseSearchQuery(raw string) (corpus.Query, error) {
	v, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(raw), "?"))
	if err != nil {
		return corpus.Query{}, corpus.Errorf(corpus.EInvalidRequest, "the query %q is not URL parameters: write it as q=harbor&person=Helena+Okafor", raw)
	}
	for name := range v {
		if !searchParamNames[name] {
			return corpus.Query{}, corpus.Errorf(corpus.EInvalidRequest, "the query names the parameter %q, which a search does not take: use q, op, person, outlet, not_person, not_outlet, from, to, arrived_from, arrived_to, undated, sort and collapse", name)
		}
	}
	p, err := parseSearch(v, false)
	return p.Query, err
}

// searchParamNames are the parameters ParseSearchQuery takes: a search's own,
// without its page.
var searchParamNames = map[string]bool{"q": true, "op": true, "person": true, "outlet": true, "not_person": true,
	"not_outlet": true, "from": true, "to": true, "arrived_from": true, "arrived_to": true, "undated": true, "sort": true, "collapse": true}
