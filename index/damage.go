package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// How damage is found. The record store and the index each know what the other
// must hold:
//
//   - the record store's meta table holds the last write's sequence, and its
//     records are numbered from 1 without gaps, so the last number is their count;
//   - the index holds, in one internal key written with every batch, the last
//     sequence it applied and how many records the store held then, with a
//     checksum (keyState);
//   - Bleve's segment files end with a CRC-32 of their contents, which Bleve
//     writes but never reads; Open reads every live segment and compares.
//
// Open compares them before it writes anything. An index that holds a sequence
// or more articles than the record store means the store lost acknowledged
// articles (bbolt fell back to an older transaction, say): the archive opens
// read-only and degraded, naming what is missing, so that nothing is served as
// if it were whole and nothing overwrites the evidence. An index that is damaged
// or lost articles the records hold is moved aside and rebuilt from the records.
// Check (check.go) reads every record besides.

// ErrDamaged marks errors caused by a file of the archive that is damaged: one
// that fails its checks, or whose reading panicked.
var ErrDamaged = errors.New("damaged")

// safely runs f, turning a panic into an error wrapping ErrDamaged: bbolt and
// Bleve's segment reader panic on pages and segments they cannot parse, and a
// memory-mapped file that is shorter than it says faults.
func safely(what string, f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: %v: %w", what, p, ErrDamaged)
		}
	}()
	return f()
}

// keyState is the Bleve internal key holding the index's state: the last applied
// sequence and the number of records the store held after it, each 8 bytes big
// endian, then a CRC-32 of both. keyApplied is written beside it for indexes
// read by older versions.
var keyState = []byte("archive_state")

func encodeState(seq uint64, held int) []byte {
	v := binary.BigEndian.AppendUint64(nil, seq)
	v = binary.BigEndian.AppendUint64(v, uint64(held))
	return binary.BigEndian.AppendUint32(v, crc32.ChecksumIEEE(v))
}

var errBadState = errors.New("the index's state record fails its checksum")

func decodeState(v []byte) (seq uint64, held int, err error) {
	if len(v) != 20 || crc32.ChecksumIEEE(v[:16]) != binary.BigEndian.Uint32(v[16:]) {
		return 0, 0, errBadState
	}
	return binary.BigEndian.Uint64(v), int(binary.BigEndian.Uint64(v[8:])), nil
}

// indexState is what an index says of itself.
type indexState struct {
	// damage says why the index cannot be trusted; "" when it passed its checks.
	damage string
	// applied is the last sequence the index holds; hasApplied is false for an
	// index made before the record store.
	applied    uint64
	hasApplied bool
	// held is how many records the store held at applied; hasHeld is false for
	// an index made before it was recorded.
	held    int
	hasHeld bool
	// docs is how many articles the index holds.
	docs uint64
}

// readState reads the index's state from b and checks it against the index's
// own count of articles.
func readState(b bleve.Index) (indexState, error) {
	var st indexState
	docs, err := b.DocCount()
	if err != nil {
		return st, fmt.Errorf("count: %w", err)
	}
	st.docs = docs
	v, err := b.GetInternal(keyApplied)
	if err != nil {
		return st, fmt.Errorf("read the applied sequence: %w", err)
	}
	if len(v) == 8 {
		st.applied, st.hasApplied = binary.BigEndian.Uint64(v), true
	}
	v, err = b.GetInternal(keyState)
	if err != nil {
		return st, fmt.Errorf("read the state: %w", err)
	}
	if v != nil {
		seq, held, err := decodeState(v)
		switch {
		case err != nil:
			st.damage = err.Error()
		case !st.hasApplied || seq != st.applied:
			st.damage = fmt.Sprintf("the index's state says sequence %d, its applied key %d", seq, st.applied)
		case uint64(held) > docs:
			// An index may hold more (a catch-up cut short), never fewer.
			st.damage = fmt.Sprintf("the index holds %d articles where it recorded %d", docs, held)
		default:
			st.held, st.hasHeld = held, true
		}
	}
	return st, nil
}

