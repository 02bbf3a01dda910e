package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/server"
)

func (e environment) ingest(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("ingest", "ingest [--data DIR] PATH...   (PATH: a file, a directory, or - for stdin)", &c)
	maxMiB := fs.Int64("max-file-mib", 64, "reject files (and JSON lines) larger than this many MiB")
	quiet := fs.Bool("quiet", false, "no progress bar")
	restore := fs.Bool("restore", false, "store again the articles that were deleted from the archive (DELETE /api/v1/articles/{id}) when they are among the input; without it they are skipped")
	remote := e.addRemoteFlags(fs) // --server URL --token T: send to a running server (remote.go)
	fields := map[string][]string{}
	fs.Func("field", "map a record field to an article field, ARTICLE_FIELD=RECORD_FIELD (repeatable): e.g. published=pub_date, outlet=source.name; article fields: id, url, outlet, published, title, authors, body, persons", func(spec string) error {
		target, name, err := ingest.ParseFieldSpec(spec)
		if err != nil {
			return err
		}
		fields[target] = append(fields[target], name)
		return nil
	})
	osf := e.addOpenSearchFlags(fs) // --opensearch URL: into an OpenSearch cluster (opensearch.go)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: name the files or directories to ingest, or - for standard input", errUsage)
	}
	if remote.server != "" && *restore {
		return fmt.Errorf("%w: --restore works on a local archive (--data), not with --server: stop the server, or ingest on its machine", errUsage)
	}
	if remote.server != "" {
		return e.ingestRemote(ctx, remote, paths, *maxMiB<<20, *quiet)
	}
	log := logger(e.stderr, c.verbose)
	if osf.on() {
		opts := ingest.Options{Stdin: e.stdin, MaxFileBytes: *maxMiB << 20, Fields: fields, Progress: e.progressBar(*quiet)}
		if opts.Progress == nil {
			opts.Logger = log
		}
		return e.ingestOpenSearch(ctx, osf, opts, paths, *restore, log)
	}

	return withIndex(c.data, log, func(ix *index.Index) error {

		names, err := archiveNames(ix)
		if err != nil {
			return err
		}
		// New articles are checked against the saved searches here too, and their
		// webhooks sent before the command ends (retries past alertsGrace are not).
		saved, err := alerts.Open(c.data, server.ParseSearchQuery)
		if err != nil {
			return err
		}
		stopAlerts := watchSavedSearches(ix, ix, indexArrivals(ix), saved, "", log)
		defer stopAlerts()
		opts := ingest.Options{Sink: ix, Stdin: e.stdin, MaxFileBytes: *maxMiB << 20, Fields: fields, Names: names}
		if *restore {
			opts.Sink = restoringSink{ix}
		}
		if bar := e.progressBar(*quiet); bar != nil {
			opts.Progress = bar
		} else {
			opts.Logger = log // counts in the log every few seconds instead
		}
		s, err := ingestNamed(ctx, ix, opts, log, paths...)
		printSummary(e.stdout, s)
		if err != nil {
			return err
		}
		if len(s.Rejected) > 0 {
			return fmt.Errorf("%w: %d input(s) rejected, listed above; the rest is stored", errRejected, len(s.Rejected))
		}
		return nil
	})
}

// progressBar returns a progress callback drawing a bar on stderr when stderr is
// a terminal, or nil.
func (e environment) progressBar(quiet bool) func(ingest.Progress) {
	f, ok := e.stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(p ingest.Progress) {
		if bar == nil {
			bar = progressbar.NewOptions64(p.BytesTotal,
				progressbar.OptionSetWriter(e.stderr),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetPredictTime(true),
			)
		}
		if p.BytesTotal == 0 { // standard input: size unknown
			bar.ChangeMax64(-1)
		}
		bar.Describe(fmt.Sprintf("%d articles", p.Summary.Read))
		_ = bar.Set64(p.BytesRead)
		if p.Done {
			_ = bar.Finish()
		}
	}
}

// printSummary writes what a run did, with every rejected input and its reason.
// Warnings that repeat (a feed whose every item is only a summary) are listed once
// with their count and first sources.
func printSummary(w io.Writer, s ingest.Summary) {
	rate := ""
	if secs := s.Elapsed.Seconds(); secs > 0 && s.Read > 0 {
		rate = fmt.Sprintf(" (%.0f/s)", float64(s.Read)/secs)
	}
	fmt.Fprintf(w, "read %d articles in %s%s: %d indexed, %d updated, %d skipped as duplicate, %d rejected\n",
		s.Read, s.Elapsed.Round(time.Millisecond), rate, s.Indexed, s.Updated, s.Duplicates, len(s.Rejected))
	if s.Skipped > 0 {
		fmt.Fprintf(w, "skipped %d articles deleted from the archive (ingest with --restore to bring them back):\n", s.Skipped)
		for _, r := range s.SkippedList {
			fmt.Fprintf(w, "  %s\n", r)
		}
		if n := s.Skipped - len(s.SkippedList); n > 0 {
			fmt.Fprintf(w, "  and %d more\n", n)
		}
	}
	if s.Ignored > 0 {
		fmt.Fprintf(w, "ignored %d files of other kinds (the archive reads .txt, .md, .json, .jsonl, .ndjson, .html, .htm, .rss, .atom, .xml feeds, .warc, .zip, .tar, .tgz and their .gz)\n", s.Ignored)
	}
	if s.IgnoredRecords > 0 {
		fmt.Fprintf(w, "ignored %d WARC records that hold no HTML page (requests, metadata, redirects, error pages, images and the like)\n", s.IgnoredRecords)
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "warnings:\n")
		printGrouped(w, s.Warnings)
	}
	if len(s.Rejected) > 0 {
		fmt.Fprintf(w, "rejected:\n")
		for _, r := range s.Rejected {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
}

// printGrouped lists warnings, a reason given more than three times once with its
// count and its first three sources.
func printGrouped(w io.Writer, list []ingest.Rejection) {
	count := map[string]int{}
	first := map[string][]string{}
	for _, r := range list {
		count[r.Reason]++
		if len(first[r.Reason]) < 3 {
			where := ingest.Rejection{Source: r.Source, Line: r.Line}.String()
			first[r.Reason] = append(first[r.Reason], strings.TrimSuffix(where, ": "))
		}
	}
	for _, r := range list {
		switch n := count[r.Reason]; {
		case n <= 3:
			fmt.Fprintf(w, "  %s\n", r)
		case first[r.Reason] != nil:
			fmt.Fprintf(w, "  %d inputs: %s (%s and %d more)\n", n, r.Reason, strings.Join(first[r.Reason], ", "), n-3)
			first[r.Reason] = nil
		}
	}
}

// restorer is an engine that stores articles again that were deleted.
type restorer interface {
	PutRestoring(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error)
}

// restoringSink stores into an engine, bringing back deleted articles
// (index.Index.PutRestoring, opensearch.Engine.PutRestoring): archive ingest
// --restore.
type restoringSink struct{ r restorer }

func (r restoringSink) Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	return r.r.PutRestoring(ctx, articles)
}
