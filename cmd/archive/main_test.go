package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write and the
// test to read.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func noEnv(string) string { return "" }

// runArchive runs one command to completion and returns its output.
func runArchive(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, noEnv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

var servingLine = regexp.MustCompile(`serving (http://[^/\s]+)/`)

// startServer runs "archive serve" with args on a free port and returns its base
// URL once /healthz answers. The server stops, and must stop cleanly, when the
// test ends.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), noEnv, strings.NewReader(""), io.Discard, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v\n%s", err, stderr)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not shut down")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, stderr)
		default:
		}
		if m := servingLine.FindStringSubmatch(stderr.String()); m != nil {
			if res, err := http.Get(m[1] + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return m[1]
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not come up:\n%s", stderr)
	return ""
}

// apiSearch is the part of a search response the tests read.
type apiSearch struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		ID        string   `json:"id"`
		Title     string   `json:"title"`
		URL       string   `json:"url"`
		Outlet    string   `json:"outlet"`
		Published *string  `json:"published"`
		Persons   []string `json:"persons"`
		Snippet   string   `json:"snippet"`
	} `json:"hits"`
	Facets struct {
		Person []struct {
			Value string
			Count int
		} `json:"person"`
		Outlet []struct {
			Value string
			Count int
		} `json:"outlet"`
		Published []struct {
			Key   string `json:"key"`
			Count int    `json:"count"`
		} `json:"published"`
		DateUnit string `json:"date_unit"`
	} `json:"facets"`
}

func getJSON(t *testing.T, rawURL string, v any) int {
	t.Helper()
	res, err := http.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", rawURL, err, body)
	}
	return res.StatusCode
}

func search(t *testing.T, base string, params url.Values) apiSearch {
	t.Helper()
	var s apiSearch
	if status := getJSON(t, base+"/api/v1/search?"+params.Encode(), &s); status != http.StatusOK {
		t.Fatalf("search %v: status %d", params, status)
	}
	return s
}

