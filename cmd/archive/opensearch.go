package main

import (
	"cmp"
	"context"
	"encoding/json"
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

	"github.com/article-archive/archive/access"
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
	_ server.People      = (*opensearch.Engine)(nil)
	_ server.Attender    = (*opensearch.Engine)(nil)
	_ articleDeleter     = (*opensearch.Engine)(nil)
	_ restorer           = (*opensearch.Engine)(nil)
	_ ingest.Sink        = (*opensearch.Engine)(nil)
	_ personCounter      = (*opensearch.Engine)(nil)
	_ personRenamer      = (*opensearch.Engine)(nil)
)

// errNoBackup answers a backup asked of a server on an archive kept in OpenSearch.
var errNoBackup = corpus.Errorf(corpus.EInvalidRequest,
	"backups through the server are not supported on the OpenSearch engine: run 'archive backup --opensearch URL FILE' (a portable backup that 'archive restore' reads) from any machine that reaches the cluster")

// errNoRepair answers archive repair --opensearch.
var errNoRepair = fmt.Errorf("%w: archive repair mends a data directory (its record store and Bleve index); an OpenSearch cluster keeps the archive in replicated shards and recovers a lost copy from another by itself, so there is nothing for repair to do. Run 'archive check --opensearch URL' to see what is wrong; a red index (shards with no copy left) comes back with its nodes, or from a backup ('archive restore --opensearch URL --opensearch-index NEW FILE')", errUsage)

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
	// existing: the index must exist (commands that only look, such as check).
	existing bool
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
	cfg, err := e.engineConfig(f, log)
	if err != nil {
		return nil, err
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

// engineConfig is the engine's configuration from the flags and the environment.
func (e environment) engineConfig(f *openSearchFlags, log *slog.Logger) (opensearch.Config, error) {
	cfg := opensearch.Config{
		Index:  f.index,
		Shards: f.shards, Replicas: f.replicas,
		Username: e.getenv(envOpenSearchUser), Password: e.getenv(envOpenSearchPassword),
		APIKey: e.getenv(envOpenSearchAPIKey),
		Logger: log, NoCreate: f.existing,
	}
	for _, u := range strings.Split(f.urls, ",") {
		if u = strings.TrimSpace(u); u != "" {
			cfg.URLs = append(cfg.URLs, strings.TrimSuffix(u, "/"))
		}
	}
	if f.ca != "" {
		pem, err := os.ReadFile(f.ca)
		if err != nil {
			return cfg, fmt.Errorf("%w: --opensearch-ca: %v", errUsage, err)
		}
		cfg.CACert = pem
	}
	return cfg, nil
}

// serveOpenSearch serves an archive kept in OpenSearch until ctx ends. The server
// holds no lock and no state of its own: several may share one cluster. While
// the cluster cannot answer, requests are answered 503 with Retry-After; the
// server recovers by itself when it is back.
func (e environment) serveOpenSearch(ctx context.Context, f *openSearchFlags, cfg serveConfig, log *slog.Logger) error {
	eng, err := e.openEngine(ctx, f, log, true)
	if err != nil {
		return err
	}
	defer eng.Close()
	// The keys, the session secret and the audit log live in the cluster, so
	// that every server sharing it knows the same keys and sessions.
	keys := access.SharedKeys(eng)
	secret, err := eng.SessionSecret(ctx)
	if err != nil {
		log.Warn("signing in on the page is off: the session secret cannot be read from the cluster now", "err", err)
	}
	names, err := archiveNames(eng)
	if err != nil {
		// The cluster is down: the server starts, and the name book starts
		// empty until the next ingest reads it again.
		log.Warn("the name book starts empty: the people of the archive cannot be read now", "err", err)
		names, _ = archiveNames(emptyArchive{})
	}
	shared := newSharedNames(eng, names, err == nil, log)
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
	w := &archiveWriter{engine: eng, log: log, maxFileBytes: cfg.maxPostBytes, shared: shared}
	saved := alerts.NewSharedStore(eng.SavedSearches(), server.ParseSearchQuery)
	var inFlight sync.WaitGroup
	srv := &http.Server{
		Handler: countRequests(&inFlight, server.New(server.Config{
			Searcher: eng, Logger: log,
			Writer: w, Token: cfg.token, MaxWriteBytes: cfg.maxPostBytes,
			Keys: keys, Private: cfg.private, SessionSecret: secret, Audit: eng.Audit(),
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
		defer startWatching(ctx, cfg.watch, "", eng, shared.Book, log)()
	}
	n, _ := eng.Count()
	fmt.Fprintf(e.stderr, "Article Archive: %d articles in OpenSearch index %s at %s, serving %s://%s/\n", n, eng.Index(), f.shown(), scheme, ln.Addr())
	if cfg.private || keys.HasReadKeys() {
		fmt.Fprintf(e.stderr, "The archive is private: every read needs a read key (Authorization: Bearer KEY, or sign in at %s://%s/signin).\n", scheme, ln.Addr())
	}
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
	s, err := ingestNamed(ctx, eng, opts, log, paths...)
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

// checkOpenSearch reports what is wrong with an archive kept in OpenSearch.
func (e environment) checkOpenSearch(ctx context.Context, f *openSearchFlags, asJSON bool, log *slog.Logger) error {
	return e.withExistingEngine(ctx, f, log, func(eng *opensearch.Engine) error {
		return e.checkEngine(ctx, eng, f, asJSON)
	})
}

// openEngineNoCreate connects to the cluster without looking for the archive's
// index or making it: for a command that makes it otherwise (restoring a
// snapshot).
func (e environment) openEngineNoCreate(ctx context.Context, f *openSearchFlags, log *slog.Logger) (*opensearch.Engine, error) {
	f.existing = true
	cfg, err := e.engineConfig(f, log)
	if err != nil {
		return nil, err
	}
	eng, err := opensearch.Dial(cfg)
	if err != nil {
		return nil, fmt.Errorf("OpenSearch at %s, index %s: %w", f.shown(), cfg.Index, err)
	}
	return eng, nil
}

// withExistingEngine runs fn with the engine of an archive's index that must
// exist (commands that read or copy an archive), and closes it.
func (e environment) withExistingEngine(ctx context.Context, f *openSearchFlags, log *slog.Logger, fn func(*opensearch.Engine) error) error {
	f.existing = true
	eng, err := e.openEngine(ctx, f, log, false)
	if err != nil {
		return err
	}
	defer eng.Close()
	return fn(eng)
}

func (e environment) checkEngine(ctx context.Context, eng *opensearch.Engine, f *openSearchFlags, asJSON bool) error {
	rep, err := eng.Check(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "archive %s at %s (index %s):\n", rep.Index, f.shown(), strings.Join(rep.Indexes, ", "))
		fmt.Fprintf(e.stdout, "  %s articles, %s tombstones, %s keys; health %s\n", thousands(int(rep.Articles)), thousands(rep.Tombstones), thousands(rep.Keys), rep.Health)
		for _, n := range rep.Notes {
			fmt.Fprintf(e.stdout, "  note: %s\n", n)
		}
		if rep.Healthy() {
			fmt.Fprintf(e.stdout, "healthy: every index of the archive is green, its mapping is this version's, every article has what the archive derives and no deleted article is left (%s)\n", rep.Took.Round(time.Millisecond))
		} else {
			fmt.Fprintf(e.stdout, "PROBLEMS (%s):\n", rep.Took.Round(time.Millisecond))
			for _, p := range rep.Problems {
				fmt.Fprintf(e.stdout, "  - %s\n", p)
			}
		}
	}
	if !rep.Healthy() {
		return fmt.Errorf("%w: %s, listed above", errDamaged, plural(len(rep.Problems), "problem"))
	}
	return nil
}

// reindexOpenSearch copies the archive into a new index with this version's
// mapping (re-extracting with reExtract when asked) and points its name at it.
func (e environment) reindexOpenSearch(ctx context.Context, f *openSearchFlags, again bool, log *slog.Logger) error {
	return e.withExistingEngine(ctx, f, log, func(eng *opensearch.Engine) error {
		return e.reindexEngine(ctx, eng, again)
	})
}

func (e environment) reindexEngine(ctx context.Context, eng *opensearch.Engine, again bool) error {
	total, err := eng.Count()
	if err != nil {
		return err
	}
	progress := e.counter("copied articles", int64(total))
	opts := opensearch.ReindexOptions{Progress: func(n int64) { progress(n, false) }}
	if again {
		opts.Transform = func(a *corpus.Article) {
			if a.Extractor != ingest.ExtractorVersion {
				reExtract(a)
				a.Extractor = ingest.ExtractorVersion
			}
		}
	}
	st, err := eng.Reindex(ctx, opts)
	progress(st.Copied, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied %d articles from %s into %s, then with writes held %d written or changed since the copy began (with 10 s of margin for clocks) and dropped %d deleted meanwhile, in %s; %s now names %s\n",
		st.Copied-st.CaughtUp, st.From, st.To, st.CaughtUp, st.Removed, st.Elapsed.Round(time.Millisecond), eng.Index(), st.To)
	return nil
}
