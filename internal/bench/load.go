package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/internal/progress"
)

// Query is one query of the mix, as each system is asked it: the archive's
// HTTP API parameters, the corpus.Query bare Bleve runs, and the FTS5 MATCH
// expression with the same filters for SQLite.
type Query struct {
	Kind   string
	Params url.Values
	Query  corpus.Query
	// FTS is the MATCH expression; "" matches every article.
	FTS string
}

// Mix is the fixed mix: selective and broad terms (government is in
// about 10% of Reuters articles, the empty query in all), a phrase, any-of terms,
// must/must-not, filters by person, outlet and date, date sorts and a deep page.
// Every system computes the person, outlet and date facets for each. The deep
// page is page 100 from 100,000 articles on, shallower below so that it exists.
func Mix(articles int) []Query {
	deep := min(100, max(2, articles/1000))
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(kind, fts string, q corpus.Query, extra ...string) Query {
		v := url.Values{}
		if q.Text != "" {
			v.Set("q", q.Text)
		}
		for _, p := range q.Persons {
			v.Add("person", p)
		}
		for _, o := range q.Outlets {
			v.Add("outlet", o)
		}
		if q.Sort != "" {
			v.Set("sort", string(q.Sort))
		}
		if q.Op != "" {
			v.Set("op", string(q.Op))
		}
		if q.Page > 1 {
			v.Set("page", fmt.Sprint(q.Page))
		}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return Query{Kind: kind, Params: v, Query: q, FTS: fts}
	}
	return []Query{
		mk("selective term", "cocoa", corpus.Query{Text: "cocoa"}),
		mk("broad term (~10%)", "government", corpus.Query{Text: "government"}),
		mk("phrase", `"interest rates"`, corpus.Query{Text: `"interest rates"`}),
		mk("any of three terms", "trade OR deficit OR japan", corpus.Query{Text: "trade deficit japan", Op: corpus.OpOr}),
		mk("must, must not", "gold NOT silver", corpus.Query{Text: "+gold -silver"}),
		mk("person filter", "", corpus.Query{Persons: []string{"James Baker"}}),
		mk("term + outlet filter", "wheat", corpus.Query{Text: "wheat", Outlets: []string{"Reuters"}}),
		mk("term + date range", "dollar", corpus.Query{Text: "dollar", From: from, To: to}, "from", "2000", "to", "2004"),
		mk("term, newest first", "bank", corpus.Query{Text: "bank", Sort: corpus.SortNewest}),
		mk("everything, newest first", "", corpus.Query{Sort: corpus.SortNewest}),
		mk(fmt.Sprintf("deep page (%d)", deep), "shares", corpus.Query{Text: "shares", Page: deep}),
	}
}

// SearchFigures are the search figures of one system.
type SearchFigures struct {
	Clients      int           `json:"clients"`
	Seconds      float64       `json:"seconds"`
	Requests     int           `json:"requests"`
	Errors       int           `json:"errors"`
	FirstError   string        `json:"first_error,omitempty"`
	PerSecond    float64       `json:"per_second"`
	Overall      Latencies     `json:"overall"`
	Kinds        []KindFigures `json:"kinds"`
	PeakRSSBytes int64         `json:"peak_rss_bytes"`
	// StartupSeconds is from starting the server to its first answer, and
	// FirstSearchMs the first search it answers (the broad term); the archive's
	// server only.
	StartupSeconds float64 `json:"startup_seconds,omitempty"`
	FirstSearchMs  float64 `json:"first_search_ms,omitempty"`
	Note           string  `json:"note,omitempty"`
}

func (f SearchFigures) String() string {
	return fmt.Sprintf("%d requests in %.1fs (%.1f/s, %d errors), p50 %.1f ms, p95 %.1f ms, p99 %.1f ms",
		f.Requests, f.Seconds, f.PerSecond, f.Errors, f.Overall.P50, f.Overall.P95, f.Overall.P99)
}

// KindFigures are the latencies of one kind of query, with how many articles it
// matched.
type KindFigures struct {
	Kind      string    `json:"kind"`
	Hits      uint64    `json:"hits"`
	Latencies Latencies `json:"latency"`
}

