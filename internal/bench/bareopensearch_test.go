package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/article-archive/archive/internal/ostest"
)

// TestBareOpenSearch loads a tiny corpus into a bare OpenSearch index on a real
// node (OPENSEARCH_URLS, or one started by internal/ostest; skipped where neither
// can be had), checks the hits of the mix's queries, and that the system reports
// every figure. The index is deleted afterwards.
func TestBareOpenSearch(t *testing.T) {
	c := ostest.Start(t, 1)
	ctx := context.Background()
	extracted := filepath.Join(t.TempDir(), "extracted.jsonl")
	f, err := os.Create(extracted)
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	const n = 2500 // more than two _bulk requests
	for i := range n {
		a := extractedArticle{
			ID:        fmt.Sprintf("a%d", i),
			Title:     fmt.Sprintf("Report number %d", i),
			Body:      "Markets moved today.",
			Outlet:    Outlets[i%len(Outlets)],
			Published: time.Date(1995+i%20, time.Month(1+i%12), 1+i%28, 12, 0, 0, 0, time.UTC),
		}
		switch i % 5 {
		case 0:
			a.Body = "Cocoa prices rose as the government said interest rates would stay."
			a.Persons = []string{"James Baker"}
		case 1:
			a.Body = "Gold and silver fell; the bank said shares of the trade deficit were wheat and dollar."
		case 2:
			a.Body = "Gold rose, the bank said."
		}
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	b := &benchRun{env: Program{Stdout: io.Discard, Stderr: io.Discard}, cfg: Config{N: n, Clients: 2, Duration: time.Second, OpenSearchReplicas: -1}}
	index := fmt.Sprintf("bench-test-bare-%d", time.Now().UnixNano())
	o := newBareOpenSearch(c.URLs, index, 2)
	t.Cleanup(func() {
		if err := o.drop(context.Background()); err != nil {
			t.Errorf("drop %s: %v", index, err)
		}
	})
	shape, err := b.openSearchShape(ctx, c.URLs)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.bareOpenSearchSystem(ctx, c.URLs, shape, index, extracted, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Ingest.Articles != n || s.Ingest.PerSecond <= 0 || s.Ingest.DiskBytes <= 0 {
		t.Errorf("ingest = %+v, want %d articles with their rate and disk", s.Ingest, n)
	}
	if s.Search.Requests == 0 || s.Search.Errors > 0 || s.Search.Overall.P50 <= 0 {
		t.Errorf("search = %v (first error %q), want requests without errors", s.Search, s.Search.FirstError)
	}
	want := map[string]uint64{
		"selective term":           n / 5,
		"broad term (~10%)":        n / 5,
		"phrase":                   n / 5,
		"must, must not":           n / 5, // gold without silver
		"person filter":            n / 5,
		"everything, newest first": n,
	}
	for _, k := range s.Search.Kinds {
		if w, ok := want[k.Kind]; ok && k.Hits != w {
			t.Errorf("%s: %d hits, want %d", k.Kind, k.Hits, w)
		}
	}
	// The RSS of the JVMs is counted when the node runs on this machine.
	t.Logf("ingest peak RSS %s, search peak RSS %s: %s", mib(s.Ingest.PeakRSSBytes), mib(s.Search.PeakRSSBytes), s.Search.Note)
}
