package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Each article carries its corpus.Fingerprint in the record store (and, for indexes
// made before it, in a stored field), so that telling a re-ingested article from an
// update costs one lookup per article in a read transaction.

// Put stores articles in one batch: all of it is written or none. It reports for
// each article whether it was new, updated, or unchanged (then it is not
// rewritten), or deleted: an article deleted from the archive (Delete), matched by
// its ID or a duplicate key, is skipped (PutRestoring stores it again).
// Articles must carry an ID (corpus.Article.AssignID). Later copies of an ID within
// the same call win. A published date the archive does not keep (see
// corpus.Article.CheckPublished) is cleared in articles, and logged: the article
// is stored undated.
//
// When Put returns without error the new and changed articles are on disk in the
// record store (fsync'd) and searchable in the index; the index reaches the disk
// in the background, and Open indexes again whatever a crash kept from it. A write
// that cannot reach the disk fails with a corpus.EStorageFull or EStorageFailed
// error, and nothing of the batch is stored.
func (ix *Index) Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	return ix.put(ctx, articles, false, false)
}

// PutRestoring is Put, except that articles deleted from the archive (Delete)
// are stored again, and their tombstones dropped, where Put skips them with the
// outcome corpus.Deleted. It is "archive ingest --restore".
func (ix *Index) PutRestoring(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	return ix.put(ctx, articles, false, true)
}

// PutDeferred is Put, except that the articles become searchable a moment after
// it returns: it returns once their records are durable, and Bleve indexes them
// while the caller prepares and stores the next batch. Batches are indexed in
// the order they were stored. Flush waits until all are searchable; Put, Backup
// and Close wait too. A batch whose indexing fails is indexed again from its
// records by the next write or the next Open, and its error is returned by the
// next PutDeferred or Flush.
func (ix *Index) PutDeferred(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	return ix.put(ctx, articles, true, false)
}

// Flush waits until every article stored by PutDeferred is searchable, and returns
// the error of indexing the last deferred batch, if any.
func (ix *Index) Flush() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.settle(); err != nil {
		return err
	}
	return ix.catchUp()
}

// indexing is a deferred batch being indexed.
type indexing struct {
	seq  uint64
	held int
	done chan struct{}
	err  error // read after done is closed
}

// settle waits for the deferred batch being indexed, if any, and returns its
// error. Callers hold mu.
func (ix *Index) settle() error {
	p := ix.indexing
	if p == nil {
		return nil
	}
	<-p.done
	ix.indexing = nil
	if p.err != nil {
		return p.err
	}
	ix.applied, ix.held = p.seq, p.held
	return nil
}

