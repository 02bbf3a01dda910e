package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/internal/bench"
)

// bench parses "archive bench" and runs the harness (internal/bench), or one of
// its phases when this process is one of its children.
func (e environment) bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: archive bench [--n N] [--source FILE.jsonl] [--out DIR] [--clients C] [--duration D] [--skip-sqlite] [--skip-bleve] [--search-only] [--backend opensearch --opensearch URL[,URL…]]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	c := bench.Config{Args: args}
	fs.IntVar(&c.N, "n", 1_000_000, "articles in the corpus; the source is replicated (new ids, dates, outlets, people) when it has fewer")
	fs.StringVar(&c.Source, "source", bench.DefaultSource, "JSON Lines articles the corpus is made from")
	fs.StringVar(&c.Out, "out", "", "directory for the corpus, the indexes, the profiles and the report (default: a new temporary directory)")
	fs.IntVar(&c.Clients, "clients", 2, "concurrent search clients")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "how long each system is searched")
	fs.BoolVar(&c.SkipSQLite, "skip-sqlite", false, "leave out SQLite FTS5")
	fs.BoolVar(&c.SkipBleve, "skip-bleve", false, "leave out bare Bleve")
	fs.BoolVar(&c.Keep, "keep", true, "keep the indexes in --out after the run (the corpus and report are always kept)")
	fs.BoolVar(&c.SearchOnly, "search-only", false, "search the archive an earlier run left in --out again, and update its report: the other figures stay those of that run")
	fs.StringVar(&c.Backend, "backend", "bleve", "bleve, or opensearch: also ingest and search the archive on the OpenSearch cluster of --opensearch, side by side")
	fs.StringVar(&c.OpenSearch, "opensearch", e.getenv(envOpenSearch), "the OpenSearch cluster of --backend opensearch, its nodes' URLs comma-separated (env "+envOpenSearch+"); start local nodes with scripts/opensearch/start-cluster.sh N")
	fs.IntVar(&c.OpenSearchShards, "opensearch-shards", 0, "primary shards of the bench's OpenSearch indexes (0: 1 on one data node, 3 on more)")
	fs.IntVar(&c.OpenSearchReplicas, "opensearch-replicas", -1, "replicas of each shard (-1: none on one data node, 1 on more)")
	var p bench.Phase
	p.Register(fs)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("bench", rest); err != nil {
		return err
	}
	prog := bench.Program{
		Stdout: e.stdout, Stderr: e.stderr, Log: logger(e.stderr, false),
		WithIndex: withIndex,
		Serve: func(ctx context.Context, ix *index.Index, dir string, log *slog.Logger) error {
			return e.serveIndex(ctx, ix, serveConfig{dataDir: dir, addr: "127.0.0.1:0", maxPostBytes: 64 << 20}, log)
		},
		ServerURL:      runningServer,
		ServerFile:     serverFile,
		IngestProgress: e.progressBar(false),
		Ingest: func(ctx context.Context, ix *index.Index, opts ingest.Options, paths ...string) (ingest.Summary, error) {
			return ingestNamed(ctx, ix, opts, logger(e.stderr, false), paths...)
		},
	}
	if p.Name != "" {
		return bench.RunPhase(ctx, p, prog)
	}
	return bench.Run(ctx, c, prog)
}
