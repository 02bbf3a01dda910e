package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// Deleting an article removes its record and its document, and leaves a
// tombstone in the record store: its ID and duplicate keys, so that ingesting the
// same file again does not bring it back (Put reports corpus.Deleted), unless the
// caller asks for it (PutRestoring). Tombstones live in the record store, so they
// are in backups and outlast a rebuild of the index.
//
//	tombstones:     id -> tombstone JSON
//	tombstone_keys: duplicate key -> the deleted ID
//
// The deleted record's number (ref) is kept as a hole, an empty value in the
// records table, so that refs keep counting up and the store's count of records
// (countTx) is the last ref less meta's count of holes.
var (
	bucketTombstones    = []byte("tombstones")
	bucketTombstoneKeys = []byte("tombstone_keys")
	keyHoles            = []byte("holes")
)

// tombstone is what the record store keeps of a deleted article.
type tombstone struct {
	DeletedAt time.Time `json:"deleted_at"`
	By        string    `json:"by,omitempty"`
	Title     string    `json:"title,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	Story     string    `json:"story,omitempty"`
	Keys      []string  `json:"keys,omitempty"`
}

// errNoRecord says a deleted ID has no record.
var errNoRecord = errors.New("no record")

// Delete removes article id from the archive: from search, facets, stories,
// related articles and exports at once, and from the record store, where a
// tombstone keeps it from coming back when the same input is ingested again. by
// names who deleted it, for the tombstone. It returns the deleted article, a
// corpus.ENotFound error for an ID the archive does not hold, or a storage error
// (corpus.EStorageFull, EStorageFailed) when the deletion could not be written.
func (ix *Index) Delete(ctx context.Context, id, by string) (corpus.Article, error) {
	if err := cmp.Or(ctx.Err(), ix.writable()); err != nil {
		return corpus.Article{}, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.settle(); err != nil {
		return corpus.Article{}, err
	}
	if err := ix.catchUp(); err != nil {
		return corpus.Article{}, err
	}
	a, seq, held, err := ix.records.delete(id, by, time.Now().UTC(), ix.persisted.Load())
	if errors.Is(err, errNoRecord) {
		return corpus.Article{}, ix.notFound(id)
	}
	if err != nil {
		ix.log.Error("deleting a record failed", "id", id, "err", err)
		return corpus.Article{}, storageError(ix.dataDir, err)
	}
	if err := ix.applyBatch(nil, []string{id}, seq, held); err != nil {
		return corpus.Article{}, err
	}
	ix.applied, ix.held = seq, held
	ix.log.Info("article deleted", "id", id, "by", by)
	return a, nil
}

// delete removes id's record and story entry, files its tombstone and logs the
// deletion as the next sequence, in one transaction. It returns the deleted
// article, the sequence and how many records the store holds after it, or an
// error wrapping errNoRecord.
func (r *records) delete(id, by string, now time.Time, persisted uint64) (a corpus.Article, seq uint64, held int, err error) {
	if r.fail != nil {
		if err := r.fail(); err != nil {
			return a, 0, 0, err
		}
	}
	err = r.update(func(tx *bolt.Tx) error {
		ids := tx.Bucket(bucketIDs)
		v := ids.Get([]byte(id))
		if v == nil {
			return errNoRecord
		}
		e, err := decodeIDEntry(v)
		if err != nil {
			return fmt.Errorf("record %q: %w", id, err)
		}
		recs := tx.Bucket(bucketRecords)
		if data := recs.Get(refKey(e.ref)); len(data) > 0 {
			if a, err = r.codec.decode(data); err != nil {
				return fmt.Errorf("record %q: %w", id, err)
			}
		}
		a.ID = id
		if err := ids.Delete([]byte(id)); err != nil {
			return err
		}
		if err := recs.Put(refKey(e.ref), []byte{}); err != nil {
			return err
		}
		if err := tx.Bucket(bucketStoryRefs).Delete(refKey(e.ref)); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyHoles, seqKey(holesTx(tx)+1)); err != nil {
			return err
		}
		stone := tombstone{DeletedAt: now, By: by, Title: a.Title, Outlet: a.Outlet, Story: a.Story, Keys: a.DuplicateKeys()}
		dup, tkeys := tx.Bucket(bucketDupKeys), tx.Bucket(bucketTombstoneKeys)
		for _, k := range stone.Keys {
			if string(dup.Get([]byte(k))) == id {
				if err := dup.Delete([]byte(k)); err != nil {
					return err
				}
			}
			if err := tkeys.Put([]byte(k), []byte(id)); err != nil {
				return err
			}
		}
		js, err := json.Marshal(stone)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketTombstones).Put([]byte(id), js); err != nil {
			return err
		}
		if seq, err = logWrite(tx, []string{id}, persisted); err != nil {
			return err
		}
		held = countTx(tx)
		return nil
	})
	return a, seq, held, err
}

// holesTx returns how many records were deleted (their refs are holes).
func holesTx(tx *bolt.Tx) uint64 {
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v := meta.Get(keyHoles); len(v) == 8 {
			return binary.BigEndian.Uint64(v)
		}
	}
	return 0
}

// logWrite logs ids as written by the next sequence, drops the log up to
// persisted, and moves the last sequence on. It returns the new sequence.
func logWrite(tx *bolt.Tx, ids []string, persisted uint64) (uint64, error) {
	meta := tx.Bucket(bucketMeta)
	var seq uint64
	if v := meta.Get(keyLastSeq); len(v) == 8 {
		seq = binary.BigEndian.Uint64(v)
	}
	seq++
	logged, err := json.Marshal(ids)
	if err != nil {
		return 0, err
	}
	log := tx.Bucket(bucketLog)
	if err := log.Put(seqKey(seq), logged); err != nil {
		return 0, err
	}
	if err := pruneLog(log, persisted); err != nil {
		return 0, err
	}
	return seq, meta.Put(keyLastSeq, seqKey(seq))
}

// tombstoned returns, for the articles given by ID and duplicate keys, the deleted
// ID each one matches: its own ID, or the ID a duplicate key was deleted with.
// Articles that match no tombstone are left out.
func (r *records) tombstoned(ids []string, keys [][]string) (map[int]string, error) {
	out := map[int]string{}
	err := r.view(func(tx *bolt.Tx) error {
		stones, tkeys := tx.Bucket(bucketTombstones), tx.Bucket(bucketTombstoneKeys)
		if stones == nil || tkeys == nil || isEmpty(stones) {
			return nil
		}
		for i, id := range ids {
			if stones.Get([]byte(id)) != nil {
				out[i] = id
				continue
			}
			for _, k := range keys[i] {
				if v := tkeys.Get([]byte(k)); v != nil {
					out[i] = string(v)
					break
				}
			}
		}
		return nil
	})
	return out, err
}

// clearTombstones drops, in tx, the tombstones of the articles' IDs, and their
// duplicate keys from the tombstones of others: the articles are being stored
// again (PutRestoring). A deleted article brought back under another ID keeps
// its own tombstone, so that the log's record of its deletion stays readable.
func clearTombstones(tx *bolt.Tx, articles []corpus.Article, encoded []encodedRecord) error {
	stones, tkeys := tx.Bucket(bucketTombstones), tx.Bucket(bucketTombstoneKeys)
	for i := range articles {
		id := articles[i].ID
		keys := encoded[i].duplicateKeys
		if keys == nil {
			keys = articles[i].DuplicateKeys()
		}
		if v := stones.Get([]byte(id)); v != nil {
			var stone tombstone
			if err := json.Unmarshal(v, &stone); err != nil {
				return fmt.Errorf("tombstone %q: %w", id, err)
			}
			for _, k := range stone.Keys {
				if string(tkeys.Get([]byte(k))) == id {
					if err := tkeys.Delete([]byte(k)); err != nil {
						return err
					}
				}
			}
			if err := stones.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if tkeys.Get([]byte(k)) != nil {
				if err := tkeys.Delete([]byte(k)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Tombstones returns how many deleted articles the archive remembers.
func (ix *Index) Tombstones() (int, error) {
	n := 0
	err := ix.records.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketTombstones); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n, err
}

// isTombstoned tells whether the record store holds a tombstone for id.
func isTombstoned(tx *bolt.Tx, id string) bool {
	b := tx.Bucket(bucketTombstones)
	return b != nil && b.Get([]byte(id)) != nil
}

// deletedAfter counts the articles deleted by the logged writes after seq: an
// index that has applied only seq still holds them, and is not damaged for it.
// A log it cannot read counts none.
func (r *records) deletedAfter(seq uint64) int {
	n := 0
	r.view(func(tx *bolt.Tx) error {
		stones, log := tx.Bucket(bucketTombstones), tx.Bucket(bucketLog)
		if stones == nil || log == nil || isEmpty(stones) {
			return nil
		}
		seen := map[string]bool{}
		c := log.Cursor()
		for k, v := c.Seek(seqKey(seq + 1)); k != nil; k, v = c.Next() {
			var ids []string
			if json.Unmarshal(v, &ids) != nil {
				continue
			}
			for _, id := range ids {
				if !seen[id] && stones.Get([]byte(id)) != nil && !recordHeld(tx, id) {
					n++
				}
				seen[id] = true
			}
		}
		return nil
	})
	return n
}

// isEmpty tells whether b holds no key, in one page read (Stats walks them all).
func isEmpty(b *bolt.Bucket) bool {
	k, _ := b.Cursor().First()
	return k == nil
}

// tombstone returns the tombstone of id, when it was deleted.
func (r *records) tombstone(id string) (tombstone, bool) {
	var stone tombstone
	found := false
	r.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTombstones)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(id)); v != nil {
			found = json.Unmarshal(v, &stone) == nil
		}
		return nil
	})
	return stone, found
}
