package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/extract"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/internal/atomicfile"
	"github.com/article-archive/archive/server"
)

// defaultMaxConns is how many connections a server serves at once unless told.
const defaultMaxConns = 512

// shutdownGrace is how long in-flight requests get to finish on SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second

// serveConfig is what serve was asked to do.
type serveConfig struct {
	dataDir, addr   string
	sample          bool
	token           string
	watch           string
	maxPostBytes    int64
	private         bool
	tlsCert, tlsKey string
	maxConns        int
	exportTimeout   time.Duration
	// verify reads every record against the index after start-up.
	verify bool
}

func (e environment) serve(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("serve", "serve [--data DIR] [--addr HOST:PORT] [--sample] [--token SECRET] [--watch DIR]", &c)
	addr := e.getenv("ARCHIVE_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&addr, "addr", addr, "the address to listen on; port 0 picks a free one (env ARCHIVE_ADDR)")
	sample := fs.Bool("sample", false, "load the built-in sample articles when the archive is empty")
	token := fs.String("token", e.getenv("ARCHIVE_TOKEN"), "turn on the write API (POST /api/v1/articles, /api/v1/backup) for requests with 'Authorization: Bearer TOKEN' (env ARCHIVE_TOKEN)")
	watch := fs.String("watch", "", "ingest new and changed files in this directory as they appear (checked every second)")
	maxPostMiB := fs.Int64("max-post-mib", 64, "reject write requests with larger bodies (413)")
	verify := fs.Bool("verify", true, "after start-up, read every record against the index in the background; lost or unreadable records make the archive degraded (/healthz)")
	var limits index.Limits
	fs.IntVar(&limits.MaxExpansions, "max-expansions", index.DefaultMaxExpansions, "most words of the archive one wildcard, regular expression or fuzzy term may stand for (more is 400 query_too_costly)")
	fs.IntVar(&limits.MaxQueryExpansions, "max-query-expansions", index.DefaultMaxQueryExpansions, "most words they may stand for in one query together")
	fs.IntVar(&limits.CostlySearches, "costly-searches", 0, "searches with wildcards, patterns, fuzzy terms or proximity that run at once; more wait up to 2 s, then get 503 busy (0: one per two processors)")
	private := fs.Bool("private", false, "every read (page, API, export) needs a key of scope read, even before one exists (a read key from archive keys create turns this on by itself)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	tlsKey := fs.String("tls-key", "", "the certificate's private key (PEM)")
	maxConns := fs.Int("max-connections", defaultMaxConns, "most connections served at once; more wait to be accepted")
	exportTimeout := fs.Duration("export-timeout", 30*time.Minute, "longest one export may stream")
	osf := e.addOpenSearchFlags(fs) // opensearch.go
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("serve", rest); err != nil {
		return err
	}
	if *watch != "" {
		if info, err := os.Stat(*watch); err != nil || !info.IsDir() {
			return fmt.Errorf("%w: --watch %s is not a directory", errUsage, *watch)
		}
	}
	log := logger(e.stderr, c.verbose)
	if (*tlsCert == "") != (*tlsKey == "") {
		return fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
	}
	cfg := serveConfig{dataDir: c.data, addr: addr, sample: *sample, token: *token, watch: *watch, maxPostBytes: *maxPostMiB << 20,
		private: *private, tlsCert: *tlsCert, tlsKey: *tlsKey, maxConns: *maxConns, exportTimeout: *exportTimeout, verify: *verify}
	if osf.on() {
		osf.maxExpansions = limits.MaxExpansions
		return e.serveOpenSearch(ctx, osf, cfg, log)
	}

	return withIndexLimits(c.data, log, limits, func(ix *index.Index) error {
		return e.serveIndex(ctx, ix, cfg, log)
	})
}

// The server tells a damaged archive from a sound one through the index's Health.
var _ server.HealthReporter = (*index.Index)(nil)

// The person pages and people edits are the index's.
var _ server.People = (*index.Index)(nil)

// serveIndex serves ix until ctx ends, then shuts down gracefully: requests in
// flight (writes too) and the watcher finish before the index is closed.
func (e environment) serveIndex(ctx context.Context, ix *index.Index, cfg serveConfig, log *slog.Logger) error {
	ix.WarmUp()
	if cfg.verify {
		ix.VerifyInBackground()
	}
	names, err := archiveNames(ix)
	if err != nil {
		return err
	}
	if cfg.sample {
		if err := loadSample(ctx, ix, names, log); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server using it? pick another with --addr)", cfg.addr, err)
	}
	ln = newLimitListener(ln, cmp.Or(cfg.maxConns, defaultMaxConns))
	w := &archiveWriter{ix: ix, dataDir: cfg.dataDir, log: log, maxFileBytes: cfg.maxPostBytes, names: names}
	acc, err := openAccess(cfg.dataDir, log)
	if err != nil {
		return err
	}
	defer acc.close()
	var auditor server.Auditor
	if acc.audit != nil {
		auditor = acc.audit
	}
	saved, err := alerts.Open(cfg.dataDir, server.ParseSearchQuery)
	if err != nil {
		return err
	}
	// inFlight counts the handlers running, so that the index is closed only after
	// the last one returns, even when shutdown has to cut requests off.
	var inFlight sync.WaitGroup
	srv := &http.Server{
		Handler: countRequests(&inFlight, server.New(server.Config{
			Searcher: ix, Logger: log,
			Writer: w, Token: cfg.token, MaxWriteBytes: cfg.maxPostBytes,
			Keys: acc.keys, Private: cfg.private, SessionSecret: acc.sessionSecret, Audit: auditor,
			TLS: cfg.tlsCert != "", ExportTimeout: cfg.exportTimeout,
			Saved: saved,
		})),
		ReadHeaderTimeout: 10 * time.Second,
		// A write may send 64 MiB over a slow link; a client that sends nothing
		// for this long is cut off. Exports and backups move their own deadline.
		ReadTimeout:  5 * time.Minute,
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
	}
	scheme := "http"
	if cfg.tlsCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	if err := writeServerFile(cfg.dataDir, url); err != nil {
		log.Warn("cannot note the server's address in the data directory", "err", err)
	}
	defer removeServerFile(cfg.dataDir, url)
	stopAlerts := watchSavedSearches(ix, ix, indexArrivals(ix), saved, url, log)
	defer stopAlerts()
	n, _ := ix.Count()
	fmt.Fprintf(e.stderr, "Article Archive: %d articles in %s, serving %s/\n", n, cfg.dataDir, url)
	if h := ix.Health(); h.Degraded() {
		fmt.Fprintf(e.stderr, "THE ARCHIVE IS DAMAGED: searches are answered read-only, writes refused (details at %s/healthz):\n", url)
		for _, p := range h.Problems {
			fmt.Fprintf(e.stderr, "  - %s\n", p)
		}
	}
	if acc.keys.HasReadKeys() || cfg.private {
		fmt.Fprintf(e.stderr, "The archive is private: every read needs a read key (Authorization: Bearer KEY, or sign in at %s/signin).\n", url)
	}
	if cfg.token == "" {
		fmt.Fprintf(e.stderr, "The write API is off unless a write key exists; start with --token SECRET (or ARCHIVE_TOKEN) to send articles with 'archive ingest --server %s'.\n", url)
	}

	if cfg.watch != "" {
		defer startWatching(ctx, cfg.watch, filepath.Join(cfg.dataDir, watchedFile), ix, fixedNames(names), log)()
	}

	return serveUntilDone(ctx, srv, ln, cfg, &inFlight, log)
}

// serveUntilDone serves on ln (over TLS with cfg's certificate) until the server
// fails or ctx ends, then shuts down gracefully: requests in flight have
// shutdownGrace to finish and are cut off after it.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, cfg serveConfig, inFlight *sync.WaitGroup, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() {
		if cfg.tlsCert != "" {
			served <- srv.ServeTLS(ln, cfg.tlsCert, cfg.tlsKey)
			return
		}
		served <- srv.Serve(ln)
	}()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests still running are cut off; a write among them stops after the
		// batch it is storing, which Close waits for.
		srv.Close()
		waitAtMost(inFlight, shutdownGrace) // cut off, they end at their next read or write
		return fmt.Errorf("shutdown: requests still running after %s were cut off: %w", shutdownGrace, err)
	}
	return nil
}

