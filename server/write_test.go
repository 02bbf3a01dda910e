package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// fakeWriter records what it is asked to write.
type fakeWriter struct {
	name string
	body string
	err  error
}

func (f *fakeWriter) Write(_ context.Context, name string, body io.Reader, emit func(server.RecordResult)) (server.WriteCounts, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		// As the ingest pipeline does: a read error becomes a rejected input.
		emit(server.RecordResult{Source: name, Status: server.StatusRejected, Reason: err.Error()})
		return server.WriteCounts{Read: 1, Rejected: 1}, nil
	}
	f.name, f.body = name, string(data)
	if f.err != nil {
		return server.WriteCounts{}, f.err
	}
	emit(server.RecordResult{Source: name, Line: 1, ID: "x", Status: server.StatusIndexed})
	return server.WriteCounts{Read: 1, Indexed: 1}, nil
}

func (f *fakeWriter) Backup(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, "tar")
	return err
}

func write(t *testing.T, h http.Handler, token, contentType, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/articles", strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func errorCode(t *testing.T, body string) string {
	t.Helper()
	var e struct{ Error struct{ Code string } }
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return e.Error.Code
}

func TestWriteAPI(t *testing.T) {
	w := &fakeWriter{}
	h := server.New(server.Config{Searcher: &fakeSearcher{}, Writer: w, Token: "s3cret", MaxWriteBytes: 1 << 10})

	status, body := write(t, h, "s3cret", "application/x-ndjson", `{"title":"a"}`)
	if status != http.StatusOK || w.name != "api.jsonl" || w.body != `{"title":"a"}` {
		t.Errorf("write: %d %s, writer got %q %q", status, body, w.name, w.body)
	}
	var rep server.WriteReport
	if err := json.Unmarshal([]byte(body), &rep); err != nil || rep.Indexed != 1 || len(rep.Problems) != 0 {
		t.Errorf("report %+v %v", rep, err)
	}
	if !strings.Contains(body, `"problems":[],"problems_omitted":0`) {
		t.Errorf("report fields not all there: %s", body)
	}
	// Asked for NDJSON, the answer has a line a record and the counts last.
	req := httptest.NewRequest(http.MethodPost, "/api/v1/articles", strings.NewReader(`{"title":"a"}`))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Accept", "application/x-ndjson")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n"); rec.Code != http.StatusOK || len(lines) != 2 ||
		!strings.Contains(lines[0], `"status":"indexed"`) || !strings.Contains(lines[1], `"summary":{"read":1,"indexed":1`) {
		t.Errorf("write answered as NDJSON: %d %q", rec.Code, rec.Body)
	}
	for _, c := range []struct {
		token, contentType, body string
		status                   int
		code                     string
	}{
		{"", "application/json", `{}`, http.StatusUnauthorized, corpus.EUnauthorized},
		{"wrong", "application/json", `{}`, http.StatusUnauthorized, corpus.EUnauthorized},
		{"s3cret", "image/png", `{}`, http.StatusBadRequest, corpus.EInvalidRequest},
		{"s3cret", "application/json", strings.Repeat("x", 2<<10), http.StatusRequestEntityTooLarge, corpus.ETooLarge},
	} {
		status, body := write(t, h, c.token, c.contentType, c.body)
		if status != c.status || errorCode(t, body) != c.code {
			t.Errorf("token %q type %q: %d %s, want %d %s", c.token, c.contentType, status, body, c.status, c.code)
		}
	}
	// A chunked body over the limit is caught as it is read.
	req = httptest.NewRequest(http.MethodPost, "/api/v1/articles", io.MultiReader(strings.NewReader(strings.Repeat("x", 2<<10))))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer s3cret")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body over the limit: %d %s", rec.Code, rec.Body)
	}

	// The file name given by archive ingest --server names the format.
	req = httptest.NewRequest(http.MethodPost, "/api/v1/articles?name=feeds/wire.jsonl.gz", strings.NewReader("x"))
	req.Header.Set("Authorization", "Bearer s3cret")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if w.name != "feeds/wire.jsonl.gz" {
		t.Errorf("named write reached the writer as %q", w.name)
	}

	// Storage failures say so, with their own statuses.
	w.err = corpus.Errorf(corpus.EStorageFull, "the disk is full")
	if status, body := write(t, h, "s3cret", "", `{}`); status != http.StatusInsufficientStorage || !strings.Contains(body, "the disk is full") {
		t.Errorf("disk full: %d %s", status, body)
	}
	w.err = errors.New("secret cause")
	if status, body := write(t, h, "s3cret", "", `{}`); status != http.StatusInternalServerError || strings.Contains(body, "secret") {
		t.Errorf("internal failure: %d %s", status, body)
	}
}

func TestWriteAPIOffWithoutToken(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{}, Writer: &fakeWriter{}})
	status, body := write(t, h, "anything", "application/json", `{}`)
	if status != http.StatusForbidden || errorCode(t, body) != corpus.EWritesOff || !strings.Contains(body, "--token") {
		t.Errorf("write without a configured token: %d %s", status, body)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/backup", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("backup without a configured token: %d %s", rec.Code, rec.Body)
	}
	// Reading stays open.
	if res, _ := get(t, h, "/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", res.StatusCode)
	}
}

func TestBackupAPI(t *testing.T) {
	h := server.New(server.Config{Searcher: &fakeSearcher{}, Writer: &fakeWriter{}, Token: "s3cret"})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/backup", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != "tar" || rec.Header().Get("Content-Type") != "application/x-tar" {
		t.Errorf("backup: %d %q %v", rec.Code, rec.Body, rec.Header())
	}
}
