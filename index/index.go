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
	"errors"
	"fmt"
	berrors "go.etcd.io/bbolt/errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
	// readOnly is set when the data directory cannot be written, or the archive is
	// degraded: searches only.
	readOnly bool

	// health is what the archive knows of its own damage (damage.go; held by
	// healthMu); goneSeen is set once a read found a record missing.
	healthMu sync.Mutex
	health   corpus.Health
	goneSeen atomic.Bool
	// engineBroken is set once Bleve's background work stopped on a panic.
	engineBroken atomic.Bool

	limits Limits
	// costly holds a token for each costly search running (Limits.CostlySearches).
	costly chan struct{}

	// mu orders writes: a sequence number is taken and applied by one Put at a time.
	mu sync.Mutex
	// applied is the last sequence whose articles are in the Bleve index, and held
	// the number of records the store held then (both held by mu).
	applied uint64
	held    int
	// indexing is the batch of the last PutDeferred while Bleve indexes it (held by
	// mu; see settle).
	indexing *indexing
	// persisted is the last sequence Bleve reported on disk.
	persisted atomic.Uint64
	// columns hold the values facets and date sorts read, per segment (columns.go).
	columns *columnCache
	// stock makes searches use Bleve's collector instead (tests and benchmarks).
	stock atomic.Bool
	// onArrivals is told of the articles new to the archive once they are
	// searchable (arrivals.go).
	onArrivals atomic.Pointer[func(Arrivals)]
	// stopWarm ends the column warmer; warmed is closed when it has ended.
	stopWarm, warmed chan struct{}
	warmNow          chan struct{} // WarmUp asks the warmer to start at once
	// stopVerify stops the check of every record (verify.go) and waits for it.
	stopVerify func()
	// people is the people edits in force (people_edits.go); totals caches the
	// counts the person page compares with (person.go).
	people atomic.Pointer[corpus.PersonLayer]
	totals personTotalsCache
}

// Open opens the index in dataDir, creating it (and dataDir) when there is none. It
// returns an error wrapping ErrLocked when another process has the archive open,
// and one wrapping ErrDamaged when the record store cannot be read.
//
// Open repairs what a crash left: articles whose records were committed but whose
// index batch did not reach the disk are indexed again. An archive whose index
// directory is missing is rebuilt from the records, and so is one whose index is
// damaged (moved aside first, to DATA/index.damaged-TIME); an index from before the
// record store is copied into one.
//
// An archive whose record store lost articles the index holds opens read-only and
// degraded (Health says what is missing): searches are answered, writes fail, and
// nothing is written that could cover the damage up.
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
		return nil, recordsDamagedError(err)
	}
	ix, err := open(dataDir, recs, timeout, log, opts)
	if err != nil {
		recs.close()
		return nil, err
	}
	ix.startWarmer()
	log.Debug("index opened", "path", ix.path, "applied", ix.applied)
	return ix, nil
}

// recordsDamagedError explains a record store that cannot be opened or read.
func recordsDamagedError(err error) error {
	if !errors.Is(err, ErrDamaged) {
		return err
	}
	return fmt.Errorf("the record store (%s) is damaged and cannot be read safely: the archive is not opened. Restore the data directory from a backup ('archive backup' makes one), or run 'archive repair' to copy what can be read into a new store ('archive check' says what is lost): %w", RecordsFile, err)
}