func TestIngestThenServeAndSearch(t *testing.T) {
	data := t.TempDir()
	out, _, err := runArchive(t, "ingest", "testdata/articles", "--data", data, "--quiet")
	// Three bad inputs are rejected with their reasons; the rest goes in.
	if err == nil || !strings.Contains(err.Error(), "3 input(s) rejected") || exitCode(err) != 3 {
		t.Errorf("ingest error = %v (exit %d), want 3 rejected (exit 3)", err, exitCode(err))
	}
	for _, want := range []string{
		"read 8 articles", "5 indexed", "0 updated", "0 skipped as duplicate", "3 rejected",
		"feed.jsonl:3: malformed JSON", "feed.jsonl:4: has no article text",
		"image.txt: is binary", "ignored 1 files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// Ingesting the same files again changes nothing.
	out, _, _ = runArchive(t, "ingest", "--data", data, "--quiet", "testdata/articles")
	if !strings.Contains(out, "0 indexed, 0 updated, 5 skipped as duplicate") {
		t.Errorf("re-ingest summary:\n%s", out)
	}

	base := startServer(t, "--data", data)

	all := search(t, base, nil)
	if all.Total != 5 {
		t.Fatalf("browse: total %d, want 5", all.Total)
	}
	outlets := map[string]int{}
	for _, o := range all.Facets.Outlet {
		outlets[o.Value] = o.Count
	}
	for outlet, n := range map[string]int{"The Northern Ledger": 1, "Valley Wire": 2, "Harbor Gazette": 1, "Coastline Daily": 1} {
		if outlets[outlet] != n {
			t.Errorf("outlet facet %q = %d, want %d (facet %v)", outlet, outlets[outlet], n, all.Facets.Outlet)
		}
	}
	if all.Facets.Person[0].Value != "Helena Okafor" || all.Facets.Person[0].Count != 3 {
		t.Errorf("top person = %+v, want Helena Okafor in 3", all.Facets.Person[0])
	}
	if all.Facets.Published[0].Key != "2024-08" {
		t.Errorf("date facet starts at %+v, want 2024-08 (unit %s)", all.Facets.Published[0], all.Facets.DateUnit)
	}

	// A phrase with a person filter, highlighted.
	s := search(t, base, url.Values{"q": {`"harbor expansion"`}, "person": {"Marcus Feld"}})
	if s.Total != 1 || s.Hits[0].Title != "Port Ellis council backs harbor expansion" {
		t.Fatalf("phrase search: %+v", s)
	}
	hit := s.Hits[0]
	if !strings.Contains(hit.Snippet, "<mark>harbor</mark> <mark>expansion</mark>") {
		t.Errorf("snippet %q lacks the marked phrase", hit.Snippet)
	}
	if hit.Outlet != "The Northern Ledger" || hit.Published == nil || *hit.Published != "2025-03-03T00:00:00Z" {
		t.Errorf("hit outlet %q published %v, want The Northern Ledger on 2025-03-03", hit.Outlet, hit.Published)
	}

	// The whole article, and a 404 for an unknown one.
	var article struct {
		ID, Title, Outlet, Body, Source string
		Persons                         []string
	}
	if status := getJSON(t, base+"/api/v1/articles/"+url.PathEscape(hit.ID), &article); status != 200 {
		t.Fatalf("article: status %d", status)
	}
	if !strings.Contains(article.Body, "watch every contract") || !strings.HasSuffix(article.Source, "council-vote.txt") {
		t.Errorf("article = %+v", article)
	}
	var e struct{ Error struct{ Code string } }
	if status := getJSON(t, base+"/api/v1/articles/no-such-id", &e); status != 404 || e.Error.Code != "not_found" {
		t.Errorf("unknown article: %d %+v", status, e)
	}

	// The gzipped text and the HTML page were read.
	if s := search(t, base, url.Values{"q": {"ferry"}}); s.Total != 1 || s.Hits[0].Outlet != "Coastline Daily" {
		t.Errorf("ferry: %+v", s)
	}
	if s := search(t, base, url.Values{"q": {"lantern"}}); s.Total != 1 || s.Hits[0].URL != "https://harborgazette.example/2024/08/17/lantern-festival" {
		t.Errorf("lantern: %+v", s)
	}

	// The web page shows the results with their facets.
	res, err := http.Get(base + "/?q=harbor&outlet=Harbor+Gazette")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"Lantern festival draws record crowd", "<mark>harbor</mark>", "Remove filter outlet: Harbor Gazette"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestServeSample(t *testing.T) {
	base := startServer(t, "--data", t.TempDir(), "--sample")
	s := search(t, base, url.Values{"size": {"100"}})
	if s.Total < 20 {
		t.Errorf("the sample has %d articles, want at least 20", s.Total)
	}
	if len(s.Facets.Outlet) < 4 {
		t.Errorf("the sample has %d outlets, want several: %v", len(s.Facets.Outlet), s.Facets.Outlet)
	}
	if len(s.Facets.Person) < 5 || s.Facets.Person[0].Count < 3 {
		t.Errorf("the sample's person facet is thin: %v", s.Facets.Person)
	}
	var dated, undated int
	for _, b := range s.Facets.Published {
		if b.Key == "undated" {
			undated += b.Count
		} else {
			dated += b.Count
		}
	}
	if dated < 15 || undated == 0 || dated+undated != int(s.Total) {
		t.Errorf("date facet: %d dated, %d undated of %d", dated, undated, s.Total)
	}
	for _, h := range s.Hits {
		if h.Outlet == "" || len(h.Persons) == 0 || h.Title == "" {
			t.Errorf("sample article %s (%q) lacks an outlet, people or a title: %+v", h.ID, h.Title, h)
		}
	}
}

// TestSeeds ingests the two articles the archive was commissioned with and finds
// them with the right outlet and people, and no invented date.
func TestSeeds(t *testing.T) {
	seeds := filepath.Join("..", "..", "..", "shared", "seeds")
	if _, err := os.Stat(seeds); err != nil {
		t.Skipf("the seed articles are not at %s (../shared beside the checkout): %v", seeds, err)
	}
	data := t.TempDir()
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", seeds); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	base := startServer(t, "--data", data)
	for _, c := range []struct {
		query, outlet string
		persons       []string
	}{
		{`"third-rate comedy"`, "Matzav.com", []string{"Donald Trump", "Qassem Soleimani", "Mike Pompeo", "Brian Hook", "John Bolton", "Abbas Araghchi"}},
		{`"Richard Nephew"`, "Daily Caller News Foundation", []string{"Donald Trump", "Qassem Soleimani", "Joe Biden", "Massoud Pezeshkian", "Ali Khamenei", "Richard Nephew"}},
	} {
		s := search(t, base, url.Values{"q": {c.query}})
		if s.Total != 1 {
			t.Errorf("%s: %d hits, want 1", c.query, s.Total)
			continue
		}
		h := s.Hits[0]
		if h.Outlet != c.outlet {
			t.Errorf("%s: outlet %q, want %q", c.query, h.Outlet, c.outlet)
		}
		for _, p := range c.persons {
			if !slices.Contains(h.Persons, p) {
				t.Errorf("%s: persons %q lack %q", c.query, h.Persons, p)
			}
		}
		for _, p := range h.Persons {
			if strings.Contains(p, "Journal") || strings.Contains(p, "House") || p == "Trump" {
				t.Errorf("%s: %q is not a person's canonical name", c.query, p)
			}
		}
		if h.Published != nil {
			t.Errorf("%s: published %s, but neither seed states a date", c.query, *h.Published)
		}
	}
	// Both mention Trump: the person facet counts him once per article.
	s := search(t, base, url.Values{"person": {"Donald Trump"}})
	if s.Total != 2 {
		t.Errorf("person=Donald Trump: %d hits, want 2", s.Total)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"ingest"}, {"serve", "extra"}, {"search", "--page", "x"}} {
		_, _, err := runArchive(t, args...)
		if exitCode(err) != 2 {
			t.Errorf("%q: error %v, exit %d, want a usage error (2)", args, err, exitCode(err))
		}
	}
	// A second process cannot open an archive a server holds.
	data := t.TempDir()
	startServer(t, "--data", data)
	_, _, err := runArchive(t, "ingest", "--data", data, "--quiet", "testdata/articles/council-vote.txt")
	if err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("ingest into a served archive: %v", err)
	}
}

