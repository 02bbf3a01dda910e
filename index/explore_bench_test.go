package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// benchArticles is the size of the synthetic archive the exploring benchmarks
// search; ARCHIVE_BENCH_ARTICLES changes it.
func benchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("ARCHIVE_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 40000
}

var (
	benchOnce sync.Once
	benchIx   *index.Index
	benchErr  error
)

// syntheticIndex builds, once per run, an archive of generated articles: 30
// outlets, 800 people, ten years of dates (5% undated), bodies of 120 words drawn
// from a skewed 6,000-word vocabulary.
func syntheticIndex(b *testing.B) *index.Index {
	benchOnce.Do(func() {
		// ARCHIVE_BENCH_DIR keeps the archive for the next run (same size only).
		dir := os.Getenv("ARCHIVE_BENCH_DIR")
		if dir == "" {
			if dir, benchErr = os.MkdirTemp("", "archive-bench-"); benchErr != nil {
				return
			}
		}
		ix, err := index.Open(dir, index.Options{})
		if err != nil {
			benchErr = err
			return
		}
		if n, _ := ix.Count(); n > 0 {
			benchIx = ix
			return
		}
		r := rand.New(rand.NewPCG(1, 2))
		word := func() string { return fmt.Sprintf("w%d", int(6000*r.Float64()*r.Float64())) }
		n := benchArticles()
		start := time.Now()
		for done := 0; done < n; {
			batch := make([]corpus.Article, 0, 1000)
			for ; len(batch) < cap(batch) && done < n; done++ {
				words := make([]string, 120)
				for i := range words {
					words[i] = word()
				}
				a := corpus.Article{ID: fmt.Sprintf("s%06d", done), Title: strings.Join(words[:8], " "), Body: strings.Join(words, " "),
					Outlet: fmt.Sprintf("Outlet %02d", int(30*r.Float64()*r.Float64())), Persons: []string{}}
				for range 1 + r.IntN(4) {
					a.Persons = append(a.Persons, fmt.Sprintf("Person%d Name%d", r.IntN(800), r.IntN(50)))
				}
				if r.IntN(20) > 0 {
					a.Published = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(10 * 365 * 24 * time.Hour))))
				}
				batch = append(batch, a)
			}
			if _, err := ix.Put(context.Background(), batch); err != nil {
				benchErr = err
				return
			}
		}
		fmt.Fprintf(os.Stderr, "synthetic archive: %d articles in %s (%s)\n", n, time.Since(start).Round(time.Second), dir)
		benchIx = ix
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIx
}

