package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// fakeDeleter is a writer that deletes: it records whom it was asked to delete.
type fakeDeleter struct {
	fakeWriter
	id, by string
}

func (f *fakeDeleter) Delete(_ context.Context, id, by string) (corpus.Article, error) {
	if id != "known" {
		return corpus.Article{}, corpus.Errorf(corpus.ENotFound, "there is no article with id %q", id)
	}
	f.id, f.by = id, by
	return corpus.Article{ID: id, Title: "<b>Quay</b>", Outlet: "Harbor Gazette"}, nil
}

func TestDeleteAPI(t *testing.T) {
	d := &fakeDeleter{}
	h := server.New(server.Config{Searcher: &fakeSearcher{}, Writer: d, Token: "s3cret"})
	nonDeleting := server.New(server.Config{Searcher: &fakeSearcher{}, Writer: &fakeWriter{}, Token: "s3cret"})
	del := func(h http.Handler, target, token string) (int, string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodDelete, target, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	for _, c := range []struct {
		name   string
		h      http.Handler
		target string
		token  string
		status int
		code   string
	}{
		{"no key", h, "/api/v1/articles/known", "", http.StatusUnauthorized, "unauthorized"},
		{"wrong key", h, "/api/v1/articles/known", "nope", http.StatusUnauthorized, "unauthorized"},
		{"no id", h, "/api/v1/articles/", "s3cret", http.StatusBadRequest, "invalid_request"},
		{"control character", h, "/api/v1/articles/a%00b", "s3cret", http.StatusBadRequest, "invalid_request"},
		{"unknown", h, "/api/v1/articles/other", "s3cret", http.StatusNotFound, "not_found"},
		{"a writer that cannot delete", nonDeleting, "/api/v1/articles/known", "s3cret", http.StatusForbidden, "writes_disabled"},
	} {
		status, body := del(c.h, c.target, c.token)
		if status != c.status || errorCode(t, body) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.code)
		}
	}
	if d.id != "" {
		t.Fatalf("a refused delete reached the writer: %q", d.id)
	}
	status, body := del(h, "/api/v1/articles/known", "s3cret")
	if status != http.StatusOK || d.id != "known" || d.by != "token (token)" || !strings.Contains(body, `"title":"\u003cb\u003eQuay\u003c/b\u003e"`) {
		t.Errorf("delete: %d %s; writer asked to delete %q by %q", status, body, d.id, d.by)
	}
}