// serverFile is the file in the data directory naming the server that holds it, so
// that other commands can send to it instead of failing on the lock.
const serverFile = "server.json"

type serverNote struct {
	URL string `json:"url"`
	PID int    `json:"pid"`
}

func writeServerFile(dataDir, url string) error {
	data, err := json.Marshal(serverNote{URL: url, PID: os.Getpid()})
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dataDir, serverFile), data, 0o600)
}

func removeServerFile(dataDir, url string) {
	if running := readServerFile(dataDir); running == url {
		os.Remove(filepath.Join(dataDir, serverFile))
	}
}

// readServerFile returns the URL of the server noted in dataDir, or "".
func readServerFile(dataDir string) string {
	data, err := os.ReadFile(filepath.Join(dataDir, serverFile))
	if err != nil {
		return ""
	}
	var n serverNote
	if json.Unmarshal(data, &n) != nil {
		return ""
	}
	return n.URL
}

// runningServer returns the URL of the server that holds dataDir when it answers,
// or "".
func runningServer(dataDir string) string {
	url := readServerFile(dataDir)
	if url == "" {
		return ""
	}
	client := http.Client{Timeout: 2 * time.Second}
	res, err := client.Get(url + "/healthz")
	if err != nil {
		return ""
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return ""
	}
	return url
}

