package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// searchView is what search.html shows.
type searchView struct {
	Params  searchParams
	Results *corpus.Results
	// Problem is a message about the user's search, shown next to the box.
	Problem  string
	Took     string
	First    int
	Last     int
	Active   []link
	Persons  []facetLink
	Outlets  []facetLink
	Dates    []dateLink
	DateUnit corpus.DateUnit
	Sorts    []link
	// Grouping switches between one hit per story and every copy.
	Grouping link
	Pages    []link
	Prev     string
	Next     string
	Hits     []hitView
}

// link is a labelled URL; Current marks the one in use.
type link struct {
	Label   string
	URL     string
	Current bool
}

// facetLink is a facet value that adds its filter, or removes it when selected.
type facetLink struct {
	Value    string
	Count    int
	Selected bool
	URL      string
}

// dateLink is one bucket of the date facet; Percent sizes its bar.
type dateLink struct {
	Label   string
	Count   int
	URL     string
	Percent int
}

type hitView struct {
	corpus.Hit
	Date    string
	Snippet template.HTML
	Persons []link
	// StoryURL lists every copy of the hit's story, when other outlets ran it.
	StoryURL string
}

func (s *Server) searchPage(c *gin.Context) error {
	p, err := parseSearch(c.Request.URL.Query(), true)
	view := searchView{Params: p}
	if err == nil {
		view.Results, err = s.runSearch(c, p.Query)
	}
	if err != nil {
		status, _, msg := s.describe(c, err)
		if status >= 500 {
			return err
		}
		// The user's own mistake: show the form again with the message beside it.
		view.Problem = msg
		s.render(c, status, "search.html", view)
		return nil
	}
	s.fillSearchView(&view)
	s.render(c, http.StatusOK, "search.html", view)
	return nil
}

func (s *Server) fillSearchView(v *searchView) {
	p, res := v.Params, v.Results
	q := p.Query
	v.Took = fmt.Sprintf("%.0f ms", float64(res.Took.Microseconds())/1000)
	if res.Total > 0 {
		v.First = q.Offset() + 1
		v.Last = q.Offset() + len(res.Hits)
	}
	for _, person := range q.Persons {
		v.Active = append(v.Active, link{Label: "person: " + person, URL: p.with(func(c *searchParams) { c.Query.Persons = without(c.Query.Persons, person) }).url()})
	}
	for _, outlet := range q.Outlets {
		v.Active = append(v.Active, link{Label: "outlet: " + outlet, URL: p.with(func(c *searchParams) { c.Query.Outlets = without(c.Query.Outlets, outlet) }).url()})
	}
	if p.From != "" || p.To != "" {
		v.Active = append(v.Active, link{Label: "date: " + dateRangeLabel(p.From, p.To), URL: p.with(func(c *searchParams) { c.From, c.To = "", "" }).url()})
	}
	for _, f := range res.Facets.Person {
		v.Persons = append(v.Persons, facetLink{Value: f.Value, Count: f.Count, Selected: f.Selected, URL: p.with(func(c *searchParams) {
			c.Query.Persons = toggle(c.Query.Persons, f.Value)
		}).url()})
	}
	for _, f := range res.Facets.Outlet {
		v.Outlets = append(v.Outlets, facetLink{Value: f.Value, Count: f.Count, Selected: f.Selected, URL: p.with(func(c *searchParams) {
			c.Query.Outlets = toggle(c.Query.Outlets, f.Value)
		}).url()})
	}
	v.DateUnit = res.Facets.DateUnit
	most := 1
	for _, b := range res.Facets.Published {
		most = max(most, b.Count)
	}
	for _, b := range res.Facets.Published {
		d := dateLink{Label: b.Key, Count: b.Count, Percent: b.Count * 100 / most}
		if b.Key == corpus.UndatedKey {
			d.Label = "undated"
		} else if b.Count > 0 {
			d.URL = p.with(func(c *searchParams) { c.From, c.To = b.Key, b.Key }).url()
		}
		v.Dates = append(v.Dates, d)
	}
	for _, sort := range []corpus.Sort{corpus.SortRelevance, corpus.SortNewest, corpus.SortOldest} {
		v.Sorts = append(v.Sorts, link{Label: string(sort), Current: sort == effectiveSort(q), URL: p.with(func(c *searchParams) { c.Query.Sort = sort }).url()})
	}
	if q.Collapse {
		v.Grouping = link{Label: "show every copy", URL: p.with(func(c *searchParams) { c.Query.Collapse = false }).url()}
	} else {
		v.Grouping = link{Label: "one per story", URL: p.with(func(c *searchParams) { c.Query.Collapse = true }).url()}
	}
	s.fillPages(v)
	for _, h := range res.Hits {
		hv := hitView{Hit: h, Date: dateLabel(h.Published), Snippet: template.HTML(h.Snippet)} // the index escapes snippets and adds only <mark>
		if h.AlsoIn > 0 {
			hv.StoryURL = storyURL(h.Story)
		}
		for _, person := range h.Persons {
			hv.Persons = append(hv.Persons, link{Label: person, Current: slices.Contains(q.Persons, person), URL: p.with(func(c *searchParams) {
				if !slices.Contains(c.Query.Persons, person) {
					c.Query.Persons = append(c.Query.Persons, person)
				}
			}).url()})
		}
		v.Hits = append(v.Hits, hv)
	}
}

