package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
)

func (e environment) ingest(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("ingest", "ingest [--data DIR] PATH...   (PATH: a file, a directory, or - for stdin)", &c)
	maxMiB := fs.Int64("max-file-mib", 64, "reject files (and JSON lines) larger than this many MiB")
	quiet := fs.Bool("quiet", false, "no progress bar")
	remote := e.addRemoteFlags(fs) // --server URL --token T: send to a running server (remote.go)
	paths, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: name the files or directories to ingest, or - for standard input", errUsage)
	}
	if remote.server != "" {
		return e.ingestRemote(ctx, remote, paths, *maxMiB<<20, *quiet)
	}
	log := logger(e.stderr, c.verbose)

	return withIndex(c.data, log, func(ix *index.Index) error {

		opts := ingest.Options{Sink: ix, Stdin: e.stdin, MaxFileBytes: *maxMiB << 20}
		if bar := e.progressBar(*quiet); bar != nil {
			opts.Progress = bar
		} else {
			opts.Logger = log // counts in the log every few seconds instead
		}
		s, err := ingest.Run(ctx, opts, paths...)
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
func printSummary(w io.Writer, s ingest.Summary) {
	rate := ""
	if secs := s.Elapsed.Seconds(); secs > 0 && s.Read > 0 {
		rate = fmt.Sprintf(" (%.0f/s)", float64(s.Read)/secs)
	}
	fmt.Fprintf(w, "read %d articles in %s%s: %d indexed, %d updated, %d skipped as duplicate, %d rejected\n",
		s.Read, s.Elapsed.Round(time.Millisecond), rate, s.Indexed, s.Updated, s.Duplicates, len(s.Rejected))
	if s.Ignored > 0 {
		fmt.Fprintf(w, "ignored %d files of other kinds (the archive reads .txt, .md, .json, .jsonl, .ndjson, .html, .htm and their .gz)\n", s.Ignored)
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "warnings:\n")
		for _, r := range s.Warnings {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	if len(s.Rejected) > 0 {
		fmt.Fprintf(w, "rejected:\n")
		for _, r := range s.Rejected {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
}
