// Package index keeps the archive's articles in a Bleve index on disk and answers
// searches with hits, highlighted snippets and person, outlet and date facets. It is
// the only package that imports Bleve: every engine detail (mapping, query syntax,
// facet requests, storage layout) stays here, behind the corpus types.
//
// Beside the index lies the record store (records.go), the normalized record of every
// accepted article, from which the index can always be rebuilt.
package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	berrors "go.etcd.io/bbolt/errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/article-archive/archive/corpus"
	aq "github.com/article-archive/archive/query"
)

func (ix *Index) setLimits(l Limits) {
	ix.limits = l.withDefaults()
	ix.costly = make(chan struct{}, ix.limits.CostlySearches)
}

// costlyTurn waits for a costly search's turn and returns the function that ends
// it, or a corpus.EBusy error when the turn does not come within Limits.CostlyWait.
func (ix *Index) costlyTurn(ctx context.Context) (func(), error) {
	t := time.NewTimer(ix.limits.CostlyWait)
	defer t.Stop()
	select {
	case ix.costly <- struct{}{}:
		return func() { <-ix.costly }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		e := corpus.Errorf(corpus.EBusy,
			"the archive is running as many searches with wildcards, patterns, fuzzy terms or proximity as it can at once (%d): try again in a moment, or search without them", cap(ix.costly))
		e.RetryAfter = 2
		return nil, e
	}
}

// Dir is the index's directory inside the archive's data directory.
const Dir = "index"

// ErrLocked is returned by Open when another process holds the index for writing.
var ErrLocked = errors.New("the index is in use by another process")

// keyApplied is the Bleve internal key holding the last record-store sequence
// whose articles the index holds. It is written in the same batch as the articles.
var keyApplied = []byte("archive_applied_seq")

// Options tune an Index. The zero value is usable.
type Options struct {
	// Logger receives the index's own logs; nil discards them.
	Logger *slog.Logger
	// LockTimeout is how long Open waits for another process to release the index
	// before it returns ErrLocked; zero means one second.
	LockTimeout time.Duration
	// ExtractorVersion is recorded with every article Put that carries none
	// (corpus.Article.Extractor).
	ExtractorVersion string
	// Limits bound what one search may cost; zero fields take the defaults.
	Limits Limits
}

// Limits bound what one search may ask of the engine. A search over a limit is
// refused with a corpus.EQueryTooCostly error saying which; zero fields take the
// defaults.
type Limits struct {
	// Query bounds the query text: length, clauses, nesting, automaton size.
	Query aq.Limits
	// MaxExpansions is how many words of the archive one wildcard, regular
	// expression or fuzzy term may stand for (DefaultMaxExpansions).
	MaxExpansions int
	// MaxQueryExpansions is how many they may stand for in one query together
	// (DefaultMaxQueryExpansions).
	MaxQueryExpansions int
	// CostlySearches is how many costly searches (wildcards, regular
	// expressions, fuzzy terms, proximity) run at once; more wait their turn for
	// up to CostlyWait, then are refused with corpus.EBusy. Zero means one per
	// two processors, at least one.
	CostlySearches int
	// CostlyWait is how long a costly search waits for its turn; zero means two
	// seconds.
	CostlyWait time.Duration
}

func (l Limits) withDefaults() Limits {
	l.MaxExpansions = cmp.Or(l.MaxExpansions, DefaultMaxExpansions)
	l.MaxQueryExpansions = cmp.Or(l.MaxQueryExpansions, DefaultMaxQueryExpansions)
	l.CostlySearches = cmp.Or(l.CostlySearches, max(1, runtime.GOMAXPROCS(0)/2))
	l.CostlyWait = cmp.Or(l.CostlyWait, 2*time.Second)
	return l
}

// defaults returns the logger and lock timeout opts asks for, filling in the
// zero values.
func (opts Options) defaults() (*slog.Logger, time.Duration) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	return log, timeout
}

// Index is an archive's search index and record store. It is safe for concurrent
// use: searches go on while a batch is written; writes take turns.
type Index struct {
	bleve     bleve.Index
	records   *records
	dataDir   string
	path      string
	log       *slog.Logger
	extractor string
	// readOnly is set when the data directory cannot be written: searches only.
	readOnly bool

	limits Limits
	// costly holds a token for each costly search running (Limits.CostlySearches).
	costly chan struct{}

	// mu orders writes: a sequence number is taken and applied by one Put at a time.
	mu sync.Mutex
	// applied is the last sequence whose articles are in the Bleve index (held by mu).
	applied uint64
	// indexing is the batch of the last PutDeferred while Bleve indexes it (held by
	// mu; see settle).
	indexing *indexing
	// persisted is the last sequence Bleve reported on disk.
	persisted atomic.Uint64
	// columns hold the values facets and date sorts read, per segment (columns.go).
	columns *columnCache
	// stock makes searches use Bleve's collector instead (tests and benchmarks).
	stock atomic.Bool
	// stopWarm ends the column warmer; warmed is closed when it has ended.
	stopWarm, warmed chan struct{}
	warmNow          chan struct{} // WarmUp asks the warmer to start at once
}

