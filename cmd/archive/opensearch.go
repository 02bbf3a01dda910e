package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/opensearch"
	"github.com/article-archive/archive/server"
)

// The OpenSearch engine: `--opensearch URL[,URL…]` (env ARCHIVE_OPENSEARCH) keeps
// the archive in a cluster instead of the data directory. Credentials come from
// the environment only, so that they never show in a process list.
const (
	envOpenSearch         = "ARCHIVE_OPENSEARCH"
	envOpenSearchIndex    = "ARCHIVE_OPENSEARCH_INDEX"
	envOpenSearchCA       = "ARCHIVE_OPENSEARCH_CA"
	envOpenSearchUser     = "ARCHIVE_OPENSEARCH_USER"
	envOpenSearchPassword = "ARCHIVE_OPENSEARCH_PASSWORD"
	envOpenSearchAPIKey   = "ARCHIVE_OPENSEARCH_API_KEY"
)

// The OpenSearch engine answers what the server and ingest ask of an archive.
var (
	_ server.Searcher    = (*opensearch.Engine)(nil)
	_ server.Explorer    = (*opensearch.Engine)(nil)
	_ server.StoryTeller = (*opensearch.Engine)(nil)
	_ articleDeleter     = (*opensearch.Engine)(nil)
	_ restorer           = (*opensearch.Engine)(nil)
	_ ingest.Sink        = (*opensearch.Engine)(nil)
	_ personCounter      = (*opensearch.Engine)(nil)
	_ personRenamer      = (*opensearch.Engine)(nil)
)

// errNoBackup answers a backup of an archive kept in OpenSearch.
var errNoBackup = corpus.Errorf(corpus.EInvalidRequest,
	"backups of an archive kept in OpenSearch are not supported yet: use the cluster's snapshots (_snapshot), or export the articles (/api/v1/export)")

// errNoDelete answers a deletion from an engine that cannot delete.
var errNoDelete = corpus.Errorf(corpus.EInvalidRequest,
	"deleting articles is not supported on this engine")

// articleDeleter is an engine that deletes articles, keeping tombstones
// (opensearch.Engine.DeleteArticle).
type articleDeleter interface {
	DeleteArticle(ctx context.Context, id, by string) (corpus.Article, error)
}

// personCounter is what the name book is made from: either engine.
type personCounter interface {
	PersonCounts() (map[string]int, error)
}

// personRenamer gives earlier articles the names the book learned since: either engine.
type personRenamer interface {
	RenamePersons(ctx context.Context, renames map[string]string) (int, error)
}

// emptyArchive counts nobody.
type emptyArchive struct{}

func (emptyArchive) PersonCounts() (map[string]int, error) { return nil, nil }

// openSearchFlags are the flags that choose the OpenSearch engine.
type openSearchFlags struct {
	urls, index, ca  string
	shards, replicas int
	// maxExpansions bounds the words one fuzzy term stands for (serve's --max-expansions).
	maxExpansions int
}

func (e environment) addOpenSearchFlags(fs *flag.FlagSet) *openSearchFlags {
	f := &openSearchFlags{}
	fs.StringVar(&f.urls, "opensearch", e.getenv(envOpenSearch), "keep the archive in this OpenSearch cluster instead of --data: its nodes' URLs, comma-separated (env "+envOpenSearch+"; credentials from "+envOpenSearchUser+" and "+envOpenSearchPassword+", or "+envOpenSearchAPIKey+")")
	fs.StringVar(&f.index, "opensearch-index", cmp.Or(e.getenv(envOpenSearchIndex), opensearch.DefaultIndex), "the OpenSearch index of the archive (env "+envOpenSearchIndex+")")
	fs.IntVar(&f.shards, "opensearch-shards", 1, "primary shards of a new OpenSearch index (more spread one index over more nodes)")
	fs.IntVar(&f.replicas, "opensearch-replicas", 0, "replicas of each shard of a new OpenSearch index (0: none on one node, else 1)")
	fs.StringVar(&f.ca, "opensearch-ca", e.getenv(envOpenSearchCA), "PEM file of the authorities that sign the cluster's certificates (env "+envOpenSearchCA+")")
	return f
}

// shown is the cluster's addresses as messages show them: without credentials a
// URL may carry (user:password@).
func (f *openSearchFlags) shown() string {
	var out []string
	for _, raw := range strings.Split(f.urls, ",") {
		if u, err := url.Parse(strings.TrimSpace(raw)); err == nil && u.User != nil {
			u.User = nil
			raw = u.String()
		}
		out = append(out, strings.TrimSpace(raw))
	}
	return strings.Join(out, ",")
}

// on tells whether the OpenSearch engine was chosen.
func (f *openSearchFlags) on() bool { return f != nil && strings.TrimSpace(f.urls) != "" }