func benchSearch(b *testing.B, ix *index.Index, q corpus.Query) {
	b.Helper()
	for b.Loop() {
		if _, err := ix.Search(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOutletFacet compares a search without an outlet filter (one search)
// with the same search filtered to an outlet, whose disjunctive outlet facet costs
// a second, hit-less search.
//
//	go test ./index -run '^$' -bench OutletFacet -benchtime 200x
func BenchmarkOutletFacet(b *testing.B) {
	ix := syntheticIndex(b)
	for _, text := range []string{"", "w3 w40"} {
		name := "browse"
		if text != "" {
			name = "text"
		}
		b.Run(name+"/no-outlet", func(b *testing.B) { benchSearch(b, ix, corpus.Query{Text: text}) })
		b.Run(name+"/outlet-disjunctive", func(b *testing.B) {
			benchSearch(b, ix, corpus.Query{Text: text, Outlets: []string{"Outlet 03"}})
		})
		b.Run(name+"/outlet-and-person", func(b *testing.B) {
			benchSearch(b, ix, corpus.Query{Text: text, Outlets: []string{"Outlet 03"}, NotOutlets: []string{"Outlet 00"}, NotPersons: []string{"Person1 Name1"}})
		})
	}
}

// BenchmarkDeepPages compares page 901 (hits 9,001 to 9,010) reached by number
// (From/Size: the engine keeps 9,010 hits in its queue) with the same page reached
// by the previous page's cursor (SearchAfter: it keeps 11), and a page at hit
// 30,000, past the reach of page numbers.
//
//	go test ./index -run '^$' -bench DeepPages -benchtime 100x
func BenchmarkDeepPages(b *testing.B) {
	ix := syntheticIndex(b)
	ctx := context.Background()
	for _, base := range []corpus.Query{{Sort: corpus.SortNewest}, {Text: "w3 w40 w7", Sort: corpus.SortRelevance}} {
		name := string(base.Sort)
		q := base
		q.Page, q.Size = 900, 10
		res, err := ix.Search(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/page-1", func(b *testing.B) { q := base; benchSearch(b, ix, q) })
		b.Run(name+"/page-901-by-number", func(b *testing.B) { q := base; q.Page = 901; benchSearch(b, ix, q) })
		b.Run(name+"/page-901-by-cursor", func(b *testing.B) { q := base; q.Page, q.After = 901, res.Next; benchSearch(b, ix, q) })
		// Walk to hit 30,000 with cursors, when there are that many.
		deep := base
		deep.Size = 100
		for i := 0; i < 300; i++ {
			r, err := ix.Search(ctx, deep)
			if err != nil {
				b.Fatal(err)
			}
			if r.Next == "" {
				deep.After = ""
				break
			}
			deep.After, deep.Page = r.Next, deep.Page+1
		}
		if deep.After != "" {
			b.Run(name+"/hit-30000-by-cursor", func(b *testing.B) { q := base; q.Page, q.After = 3001, deep.After; benchSearch(b, ix, q) })
		}
	}
}

// BenchmarkFacetValues times the person facet search over the whole archive.
//
//	go test ./index -run '^$' -bench FacetValues -benchtime 200x
func BenchmarkFacetValues(b *testing.B) {
	ix := syntheticIndex(b)
	for _, prefix := range []string{"person12", "name4"} {
		b.Run(prefix, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.FacetValues(context.Background(), "person", corpus.Query{}, prefix, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDisjunctiveExtra times the search the disjunctive outlet facet adds to
// a search with an outlet filter: hit-less, over the query without its outlet
// filters, counting the outlet facet alone. FacetValues with no prefix runs
// exactly that search.
//
//	go test ./index -run '^$' -bench DisjunctiveExtra -benchtime 100x
func BenchmarkDisjunctiveExtra(b *testing.B) {
	ix := syntheticIndex(b)
	for _, text := range []string{"", "w3 w40"} {
		b.Run("text="+text, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.FacetValues(context.Background(), "outlet", corpus.Query{Text: text, Outlets: []string{"Outlet 03"}}, "", 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCollector compares Bleve's own collector (engine=bleve: facets and
// date sort from doc values decoded per hit) with the archive's column cache
// (engine=columns) on the same archive, for searches from narrow to nearly
// everything. Run it with -count 6 and compare the engines with
//
//	go test ./index -run '^$' -bench Collector -count 6 | tee /tmp/collector.txt
//	benchstat -col /engine /tmp/collector.txt
func BenchmarkCollector(b *testing.B) {
	ix := syntheticIndex(b)
	ctx := context.Background()
	cases := []struct {
		name string
		q    corpus.Query
	}{
		{"browse-newest", corpus.Query{}},
		{"broad-term", corpus.Query{Text: "w3"}},
		{"two-terms", corpus.Query{Text: "w3 w40"}},
		{"rare-term", corpus.Query{Text: "w2500"}},
		{"person", corpus.Query{}}, // filled in below
		{"outlet-filter", corpus.Query{Text: "w3", Outlets: []string{"Outlet 03"}}},
		{"date-range", corpus.Query{Text: "w3", From: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)}},
		{"date-range-wide", corpus.Query{Text: "w3", From: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"browse-date-range", corpus.Query{From: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"newest", corpus.Query{Text: "w3", Sort: corpus.SortNewest}},
	}
	// The person in most articles: a filter that is selective, but not empty.
	counts, err := ix.PersonCounts()
	if err != nil {
		b.Fatal(err)
	}
	top := ""
	for p, n := range counts {
		if n > counts[top] || (n == counts[top] && p < top) {
			top = p
		}
	}
	cases[4].q.Persons = []string{top}
	for _, c := range cases {
		if res, err := ix.Search(ctx, c.q); err != nil {
			b.Fatal(err)
		} else {
			b.Logf("%s: %d hits", c.name, res.Total)
		}
		for _, engine := range []string{"bleve", "columns"} {
			b.Run("q="+c.name+"/engine="+engine, func(b *testing.B) {
				if engine == "bleve" {
					defer index.StockSearch(ix)()
				}
				benchSearch(b, ix, c.q)
			})
		}
	}
}

// BenchmarkColumnsBuild times the first search after the archive is opened (or
// after a merge made a segment new): it builds the columns of every segment,
// and for browsing their date order and counts too. The warmer does this in the
// background while the archive is being searched.
//
//	go test ./index -run '^$' -bench ColumnsBuild -benchtime 5x
func BenchmarkColumnsBuild(b *testing.B) {
	ix := syntheticIndex(b)
	for _, c := range []struct {
		name string
		q    corpus.Query
	}{{"term", corpus.Query{Text: "w3"}}, {"browse", corpus.Query{}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				index.ResetColumns(ix)
				if _, err := ix.Search(context.Background(), c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