// inspectIndex opens the index at path read-only, so that Bleve merges nothing
// before it is checked, and reads its state and checks its segment files. A
// damaged index comes back with damage set; err is for the failures that are not
// damage (another process holds it, permissions).
func inspectIndex(path string, timeout time.Duration) (st indexState, err error) {
	if why, err := os.ReadFile(filepath.Join(path, damagedMarker)); err == nil {
		st.damage = "it was marked damaged while in use: " + strings.TrimSpace(string(why))
		return st, nil
	}
	// Bleve's background work reads root.bolt where a fault cannot be caught:
	// its pages are checked first.
	if err := checkBoltFile(filepath.Join(path, "store", "root.bolt")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		st.damage = "store/root.bolt: " + err.Error()
		return st, nil
	}
	err = safely("open the index", func() error {
		b, err := bleve.OpenUsing(path, map[string]any{"read_only": true, "bolt_timeout": timeout.String()})
		if err != nil {
			return err
		}
		defer b.Close()
		if st, err = readState(b); err != nil {
			return err
		}
		if st.damage != "" {
			return nil
		}
		return verifySegments(b)
	})
	switch {
	case err == nil:
		return st, nil
	case isLockTimeout(err):
		return st, fmt.Errorf("index: open %s: %w", path, ErrLocked)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE), errors.Is(err, syscall.ENOMEM):
		return st, fmt.Errorf("index: open %s: %w", path, err)
	}
	st.damage = err.Error()
	return st, nil
}

// persistedSegment is a Bleve segment read from a file (zap's Segment).
type persistedSegment interface {
	Path() string
	CRC() uint32
}

// verifySegments compares the CRC-32 at the end of every segment file of the
// index's current snapshot with the file's contents. It reads the files rather
// than the segments' memory maps, so that the check costs no resident memory.
func verifySegments(b bleve.Index) error {
	adv, err := b.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	buf := make([]byte, 1<<20)
	for _, s := range snap.Segments() {
		seg, ok := s.Segment().(persistedSegment)
		if !ok {
			continue
		}
		if err := verifySegmentFile(seg.Path(), seg.CRC(), buf); err != nil {
			return err
		}
	}
	return nil
}

