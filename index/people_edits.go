package index

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// People edits (merge, rename, hide) are a layer over the names extraction
// found. The record store keeps every article's extracted names as they were
// and, in its own bucket, the list of edits; the index holds each article's
// names with the edits applied (so facets, filters, person: searches and the
// person page follow them at no cost at search time), and what the archive shows
// of an article (its page, results, exports) applies them when the record is
// read. An edit, or its undo, re-indexes from their records only the articles
// naming a person it changes. The layer the index was last brought to is kept
// in the index itself (keyPersonLayer, written with the last batch of that
// work), so that an open finishes what a crash cut short, and a rebuild applies
// the edits as it goes.

var (
	bucketPersonEdits = []byte("person_edits") // sequence (8 bytes, big endian) -> corpus.PersonEdit JSON
	keyPersonLayer    = []byte("archive_person_layer")
)

// relayerBatch is how many articles one batch of re-indexing after an edit holds.
const relayerBatch = 500

// encodeLayer is the layer as the index records it: the names it moves.
func encodeLayer(l *corpus.PersonLayer) []byte {
	b, _ := json.Marshal(l.To) // a map of strings always encodes, keys sorted
	return b
}

// layer returns the edits in force.
func (ix *Index) layer() *corpus.PersonLayer {
	if l := ix.people.Load(); l != nil {
		return l
	}
	return corpus.EmptyPersonLayer
}

// loadPeople reads the edits from the record store into the layer that reads
// and writes apply. A list that does not compile (it cannot be made through the
// API) is logged and left out, so that the archive still opens.
func (ix *Index) loadPeople() error {
	l, err := loadLayer(ix.records)
	if err != nil {
		if !errors.Is(err, corpus.ErrPersonCycle) {
			return err
		}
		ix.log.Error("the people edits lead a name back to itself; they are not applied until one is undone", "err", err)
		l = corpus.EmptyPersonLayer
	}
	ix.people.Store(l)
	return nil
}

func loadLayer(r *records) (*corpus.PersonLayer, error) {
	edits, err := r.personEdits()
	if err != nil {
		return nil, err
	}
	return corpus.CompilePersonLayer(edits)
}

// syncPeople brings the index to the edits in force when it holds another layer
// (an edit or undo a crash cut short). Callers own ix alone.
func (ix *Index) syncPeople(ctx context.Context) error {
	held, err := ix.bleve.GetInternal(keyPersonLayer)
	if err != nil {
		return fmt.Errorf("index: read the people edits the index holds: %w", err)
	}
	want := ix.layer()
	if string(held) == string(encodeLayer(want)) || (len(held) == 0 && len(want.To) == 0) {
		return nil
	}
	old := corpus.EmptyPersonLayer
	if len(held) > 0 {
		to := map[string]string{}
		if err := json.Unmarshal(held, &to); err != nil {
			return fmt.Errorf("index: read the people edits the index holds: %w", err)
		}
		old = &corpus.PersonLayer{To: to}
	}
	ix.log.Info("bringing the index to the people edits in force")
	_, err = ix.relayer(ctx, old, want)
	return err
}

// PersonEdits returns the people edits in force, oldest first.
func (ix *Index) PersonEdits(ctx context.Context) ([]corpus.PersonEdit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	edits := ix.layer().Edits
	return slices.Clone(edits), nil
}

// EditPeople applies a merge, rename or hide at once to every article naming the
// person, and keeps it for every article ingested or re-indexed later. The edit
// must name people as the archive shows them now; it returns corpus errors a
// user can act on: EInvalidRequest for a malformed edit or one that conflicts
// with the edits in force (a name already merged away, a cycle), ENotFound for a
// name the archive does not show (with the nearest names), EStorageFailed when
// the archive is read-only.
func (ix *Index) EditPeople(ctx context.Context, e corpus.PersonEdit) (corpus.PersonEdit, error) {
	if err := e.Normalize(); err != nil {
		return corpus.PersonEdit{}, err
	}
	return ix.changePeople(ctx, "applied", func(old *corpus.PersonLayer) (corpus.PersonEdit, []corpus.PersonEdit, error) {
		if len(old.Edits) >= corpus.MaxPersonEdits {
			return e, nil, corpus.Errorf(corpus.EInvalidRequest, "the archive holds %d people edits, the most it keeps: undo some first", len(old.Edits))
		}
		if err := corpus.CheckPersonEdit(ctx, ix, old, e); err != nil {
			return e, nil, err
		}
		e.At = time.Now().UTC().Truncate(time.Second)
		stored, err := ix.records.addPersonEdit(e, func(candidate corpus.PersonEdit) error {
			_, err := corpus.CompilePersonLayer(append(slices.Clip(old.Edits), candidate))
			return err
		})
		if errors.Is(err, corpus.ErrPersonCycle) {
			return e, nil, corpus.Errorf(corpus.EInvalidRequest, "this edit would lead %q back to itself through earlier edits: undo one of them first", e.Subject())
		}
		return stored, append(slices.Clip(old.Edits), stored), err
	})
}

