package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/article-archive/archive/corpus"
)

// The record store keeps the normalized record of every accepted article in a bbolt
// file beside the index. It is the archive's source of truth: the index can be
// rebuilt from it (Rebuild), and a write is acknowledged only once its records are
// committed here, which bbolt does with an fsync.
//
// Every write gets a sequence number. The store logs which IDs each sequence wrote;
// the index stores the last sequence it applied in the same Bleve batch as the
// documents. On Open, logged sequences the index has not persisted are applied
// again, so an acknowledged article is in the index after any crash, exactly once
// (documents are keyed by ID). Log entries are dropped once Bleve reports their
// batch persisted.

// RecordsFile is the record store's file inside the data directory.
const RecordsFile = "records.db"

var (
	bucketArticles = []byte("articles") // id -> storedRecord JSON
	bucketLog      = []byte("log")      // sequence (8 bytes, big endian) -> JSON array of IDs
	bucketMeta     = []byte("meta")
	bucketBands    = []byte("story_bands") // LSH band key -> IDs, \x00-separated (see story.go)
	bucketStories  = []byte("story_sigs")  // id -> story \x00 signature
	bucketDupKeys  = []byte("dup_keys")    // corpus.Article.DuplicateKeys -> the first ID with it
	keyLastSeq     = []byte("last_seq")
)

// storedRecord is the value of one article in the record store.
type storedRecord struct {
	Fingerprint string         `json:"fingerprint"`
	Seq         uint64         `json:"seq"`
	Article     corpus.Article `json:"article"`
}

// records is the record store.
type records struct {
	db *bolt.DB
	// fail, when set, is called before every commit; tests inject write failures
	// (a full disk, a read-only file system) through it.
	fail func() error
}

// openRecords opens (creating) the record store in dataDir, waiting up to timeout
// for another process to release it; then it returns an error wrapping ErrLocked.
func openRecords(dataDir string, timeout time.Duration, readOnly bool) (*records, error) {
	path := filepath.Join(dataDir, RecordsFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: readOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("index: open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	if readOnly {
		return &records{db: db}, nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketArticles, bucketLog, bucketMeta, bucketBands, bucketStories, bucketDupKeys} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("index: prepare %s: %w", path, err)
	}
	return &records{db: db}, nil
}

func (r *records) close() error { return r.db.Close() }

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// lastSeq returns the sequence of the last committed write.
func (r *records) lastSeq() (uint64, error) {
	var seq uint64
	err := r.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyLastSeq); len(v) == 8 {
			seq = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return seq, err
}

// count returns how many records the store holds.
func (r *records) count() (int, error) {
	var n int
	err := r.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketArticles).Stats().KeyN
		return nil
	})
	return n, err
}

// fingerprints returns the stored fingerprints of those ids that have a record.
func (r *records) fingerprints(ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := r.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for _, id := range ids {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			var rec struct {
				Fingerprint string `json:"fingerprint"`
			}
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("record %q: %w", id, err)
			}
			out[id] = rec.Fingerprint
		}
		return nil
	})
	return out, err
}

// get returns the record of id, or false.
func (r *records) get(id string) (storedRecord, bool, error) {
	var rec storedRecord
	var found bool
	err := r.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketArticles).Get([]byte(id))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &rec)
	})
	return rec, found, err
}

// put commits articles as one write with the next sequence number, and drops the
// log entries up to persisted, whose batches the index has on disk. It returns the
// new sequence once the commit is on disk.
func (r *records) put(articles []corpus.Article, sigs []storySignature, persisted uint64) (uint64, error) {
	if r.fail != nil {
		if err := r.fail(); err != nil {
			return 0, err
		}
	}
	var seq uint64
	err := r.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keyLastSeq); len(v) == 8 {
			seq = binary.BigEndian.Uint64(v)
		}
		seq++
		b := tx.Bucket(bucketArticles)
		ids := make([]string, len(articles))
		for i := range articles {
			a := &articles[i]
			ids[i] = a.ID
			v, err := json.Marshal(storedRecord{Fingerprint: a.Fingerprint(), Seq: seq, Article: *a})
			if err != nil {
				return err
			}
			if err := b.Put([]byte(a.ID), v); err != nil {
				return err
			}
		}
		if err := putStorySignatures(tx, articles, sigs); err != nil {
			return err
		}
		if err := putDuplicateKeys(tx, articles); err != nil {
			return err
		}
		logged, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		log := tx.Bucket(bucketLog)
		if err := log.Put(seqKey(seq), logged); err != nil {
			return err
		}
		if err := pruneLog(log, persisted); err != nil {
			return err
		}
		return meta.Put(keyLastSeq, seqKey(seq))
	})
	if err != nil {
		return 0, err
	}
	return seq, nil
}

