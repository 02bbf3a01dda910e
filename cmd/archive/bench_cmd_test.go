package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/article-archive/archive/internal/bench"
	"github.com/article-archive/archive/internal/ostest"
)

// TestBenchReportsEveryFigure runs "archive bench" on 2,000 Reuters articles for
// a moment per system and checks that the report holds every figure for every
// system. It asserts no speed: the figures are for people to read.
func TestBenchReportsEveryFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("the bench builds three indexes and searches each for 2s")
	}
	if _, err := os.Stat(reutersPath); err != nil {
		t.Skipf("the Reuters-21578 corpus is not at %s (../shared beside the checkout): %v", reutersPath, err)
	}
	out := t.TempDir()
	args := []string{"bench", "--n", "2000", "--source", reutersPath, "--out", out, "--duration", "2s", "--clients", "2"}
	wantSystems := 3
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Logf("no sqlite3 on PATH: %v", err)
		args = append(args, "--skip-sqlite")
		wantSystems--
	}
	r, stdout := runBench(t, args)
	var stderr bytes.Buffer
	if r.Corpus.Articles != 2000 || r.Corpus.RawTextBytes == 0 {
		t.Errorf("corpus = %+v, want 2000 articles with their text counted", r.Corpus)
	}
	if len(r.Systems) != wantSystems {
		t.Fatalf("%d systems in the report, want %d", len(r.Systems), wantSystems)
	}
	if len(r.Ratios) != wantSystems-1 {
		t.Errorf("%d ratios, want %d", len(r.Ratios), wantSystems-1)
	}
	mix := bench.Mix(2000)
	for _, s := range r.Systems {
		in, se := s.Ingest, s.Search
		for name, v := range map[string]float64{
			"articles": float64(in.Articles), "articles/s": in.PerSecond, "disk bytes": float64(in.DiskBytes),
			"bytes per article": in.BytesPerArticle, "disk / raw": in.DiskToRaw, "ingest peak RSS": float64(in.PeakRSSBytes),
			"searches/s": se.PerSecond, "p50": se.Overall.P50, "p95": se.Overall.P95, "p99": se.Overall.P99,
			"search peak RSS": float64(se.PeakRSSBytes),
		} {
			if v <= 0 {
				t.Errorf("%s: %s = %v, want a figure", s.Name, name, v)
			}
		}
		if se.Errors > 0 {
			t.Errorf("%s: %d search errors, first: %s", s.Name, se.Errors, se.FirstError)
		}
		if len(se.Kinds) != len(mix) {
			t.Fatalf("%s: %d kinds of query, want %d", s.Name, len(se.Kinds), len(mix))
		}
		for i, k := range se.Kinds {
			if k.Kind != mix[i].Kind || k.Latencies.Count == 0 || k.Latencies.P50 <= 0 {
				t.Errorf("%s: kind %d = %+v, want %q measured", s.Name, i, k, mix[i].Kind)
			}
		}
	}
	if a := r.Systems[0].Search; a.StartupSeconds <= 0 || a.FirstSearchMs <= 0 {
		t.Errorf("the archive's startup %v s and first search %v ms, want both measured", a.StartupSeconds, a.FirstSearchMs)
	}
	for _, x := range r.Ratios {
		if x.IngestPerSecond <= 0 || x.P50 <= 0 || x.P99 <= 0 || x.DiskBytes <= 0 || x.SearchPeakRSS <= 0 {
			t.Errorf("ratios versus %s = %+v, want every one", x.Versus, x)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ours / ", "search p99", "on disk / raw text", "Targets of issue 7", "server start to first answer"} {
		if !strings.Contains(string(md), want) || !strings.Contains(stdout.String(), want) {
			t.Errorf("the Markdown report (and stdout) lack %q", want)
		}
	}

	// --search-only searches the same archive again and rewrites the report with
	// the new search figures, keeping the others.
	stdout.Reset()
	again := []string{"bench", "--out", out, "--search-only", "--duration", "1s"}
	if err := run(context.Background(), again, func(string) string { return "" }, nil, stdout, &stderr); err != nil {
		t.Fatalf("bench --search-only: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r2 bench.Report
	if err := json.Unmarshal(data, &r2); err != nil {
		t.Fatal(err)
	}
	if len(r2.Systems) != len(r.Systems) || r2.Systems[0].Ingest != r.Systems[0].Ingest || len(r2.Notes) != 1 {
		t.Errorf("after --search-only: %d systems, ingest %+v, notes %q; want the %d systems, ingest %+v and one note",
			len(r2.Systems), r2.Systems[0].Ingest, r2.Notes, len(r.Systems), r.Systems[0].Ingest)
	}
	if s := r2.Systems[0].Search; s.Requests == 0 || s.Requests == r.Systems[0].Search.Requests && s.Overall == r.Systems[0].Search.Overall {
		t.Errorf("after --search-only the archive's search figures are %+v: not measured again", s.Overall)
	}
}

// TestBenchOpenSearch runs "archive bench --backend opensearch" on 1,000 Reuters
// articles against a real node: the archive on both engines and bare OpenSearch
// find the same hits for every query of the mix, every figure is there, and the
// bench's indexes are gone from the cluster afterwards.
func TestBenchOpenSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("the bench ingests into two engines and searches each")
	}
	if _, err := os.Stat(reutersPath); err != nil {
		t.Skipf("the Reuters-21578 corpus is not at %s (../shared beside the checkout): %v", reutersPath, err)
	}
	c := ostest.Start(t, 1)
	out := t.TempDir()
	args := []string{"bench", "--n", "1000", "--source", reutersPath, "--out", out, "--duration", "1s",
		"--skip-sqlite", "--skip-bleve", "--backend", "opensearch", "--opensearch", strings.Join(c.URLs, ",")}
	r, stdout := runBench(t, args)
	var names []string
	for _, s := range r.Systems {
		names = append(names, s.Name)
		if s.Ingest.Articles == 0 || s.Ingest.PerSecond <= 0 || s.Ingest.DiskBytes <= 0 || s.Search.Requests == 0 || s.Search.Errors > 0 {
			t.Errorf("%s: ingest %+v, search %v (first error %q): want every figure, no errors", s.Name, s.Ingest, s.Search, s.Search.FirstError)
		}
	}
	if want := []string{"Article Archive", "Article Archive on OpenSearch", "bare OpenSearch"}; !slices.Equal(names, want) {
		t.Fatalf("systems %q, want %q", names, want)
	}
	// Bare OpenSearch loads what the Bleve engine extracted; the OpenSearch engine
	// extracts the corpus again, and which name a person gets may follow the order
	// of the parallel extraction (the name book learns as it goes): the person
	// filter may differ a little, every other query must agree.
	for i, k := range r.Systems[1].Search.Kinds {
		bare := r.Systems[2].Search.Kinds[i]
		diff := max(k.Hits, bare.Hits) - min(k.Hits, bare.Hits)
		if k.Kind == "person filter" && k.Hits > 0 && bare.Hits > 0 && diff <= max(2, max(k.Hits, bare.Hits)/10) {
			continue
		}
		if diff != 0 {
			t.Errorf("%s: the archive on OpenSearch found %d, bare OpenSearch %d", k.Kind, k.Hits, bare.Hits)
		}
	}
	if !strings.Contains(stdout.String(), "Article Archive on OpenSearch / bare OpenSearch:") {
		t.Errorf("the report compares no archive with its bare engine:\n%s", stdout.String())
	}
	res, err := http.Get(c.URLs[0] + "/_cat/indices/bench-*?h=index")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	left, _ := io.ReadAll(res.Body)
	for _, name := range strings.Fields(string(left)) {
		if strings.HasPrefix(name, "bench-1000-") || strings.HasPrefix(name, "bench-bare-1000-") {
			t.Errorf("index %s is left on the cluster", name)
		}
	}
}

// runBench runs "archive bench" with args (which name --out) and returns its
// report.json and what it printed.
func runBench(t *testing.T, args []string) (bench.Report, *bytes.Buffer) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), args, func(string) string { return "" }, nil, &stdout, &stderr); err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	out := args[slices.Index(args, "--out")+1]
	data, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r bench.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r, &stdout
}