// UndoPersonEdit removes an edit: every article it changed shows again what it
// showed before it (edits made since stay in force). It returns the edit
// removed, or a corpus.ENotFound error.
func (ix *Index) UndoPersonEdit(ctx context.Context, id string) (corpus.PersonEdit, error) {
	return ix.changePeople(ctx, "undone", func(old *corpus.PersonLayer) (corpus.PersonEdit, []corpus.PersonEdit, error) {
		i := slices.IndexFunc(old.Edits, func(e corpus.PersonEdit) bool { return e.ID == id })
		if i < 0 {
			return corpus.PersonEdit{}, nil, corpus.Errorf(corpus.ENotFound, "there is no people edit %q: GET /api/v1/people/edits lists them", truncateID(id))
		}
		removed := old.Edits[i]
		return removed, slices.Delete(slices.Clone(old.Edits), i, i+1), ix.records.deletePersonEdit(removed.ID)
	})
}

// changePeople runs change with the edits in force while writes wait; change
// stores its edit and returns it with the edits then in force, which the index
// is brought to (what says so in the log). A corpus error of change is returned
// as it is, any other as the storage failure it is.
func (ix *Index) changePeople(ctx context.Context, what string, change func(old *corpus.PersonLayer) (corpus.PersonEdit, []corpus.PersonEdit, error)) (corpus.PersonEdit, error) {
	if err := ix.writable(); err != nil {
		return corpus.PersonEdit{}, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.settle(); err != nil {
		return corpus.PersonEdit{}, err
	}
	old := ix.layer()
	e, edits, err := change(old)
	if _, ok := errors.AsType[*corpus.Error](err); ok {
		return corpus.PersonEdit{}, err
	}
	if err != nil {
		return corpus.PersonEdit{}, storageError(ix.dataDir, err)
	}
	next, err := corpus.CompilePersonLayer(edits)
	if err != nil {
		return corpus.PersonEdit{}, err // change checked that it compiles
	}
	ix.people.Store(next)
	// The edit is stored: it is applied to the end even if the caller goes away,
	// so that the index does not wait for the next start to agree with it.
	n, err := ix.relayer(context.WithoutCancel(ctx), old, next)
	ix.dropPersonTotals()
	if err != nil {
		return e, fmt.Errorf("index: people edit %s is stored but not yet applied to every article (the next start finishes it): %w", e.ID, err)
	}
	ix.log.Info("people edit "+what, "edit", e.ID, "action", e.Action, "articles", n)
	return e, nil
}

func truncateID(id string) string {
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}

// writable returns the error a write to a read-only or degraded archive gets.
func (ix *Index) writable() error {
	if ix.degraded() {
		return ix.degradedError()
	}
	if ix.readOnly {
		return storageError(ix.dataDir, syscall.EROFS)
	}
	return nil
}

// personCount returns how many articles of the index name the person: a count of
// the live articles, not the term dictionary's (which counts replaced ones too).
func (ix *Index) personCount(ctx context.Context, name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	res, err := ix.bleve.SearchInContext(ctx, newCountRequest(termQuery(fieldPersons, name)))
	if err != nil {
		return 0, fmt.Errorf("index: count the articles naming %q: %w", name, err)
	}
	return int(res.Total), nil
}

// PersonCount returns how many articles show name as a person.
func (ix *Index) PersonCount(ctx context.Context, name string) (int, error) {
	return ix.personCount(ctx, name)
}

// LookUpPerson tells under which name the archive shows the person name asks
// for: the name itself, where an edit moved it (or that it is hidden), the one
// it equals but for case, accents and spacing, or none, with the nearest names.
func (ix *Index) LookUpPerson(ctx context.Context, name string) (corpus.PersonLookup, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return corpus.PersonLookup{Suggestions: []string{}}, nil
	}
	n, err := ix.personCount(ctx, name)
	if err != nil {
		return corpus.PersonLookup{}, err
	}
	if n > 0 {
		return corpus.PersonLookup{Canonical: name}, nil
	}
	l := ix.layer()
	if to, ok := l.To[name]; ok {
		if to == "" {
			return corpus.PersonLookup{Hidden: true, Suggestions: []string{}}, nil
		}
		return corpus.PersonLookup{Canonical: to, Via: string(l.Via[name].Action)}, nil
	}
	if to, err := ix.records.learnedAlias(name); err == nil && to != "" {
		if shown := l.Shown(to); shown != "" {
			if n, err := ix.personCount(ctx, shown); err == nil && n > 0 {
				return corpus.PersonLookup{Canonical: shown, Via: "name book"}, nil
			}
		}
	}
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return corpus.PersonLookup{}, err
	}
	r, err := adv.Reader()
	if err != nil {
		return corpus.PersonLookup{}, fmt.Errorf("index: open a reader: %w", err)
	}
	defer r.Close()
	res := resolver{ctx: ctx, r: r}
	same, near, err := res.scan(fieldPersons, name)
	if err != nil {
		return corpus.PersonLookup{}, err
	}
	for _, s := range same {
		// The term dictionary may still list a name no live article holds.
		if n, err := ix.personCount(ctx, s); err == nil && n > 0 {
			return corpus.PersonLookup{Canonical: s, Via: "spelling"}, nil
		}
	}
	return corpus.PersonLookup{Suggestions: near}, nil
}

