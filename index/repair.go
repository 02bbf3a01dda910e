package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// RepairOptions tune Repair.
type RepairOptions struct {
	CheckOptions
	// AcceptLoss lets Repair make a consistent archive without the articles that
	// cannot be recovered, rather than stop and list them.
	AcceptLoss bool
}

// RepairReport says what Repair found and did.
type RepairReport struct {
	Before CheckReport
	// Actions say what was done, in order.
	Actions []string
	// Unrecoverable are the acknowledged articles nothing here can bring back: the
	// index holds only their IDs and stories. LostList is the file that lists
	// them all.
	Unrecoverable IDCount
	LostList      string
	// After is the check made once the repairs were done; zero when Repair
	// stopped before.
	After CheckReport
}

// Repair recovers what can be recovered of the archive in dataDir. A record store
// whose file is damaged is copied, record by record, into a new one, so that
// every record that can still be read is kept (the damaged file stays beside it,
// DATA/records.db.damaged-TIME); an index that is damaged, or lacks records, is
// moved aside and rebuilt from the records. Articles that are lost (the index
// lists them but no record of them can be read) cannot be recovered: Repair
// lists them in DATA/lost-TIME.txt and, unless AcceptLoss, stops there with an
// error wrapping ErrWouldLose, leaving the index that lists them; with
// AcceptLoss it rebuilds the index without them.
func Repair(ctx context.Context, dataDir string, opts RepairOptions) (RepairReport, error) {
	log, timeout := opts.defaults()
	var rep RepairReport
	var err error
	if rep.Before, err = Check(ctx, dataDir, opts.CheckOptions); err != nil {
		return rep, err
	}
	if rep.Before.Healthy() {
		rep.After = rep.Before
		return rep, nil
	}
	before := rep.Before
	// 1. The record store: copy what can be read into a new file (a store that
	// only fell back to an older transaction holds nothing more to copy).
	fileDamage := len(before.RecordsDamage)
	if before.metaPage {
		fileDamage--
	}
	switch {
	case fileDamage > 0 || before.Unreadable.N > 0 || (before.Lost.N > 0 && before.IndexSeq <= before.RecordsSeq):
		copied, kept, err := salvage(ctx, dataDir, timeout, opts.Progress, before.Records)
		if err != nil {
			return rep, err
		}
		rep.Actions = append(rep.Actions, fmt.Sprintf("copied the %d records that can be read into a new record store; the damaged file is kept as %s", copied, filepath.Base(kept)))
	case before.olderMetaPage:
		recs, err := openRecords(dataDir, timeout, false)
		if err != nil {
			return rep, err
		}
		err = recs.prepare() // a write rewrites the damaged meta page
		recs.close()
		if err != nil {
			return rep, err
		}
		rep.Actions = append(rep.Actions, "rewrote the record store's damaged meta page (it held an older transaction: nothing was lost)")
	}
	// 2. What is lost for good, now that everything readable is in the store.
	lostPath := filepath.Join(dataDir, "lost-"+time.Now().UTC().Format("20060102T150405Z")+".txt")
	f, err := os.Create(lostPath)
	if err != nil {
		return rep, fmt.Errorf("index: repair: %w", err)
	}
	mid, err := Check(ctx, dataDir, CheckOptions{Options: opts.Options, ListLost: f})
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return rep, err
	}
	if mid.Lost.N+mid.Unreadable.N > 0 {
		rep.LostList = lostPath
		rep.Unrecoverable = IDCount{N: mid.Lost.N + mid.Unreadable.N, IDs: append(append([]string(nil), mid.Lost.IDs...), mid.Unreadable.IDs...)}
	} else {
		os.Remove(lostPath)
	}
	if mid.LosesArticles() && !opts.AcceptLoss {
		return rep, fmt.Errorf("index: repair: %d acknowledged articles cannot be recovered (the index holds only their IDs and stories)%s: restore the archive from a backup ('archive backup' made one), or run repair with --accept-loss to rebuild the index without them: %w",
			rep.Unrecoverable.N, listedIn(rep.LostList), ErrWouldLose)
	}
	// 3. The index: rebuilt from the records when it is damaged, lacks records,
	// or (accepted) lists what is lost.
	if mid.IndexDamage != "" || mid.Unindexed.N > 0 || mid.LosesArticles() || mid.Indexed != uint64(mid.Read) {
		stats, err := Rebuild(ctx, dataDir, RebuildOptions{Options: opts.Options, AcceptLoss: opts.AcceptLoss})
		if err != nil {
			return rep, err
		}
		what := fmt.Sprintf("rebuilt the index from the %d records", stats.Articles)
		if mid.LosesArticles() {
			what += fmt.Sprintf(", without the %d articles that are lost (as --accept-loss asked)", rep.Unrecoverable.N)
		}
		if stats.KeptIndex != "" {
			what += "; the old index is kept as " + filepath.Base(stats.KeptIndex)
		}
		rep.Actions = append(rep.Actions, what)
	}
	if rep.After, err = Check(ctx, dataDir, opts.CheckOptions); err != nil {
		return rep, err
	}
	log.Info("repair done", "actions", len(rep.Actions), "healthy", rep.After.Healthy())
	return rep, nil
}

