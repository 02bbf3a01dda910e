package index

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
//
// Records are compressed and numbered in the order they were first stored
// (records_format.go), and the story tables name articles by that number
// (records_story.go): it keeps the store near a third of its size in the layout
// of JSON records keyed by ID, which openRecords migrates (records_migrate.go).

// RecordsFile is the record store's file inside the data directory.
const RecordsFile = "records.db"

var (
	bucketIDs       = []byte("ids")     // id -> idEntry (records_format.go)
	bucketRecords   = []byte("records") // ref -> compressed record (records_format.go)
	bucketLog       = []byte("log")     // sequence (8 bytes, big endian) -> JSON array of IDs
	bucketMeta      = []byte("meta")
	bucketStoryRefs = []byte("story_refs")      // ref -> signature, ID and story (records_story.go)
	bucketBandRefs  = []byte("story_band_refs") // LSH band key -> refs (records_story.go)
	bucketDupKeys   = []byte("dup_keys")        // corpus.Article.DuplicateKeys -> the first ID with it
	keyLastSeq      = []byte("last_seq")

	// The legacy layout's buckets, which openRecords migrates (records_migrate.go).
	bucketLegacyArticles = []byte("articles")    // id -> storedRecord JSON
	bucketLegacyBands    = []byte("story_bands") // LSH band key -> IDs, \x00-separated
	bucketLegacyStories  = []byte("story_sigs")  // id -> story \x00 signature
)

// storedRecord is the value of one article in the legacy layout, and what get
// returns.
type storedRecord struct {
	Fingerprint string         `json:"fingerprint"`
	Seq         uint64         `json:"seq"`
	Article     corpus.Article `json:"article"`
}

// records is the record store.
type records struct {
	db    *bolt.DB
	codec *recordCodec
	// fail, when set, is called before every commit; tests inject write failures
	// (a full disk, a read-only file system) through it.
	fail func() error
}

// openRecords opens (creating) the record store in dataDir, waiting up to timeout
// for another process to release it; then it returns an error wrapping ErrLocked.
// It writes nothing: Open first compares the store with the index, and a store
// that lost acknowledged articles must stay as it is found (prepare makes it
// ready for writing). A file bbolt cannot open, or panics on, gives an error
// wrapping ErrDamaged.
func openRecords(dataDir string, timeout time.Duration, readOnly bool) (*records, error) {
	path := filepath.Join(dataDir, RecordsFile)
	db, err := openBolt(path, &bolt.Options{Timeout: timeout, ReadOnly: readOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("index: open %s: %w", path, ErrLocked)
	}
	if isBoltDamage(err) {
		err = fmt.Errorf("%w: %w", err, ErrDamaged)
	}
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	// bbolt would walk a damaged page, maybe forever: the pages are read first.
	if err := checkBoltFile(path); err != nil {
		db.Close()
		return nil, fmt.Errorf("index: open %s: its pages: %w: %w", path, err, ErrDamaged)
	}
	codec, err := newRecordCodec()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	return &records{db: db, codec: codec}, nil
}

// openBolt is bolt.Open, with a panic (on a damaged list of free pages, say)
// turned into an error wrapping ErrDamaged, and the file it had opened, and
// locked, unlocked and closed then: a lock left behind would keep out every
// later open.
func openBolt(path string, opts *bolt.Options) (*bolt.DB, error) {
	var file *os.File
	opts.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	var db *bolt.DB
	err := safely("open the record store", func() error {
		var err error
		db, err = bolt.Open(path, 0o600, opts)
		return err
	})
	if errors.Is(err, ErrDamaged) && file != nil {
		// bbolt's memory map of the file outlives the descriptor, and with it
		// the lock: it is released first.
		syscall.Flock(int(file.Fd()), syscall.LOCK_UN)
		file.Close()
	}
	return db, err
}

// isBoltDamage tells whether bbolt refused a file for what is in it.
func isBoltDamage(err error) bool {
	return errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrVersionMismatch) ||
		errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrInvalidMapping)
}

// prepare makes a writable store ready for writes: the tables exist, a store in
// the legacy layout is migrated, and duplicate keys of the legacy form re-keyed.
func (r *records) prepare() error {
	err := r.update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketIDs, bucketRecords, bucketLog, bucketMeta, bucketStoryRefs, bucketBandRefs, bucketDupKeys, bucketTombstones, bucketTombstoneKeys} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = r.migrate()
	}
	if err == nil {
		err = r.rekeyDuplicates()
	}
	if errors.Is(err, berrors.ErrIncompatibleValue) {
		// A table's name that bbolt no longer takes for a table.
		err = fmt.Errorf("%w: %w", err, ErrDamaged)
	}
	if err != nil {
		return fmt.Errorf("index: prepare %s: %w", r.db.Path(), err)
	}
	return nil
}

