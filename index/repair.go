package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

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
// beside it. The old file's pages are read by the archive's own means
// (boltcheck.go), never by bbolt, which could loop on a damaged one, and a
// damaged page costs the records below it and no others. The last write's
// sequence is kept.
func salvage(ctx context.Context, dataDir string, timeout time.Duration, progress func(done, total int), total int) (copied int, kept string, err error) {
	path := filepath.Join(dataDir, RecordsFile)
	newPath := path + ".salvage"
	copied, err = salvageInto(ctx, path, newPath, timeout, progress, total)
	if err != nil {
		return copied, "", err
	}
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

// salvageInto copies the records of the store at path that can be read into a
// new store at newPath.
func salvageInto(ctx context.Context, path, newPath string, timeout time.Duration, progress func(done, total int), total int) (copied int, err error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("index: salvage: %w", err)
	}
	// The old store's lock keeps a server out while it is read.
	lock, err := openBolt(path, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if errors.Is(err, berrors.ErrTimeout) {
		return 0, fmt.Errorf("index: salvage %s: %w", path, ErrLocked)
	}
	if err == nil {
		defer lock.Close()
	} // a file bbolt cannot open at all is read all the same
	old, err := openRawBolt(path)
	if err != nil {
		return 0, fmt.Errorf("index: salvage: the record store cannot be read at all (%v): %w", err, ErrDamaged)
	}
	defer old.close()
	if err := os.Remove(newPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("index: salvage: %w", err)
	}
	dst, err := openRecordsAt(newPath, timeout)
	if err != nil {
		return 0, fmt.Errorf("index: salvage: %w", err)
	}
	defer func() {
		dst.close()
		if err != nil {
			os.Remove(newPath)
		}
	}()
	if err := dst.prepare(); err != nil {
		return 0, fmt.Errorf("index: salvage: %w", err)
	}
	var last uint64
	old.each(string(bucketMeta), func(k, v []byte) error {
		if string(k) == string(keyLastSeq) && len(v) == 8 {
			last = binary.BigEndian.Uint64(v)
		}
		return nil
	})
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
			return putDuplicateKeys(tx, batch, encoded)
		})
		copied += len(batch)
		batch = batch[:0]
		if progress != nil {
			progress(copied, total)
		}
		return err
	}
	take := func(_, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := dst.codec.decode(v)
		if err != nil || a.ID == "" {
			return nil // unreadable: lost
		}
		batch = append(batch, a)
		if len(batch) < salvageBatch {
			return nil
		}
		return flush()
	}
	for _, name := range [][]byte{bucketRecords, bucketLegacyArticles} {
		if _, err := old.each(string(name), take); err != nil {
			return copied, fmt.Errorf("index: salvage: %w", err)
		}
	}
	if err := flush(); err != nil {
		return copied, fmt.Errorf("index: salvage: %w", err)
	}
	// The tombstones go along: a deleted article stays deleted.
	for _, name := range [][]byte{bucketTombstones, bucketTombstoneKeys} {
		var kvs [][2][]byte
		old.each(string(name), func(k, v []byte) error {
			kvs = append(kvs, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
			return nil
		})
		err := dst.update(func(tx *bolt.Tx) error {
			for _, kv := range kvs {
				if err := tx.Bucket(name).Put(kv[0], kv[1]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return copied, fmt.Errorf("index: salvage: %w", err)
		}
	}
	if err := salvagePeople(old, dst); err != nil {
		return copied, err
	}
	err = dst.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyLastSeq, seqKey(last)) })
	if err == nil {
		err = dst.db.Sync()
	}
	if err != nil {
		return copied, fmt.Errorf("index: salvage: %w", err)
	}
	return copied, nil
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