// Open opens the index in dataDir, creating it (and dataDir) when there is none. It
// returns an error wrapping ErrLocked when another process has the archive open.
//
// Open repairs what a crash left: articles whose records were committed but whose
// index batch did not reach the disk are indexed again. An archive whose index
// directory is missing (deleted because it was damaged, say) is rebuilt from the
// records; an index from before the record store is copied into one.
func Open(dataDir string, opts Options) (*Index, error) {
	log, timeout := opts.defaults()
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("index: create data directory: %w", err)
	}
	// The record store's lock is taken first: it is what makes the archive one
	// process's at a time, and it is quick to test.
	recs, err := openRecords(dataDir, timeout, false)
	if errors.Is(err, syscall.EROFS) {
		return openReadOnly(dataDir, timeout, log, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := recoverSwap(dataDir); err != nil {
		recs.close()
		return nil, err
	}
	path := filepath.Join(dataDir, Dir)
	exists := indexExists(path)
	if !exists {
		if n, err := recs.count(); err != nil {
			recs.close()
			return nil, fmt.Errorf("index: count records: %w", err)
		} else if n > 0 {
			log.Warn("the index is missing: rebuilding it from the records", "records", n)
			if err := rebuild(dataDir, recs, log); err != nil {
				recs.close()
				return nil, err
			}
			exists = true
		}
	}
	b, err := openBleve(path, exists, timeout, true)
	if err != nil {
		recs.close()
		return nil, err
	}
	ix := &Index{bleve: b, records: recs, dataDir: dataDir, path: path, log: log, extractor: opts.ExtractorVersion, columns: newColumnCache()}
	ix.setLimits(opts.Limits)
	if err := ix.recover(); err != nil {
		ix.Close()
		return nil, err
	}
	ix.startWarmer()
	log.Debug("index opened", "path", path, "applied", ix.applied)
	return ix, nil
}

// openReadOnly opens an archive on a read-only file system for searching: every
// Put fails with a corpus.EStorageFailed error that says why.
func openReadOnly(dataDir string, timeout time.Duration, log *slog.Logger, opts Options) (*Index, error) {
	recs, err := openRecords(dataDir, timeout, true)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, Dir)
	b, err := bleve.OpenUsing(path, map[string]any{"read_only": true, "bolt_timeout": timeout.String()})
	if err != nil {
		recs.close()
		return nil, fmt.Errorf("index: open %s read-only: %w", path, err)
	}
	ix := &Index{bleve: b, records: recs, dataDir: dataDir, path: path, log: log, readOnly: true, columns: newColumnCache()}
	ix.setLimits(opts.Limits)
	if v, err := b.GetInternal(keyApplied); err == nil && len(v) == 8 {
		ix.applied = binary.BigEndian.Uint64(v)
	}
	if last, err := recs.lastSeq(); err == nil && last > ix.applied {
		log.Warn("some stored articles are not in the index; they are indexed when the archive is writable again", "writes", last-ix.applied)
	}
	log.Warn("the data directory is read-only: serving searches, refusing writes", "dir", dataDir)
	ix.startWarmer()
	return ix, nil
}

func indexExists(path string) bool {
	_, err := os.Stat(filepath.Join(path, "index_meta.json"))
	return err == nil
}