// view is bbolt's View, and update its Update, with a panic (bbolt panics on
// pages it cannot parse) turned into an error wrapping ErrDamaged.
func (r *records) view(f func(*bolt.Tx) error) error {
	return safely("read the record store", func() error { return r.db.View(f) })
}

func (r *records) update(f func(*bolt.Tx) error) error {
	return safely("write the record store", func() error { return r.db.Update(f) })
}

func (r *records) close() error {
	r.codec.close()
	return r.db.Close()
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// lastSeq returns the sequence of the last committed write.
func (r *records) lastSeq() (uint64, error) {
	var seq uint64
	err := r.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			if v := meta.Get(keyLastSeq); len(v) == 8 {
				seq = binary.BigEndian.Uint64(v)
			}
		}
		return nil
	})
	return seq, err
}

// count returns how many records the store holds: the last record's number (they
// are numbered from 1 and never renumbered) less the deleted ones (delete.go), and the records of the legacy layout
// not migrated yet, which only a rebuild reads before a writable open migrates
// them.
func (r *records) count() (int, error) {
	var n int
	err := r.view(func(tx *bolt.Tx) error {
		n = countTx(tx)
		return nil
	})
	return n, err
}

func countTx(tx *bolt.Tx) int {
	n := 0
	if b := tx.Bucket(bucketRecords); b != nil {
		if k, _ := b.Cursor().Last(); len(k) == 8 {
			n = int(binary.BigEndian.Uint64(k)) - int(holesTx(tx))
		}
	}
	if b := tx.Bucket(bucketLegacyArticles); b != nil {
		n += b.Stats().KeyN
	}
	return n
}

