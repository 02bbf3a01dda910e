package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// fakePeople is a Searcher with person pages: it knows one person, whose name
// needs escaping everywhere, and one name merged into them.
type fakePeople struct {
	fakeSearcher
}

const oddName = `Ann "<b>" & Bob/Jr?`

func (f *fakePeople) PersonEdits(context.Context) ([]corpus.PersonEdit, error) { return nil, nil }
func (f *fakePeople) EditPeople(_ context.Context, e corpus.PersonEdit) (corpus.PersonEdit, error) {
	return e, nil
}
func (f *fakePeople) UndoPersonEdit(context.Context, string) (corpus.PersonEdit, error) {
	return corpus.PersonEdit{}, corpus.Errorf(corpus.ENotFound, "no such edit")
}

func (f *fakePeople) LookUpPerson(_ context.Context, name string) (corpus.PersonLookup, error) {
	switch name {
	case oddName:
		return corpus.PersonLookup{Canonical: oddName}, nil
	case "Ann":
		return corpus.PersonLookup{Canonical: oddName, Via: "merge"}, nil
	}
	return corpus.PersonLookup{Suggestions: []string{oddName}}, nil
}

func (f *fakePeople) PersonProfile(_ context.Context, name string, latest, with int) (corpus.PersonProfile, error) {
	return corpus.PersonProfile{Name: name, Articles: 3, Aliases: []corpus.PersonAlias{{Name: "Ann", Via: "merge"}},
		With:   []corpus.CoMention{{Name: `Eve <i>`, Together: 2, Articles: 2, Expected: 0.1, Score: 2.5}},
		Latest: []corpus.Hit{{ID: "a1", Title: "T", Persons: []string{name, `Eve <i>`}}}}, nil
}

// TestPersonPagesEscapeNames: a person's name is escaped in every link to their
// page, in the page itself and in redirects; an unknown name's page links the
// nearest names.
func TestPersonPagesEscapeNames(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakePeople{}})
	const escaped = "/people/Ann%20%22%3Cb%3E%22%20&%20Bob%2FJr%3F"
	res, body := get(t, h, escaped)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the person page: %d %s", res.StatusCode, body)
	}
	for _, want := range []string{`<h1>Ann &#34;&lt;b&gt;&#34; &amp; Bob/Jr?</h1>`, `href="/people/Eve%20%3Ci%3E"`, `Eve &lt;i&gt;`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<b>") || strings.Contains(body, "<i>") {
		t.Errorf("a name reached the page unescaped")
	}
	res, _ = get(t, h, "/people/Ann?latest=2")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusFound || loc != escaped+"?latest=2" {
		t.Errorf("a merged name: %d to %q", res.StatusCode, loc)
	}
	res, _ = get(t, h, "/api/v1/people/Ann")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusFound || loc != "/api/v1"+escaped {
		t.Errorf("a merged name in the API: %d to %q", res.StatusCode, loc)
	}
	res, body = get(t, h, "/people/Nobody")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `href="`+strings.ReplaceAll(escaped, "&", "&amp;")+`"`) {
		t.Errorf("an unknown name: %d\n%s", res.StatusCode, body)
	}
	res, body = get(t, h, "/api/v1/people/Nobody")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"hint":"did you mean`) {
		t.Errorf("an unknown name in the API: %d %s", res.StatusCode, body)
	}
	res, body = get(t, h, "/api/v1/people/x?with=1000")
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("with=1000: %d %s", res.StatusCode, body)
	}
	// The search page links each person of a hit and of the facet to their page.
	f := &fakePeople{fakeSearcher{results: sampleResults()}}
	_, body = get(t, server.New(server.Config{Searcher: f}), "/?q=harbor")
	if !strings.Contains(body, `href="/people/Helena%20Okafor"`) || !strings.Contains(body, `href="/people/Eve%20%22%3Cimg%20src=x%20onerror=alert%281%29%3E%22"`) {
		t.Errorf("the search page does not link people to their pages:\n%s", body)
	}
}
