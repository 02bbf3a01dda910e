package main

import (
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// The portable backup (corpus.PortableWriter): `archive backup --portable FILE`
// on a data directory, `archive backup --opensearch URL FILE` on a cluster, and
// `archive restore FILE` into either engine.

// writePortable writes a portable backup to the file dest (gzip'd when its name
// ends in .gz): into a temporary file beside it, synced and renamed once
// complete, so that dest is never a backup cut short. dump writes the records.
func (e environment) writePortable(dest, engine, from string, dump func(*corpus.PortableWriter) error) (map[string]int64, error) {
	if _, err := os.Stat(dest); err == nil {
		return nil, fmt.Errorf("%w: %s exists: name a new file for the backup", errUsage, dest)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := tmp.Chmod(0o600); err != nil {
		return nil, err
	}
	var w io.Writer = tmp
	var zw *gzip.Writer
	if strings.HasSuffix(dest, ".gz") {
		zw, _ = gzip.NewWriterLevel(tmp, gzip.BestSpeed)
		w = zw
	}
	pw, err := corpus.NewPortableWriter(w, engine, from)
	if err != nil {
		return nil, err
	}
	if err := dump(pw); err != nil {
		return nil, err
	}
	if err := pw.Close(); err != nil {
		return nil, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return pw.Counts(), nil
}

// dumpIndex writes the articles of a data directory's archive, oldest first,
// then its tombstones.
func dumpIndex(ctx context.Context, ix *index.Index, w *corpus.PortableWriter, progress func(int64, bool)) error {
	var n int64
	err := ix.Export(ctx, corpus.Query{Sort: corpus.SortOldest}, func(h corpus.Hit) error {
		a, err := ix.Article(ctx, h.ID)
		if err != nil {
			return err
		}
		n++
		if n%1000 == 0 {
			progress(n, false)
		}
		return w.Write(corpus.KindArticle, a)
	})
	if err != nil {
		return err
	}
	return ix.EachTombstone(func(t corpus.Tombstone) error { return w.Write(corpus.KindTombstone, t) })
}

// countsLine says what a backup holds: "1,204 articles, 3 tombstones".
func countsLine(counts map[string]int64) string {
	if len(counts) == 0 {
		return "nothing"
	}
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s records", counts[kind], kind))
	}
	return strings.Join(parts, ", ")
}

// restoreTarget is an engine a portable backup is restored into.
type restoreTarget struct {
	corpus.PortableTarget
	// finish makes everything searchable and returns how many articles the archive holds.
	finish func(ctx context.Context) (uint64, error)
}

// restoreReport is what a restore did.
type restoreReport struct {
	corpus.PortableRestore
	held uint64
}

// restorePortable reads the backup file src into target (corpus.RestorePortable),
// with progress counts unless quiet.
func (e environment) restorePortable(ctx context.Context, src string, target restoreTarget, quiet bool) (restoreReport, error) {
	var rep restoreReport
	f, err := os.Open(src)
	if err != nil {
		return rep, fmt.Errorf("%w: %v", errUsage, err)
	}
	defer f.Close()
	progress := func(int64, bool) {}
	if !quiet {
		progress = e.counter("restored records", 0)
	}
	target.Progress = func(n int64) { progress(n, false) }
	rep.PortableRestore, err = corpus.RestorePortable(ctx, f, target.PortableTarget)
	if rep.Stored != nil {
		progress(rep.Stored[corpus.KindArticle]+rep.Stored[corpus.KindTombstone], true)
	}
	// What was stored before a damaged end or a failing write is made
	// searchable all the same.
	held, ferr := target.finish(ctx)
	rep.held = held
	return rep, errors.Join(err, ferr)
}

// printRestore reports a restore on stdout; refused records are listed (the
// first 20) and make the command fail with errRejected.
func (e environment) printRestore(rep restoreReport, src, into string, took time.Duration) error {
	h := rep.Summary.Header
	fmt.Fprintf(e.stdout, "restored %s from %s (a backup of the %s archive %s taken %s) into %s in %s; it holds %d articles\n",
		countsLine(rep.Stored), src, cmp.Or(h.Engine, "?"), h.From, h.Created.Format(time.RFC3339), into, took.Round(time.Millisecond), rep.held)
	for kind, n := range rep.Summary.Skipped {
		fmt.Fprintf(e.stdout, "skipped %d %s records: this engine keeps none from a backup (they are kept by a newer archive, or by the other engine)\n", n, kind)
	}
	if len(rep.Refused) == 0 {
		return nil
	}
	fmt.Fprintf(e.stdout, "refused %d records:\n", len(rep.Refused))
	for _, r := range rep.Refused[:min(len(rep.Refused), 20)] {
		fmt.Fprintf(e.stdout, "  %s\n", r)
	}
	if len(rep.Refused) > 20 {
		fmt.Fprintf(e.stdout, "  … and %d more\n", len(rep.Refused)-20)
	}
	return fmt.Errorf("%w: %d record(s) of the backup not restored, listed above; the rest is stored", errRejected, len(rep.Refused))
}

// restore reads a portable backup into an archive: a data directory, or an
// OpenSearch index with --opensearch.
func (e environment) restore(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("restore", "restore [--data DIR | --opensearch URL[,URL…] [--opensearch-index NAME]] [--merge] FILE | restore --opensearch URL --opensearch-index NEW --snapshot-repo REPO SNAPSHOT", &c)
	osf := e.addOpenSearchFlags(fs)
	merge := fs.Bool("merge", false, "restore into an archive that already holds articles (the backup's overwrite those of the same ID)")
	quiet := fs.Bool("quiet", false, "no progress counts")
	repo := fs.String("snapshot-repo", "", "with --opensearch: restore the snapshot named by the argument from this snapshot repository of the cluster, as --opensearch-index (which must not exist)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *repo != "" {
		if !osf.on() || len(rest) != 1 {
			return fmt.Errorf("%w: archive restore --opensearch URL --opensearch-index NEW --snapshot-repo REPO SNAPSHOT", errUsage)
		}
		eng, err := e.openEngineNoCreate(ctx, osf, logger(e.stderr, c.verbose))
		if err != nil {
			return err
		}
		defer eng.Close()
		info, err := eng.RestoreSnapshot(ctx, *repo, rest[0])
		if err != nil {
			return err
		}
		n, err := eng.Count()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "restored snapshot %s of repository %s as %s (%d shards) in %s; it holds %d articles\n",
			rest[0], *repo, strings.Join(info.Indexes, ", "), info.Shards, info.Took.Round(time.Millisecond), n)
		return nil
	}
	if len(rest) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name the one backup file to restore ('archive backup --portable' or 'archive backup --opensearch' writes one)", errUsage)
	}
	src := rest[0]
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	log := logger(e.stderr, c.verbose)
	start := time.Now()
	notEmpty := func(n uint64, where, how string) error {
		return fmt.Errorf("%w: %s already holds %d articles: restore into a new one (%s), or add --merge to add the backup's to them", errUsage, where, n, how)
	}
	if osf.on() {
		eng, err := e.openEngine(ctx, osf, log, false)
		if err != nil {
			return err
		}
		defer eng.Close()
		if n, err := eng.Count(); err != nil {
			return err
		} else if n > 0 && !*merge {
			return notEmpty(n, "OpenSearch index "+eng.Index(), "--opensearch-index NAME")
		}
		rep, err := e.restorePortable(ctx, src, restoreTarget{
			PortableTarget: corpus.PortableTarget{Articles: eng.Restore, Tombstones: eng.RestoreTombstones},
			finish: func(ctx context.Context) (uint64, error) {
				if err := eng.Refresh(ctx); err != nil {
					return 0, err
				}
				return eng.Count()
			},
		}, *quiet)
		if err != nil {
			return err
		}
		return e.printRestore(rep, src, "OpenSearch index "+eng.Index(), time.Since(start))
	}
	return withIndex(c.data, log, func(ix *index.Index) error {
		if n, err := ix.Count(); err != nil {
			return err
		} else if n > 0 && !*merge {
			return notEmpty(n, "the archive in "+c.data, "--data NEWDIR")
		}
		rep, err := e.restorePortable(ctx, src, restoreTarget{
			PortableTarget: corpus.PortableTarget{
				Articles: func(ctx context.Context, batch []corpus.Article) (map[string]string, error) {
					_, err := ix.PutRestoring(ctx, batch)
					return nil, err // a batch is stored whole or not at all
				},
				Tombstones: ix.RestoreTombstones,
			},
			finish: func(context.Context) (uint64, error) {
				if err := ix.Flush(); err != nil {
					return 0, err
				}
				return ix.Count()
			},
		}, *quiet)
		if err != nil {
			return err
		}
		return e.printRestore(rep, src, "the archive in "+c.data, time.Since(start))
	})
}
