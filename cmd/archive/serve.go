package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/server"
)

// shutdownGrace is how long in-flight requests get to finish on SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second

func (e environment) serve(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("serve", "serve [--data DIR] [--addr HOST:PORT] [--sample]", &c)
	addr := e.getenv("ARCHIVE_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs.StringVar(&addr, "addr", addr, "the address to listen on; port 0 picks a free one (env ARCHIVE_ADDR)")
	sample := fs.Bool("sample", false, "load the built-in sample articles when the archive is empty")
	rest, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, rest)
	}
	log := logger(e.stderr, c.verbose)

	return withIndex(c.data, log, func(ix *index.Index) error {
		return e.serveIndex(ctx, ix, c.data, addr, *sample, log)
	})
}

// serveIndex serves ix on addr until ctx ends, then shuts down gracefully.
func (e environment) serveIndex(ctx context.Context, ix *index.Index, dataDir, addr string, sample bool, log *slog.Logger) error {
	if sample {
		if err := loadSample(ctx, ix, log); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server using it? pick another with --addr)", addr, err)
	}
	srv := &http.Server{
		Handler:           server.New(server.Config{Searcher: ix, Logger: log}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	n, _ := ix.Count()
	fmt.Fprintf(e.stderr, "Article Archive: %d articles in %s, serving http://%s/\n", n, dataDir, ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// withIndex opens the archive's index, runs f with it and closes it, explaining
// the one failure users meet: another process holding the index.
func withIndex(dataDir string, log *slog.Logger, f func(*index.Index) error) (err error) {
	ix, err := index.Open(dataDir, index.Options{Logger: log})
	if errors.Is(err, index.ErrLocked) {
		return fmt.Errorf("the archive in %s is in use by another process (an 'archive serve' or 'archive ingest'): stop it first, or pick another directory with --data", dataDir)
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

// loadSample ingests the built-in sample articles into an empty archive.
func loadSample(ctx context.Context, ix *index.Index, log *slog.Logger) error {
	n, err := ix.Count()
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("the archive is not empty; the sample is loaded only into an empty one", "articles", n)
		return nil
	}
	s, err := ingest.RunFS(ctx, ingest.Options{Sink: ix}, corpus.Sample())
	if err != nil {
		return fmt.Errorf("load the sample: %w", err)
	}
	if len(s.Rejected) > 0 {
		return fmt.Errorf("load the sample: %d articles rejected, first: %s", len(s.Rejected), s.Rejected[0])
	}
	log.Info("loaded the sample articles", "indexed", s.Indexed)
	return nil
}