// verifySegmentFile checks that the CRC-32 of the file at path, but for its last
// four bytes, is crc.
func verifySegmentFile(path string, crc uint32, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Size() < 4 {
		return fmt.Errorf("segment %s is %d bytes long", filepath.Base(path), info.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyBuffer(h, io.LimitReader(f, info.Size()-4), buf); err != nil {
		return err
	}
	if got := h.Sum32(); got != crc {
		return fmt.Errorf("segment %s fails its checksum (%08x, the file says %08x)", filepath.Base(path), got, crc)
	}
	return nil
}

// bbolt's meta page, as bbolt 1.x writes it (go.etcd.io/bbolt/internal/common):
// a 16-byte page header, then magic, version, page size and flags (4 bytes each),
// the root bucket (16), the freelist page (8), the high water mark (8), the
// transaction ID (8) and an FNV-64a checksum of what precedes it, in the
// machine's byte order.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltPageHeader = 16
	boltMetaSum    = 56 // bytes the checksum covers
)

// boltMeta is one of a bbolt file's two meta pages.
type boltMeta struct {
	valid    bool
	pageSize int
	txid     uint64
}

func parseBoltMeta(page []byte) boltMeta {
	if len(page) < boltPageHeader+boltMetaSum+8 {
		return boltMeta{}
	}
	m := page[boltPageHeader:]
	e := binary.NativeEndian
	h := fnv.New64a()
	h.Write(m[:boltMetaSum])
	return boltMeta{
		valid:    e.Uint32(m) == boltMagic && e.Uint32(m[4:]) == boltVersion && e.Uint64(m[boltMetaSum:]) == h.Sum64(),
		pageSize: int(e.Uint32(m[8:])),
		txid:     e.Uint64(m[48:]),
	}
}

// metaDamage reads the two meta pages of the bbolt file at path. bbolt uses the
// valid one with the higher transaction and says nothing when the other fails
// its checksum; metaDamage says so, and whether the damaged one was the newer:
// then the file fell back one transaction. It returns "" for a sound file.
func metaDamage(path string) (problem string, newestLost bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	first := make([]byte, 4096)
	if _, err := io.ReadFull(f, first); err != nil {
		return "", false // a new or truncated file: bbolt says what is wrong
	}
	m0 := parseBoltMeta(first)
	pageSize := 4096
	if m0.valid {
		pageSize = m0.pageSize
	}
	second := make([]byte, 4096)
	if _, err := f.ReadAt(second, int64(pageSize)); err != nil {
		return "", false
	}
	m1 := parseBoltMeta(second)
	switch {
	case m0.valid && m1.valid:
		return "", false
	case !m0.valid && !m1.valid:
		return "both meta pages are damaged", true
	case m0.valid:
		return fmt.Sprintf("meta page 1 is damaged; bbolt uses page 0 (transaction %d)", m0.txid), m1.txid > m0.txid
	default:
		return fmt.Sprintf("meta page 0 is damaged; bbolt uses page 1 (transaction %d)", m1.txid), m0.txid > m1.txid
	}
}

// maxListed is how many IDs a report names of the articles it counts.
const maxListed = 20

// idList collects a count and the first maxListed IDs.
type idList struct {
	n   int
	ids []string
}

func (l *idList) add(id string) {
	l.n++
	if len(l.ids) < maxListed {
		l.ids = append(l.ids, id)
	}
}

// missingRecords lists the articles the index b holds whose records the store
// lacks. It walks the index's ID dictionary in order, in bounded memory.
func missingRecords(b bleve.Index, recs *records) (idList, error) {
	var out idList
	dict, err := b.FieldDict("_id")
	if err != nil {
		return out, fmt.Errorf("index: list the indexed IDs: %w", err)
	}
	defer dict.Close()
	err = recs.view(func(tx *bolt.Tx) error {
		ids, legacy := tx.Bucket(bucketIDs), tx.Bucket(bucketLegacyArticles)
		for {
			e, err := dict.Next()
			if err != nil {
				return fmt.Errorf("index: list the indexed IDs: %w", err)
			}
			if e == nil {
				return nil
			}
			k := []byte(e.Term)
			if (ids == nil || ids.Get(k) == nil) && (legacy == nil || legacy.Get(k) == nil) && !isTombstoned(tx, e.Term) {
				out.add(e.Term)
			}
		}
	})
	return out, err
}

// setAside moves the damaged index out of the way, keeping it for whoever wants
// to look into it, and returns where it went.
func setAside(dataDir string) (string, error) {
	cur := filepath.Join(dataDir, Dir)
	dest := filepath.Join(dataDir, Dir+".damaged-"+time.Now().UTC().Format("20060102T150405Z"))
	for i := 2; ; i++ {
		if _, err := os.Stat(dest); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dest = fmt.Sprintf("%s.%d", strings.TrimSuffix(dest, fmt.Sprintf(".%d", i-1)), i)
	}
	if err := os.Rename(cur, dest); err != nil {
		return "", fmt.Errorf("index: move the damaged index aside: %w", err)
	}
	if err := syncDir(dataDir); err != nil {
		return "", fmt.Errorf("index: move the damaged index aside: %w", err)
	}
	return dest, nil
}

// Health says whether the archive holds everything it acknowledged, and if not,
// what is missing and what to do. *Index satisfies server.HealthReporter.
func (ix *Index) Health() corpus.Health {
	ix.healthMu.Lock()
	defer ix.healthMu.Unlock()
	h := ix.health
	if h.Status == "" {
		h.Status = corpus.HealthOK
	}
	h.Problems = slices.Clone(h.Problems)
	if h.Missing != nil {
		m := *h.Missing
		m.IDs = slices.Clone(m.IDs)
		h.Missing = &m
	}
	if h.Checked != nil {
		c := *h.Checked
		h.Checked = &c
	}
	return h
}

// degrade marks the archive degraded with problem; missing, when not nil, is the
// complete account of what is missing and replaces the one before.
func (ix *Index) degrade(problem string, missing *corpus.MissingArticles) {
	ix.healthMu.Lock()
	defer ix.healthMu.Unlock()
	first := ix.health.Status != corpus.HealthDegraded
	ix.health.Status = corpus.HealthDegraded
	ix.health.WritesRefused = true
	if !slices.Contains(ix.health.Problems, problem) {
		ix.health.Problems = append(ix.health.Problems, problem)
	}
	if missing != nil {
		if old := ix.health.Missing; old != nil && missing.ToSeq == 0 {
			missing.FromSeq, missing.ToSeq = old.FromSeq, old.ToSeq
		}
		ix.health.Missing = missing
	}
	if first {
		ix.log.Error("the archive is degraded: it answers searches but refuses writes until it is repaired", "problem", problem)
	}
}

// note adds a problem that costs nothing acknowledged: the archive stays healthy.
func (ix *Index) note(problem string) {
	ix.healthMu.Lock()
	defer ix.healthMu.Unlock()
	if !slices.Contains(ix.health.Problems, problem) {
		ix.health.Problems = append(ix.health.Problems, problem)
	}
}

// degraded tells whether the archive refuses writes because of damage.
func (ix *Index) degraded() bool {
	ix.healthMu.Lock()
	defer ix.healthMu.Unlock()
	return ix.health.Status == corpus.HealthDegraded
}

// degradedError is the error of a write to a degraded archive.
func (ix *Index) degradedError() error {
	return corpus.Errorf(corpus.EStorageFailed, "the archive is damaged and refuses writes until it is repaired: %s. See /healthz; run 'archive check' and 'archive repair' with the server stopped, or restore a backup (searches still work)",
		strings.Join(ix.Health().Problems, "; "))
}

// recordGone is the error of an article the index lists whose record is gone or
// cannot be read. The first one found while serving marks the archive degraded;
// the check after start-up (verify.go) counts them all.
func (ix *Index) recordGone(id string, cause error) error {
	if ix.goneSeen.CompareAndSwap(false, true) {
		what := "is missing from the record store"
		if cause != nil {
			what = fmt.Sprintf("cannot be read (%v)", cause)
		}
		ix.degrade(fmt.Sprintf("the record of article %q, which the index lists, %s: the record store is damaged; 'archive check' counts every such article", id, what), nil)
	}
	e := corpus.Errorf(corpus.ENotFound, "article %q is in the index, but its record is lost: the archive's record store is damaged. Restore it from a backup ('archive backup' made one), or see 'archive check'", id)
	if cause != nil {
		return errors.Join(e, cause)
	}
	return e
}

// Bleve's persister and merger run in goroutines of their own that recover
// their panics (on a damaged root.bolt, say), report them through a callback
// named in the index's config, and stop: the index then keeps batches in memory
// and writes nothing more. engineFailed hears of it, marks the index damaged on
// disk (damagedMarker) so that the next start rebuilds it, and says so.
const (
	asyncErrorCallback = "article-archive"
	damagedMarker      = "DAMAGED"
)

// engines routes Bleve's background errors to the Index whose store path they name.
var engines sync.Map // store path -> *Index

var registerAsyncErrors = sync.OnceFunc(func() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = func(err error, path string) {
		if ix, ok := engines.Load(filepath.Clean(path)); ok {
			ix.(*Index).engineFailed(err)
		}
	}
})

// watchEngine routes the background errors of ix's Bleve index to ix.
func (ix *Index) watchEngine() {
	engines.Store(filepath.Join(ix.path, "store"), ix)
}

func (ix *Index) unwatchEngine() {
	engines.CompareAndDelete(filepath.Join(ix.path, "store"), ix)
}

// engineFailed takes an error from Bleve's background work.
func (ix *Index) engineFailed(err error) {
	if !errors.Is(err, scorch.ErrAsyncPanic) {
		ix.log.Error("the index reports an error in its background work", "err", err)
		return
	}
	if !ix.engineBroken.CompareAndSwap(false, true) {
		return
	}
	ix.log.Error("the index is damaged: it stopped writing to disk; searches go on from memory and new articles are kept in the record store; the next start rebuilds it from the records", "err", err)
	if werr := os.WriteFile(filepath.Join(ix.path, damagedMarker), []byte(err.Error()+"\n"), 0o600); werr != nil {
		ix.log.Error("cannot mark the index damaged on disk", "err", werr)
	}
	ix.note(fmt.Sprintf("the index is damaged (%v): searches go on from memory and new articles are kept in the record store; restart the server to rebuild it from the records", err))
}
