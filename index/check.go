package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	bleveindex "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"
)

// CheckOptions tune Check and Repair.
type CheckOptions struct {
	Options
	// Progress, when set, is called every few thousand records with how many have
	// been read and how many the store holds.
	Progress func(done, total int)
	// ListLost, when set, receives a line for every acknowledged article that is
	// lost: its ID, a tab, and why.
	ListLost io.Writer
}

// IDCount is a number of articles and the IDs of the first few.
type IDCount struct {
	N   int      `json:"n"`
	IDs []string `json:"ids,omitempty"`
}

func (l idList) count() IDCount { return IDCount{N: l.n, IDs: l.ids} }

// CheckReport is what Check found.
type CheckReport struct {
	// Records is how many records the store holds, Read how many were read whole.
	Records int `json:"records"`
	Read    int `json:"read"`
	// Indexed is how many articles the index holds.
	Indexed uint64 `json:"indexed"`
	// RecordsSeq and IndexSeq are the last write the store holds and the last one
	// the index applied.
	RecordsSeq uint64 `json:"records_seq"`
	IndexSeq   uint64 `json:"index_seq"`
	// RecordsDamage says what is wrong with the record store's file itself.
	RecordsDamage []string `json:"records_damage,omitempty"`
	// IndexDamage says why the index cannot be trusted; a rebuild cures it.
	IndexDamage string `json:"index_damage,omitempty"`
	// Lost are articles the index holds whose records are gone; Unreadable, those
	// whose records cannot be read; Unindexed, records the index lacks.
	Lost       IDCount `json:"lost"`
	Unreadable IDCount `json:"unreadable"`
	Unindexed  IDCount `json:"unindexed"`
	// Problems say all of it in sentences; none for a sound archive.
	Problems []string      `json:"problems"`
	Took     time.Duration `json:"took_ns"`
	// metaPage is set when a meta page of the record store is damaged, and
	// olderMetaPage when it held the older of its two transactions.
	metaPage, olderMetaPage bool
}

// LosesArticles tells whether acknowledged articles or writes are gone from the
// record store, which no rebuild of the index brings back.
func (r CheckReport) LosesArticles() bool {
	return r.Lost.N > 0 || r.Unreadable.N > 0 || r.IndexSeq > r.RecordsSeq
}

// Healthy tells whether the check found nothing wrong.
func (r CheckReport) Healthy() bool { return len(r.Problems) == 0 }

// Check verifies the archive in dataDir without changing it: the record store's
// file opens and every record in it is read and decoded; the index opens and its
// segment files pass their checksums; the two agree on the last write and the
// number of articles; every indexed article has a record and every record is
// indexed. It reads the two in step, in the order of their IDs, so that its
// memory does not grow with the archive. It returns an error wrapping ErrLocked
// when another process holds the archive, and errors it could not check through.
func Check(ctx context.Context, dataDir string, opts CheckOptions) (CheckReport, error) {
	start := time.Now()
	_, timeout := opts.defaults()
	var rep CheckReport
	recordsPath, indexPath := filepath.Join(dataDir, RecordsFile), filepath.Join(dataDir, Dir)
	if _, err := os.Stat(recordsPath); err != nil {
		if !indexExists(indexPath) {
			return rep, fmt.Errorf("index: check: there is no archive in %s", dataDir)
		}
		rep.RecordsDamage = append(rep.RecordsDamage, fmt.Sprintf("the record store %s is missing", RecordsFile))
	}
	// Opened for writing (it writes nothing), bbolt reads what a server's start
	// reads, the free page list too; and no server may write meanwhile.
	var recs *records
	if len(rep.RecordsDamage) == 0 {
		var err error
		recs, err = openRecords(dataDir, timeout, false)
		if errors.Is(err, syscall.EROFS) {
			recs, err = openRecords(dataDir, timeout, true)
		}
		switch {
		case errors.Is(err, ErrLocked):
			return rep, fmt.Errorf("index: check %s: %w: stop the server first (while it runs, its /healthz reports what its own check after start-up found)", dataDir, err)
		case errors.Is(err, ErrDamaged):
			rep.RecordsDamage = append(rep.RecordsDamage, fmt.Sprintf("the record store cannot be opened: %v", err))
			// What can still be read is copied aside and compared with the index.
			tmp := recordsPath + ".check"
			if _, err := salvageInto(ctx, recordsPath, tmp, timeout, opts.Progress, 0); err == nil {
				defer os.Remove(tmp)
				if recs, err = openRecordsAt(tmp, timeout); err == nil {
					rep.RecordsDamage = append(rep.RecordsDamage, "what can still be read of it is compared with the index below")
				}
			}
		case err != nil:
			return rep, err
		}
	}
	if recs != nil {
		defer recs.close()
		if problem, newest := metaDamage(recordsPath); problem != "" {
			if newest {
				problem += " (it held the newer transaction: the store fell back to the one before)"
			} else {
				problem += " (the older one: nothing is lost, and the next write rewrites it)"
				rep.olderMetaPage = true
			}
			rep.metaPage = true
			rep.RecordsDamage = append(rep.RecordsDamage, problem)
		}
		var err error
		if rep.RecordsSeq, err = recs.lastSeq(); err != nil {
			rep.RecordsDamage = append(rep.RecordsDamage, fmt.Sprintf("the last write's sequence cannot be read: %v", err))
		}
		if rep.Records, err = recs.count(); err != nil {
			rep.RecordsDamage = append(rep.RecordsDamage, fmt.Sprintf("the records cannot be counted: %v", err))
		}
	}

	var b bleve.Index
	if indexExists(indexPath) {
		st, err := inspectIndex(indexPath, timeout)
		if err != nil {
			return rep, err
		}
		rep.IndexDamage = st.damage
		rep.Indexed, rep.IndexSeq = st.docs, st.applied
		if st.damage == "" {
			err := safely("open the index", func() error {
				var err error
				b, err = bleve.OpenUsing(indexPath, map[string]any{"read_only": true, "bolt_timeout": timeout.String()})
				return err
			})
			if err != nil {
				rep.IndexDamage = err.Error()
			} else {
				defer b.Close()
			}
		}
	} else if rep.Records > 0 {
		rep.IndexDamage = "the index is missing"
	}

	if recs != nil {
		w, err := walkArchive(ctx, recs, b, true, opts.Progress, rep.Records, opts.ListLost)
		if err != nil {
			return rep, err
		}
		rep.Read = w.read
		rep.Lost, rep.Unreadable, rep.Unindexed = w.lost.count(), w.unreadable.count(), w.unindexed.count()
		rep.RecordsDamage = append(rep.RecordsDamage, w.damage...)
		if w.ids != rep.Records {
			rep.RecordsDamage = append(rep.RecordsDamage, fmt.Sprintf("the table of IDs holds %d entries for %d records", w.ids, rep.Records))
		}
	}
	rep.Problems = checkProblems(rep)
	rep.Took = time.Since(start)
	return rep, nil
}

