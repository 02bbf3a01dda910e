package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/internal/bench"
)

// reutersPath is the development corpus, read from ../shared beside the checkout.
var reutersPath = filepath.Join("..", "..", "..", "shared", "data", "reuters21578", "articles.jsonl")

func needReuters(b *testing.B) {
	b.Helper()
	if _, err := os.Stat(reutersPath); err != nil {
		b.Skipf("the Reuters-21578 corpus is not at %s (../shared beside the checkout): %v", reutersPath, err)
	}
}

// BenchmarkIngestReuters ingests all 21,578 Reuters articles through the real
// pipeline (reading, extraction, batched Bleve writes) into a new on-disk index,
// and reports articles per second.
//
//	go test ./cmd/archive -run '^$' -bench IngestReuters -benchtime 1x
func BenchmarkIngestReuters(b *testing.B) {
	needReuters(b)
	var articles int
	var elapsed time.Duration
	for b.Loop() {
		ix, err := index.Open(b.TempDir(), index.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		s, err := ingest.Run(context.Background(), ingest.Options{Sink: ix}, reutersPath)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		articles += s.Indexed
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(articles)/elapsed.Seconds(), "articles/s")
}

// benchQueries is a mix of what users ask: selective and broad terms, a phrase,
// filters by person, outlet and date, date sorts and a deep page. Every search
// computes the three facets.
var benchQueries = []corpus.Query{
	{Text: "cocoa"},
	{Text: "oil prices"},
	{Text: `"interest rates"`},
	{Text: "bank", Sort: corpus.SortNewest},
	{Text: "trade deficit japan"},
	{Text: "said"}, // in most articles
	{Persons: []string{"James Baker"}},
	{Text: "dollar", From: time.Date(1987, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(1987, 4, 1, 0, 0, 0, 0, time.UTC)},
	{Text: "wheat", Outlets: []string{"Reuters"}, Sort: corpus.SortOldest},
	{},
	{Text: "shares", Page: 20},
	{Text: "+gold -silver"},
}

// BenchmarkSearchReuters searches an index of the Reuters corpus with the mix
// above from two concurrent clients and reports the p50 and p99 latency.
//
//	go test ./cmd/archive -run '^$' -bench SearchReuters -benchtime 2000x
func BenchmarkSearchReuters(b *testing.B) {
	needReuters(b)
	ix := reutersIndex(b)
	ctx := context.Background()
	var mu sync.Mutex
	var latencies []time.Duration
	next := 0
	b.SetParallelism(1) // GOMAXPROCS clients: two on this machine
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			mu.Lock()
			q := benchQueries[next%len(benchQueries)]
			next++
			mu.Unlock()
			start := time.Now()
			if _, err := ix.Search(ctx, q); err != nil {
				b.Errorf("%v: %v", q, err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		b.ReportMetric(float64(latencies[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[n*99/100].Microseconds())/1000, "p99-ms")
	}
}

var (
	reutersOnce sync.Once
	reutersDir  string
	reutersIx   *index.Index
	reutersErr  error
)

// TestMain removes the Reuters index a benchmark built.
// A child phase of "archive bench" runs this test binary as the program.
func TestMain(m *testing.M) {
	if os.Getenv(bench.ChildEnv) != "" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if reutersIx != nil {
		reutersIx.Close()
		os.RemoveAll(reutersDir)
	}
	os.Exit(code)
}

// reutersIndex builds the Reuters index once per test binary run.
func reutersIndex(b *testing.B) *index.Index {
	reutersOnce.Do(func() {
		reutersDir, reutersErr = os.MkdirTemp("", "archive-bench-")
		if reutersErr != nil {
			return
		}
		reutersIx, reutersErr = index.Open(reutersDir, index.Options{})
		if reutersErr == nil {
			_, reutersErr = ingest.Run(context.Background(), ingest.Options{Sink: reutersIx}, reutersPath)
		}
	})
	if reutersErr != nil {
		b.Fatal(reutersErr)
	}
	return reutersIx
}
