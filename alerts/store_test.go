package alerts

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// parseForTest stands in for the server's parser: q must not say "bad".
func parseForTest(raw string) (corpus.Query, error) {
	v, err := url.ParseQuery(raw)
	if err != nil || v.Get("q") == "bad" {
		return corpus.Query{}, corpus.Errorf(corpus.EInvalidQuery, "q does not parse")
	}
	return corpus.Query{Text: v.Get("q")}, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestStoreKeepsSavedSearchesAcrossOpens(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(dir, parseForTest)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	a, err := s.Create(ctx, corpus.NewSavedSearch{Name: " Harbor ", Query: "?q=harbor", Webhook: "https://hooks.example.org/x"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Harbor" || a.Query != "q=harbor" || !strings.HasPrefix(a.WebhookSecret, "whsec_") || a.FeedToken == "" || a.ID == "" {
		t.Fatalf("created %+v", a)
	}
	b, err := s.Create(ctx, corpus.NewSavedSearch{Name: "Bridge", Query: "q=bridge"}, now)
	if err != nil || b.WebhookSecret != "" {
		t.Fatalf("created %+v %v", b, err)
	}
	if _, err := s.Looked(ctx, b.ID, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the store's file: %v %v", info, err)
	}
	s2, err := Open(dir, parseForTest)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := s2.List(ctx)
	if len(list) != 2 || list[0].ID != a.ID || list[1].LastLooked != now.Add(time.Hour) || list[0].WebhookSecret != "" {
		t.Fatalf("reopened: %+v", list)
	}
	if w, _ := s2.Watching(ctx); len(w) != 2 || w[0].Search.WebhookSecret != a.WebhookSecret || w[0].Query.Text != "harbor" {
		t.Fatalf("watch list %+v", w)
	}
	if !s2.FeedAllowed(ctx, a.ID, a.FeedToken) || s2.FeedAllowed(ctx, a.ID, b.FeedToken) || s2.FeedAllowed(ctx, a.ID, "") || s2.FeedAllowed(ctx, "nope", a.FeedToken) {
		t.Error("FeedAllowed lets the wrong tokens through")
	}
	if err := s2.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s2.Delete(ctx, a.ID); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := s2.Get(ctx, a.ID); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("get a deleted search: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %v: a temporary file was left", entries)
	}
}

func TestStoreRefusesWhatItCannotKeep(t *testing.T) {
	ctx := t.Context()
	s, err := Open(t.TempDir(), parseForTest)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, c := range []struct {
		n    corpus.NewSavedSearch
		code string
	}{
		{corpus.NewSavedSearch{Query: "q=x"}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: strings.Repeat("n", MaxNameBytes+1), Query: "q=x"}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: "a\nb", Query: "q=x"}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: "x", Query: "q=" + strings.Repeat("w", MaxQueryBytes)}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: "x", Query: "q=bad"}, corpus.EInvalidQuery},
		{corpus.NewSavedSearch{Name: "x", Query: "q=x", Webhook: "ftp://example.org/"}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: "x", Query: "q=x", Webhook: "https://"}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: "x", Query: "q=x", Webhook: "https://user:pw@example.org/"}, corpus.EInvalidRequest},
		{corpus.NewSavedSearch{Name: "x", Query: "q=x", Webhook: "https://example.org/" + strings.Repeat("p", MaxWebhookBytes)}, corpus.EInvalidRequest},
	} {
		if _, err := s.Create(ctx, c.n, now); corpus.ErrorCode(err) != c.code {
			t.Errorf("%+.80v: %v, want %s", c.n, err, c.code)
		}
	}
	if len(must(s.List(ctx))) != 0 {
		t.Fatalf("refused searches were kept: %v", must(s.List(ctx)))
	}
	s.max = 5
	for i := range s.max {
		if _, err := s.Create(ctx, corpus.NewSavedSearch{Name: "x", Query: "q=x"}, now); err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
	}
	if _, err := s.Create(ctx, corpus.NewSavedSearch{Name: "one more", Query: "q=x"}, now); corpus.ErrorCode(err) != corpus.EInvalidRequest {
		t.Errorf("past the limit: %v", err)
	}
}

func TestStoreThatCannotBeWrittenKeepsNothing(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(dir, parseForTest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if os.Getuid() == 0 {
		t.Skip("root writes to a read-only directory")
	}
	if _, err := s.Create(ctx, corpus.NewSavedSearch{Name: "x", Query: "q=x"}, time.Now()); corpus.ErrorCode(err) != corpus.EStorageFailed {
		t.Errorf("create in a read-only directory: %v", err)
	}
	if len(must(s.List(ctx))) != 0 {
		t.Errorf("kept a search it could not write")
	}
}

func TestDamagedStoreIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, parseForTest); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("open a damaged store: %v", err)
	}
}

func TestSignAndVerify(t *testing.T) {
	body := []byte(`{"delivery":"d1"}`)
	now := time.Unix(1_800_000_000, 0)
	ts := "1800000000"
	sig := Sign("whsec_x", ts, body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("signature %q", sig)
	}
	if err := Verify("whsec_x", ts, sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("a good delivery: %v", err)
	}
	for name, err := range map[string]error{
		"wrong secret": Verify("whsec_y", ts, sig, body, now, 5*time.Minute),
		"changed body": Verify("whsec_x", ts, sig, append(body, ' '), now, 5*time.Minute),
		"other time":   Verify("whsec_x", "1800000001", sig, body, now, 5*time.Minute),
		"replayed":     Verify("whsec_x", ts, sig, body, now.Add(10*time.Minute), 5*time.Minute),
		"bad time":     Verify("whsec_x", "soon", sig, body, now, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}