// checkProblems puts what a check found into sentences.
func checkProblems(r CheckReport) []string {
	var out []string
	for _, d := range r.RecordsDamage {
		out = append(out, "record store: "+d)
	}
	if r.IndexSeq > r.RecordsSeq {
		out = append(out, fmt.Sprintf("the record store holds writes up to %d, the index up to %d: the store lost the writes after %d", r.RecordsSeq, r.IndexSeq, r.RecordsSeq))
	}
	if r.Lost.N > 0 {
		out = append(out, fmt.Sprintf("%d acknowledged articles the index lists have no record (%s)", r.Lost.N, someIDs(r.Lost)))
	}
	if r.Unreadable.N > 0 {
		out = append(out, fmt.Sprintf("%d records cannot be read (%s)", r.Unreadable.N, someIDs(r.Unreadable)))
	}
	if r.IndexDamage != "" {
		out = append(out, "index: "+r.IndexDamage+"; a rebuild from the records cures it")
	}
	if r.Unindexed.N > 0 {
		out = append(out, fmt.Sprintf("%d records are not in the index (%s); a rebuild from the records cures it", r.Unindexed.N, someIDs(r.Unindexed)))
	}
	return out
}

func someIDs(c IDCount) string {
	s := strings.Join(c.IDs[:min(5, len(c.IDs))], ", ")
	if c.N > 5 {
		s += ", …"
	}
	return s
}

// walkResult is what walkArchive found.
type walkResult struct {
	// ids is how many entries the table of IDs holds, read how many of their
	// records were read whole.
	ids, read                   int
	lost, unreadable, unindexed idList
	// damage says where the walk had to stop.
	damage []string
}