func (ix *Index) put(ctx context.Context, articles []corpus.Article, deferred, restore bool) ([]corpus.Outcome, error) {
	if err := cmp.Or(ctx.Err(), ix.writable()); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	// A deferred batch still being indexed goes on while this one is prepared and
	// stored; a plain Put waits for it.
	var settleErr error
	if !deferred {
		settleErr = ix.settle()
	}
	if ix.indexing == nil {
		// An earlier write whose records were stored but whose batch failed goes
		// first.
		if err := ix.catchUp(); err != nil {
			return nil, errors.Join(settleErr, err)
		}
	}
	now := time.Now()
	// Every article new to the archive in this batch arrives at the same moment,
	// so that the batch is one instant on the arrival axis.
	arrived := now.UTC()
	for i := range articles {
		if articles[i].ID == "" {
			return nil, fmt.Errorf("index: put %s: article has no ID", articles[i].Source)
		}
		// Ingest drops such a date with a warning; one that comes another way
		// is dropped here, so that the index never holds it.
		if w := articles[i].CheckPublished(now); w != "" {
			ix.log.Warn("article stored undated", "id", articles[i].ID, "reason", w)
		}
	}
	// What Put needs to know of each article is worked out once, on every CPU.
	derived := make([]derivedKeys, len(articles))
	ids := make([]string, len(articles))
	parallel(len(articles), func(i int) error {
		ids[i] = articles[i].ID
		derived[i] = derivedKeys{fingerprint: articles[i].Fingerprint(), duplicateKeys: articles[i].DuplicateKeys()}
		return nil
	})
	stored, err := ix.records.fingerprints(ids)
	if err != nil {
		return nil, fmt.Errorf("index: look up %d articles: %w", len(ids), err)
	}

	// An article new to the archive whose URL or text another article already has
	// is a duplicate under another ID: it is counted, not stored.
	var keys []string
	for i := range articles {
		if stored[articles[i].ID] == "" {
			keys = append(keys, derived[i].duplicateKeys...)
		}
	}
	owners, err := ix.records.duplicateOwners(keys)
	if err != nil {
		return nil, fmt.Errorf("index: look up duplicates: %w", err)
	}

	// An article deleted from the archive stays deleted when its input is
	// ingested again, unless it is being restored.
	keysOf := make([][]string, len(articles))
	for i := range articles {
		keysOf[i] = derived[i].duplicateKeys
	}
	stones, err := ix.records.tombstoned(ids, keysOf)
	if err != nil {
		return nil, fmt.Errorf("index: look up deleted articles: %w", err)
	}
	restoring := false

	outcomes := make([]corpus.Outcome, len(articles))
	changed := make([]corpus.Article, 0, len(articles))
	changedKeys := make([]derivedKeys, 0, len(articles))
	slot := make(map[string]int, len(articles))    // id -> its place in changed
	seen := make(map[string]string, len(articles)) // id -> fingerprint in this batch
	fresh := map[string]bool{}                     // ids new to the archive in this batch
	for i := range articles {
		a := articles[i]
		fp := derived[i].fingerprint
		old, inBatch := seen[a.ID]
		if !inBatch {
			old = stored[a.ID]
		}
		if _, ok := stones[i]; ok && !inBatch {
			if !restore {
				outcomes[i] = corpus.Deleted
				continue
			}
			restoring = true
		}
		switch {
		case old == fp:
			outcomes[i] = corpus.Unchanged
			continue
		case old == "" && duplicateOf(a.ID, derived[i].duplicateKeys, owners) != "":
			outcomes[i] = corpus.Unchanged
			continue
		case old == "":
			outcomes[i] = corpus.Indexed
			for _, k := range derived[i].duplicateKeys {
				owners[k] = a.ID // later articles of the batch are duplicates of this one
			}
			// A restored backup's article keeps its arrival (archive restore).
			if !restore || a.Arrived.IsZero() {
				a.Arrived = arrived
			}
			fresh[a.ID] = true
		default:
			outcomes[i] = corpus.Updated
			if !fresh[a.ID] {
				a.Arrived = time.Time{} // the stored record's, below
			} else {
				a.Arrived = arrived
			}
		}
		seen[a.ID] = fp
		if a.Extractor == "" {
			a.Extractor = ix.extractor
		}
		if j, ok := slot[a.ID]; ok {
			changed[j], changedKeys[j] = a, derived[i]
			continue
		}
		slot[a.ID] = len(changed)
		changed = append(changed, a)
		changedKeys = append(changedKeys, derived[i])
	}
	if len(changed) == 0 {
		return outcomes, nil
	}

	if err := ix.keepArrivals(changed, arrived); err != nil {
		return nil, err
	}
	start := time.Now()
	// Stories are assigned before the records are written, so that a rebuild from
	// the records groups the copies as they were grouped here.
	ptrs := make([]*corpus.Article, len(changed))
	for i := range changed {
		ptrs[i] = &changed[i]
	}
	sigs, err := ix.assignStories(ctx, ptrs)
	if err != nil {
		return nil, err
	}
	fingerprints := make([]string, len(changed))
	for i := range changedKeys {
		fingerprints[i] = changedKeys[i].fingerprint
	}
	encoded, err := ix.records.encode(changed, fingerprints)
	if err != nil {
		return nil, fmt.Errorf("index: encode records: %w", err)
	}
	for i := range encoded {
		encoded[i].duplicateKeys = changedKeys[i].duplicateKeys
	}
	seq, held, err := ix.records.putEncoded(changed, encoded, sigs, ix.persisted.Load(), restoring)
	if err != nil {
		ix.log.Error("storing records failed", "articles", len(changed), "err", err)
		return nil, storageError(ix.dataDir, err)
	}
	// The records are durable: from here on the articles are accepted, and a
	// failure to index them is repaired by the next Put or the next Open.
	if deferred {
		// Batches reach Bleve in order: the one before this goes first.
		if err := ix.settle(); err != nil {
			return nil, err
		}
		p := &indexing{seq: seq, held: held, done: make(chan struct{})}
		ix.indexing = p
		go func() {
			defer close(p.done)
			p.err = ix.indexBatch(changed, seq, held)
			if p.err == nil {
				ix.announce(fresh, arrived)
			}
		}()
		return outcomes, nil
	}
	if err := ix.indexBatch(changed, seq, held); err != nil {
		return nil, err
	}
	ix.announce(fresh, arrived)
	ix.applied, ix.held = seq, held
	ix.log.Debug("batch written", "articles", len(articles), "changed", len(changed), "seq", seq, "took", time.Since(start))
	return outcomes, nil
}

