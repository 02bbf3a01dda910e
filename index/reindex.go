package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/article-archive/archive/corpus"
)

// A rebuild writes a new index beside the old one and swaps the directories, so
// that a rebuild cut short leaves the old index in place. recoverSwap finishes or
// undoes a swap a crash interrupted.
const (
	rebuildDir = Dir + ".rebuild"
	oldDir     = Dir + ".old"
)

// RebuildOptions tune Rebuild.
type RebuildOptions struct {
	Options
	// ReExtract, when set, redoes the extraction of every record whose Extractor is
	// not Options.ExtractorVersion, in place; the record is stored again, with the
	// new version, when that changed it.
	ReExtract func(*corpus.Article)
	// AcceptLoss lets a rebuild go ahead when the record store has lost articles
	// the index holds, or holds records that cannot be read: they are left out of
	// the new index, and the old one is kept beside it (DATA/index.damaged-TIME).
	AcceptLoss bool
}

// ErrWouldLose is wrapped by the error of a Rebuild refused because the record
// store lacks articles the index holds: rebuilding would drop them for good.
var ErrWouldLose = errors.New("a rebuild from the records would lose acknowledged articles")

// RebuildStats says what Rebuild did.
type RebuildStats struct {
	Articles    int
	ReExtracted int
	Elapsed     time.Duration
	// KeptIndex is where the old index was moved, when it was damaged or listed
	// articles the rebuild left out (AcceptLoss); "" when it was replaced.
	KeptIndex string
}

// Rebuild makes a new index for dataDir from the record store alone, with the
// current mapping, and swaps it for the old one. The archive must not be open
// elsewhere (an error wrapping ErrLocked says so).
func Rebuild(ctx context.Context, dataDir string, opts RebuildOptions) (RebuildStats, error) {
	start := time.Now()
	log, timeout := opts.defaults()
	if _, err := os.Stat(filepath.Join(dataDir, RecordsFile)); err != nil {
		return RebuildStats{}, fmt.Errorf("index: rebuild: there is no record store in %s (%w): ingest into it first", dataDir, err)
	}
	recs, err := openRecords(dataDir, timeout, false)
	if err != nil {
		return RebuildStats{}, recordsDamagedError(err)
	}
	defer recs.close()
	if err := recoverSwap(dataDir); err != nil {
		return RebuildStats{}, err
	}
	kept, err := checkLoss(dataDir, recs, timeout, opts.AcceptLoss, log)
	if err != nil {
		return RebuildStats{}, err
	}
	if err := recs.prepare(); err != nil {
		return RebuildStats{}, recordsDamagedError(err)
	}
	stats := RebuildStats{KeptIndex: kept}
	if opts.ReExtract != nil {
		if stats.ReExtracted, err = reExtract(ctx, recs, opts.ExtractorVersion, opts.ReExtract); err != nil {
			return stats, err
		}
	}
	if err := ctx.Err(); err != nil {
		return stats, err
	}
	if err := rebuildSkipping(dataDir, recs, log, opts.AcceptLoss); err != nil {
		return stats, err
	}
	n, err := recs.count()
	stats.Articles = n
	stats.Elapsed = time.Since(start)
	return stats, err
}

