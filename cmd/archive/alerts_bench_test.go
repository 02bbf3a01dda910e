package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/opensearch"
	"github.com/article-archive/archive/server"
)

// alertWords are words of the Reuters corpus's news, common and rare, that the
// benchmark's saved searches are made of.
var alertWords = []string{"oil", "gold", "wheat", "cocoa", "coffee", "sugar", "dollar", "yen", "bank", "rates",
	"trade", "deficit", "japan", "opec", "crude", "shares", "profit", "loss", "merger", "acquisition",
	"dividend", "grain", "corn", "soybean", "copper", "tin", "zinc", "silver", "bonds", "treasury",
	"inflation", "gnp", "jobs", "unemployment", "tariff", "strike", "ship", "port", "earnings", "quarter",
	"revenue", "loan", "debt", "brazil", "mexico", "china", "germany", "france", "britain", "canada",
	"rubber", "cotton", "livestock", "gas", "steel", "aluminium", "reserves", "money", "supply", "budget"}

// benchSavedSearches returns n saved searches of several shapes: one word, two
// words, either of two, a phrase, a word with a date range and newest first, a
// word from one outlet, a word without another.
func benchSavedSearches(n int) []corpus.SavedSearch {
	out := make([]corpus.SavedSearch, n)
	w := func(i int) string { return alertWords[i%len(alertWords)] }
	for i := range out {
		a, c := w(i), w(i*7+3)
		var v url.Values
		switch i % 7 {
		case 0:
			v = url.Values{"q": {a}}
		case 1:
			v = url.Values{"q": {a + " " + c}}
		case 2:
			v = url.Values{"q": {a + " OR " + c}}
		case 3:
			v = url.Values{"q": {`"` + a + " " + c + `"`}}
		case 4:
			v = url.Values{"q": {a}, "from": {"1987-03-01"}, "to": {"1987-06"}, "sort": {"newest"}}
		case 5:
			v = url.Values{"q": {a}, "outlet": {"Reuters"}}
		default:
			v = url.Values{"q": {a + " -" + c}}
		}
		out[i] = corpus.SavedSearch{ID: fmt.Sprintf("s%04d", i), Name: fmt.Sprintf("alert %d", i), Query: v.Encode(),
			Created: time.Now().UTC(), FeedToken: fmt.Sprintf("t%d", i)}
	}
	return out
}

// BenchmarkIngestSavedSearches ingests the Reuters corpus through the whole
// pipeline with no saved searches and with 1,000, side by side: each iteration
// runs both, in turns (the order alternates), so that the load of a shared
// machine falls on both alike. Every batch of new articles is checked against
// each saved search (index.Matching on the batch), and the time runs until the
// last batch is checked. It reports both rates and their ratio.
//
//	go test ./cmd/archive -run '^$' -bench IngestSavedSearches -benchtime 3x
func BenchmarkIngestSavedSearches(b *testing.B) {
	needReuters(b)
	compareSavedSearchIngest(b, ingestWithSavedSearches)
}

// compareSavedSearchIngest runs ingest (of the Reuters corpus, with n saved
// searches) with none and with 1,000, in turns, and reports both rates and
// their ratio.
func compareSavedSearchIngest(b *testing.B, ingest func(b *testing.B, n int) (int, time.Duration)) {
	counts := []int{0, 1000}
	articles := make([]int, len(counts))
	elapsed := make([]time.Duration, len(counts))
	turn := 0
	for b.Loop() {
		for k := range counts {
			j := (k + turn) % len(counts)
			n, took := ingest(b, counts[j])
			articles[j] += n
			elapsed[j] += took
		}
		turn++
	}
	rate := func(j int) float64 { return float64(articles[j]) / elapsed[j].Seconds() }
	b.ReportMetric(rate(0), "articles/s-with-0")
	b.ReportMetric(rate(1), "articles/s-with-1000")
	b.ReportMetric(rate(1)/rate(0), "ratio")
}

// checkSomeMatched fails the benchmark unless a quarter of the n saved searches
// of list matched something: else it measures nothing.
func checkSomeMatched(b *testing.B, list []corpus.SavedSearch, n int) {
	matched := 0
	for _, ss := range list {
		if !ss.LastMatch.IsZero() {
			matched++
		}
	}
	if n > 0 && matched < n/4 {
		b.Fatalf("only %d of %d saved searches matched anything: the benchmark checks nothing", matched, n)
	}
}

// ingestWithSavedSearches ingests the Reuters corpus into a new archive holding n
// saved searches, and returns the articles indexed and the time until the last
// batch was checked against the saved searches.
func ingestWithSavedSearches(b *testing.B, n int) (int, time.Duration) {
	dir := b.TempDir()
	data, err := json.Marshal(map[string]any{"searches": benchSavedSearches(n)})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, alerts.FileName), data, 0o600); err != nil {
		b.Fatal(err)
	}
	store, err := alerts.Open(dir, server.ParseSearchQuery)
	if err != nil {
		b.Fatal(err)
	}
	list, err := store.List(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if got := len(list); got != n {
		b.Fatalf("%d saved searches, want %d", got, n)
	}
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	return ingestWatched(b, ix, indexArrivals(ix), store, n)
}

