package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// fakeSearcher records the query it is asked and answers with canned results.
type fakeSearcher struct {
	got     corpus.Query
	results *corpus.Results
	err     error
	panics  bool
}

func (f *fakeSearcher) Search(_ context.Context, q corpus.Query) (*corpus.Results, error) {
	if f.panics {
		panic("engine exploded at /secret/path")
	}
	f.got = q
	if f.err != nil {
		return nil, f.err
	}
	return f.results, nil
}

func (f *fakeSearcher) Article(_ context.Context, id string) (corpus.Article, error) {
	if id == "a1" || id == "feed/7?x" {
		return corpus.Article{ID: "a1", Title: `Port <b>deal</b>`, Outlet: "Valley Wire", Body: "Line one.\n\nLine <i>two</i>.",
			Persons: []string{"Helena Okafor"}, URL: "javascript:alert(1)"}, nil
	}
	return corpus.Article{}, corpus.Errorf(corpus.ENotFound, "there is no article with id %q", id)
}

func (f *fakeSearcher) Count() (uint64, error) { return 42, nil }

func sampleResults() *corpus.Results {
	return &corpus.Results{
		Total: 23,
		Took:  1500 * time.Microsecond,
		Hits: []corpus.Hit{{
			ID: "a1", Title: `Port <script>alert("t")</script> deal`, Outlet: "Valley Wire",
			Published: time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC), Persons: []string{"Helena Okafor"},
			Snippet: "the <mark>harbor</mark> &lt;b&gt;plan&lt;/b&gt;",
		}, {ID: "a2", Title: "Undated", Persons: []string{}}},
		Facets: corpus.Facets{
			Person:    []corpus.FacetValue{{Value: "Helena Okafor", Count: 3, Selected: true}, {Value: `Eve "<img src=x onerror=alert(1)>"`, Count: 1}},
			Outlet:    []corpus.FacetValue{{Value: "Valley Wire", Count: 2}},
			Published: []corpus.DateBucket{{Key: "2024-11", Count: 2}, {Key: corpus.UndatedKey, Count: 1}},
			DateUnit:  corpus.Month,
		},
	}
}

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestAPISearchParsesParameters(t *testing.T) {
	f := &fakeSearcher{results: sampleResults()}
	h := server.New(server.Config{Searcher: f})
	res, body := get(t, h, "/api/v1/search?q=harbor+%22city+council%22&person=Helena+Okafor&person=Marcus+Feld&outlet=Valley+Wire&outlet=Harbor+Gazette&from=2024-11-01&to=2024-11-30&sort=newest&page=2&size=5")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	want := corpus.Query{
		Text: `harbor "city council"`, Persons: []string{"Helena Okafor", "Marcus Feld"},
		Outlets: []string{"Valley Wire", "Harbor Gazette"},
		From:    time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC),
		Sort: corpus.SortNewest, Page: 2, Size: 5,
	}
	if diff := cmp.Diff(want, f.got); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	var got struct {
		Total  int     `json:"total"`
		TookMS float64 `json:"took_ms"`
		Hits   []struct {
			ID        string   `json:"id"`
			Published *string  `json:"published"`
			Persons   []string `json:"persons"`
			Snippet   string   `json:"snippet"`
		} `json:"hits"`
		Facets struct {
			Person    []corpus.FacetValue `json:"person"`
			Published []map[string]any    `json:"published"`
		} `json:"facets"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Total != 23 || got.TookMS != 1.5 || len(got.Hits) != 2 {
		t.Errorf("total %d took %v hits %d, want 23, 1.5, 2", got.Total, got.TookMS, len(got.Hits))
	}
	if got.Hits[0].Published == nil || *got.Hits[0].Published != "2024-11-05T00:00:00Z" || got.Hits[1].Published != nil {
		t.Errorf("published = %v, %v; want the date, then null", got.Hits[0].Published, got.Hits[1].Published)
	}
	if !strings.Contains(body, `"published":null`) {
		t.Errorf("an undated hit should say published: null: %s", body)
	}
	if got.Hits[0].Snippet != "the <mark>harbor</mark> &lt;b&gt;plan&lt;/b&gt;" {
		t.Errorf("snippet = %q", got.Hits[0].Snippet)
	}
	if !got.Facets.Person[0].Selected || got.Facets.Published[1]["key"] != "undated" {
		t.Errorf("facets = %+v", got.Facets)
	}
}

func TestAPIErrors(t *testing.T) {
	for _, c := range []struct {
		name, target string
		searchErr    error
		status       int
		code         string
		mentions     string
	}{
		{"bad date", "/api/v1/search?from=last+week", nil, 400, corpus.EInvalidDate, "2024-11-05"},
		{"bad page", "/api/v1/search?page=two", nil, 400, corpus.EInvalidRequest, "page=2"},
		{"page zero", "/api/v1/search?page=0&size=10", nil, 400, corpus.EInvalidRequest, "page must be 1 or more"},
		{"size zero", "/api/v1/search?size=0", nil, 400, corpus.EInvalidRequest, "size must be 1 or more"},
		{"negative page", "/api/v1/search?page=-3", nil, 400, corpus.EInvalidRequest, "page must be 1 or more"},
		{"negative size", "/api/v1/search?size=-1", nil, 400, corpus.EInvalidRequest, "size must be 1 or more"},
		{"empty page is the default", "/api/v1/search?page=&size=", nil, 200, "", ""},
		{"bad sort", "/api/v1/search?sort=random", nil, 400, corpus.EInvalidRequest, "relevance, newest, oldest or arrived"},
		{"empty range", "/api/v1/search?from=2025-01-01&to=2024-01-01", nil, 400, corpus.EInvalidDate, "before"},
		{"malformed query", "/api/v1/search?q=%22open", corpus.Errorf(corpus.EInvalidQuery, "close every quote"), 400, corpus.EInvalidQuery, "close every quote"},
		{"internal", "/api/v1/search?q=x", errors.New("bolt: /var/data/index/root.bolt corrupted"), 500, corpus.EInternal, "internal error"},
		{"timeout", "/api/v1/search?q=x", context.DeadlineExceeded, 503, "timeout", "narrow it"},
		{"unknown article", "/api/v1/articles/nope", nil, 404, corpus.ENotFound, "nope"},
		{"unknown path", "/api/v1/nothing", nil, 404, corpus.ENotFound, "/api/v1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := server.New(server.Config{Searcher: &fakeSearcher{results: sampleResults(), err: c.searchErr}})
			res, body := get(t, h, c.target)
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d: %s", res.StatusCode, c.status, body)
			}
			if c.code == "" {
				return
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.mentions) {
				t.Errorf("error = %+v, want code %q mentioning %q", e.Error, c.code, c.mentions)
			}
			if strings.Contains(body, "bolt") || strings.Contains(body, "/var/data") {
				t.Errorf("internal detail leaked: %s", body)
			}
		})
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{panics: true}})
	for _, target := range []string{"/api/v1/search?q=x", "/?q=x"} {
		res, body := get(t, h, target)
		if res.StatusCode != 500 || strings.Contains(body, "secret") || strings.Contains(body, "exploded") {
			t.Errorf("%s: status %d body %s", target, res.StatusCode, body)
		}
	}
}

func TestAPIArticle(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{}})
	res, body := get(t, h, "/api/v1/articles/a1")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	var a corpus.Article
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "a1" || a.Outlet != "Valley Wire" || a.Body != "Line one.\n\nLine <i>two</i>." {
		t.Errorf("article = %+v", a)
	}
}

func TestHealthz(t *testing.T) {
	res, body := get(t, server.New(server.Config{Searcher: &fakeSearcher{}}), "/healthz")
	if res.StatusCode != 200 || !strings.Contains(body, `"articles":42`) {
		t.Errorf("status %d body %s", res.StatusCode, body)
	}
}

func TestSearchPage(t *testing.T) {
	f := &fakeSearcher{results: sampleResults()}
	h := server.New(server.Config{Searcher: f})
	res, body := get(t, h, `/?q=%3Cscript%3Ealert(%22q%22)%3C/script%3E&person=Helena+Okafor&from=2024-11`)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	for _, want := range []string{
		// The query, a title and a facet value with markup come back inert.
		`value="&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;"`,
		`Port &lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; deal`,
		`Eve &#34;&lt;img src=x onerror=alert(1)&gt;&#34;`,
		// The snippet's marks are kept, its escaped text stays escaped.
		`the <mark>harbor</mark> &lt;b&gt;plan&lt;/b&gt;`,
		// Results, facets, pages, article links.
		`1–2 of 23 articles`, `href="/articles/a1?from=2024-11&amp;person=Helena&#43;Okafor&amp;q=%3Cscript%3E`, `Valley Wire`, `5 Nov 2024`, `undated`,
		// The selected person links to its removal; another value adds its filter.
		`aria-label="Remove filter person: Helena Okafor"`,
		`href="/?from=2024-11&amp;outlet=Valley&#43;Wire&amp;person=Helena&#43;Okafor&amp;q=`,
		// A date bucket narrows the range to itself.
		`from=2024-11&amp;person=Helena&#43;Okafor&amp;q=%3Cscript%3Ealert%28%22q%22%29%3C%2Fscript%3E&amp;to=2024-11`,
		`rel="next"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, bad := range []string{`<script>alert`, `<img src=x`} {
		if strings.Contains(body, bad) {
			t.Errorf("page carries live markup %s", bad)
		}
	}
}

// TestSearchBoxKeepsEveryFilter: a new query typed in the header keeps the
// search's filters, the exclusions and "undated only" too.
func TestSearchBoxKeepsEveryFilter(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{results: sampleResults()}})
	res, body := get(t, h, `/?q=harbor&person=Helena+Okafor&not_person=Eve+Ruiz&not_outlet=Valley+Wire&undated=only`)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	start := strings.Index(body, `<form class="search"`)
	end := strings.Index(body[max(start, 0):], `</form>`)
	if start < 0 || end < 0 {
		t.Fatalf("no search box:\n%s", body)
	}
	form := body[start : start+end]
	for _, want := range []string{
		`name="person" value="Helena Okafor"`, `name="not_person" value="Eve Ruiz"`,
		`name="not_outlet" value="Valley Wire"`, `name="undated" value="only"`,
	} {
		if !strings.Contains(form, want) {
			t.Errorf("the search box lacks %s:\n%s", want, form)
		}
	}
}

func TestSearchPageShowsQueryProblemsBesideTheBox(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{err: corpus.Errorf(corpus.EInvalidQuery, `the query "\"open" does not parse: close every quote`)}})
	res, body := get(t, h, `/?q=%22open`)
	if res.StatusCode != 400 {
		t.Errorf("status = %d, want 400", res.StatusCode)
	}
	if !strings.Contains(body, `id="problem"`) || !strings.Contains(body, "close every quote") || !strings.Contains(body, `value="&#34;open"`) {
		t.Errorf("page lacks the problem beside the box:\n%s", body)
	}
}

func TestArticlePage(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{}})
	res, body := get(t, h, "/articles/a1")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`Port &lt;b&gt;deal&lt;/b&gt;`, `<p>Line &lt;i&gt;two&lt;/i&gt;.</p>`, `href="/?person=Helena&#43;Okafor"`, `#ZgotmplZ`} {
		if !strings.Contains(body, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	res, body = get(t, h, "/articles/nope")
	if res.StatusCode != 404 || !strings.Contains(body, "no article") {
		t.Errorf("unknown article: status %d body %s", res.StatusCode, body)
	}
}

func TestStaticAssets(t *testing.T) {
	res, body := get(t, server.New(server.Config{Searcher: &fakeSearcher{}}), "/static/style.css")
	if res.StatusCode != 200 || !strings.Contains(body, "mark") {
		t.Errorf("status %d", res.StatusCode)
	}
}

func TestArticleIDsWithSlashesAndQuestionMarks(t *testing.T) {
	f := &fakeSearcher{results: &corpus.Results{Total: 1, Hits: []corpus.Hit{{ID: "feed/7?x", Title: "T"}}}}
	h := server.New(server.Config{Searcher: f})
	_, body := get(t, h, "/?q=t")
	if !strings.Contains(body, `href="/articles/feed%2F7%3Fx?q=t"`) {
		t.Fatalf("the result links to the article without escaping its ID:\n%s", body)
	}
	for _, target := range []string{"/articles/feed%2F7%3Fx", "/api/v1/articles/feed%2F7%3Fx"} {
		if res, body := get(t, h, target); res.StatusCode != 200 {
			t.Errorf("%s: status %d: %s", target, res.StatusCode, body)
		}
	}
}

func TestCollapseByStory(t *testing.T) {
	res := sampleResults()
	res.Hits[0].Story, res.Hits[0].AlsoIn = `wire-"7"`, 2
	f := &fakeSearcher{results: res}
	h := server.New(server.Config{Searcher: f})

	// The API shows every copy unless asked; the page groups them unless asked.
	for _, c := range []struct {
		target string
		want   bool
	}{
		{"/api/v1/search?q=x", false}, {"/api/v1/search?q=x&collapse=story", true},
		{"/?q=x", true}, {"/?q=x&collapse=none", false},
	} {
		if r, body := get(t, h, c.target); r.StatusCode != 200 || f.got.Collapse != c.want {
			t.Errorf("%s: status %d, collapse %v, want %v\n%s", c.target, r.StatusCode, f.got.Collapse, c.want, body)
		}
	}
	if r, body := get(t, h, "/api/v1/search?collapse=all"); r.StatusCode != 400 || !strings.Contains(body, "collapse=story") {
		t.Errorf("bad collapse: %d %s", r.StatusCode, body)
	}
	_, body := get(t, h, "/api/v1/search?q=x")
	if !strings.Contains(body, `"story":"wire-\"7\"","also_in":2`) {
		t.Errorf("API hit lacks story and also_in: %s", body)
	}
	_, body = get(t, h, "/?q=x")
	if !strings.Contains(body, `also in 2 other outlets`) || !strings.Contains(body, `href="/?collapse=none&amp;q=story%3A%22wire-%5C%227%5C%22%22"`) {
		t.Errorf("page lacks the link to the story's copies:\n%s", body)
	}
	if !strings.Contains(body, "show every copy") {
		t.Errorf("page lacks the switch to every copy")
	}
}

// TestAPIEmptyFields checks the API's one rule for empty fields: every field is
// there, null when unknown, [] for an empty list.
func TestAPIEmptyFields(t *testing.T) {
	r := sampleResults()
	f := &fakeSearcher{results: r}
	h := server.New(server.Config{Searcher: f})
	_, body := get(t, h, "/api/v1/search?q=x")
	for _, want := range []string{
		`{"id":"a2","title":"Undated","url":null,"outlet":null,"published":null,"persons":[],"story":"","also_in":0,"snippet":""}`,
		`"url":null,"outlet":"Valley Wire","published":"2024-11-05T00:00:00Z"`,
		`{"key":"undated","from":null,"to":null,"count":1}`,
		`{"value":"Valley Wire","count":2,"selected":false,"excluded":false}`,
		`"next":null,"suggestions":[],"notices":[]`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search answer lacks %s:\n%s", want, body)
		}
	}

	r.Next = "CURSOR"
	r.Suggestions = []corpus.Suggestion{{Param: "person", Value: "Okafr"}}
	r.Notices = []string{`"or" was searched as a word`}
	r.Facets = corpus.Facets{}
	_, body = get(t, h, "/api/v1/search?q=x")
	for _, want := range []string{
		`"next":"CURSOR"`,
		`"suggestions":[{"param":"person","value":"Okafr","did_you_mean":[]}]`,
		`"notices":["\"or\" was searched as a word"]`,
		`"facets":{"person":[],"outlet":[],"published":[],"date_unit":null}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search answer lacks %s:\n%s", want, body)
		}
	}

	_, body = get(t, h, "/api/v1/articles/a1")
	want := `{"id":"a1","url":"javascript:alert(1)","outlet":"Valley Wire","published":null,"published_source":null,"title":"Port \u003cb\u003edeal\u003c/b\u003e","title_source":null,"authors":[],` +
		`"body":"Line one.\n\nLine \u003ci\u003etwo\u003c/i\u003e.","persons":["Helena Okafor"],"story":null,"source":null,"ingested_at":null,"arrived":null,"extractor":null}`
	if body != want {
		t.Errorf("article:\n got %s\nwant %s", body, want)
	}

	_, body = get(t, h, "/api/v1/search?from=never")
	if !strings.Contains(body, `"offset":null,"hint":null}}`) {
		t.Errorf("error envelope lacks null offset and hint: %s", body)
	}
}

// TestUnknownParameters checks that the API turns away a parameter a route does
// not take, naming those it takes, while the search page ignores it.
func TestUnknownParameters(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeExplorer{fakeSearcher: fakeSearcher{results: sampleResults()}}})
	for _, c := range []struct{ target, message string }{
		{"/api/v1/search?qq=harbor", `"qq" is not a parameter of /api/v1/search: use q, op, person, outlet, not_person, not_outlet, from, to, arrived_from, arrived_to, undated, sort, collapse, page, size, after`},
		{"/api/v1/search?q=x&sz=2&qq=y", `"qq", "sz" are not parameters of /api/v1/search: use q, op,`},
		{"/api/v1/search?q=a&q=b", `q is given 2 times: /api/v1/search takes one q`},
		{"/api/v1/search?person_prefix=a", `"person_prefix" is not a parameter of /api/v1/search`},
		{"/api/v1/facets/person?page=2", `"page" is not a parameter of /api/v1/facets/{facet}: use prefix, size, q, op,`},
		{"/api/v1/export?format=csv&size=5", `"size" is not a parameter of /api/v1/export: use format, q,`},
		{"/api/v1/articles/a1?q=x", `"q" is not a parameter of /api/v1/articles/{id}: it takes none`},
		{"/api/v1?x=1", `"x" is not a parameter of /api/v1: it takes none`},
	} {
		res, body := get(t, h, c.target)
		var e struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("%s: %v: %s", c.target, err, body)
		}
		if res.StatusCode != http.StatusBadRequest || e.Error.Code != corpus.EInvalidRequest || !strings.Contains(e.Error.Message, c.message) {
			t.Errorf("%s: %d %s\nwant 400 invalid_request saying %s", c.target, res.StatusCode, body, c.message)
		}
	}
	for _, target := range []string{"/api/v1/search?person=A&person=B&q=x", "/api/v1/facets/person?prefix=a&size=3&sort=newest&collapse=none", "/?qq=harbor&utm_source=feed", "/healthz?probe=1"} {
		if res, body := get(t, h, target); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", target, res.StatusCode, body)
		}
	}
}

// TestAnswerThatCannotBeEncodedIsAnInternalError: an answer JSON cannot encode (a
// date bucket that ends in the year 10000) is a 500 with the error envelope and
// its cause logged, never a 200 with an empty body.
func TestAnswerThatCannotBeEncodedIsAnInternalError(t *testing.T) {
	results := sampleResults()
	results.Facets.Published = []corpus.DateBucket{{Key: "9999", From: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Count: 1}}
	var logged strings.Builder
	h := server.New(server.Config{Searcher: &fakeSearcher{results: results}, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	res, body := get(t, h, "/api/v1/search?q=x")
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); res.StatusCode != 500 || err != nil || e.Error.Code != corpus.EInternal {
		t.Errorf("status %d, body %q; want 500 with code %q", res.StatusCode, body, corpus.EInternal)
	}
	if !strings.Contains(logged.String(), "encode the answer") {
		t.Errorf("the cause is not logged: %s", logged.String())
	}
}