// checkLoss refuses, unless acceptLoss, a rebuild that would drop articles the
// index holds and the record store lacks. With acceptLoss it moves such an index
// aside, and a damaged one in any case, so that the evidence stays; it returns
// where.
func checkLoss(dataDir string, recs *records, timeout time.Duration, acceptLoss bool, log *slog.Logger) (string, error) {
	path := filepath.Join(dataDir, Dir)
	if !indexExists(path) {
		return "", nil
	}
	st, err := inspectIndex(path, timeout)
	if err != nil {
		return "", err
	}
	if st.damage != "" {
		moved, err := setAside(dataDir)
		if err == nil {
			log.Warn("the index is damaged; it is kept aside and rebuilt from the records", "damage", st.damage, "kept_in", moved)
		}
		return moved, err
	}
	lastSeq, err := recs.lastSeq()
	if err != nil {
		return "", recordsDamagedError(err)
	}
	held, err := recs.count()
	if err != nil {
		return "", recordsDamagedError(err)
	}
	if !st.hasApplied || (st.applied <= lastSeq && st.docs <= uint64(held+recs.deletedAfter(st.applied))) {
		return "", nil
	}
	var lost idList
	err = safely("open the index", func() error {
		b, err := bleve.OpenUsing(path, map[string]any{"read_only": true, "bolt_timeout": timeout.String()})
		if err != nil {
			return err
		}
		defer b.Close()
		lost, err = missingRecords(b, recs)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("index: list the articles a rebuild would lose: %w", err)
	}
	problem, _ := metaDamage(filepath.Join(dataDir, RecordsFile))
	what := lossProblem(lost, st, lastSeq, held, problem)
	what = what[:strings.Index(what, ". Searches are answered")]
	if !acceptLoss {
		return "", fmt.Errorf("index: refusing to rebuild: %s. A rebuild from the records would drop them for good. Restore the archive from a backup ('archive backup' made one), or rebuild anyway with --accept-loss (the old index is kept aside): %w", what, ErrWouldLose)
	}
	moved, err := setAside(dataDir)
	if err != nil {
		return "", err
	}
	log.Warn("rebuilding without the articles the record store lost, as asked (--accept-loss)", "lost", what, "old_index_kept_in", moved)
	return moved, nil
}

// reExtract applies f to the records of another extractor version and stores the
// ones it changed.
func reExtract(ctx context.Context, recs *records, version string, f func(*corpus.Article)) (int, error) {
	var changed []corpus.Article
	n := 0
	flush := func() error {
		if len(changed) == 0 {
			return nil
		}
		_, err := recs.put(changed, nil, 0) // re-extraction leaves bodies, so signatures, as they are
		n += len(changed)
		changed = changed[:0]
		return err
	}
	var outdated []corpus.Article
	if err := recs.each(func(a corpus.Article) error {
		if a.Extractor != version {
			outdated = append(outdated, a)
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("index: read records: %w", err)
	}
	for _, a := range outdated {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		f(&a)
		a.Extractor = version
		changed = append(changed, a)
		if len(changed) == 1000 {
			if err := flush(); err != nil {
				return n, fmt.Errorf("index: store re-extracted records: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return n, fmt.Errorf("index: store re-extracted records: %w", err)
	}
	return n, nil
}

// rebuild writes every record into a new index and swaps it in.
func rebuild(dataDir string, recs *records, log *slog.Logger) error {
	return rebuildSkipping(dataDir, recs, log, false)
}

// rebuildSkipping is rebuild; with skipBad, records that cannot be read are left
// out (and logged) instead of failing it.
func rebuildSkipping(dataDir string, recs *records, log *slog.Logger, skipBad bool) error {
	tmp := filepath.Join(dataDir, rebuildDir)
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("index: rebuild: %w", err)
	}
	// Safe batches here: the swap must find every batch on disk.
	b, err := openBleve(tmp, false, time.Second, false)
	if err != nil {
		return err
	}
	last, err := recs.lastSeq()
	if err != nil {
		b.Close()
		return fmt.Errorf("index: rebuild: %w", err)
	}
	held, err := recs.count()
	if err != nil {
		b.Close()
		return fmt.Errorf("index: rebuild: %w", err)
	}
	people, err := loadLayer(recs)
	if err != nil {
		log.Error("the people edits cannot be applied; the index shows names as extracted until one is undone", "err", err)
		people = corpus.EmptyPersonLayer
	}
	n, skipped := 0, 0
	var bad func(key []byte, err error)
	if skipBad {
		bad = func(key []byte, err error) {
			skipped++
			log.Warn("a record cannot be read and is left out of the index", "record", fmt.Sprintf("%x", key), "err", err)
		}
	}
	batch := b.NewBatch()
	write := func() error {
		if batch.Size() == 0 {
			return nil
		}
		err := b.Batch(batch)
		batch.Reset()
		return err
	}
	err = recs.eachReadable(func(a corpus.Article) error {
		if err := batch.Index(a.ID, storedDocument(people.ApplyTo(&a))); err != nil {
			return fmt.Errorf("article %s: %w", a.ID, err)
		}
		n++
		if batch.Size() >= 1000 {
			log.Info("rebuilding the index", "articles", n, "of", held)
			return write()
		}
		return nil
	}, bad)
	if err == nil {
		batch.SetInternal(keyApplied, seqKey(last))
		batch.SetInternal(keyState, encodeState(last, held-skipped))
		batch.SetInternal(keyPersonLayer, encodeLayer(people))
		err = write()
	}
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("index: rebuild: %w", err)
	}
	if err := swapIn(dataDir); err != nil {
		return err
	}
	log.Info("index rebuilt from the records", "articles", n)
	return nil
}

// swapIn replaces the index with the rebuilt one.
func swapIn(dataDir string) error {
	cur, next, old := filepath.Join(dataDir, Dir), filepath.Join(dataDir, rebuildDir), filepath.Join(dataDir, oldDir)
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("index: swap: %w", err)
	}
	if err := os.Rename(cur, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("index: swap: %w", err)
	}
	if err := os.Rename(next, cur); err != nil {
		return fmt.Errorf("index: swap: %w", err)
	}
	if err := syncDir(dataDir); err != nil {
		return fmt.Errorf("index: swap: %w", err)
	}
	return os.RemoveAll(old)
}

// recoverSwap undoes a rebuild a crash cut short: a half-built index is dropped,
// and an old index moved aside is put back when no new one took its place.
func recoverSwap(dataDir string) error {
	cur, next, old := filepath.Join(dataDir, Dir), filepath.Join(dataDir, rebuildDir), filepath.Join(dataDir, oldDir)
	if err := os.RemoveAll(next); err != nil {
		return fmt.Errorf("index: clean up an interrupted rebuild: %w", err)
	}
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	if _, err := os.Stat(cur); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(old, cur); err != nil {
			return fmt.Errorf("index: restore the index an interrupted rebuild moved aside: %w", err)
		}
		return syncDir(dataDir)
	}
	return os.RemoveAll(old)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// allIDs returns the ID of every document in the index.
func (ix *Index) allIDs() ([]string, error) {
	var ids []string
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1000, 0, false)
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := ix.bleve.Search(req)
		if err != nil {
			return nil, fmt.Errorf("index: list articles: %w", err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < 1000 {
			return ids, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}