// effectiveSort is the order the results are really in: browsing without text
// has no relevance, so the index shows the newest first.
func effectiveSort(q corpus.Query) corpus.Sort {
	if q.Text == "" && q.Sort == corpus.SortRelevance {
		return corpus.SortNewest
	}
	return q.Sort
}

// fillPages links the previous and next pages and a window of pages around this one.
func (s *Server) fillPages(v *searchView) {
	q := v.Params.Query
	total := int(min(v.Results.Total, corpus.MaxResultWindow))
	last := (total + q.Size - 1) / q.Size
	if last <= 1 {
		return
	}
	at := func(page int) string {
		return v.Params.with(func(c *searchParams) { c.Query.Page = page }).url()
	}
	if q.Page > 1 {
		v.Prev = at(q.Page - 1)
	}
	if q.Page < last {
		v.Next = at(q.Page + 1)
	}
	for page := max(1, q.Page-4); page <= min(last, q.Page+4); page++ {
		v.Pages = append(v.Pages, link{Label: fmt.Sprint(page), URL: at(page), Current: page == q.Page})
	}
}

func toggle(list []string, value string) []string {
	if slices.Contains(list, value) {
		return without(list, value)
	}
	return append(list, value)
}

func dateRangeLabel(from, to string) string {
	switch {
	case from == to:
		return from
	case from == "":
		return "until " + to
	case to == "":
		return "from " + from
	}
	return from + " to " + to
}

func dateLabel(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	return t.Format("2 Jan 2006")
}

// articleView is what article.html shows.
type articleView struct {
	Article    corpus.Article
	Date       string
	DateSource string
	Paragraphs []string
	Persons    []link
	Outlet     string
	Back       string
}

func (s *Server) articlePage(c *gin.Context) error {
	a, err := s.search.Article(c.Request.Context(), articleID(c))
	if err != nil {
		return err
	}
	v := articleView{Article: a, Date: dateLabel(a.Published), DateSource: a.PublishedSource, Paragraphs: paragraphs(a.Body), Back: "/"}
	for _, person := range a.Persons {
		v.Persons = append(v.Persons, link{Label: person, URL: "/?" + url.Values{"person": {person}}.Encode()})
	}
	if a.Outlet != "" {
		v.Outlet = "/?" + url.Values{"outlet": {a.Outlet}}.Encode()
	}
	s.render(c, http.StatusOK, "article.html", v)
	return nil
}

// paragraphs splits a body at its line breaks.
func paragraphs(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// errorView is what error.html shows.
type errorView struct {
	Status  int
	Title   string
	Message string
}

// render executes a template into a buffer first, so that a failing template
// yields a clean error page rather than half a page.
func (s *Server) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

var templateFuncs = template.FuncMap{
	"articleURL":     func(id string) string { return "/articles/" + url.PathEscape(id) },
	"searchFormData": searchFormData,
	"thousands": func(n any) string {
		s := fmt.Sprint(n)
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		return b.String()
	},
}

// formData is what the search form shows: the search as it stands, kept in hidden
// fields so that a new query keeps the filters.
type formData struct {
	Query    corpus.Query
	From, To string
	Problem  string
}

func searchFormData(v searchView) formData {
	return formData{Query: v.Params.Query, From: v.Params.From, To: v.Params.To, Problem: v.Problem}
}

// storyURL lists every copy of a story: the story: field of the query syntax.
func storyURL(story string) string {
	quoted := `story:"` + strings.ReplaceAll(story, `"`, `\"`) + `"`
	return "/?" + url.Values{"q": {quoted}, "collapse": {"none"}}.Encode()
}
