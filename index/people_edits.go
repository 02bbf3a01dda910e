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

// personLayer is the compiled list of edits: what each edited name is shown as.
type personLayer struct {
	edits []corpus.PersonEdit
	// to maps a name to the name it is shown as; "" hides it.
	to map[string]string
	// via says, for each name in to, the edit that first moved it.
	via map[string]corpus.PersonEdit
}

var emptyLayer = &personLayer{to: map[string]string{}, via: map[string]corpus.PersonEdit{}}

// errPersonCycle is wrapped by compileLayer's error for edits that lead a name
// back to itself.
var errPersonCycle = errors.New("the edits lead a name back to itself")

// compileLayer follows merges and renames to their end (A into B and B into C
// shows A as C) and hides every name whose end is hidden. Later edits of the
// same name win.
func compileLayer(edits []corpus.PersonEdit) (*personLayer, error) {
	l := &personLayer{edits: edits, to: map[string]string{}, via: map[string]corpus.PersonEdit{}}
	next := map[string]corpus.PersonEdit{}
	hidden := map[string]corpus.PersonEdit{}
	for _, e := range edits {
		switch e.Action {
		case corpus.MergeAction, corpus.RenameAction:
			next[e.From] = e
		case corpus.HideAction:
			hidden[e.Name] = e
		}
	}
	for from, first := range next {
		cur, steps := from, 0
		for e, ok := next[cur]; ok; e, ok = next[cur] {
			cur = e.Into
			if steps++; cur == from || steps > len(next) {
				return nil, fmt.Errorf("%w: %q (edit %s)", errPersonCycle, from, first.ID)
			}
		}
		l.to[from], l.via[from] = cur, first
	}
	for from, end := range l.to {
		if _, ok := hidden[end]; ok {
			l.to[from] = ""
		}
	}
	for name, e := range hidden {
		if _, ok := l.to[name]; !ok {
			l.to[name], l.via[name] = "", e
		}
	}
	return l, nil
}

// shown returns the name a name is shown as: itself, another, or "" when hidden.
func (l *personLayer) shown(name string) string {
	if to, ok := l.to[name]; ok {
		return to
	}
	return name
}

// apply returns persons with the edits applied: persons itself when none of
// them is edited.
func (l *personLayer) apply(persons []string) []string {
	if len(l.to) == 0 || !slices.ContainsFunc(persons, func(p string) bool { _, ok := l.to[p]; return ok }) {
		return persons
	}
	return corpus.RenamePersons(persons, l.to)
}

// applyTo returns a with the edits applied to its persons (a copy when they change).
func (l *personLayer) applyTo(a *corpus.Article) *corpus.Article {
	persons := l.apply(a.Persons)
	if len(persons) == len(a.Persons) && (len(persons) == 0 || &persons[0] == &a.Persons[0]) {
		return a
	}
	b := *a
	b.Persons = persons
	return &b
}

// encode is the layer as the index records it: the names it moves.
func (l *personLayer) encode() []byte {
	b, _ := json.Marshal(l.to) // a map of strings always encodes, keys sorted
	return b
}

