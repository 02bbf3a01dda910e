package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/article-archive/archive/access"
	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/server"
)

// TestAPIAnswersMatchTheDescription sends real requests, right and wrong, to
// every route of the real server over a real archive holding the sample, and holds
// each answer (its status, content type, headers and body) to the OpenAPI
// document the server itself serves at /api/v1/openapi.json.
func TestAPIAnswersMatchTheDescription(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	ix, err := index.Open(data, index.Options{Logger: log, ExtractorVersion: ingest.ExtractorVersion})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Error(err)
		}
	})
	names, err := archiveNames(ix)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadSample(ctx, ix, names, log); err != nil {
		t.Fatal(err)
	}
	writer := &archiveWriter{ix: ix, dataDir: data, log: log, maxFileBytes: 1 << 20, names: names}
	const token = "s3cret"
	saved, err := alerts.Open(data, server.ParseSearchQuery)
	if err != nil {
		t.Fatal(err)
	}
	open := server.New(server.Config{Searcher: ix, Writer: writer, Token: token, MaxWriteBytes: 64 << 10, Saved: saved})
	closed := server.New(server.Config{Searcher: ix}) // started without a token: writes are off

	sp := loadSpec(t, open)
	call := func(h http.Handler, method, docPath, target string, body io.Reader, header ...string) (int, []byte) {
		t.Helper()
		req := httptest.NewRequest(method, target, body)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		sp.check(t, method, docPath, target, rec.Result(), rec.Body.Bytes())
		return rec.Code, rec.Body.Bytes()
	}
	get := func(docPath, target string, want int) []byte {
		t.Helper()
		status, body := call(open, http.MethodGet, docPath, target, nil)
		if status != want {
			t.Errorf("GET %s: status %d, want %d: %.300s", target, status, want, body)
		}
		return body
	}

	// Each query parameter alone, with its example, then the route's errors.
	for _, route := range []string{"/api/v1/search", "/api/v1/facets/{facet}", "/api/v1/export", "/api/v1/timeline", "/"} {
		for _, target := range sp.exampleTargets(t, route) {
			get(route, target, http.StatusOK)
		}
	}
	for _, target := range []string{"/api/v1/search?from=yesterday", "/api/v1/search?qq=harbor", "/api/v1/search?page=0",
		"/api/v1/search?size=101", "/api/v1/search?page=2000", "/api/v1/search?sort=random", "/api/v1/search?q=a&q=b",
		"/api/v1/search?after=not-a-cursor"} {
		get("/api/v1/search", target, http.StatusBadRequest)
	}
	// Query text that may not parse answers one way or the other, as described.
	for _, q := range []string{`(harbor`, `harbor AND`, `person:`, `harb*`, `title:drought^3 rationing`} {
		call(open, http.MethodGet, "/api/v1/search", "/api/v1/search?"+url.Values{"q": {q}}.Encode(), nil)
	}
	var bad struct {
		Error struct {
			Code   string
			Offset *int
			Hint   *string
		}
	}
	decode(t, get("/api/v1/search", "/api/v1/search?q=%22open", http.StatusBadRequest), &bad)
	if bad.Error.Code != "invalid_query" || bad.Error.Offset == nil || bad.Error.Hint == nil {
		t.Errorf(`q="open: %+v, want invalid_query with an offset and a hint`, bad.Error)
	}

	// A filter that matches nobody is answered with the nearest names; a lower-case
	// "or" with a notice.
	var res struct {
		Suggestions []struct {
			Param, Value string
			DidYouMean   []string `json:"did_you_mean"`
		}
		Notices []string
	}
	decode(t, get("/api/v1/search", "/api/v1/search?person=Helena+Okafr", http.StatusOK), &res)
	if len(res.Suggestions) != 1 || res.Suggestions[0].Param != "person" || !slices.Contains(res.Suggestions[0].DidYouMean, "Helena Okafor") {
		t.Errorf("person=Helena Okafr: suggestions %+v, want Helena Okafor", res.Suggestions)
	}
	decode(t, get("/api/v1/search", "/api/v1/search?q=harbor+or+quay", http.StatusOK), &res)
	if len(res.Notices) == 0 {
		t.Errorf(`q=harbor or quay: no notice that "or" was searched as a word`)
	}

	// Paging: next is a cursor while pages follow, null on the last.
	var page struct {
		Total uint64
		Hits  []struct{ ID string }
		Next  *string
	}
	decode(t, get("/api/v1/search", "/api/v1/search?size=2&sort=newest", http.StatusOK), &page)
	if page.Next == nil || len(page.Hits) != 2 {
		t.Fatalf("first page of %d: %d hits, next %v", page.Total, len(page.Hits), page.Next)
	}
	first := page.Hits[0].ID
	decode(t, get("/api/v1/search", "/api/v1/search?size=2&sort=newest&page=2&after="+url.QueryEscape(*page.Next), http.StatusOK), &page)
	if len(page.Hits) == 0 || page.Hits[0].ID == first {
		t.Errorf("the page after the cursor starts with %v", page.Hits)
	}
	decode(t, get("/api/v1/search", "/api/v1/search?size=100", http.StatusOK), &page)
	if page.Next != nil {
		t.Errorf("the last page has next %q; want null", *page.Next)
	}
	if uint64(len(page.Hits)) != page.Total || len(page.Hits) == 0 {
		t.Fatalf("a single page of all %d hits has %d", page.Total, len(page.Hits))
	}
	id := page.Hits[0].ID

	// Every other route, right and wrong.
	article := url.PathEscape(id)
	for _, c := range []struct {
		route, target string
		want          int
	}{
		{"/api/v1/articles/{id}", "/api/v1/articles/" + article, http.StatusOK},
		{"/api/v1/articles/{id}", "/api/v1/articles/no-such-article", http.StatusNotFound},
		{"/api/v1/articles/{id}", "/api/v1/articles/" + article + "?q=harbor", http.StatusBadRequest},
		{"/api/v1/related/{id}", "/api/v1/related/" + article, http.StatusOK},
		{"/api/v1/related/{id}", "/api/v1/related/no-such-article", http.StatusNotFound},
		{"/api/v1/related/{id}", "/api/v1/related/" + article + "?size=3", http.StatusBadRequest},
		{"/api/v1/facets/{facet}", "/api/v1/facets/outlet", http.StatusOK},
		{"/api/v1/facets/{facet}", "/api/v1/facets/colour", http.StatusNotFound},
		{"/api/v1/facets/{facet}", "/api/v1/facets/person?size=0", http.StatusBadRequest},
		{"/api/v1/facets/{facet}", "/api/v1/facets/person?page=2", http.StatusBadRequest},
		{"/api/v1/facets/{facet}", "/api/v1/facets/person?from=soon", http.StatusBadRequest},
		{"/api/v1/export", "/api/v1/export?format=csv&q=harbor", http.StatusOK},
		{"/api/v1/export", "/api/v1/export?format=ndjson&undated=only", http.StatusOK},
		{"/api/v1/export", "/api/v1/export?format=xml", http.StatusBadRequest},
		{"/api/v1/export", "/api/v1/export?format=csv&size=5", http.StatusBadRequest},
		{"/api/v1/export", "/api/v1/export?format=ndjson&q=harbor&columns=link,body,authors,date_source,snippet&bom=1", http.StatusOK},
		{"/api/v1/export", "/api/v1/export?format=csv&columns=id,colour", http.StatusBadRequest},
		{"/api/v1/export", "/api/v1/export?format=csv&bom=yes", http.StatusBadRequest},
		{"/api/v1/timeline", "/api/v1/timeline?q=harbor&split=outlet&top=3&compare=drought", http.StatusOK},
		{"/api/v1/timeline", "/api/v1/timeline?q=zzyzx", http.StatusOK},
		{"/api/v1/timeline", "/api/v1/timeline?split=person", http.StatusBadRequest},
		{"/api/v1/timeline", "/api/v1/timeline?top=11", http.StatusBadRequest},
		{"/api/v1/timeline", "/api/v1/timeline?compare=%22open", http.StatusBadRequest},
		{"/api/v1/timeline", "/api/v1/timeline?size=5", http.StatusBadRequest},
		{"/", "/?q=harbor&split=outlet&compare=drought", http.StatusOK},
		{"/", "/?scale=huge", http.StatusBadRequest},
		{"/api/v1", "/api/v1", http.StatusOK},
		{"/api/v1", "/api/v1?format=yaml", http.StatusBadRequest},
		{"/api/v1/openapi.json", "/api/v1/openapi.json", http.StatusOK},
		{"/api", "/api", http.StatusOK},
		{"/healthz", "/healthz", http.StatusOK},
		{"/", "/?from=yesterday", http.StatusBadRequest},
		{"/", "/?qq=tolerated", http.StatusOK},
		{"/articles/{id}", "/articles/" + article + "?q=harbor", http.StatusOK},
		{"/articles/{id}", "/articles/no-such-article", http.StatusNotFound},
		{"/static/{filepath}", "/static/style.css", http.StatusOK},
		{"/static/{filepath}", "/static/app.js", http.StatusOK},
		{"/static/{filepath}", "/static/nothing.css", http.StatusNotFound},
	} {
		get(c.route, c.target, c.want)
	}
	if status, _ := call(open, http.MethodHead, "/static/{filepath}", "/static/style.css", nil); status != http.StatusOK {
		t.Errorf("HEAD /static/style.css: %d", status)
	}

	// Writes: stored, refused without the token, off without one, too large, of
	// no format, with a parameter the route does not take.
	bearer := []string{"Authorization", "Bearer " + token}
	ndjson := append([]string{"Content-Type", "application/x-ndjson"}, bearer...)
	records := `{"id":"contract-1","title":"Quay cranes arrive","outlet":"Harbor Gazette","body":"The first cranes for the Eastern Quay arrived on Tuesday."}` + "\n{not json\n"
	for _, c := range []struct {
		name   string
		h      http.Handler
		target string
		body   string
		header []string
		want   int
	}{
		{"stored", open, "/api/v1/articles", records, ndjson, http.StatusOK},
		{"named", open, "/api/v1/articles?name=feeds/more.jsonl", `{"id":"contract-2","title":"A second","body":"Text."}`, bearer, http.StatusOK},
		{"no token", open, "/api/v1/articles", records, []string{"Content-Type", "application/x-ndjson"}, http.StatusUnauthorized},
		{"wrong token", open, "/api/v1/articles", records, []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"writes off", closed, "/api/v1/articles", records, bearer, http.StatusForbidden},
		{"too large", open, "/api/v1/articles", strings.Repeat(" ", 128<<10), ndjson, http.StatusRequestEntityTooLarge},
		{"no format", open, "/api/v1/articles", "x", append([]string{"Content-Type", "image/png"}, bearer...), http.StatusBadRequest},
		{"unknown parameter", open, "/api/v1/articles?file=x.json", "{}", bearer, http.StatusBadRequest},
	} {
		if status, body := call(c.h, http.MethodPost, "/api/v1/articles", c.target, strings.NewReader(c.body), c.header...); status != c.want {
			t.Errorf("write %s: status %d, want %d: %s", c.name, status, c.want, body)
		}
	}
	get("/api/v1/articles/{id}", "/api/v1/articles/contract-1", http.StatusOK)

	// The story view of a syndicated copy, then deleting it: right and wrong.
	copyOf := fmt.Sprintf(`{"id":"contract-3","title":"Port plan approved","outlet":"Valley Wire","published":"2024-05-07T09:00:00Z","body":%q}`, wireText)
	edited := fmt.Sprintf(`{"id":"contract-4","title":"Port to double","outlet":"Coast Daily","body":%q}`, strings.Replace(wireText, "on Tuesday", "this week", 1))
	if status, body := call(open, http.MethodPost, "/api/v1/articles", "/api/v1/articles", strings.NewReader(copyOf+"\n"+edited), ndjson...); status != http.StatusOK {
		t.Fatalf("write the copies: %d %s", status, body)
	}
	var story struct {
		Copies []struct {
			ID      string
			Changes *struct{ Inserted, Deleted int }
		}
	}
	decode(t, get("/api/v1/story/{id}", "/api/v1/story/contract-4", http.StatusOK), &story)
	if len(story.Copies) != 2 || story.Copies[0].ID != "contract-3" || story.Copies[1].Changes == nil || story.Copies[1].Changes.Inserted != 2 {
		t.Errorf("the story of a copy: %+v, want the dated copy first and the other's changes", story)
	}
	get("/api/v1/story/{id}", "/api/v1/story/contract-1", http.StatusOK)
	get("/api/v1/story/{id}", "/api/v1/story/no-such-article", http.StatusNotFound)
	get("/api/v1/story/{id}", "/api/v1/story/contract-1?diff=words", http.StatusBadRequest)
	for _, c := range []struct {
		name   string
		h      http.Handler
		target string
		header []string
		want   int
	}{
		{"no token", open, "/api/v1/articles/contract-3", nil, http.StatusUnauthorized},
		{"writes off", closed, "/api/v1/articles/contract-3", bearer, http.StatusForbidden},
		{"unknown parameter", open, "/api/v1/articles/contract-3?force=1", bearer, http.StatusBadRequest},
		{"deleted", open, "/api/v1/articles/contract-3", bearer, http.StatusOK},
		{"deleted already", open, "/api/v1/articles/contract-3", bearer, http.StatusNotFound},
		{"unknown", open, "/api/v1/articles/no-such-article", bearer, http.StatusNotFound},
	} {
		if status, body := call(c.h, http.MethodDelete, "/api/v1/articles/{id}", c.target, nil, c.header...); status != c.want {
			t.Errorf("delete %s: status %d, want %d: %.300s", c.name, status, c.want, body)
		}
	}
	var skipped server.WriteReport
	status, body := call(open, http.MethodPost, "/api/v1/articles", "/api/v1/articles", strings.NewReader(copyOf), bearer...)
	decode(t, body, &skipped)
	if status != http.StatusOK || skipped.Skipped != 1 || len(skipped.Problems) != 1 || skipped.Problems[0].Status != server.StatusSkipped ||
		!strings.HasPrefix(skipped.Problems[0].Reason, "deleted") {
		t.Errorf("the deleted copy sent again: %d %+v, want it skipped as deleted", status, skipped)
	}

	for _, c := range []struct {
		name   string
		h      http.Handler
		target string
		header []string
		want   int
	}{
		{"backup", open, "/api/v1/backup", bearer, http.StatusOK},
		{"no token", open, "/api/v1/backup", nil, http.StatusUnauthorized},
		{"writes off", closed, "/api/v1/backup", bearer, http.StatusForbidden},
		{"unknown parameter", open, "/api/v1/backup?to=/tmp", bearer, http.StatusBadRequest},
	} {
		if status, body := call(c.h, http.MethodPost, "/api/v1/backup", c.target, nil, c.header...); status != c.want {
			t.Errorf("backup %s: status %d, want %d: %.300s", c.name, status, c.want, body)
		}
	}

	// Saved searches: saved, listed, read, their feeds, the page's forms, deleted.
	jsonBearer := append([]string{"Content-Type", "application/json"}, bearer...)
	status, body = call(open, http.MethodPost, "/api/v1/searches", "/api/v1/searches",
		strings.NewReader(`{"name":"Quay","query":"q=quay","webhook":"http://127.0.0.1:9/hook"}`), jsonBearer...)
	var ss struct{ ID string }
	if decode(t, body, &ss); status != http.StatusCreated || ss.ID == "" {
		t.Fatalf("save a search: %d %s", status, body)
	}
	for _, c := range []struct {
		name, body string
		header     []string
		want       int
	}{
		{"no key", `{"name":"x","query":"q=quay"}`, []string{"Content-Type", "application/json"}, http.StatusUnauthorized},
		{"bad query", `{"name":"x","query":"q=%22open"}`, jsonBearer, http.StatusBadRequest},
		{"bad webhook", `{"name":"x","query":"q=quay","webhook":"file:///etc/passwd"}`, jsonBearer, http.StatusBadRequest},
		{"too large", `{"name":"` + strings.Repeat("x", 70<<10) + `"}`, jsonBearer, http.StatusRequestEntityTooLarge},
	} {
		if status, body := call(open, http.MethodPost, "/api/v1/searches", "/api/v1/searches", strings.NewReader(c.body), c.header...); status != c.want {
			t.Errorf("save a search, %s: %d %.300s, want %d", c.name, status, body, c.want)
		}
	}
	get("/api/v1/searches", "/api/v1/searches", http.StatusOK)
	get("/api/v1/searches", "/api/v1/searches?page=2", http.StatusBadRequest)
	get("/api/v1/searches/{id}", "/api/v1/searches/"+ss.ID, http.StatusOK)
	get("/api/v1/searches/{id}", "/api/v1/searches/nope", http.StatusNotFound)
	get("/feeds/{file}", "/feeds/"+ss.ID+".atom", http.StatusOK)
	get("/feeds/{file}", "/feeds/"+ss.ID+".json", http.StatusOK)
	get("/feeds/{file}", "/feeds/nope.json", http.StatusNotFound)
	get("/feeds/{file}", "/feeds/"+ss.ID+".atom?size=3", http.StatusBadRequest)
	get("/searches", "/searches", http.StatusOK)
	get("/searches/{id}/open", "/searches/"+ss.ID+"/open", http.StatusSeeOther)
	get("/searches/{id}/open", "/searches/"+ss.ID+"/open?new=1", http.StatusSeeOther)
	get("/searches/{id}/open", "/searches/nope/open", http.StatusNotFound)
	if status, _ := call(open, http.MethodPost, "/searches", "/searches", strings.NewReader("name=Bridge&query=q%3Dbridge"), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, bearer...)...); status != http.StatusSeeOther {
		t.Errorf("save from the page: %d", status)
	}
	if status, _ := call(open, http.MethodPost, "/searches", "/searches", strings.NewReader("name=&query=q%3Dbridge"), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, bearer...)...); status != http.StatusBadRequest {
		t.Errorf("save from the page without a name: %d", status)
	}
	if status, _ := call(open, http.MethodPost, "/searches/{id}/delete", "/searches/"+ss.ID+"/delete", strings.NewReader(""), []string{"Content-Type", "application/x-www-form-urlencoded"}...); status != http.StatusUnauthorized {
		t.Errorf("delete from the page without a key: %d", status)
	}
	if status, _ := call(open, http.MethodPost, "/searches/{id}/delete", "/searches/"+ss.ID+"/delete", strings.NewReader(""), bearer...); status != http.StatusSeeOther {
		t.Errorf("delete from the page: %d", status)
	}
	for _, want := range []int{http.StatusNotFound, http.StatusOK} {
		var list struct{ Searches []struct{ ID string } }
		decode(t, get("/api/v1/searches", "/api/v1/searches", http.StatusOK), &list)
		if len(list.Searches) != 1 {
			t.Fatalf("saved searches: %+v", list)
		}
		if status, body := call(open, http.MethodDelete, "/api/v1/searches/{id}", "/api/v1/searches/"+ss.ID, nil, bearer...); status != want {
			t.Errorf("delete %s: %d %s, want %d", ss.ID, status, body, want)
		}
		ss.ID = list.Searches[0].ID
	}
	if status, _ := call(open, http.MethodDelete, "/api/v1/searches/{id}", "/api/v1/searches/"+ss.ID, nil); status != http.StatusUnauthorized {
		t.Errorf("delete without a key: %d", status)
	}
	// People: a merge moves a name's page; the edits list, undo and their errors.
	var facets struct {
		Facets struct{ Person []struct{ Value string } }
	}
	decode(t, get("/api/v1/search", "/api/v1/search?size=1", http.StatusOK), &facets)
	if len(facets.Facets.Person) < 2 {
		t.Fatalf("the sample's person facet: %+v", facets)
	}
	keep, merged := facets.Facets.Person[0].Value, facets.Facets.Person[1].Value
	jsonBody := append([]string{"Content-Type", "application/json"}, bearer...)
	edit := func(body string, header []string, want int) []byte {
		t.Helper()
		status, got := call(open, http.MethodPost, "/api/v1/people/edits", "/api/v1/people/edits", strings.NewReader(body), header...)
		if status != want {
			t.Errorf("POST /api/v1/people/edits %s: status %d, want %d: %.300s", body, status, want, got)
		}
		return got
	}
	mergeBody, _ := json.Marshal(map[string]string{"action": "merge", "from": merged, "into": keep})
	var stored struct{ ID string }
	decode(t, edit(string(mergeBody), jsonBody, http.StatusCreated), &stored)
	edit(string(mergeBody), jsonBody, http.StatusBadRequest) // merged already
	edit(`{"action":"merge","from":"Nobody Atall","into":"`+keep+`"}`, jsonBody, http.StatusNotFound)
	edit(`{"action":"hide"}`, jsonBody, http.StatusBadRequest)
	edit(`{"action":"hide","name":"x","colour":"red"}`, jsonBody, http.StatusBadRequest)
	edit(`{"action":"hide","name":"`+strings.Repeat("x", 5000)+`"}`, jsonBody, http.StatusRequestEntityTooLarge)
	edit(string(mergeBody), []string{"Content-Type", "application/json"}, http.StatusUnauthorized)
	for _, c := range []struct {
		route, target string
		want          int
	}{
		{"/api/v1/people/edits", "/api/v1/people/edits", http.StatusOK},
		{"/api/v1/people/{name}", "/api/v1/people/" + url.PathEscape(keep) + "?latest=3&with=5", http.StatusOK},
		{"/api/v1/people/{name}", "/api/v1/people/" + url.PathEscape(merged), http.StatusFound},
		{"/api/v1/people/{name}", "/api/v1/people/No%20Such%20Person", http.StatusNotFound},
		{"/api/v1/people/{name}", "/api/v1/people/" + url.PathEscape(keep) + "?latest=500", http.StatusBadRequest},
		{"/people/{name}", "/people/" + url.PathEscape(keep), http.StatusOK},
		{"/people/{name}", "/people/" + url.PathEscape(merged), http.StatusFound},
		{"/people/{name}", "/people/No%20Such%20Person", http.StatusNotFound},
	} {
		get(c.route, c.target, c.want)
	}
	if status, _ := call(open, http.MethodPost, "/people/edits", "/people/edits", strings.NewReader("action=hide&name=x"), "Content-Type", "application/x-www-form-urlencoded"); status != http.StatusUnauthorized {
		t.Errorf("the page's edit form without a sign-in: %d, want 401", status)
	}
	for _, c := range []struct {
		id     string
		header []string
		want   int
	}{
		{stored.ID, nil, http.StatusUnauthorized},
		{stored.ID, bearer, http.StatusOK},
		{stored.ID, bearer, http.StatusNotFound},
	} {
		if status, body := call(open, http.MethodDelete, "/api/v1/people/edits/{id}", "/api/v1/people/edits/"+c.id, nil, c.header...); status != c.want {
			t.Errorf("DELETE edit %s: status %d, want %d: %.300s", c.id, status, c.want, body)
		}
	}
	get("/api/v1/people/{name}", "/api/v1/people/"+url.PathEscape(merged), http.StatusOK)

	// A private archive: reads need a key or a sign-in; a read key may not write;
	// signing in sets a cookie, and signing out needs its CSRF token.
	keys, err := access.OpenKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	readKey, _, err := keys.Create(corpus.ScopeRead, "reader")
	if err != nil {
		t.Fatal(err)
	}
	private := server.New(server.Config{Searcher: ix, Writer: writer, Token: token, Keys: keys, SessionSecret: []byte("0123456789abcdef0123456789abcdef")})
	reader := []string{"Authorization", "bearer " + readKey} // the scheme in any case
	for _, c := range []struct {
		method, route, target string
		header                []string
		want                  int
	}{
		{http.MethodGet, "/api/v1/search", "/api/v1/search?q=harbor", nil, http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/search", "/api/v1/search?q=harbor", reader, http.StatusOK},
		{http.MethodGet, "/api/v1/search", "/api/v1/search?q=harbor", []string{"Authorization", "Bearer aak_0000_nope"}, http.StatusUnauthorized},
		{http.MethodGet, "/", "/?q=harbor", nil, http.StatusSeeOther},
		{http.MethodGet, "/healthz", "/healthz", nil, http.StatusOK},
		{http.MethodGet, "/signin", "/signin?next=/%3Fq%3Dharbor", nil, http.StatusOK},
		{http.MethodPost, "/api/v1/articles", "/api/v1/articles", reader, http.StatusForbidden},
		{http.MethodDelete, "/api/v1/articles/{id}", "/api/v1/articles/contract-1", reader, http.StatusForbidden},
	} {
		if status, body := call(private, c.method, c.route, c.target, strings.NewReader("{}"), c.header...); status != c.want {
			t.Errorf("private %s %s: status %d, want %d: %.300s", c.method, c.target, status, c.want, body)
		}
	}
	form := func(header ...string) []string {
		return append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)
	}
	if status, _ := call(private, http.MethodPost, "/signin", "/signin", strings.NewReader("key=aak_0000_nope"), form()...); status != http.StatusUnauthorized {
		t.Errorf("sign in with a wrong key: %d", status)
	}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(url.Values{"key": {readKey}, "next": {"/?q=harbor"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	private.ServeHTTP(rec, req)
	sp.check(t, http.MethodPost, "/signin", "/signin", rec.Result(), rec.Body.Bytes())
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || rec.Header().Get("Location") != "/?q=harbor" {
		t.Fatalf("sign in: %d, cookies %v, location %q", rec.Code, cookies, rec.Header().Get("Location"))
	}
	session := []string{"Cookie", cookies[0].Name + "=" + cookies[0].Value}
	if status, _ := call(private, http.MethodGet, "/", "/?q=harbor", nil, session...); status != http.StatusOK {
		t.Errorf("the search page signed in: %d", status)
	}
	if status, _ := call(private, http.MethodPost, "/signout", "/signout", strings.NewReader(""), form(session...)...); status != http.StatusForbidden {
		t.Errorf("sign out without the CSRF token: %d, want 403", status)
	}
	_, signedIn := call(private, http.MethodGet, "/signin", "/signin", nil, session...)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(signedIn)
	if m == nil {
		t.Fatalf("the sign-in page of a signed-in reader has no CSRF token:\n%s", signedIn)
	}
	if status, _ := call(private, http.MethodPost, "/signout", "/signout", strings.NewReader("csrf="+url.QueryEscape(html.UnescapeString(string(m[1])))), form(session...)...); status != http.StatusSeeOther {
		t.Errorf("sign out with the CSRF token: %d, want 303", status)
	}

	for _, r := range sp.routes() {
		if !sp.called[r] {
			t.Errorf("no request checked %s against the description", r)
		}
	}
}

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}

// spec is the OpenAPI document as the server serves it, with a JSON Schema
// compiler over it: the document's schemas are JSON Schema 2020-12, as OpenAPI 3.1
// has them.
type spec struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	called   map[string]bool // "GET /api/v1/search"
}