// openBleve opens or creates the Bleve index at path. With unsafeBatch a batch is
// searchable as soon as Batch returns and reaches the disk in the background: the
// record store, committed first, is what makes it durable.
func openBleve(path string, exists bool, timeout time.Duration, unsafeBatch bool) (bleve.Index, error) {
	config := map[string]any{"bolt_timeout": timeout.String(), "unsafe_batch": unsafeBatch}
	var b bleve.Index
	var err error
	if exists {
		b, err = bleve.OpenUsing(path, config)
	} else {
		b, err = bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, config)
	}
	if err != nil {
		if isLockTimeout(err) {
			return nil, fmt.Errorf("index: open %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	return b, nil
}

// recover brings the index up to the record store: it re-indexes the logged writes
// the index does not hold, or, for an index made before the record store (it has
// articles but no applied sequence), copies its articles into the store.
func (ix *Index) recover() error {
	v, err := ix.bleve.GetInternal(keyApplied)
	if err != nil {
		return fmt.Errorf("index: read applied sequence: %w", err)
	}
	if len(v) == 8 {
		ix.applied = binary.BigEndian.Uint64(v)
	} else if n, _ := ix.bleve.DocCount(); n > 0 {
		return ix.migrate()
	}
	ix.persisted.Store(ix.applied)
	return ix.catchUp()
}

// catchUp indexes the records committed after the last sequence the index holds.
// Callers hold mu, or own ix alone.
func (ix *Index) catchUp() error {
	last, err := ix.records.lastSeq()
	if err != nil {
		return fmt.Errorf("index: read record sequence: %w", err)
	}
	if last <= ix.applied {
		return nil
	}
	pending, err := ix.records.since(ix.applied)
	if err != nil {
		return fmt.Errorf("index: read pending records: %w", err)
	}
	ix.log.Info("indexing records stored but not yet indexed (after a crash or a failed write)", "records", len(pending), "from", ix.applied+1, "to", last)
	for start := 0; start < len(pending); start += 1000 {
		end := min(start+1000, len(pending))
		seq := ix.applied
		if end == len(pending) {
			seq = last
		}
		if err := ix.indexBatch(pending[start:end], seq); err != nil {
			return err
		}
	}
	ix.applied = last
	return nil
}

// migrate copies the articles of an index made before the record store into a
// new one, so that the archive can be rebuilt from then on.
func (ix *Index) migrate() error {
	ids, err := ix.allIDs()
	if err != nil {
		return err
	}
	ix.log.Warn("copying the articles of an index made before the record store into it", "articles", len(ids))
	var seq uint64
	for start := 0; start < len(ids); start += 1000 {
		batch := make([]corpus.Article, 0, 1000)
		for _, id := range ids[start:min(start+1000, len(ids))] {
			a, err := ix.Article(context.Background(), id)
			if err != nil {
				return fmt.Errorf("index: migrate %s: %w", id, err)
			}
			batch = append(batch, a)
		}
		if seq, err = ix.records.put(batch, signaturesOf(batch), 0); err != nil {
			return fmt.Errorf("index: migrate: %w", err)
		}
	}
	// The articles are in the index already; only the sequence moves on, once all
	// are copied (a migration cut short starts again: records are keyed by ID).
	b := ix.bleve.NewBatch()
	b.SetInternal(keyApplied, seqKey(seq))
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("index: migrate: %w", err)
	}
	ix.applied = seq
	ix.persisted.Store(seq)
	return nil
}

// isLockTimeout tells whether err is bbolt's "timeout" from waiting for the file lock
// another process holds.
func isLockTimeout(err error) bool {
	return errors.Is(err, berrors.ErrTimeout)
}

// closeWait bounds how long Close waits for Bleve to persist the last batches.
const closeWait = 10 * time.Second

// Close waits for a write in progress and for the index to reach the disk, then
// closes the index and the record store. (Bleve's Close drops batches it has not
// persisted; Open would index them again from the records, but a clean shutdown
// should leave nothing to repair.)
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.stopWarm != nil {
		close(ix.stopWarm)
		<-ix.warmed
		ix.stopWarm = nil
	}
	if err := ix.settle(); err != nil {
		ix.log.Warn("indexing the last batch failed; the next open indexes it from the records", "err", err)
	}
	for deadline := time.Now().Add(closeWait); !ix.readOnly && ix.persisted.Load() < ix.applied; {
		if time.Now().After(deadline) {
			ix.log.Warn("the index did not reach the disk in time; the next open indexes the rest from the records",
				"persisted", ix.persisted.Load(), "applied", ix.applied)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	var errs []error
	if err := ix.bleve.Close(); err != nil {
		errs = append(errs, fmt.Errorf("index: close %s: %w", ix.path, err))
	}
	if err := ix.records.close(); err != nil {
		errs = append(errs, fmt.Errorf("index: close records: %w", err))
	}
	return errors.Join(errs...)
}

// startWarmer starts the goroutine that builds new segments' search columns in
// the background (columns.go); Close stops it.
func (ix *Index) startWarmer() {
	ix.stopWarm, ix.warmed, ix.warmNow = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	go func() {
		defer close(ix.warmed)
		ix.warm(ix.stopWarm)
	}()
}

// Count returns the number of articles in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bleve.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}