// open is Open with the record store open: it compares the store with the index
// before either is written (damage.go), then opens the index for writing, or
// read-only when the store lost what the index holds.
func open(dataDir string, recs *records, timeout time.Duration, log *slog.Logger, opts Options) (*Index, error) {
	if err := recoverSwap(dataDir); err != nil {
		return nil, err
	}
	lastSeq, err := recs.lastSeq()
	if err != nil {
		return nil, recordsDamagedError(fmt.Errorf("index: read record sequence: %w", err))
	}
	held, err := recs.count()
	if err != nil {
		return nil, recordsDamagedError(fmt.Errorf("index: count records: %w", err))
	}
	metaProblem, newestLost := metaDamage(filepath.Join(dataDir, RecordsFile))
	if metaProblem != "" {
		log.Warn("the record store's file is damaged; the index is compared with it", "damage", metaProblem)
	}
	path := filepath.Join(dataDir, Dir)
	var unconfirmed string // the damage no one can tell the cost of, once the index is rebuilt
	rebuildWhy := "the index is missing: rebuilding it from the records"
	if indexExists(path) {
		st, err := inspectIndex(path, timeout)
		if err != nil {
			return nil, err
		}
		switch {
		case st.damage != "":
			if held == 0 {
				return nil, fmt.Errorf("index: the index is damaged (%s) and the record store holds nothing to rebuild it from: restore the data directory from a backup: %w", st.damage, ErrDamaged)
			}
			moved, err := setAside(dataDir)
			if err != nil {
				return nil, err
			}
			log.Warn("the index is damaged, rebuilding from the records", "damage", st.damage, "records", held, "damaged_index_kept_in", moved)
			rebuildWhy = ""
			if newestLost {
				unconfirmed = fmt.Sprintf("the record store's newest write may be lost (%s), and the damaged index that could tell was rebuilt from it: compare with a backup", metaProblem)
			}
		case st.hasApplied && (st.applied > lastSeq || st.docs > uint64(held+recs.deletedAfter(st.applied)) || (st.hasHeld && st.held > held+recs.deletedAfter(st.applied))):
			return openDegraded(dataDir, recs, st, lastSeq, held, metaProblem, timeout, log, opts)
		}
	}
	if err := recs.prepare(); err != nil {
		return nil, recordsDamagedError(err)
	}
	if !indexExists(path) && held > 0 {
		if rebuildWhy != "" {
			log.Warn(rebuildWhy, "records", held)
		}
		if err := rebuild(dataDir, recs, log); err != nil {
			return nil, err
		}
	}
	ix, err := openWritable(dataDir, recs, timeout, log, opts)
	if errors.Is(err, ErrDamaged) && held > 0 {
		// What a read-only open does not read (bbolt's list of free pages) failed.
		log.Warn("the index is damaged, rebuilding from the records", "damage", err.Error())
		if _, err := setAside(dataDir); err != nil {
			return nil, err
		}
		if err := rebuild(dataDir, recs, log); err != nil {
			return nil, err
		}
		ix, err = openWritable(dataDir, recs, timeout, log, opts)
	}
	if err != nil {
		return nil, err
	}
	// Caught up, the index holds every record; fewer means it lost some.
	if docs, err := ix.bleve.DocCount(); err == nil && docs < uint64(held) {
		log.Warn("the index is damaged, rebuilding from the records", "damage", fmt.Sprintf("it holds %d articles of the %d records", docs, held))
		ix.unwatchEngine()
		if err := ix.bleve.Close(); err != nil {
			return nil, fmt.Errorf("index: close %s: %w", path, err)
		}
		if _, err := setAside(dataDir); err != nil {
			return nil, err
		}
		if err := rebuild(dataDir, recs, log); err != nil {
			return nil, err
		}
		if ix, err = openWritable(dataDir, recs, timeout, log, opts); err != nil {
			return nil, err
		}
	}
	if unconfirmed != "" {
		ix.note(unconfirmed)
	}
	if metaProblem != "" {
		ix.note(fmt.Sprintf("the record store's file was damaged (%s); the index confirms that it holds every acknowledged article, and the next write repairs the file", metaProblem))
	}
	return ix, nil
}