// walkArchive reads every record of recs, in the order of their IDs, beside the
// IDs the index b holds (none when b is nil), and sorts what does not match. With
// unindexed, records the index lacks are counted (a running archive may be
// writing them). The index's dictionary is opened before the records are read,
// so that a record written meanwhile is never taken for one that is lost. Lost
// and unreadable articles go to list, when not nil, a line each.
func walkArchive(ctx context.Context, recs *records, b bleve.Index, unindexed bool, progress func(done, total int), total int, list io.Writer) (walkResult, error) {
	var w walkResult
	var dict bleveindex.FieldDict
	if b != nil {
		d, err := b.FieldDict("_id")
		if err != nil {
			return w, fmt.Errorf("index: list the indexed IDs: %w", err)
		}
		defer d.Close()
		dict = d
	}
	nextIndexed := func() (string, error) {
		if dict == nil {
			return "", nil
		}
		e, err := dict.Next()
		if err != nil || e == nil {
			return "", err
		}
		return e.Term, nil
	}
	lose := func(l *idList, id, why string) {
		l.add(id)
		if list != nil {
			fmt.Fprintf(list, "%s\t%s\n", id, why)
		}
	}
	err := recs.view(func(tx *bolt.Tx) error {
		stored := newRecordIDs(tx)
		indexed, err := nextIndexed()
		if err != nil {
			return err
		}
		rec, ok := stored.next()
		for ok || indexed != "" {
			if err := ctx.Err(); err != nil {
				return err
			}
			switch {
			case ok && (indexed == "" || rec < indexed):
				if problem := readRecord(tx, recs, stored, rec); problem != "" {
					lose(&w.unreadable, rec, problem)
				} else if unindexed && b != nil {
					w.read++
					w.unindexed.add(rec)
				} else {
					w.read++
				}
				w.ids++
				rec, ok = stored.next()
			case !ok || indexed < rec:
				switch {
				case isTombstoned(tx, indexed):
					// Deleted (delete.go): the index's dictionary of IDs keeps a
					// deleted document's until its segment is merged away, and a
					// deletion not yet applied is applied at the next open.
				case stored.err == nil:
					lose(&w.lost, indexed, "indexed, but the record store has no record")
				case !recordHeld(tx, indexed):
					// The table of IDs cannot be walked on; each ID is looked up.
					lose(&w.lost, indexed, "indexed, but the record store has no record it can find")
				default:
					if problem := readRecord(tx, recs, &recordIDs{}, indexed); problem != "" {
						lose(&w.unreadable, indexed, problem)
					} else {
						w.read++
					}
				}
				if indexed, err = nextIndexed(); err != nil {
					return err
				}
			default:
				if problem := readRecord(tx, recs, stored, rec); problem != "" {
					lose(&w.unreadable, rec, problem)
				} else {
					w.read++
				}
				w.ids++
				rec, ok = stored.next()
				if indexed, err = nextIndexed(); err != nil {
					return err
				}
			}
			if progress != nil && w.ids%10000 == 0 && w.ids > 0 {
				progress(w.ids, total)
			}
		}
		if stored.err != nil {
			w.damage = append(w.damage, stored.err.Error())
		}
		return nil
	})
	if errors.Is(err, ErrDamaged) {
		w.damage = append(w.damage, fmt.Sprintf("reading stopped after %d records: %v", w.ids, err))
		err = nil
	}
	if progress != nil {
		progress(w.ids, total)
	}
	return w, err
}

// recordIDs walks the IDs of the record store in order: the table of IDs and the
// legacy layout's articles, merged.
type recordIDs struct {
	ids, legacy   *bolt.Cursor
	idK, legacyK  []byte
	legacyCurrent bool // the last ID came from the legacy table
	err           error
}

func newRecordIDs(tx *bolt.Tx) *recordIDs {
	s := &recordIDs{}
	err := safely("read the table of IDs", func() error {
		if b := tx.Bucket(bucketIDs); b != nil {
			s.ids = b.Cursor()
			s.idK, _ = s.ids.First()
		}
		if b := tx.Bucket(bucketLegacyArticles); b != nil {
			s.legacy = b.Cursor()
			s.legacyK, _ = s.legacy.First()
		}
		return nil
	})
	if err != nil {
		s.err, s.ids, s.legacy, s.idK, s.legacyK = err, nil, nil, nil, nil
	}
	return s
}

// next returns the next ID, or false at the end (or where the table is too
// damaged to go on: err says so).
func (s *recordIDs) next() (string, bool) {
	var id string
	err := safely("read the table of IDs", func() error {
		switch {
		case s.idK == nil && s.legacyK == nil:
			return nil
		case s.legacyK == nil || (s.idK != nil && string(s.idK) <= string(s.legacyK)):
			id, s.legacyCurrent = string(s.idK), false
			s.idK, _ = s.ids.Next()
		default:
			id, s.legacyCurrent = string(s.legacyK), true
			s.legacyK, _ = s.legacy.Next()
		}
		return nil
	})
	if err != nil {
		s.err, s.idK, s.legacyK = err, nil, nil
		return "", false
	}
	return id, id != "" || s.idK != nil || s.legacyK != nil
}

// recordHeld tells whether the table of IDs, or the legacy one, holds id.
func recordHeld(tx *bolt.Tx, id string) bool {
	found := false
	safely("look up a record", func() error {
		if b := tx.Bucket(bucketIDs); b != nil && b.Get([]byte(id)) != nil {
			found = true
		}
		return nil
	})
	return found
}

// readRecord reads and decodes the record of id, which stored just returned, and
// returns what is wrong with it, or "".
func readRecord(tx *bolt.Tx, recs *records, stored *recordIDs, id string) (problem string) {
	err := safely("read the record", func() error {
		var v []byte
		if stored.legacyCurrent {
			v = tx.Bucket(bucketLegacyArticles).Get([]byte(id))
		} else {
			e, err := decodeIDEntry(tx.Bucket(bucketIDs).Get([]byte(id)))
			if err != nil {
				return fmt.Errorf("its entry in the table of IDs: %w", err)
			}
			if v = tx.Bucket(bucketRecords).Get(refKey(e.ref)); v == nil {
				return fmt.Errorf("record number %d is missing", e.ref)
			}
		}
		a, err := recs.codec.decode(v)
		if err != nil {
			return err
		}
		if a.ID != id {
			return fmt.Errorf("the record holds article %q", a.ID)
		}
		return nil
	})
	if err != nil {
		return "the record cannot be read: " + err.Error()
	}
	return ""
}
