package server

import (
	"bytes"
	"cmp"
	"context"
	"errors"
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
	// Problem is a message about the user's search, shown next to the box, with
	// how to fix it and where in the query it is.
	Problem     string
	ProblemHint string
	ProblemAt   *queryMark
	// Notices say how the query was read; Suggestions offer the nearest values
	// for a filter that matched nothing.
	Notices     []string
	Suggestions []suggestionView
	Took        string
	First       int
	Last        int
	Active      []link
	Persons     []facetLink
	Outlets     []facetLink
	// PersonSearch is the person facet's search box and, without JavaScript, its
	// matches.
	PersonSearch personSearch
	// With is who appears with the chosen people: the person facet under a person
	// filter, without the chosen ones.
	With     []facetLink
	WithWhom string
	Timeline timeline
	Sorts    []link
	// Grouping switches between one hit per story and every copy.
	Grouping link
	Pages    []link
	Prev     string
	Next     string
	Hits     []hitView
	Export   []link
	// Save is the form that saves the search; nil when the server keeps none.
	Save *saveForm
	// Curate holds the people edit form's token, for a signed-in writer.
	Curate *curateView
	// Heading names the search for the h1 and the title; Attention is the outlet
	// attention chart that replaces the timeline when the view asks for it;
	// Controls and Dates are the timeline's links and the date range form
	// (pageview.go).
	Heading   string
	Attention *attentionChart
	Controls  timelineControls
	Dates     dateForm
}

// link is a labelled URL; Current marks the one in use.
type link struct {
	Label   string
	URL     string
	Current bool
}

// facetLink is a facet value that adds its filter, or removes it when selected or
// excluded; ExcludeURL excludes the value.
type facetLink struct {
	Value      string
	Count      int
	Selected   bool
	Excluded   bool
	URL        string
	ExcludeURL string
	// Page is a person's page.
	Page string
}

// personSearch is the form that searches the person facet.
type personSearch struct {
	Prefix string
	// Hidden are the search's parameters, kept by the form.
	Hidden  []hiddenField
	Matches []facetLink
	// Searched tells a search that found nobody from no search.
	Searched bool
}

type hiddenField struct{ Name, Value string }

type hitView struct {
	corpus.Hit
	Date       string
	Snippet    template.HTML
	Persons    []link
	ArticleURL string
	// StoryURL lists every copy of the hit's story, when other outlets ran it.
	StoryURL string
}

func (s *Server) searchPage(c *gin.Context) error {
	p, err := parseSearch(c.Request.URL.Query(), true)
	view := searchView{Params: p, Heading: heading(p), Dates: newDateForm(p)}
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
		if e, ok := errors.AsType[*corpus.Error](err); ok {
			view.ProblemHint = e.Hint
			if e.Offset >= 0 {
				view.ProblemAt = markQuery(p.Query.Text, e.Offset)
			}
		}
		s.render(c, status, "search.html", view)
		return nil
	}
	s.fillSearchView(&view)
	if err := s.searchPeople(c, &view); err != nil {
		return err
	}
	view.Save = s.saveForm(c, p)
	addPersonPages(&view)
	view.Curate = s.curateForm(c, c.Request.URL.RequestURI(), "")
	status := http.StatusOK
	if p.View.attention() {
		a, err := s.runAttention(c, p)
		if err != nil {
			code, _, msg := s.describe(c, err)
			if code >= 500 {
				return err
			}
			// A compared query that does not parse: the results, and the problem.
			status, view.Problem = code, msg
		} else {
			view.Attention = newAttentionChart(p, a)
		}
	}
	s.render(c, status, "search.html", view)
	return nil
}

// maxWith is how many people the "who appears with" box lists.
const maxWith = 8