// aliases returns the names shown as name, with the edit that moved each.
func (l *personLayer) aliases(name string) []corpus.PersonAlias {
	var out []corpus.PersonAlias
	for from, to := range l.to {
		if to == name && from != name {
			out = append(out, corpus.PersonAlias{Name: from, Via: string(l.via[from].Action)})
		}
	}
	slices.SortFunc(out, func(a, b corpus.PersonAlias) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// layer returns the edits in force.
func (ix *Index) layer() *personLayer {
	if l := ix.people.Load(); l != nil {
		return l
	}
	return emptyLayer
}

// loadPeople reads the edits from the record store into the layer that reads
// and writes apply. A list that does not compile (it cannot be made through the
// API) is logged and left out, so that the archive still opens.
func (ix *Index) loadPeople() error {
	l, err := loadLayer(ix.records)
	if err != nil {
		if !errors.Is(err, errPersonCycle) {
			return err
		}
		ix.log.Error("the people edits lead a name back to itself; they are not applied until one is undone", "err", err)
		l = emptyLayer
	}
	ix.people.Store(l)
	return nil
}

func loadLayer(r *records) (*personLayer, error) {
	edits, err := r.personEdits()
	if err != nil {
		return nil, err
	}
	return compileLayer(edits)
}

// syncPeople brings the index to the edits in force when it holds another layer
// (an edit or undo a crash cut short). Callers own ix alone.
func (ix *Index) syncPeople(ctx context.Context) error {
	held, err := ix.bleve.GetInternal(keyPersonLayer)
	if err != nil {
		return fmt.Errorf("index: read the people edits the index holds: %w", err)
	}
	want := ix.layer()
	if string(held) == string(want.encode()) || (len(held) == 0 && len(want.to) == 0) {
		return nil
	}
	old := emptyLayer
	if len(held) > 0 {
		to := map[string]string{}
		if err := json.Unmarshal(held, &to); err != nil {
			return fmt.Errorf("index: read the people edits the index holds: %w", err)
		}
		old = &personLayer{to: to}
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
	edits := ix.layer().edits
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
	return ix.changePeople(ctx, "applied", func(old *personLayer) (corpus.PersonEdit, []corpus.PersonEdit, error) {
		if len(old.edits) >= corpus.MaxPersonEdits {
			return e, nil, corpus.Errorf(corpus.EInvalidRequest, "the archive holds %d people edits, the most it keeps: undo some first", len(old.edits))
		}
		if err := ix.checkEdit(ctx, old, e); err != nil {
			return e, nil, err
		}
		e.At = time.Now().UTC().Truncate(time.Second)
		stored, err := ix.records.addPersonEdit(e, func(candidate corpus.PersonEdit) error {
			_, err := compileLayer(append(slices.Clip(old.edits), candidate))
			return err
		})
		if errors.Is(err, errPersonCycle) {
			return e, nil, corpus.Errorf(corpus.EInvalidRequest, "this edit would lead %q back to itself through earlier edits: undo one of them first", e.Subject())
		}
		return stored, append(slices.Clip(old.edits), stored), err
	})
}

// UndoPersonEdit removes an edit: every article it changed shows again what it
// showed before it (edits made since stay in force). It returns the edit
// removed, or a corpus.ENotFound error.
func (ix *Index) UndoPersonEdit(ctx context.Context, id string) (corpus.PersonEdit, error) {
	return ix.changePeople(ctx, "undone", func(old *personLayer) (corpus.PersonEdit, []corpus.PersonEdit, error) {
		i := slices.IndexFunc(old.edits, func(e corpus.PersonEdit) bool { return e.ID == id })
		if i < 0 {
			return corpus.PersonEdit{}, nil, corpus.Errorf(corpus.ENotFound, "there is no people edit %q: GET /api/v1/people/edits lists them", truncateID(id))
		}
		removed := old.edits[i]
		return removed, slices.Delete(slices.Clone(old.edits), i, i+1), ix.records.deletePersonEdit(removed.ID)
	})
}

// changePeople runs change with the edits in force while writes wait; change
// stores its edit and returns it with the edits then in force, which the index
// is brought to (what says so in the log). A corpus error of change is returned
// as it is, any other as the storage failure it is.
func (ix *Index) changePeople(ctx context.Context, what string, change func(old *personLayer) (corpus.PersonEdit, []corpus.PersonEdit, error)) (corpus.PersonEdit, error) {
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
	next, err := compileLayer(edits)
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

// checkEdit checks e against the archive and the edits in force.
func (ix *Index) checkEdit(ctx context.Context, l *personLayer, e corpus.PersonEdit) error {
	if err := ix.checkShown(ctx, l, e.Subject(), "the person to "+string(e.Action)); err != nil {
		return err
	}
	switch e.Action {
	case corpus.MergeAction:
		return ix.checkShown(ctx, l, e.Into, "the person to merge into")
	case corpus.RenameAction:
		n, err := ix.personCount(ctx, e.Into)
		if err != nil {
			return err
		}
		if n > 0 {
			return corpus.Errorf(corpus.EInvalidRequest, "%q is already a person in the archive (%d articles): merge %q into it instead", e.Into, n, e.From)
		}
		if to, ok := l.to[e.Into]; ok && to == "" {
			return corpus.Errorf(corpus.EInvalidRequest, "%q is hidden (edit %s): undo that edit before renaming anyone to it", e.Into, l.via[e.Into].ID)
		}
	}
	return nil
}

// checkShown returns nil when the archive shows name as a person now, and
// otherwise an error saying what became of it or which names are near.
func (ix *Index) checkShown(ctx context.Context, l *personLayer, name, role string) error {
	n, err := ix.personCount(ctx, name)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if to, ok := l.to[name]; ok {
		e := l.via[name]
		if to == "" {
			return corpus.Errorf(corpus.EInvalidRequest, "%q is hidden (edit %s): undo that edit first (DELETE /api/v1/people/edits/%s)", name, e.ID, e.ID)
		}
		return corpus.Errorf(corpus.EInvalidRequest, "%q is shown as %q already (edit %s): edit %q instead, or undo edit %s first", name, to, e.ID, to, e.ID)
	}
	look, err := ix.LookUpPerson(ctx, name)
	if err != nil {
		return err
	}
	if look.Canonical != "" {
		return corpus.Errorf(corpus.ENotFound, "there is no person named exactly %q: the archive shows %q; use that name", name, look.Canonical)
	}
	msg := fmt.Sprintf("%s, %q, is not a person in the archive", role, name)
	if len(look.Suggestions) > 0 {
		msg += ": did you mean " + quoteAll(look.Suggestions) + "?"
	} else {
		msg += ": give the name exactly as the person facet shows it"
	}
	return corpus.Errorf(corpus.ENotFound, "%s", msg)
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
	if to, ok := l.to[name]; ok {
		if to == "" {
			return corpus.PersonLookup{Hidden: true, Suggestions: []string{}}, nil
		}
		return corpus.PersonLookup{Canonical: to, Via: string(l.via[name].Action)}, nil
	}
	if to, err := ix.records.learnedAlias(name); err == nil && to != "" {
		if shown := l.shown(to); shown != "" {
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

// filterNames reads the person filters of q through the edits: a merged or
// renamed name filters by the name it is shown as. It returns what it changed,
// for the answer's notices.
func (l *personLayer) filterNames(q *corpus.Query) []string {
	if len(l.to) == 0 {
		return nil
	}
	var notices []string
	for _, names := range []*[]string{&q.Persons, &q.NotPersons} {
		for i, n := range *names {
			if to, ok := l.to[n]; ok && to != "" {
				(*names)[i] = to
				notices = append(notices, fmt.Sprintf("person %q is read as %q (%s, edit %s)", n, to, l.via[n].Action, l.via[n].ID))
			}
		}
		*names = slices.Compact(*names)
	}
	return notices
}

// relayer re-indexes, from their records, the articles naming a person whose
// shown name differs between the layers old (which the index holds) and next,
// and records next as the layer the index holds. It returns how many articles
// it re-indexed. Callers hold mu, or own ix alone.
func (ix *Index) relayer(ctx context.Context, old, next *personLayer) (int, error) {
	names := map[string]bool{}
	for n := range old.to {
		names[n] = true
	}
	for n := range next.to {
		names[n] = true
	}
	terms := map[string]bool{}
	hiddenBefore := map[string]bool{}
	for n := range names {
		was := old.shown(n)
		if was == next.shown(n) {
			continue
		}
		if was == "" {
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
			if err := batch.Index(id, storedDocument(next.applyTo(&a))); err != nil {
				return done, fmt.Errorf("index: re-index %s: %w", id, err)
			}
		}
		last := end >= len(sorted)
		if last {
			batch.SetInternal(keyPersonLayer, next.encode())
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
