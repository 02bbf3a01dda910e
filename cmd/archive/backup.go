package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/opensearch"
)

// backup writes a consistent copy of the archive to DEST: through the running
// server when one holds the archive (or --server names one), else directly.
func (e environment) backup(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("backup", "backup [--data DIR] [--server URL --token T] DEST | backup [--data DIR] --portable FILE | backup --opensearch URL[,URL…] FILE", &c)
	remote := e.addRemoteFlags(fs)
	osf := e.addOpenSearchFlags(fs)
	portable := fs.Bool("portable", false, "write a portable backup (NDJSON, gzip'd when FILE ends in .gz) that 'archive restore' reads into either engine, instead of a copy of the data directory")
	repo := fs.String("snapshot-repo", "", "with --opensearch: take a snapshot of the archive's indexes into this snapshot repository of the cluster instead (the argument, if any, names the snapshot)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *repo != "" {
		if !osf.on() {
			return fmt.Errorf("%w: --snapshot-repo takes a snapshot of an archive kept in OpenSearch: name the cluster with --opensearch URL", errUsage)
		}
		if len(rest) > 1 {
			return fmt.Errorf("%w: name at most one snapshot", errUsage)
		}
		return e.snapshot(ctx, c, osf, *repo, rest)
	}
	if len(rest) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name the one directory (or with --portable or --opensearch, the file) to write the copy to", errUsage)
	}
	dest := rest[0]
	if osf.on() || *portable {
		return e.backupPortable(ctx, c, osf, dest)
	}
	// The copy goes into a new or empty directory, and only what the backup made is
	// removed when it fails: never a file or folder the user had there.
	existed := false
	switch info, err := os.Stat(dest); {
	case err == nil && !info.IsDir():
		return fmt.Errorf("%w: %s is a file: name a new directory for the copy", errUsage, dest)
	case err == nil:
		existed = true
		if entries, err := os.ReadDir(dest); err != nil || len(entries) > 0 {
			return fmt.Errorf("%w: %s is not an empty directory: name a new directory for the copy", errUsage, dest)
		}
	case !os.IsNotExist(err):
		return fmt.Errorf("backup: %s: %w", dest, err)
	}
	cleanUp := func() {
		if existed {
			entries, _ := os.ReadDir(dest)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dest, e.Name()))
			}
			return
		}
		os.RemoveAll(dest)
	}
	log := logger(e.stderr, c.verbose)
	url := remote.server
	if url == "" {
		url = runningServer(c.data)
	}
	if url != "" {
		if err := backupRemote(ctx, strings.TrimRight(url, "/"), remote.token, dest); err != nil {
			cleanUp()
			return err
		}
		fmt.Fprintf(e.stdout, "backed up the archive served at %s to %s; serve the copy with: archive serve --data %s\n", url, dest, dest)
		return nil
	}
	return withIndex(c.data, log, func(ix *index.Index) error {
		if err := ix.Backup(ctx, dest); err != nil {
			return err
		}
		if err := alerts.CopyTo(c.data, dest); err != nil {
			return err
		}
		n, _ := ix.Count()
		fmt.Fprintf(e.stdout, "backed up %d articles from %s to %s; serve the copy with: archive serve --data %s\n", n, c.data, dest, dest)
		return nil
	})
}

// backupRemote asks the server at base for a backup and unpacks it into dest.
func backupRemote(ctx context.Context, base, token, dest string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/backup", nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the archive server at %s (%w): is 'archive serve' running there?", base, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, err := readAPIError(res)
		return fmt.Errorf("backup through %s: %w", base, err)
	}
	return readTar(res.Body, dest)
}

// backupPortable writes a portable backup of the archive (a data directory, or an
// OpenSearch index) to the file dest.
func (e environment) backupPortable(ctx context.Context, c commonFlags, osf *openSearchFlags, dest string) error {
	log := logger(e.stderr, c.verbose)
	start := time.Now()
	report := func(counts map[string]int64, from string) {
		fmt.Fprintf(e.stdout, "backed up %s from %s to %s in %s; restore it with: archive restore [--opensearch URL] %s\n",
			countsLine(counts), from, dest, time.Since(start).Round(time.Millisecond), dest)
	}
	if osf.on() {
		return e.withExistingEngine(ctx, osf, log, func(eng *opensearch.Engine) error {
			total, err := eng.Count()
			if err != nil {
				return err
			}
			progress := e.counter("backed up records", int64(total))
			counts, err := e.writePortable(dest, "opensearch", eng.Index(), func(w *corpus.PortableWriter) error {
				return eng.Dump(ctx, w, func(n int64) { progress(n, false) })
			})
			if err != nil {
				return err
			}
			progress(counts[corpus.KindArticle]+counts[corpus.KindTombstone], true)
			report(counts, "OpenSearch index "+eng.Index())
			return nil
		})
	}
	return withIndex(c.data, log, func(ix *index.Index) error {
		total, err := ix.Count()
		if err != nil {
			return err
		}
		progress := e.counter("backed up articles", int64(total))
		counts, err := e.writePortable(dest, "bleve", c.data, func(w *corpus.PortableWriter) error {
			return dumpIndex(ctx, ix, w, progress)
		})
		if err != nil {
			return err
		}
		progress(counts[corpus.KindArticle], true)
		report(counts, c.data)
		return nil
	})
}

// snapshot takes a snapshot of an archive kept in OpenSearch into the cluster's
// repository repo, named by the one argument or after the index and the time.
func (e environment) snapshot(ctx context.Context, c commonFlags, osf *openSearchFlags, repo string, rest []string) error {
	return e.withExistingEngine(ctx, osf, logger(e.stderr, c.verbose), func(eng *opensearch.Engine) error {
		name := eng.Index() + "-" + strings.ToLower(time.Now().UTC().Format("20060102t150405z"))
		if len(rest) == 1 {
			name = rest[0]
		}
		info, err := eng.Snapshot(ctx, repo, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "took snapshot %s of %s (%d shards) into repository %s in %s; restore it with: archive restore --opensearch URL --opensearch-index NEW --snapshot-repo %s %s\n",
			name, strings.Join(info.Indexes, ", "), info.Shards, repo, info.Took.Round(time.Millisecond), repo, name)
		return nil
	})
}
