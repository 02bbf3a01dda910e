package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/internal/atomicfile"
	"github.com/article-archive/archive/opensearch"
	"github.com/article-archive/archive/server"
)

// migrateBatch is how many articles one write to the cluster carries.
const migrateBatch = 500

// migrateCheckpoint is the file in the data directory that lets a migration
// resume: how many articles (in the export's order) were sent, and the last one.
const migrateCheckpoint = "migrate-opensearch.json"

type checkpoint struct {
	Index string `json:"index"`
	Sent  int    `json:"sent"`
	Last  string `json:"last"`
}

// migrate copies the archive of a data directory into an OpenSearch index:
// resumable (a checkpoint in the data directory; articles already there are not
// written again, their IDs being the documents'), with a progress bar, and
// verifying at the end that the index holds as many articles as the archive.
func (e environment) migrate(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("migrate", "migrate [--data DIR] --to-opensearch URL[,URL…] [--opensearch-index NAME]", &c)
	osf := e.addOpenSearchFlags(fs)
	fs.StringVar(&osf.urls, "to-opensearch", osf.urls, "the OpenSearch cluster to copy the archive into (its nodes' URLs, comma-separated)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("migrate", rest); err != nil {
		return err
	}
	if !osf.on() {
		return fmt.Errorf("%w: name the cluster with --to-opensearch URL[,URL…]", errUsage)
	}
	log := logger(e.stderr, c.verbose)
	eng, err := e.openEngine(ctx, osf, log, false)
	if err != nil {
		return err
	}
	defer eng.Close()
	return withIndex(c.data, log, func(ix *index.Index) error {
		total, err := ix.Count()
		if err != nil {
			return err
		}
		cpPath := filepath.Join(c.data, migrateCheckpoint)
		var cp checkpoint
		if data, err := os.ReadFile(cpPath); err == nil && json.Unmarshal(data, &cp) == nil && cp.Index == eng.Index() {
			fmt.Fprintf(e.stderr, "resuming after %d articles (up to %s)\n", cp.Sent, cp.Last)
		} else {
			cp = checkpoint{Index: eng.Index()}
		}
		// A bar on a terminal, counts in the log elsewhere; --quiet logs each batch.
		progress := func(n int64, _ bool) { log.Info("migrating", "sent", n, "of", total) }
		if !*quiet {
			progress = e.counter("migrated articles", int64(total))
		}
		progress(int64(min(cp.Sent, int(total))), false)
		skip := cp.Sent
		var batch []corpus.Article
		counts := map[corpus.Outcome]int{}
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			outcomes, err := eng.Put(ctx, batch)
			if err != nil {
				return fmt.Errorf("migrate: after %d articles: %w (run migrate again to resume)", cp.Sent, err)
			}
			for _, o := range outcomes {
				counts[o]++
			}
			cp.Sent += len(batch)
			cp.Last = batch[len(batch)-1].ID
			data, _ := json.Marshal(cp)
			if err := atomicfile.Write(cpPath, data, 0o600); err != nil {
				return err
			}
			progress(int64(cp.Sent), false)
			batch = batch[:0]
			return nil
		}
		send := func(h corpus.Hit) error {
			a, err := ix.Article(ctx, h.ID)
			if err != nil {
				return err
			}
			batch = append(batch, a)
			if len(batch) == migrateBatch {
				return flush()
			}
			return nil
		}
		seen := 0
		// The export's order (oldest first, then ID) is the same every run, so the
		// checkpoint's count says where to go on; its last ID checks that.
		err = ix.Export(ctx, corpus.Query{Sort: corpus.SortOldest}, func(h corpus.Hit) error {
			seen++
			if seen <= skip {
				if seen == skip && h.ID != cp.Last {
					// The archive changed since: send everything again (nothing is
					// stored twice; unchanged articles are not rewritten).
					skip, cp.Sent = 0, 0
					return errRestart
				}
				return nil
			}
			return send(h)
		})
		if errors.Is(err, errRestart) {
			fmt.Fprintln(e.stderr, "the archive changed since the last run: sending every article again (unchanged ones are not rewritten)")
			err = ix.Export(ctx, corpus.Query{Sort: corpus.SortOldest}, send)
		}
		if err == nil {
			err = flush()
		}
		progress(int64(cp.Sent), true)
		if err != nil {
			return err
		}
		if err := eng.Refresh(ctx); err != nil {
			return err
		}
		n, err := eng.Count()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d articles in the archive, %d in OpenSearch index %s (this run: %d new, %d updated, %d already there)\n",
			total, n, eng.Index(), counts[corpus.Indexed], counts[corpus.Updated], counts[corpus.Unchanged])
		if n != total {
			return fmt.Errorf("migrate: the index holds %d articles, the archive %d: run migrate again, or check the cluster's logs", n, total)
		}
		if err := e.migrateSavedSearches(ctx, c.data, eng); err != nil {
			return err
		}
		os.Remove(cpPath)
		return nil
	})
}

// migrateSavedSearches copies the saved searches of dataDir into the cluster,
// as they are (IDs, feed tokens, webhook secrets), leaving alone those already
// there.
func (e environment) migrateSavedSearches(ctx context.Context, dataDir string, eng *opensearch.Engine) error {
	saved, err := alerts.Open(dataDir, server.ParseSearchQuery)
	if err != nil {
		return err
	}
	shared := alerts.NewSharedStore(eng.SavedSearches(), server.ParseSearchQuery)
	copied, there := 0, 0
	for _, ss := range saved.Saved() {
		kept, err := shared.Keep(ctx, ss)
		if err != nil {
			return fmt.Errorf("migrate: copy the saved search %s: %w (run migrate again to resume)", ss.ID, err)
		}
		if kept {
			copied++
		} else {
			there++
		}
	}
	if copied+there > 0 {
		fmt.Fprintf(e.stdout, "%d saved searches copied to OpenSearch index %s (%d already there)\n", copied, eng.SavedSearches().Name(), there)
	}
	return nil
}

// errRestart stops an export whose checkpoint no longer fits the archive.
var errRestart = errors.New("the archive changed since the checkpoint")