// relayer re-indexes, from their records, the articles naming a person whose
// shown name differs between the layers old (which the index holds) and next,
// and records next as the layer the index holds. It returns how many articles
// it re-indexed. Callers hold mu, or own ix alone.
func (ix *Index) relayer(ctx context.Context, old, next *corpus.PersonLayer) (int, error) {
	terms := map[string]bool{}
	hiddenBefore := map[string]bool{}
	for _, n := range next.Changed(old) {
		if was := old.Shown(n); was == "" {
			hiddenBefore[n] = true
		} else {
			terms[was] = true
		}
	}
	ids := map[string]bool{}
	for _, t := range slices.Sorted(maps.Keys(terms)) {
		found, err := ix.idsWithPerson(ctx, t)
		if err != nil {
			return 0, err
		}
		for _, id := range found {
			ids[id] = true
		}
	}
	if len(hiddenBefore) > 0 {
		// A hidden name is in no index field: the records say who names it.
		err := ix.records.each(func(a corpus.Article) error {
			if slices.ContainsFunc(a.Persons, func(p string) bool { return hiddenBefore[p] }) {
				ids[a.ID] = true
			}
			return ctx.Err()
		})
		if err != nil {
			return 0, fmt.Errorf("index: find the articles naming a hidden person: %w", err)
		}
	}
	sorted := slices.Sorted(maps.Keys(ids))
	done := 0
	for start := 0; ; start += relayerBatch {
		end := min(start+relayerBatch, len(sorted))
		batch := ix.bleve.NewBatch()
		for _, id := range sorted[start:end] {
			rec, ok, err := ix.records.get(id)
			if err != nil {
				return done, fmt.Errorf("index: read %s: %w", id, err)
			}
			if !ok {
				continue
			}
			a := rec.Article
			a.ID = id
			if err := batch.Index(id, storedDocument(next.ApplyTo(&a))); err != nil {
				return done, fmt.Errorf("index: re-index %s: %w", id, err)
			}
		}
		last := end >= len(sorted)
		if last {
			batch.SetInternal(keyPersonLayer, encodeLayer(next))
		}
		if err := ix.bleve.Batch(batch); err != nil {
			return done, fmt.Errorf("index: re-index %d articles: %w", end-start, err)
		}
		done = end
		if last {
			return done, nil
		}
		if err := ctx.Err(); err != nil {
			return done, err
		}
	}
}

// personEdits returns the edits the record store holds, oldest first.
func (r *records) personEdits() ([]corpus.PersonEdit, error) {
	var out []corpus.PersonEdit
	err := r.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPersonEdits)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var e corpus.PersonEdit
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("people edit %x: %w", k, err)
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("index: read the people edits: %w", err)
	}
	return out, nil
}

// addPersonEdit stores e with the next ID, once check accepts it with that ID.
func (r *records) addPersonEdit(e corpus.PersonEdit, check func(corpus.PersonEdit) error) (corpus.PersonEdit, error) {
	err := r.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPersonEdits)
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		e.ID = strconv.FormatUint(seq, 10)
		if err := check(e); err != nil {
			return err
		}
		v, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(editKey(seq), v)
	})
	return e, err
}

// deletePersonEdit removes the edit with id.
func (r *records) deletePersonEdit(id string) error {
	seq, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return fmt.Errorf("people edit %q: %w", id, err)
	}
	return r.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPersonEdits)
		if b == nil {
			return nil
		}
		return b.Delete(editKey(seq))
	})
}

func editKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// newCountRequest asks only how many articles match q.
func newCountRequest(q query.Query) *bleve.SearchRequest {
	return bleve.NewSearchRequestOptions(q, 0, 0, false)
}