// specURL is where the compiler files the document; nothing is fetched from it.
const specURL = "urn:archive:openapi.json"

func loadSpec(t *testing.T, h http.Handler) *spec {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d", rec.Code)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(specURL, doc); err != nil {
		t.Fatal(err)
	}
	sp := &spec{doc: doc.(map[string]any), compiler: c, called: map[string]bool{}}
	if v := sp.doc["openapi"]; v != "3.1.0" {
		t.Fatalf("openapi %v, want 3.1.0", v)
	}
	return sp
}

// at walks the document along a JSON pointer's tokens.
func (sp *spec) at(tokens ...string) any {
	var v any = sp.doc
	for _, tok := range tokens {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[tok]
	}
	return v
}

// resolve follows an object's $ref within the document, returning the object and
// the pointer tokens of where it is.
func (sp *spec) resolve(v any, tokens []string) (map[string]any, []string) {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		tokens = strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		m, _ = sp.at(tokens...).(map[string]any)
	}
	return m, tokens
}

func (sp *spec) routes() []string {
	var out []string
	for path, ops := range sp.doc["paths"].(map[string]any) {
		for method := range ops.(map[string]any) {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(out)
	return out
}

// schema compiles the schema at the pointer's tokens.
func (sp *spec) schema(t *testing.T, tokens []string) *jsonschema.Schema {
	t.Helper()
	var escaped []string
	for _, tok := range tokens {
		escaped = append(escaped, strings.NewReplacer("~", "~0", "/", "~1").Replace(tok))
	}
	s, err := sp.compiler.Compile(specURL + "#/" + strings.Join(escaped, "/"))
	if err != nil {
		t.Fatalf("compile %v: %v", tokens, err)
	}
	return s
}

// check holds one answer to the document: the route must be there, answer with a
// status it lists, a content type it lists for that status, the headers it
// requires, and a body its schema accepts.
func (sp *spec) check(t *testing.T, method, path, target string, res *http.Response, body []byte) {
	t.Helper()
	sp.called[method+" "+path] = true
	where := fmt.Sprintf("%s %s: %d", method, target, res.StatusCode)
	opTokens := []string{"paths", path, strings.ToLower(method)}
	if sp.at(opTokens...) == nil {
		t.Errorf("%s: the description has no %s %s", where, method, path)
		return
	}
	resp, respTokens := sp.resolve(sp.at(append(opTokens, "responses", fmt.Sprint(res.StatusCode))...),
		append(opTokens, "responses", fmt.Sprint(res.StatusCode)))
	if resp == nil {
		t.Errorf("%s: the description lists no such status: %.300s", where, body)
		return
	}
	headers, _ := resp["headers"].(map[string]any)
	for name, h := range headers {
		if h.(map[string]any)["required"] == true && res.Header.Get(name) == "" {
			t.Errorf("%s: lacks the header %s", where, name)
		}
	}
	content, _ := resp["content"].(map[string]any)
	if content == nil {
		return // described as having no body to speak of
	}
	mediaType, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil || content[mediaType] == nil {
		t.Errorf("%s: content type %q is not one of those described: %v", where, res.Header.Get("Content-Type"), keys(content))
		return
	}
	if method == http.MethodHead {
		return
	}
	schemaTokens := append(respTokens, "content", mediaType, "schema")
	switch mediaType {
	case "application/json":
		sp.validate(t, where, sp.schema(t, schemaTokens), body)
	case "application/x-ndjson":
		s := sp.schema(t, schemaTokens)
		for i, line := range bytes.Split(bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\uFEFF"))), []byte("\n")) {
			if len(line) > 0 {
				sp.validate(t, fmt.Sprintf("%s line %d", where, i+1), s, line)
				sp.checkExportKeys(t, fmt.Sprintf("%s line %d", where, i+1), target, line)
			}
		}
	case "text/csv":
		// The columns are those asked for, else the columns parameter's default.
		want := sp.exportColumns(t, target)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(rows) == 0 || !slices.Equal(rows[0], want) {
			t.Errorf("%s: CSV header %v (%v), want %v", where, rows[:min(len(rows), 1)], err, want)
		}
	case "text/html":
		if !bytes.HasPrefix(body, []byte("<!doctype html>")) {
			t.Errorf("%s: not a page: %.100s", where, body)
		}
	case "application/x-tar":
		tr := tar.NewReader(bytes.NewReader(body))
		last := ""
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: tar: %v", where, err)
				break
			}
			last = h.Name
		}
		if last != server.BackupCompleteEntry {
			t.Errorf("%s: the backup ends with %q, not %s", where, last, server.BackupCompleteEntry)
		}
	}
}