func TestSearchCommand(t *testing.T) {
	data := t.TempDir()
	runArchive(t, "ingest", "--data", data, "--quiet", "testdata/articles")
	out, _, err := runArchive(t, "search", "--data", data, "--person", "Helena Okafor", "harbor")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 of 2 articles", "Port Ellis council backs harbor expansion", "*harbor*", "people: Helena Okafor"} {
		if !strings.Contains(out, want) {
			t.Errorf("search output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runArchive(t, "search", "--data", data, "harbor", "NOT", "harbor")
	if err != nil || !strings.Contains(out, "No articles match") {
		t.Errorf("harbor NOT harbor: %v\n%s", err, out)
	}
	out, _, err = runArchive(t, "search", "--data", data, "--any", "harbor", "zzzunknown")
	if err != nil || !strings.Contains(out, "Port Ellis council backs harbor expansion") {
		t.Errorf("--any harbor zzzunknown: %v\n%s", err, out)
	}
	out, _, err = runArchive(t, "search", "--data", data, "--person", "helena okafor", "harbor")
	if err != nil || !strings.Contains(out, "read as \"Helena Okafor\"") {
		t.Errorf("--person in lower case: %v\n%s", err, out)
	}
	out, _, err = runArchive(t, "search", "--data", data, "--json", "--outlet", "Valley Wire")
	if err != nil {
		t.Fatal(err)
	}
	var s apiSearch
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Total != 2 {
		t.Errorf("search --json: %v, total %d\n%s", err, s.Total, out)
	}
	if _, _, err := runArchive(t, "search", "--data", data, `"unclosed`); err == nil || !strings.Contains(err.Error(), "never closed: add the closing quote") {
		t.Errorf("malformed query: %v", err)
	}
}

// TestDataFlagBeatsOpenSearchEnv: an explicit --data is the archive, whatever
// ARCHIVE_OPENSEARCH says; --data and --opensearch together are a usage error.
func TestDataFlagBeatsOpenSearchEnv(t *testing.T) {
	data, in := t.TempDir(), filepath.Join(t.TempDir(), "harbor.txt")
	if err := os.WriteFile(in, []byte("Harbor reopens\n\nThe harbor reopened on Monday, the mayor said.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runArchive(t, "ingest", "--data", data, "--quiet", in); err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr)
	}
	// A cluster that cannot be reached: using it would fail at once.
	env := func(k string) string {
		if k == envOpenSearch {
			return "http://127.0.0.1:1"
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"search", "--data", data, "--json", "harbor"}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("search --data with %s set: %v\n%s", envOpenSearch, err, errOut.String())
	}
	if !strings.Contains(out.String(), "Harbor reopens") {
		t.Errorf("search --data answered %q, want the archive's results", out.String())
	}
	out.Reset()
	errOut.Reset()
	err := run(context.Background(), []string{"search", "--data", data, "--opensearch", "http://127.0.0.1:1", "x"}, noEnv, strings.NewReader(""), &out, &errOut)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "give one") {
		t.Errorf("search with both --data and --opensearch: %v, want a usage error saying to give one", err)
	}
}