func listedIn(path string) string {
	if path == "" {
		return ""
	}
	return ", listed in " + path
}

// salvageBatch is how many records one transaction of a salvage copies.
const salvageBatch = 1000

// salvage copies every record of the store in dataDir that can still be read
// into a new store and puts it in the old one's place; the old file is kept
// beside it. Records are read by number, each on its own, so that a damaged page
// costs the records on it and no others. The last write's sequence is kept.
func salvage(ctx context.Context, dataDir string, timeout time.Duration, progress func(done, total int), total int) (copied int, kept string, err error) {
	path := filepath.Join(dataDir, RecordsFile)
	old, err := openRecords(dataDir, timeout, false)
	if errors.Is(err, ErrDamaged) {
		// bbolt cannot open it for writing (its list of free pages, say); reading
		// may still work.
		old, err = openRecords(dataDir, timeout, true)
	}
	if err != nil {
		return 0, "", fmt.Errorf("index: salvage: the record store cannot be opened at all: %w", err)
	}
	defer func() {
		if old != nil {
			old.close()
		}
	}()
	newPath := path + ".salvage"
	if err := os.Remove(newPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, "", fmt.Errorf("index: salvage: %w", err)
	}
	dst, err := openRecordsAt(newPath, timeout)
	if err != nil {
		return 0, "", fmt.Errorf("index: salvage: %w", err)
	}
	defer func() {
		if dst != nil {
			dst.close()
			os.Remove(newPath)
		}
	}()
	if err := dst.prepare(); err != nil {
		return 0, "", fmt.Errorf("index: salvage: %w", err)
	}
	last, _ := old.lastSeq()
	var batch []corpus.Article
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		encoded, err := dst.encode(batch, nil)
		if err != nil {
			return err
		}
		err = dst.update(func(tx *bolt.Tx) error {
			if err := putRecords(tx, batch, encoded, signaturesOf(batch)); err != nil {
				return err
			}
			if err := putDuplicateKeys(tx, batch, encoded); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keyLastSeq, seqKey(last))
		})
		copied += len(batch)
		batch = batch[:0]
		return err
	}
	err = old.readEach(ctx, func(a corpus.Article) error {
		batch = append(batch, a)
		if len(batch) < salvageBatch {
			return nil
		}
		if progress != nil {
			progress(copied+len(batch), total)
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		// An empty store keeps the sequence too.
		err = dst.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyLastSeq, seqKey(last)) })
	}
	if err != nil {
		return copied, "", fmt.Errorf("index: salvage: %w", err)
	}
	if err := dst.db.Sync(); err != nil {
		return copied, "", fmt.Errorf("index: salvage: %w", err)
	}
	dst.close()
	dst = nil
	kept = path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(path, kept); err != nil {
		os.Remove(newPath)
		return copied, "", fmt.Errorf("index: salvage: %w", err)
	}
	if err := os.Rename(newPath, path); err != nil {
		return copied, kept, fmt.Errorf("index: salvage: the damaged store is %s and the new one %s: %w", kept, newPath, err)
	}
	if err := syncDir(dataDir); err != nil {
		return copied, kept, fmt.Errorf("index: salvage: %w", err)
	}
	return copied, kept, nil
}

// openRecordsAt opens (creating) a record store at path.
func openRecordsAt(path string, timeout time.Duration) (*records, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if err != nil {
		return nil, err
	}
	codec, err := newRecordCodec()
	if err != nil {
		db.Close()
		return nil, err
	}
	return &records{db: db, codec: codec}, nil
}

// readEach calls f with every record that can be read, by number (then the legacy
// layout's, by ID), each read on its own so that a damaged page costs only the
// records on it.
func (r *records) readEach(ctx context.Context, f func(corpus.Article) error) error {
	var last uint64
	r.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRecords); b != nil {
			if k, _ := b.Cursor().Last(); len(k) == 8 {
				last = binary.BigEndian.Uint64(k)
			}
		}
		return nil
	})
	// The last number may itself be on a damaged page: go on past it while
	// records are found.
	for ref, misses := uint64(1), 0; ref <= last || misses < 1000; ref++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var a corpus.Article
		var found bool
		r.view(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketRecords)
			if b == nil {
				return nil
			}
			v := b.Get(refKey(ref))
			if v == nil {
				return nil
			}
			var err error
			a, err = r.codec.decode(v)
			found = err == nil && a.ID != ""
			return nil
		})
		if !found {
			if ref > last {
				misses++
			}
			continue
		}
		misses = 0
		if err := f(a); err != nil {
			return err
		}
	}
	return r.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLegacyArticles)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			if a, err := r.codec.decode(v); err == nil && a.ID != "" {
				return f(a)
			}
			return nil
		})
	})
}