func (sp *spec) validate(t *testing.T, where string, s *jsonschema.Schema, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: not JSON: %v: %.300s", where, err, body)
		return
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s: the answer does not match the description: %v\n%.1000s", where, err, body)
	}
}

// exampleTargets returns one request for each query parameter of GET path, with
// the parameter's example (and the required parameters' examples), so that every
// parameter the document lists is shown to be taken.
func (sp *spec) exampleTargets(t *testing.T, path string) []string {
	t.Helper()
	var params []map[string]any
	for _, p := range sp.at("paths", path, "get", "parameters").([]any) {
		param, _ := sp.resolve(p, nil)
		params = append(params, param)
	}
	base := url.Values{}
	pathValues := map[string]string{}
	for _, p := range params {
		switch {
		case p["in"] == "path":
			pathValues[p["name"].(string)] = fmt.Sprint(p["example"])
		case p["required"] == true:
			addExample(base, p)
		}
	}
	target := regexp.MustCompile(`\{(\w+)\}`).ReplaceAllStringFunc(path, func(m string) string {
		return url.PathEscape(pathValues[m[1:len(m)-1]])
	})
	var out []string
	for _, p := range params {
		if p["in"] != "query" || p["required"] == true || p["example"] == nil {
			continue
		}
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		addExample(v, p)
		out = append(out, target+"?"+v.Encode())
	}
	if len(out) == 0 {
		t.Fatalf("%s has no parameter examples", path)
	}
	return out
}

