package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// TestRoutesMatchTheDescription holds routes.go and openapi.json to each other:
// every route served is described, and every route described is served.
func TestRoutesMatchTheDescription(t *testing.T) {
	doc, err := parseAPIDoc(openAPIJSON)
	if err != nil {
		t.Fatal(err)
	}
	var served, described []string
	for _, r := range New(Config{}).(*gin.Engine).Routes() {
		served = append(served, r.Method+" "+docPath(r.Path))
	}
	for _, r := range doc.routes() {
		described = append(described, r.Method+" "+r.Path)
	}
	slices.Sort(served)
	slices.Sort(described)
	if diff := cmp.Diff(served, described); diff != "" {
		t.Errorf("routes.go (-) and openapi.json (+) differ:\n%s", diff)
	}
	for _, r := range doc.routes() {
		for _, p := range r.Op.Parameters {
			if p.In == "path" && !slices.Contains(ginParam.FindAllString(ginPattern(r.Path), -1), ":"+p.Name) {
				t.Errorf("%s %s describes the path parameter %s, which the path lacks", r.Method, r.Path, p.Name)
			}
		}
	}
}

// ginPattern is docPath backwards, for the test: /a/{id} becomes /a/:id.
func ginPattern(path string) string {
	out := []rune{}
	for _, r := range path {
		switch r {
		case '{':
			out = append(out, ':')
		case '}':
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// TestErrorCodesMatchDescribe holds the error codes of openapi.json, and the
// statuses it gives them, to describe(), which decides the status of every error
// the server answers.
func TestErrorCodesMatchDescribe(t *testing.T) {
	doc, err := parseAPIDoc(openAPIJSON)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string][]string{} // code -> the statuses openapi.json gives it
	for _, r := range doc.routes() {
		for _, resp := range r.Op.Responses {
			for _, code := range errorCodes(resp.Value) {
				if !slices.Contains(statuses[code], resp.Name) {
					statuses[code] = append(statuses[code], resp.Name)
				}
			}
		}
	}
	codeSchema, _ := doc.Components.Schemas.get("ErrorCode")
	var listed []string
	for _, alt := range codeSchema.OneOf {
		listed = append(listed, fmt.Sprint(alt.Const))
	}
	// Every code a handler can answer with; "canceled" is left out: its client has
	// gone and reads no answer.
	codes := []string{corpus.EInvalidRequest, corpus.EInvalidQuery, corpus.EInvalidDate, corpus.EPageOutOfRange,
		corpus.EQueryTooCostly, corpus.ENotFound, corpus.EUnauthorized, corpus.EForbidden, corpus.EWritesOff, corpus.ETooLarge,
		corpus.EInternal, errTimeout, corpus.EBusy, corpus.EStorageFailed, corpus.EStorageFull}
	if diff := cmp.Diff(codes, listed); diff != "" {
		t.Errorf("the codes of ErrorCode in openapi.json (-want +got):\n%s", diff)
	}
	s := &Server{log: slog.New(slog.DiscardHandler)}
	for _, code := range codes {
		var err error = corpus.Errorf(code, "x")
		if code == errTimeout {
			err = context.DeadlineExceeded
		}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/search", nil)
		status, got, _ := s.describe(c, err)
		if got != code {
			t.Errorf("describe gives %s the code %s", code, got)
		}
		if want := []string{fmt.Sprint(status)}; !slices.Equal(statuses[code], want) {
			t.Errorf("openapi.json answers %s with %v; describe with %v", code, statuses[code], want)
		}
	}
}

// TestAPIPage checks that the page describing the API shows every route, every
// parameter and every error code of the document, and runs no inline script.
func TestAPIPage(t *testing.T) {
	doc, err := parseAPIDoc(openAPIJSON)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	New(Config{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	page := rec.Body.String()
	var want []string
	for _, r := range doc.routes() {
		want = append(want, `id="`+anchor(r.Method, r.Path)+`"`, "<code>"+r.Path+"</code>")
		for _, p := range r.Op.Parameters {
			want = append(want, "<code>"+p.Name+"</code>")
		}
	}
	codeSchema, _ := doc.Components.Schemas.get("ErrorCode")
	for _, alt := range codeSchema.OneOf {
		want = append(want, fmt.Sprintf(`<tr id="code-%s"><td><code>%[1]s</code></td><td>`, alt.Const))
	}
	want = append(want, `<tr id="code-busy"><td><code>busy</code></td><td>503</td>`, `id="schema-SearchResults"`,
		`<a href="/api/v1/openapi.json">`, `<a href="/api">API</a>`)
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %s", w)
		}
	}
	for _, bad := range []string{"<script>", "style=", "onclick"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page carries %s: the CSP allows no inline script or style", bad)
		}
	}
}