// Latencies are percentiles in milliseconds.
type Latencies struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func percentiles(d []time.Duration) Latencies {
	if len(d) == 0 {
		return Latencies{}
	}
	slices.Sort(d)
	at := func(p float64) float64 {
		i := min(len(d)-1, int(p*float64(len(d))))
		return float64(d[i].Microseconds()) / 1000
	}
	return Latencies{Count: len(d), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: float64(d[len(d)-1].Microseconds()) / 1000}
}

// searchFunc runs one query for one client and returns how many articles matched.
type searchFunc func(ctx context.Context, client int, q Query) (uint64, error)

// runLoad asks every query once to warm up (not counted), then has clients ask
// the mix in turn, each starting at another place in it, for d.
func runLoad(ctx context.Context, queries []Query, clients int, d time.Duration, search searchFunc, progress func(int64, bool)) (SearchFigures, error) {
	fig := SearchFigures{Clients: clients}
	hits := make([]uint64, len(queries))
	for i, q := range queries {
		n, err := search(ctx, 0, q)
		if err != nil {
			return fig, fmt.Errorf("bench: warm-up query %q: %w", q.Kind, err)
		}
		hits[i] = n
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	byKind := make([][]time.Duration, len(queries))
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			mine := make([][]time.Duration, len(queries))
			for i := c * len(queries) / clients; ctx.Err() == nil; i++ {
				k := i % len(queries)
				t := time.Now()
				_, err := search(ctx, c, queries[k])
				took := time.Since(t)
				if ctx.Err() != nil {
					break // cut off at the end: not a whole request
				}
				if err != nil {
					mu.Lock()
					if fig.FirstError == "" {
						fig.FirstError = fmt.Sprintf("%s: %v", queries[k].Kind, err)
					}
					mu.Unlock()
					failed.Add(1)
					continue
				}
				mine[k] = append(mine[k], took)
				progress(done.Add(1), false)
			}
			mu.Lock()
			for k := range mine {
				byKind[k] = append(byKind[k], mine[k]...)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	progress(done.Load(), true)
	var all []time.Duration
	for k, q := range queries {
		all = append(all, byKind[k]...)
		fig.Kinds = append(fig.Kinds, KindFigures{Kind: q.Kind, Hits: hits[k], Latencies: percentiles(byKind[k])})
	}
	fig.Seconds = elapsed.Seconds()
	fig.Requests = len(all)
	fig.Errors = int(failed.Load())
	fig.PerSecond = float64(len(all)) / elapsed.Seconds()
	fig.Overall = percentiles(all)
	return fig, nil
}

// httpSearcher asks the archive's JSON API.
type httpSearcher struct {
	base   string
	client *http.Client
}

func newHTTPSearcher(base string, clients int) *httpSearcher {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = clients
	return &httpSearcher{base: base, client: &http.Client{Transport: tr, Timeout: time.Minute}}
}

func (h *httpSearcher) search(ctx context.Context, _ int, q Query) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.base+"/api/v1/search?"+q.Params.Encode(), nil)
	if err != nil {
		return 0, err
	}
	res, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d: %.200s", res.StatusCode, body)
	}
	var r struct {
		Total  uint64 `json:"total"`
		Facets struct {
			Person, Outlet, Published []json.RawMessage
		} `json:"facets"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	return r.Total, nil
}

// waitForServer polls the data directory for the server's address until it
// answers /healthz.
func waitForServer(ctx context.Context, runningServer func(string) string, dataDir string, exited <-chan error) (string, error) {
	deadline := time.Now().Add(10 * time.Minute) // opening a big index may take a while
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return "", fmt.Errorf("bench: the server exited before answering: %v", err)
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if url := runningServer(dataDir); url != "" {
			return url, nil
		}
	}
	return "", errors.New("bench: the server did not answer within 10 minutes")
}

// counter reports progress on stderr (package progress).
func (e Program) counter(what string, total int64) func(n int64, done bool) {
	return progress.Counter(e.Stderr, "bench", what, total)
}

// ingestCounter is counter for an ingest run.
func (e Program) ingestCounter() func(ingest.Progress) {
	if e.IngestProgress != nil {
		return e.IngestProgress
	}
	c := e.counter("ingested articles", 0)
	return func(p ingest.Progress) { c(int64(p.Summary.Read), p.Done) }
}