// fingerprints returns the stored fingerprints of those ids that have a record.
func (r *records) fingerprints(ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := r.view(func(tx *bolt.Tx) error {
		b, legacy := tx.Bucket(bucketIDs), tx.Bucket(bucketLegacyArticles)
		for _, id := range ids {
			if b != nil {
				if v := b.Get([]byte(id)); v != nil {
					e, err := decodeIDEntry(v)
					if err != nil {
						return fmt.Errorf("record %q: %w", id, err)
					}
					out[id] = e.fingerprint
					continue
				}
			}
			if legacy == nil {
				continue
			}
			v := legacy.Get([]byte(id))
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
	err := r.view(func(tx *bolt.Tx) error {
		var err error
		rec, found, err = r.getTx(tx, id)
		return err
	})
	return rec, found, err
}

// getTx returns the record of id in tx, or false.
func (r *records) getTx(tx *bolt.Tx, id string) (storedRecord, bool, error) {
	if b := tx.Bucket(bucketIDs); b != nil {
		if v := b.Get([]byte(id)); v != nil {
			e, err := decodeIDEntry(v)
			if err != nil {
				return storedRecord{}, false, fmt.Errorf("record %q: %w", id, err)
			}
			data := tx.Bucket(bucketRecords).Get(refKey(e.ref))
			if data == nil {
				return storedRecord{}, false, fmt.Errorf("record %q: ref %d has no record", id, e.ref)
			}
			a, err := r.codec.decode(data)
			if err != nil {
				return storedRecord{}, false, fmt.Errorf("record %q: %w", id, err)
			}
			return storedRecord{Fingerprint: e.fingerprint, Article: a}, true, nil
		}
	}
	if b := tx.Bucket(bucketLegacyArticles); b != nil {
		if v := b.Get([]byte(id)); v != nil {
			var rec storedRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return storedRecord{}, false, fmt.Errorf("record %q: %w", id, err)
			}
			return rec, true, nil
		}
	}
	return storedRecord{}, false, nil
}

// encodedRecord is an article ready for the record store: compressed, with its
// fingerprint, outside the write transaction.
type encodedRecord struct {
	value       []byte
	fingerprint string
	// duplicateKeys, when not nil, are the article's DuplicateKeys.
	duplicateKeys []string
}

// encode compresses articles, on all CPUs: it is the heaviest part of a write
// that does not need the store.
func (r *records) encode(articles []corpus.Article, fingerprints []string) ([]encodedRecord, error) {
	out := make([]encodedRecord, len(articles))
	err := parallel(len(articles), func(i int) error {
		fp := ""
		if fingerprints != nil {
			fp = fingerprints[i]
		} else {
			fp = articles[i].Fingerprint()
		}
		v, err := r.codec.encode(&articles[i])
		out[i] = encodedRecord{value: v, fingerprint: fp}
		return err
	})
	return out, err
}

// put commits articles as one write with the next sequence number, and drops the
// log entries up to persisted, whose batches the index has on disk. It returns the
// new sequence once the commit is on disk.
func (r *records) put(articles []corpus.Article, sigs []storySignature, persisted uint64) (uint64, error) {
	encoded, err := r.encode(articles, nil)
	if err != nil {
		return 0, err
	}
	seq, _, err := r.putEncoded(articles, encoded, sigs, persisted, false)
	return seq, err
}

// putEncoded is put with the articles encoded already. It returns the new
// sequence and how many records the store holds after it. The tombstones of
// With restore, the tombstones the articles match (delete.go) are dropped in the
// same write.
func (r *records) putEncoded(articles []corpus.Article, encoded []encodedRecord, sigs []storySignature, persisted uint64, restore bool) (seq uint64, held int, err error) {
	if r.fail != nil {
		if err := r.fail(); err != nil {
			return 0, 0, err
		}
	}
	err = r.update(func(tx *bolt.Tx) error {
		if restore {
			if err := clearTombstones(tx, articles, encoded); err != nil {
				return err
			}
		}
		if err := putRecords(tx, articles, encoded, sigs); err != nil {
			return err
		}
		if err := putDuplicateKeys(tx, articles, encoded); err != nil {
			return err
		}
		ids := make([]string, len(articles))
		for i := range articles {
			ids[i] = articles[i].ID
		}
		if seq, err = logWrite(tx, ids, persisted); err != nil {
			return err
		}
		held = countTx(tx)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return seq, held, nil
}

// putRecords writes the records and story signatures of articles in tx: an
// article already stored keeps its ref, a new one gets the next.
func putRecords(tx *bolt.Tx, articles []corpus.Article, encoded []encodedRecord, sigs []storySignature) error {
	idb, recs := tx.Bucket(bucketIDs), tx.Bucket(bucketRecords)
	recs.FillPercent = 1 // appended in ref order
	next := uint64(1)
	if k, _ := recs.Cursor().Last(); k != nil {
		next = binary.BigEndian.Uint64(k) + 1
	}
	refs := make([]uint64, len(articles))
	for i := range articles {
		a := &articles[i]
		ref := next
		if v := idb.Get([]byte(a.ID)); v != nil {
			e, err := decodeIDEntry(v)
			if err != nil {
				return fmt.Errorf("record %q: %w", a.ID, err)
			}
			ref = e.ref
		} else {
			next++
		}
		refs[i] = ref
		if err := recs.Put(refKey(ref), encoded[i].value); err != nil {
			return err
		}
		if err := idb.Put([]byte(a.ID), idEntry{ref: ref, fingerprint: encoded[i].fingerprint}.encode()); err != nil {
			return err
		}
	}
	return putStorySignatures(tx, articles, refs, sigs)
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

// since returns the records written by the logged sequences after seq, each once,
// and the IDs those sequences deleted (delete.go).
func (r *records) since(seq uint64) ([]corpus.Article, []string, error) {
	var out []corpus.Article
	var deleted []string
	err := r.view(func(tx *bolt.Tx) error {
		seen := map[string]bool{}
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
				rec, ok, err := r.getTx(tx, id)
				if err != nil {
					return err
				}
				if !ok && isTombstoned(tx, id) {
					deleted = append(deleted, id)
					continue
				}
				if !ok {
					return fmt.Errorf("log entry %d names %q, which has no record", binary.BigEndian.Uint64(k), id)
				}
				out = append(out, rec.Article)
			}
		}
		return nil
	})
	return out, deleted, err
}

// each calls f with every record, in the order they were first stored, from one
// consistent view.
func (r *records) each(f func(corpus.Article) error) error {
	return r.eachReadable(f, nil)
}

// eachReadable is each; a record that cannot be decoded is passed to bad with its
// key, or, when bad is nil, ends the walk with an error.
func (r *records) eachReadable(f func(corpus.Article) error, bad func(key []byte, err error)) error {
	return r.view(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketLegacyArticles, bucketRecords} {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			err := b.ForEach(func(k, v []byte) error {
				if len(v) == 0 {
					return nil // a deleted record's hole (delete.go)
				}
				a, err := r.codec.decode(v)
				if err != nil {
					if bad != nil {
						bad(k, err)
						return nil
					}
					return fmt.Errorf("record %x: %w", k, err)
				}
				return f(a)
			})
			if err != nil {
				return err
			}
		}
		return nil
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

// putDuplicateKeys files the articles under their duplicate keys, keeping the
// first owner of a key.
func putDuplicateKeys(tx *bolt.Tx, articles []corpus.Article, encoded []encodedRecord) error {
	b := tx.Bucket(bucketDupKeys)
	if b == nil {
		return nil
	}
	for i := range articles {
		keys := encoded[i].duplicateKeys
		if keys == nil {
			keys = articles[i].DuplicateKeys()
		}
		for _, k := range keys {
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
	err := r.view(func(tx *bolt.Tx) error {
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