// withIndex opens the archive's index, runs f with it and closes it, explaining
// the one failure users meet: another process holding the index.
func withIndex(dataDir string, log *slog.Logger, f func(*index.Index) error) (err error) {
	return withIndexLimits(dataDir, log, index.Limits{}, f)
}

// withIndexLimits is withIndex with limits on what one search may cost.
func withIndexLimits(dataDir string, log *slog.Logger, limits index.Limits, f func(*index.Index) error) (err error) {
	ix, err := index.Open(dataDir, index.Options{Logger: log, ExtractorVersion: ingest.ExtractorVersion, Limits: limits})
	if errors.Is(err, index.ErrLocked) {
		return lockedError(dataDir)
	}
	if err != nil {
		return err
	}
	defer func() {
		if cerr := ix.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	return f(ix)
}

// lockedError explains that another process holds the archive, naming the server
// when it is one, and how to reach it instead.
func lockedError(dataDir string) error {
	if url := runningServer(dataDir); url != "" {
		return fmt.Errorf("the archive in %s is in use by another process: 'archive serve' at %s holds it. "+
			"Send articles to it with 'archive ingest --server %s PATH...' (the token from --token or ARCHIVE_TOKEN), "+
			"back it up with 'archive backup --server %s DEST', search it at %s/, or stop it first", dataDir, url, url, url, url)
	}
	return fmt.Errorf("the archive in %s is in use by another process (an 'archive serve', 'archive ingest', 'archive reindex' or 'archive backup'): stop it first, or pick another directory with --data", dataDir)
}

// loadSample ingests the built-in sample articles into an empty archive.
func loadSample(ctx context.Context, ix *index.Index, names *extract.NameBook, log *slog.Logger) error {
	n, err := ix.Count()
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("the archive is not empty; the sample is loaded only into an empty one", "articles", n)
		return nil
	}
	s, err := ingest.RunFS(ctx, ingest.Options{Sink: ix, Names: names}, corpus.Sample())
	if err != nil {
		return fmt.Errorf("load the sample: %w", err)
	}
	if len(s.Rejected) > 0 {
		return fmt.Errorf("load the sample: %d articles rejected, first: %s", len(s.Rejected), s.Rejected[0])
	}
	if err := followNames(ctx, ix, names, log); err != nil {
		return err
	}
	log.Info("loaded the sample articles", "indexed", s.Indexed)
	return nil
}

// countRequests tracks the handlers running in wg.
func countRequests(wg *sync.WaitGroup, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		h.ServeHTTP(w, r)
	})
}

// waitAtMost waits for wg, or for d.
func waitAtMost(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}