// derivedKeys are what Put derives from an article's content.
type derivedKeys struct {
	fingerprint   string
	duplicateKeys []string
}

// indexBatch writes articles to the Bleve index in one batch that also records seq
// as applied, and held as the number of records the store holds at seq. Once Bleve
// has persisted the batch, the record store's log up to seq may be dropped.
func (ix *Index) indexBatch(articles []corpus.Article, seq uint64, held int) error {
	return ix.applyBatch(articles, nil, seq, held)
}

// applyBatch is indexBatch that also removes the documents of deleted.
func (ix *Index) applyBatch(articles []corpus.Article, deleted []string, seq uint64, held int) error {
	batch := ix.bleve.NewBatch()
	people := ix.layer()
	for i := range articles {
		a := people.ApplyTo(&articles[i])
		if err := batch.Index(a.ID, storedDocument(a)); err != nil {
			return fmt.Errorf("index: put %s: %w", a.ID, err)
		}
	}
	for _, id := range deleted {
		batch.Delete(id)
	}
	batch.SetInternal(keyApplied, seqKey(seq))
	batch.SetInternal(keyState, encodeState(seq, held))
	batch.SetPersistedCallback(func(err error) {
		if err != nil {
			return
		}
		for {
			cur := ix.persisted.Load()
			if seq <= cur || ix.persisted.CompareAndSwap(cur, seq) {
				return
			}
		}
	})
	if err := ix.bleve.Batch(batch); err != nil {
		return fmt.Errorf("index: write batch of %d: %w", len(articles), err)
	}
	return nil
}

// storedDocument is the indexed form of an article as it is stored: with its
// story.
func storedDocument(a *corpus.Article) map[string]any {
	d := document(a)
	addStoryFields(d, cmp.Or(a.Story, a.ID))
	return d
}

// document is the indexed form of an article: a map, so that exactly the mapped
// fields reach Bleve. What is only shown, never searched (URL, source, dates of
// ingest), stays in the record store.
func document(a *corpus.Article) map[string]any {
	d := map[string]any{
		fieldTitle: a.Title,
		fieldBody:  a.Body,
	}
	if a.Outlet != "" {
		d[fieldOutlet] = a.Outlet
	}
	if len(a.Persons) > 0 {
		d[fieldPersons] = a.Persons
	}
	if len(a.Authors) > 0 {
		d[fieldAuthors] = a.Authors
	}
	if !a.Published.IsZero() {
		d[fieldPublished] = a.Published.UTC()
		d[fieldPublishedMonth] = corpus.Month.Key(a.Published.UTC())
	}
	if t := a.ArrivedAt(); !t.IsZero() && arrivalIndexable(t) {
		d[fieldArrived] = t.UTC()
	}
	return d
}

// duplicateOf returns the ID of another article than id with one of keys, the
// article's duplicate keys, or "".
func duplicateOf(id string, keys []string, owners map[string]string) string {
	for _, k := range keys {
		if owner, ok := owners[k]; ok && owner != id {
			return owner
		}
	}
	return ""
}

// parallel calls f for 0 <= i < n on every CPU and returns the first error.
func parallel(n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := f(i); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