// openWritable opens the index for writing and brings it up to the records.
func openWritable(dataDir string, recs *records, timeout time.Duration, log *slog.Logger, opts Options) (*Index, error) {
	path := filepath.Join(dataDir, Dir)
	var b bleve.Index
	err := safely("open the index", func() error {
		var err error
		b, err = openBleve(path, indexExists(path), timeout, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	if b, err = upgradeMapping(b, path, timeout, log); err != nil {
		return nil, err
	}
	ix := &Index{bleve: b, records: recs, dataDir: dataDir, path: path, log: log, extractor: opts.ExtractorVersion, columns: newColumnCache()}
	ix.setLimits(opts.Limits)
	ix.watchEngine()
	err = ix.loadPeople()
	if err == nil {
		err = ix.recover()
	}
	if err == nil {
		err = ix.syncPeople(context.Background())
	}
	if err != nil {
		ix.unwatchEngine()
		b.Close()
		return nil, err
	}
	return ix, nil
}

// openDegraded opens an archive whose record store lost articles the index holds
// (st says what the index holds): read-only, naming what is missing.
func openDegraded(dataDir string, recs *records, st indexState, lastSeq uint64, held int, metaProblem string, timeout time.Duration, log *slog.Logger, opts Options) (*Index, error) {
	path := filepath.Join(dataDir, Dir)
	var b bleve.Index
	err := safely("open the index", func() error {
		var err error
		b, err = bleve.OpenUsing(path, map[string]any{"read_only": true, "bolt_timeout": timeout.String()})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("index: open %s read-only: %w", path, err)
	}
	ix := &Index{bleve: b, records: recs, dataDir: dataDir, path: path, log: log, readOnly: true, applied: st.applied, columns: newColumnCache()}
	ix.setLimits(opts.Limits)
	if err := ix.loadPeople(); err != nil {
		log.Warn("the people edits cannot be read; names are shown as extracted", "err", err)
	}
	ix.persisted.Store(st.applied)
	lost, err := missingRecords(b, recs)
	if err != nil {
		b.Close()
		return nil, err
	}
	ix.degrade(lossProblem(lost, st, lastSeq, held, metaProblem), lossAccount(lost, st, lastSeq))
	return ix, nil
}

// lossAccount is what the record store lost of what the index holds.
func lossAccount(lost idList, st indexState, lastSeq uint64) *corpus.MissingArticles {
	m := &corpus.MissingArticles{Articles: lost.n, IDs: lost.ids}
	if st.applied > lastSeq {
		m.FromSeq, m.ToSeq = lastSeq+1, st.applied
	}
	return m
}

// lossProblem says in a sentence what the record store lost and what to do.
func lossProblem(lost idList, st indexState, lastSeq uint64, held int, metaProblem string) string {
	var b strings.Builder
	switch {
	case lost.n > 0:
		fmt.Fprintf(&b, "the record store has lost %d acknowledged articles that the index lists", lost.n)
		if len(lost.ids) > 0 {
			fmt.Fprintf(&b, " (%s", strings.Join(lost.ids[:min(5, len(lost.ids))], ", "))
			if lost.n > 5 {
				b.WriteString(", …")
			}
			b.WriteString(")")
		}
	default:
		fmt.Fprintf(&b, "the record store holds %d records, and the index %d articles", held, st.docs)
	}
	if st.applied > lastSeq {
		if st.applied == lastSeq+1 {
			fmt.Fprintf(&b, "; it lost write %d", st.applied)
		} else {
			fmt.Fprintf(&b, "; it lost writes %d to %d", lastSeq+1, st.applied)
		}
		if lost.n == 0 {
			b.WriteString(" (changes to articles it holds in an older version)")
		}
	}
	if metaProblem != "" {
		fmt.Fprintf(&b, ": %s, so it fell back to an older transaction", metaProblem)
	}
	b.WriteString(". Searches are answered read-only and writes refused. Restore the archive from a backup, or run 'archive repair' (server stopped) to see what can be recovered")
	return b.String()
}

// openReadOnly opens an archive on a read-only file system for searching: every
// Put fails with a corpus.EStorageFailed error that says why.
func openReadOnly(dataDir string, timeout time.Duration, log *slog.Logger, opts Options) (*Index, error) {
	recs, err := openRecords(dataDir, timeout, true)
	if err != nil {
		return nil, recordsDamagedError(err)
	}
	path := filepath.Join(dataDir, Dir)
	var b bleve.Index
	err = safely("open the index", func() error {
		var err error
		b, err = bleve.OpenUsing(path, map[string]any{"read_only": true, "bolt_timeout": timeout.String()})
		return err
	})
	if err != nil {
		recs.close()
		return nil, fmt.Errorf("index: open %s read-only (the data directory cannot be written, so a damaged index cannot be rebuilt): %w", path, err)
	}
	ix := &Index{bleve: b, records: recs, dataDir: dataDir, path: path, log: log, readOnly: true, columns: newColumnCache()}
	ix.setLimits(opts.Limits)
	if err := ix.loadPeople(); err != nil {
		log.Warn("the people edits cannot be read; names are shown as extracted", "err", err)
	}
	st, err := readState(b)
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("index: open %s read-only: %w", path, err)
	}
	ix.applied = st.applied
	last, err := recs.lastSeq()
	if err != nil {
		ix.Close()
		return nil, recordsDamagedError(err)
	}
	held, err := recs.count()
	if err != nil {
		ix.Close()
		return nil, recordsDamagedError(err)
	}
	switch {
	case st.damage != "":
		ix.degrade(fmt.Sprintf("the index is damaged (%s) and the data directory is read-only, so it cannot be rebuilt: make the directory writable and start again", st.damage), nil)
	case st.hasApplied && (st.applied > last || st.docs > uint64(held+recs.deletedAfter(st.applied))):
		lost, err := missingRecords(b, recs)
		if err != nil {
			ix.Close()
			return nil, err
		}
		problem, _ := metaDamage(filepath.Join(dataDir, RecordsFile))
		ix.degrade(lossProblem(lost, st, last, held, problem), lossAccount(lost, st, last))
	case last > ix.applied:
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
	registerAsyncErrors()
	config := map[string]any{"bolt_timeout": timeout.String(), "unsafe_batch": unsafeBatch, "asyncErrorCallbackName": asyncErrorCallback}
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
	st, err := readState(ix.bleve)
	if err != nil {
		return fmt.Errorf("index: read applied sequence: %w", err)
	}
	if !st.hasApplied && st.docs > 0 {
		return ix.migrate()
	}
	ix.applied, ix.held = st.applied, st.held
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
	pending, deleted, err := ix.records.since(ix.applied)
	if err != nil {
		return fmt.Errorf("index: read pending records: %w", err)
	}
	held, err := ix.records.count()
	if err != nil {
		return fmt.Errorf("index: count records: %w", err)
	}
	ix.log.Info("indexing records stored but not yet indexed (after a crash or a failed write)", "records", len(pending), "deleted", len(deleted), "from", ix.applied+1, "to", last)
	for start := 0; start < len(pending) || start == 0; start += 1000 {
		end := min(start+1000, len(pending))
		// The sequence moves on with the last batch only: a catch-up cut short
		// starts again. Deletions go with it.
		seq, n, del := ix.applied, ix.held, []string(nil)
		if end == len(pending) {
			seq, n, del = last, held, deleted
		}
		if err := ix.applyBatch(pending[start:end], del, seq, n); err != nil {
			return err
		}
	}
	ix.applied, ix.held = last, held
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
			a, err := ix.legacyArticle(id)
			if err != nil {
				return fmt.Errorf("index: migrate %s: %w", id, err)
			}
			batch = append(batch, a)
		}
		if seq, err = ix.records.put(batch, signaturesOf(batch), 0); err != nil {
			return fmt.Errorf("index: migrate: %w", err)
		}
	}
	held, err := ix.records.count()
	if err != nil {
		return fmt.Errorf("index: migrate: %w", err)
	}
	// The articles are in the index already; only the sequence moves on, once all
	// are copied (a migration cut short starts again: records are keyed by ID).
	b := ix.bleve.NewBatch()
	b.SetInternal(keyApplied, seqKey(seq))
	b.SetInternal(keyState, encodeState(seq, held))
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("index: migrate: %w", err)
	}
	ix.applied, ix.held = seq, held
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
	stopVerify := ix.stopVerify
	ix.stopVerify = nil
	ix.mu.Unlock()
	if stopVerify != nil {
		stopVerify()
	}
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
	for deadline := time.Now().Add(closeWait); !ix.readOnly && !ix.engineBroken.Load() && ix.persisted.Load() < ix.applied; {
		if time.Now().After(deadline) {
			ix.log.Warn("the index did not reach the disk in time; the next open indexes the rest from the records",
				"persisted", ix.persisted.Load(), "applied", ix.applied)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	var errs []error
	ix.unwatchEngine()
	if ix.engineBroken.Load() {
		// Bleve's persister stopped on a panic, maybe inside a transaction whose
		// lock its Close would wait for forever; the next open rebuilds the index.
		ix.log.Warn("the damaged index is left as it is; the next start rebuilds it from the records")
	} else if err := ix.bleve.Close(); err != nil {
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