func addExample(v url.Values, p map[string]any) {
	name := p["name"].(string)
	if list, ok := p["example"].([]any); ok {
		for _, x := range list {
			v.Add(name, fmt.Sprint(x))
		}
		return
	}
	v.Set(name, fmt.Sprint(p["example"]))
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// exportColumns are the columns an export asked with target has: its columns
// parameter, else the parameter's default in the description.
func (sp *spec) exportColumns(t *testing.T, target string) []string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	cols := u.Query().Get("columns")
	if cols == "" {
		p, _ := sp.resolve(sp.at("components", "parameters", "columns"), nil)
		schema, _ := p["schema"].(map[string]any)
		cols, _ = schema["default"].(string)
	}
	if cols == "" {
		t.Fatalf("the description gives the export's columns no default")
	}
	return strings.Split(cols, ",")
}

// checkExportKeys holds a line of an NDJSON export to the columns asked for: the
// same keys in the same order.
func (sp *spec) checkExportKeys(t *testing.T, where, target string, line []byte) {
	t.Helper()
	if !strings.Contains(target, "/api/v1/export") {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				keys = append(keys, v)
				// Skip the value.
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Errorf("%s: %v", where, err)
					return
				}
			}
		}
	}
	if want := sp.exportColumns(t, target); !slices.Equal(keys, want) {
		t.Errorf("%s: keys %v, want the columns %v", where, keys, want)
	}
}
