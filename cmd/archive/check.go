package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
)

// errDamaged marks a check or repair that found damage it did not (or could not)
// cure; it exits with status 4, so that scripts can tell it from a failure to
// check (1).
var errDamaged = errors.New("the archive is damaged")

// check verifies an archive and reports what is wrong.
func (e environment) check(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("check", "check [--data DIR | --opensearch URL[,URL…]] [--json]", &c)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	osf := e.addOpenSearchFlags(fs)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("check", rest); err != nil {
		return err
	}
	if osf.on() {
		return e.checkOpenSearch(ctx, osf, *asJSON, logger(e.stderr, c.verbose))
	}
	opts := index.CheckOptions{Options: index.Options{Logger: logger(e.stderr, c.verbose)}, Progress: e.progress("checked", "records")}
	rep, err := index.Check(ctx, c.data, opts)
	if errors.Is(err, index.ErrLocked) {
		return fmt.Errorf("%w. A running server checks every record after it starts: its /healthz says what it found", lockedError(c.data))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printCheck(e.stdout, c.data, rep)
	}
	if !rep.Healthy() {
		return fmt.Errorf("%w: %s, listed above", errDamaged, plural(len(rep.Problems), "problem"))
	}
	return nil
}

// printCheck writes a check's report for a reader.
func printCheck(w io.Writer, dataDir string, r index.CheckReport) {
	fmt.Fprintf(w, "archive %s:\n", dataDir)
	fmt.Fprintf(w, "  record store: %s records up to write %d, %s read whole\n", thousands(r.Records), r.RecordsSeq, thousands(r.Read))
	fmt.Fprintf(w, "  index:        %s articles up to write %d\n", thousands(int(r.Indexed)), r.IndexSeq)
	if r.Healthy() {
		fmt.Fprintf(w, "healthy: every indexed article has its record, every record reads whole and is indexed, the index's segments pass their checksums (%s)\n", r.Took.Round(time.Millisecond))
		return
	}
	fmt.Fprintf(w, "DAMAGED (%s):\n", r.Took.Round(time.Millisecond))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
	fmt.Fprintln(w, "What to do (with the server stopped):")
	if r.LosesArticles() {
		fmt.Fprintln(w, "  Acknowledged articles are gone from the record store, and the index cannot give them back: it holds only")
		fmt.Fprintln(w, "  their IDs and stories. Restore the data directory from a backup ('archive backup' makes one), or run")
		fmt.Fprintln(w, "  'archive repair', which keeps everything that can still be read and lists what is lost; then")
		fmt.Fprintln(w, "  'archive repair --accept-loss' makes the archive whole again without them.")
		return
	}
	fmt.Fprintln(w, "  Nothing acknowledged is lost. 'archive repair' (or the next start, for the index) rebuilds what is damaged")
	fmt.Fprintln(w, "  from what is sound.")
}

// repair recovers what can be recovered of a damaged archive.
func (e environment) repair(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("repair", "repair [--data DIR] [--accept-loss]", &c)
	acceptLoss := fs.Bool("accept-loss", false, "when acknowledged articles cannot be recovered, make the archive consistent without them (they are listed first; the damaged files are kept)")
	osf := e.addOpenSearchFlags(fs)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if osf.on() {
		return errNoRepair
	}
	if err := noArguments("repair", rest); err != nil {
		return err
	}
	log := logger(e.stderr, c.verbose)
	opts := index.RepairOptions{
		CheckOptions: index.CheckOptions{Options: index.Options{Logger: log, ExtractorVersion: ingest.ExtractorVersion}, Progress: e.progress("read", "records")},
		AcceptLoss:   *acceptLoss,
	}
	rep, err := index.Repair(ctx, c.data, opts)
	if errors.Is(err, index.ErrLocked) {
		return lockedError(c.data)
	}
	if rep.Before.Took > 0 {
		if rep.Before.Healthy() {
			fmt.Fprintf(e.stdout, "archive %s is healthy: nothing to repair\n", c.data)
		} else {
			fmt.Fprintf(e.stdout, "found:\n")
			for _, p := range rep.Before.Problems {
				fmt.Fprintf(e.stdout, "  - %s\n", p)
			}
		}
	}
	for _, a := range rep.Actions {
		fmt.Fprintf(e.stdout, "done: %s\n", a)
	}
	if rep.Unrecoverable.N > 0 {
		fmt.Fprintf(e.stdout, "cannot be recovered: %d acknowledged articles (the index holds only their IDs and stories), among them:\n", rep.Unrecoverable.N)
		for _, id := range rep.Unrecoverable.IDs {
			fmt.Fprintf(e.stdout, "  %s\n", id)
		}
		if rep.LostList != "" {
			fmt.Fprintf(e.stdout, "every one of them is listed in %s\n", rep.LostList)
		}
	}
	if errors.Is(err, index.ErrWouldLose) {
		fmt.Fprintln(e.stdout, "Nothing that lists them was changed. Restore the archive from a backup ('archive backup' makes one), or run 'archive repair --accept-loss' to make it consistent without them.")
		return fmt.Errorf("%w: %d articles cannot be recovered", errDamaged, rep.Unrecoverable.N)
	}
	if err != nil {
		return err
	}
	if !rep.Before.Healthy() {
		if !rep.After.Healthy() {
			fmt.Fprintf(e.stdout, "still damaged:\n")
			for _, p := range rep.After.Problems {
				fmt.Fprintf(e.stdout, "  - %s\n", p)
			}
			return fmt.Errorf("%w: %s remain", errDamaged, plural(len(rep.After.Problems), "problem"))
		}
		fmt.Fprintf(e.stdout, "the archive is healthy again: %s articles (checked in %s)\n", thousands(rep.After.Read), rep.After.Took.Round(time.Millisecond))
	}
	return nil
}

// progress returns a callback that reports a long operation's progress on stderr,
// at most once a second: "checked 120,000 of 1,000,000 records (12%)".
func (e environment) progress(verb, noun string) func(done, total int) {
	var mu sync.Mutex
	last := time.Now() // nothing for what takes under a second
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		if total > 0 {
			fmt.Fprintf(e.stderr, "%s %s of %s %s (%d%%)\n", verb, thousands(done), thousands(total), noun, 100*done/total)
			return
		}
		fmt.Fprintf(e.stderr, "%s %s %s\n", verb, thousands(done), noun)
	}
}

// plural is "1 problem", "2 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