func (s *Server) fillSearchView(v *searchView) {
	p, res := v.Params, v.Results
	q := p.Query
	v.Notices = res.Notices
	for _, sg := range res.Suggestions {
		sv := suggestionView{Param: strings.ReplaceAll(sg.Param, "_", " "), Value: sg.Value}
		for _, alt := range sg.DidYouMean {
			sv.Links = append(sv.Links, link{Label: alt, URL: p.with(func(c *searchParams) { c.replaceFilter(sg.Param, sg.Value, alt) }).url()})
		}
		v.Suggestions = append(v.Suggestions, sv)
	}
	v.Took = fmt.Sprintf("%.0f ms", float64(res.Took.Microseconds())/1000)
	if res.Total > 0 {
		v.First = q.Offset() + 1
		v.Last = q.Offset() + len(res.Hits)
	}
	for _, person := range q.Persons {
		v.Active = append(v.Active, link{Label: "person: " + person, URL: p.with(func(c *searchParams) { c.Query.Persons = without(c.Query.Persons, person) }).url()})
	}
	for _, person := range q.NotPersons {
		v.Active = append(v.Active, link{Label: "not person: " + person, URL: p.with(func(c *searchParams) { c.Query.NotPersons = without(c.Query.NotPersons, person) }).url()})
	}
	for _, outlet := range q.Outlets {
		v.Active = append(v.Active, link{Label: "outlet: " + outlet, URL: p.with(func(c *searchParams) { c.Query.Outlets = without(c.Query.Outlets, outlet) }).url()})
	}
	for _, outlet := range q.NotOutlets {
		v.Active = append(v.Active, link{Label: "not outlet: " + outlet, URL: p.with(func(c *searchParams) { c.Query.NotOutlets = without(c.Query.NotOutlets, outlet) }).url()})
	}
	if p.From != "" || p.To != "" {
		v.Active = append(v.Active, link{Label: "date: " + dateRangeLabel(p.From, p.To), URL: p.with(func(c *searchParams) { c.From, c.To = "", "" }).url()})
	}
	if p.ArrivedFrom != "" || p.ArrivedTo != "" {
		v.Active = append(v.Active, link{Label: arrivalLabel(q), URL: p.with(func(c *searchParams) { c.ArrivedFrom, c.ArrivedTo = "", "" }).url()})
	}
	if q.Undated {
		v.Active = append(v.Active, link{Label: "undated only", URL: p.with(func(c *searchParams) { c.Query.Undated = false }).url()})
	}
	for _, f := range res.Facets.Person {
		fl := valueLink(p, f, personLists)
		v.Persons = append(v.Persons, fl)
		if len(q.Persons) > 0 && !f.Selected && len(v.With) < maxWith {
			v.With = append(v.With, fl)
		}
	}
	v.WithWhom = strings.Join(q.Persons, " and ")
	for _, f := range res.Facets.Outlet {
		v.Outlets = append(v.Outlets, valueLink(p, f, outletLists))
	}
	v.Timeline = newTimeline(p, res.Facets)
	v.Controls = newTimelineControls(p, v.Timeline)
	for _, sort := range []corpus.Sort{corpus.SortRelevance, corpus.SortNewest, corpus.SortOldest, corpus.SortArrived} {
		v.Sorts = append(v.Sorts, link{Label: string(sort), Current: sort == effectiveSort(q), URL: p.with(func(c *searchParams) { c.Query.Sort = sort }).url()})
	}
	if q.Collapse {
		v.Grouping = link{Label: "show every copy", URL: p.with(func(c *searchParams) { c.Query.Collapse = false }).url()}
	} else {
		v.Grouping = link{Label: "one per story", URL: p.with(func(c *searchParams) { c.Query.Collapse = true }).url()}
	}
	export := p.with(func(c *searchParams) { c.Query.Size, c.View = 0, timelineView{} }).values()
	if q.Collapse {
		export.Set("collapse", "story") // what the page shows; the API's default is every copy
	}
	for _, format := range []string{"csv", "ndjson"} {
		export.Set("format", format)
		v.Export = append(v.Export, link{Label: strings.ToUpper(format), URL: "/api/v1/export?" + export.Encode()})
	}
	// Spreadsheets read a CSV as UTF-8 only when it starts with a byte order mark.
	export.Set("format", "csv")
	export.Set("bom", "1")
	v.Export = append(v.Export, link{Label: "CSV for spreadsheets", URL: "/api/v1/export?" + export.Encode()})
	s.fillPages(v)
	for _, h := range res.Hits {
		hv := hitView{Hit: h, Date: dateLabel(h.Published), Snippet: template.HTML(h.Snippet), // the index escapes snippets and adds only <mark>
			ArticleURL: articleURLFrom(h.ID, p)}
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

// valueLink links a facet value: the value adds or removes its filter, or takes
// back its exclusion; ExcludeURL excludes it. lists picks the facet's include and
// exclude lists in a search.
func valueLink(p searchParams, f corpus.FacetValue, lists func(*searchParams) (in, out *[]string)) facetLink {
	return facetLink{Value: f.Value, Count: f.Count, Selected: f.Selected, Excluded: f.Excluded,
		URL: p.with(func(c *searchParams) {
			in, out := lists(c)
			if f.Excluded {
				*out = without(*out, f.Value)
			} else {
				*in = toggle(*in, f.Value)
			}
		}).url(),
		ExcludeURL: p.with(func(c *searchParams) {
			in, out := lists(c)
			*in = without(*in, f.Value)
			*out = append(*out, f.Value)
		}).url()}
}

func personLists(c *searchParams) (in, out *[]string) { return &c.Query.Persons, &c.Query.NotPersons }
func outletLists(c *searchParams) (in, out *[]string) { return &c.Query.Outlets, &c.Query.NotOutlets }

// searchPeople fills the person search form, and its matches when the page was
// asked with person_prefix (the form without JavaScript).
func (s *Server) searchPeople(c *gin.Context, v *searchView) error {
	p := v.Params
	keep := p.with(func(*searchParams) {})
	keep.Query.Page = 0
	for name, values := range keep.values() {
		for _, value := range values {
			v.PersonSearch.Hidden = append(v.PersonSearch.Hidden, hiddenField{name, value})
		}
	}
	slices.SortFunc(v.PersonSearch.Hidden, func(a, b hiddenField) int { return strings.Compare(a.Name, b.Name) })
	v.PersonSearch.Prefix = p.PersonPrefix
	if p.PersonPrefix == "" {
		return nil
	}
	ex, err := s.explorer()
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	values, err := ex.FacetValues(ctx, "person", p.Query, p.PersonPrefix, defaultFacetValues)
	if err != nil {
		return err
	}
	v.PersonSearch.Searched = true
	for _, f := range values {
		v.PersonSearch.Matches = append(v.PersonSearch.Matches, valueLink(p, f, personLists))
	}
	return nil
}

// effectiveSort is the order the results are really in: browsing without text
// has no relevance, so the index shows the newest first.
func effectiveSort(q corpus.Query) corpus.Sort {
	if q.Text == "" && q.Sort == corpus.SortRelevance {
		return corpus.SortNewest
	}
	return q.Sort
}

// fillPages links the previous and next pages and a window of numbered pages
// around this one. The next link carries the cursor of this page's last hit, so
// that paging on stays as fast however deep it goes, past the reach of page
// numbers (corpus.MaxResultWindow).
func (s *Server) fillPages(v *searchView) {
	q := v.Params.Query
	total := int(min(v.Results.Total, corpus.MaxResultWindow))
	last := (total + q.Size - 1) / q.Size
	at := func(page int) string {
		return v.Params.with(func(c *searchParams) { c.Query.Page = page }).url()
	}
	if q.Page > 1 && q.Page-1 <= last {
		v.Prev = at(q.Page - 1)
	}
	switch {
	case v.Results.Next != "":
		v.Next = v.Params.with(func(c *searchParams) { c.Query.Page, c.Query.After = q.Page+1, v.Results.Next }).url()
	case q.Page < last && q.After == "":
		v.Next = at(q.Page + 1) // a Searcher that makes no cursors
	}
	if last <= 1 && q.Page == 1 {
		return
	}
	for page := max(1, q.Page-4); page <= min(last, q.Page+4); page++ {
		v.Pages = append(v.Pages, link{Label: fmt.Sprint(page), URL: at(page), Current: page == q.Page})
	}
	if q.Page > last {
		v.Pages = append(v.Pages, link{Label: fmt.Sprint(q.Page), Current: true})
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
	Article corpus.Article
	// Title and Paragraphs are HTML: escaped, with the query's matches marked.
	Title      template.HTML
	Paragraphs []template.HTML
	Query      string
	Marked     bool
	Date       string
	DateSource string
	Persons    []link
	Outlet     string
	Back       string
	Copies     []relatedLink
	Similar    []relatedLink
	// Story is the story view, when the engine offers it (then Copies is not
	// shown).
	Story *storyView
	// CSRF is the sign-in session's token, when a writer is signed in: the page
	// then offers to delete the article.
	CSRF      string
	DeleteAPI string
}

// relatedLink is an article in the related coverage.
type relatedLink struct {
	Title, URL, Outlet, Date string
}

// dateSources says where each kind of published date came from, for the article
// page.
var dateSources = map[string]string{
	corpus.DateFromRecord:   "the record's date field",
	corpus.DateFromMeta:     "the page's meta tags",
	corpus.DateFromJSONLD:   "the page's JSON-LD",
	corpus.DateFromURL:      "the article's URL",
	corpus.DateFromDateline: "the article's dateline",
	corpus.DateFromPage:     "the date shown on the page with the article",
	corpus.DateFromHTMLDate: "go-htmldate's reading of the page (the least certain source: the page states no date anywhere)",
}

func (s *Server) articlePage(c *gin.Context) error {
	ctx := c.Request.Context()
	id := articleID(c)
	a, err := s.search.Article(ctx, id)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(c.Query("q"))
	v := articleView{Article: a, Query: text, Date: dateLabel(a.Published), Back: "/",
		Title: template.HTML(template.HTMLEscapeString(cmp.Or(a.Title, "(untitled)")))}
	// The page carries the search it was opened from, every filter and the page
	// of results, for "back to the search" and the links to other copies.
	back, backOK := parseSearch(c.Request.URL.Query(), true)
	if backOK == nil {
		v.Back = back.url()
	} else if text != "" {
		v.Back = "/?" + url.Values{"q": {text}}.Encode()
	}
	if a.PublishedSource != "" {
		v.DateSource = cmp.Or(dateSources[a.PublishedSource], a.PublishedSource)
	}
	body := template.HTMLEscapeString(a.Body)
	if ex, err := s.explorer(); err == nil {
		if text != "" {
			m, err := ex.Mark(ctx, id, text)
			if err != nil {
				return err
			}
			// The index escapes the text and adds only <mark>.
			if m.Title != "" {
				v.Title, v.Marked = template.HTML(m.Title), true
			}
			if m.Body != "" {
				body, v.Marked = m.Body, true
			}
		}
		rel, err := ex.Related(ctx, id, relatedSimilar)
		if err != nil {
			return err
		}
		for _, h := range rel.Copies {
			u := articleURL(h.ID, text)
			if backOK == nil {
				u = articleURLFrom(h.ID, back)
			}
			v.Copies = append(v.Copies, relatedLink{Title: cmp.Or(h.Title, "(untitled)"), URL: u, Outlet: h.Outlet, Date: dateLabel(h.Published)})
		}
		if st, err := s.storyTeller(); err == nil {
			story, err := st.Story(ctx, id)
			if err != nil {
				return err
			}
			v.Story = newStoryView(story, id, text)
		}
		for _, h := range rel.Similar {
			v.Similar = append(v.Similar, relatedLink{Title: cmp.Or(h.Title, "(untitled)"), URL: articleURL(h.ID, ""), Outlet: h.Outlet, Date: dateLabel(h.Published)})
		}
	}
	for _, para := range corpus.Paragraphs(body) {
		v.Paragraphs = append(v.Paragraphs, template.HTML(para)) // escaped above or by the index
	}
	for _, person := range a.Persons {
		v.Persons = append(v.Persons, link{Label: person, URL: "/?" + url.Values{"person": {person}}.Encode()})
	}
	if a.Outlet != "" {
		v.Outlet = "/?" + url.Values{"outlet": {a.Outlet}}.Encode()
	}
	if v.CSRF = s.deleteToken(c); v.CSRF != "" {
		v.DeleteAPI = "/api/v1/articles/" + url.PathEscape(id)
	}
	s.render(c, http.StatusOK, "article.html", v)
	return nil
}

// articleURL is an article's page, with the query whose matches it marks.
func articleURL(id, text string) string {
	u := "/articles/" + url.PathEscape(id)
	if text != "" {
		u += "?" + url.Values{"q": {text}}.Encode()
	}
	return u
}

// articleURLFrom is an article's page opened from the search p, which it keeps
// for "back to the search" (and marks p's query text).
func articleURLFrom(id string, p searchParams) string {
	u := "/articles/" + url.PathEscape(id)
	if enc := p.values().Encode(); enc != "" {
		u += "?" + enc
	}
	return u
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
	"articleURL":     func(id string) string { return articleURL(id, "") },
	"personURL":      personURL,
	"markerAt":       markerAt,
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
	// ArrivedFrom and ArrivedTo keep an arrival filter across a new search.
	ArrivedFrom, ArrivedTo string
	Problem                string
	// AnyWord is the "any word" switch: op=or.
	AnyWord bool
	// View keeps how the timeline is drawn (split, top, compare, scale).
	View []hiddenField
}

// suggestionView is a filter that matched nothing with links that search again
// with each of the nearest values instead.
type suggestionView struct {
	Param, Value string
	Links        []link
}

// queryMark is the query text cut where a problem is, to show it there.
type queryMark struct {
	Before, At, After string
}

// markQuery cuts text at the character offset (in runes).
func markQuery(text string, offset int) *queryMark {
	r := []rune(text)
	if offset > len(r) {
		offset = len(r)
	}
	m := &queryMark{Before: string(r[:offset])}
	if offset < len(r) {
		m.At, m.After = string(r[offset]), string(r[offset+1:])
	}
	return m
}

func searchFormData(v searchView) formData {
	view := url.Values{}
	v.Params.View.addTo(view)
	var keep []hiddenField
	for _, name := range []string{"split", "top", "compare", "scale"} {
		if x := view.Get(name); x != "" {
			keep = append(keep, hiddenField{name, x})
		}
	}
	return formData{Query: v.Params.Query, From: v.Params.From, To: v.Params.To, ArrivedFrom: v.Params.ArrivedFrom, ArrivedTo: v.Params.ArrivedTo, Problem: v.Problem, AnyWord: v.Params.Query.Op == corpus.OpOr, View: keep}
}

// storyURL lists every copy of a story: the story: field of the query syntax.
func storyURL(story string) string {
	quoted := `story:"` + strings.ReplaceAll(story, `"`, `\"`) + `"`
	return "/?" + url.Values{"q": {quoted}, "collapse": {"none"}}.Encode()
}