// openEngine connects to the cluster named by f. A server (serving) starts also
// while the cluster cannot be reached, answering 503 until it can; a command
// fails at once.
func (e environment) openEngine(ctx context.Context, f *openSearchFlags, log *slog.Logger, serving bool) (*opensearch.Engine, error) {
	cfg := opensearch.Config{
		Index:  f.index,
		Shards: f.shards, Replicas: f.replicas,
		Username: e.getenv(envOpenSearchUser), Password: e.getenv(envOpenSearchPassword),
		APIKey: e.getenv(envOpenSearchAPIKey),
		Logger: log,
	}
	for _, u := range strings.Split(f.urls, ",") {
		if u = strings.TrimSpace(u); u != "" {
			cfg.URLs = append(cfg.URLs, strings.TrimSuffix(u, "/"))
		}
	}
	if f.ca != "" {
		pem, err := os.ReadFile(f.ca)
		if err != nil {
			return nil, fmt.Errorf("%w: --opensearch-ca: %v", errUsage, err)
		}
		cfg.CACert = pem
	}
	open := opensearch.Open
	if serving {
		open = opensearch.Connect
	}
	eng, err := open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("OpenSearch at %s, index %s: %w", f.shown(), cfg.Index, err)
	}
	return eng, nil
}

// serveOpenSearch serves an archive kept in OpenSearch until ctx ends. The server
// holds no lock and no state of its own: several may share one cluster. While
// the cluster cannot answer, requests are answered 503 with Retry-After; the
// server recovers by itself when it is back.
func (e environment) serveOpenSearch(ctx context.Context, f *openSearchFlags, cfg serveConfig, log *slog.Logger) error {
	if cfg.private {
		return fmt.Errorf("%w: --private is not supported with --opensearch yet (its keys live in a data directory)", errUsage)
	}
	eng, err := e.openEngine(ctx, f, log, true)
	if err != nil {
		return err
	}
	defer eng.Close()
	names, err := archiveNames(eng)
	if err != nil {
		// The cluster is down: the server starts, and the name book starts empty.
		log.Warn("the name book starts empty: the people of the archive cannot be read now", "err", err)
		names, _ = archiveNames(emptyArchive{})
	}
	if cfg.sample {
		if n, err := eng.Count(); err != nil {
			return err
		} else if n == 0 {
			if _, err := ingest.RunFS(ctx, ingest.Options{Sink: eng, Names: names}, corpus.Sample()); err != nil {
				return fmt.Errorf("load the sample: %w", err)
			}
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server using it? pick another with --addr)", cfg.addr, err)
	}
	ln = newLimitListener(ln, cmp.Or(cfg.maxConns, defaultMaxConns))
	w := &archiveWriter{engine: eng, log: log, maxFileBytes: cfg.maxPostBytes, names: names}
	saved := alerts.NewSharedStore(eng.SavedSearches(), server.ParseSearchQuery)
	var inFlight sync.WaitGroup
	srv := &http.Server{
		Handler: countRequests(&inFlight, server.New(server.Config{
			Searcher: eng, Logger: log,
			Writer: w, Token: cfg.token, MaxWriteBytes: cfg.maxPostBytes,
			TLS: cfg.tlsCert != "", ExportTimeout: cfg.exportTimeout,
			Saved: saved,
		})),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	scheme := "http"
	if cfg.tlsCert != "" {
		scheme = "https"
	}
	// Every server matches the new articles it stores itself against every
	// saved search, whichever server saved it, and sends the webhooks.
	defer watchSavedSearches(eng, eng, clusterArrivals(eng), saved, scheme+"://"+ln.Addr().String(), log)()
	if cfg.watch != "" {
		// What it ingested is remembered while it runs: a restart reads every
		// file again, which adds nothing twice (an article is its ID).
		defer startWatching(ctx, cfg.watch, "", eng, names, log)()
	}
	n, _ := eng.Count()
	fmt.Fprintf(e.stderr, "Article Archive: %d articles in OpenSearch index %s at %s, serving %s://%s/\n", n, eng.Index(), f.shown(), scheme, ln.Addr())
	return serveUntilDone(ctx, srv, ln, cfg, &inFlight, log)
}

// ingestOpenSearch ingests paths into the cluster.
func (e environment) ingestOpenSearch(ctx context.Context, f *openSearchFlags, opts ingest.Options, paths []string, restore bool, log *slog.Logger) error {
	eng, err := e.openEngine(ctx, f, log, false)
	if err != nil {
		return err
	}
	defer eng.Close()
	if opts.Names, err = archiveNames(eng); err != nil {
		return err
	}
	// The new articles are checked against the saved searches kept in the
	// cluster, and their webhooks sent before the command ends, as a server
	// would (retries past alertsGrace are not).
	saved := alerts.NewSharedStore(eng.SavedSearches(), server.ParseSearchQuery)
	defer watchSavedSearches(eng, eng, clusterArrivals(eng), saved, "", log)()
	opts.Sink = eng
	if restore {
		opts.Sink = restoringSink{eng}
	}
	s, err := ingest.Run(ctx, opts, paths...)
	if err == nil {
		err = followNames(ctx, eng, opts.Names, log)
	}
	printSummary(e.stdout, s)
	if err != nil {
		return err
	}
	if len(s.Rejected) > 0 {
		return fmt.Errorf("%w: %d input(s) rejected, listed above; the rest is stored", errRejected, len(s.Rejected))
	}
	return nil
}

// searchOpenSearch answers one search from the cluster.
func (e environment) searchOpenSearch(ctx context.Context, f *openSearchFlags, q corpus.Query, log *slog.Logger) (*corpus.Results, error) {
	eng, err := e.openEngine(ctx, f, log, false)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	res, err := eng.Search(ctx, q)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("the search took too long")
	}
	return res, err
}
