package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// fakeExplorer adds the Explorer methods to fakeSearcher.
type fakeExplorer struct {
	fakeSearcher
	gotFacet, gotPrefix string
	exported            []corpus.Hit
}

func (f *fakeExplorer) FacetValues(_ context.Context, facet string, q corpus.Query, prefix string, n int) ([]corpus.FacetValue, error) {
	f.got, f.gotFacet, f.gotPrefix = q, facet, prefix
	if facet != "person" {
		return nil, corpus.Errorf(corpus.ENotFound, "there is no facet %q", facet)
	}
	return []corpus.FacetValue{{Value: "Joe Biden", Count: 3}}, nil
}

func (f *fakeExplorer) Related(context.Context, string, int) (corpus.Related, error) {
	return corpus.Related{Copies: []corpus.Hit{{ID: "c1", Title: "Copy <b>1</b>", Outlet: "Valley Wire"}}, Similar: []corpus.Hit{{ID: "s1", Title: "Alike"}}}, nil
}

func (f *fakeExplorer) Mark(_ context.Context, id, text string) (corpus.Marked, error) {
	return corpus.Marked{Title: "Port &lt;b&gt;<mark>deal</mark>&lt;/b&gt;"}, nil
}

func (f *fakeExplorer) Export(_ context.Context, q corpus.Query, emit func(corpus.Hit) error) error {
	f.got = q
	for _, h := range f.exported {
		if err := emit(h); err != nil {
			return err
		}
	}
	return nil
}

var _ server.Explorer = (*fakeExplorer)(nil)

func TestFacetValuesAPI(t *testing.T) {
	f := &fakeExplorer{}
	h := server.New(server.Config{Searcher: f})
	res, body := get(t, h, "/api/v1/facets/person?prefix=bid&outlet=Valley+Wire&not_person=Eve")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if f.gotFacet != "person" || f.gotPrefix != "bid" || f.got.Outlets[0] != "Valley Wire" || f.got.NotPersons[0] != "Eve" {
		t.Errorf("asked facet %q prefix %q query %+v", f.gotFacet, f.gotPrefix, f.got)
	}
	if !strings.Contains(body, `"values":[{"value":"Joe Biden","count":3,"selected":false,"excluded":false}]`) {
		t.Errorf("body %s", body)
	}
	if res, _ := get(t, h, "/api/v1/facets/colour"); res.StatusCode != 404 {
		t.Errorf("unknown facet: status %d", res.StatusCode)
	}
	if res, _ := get(t, h, "/api/v1/facets/person?size=0"); res.StatusCode != 400 {
		t.Errorf("size=0: status %d", res.StatusCode)
	}
}

func TestNegativeFiltersAndUndated(t *testing.T) {
	f := &fakeSearcher{results: sampleResults()}
	h := server.New(server.Config{Searcher: f})
	res, body := get(t, h, "/?not_person=Eve+%3Cb%3E&not_outlet=Valley+Wire&undated=only")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	want := corpus.Query{NotPersons: []string{"Eve <b>"}, NotOutlets: []string{"Valley Wire"}, Undated: true, Collapse: true, Sort: corpus.SortRelevance, Page: 1, Size: 10}
	if diff := cmp.Diff(want, f.got); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	for _, s := range []string{`Remove filter not person: Eve &lt;b&gt;`, `Remove filter not outlet: Valley Wire`, `Remove filter undated only`, `aria-label="Exclude Valley Wire"`} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	if res, _ := get(t, h, "/api/v1/search?undated=maybe"); res.StatusCode != 400 {
		t.Errorf("undated=maybe: status %d", res.StatusCode)
	}
	if res, _ := get(t, h, "/api/v1/search?undated=only&from=2024"); res.StatusCode != 400 {
		t.Errorf("undated with from: status %d", res.StatusCode)
	}
}

func TestTimelineAndCursorLinks(t *testing.T) {
	r := sampleResults()
	r.Next = "CURSOR"
	r.Facets.Published = []corpus.DateBucket{{Key: "2024", Count: 4}, {Key: "2025", Count: 0}, {Key: corpus.UndatedKey, Count: 1}}
	r.Facets.DateUnit = corpus.Year
	h := server.New(server.Config{Searcher: &fakeSearcher{results: r}})
	_, body := get(t, h, "/?q=x")
	for _, s := range []string{
		`<svg viewBox="0 0 720 130"`, `<a href="/?from=2024&amp;q=x&amp;to=2024" aria-label="2024: 4 articles">`,
		`<a href="/?q=x&amp;undated=only" aria-label="undated: 1 article whose date is unknown">`,
		`href="/?after=CURSOR&amp;page=2&amp;q=x" rel="next"`,
		`href="/api/v1/export?collapse=story&amp;format=csv&amp;q=x"`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	if strings.Contains(body, `aria-label="2025`) && strings.Contains(body, `href="/?from=2025`) {
		t.Errorf("an empty bar links somewhere")
	}
}

func TestArticlePageMarksAndRelates(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeExplorer{}})
	_, body := get(t, h, "/articles/a1?q=deal")
	for _, s := range []string{`<h1>Port &lt;b&gt;<mark>deal</mark>&lt;/b&gt;</h1>`, `Copy &lt;b&gt;1&lt;/b&gt;`, `href="/articles/c1?q=deal"`, `Alike`, `href="/?q=deal"`} {
		if !strings.Contains(body, s) {
			t.Errorf("article page lacks %s", s)
		}
	}
}

func TestExportStreams(t *testing.T) {
	f := &fakeExplorer{exported: []corpus.Hit{
		{ID: "a1", Title: "=HYPERLINK(\"x\")", Outlet: "Valley Wire", Published: time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC), Persons: []string{"A", "B"}, Story: "a1"},
		{ID: "a2", Title: "Plain, \"quoted\"", Persons: []string{}, Story: "s"},
	}}
	h := server.New(server.Config{Searcher: f})
	res, body := get(t, h, "/api/v1/export?format=csv&q=port&collapse=story")
	if res.StatusCode != 200 || res.Header.Get("Content-Disposition") != `attachment; filename="archive-port.csv"` {
		t.Fatalf("status %d headers %v", res.StatusCode, res.Header)
	}
	if f.got.Text != "port" || !f.got.Collapse {
		t.Errorf("export query %+v", f.got)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "title", "url", "outlet", "published", "persons", "story", "also_in"},
		{"a1", "'=HYPERLINK(\"x\")", "", "Valley Wire", "2024-11-05T00:00:00Z", "A; B", "a1", "0"},
		{"a2", "Plain, \"quoted\"", "", "", "", "", "s", "0"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
	_, body = get(t, h, "/api/v1/export?format=ndjson")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	var first map[string]any
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &first) != nil || first["title"] != "=HYPERLINK(\"x\")" {
		t.Errorf("ndjson %q", body)
	}
	if !strings.Contains(lines[1], `"published":null`) {
		t.Errorf("an undated row should say published: null: %s", lines[1])
	}
	if res, body := get(t, h, "/api/v1/export?format=xml"); res.StatusCode != 400 || !strings.Contains(body, "invalid_request") {
		t.Errorf("format=xml: %d %s", res.StatusCode, body)
	}
}