// pruneLog deletes the log entries up to and including seq.
func pruneLog(log *bolt.Bucket, seq uint64) error {
	c := log.Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= seq; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// since returns the records written by the logged sequences after seq, each once.
func (r *records) since(seq uint64) ([]corpus.Article, error) {
	var out []corpus.Article
	err := r.db.View(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
		articles := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketLog).Cursor()
		for k, v := c.Seek(seqKey(seq + 1)); k != nil; k, v = c.Next() {
			var ids []string
			if err := json.Unmarshal(v, &ids); err != nil {
				return fmt.Errorf("log entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			for _, id := range ids {
				if seen[id] {
					continue
				}
				seen[id] = true
				var rec storedRecord
				data := articles.Get([]byte(id))
				if data == nil {
					return fmt.Errorf("log entry %d names %q, which has no record", binary.BigEndian.Uint64(k), id)
				}
				if err := json.Unmarshal(data, &rec); err != nil {
					return fmt.Errorf("record %q: %w", id, err)
				}
				out = append(out, rec.Article)
			}
		}
		return nil
	})
	return out, err
}

// each calls f with every record, in ID order, from one consistent view.
func (r *records) each(f func(corpus.Article) error) error {
	return r.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			var rec storedRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("record %q: %w", k, err)
			}
			return f(rec.Article)
		})
	})
}

// storageError turns a failed write of the data directory into an error a user can
// act on, without the server's paths; the directory and the cause stay in the chain
// for the log.
func storageError(dataDir string, err error) error {
	var e *corpus.Error
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		e = corpus.Errorf(corpus.EStorageFull, "the disk holding the archive is full: the write stopped at a batch that was not stored (earlier batches of a large request may be); free some space and send it again, what is stored already counts as duplicate (searches still work)")
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		e = corpus.Errorf(corpus.EStorageFailed, "the archive's data directory cannot be written (read-only?): nothing more is stored; make it writable and send the articles again, what is stored already counts as duplicate (searches still work)")
	default:
		e = corpus.Errorf(corpus.EStorageFailed, "the archive could not store the articles: the write stopped at a batch that was not stored; send it again once the disk is fixed, what is stored already counts as duplicate (searches still work)")
	}
	// The directory and the cause are for the log: a client sees the message only.
	return &storageFailure{user: e, cause: fmt.Errorf("%s: %w", dataDir, err)}
}

// storageFailure carries a user's message and the underlying cause.
type storageFailure struct {
	user  *corpus.Error
	cause error
}

func (s *storageFailure) Error() string { return s.user.Message + ": " + s.cause.Error() }

// Unwrap gives errors.As the corpus error and errors.Is the cause.
func (s *storageFailure) Unwrap() []error { return []error{s.user, s.cause} }

// putStorySignatures files each article's signature under its story and its ID
// under each of its band keys. A changed article leaves its old band keys behind;
// they only make it a candidate that its current signature then turns down.
func putStorySignatures(tx *bolt.Tx, articles []corpus.Article, sigs []storySignature) error {
	bands, stories := tx.Bucket(bucketBands), tx.Bucket(bucketStories)
	if bands == nil || stories == nil || sigs == nil {
		return nil
	}
	for i := range articles {
		if !sigs[i].ok {
			continue
		}
		a := &articles[i]
		if err := stories.Put([]byte(a.ID), []byte(a.Story+"\x00"+sigs[i].sig.String())); err != nil {
			return err
		}
		for _, key := range sigs[i].sig.Bands() {
			old := bands.Get([]byte(key))
			v := make([]byte, 0, len(old)+1+len(a.ID))
			if len(old) > 0 {
				v = append(append(v, old...), 0)
			}
			if err := bands.Put([]byte(key), append(v, a.ID...)); err != nil {
				return err
			}
		}
	}
	return nil
}

// storyCandidates returns up to limit stored articles filed under any of the band
// keys, with their story and signature.
func (r *records) storyCandidates(keys []string, limit int) ([]storyCandidate, error) {
	var out []storyCandidate
	err := r.db.View(func(tx *bolt.Tx) error {
		bands, stories := tx.Bucket(bucketBands), tx.Bucket(bucketStories)
		if bands == nil || stories == nil {
			return nil
		}
		seen := map[string]bool{}
		for _, key := range keys {
			for _, id := range bytes.Split(bands.Get([]byte(key)), []byte{0}) {
				if len(id) == 0 || seen[string(id)] || len(out) >= limit {
					continue
				}
				seen[string(id)] = true
				story, sig, ok := bytes.Cut(stories.Get(id), []byte{0})
				if !ok {
					continue
				}
				s, ok := corpus.ParseSignature(string(sig))
				if !ok {
					continue
				}
				out = append(out, storyCandidate{id: string(id), story: string(story), sig: s})
			}
		}
		return nil
	})
	return out, err
}

// putDuplicateKeys files the articles under their duplicate keys, keeping the
// first owner of a key.
func putDuplicateKeys(tx *bolt.Tx, articles []corpus.Article) error {
	b := tx.Bucket(bucketDupKeys)
	if b == nil {
		return nil
	}
	for i := range articles {
		for _, k := range articles[i].DuplicateKeys() {
			if b.Get([]byte(k)) == nil {
				if err := b.Put([]byte(k), []byte(articles[i].ID)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// duplicateOwners returns the stored article ID filed under each of keys that has one.
func (r *records) duplicateOwners(keys []string) (map[string]string, error) {
	out := map[string]string{}
	err := r.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDupKeys)
		if b == nil {
			return nil
		}
		for _, k := range keys {
			if v := b.Get([]byte(k)); v != nil {
				out[k] = string(v)
			}
		}
		return nil
	})
	return out, err
}