// benchEngine is an engine the benchmarks ingest into and check new articles
// on: either.
type benchEngine interface {
	ingest.Sink
	alerts.Matcher
	alerts.Articles
	Search(ctx context.Context, q corpus.Query) (*corpus.Results, error)
	Flush() error
}

// benchStore is a store of saved searches: either.
type benchStore interface {
	alerts.Searches
	List(ctx context.Context) ([]corpus.SavedSearch, error)
}

// ingestWatched ingests the Reuters corpus into eng, its watcher checking every
// batch against the n saved searches of store, and returns the articles
// indexed and the time until the last batch was checked.
func ingestWatched(b *testing.B, eng benchEngine, arrivals arrivalsHook, store benchStore, n int) (int, time.Duration) {
	ctx := context.Background()
	start := time.Now()
	w := alerts.Start(store, eng, eng, alerts.Options{})
	arrivals(w.Arrived)
	s, err := ingest.Run(ctx, ingest.Options{Sink: eng}, reutersPath)
	if err != nil {
		b.Fatal(err)
	}
	if err := eng.Flush(); err != nil {
		b.Fatal(err)
	}
	arrivals(nil)
	w.Close(ctx) // checks what is still waiting
	took := time.Since(start)
	list, err := store.List(ctx)
	if err != nil {
		b.Fatal(err)
	}
	checkSomeMatched(b, list, n)
	return s.Indexed, took
}

// BenchmarkMatchSavedSearches checks a batch of 1,000 articles of the Reuters
// index against 1,000 saved searches, the work the watcher does for each batch
// that arrives.
//
//	go test ./cmd/archive -run '^$' -bench MatchSavedSearches -benchtime 10x
func BenchmarkMatchSavedSearches(b *testing.B) {
	needReuters(b)
	matchNewest(b, reutersIndex(b))
}

// matchNewest checks the 1,000 articles of eng that arrived last against 1,000
// saved searches, once an iteration.
func matchNewest(b *testing.B, eng benchEngine) {
	ctx := context.Background()
	var ids []string
	q := corpus.Query{Sort: corpus.SortArrived, Size: corpus.MaxPageSize, Page: 1}
	for len(ids) < 1000 {
		res, err := eng.Search(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if res.Next == "" {
			break
		}
		q.After = res.Next
	}
	var queries []corpus.Query
	for _, ss := range benchSavedSearches(1000) {
		q, err := server.ParseSearchQuery(ss.Query)
		if err != nil {
			b.Fatal(err)
		}
		queries = append(queries, q)
	}
	matches := 0
	for b.Loop() {
		err := eng.Matching(ctx, ids, queries, func(_ int, matched []string, err error) {
			if err != nil {
				b.Fatal(err)
			}
			matches += len(matched)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(matches)/float64(b.N), "matches/op")
}

// BenchmarkOpenSearchIngestSavedSearches is BenchmarkIngestSavedSearches on the
// OpenSearch engine (OPENSEARCH_URLS, or a node of its own): the Reuters corpus
// into a new index, with no saved searches and with 1,000 kept in the cluster,
// in turns; every batch the engine stores is matched (opensearch.Engine.Matching:
// _msearch on the batch's IDs) until the last one is checked.
//
//	OPENSEARCH_URLS=http://127.0.0.1:9200 go test ./cmd/archive -run '^$' -bench OpenSearchIngestSavedSearches -benchtime 1x
func BenchmarkOpenSearchIngestSavedSearches(b *testing.B) {
	needReuters(b)
	c := ostest.Start(b, 1)
	compareSavedSearchIngest(b, func(b *testing.B, n int) (int, time.Duration) {
		ctx := context.Background()
		index := ostest.IndexName(b)
		defer dropIndexes(c, index)
		eng, err := opensearch.Open(ctx, opensearch.Config{URLs: c.URLs, Index: index})
		if err != nil {
			b.Fatal(err)
		}
		defer eng.Close()
		docs := eng.SavedSearches()
		for _, ss := range benchSavedSearches(n) {
			doc, err := json.Marshal(ss)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := docs.Create(ctx, ss.ID, doc); err != nil {
				b.Fatal(err)
			}
		}
		return ingestWatched(b, eng, clusterArrivals(eng), alerts.NewSharedStore(docs, server.ParseSearchQuery), n)
	})
}

// BenchmarkOpenSearchMatchSavedSearches is BenchmarkMatchSavedSearches on the
// OpenSearch engine: the Reuters corpus is ingested into a new index once, then
// each iteration checks the 1,000 articles that arrived last against 1,000
// saved searches (opensearch.Engine.Matching).
//
//	OPENSEARCH_URLS=http://127.0.0.1:9200 go test ./cmd/archive -run '^$' -bench OpenSearchMatchSavedSearches -benchtime 5x
func BenchmarkOpenSearchMatchSavedSearches(b *testing.B) {
	needReuters(b)
	c := ostest.Start(b, 1)
	ctx := context.Background()
	index := ostest.IndexName(b)
	defer dropIndexes(c, index)
	eng, err := opensearch.Open(ctx, opensearch.Config{URLs: c.URLs, Index: index})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	if _, err := ingest.Run(ctx, ingest.Options{Sink: eng}, reutersPath); err != nil {
		b.Fatal(err)
	}
	if err := eng.Flush(); err != nil {
		b.Fatal(err)
	}
	matchNewest(b, eng)
}
