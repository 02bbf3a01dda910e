package opensearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/article-archive/archive/corpus"
)

// People edits (merge, rename, hide) are kept in the cluster, in an index of
// their own beside the archive's (articles-people-edits for the index
// articles), so that every server sharing the cluster applies the same ones.
// Each article's document keeps the names extraction found (persons_extracted)
// beside the names shown (persons, with the edits applied), so that an undo
// gives back exactly what was there; an edit rewrites the persons of only the
// articles whose extracted names it changes.
//
// The edits' index holds a document "state" that every edit and undo updates:
// its version tells a server whether the edits it holds are still those in
// force. Every request that applies the edits (a write, a search with person
// filters, a person page or look-up) reads that version, one GET by ID; the
// edits themselves are read again only when it changed.

// stateDoc is the ID of the edits' version document.
const stateDoc = "state"

// fieldExtracted holds the persons extraction found, before the edits.
const fieldExtracted = "persons_extracted"

// relayerBatch is how many articles one step of applying an edit rewrites.
const relayerBatch = 500

// layerCache is the edits a server applies, and their version.
type layerCache struct {
	mu      sync.Mutex
	layer   *corpus.PersonLayer
	version int64
}

// peopleEdits is the name of the edits' index.
func (e *Engine) peopleEdits() string { return e.index + SuffixPeopleEdits }

// editDoc is an edit as its index holds it.
type editDoc struct {
	corpus.PersonEdit
	Seq int64 `json:"seq"`
}

// ensurePeopleEdits makes the edits' index when it does not exist yet.
func (e *Engine) ensurePeopleEdits(ctx context.Context) error {
	keyword := dsl{"type": "keyword"}
	return e.ensureSideIndex(ctx, e.peopleEdits(), dsl{"seq": dsl{"type": "long"}, "action": keyword, "alias_from": keyword, "alias_to": keyword})
}

// layer returns the edits in force: those the server holds when their version
// in the cluster is still theirs (one real-time GET of a small document), else
// those the cluster holds, read again. Every request that applies the edits
// asks, so that an edit made through another server is seen at once.
func (e *Engine) layer(ctx context.Context) (*corpus.PersonLayer, int64, error) {
	c := &e.people
	c.mu.Lock()
	defer c.mu.Unlock()
	version, err := e.editsVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	if c.layer != nil && version == c.version {
		return c.layer, version, nil
	}
	// The version is read before the edits: an edit stored meanwhile bumps it
	// again, so that it is read next time.
	edits, err := e.readEdits(ctx)
	if err != nil {
		return nil, 0, err
	}
	l, err := corpus.CompilePersonLayer(edits)
	if err != nil {
		// Two servers' edits at the same moment may close a cycle: the edits
		// stay unapplied until one is undone, and the archive still answers.
		e.log.Error("the people edits lead a name back to itself; they are not applied until one is undone", "err", err)
		l = &corpus.PersonLayer{Edits: edits, To: map[string]string{}, Via: map[string]corpus.PersonEdit{}}
	}
	c.layer, c.version = l, version
	return l, version, nil
}

// editsVersion is the version of the edits' state document; 0 when no edit was
// ever made.
func (e *Engine) editsVersion(ctx context.Context) (int64, error) {
	var out struct {
		Found   bool  `json:"found"`
		Version int64 `json:"_version"`
	}
	err := e.do(ctx, http.MethodGet, "/"+e.peopleEdits()+"/_doc/"+stateDoc+"?_source=false&realtime=true", nil, &out)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("opensearch: read the version of the people edits: %w", err)
	}
	return out.Version, nil
}

// readEdits returns the edits the cluster holds, oldest first.
func (e *Engine) readEdits(ctx context.Context) ([]corpus.PersonEdit, error) {
	var res struct {
		Hits struct {
			Hits []struct {
				Source editDoc `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	body := dsl{"size": corpus.MaxPersonEdits, "query": dsl{"exists": dsl{"field": "action"}}, "sort": []any{dsl{"seq": "asc"}}}
	err := e.do(ctx, http.MethodPost, "/"+e.peopleEdits()+"/_search", body, &res)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opensearch: read the people edits: %w", err)
	}
	out := make([]corpus.PersonEdit, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		out = append(out, h.Source.PersonEdit)
	}
	return out, nil
}

// bumpEdits updates the state document (another version), adding one to its
// field (next: the last edit's number, undos) and returning the field's value.
func (e *Engine) bumpEdits(ctx context.Context, field string) (int64, error) {
	body := dsl{
		"script": dsl{"lang": "painless", "params": dsl{"f": field},
			"source": "ctx._source[params.f] = (ctx._source.containsKey(params.f) ? ctx._source[params.f] : 0) + 1"},
		"upsert":  dsl{field: 1},
		"_source": true,
	}
	var out struct {
		Get struct {
			Source map[string]int64 `json:"_source"`
		} `json:"get"`
	}
	// The state is read by ID (real time): no refresh needed.
	path := "/" + e.peopleEdits() + "/_update/" + stateDoc + "?retry_on_conflict=10&wait_for_active_shards=1"
	if err := e.do(ctx, http.MethodPost, path, body, &out); err != nil {
		return 0, fmt.Errorf("opensearch: count the people edits: %w", err)
	}
	return out.Get.Source[field], nil
}

// PersonEdits returns the people edits in force, oldest first.
func (e *Engine) PersonEdits(ctx context.Context) ([]corpus.PersonEdit, error) {
	l, _, err := e.layer(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(l.Edits), nil
}

// EditPeople applies a merge, rename or hide at once to every article naming
// the person, and keeps it in the cluster for every article stored later, by
// this server or another. The edit must name people as the archive shows them
// now; it returns corpus errors a user can act on, as the Bleve engine's
// (EInvalidRequest, ENotFound with the nearest names), and EBusy when the
// cluster cannot answer.
func (e *Engine) EditPeople(ctx context.Context, edit corpus.PersonEdit) (corpus.PersonEdit, error) {
	if err := edit.Normalize(); err != nil {
		return corpus.PersonEdit{}, err
	}
	if err := e.ensure(ctx); err != nil {
		return corpus.PersonEdit{}, err
	}
	old, _, err := e.layer(ctx)
	if err != nil {
		return corpus.PersonEdit{}, err
	}
	if len(old.Edits) >= corpus.MaxPersonEdits {
		return corpus.PersonEdit{}, corpus.Errorf(corpus.EInvalidRequest, "the archive holds %d people edits, the most it keeps: undo some first", len(old.Edits))
	}
	if err := corpus.CheckPersonEdit(ctx, e, old, edit); err != nil {
		return corpus.PersonEdit{}, err
	}
	if _, err := corpus.CompilePersonLayer(append(slices.Clip(old.Edits), edit)); err != nil {
		return corpus.PersonEdit{}, corpus.Errorf(corpus.EInvalidRequest, "this edit would lead %q back to itself through earlier edits: undo one of them first", edit.Subject())
	}
	if err := e.ensurePeopleEdits(ctx); err != nil {
		return corpus.PersonEdit{}, err
	}
	// The edit is stored even if the caller goes away, and applied to the end.
	ctx = context.WithoutCancel(ctx)
	seq, err := e.bumpEdits(ctx, "next")
	if err != nil {
		return corpus.PersonEdit{}, err
	}
	edit.ID, edit.At = strconv.FormatInt(seq, 10), time.Now().UTC().Truncate(time.Second)
	// refresh=true: the edits' small index is searchable at once, not at its
	// next refresh, so that the servers reading it after the version changes
	// find the edit.
	path := "/" + e.peopleEdits() + "/_doc/" + edit.ID + "?refresh=true&wait_for_active_shards=1&op_type=create"
	if err := e.do(ctx, http.MethodPut, path, editDoc{edit, seq}, nil); err != nil {
		return corpus.PersonEdit{}, fmt.Errorf("opensearch: store people edit %s: %w", edit.ID, err)
	}
	if _, err := e.bumpEdits(ctx, "stored"); err != nil {
		return edit, err
	}
	next, _, err := e.layer(ctx)
	if err != nil {
		return edit, err
	}
	if _, err := corpus.CompilePersonLayer(next.Edits); err != nil {
		// Another server's edit of the same moment closed a cycle: this one goes.
		if _, uerr := e.removeEdit(ctx, edit.ID); uerr != nil {
			return edit, uerr
		}
		return corpus.PersonEdit{}, corpus.Errorf(corpus.EInvalidRequest, "this edit would lead %q back to itself through an edit made at the same time: look at the edits and try again", edit.Subject())
	}
	n, err := e.relayer(ctx, next.Changed(old))
	if err != nil {
		return edit, fmt.Errorf("opensearch: people edit %s is stored but not yet applied to every article: undo it and make it again to apply it everywhere: %w", edit.ID, err)
	}
	e.log.Info("people edit applied", "edit", edit.ID, "action", edit.Action, "articles", n)
	return edit, nil
}

// UndoPersonEdit removes an edit: every article it changed shows again what it
// showed before it (edits made since stay in force). It returns the edit
// removed, or a corpus.ENotFound error.
func (e *Engine) UndoPersonEdit(ctx context.Context, id string) (corpus.PersonEdit, error) {
	old, _, err := e.layer(ctx)
	if err != nil {
		return corpus.PersonEdit{}, err
	}
	i := slices.IndexFunc(old.Edits, func(x corpus.PersonEdit) bool { return x.ID == id })
	if i < 0 {
		shown := id
		if len(shown) > 40 {
			shown = shown[:40] + "…"
		}
		return corpus.PersonEdit{}, corpus.Errorf(corpus.ENotFound, "there is no people edit %q: GET /api/v1/people/edits lists them", shown)
	}
	removed := old.Edits[i]
	next, err := e.removeEdit(context.WithoutCancel(ctx), id)
	if err != nil {
		return corpus.PersonEdit{}, err
	}
	n, err := e.relayer(context.WithoutCancel(ctx), next.Changed(old))
	if err != nil {
		return removed, fmt.Errorf("opensearch: people edit %s is undone but not yet on every article: make it again and undo it to bring every article back: %w", id, err)
	}
	e.log.Info("people edit undone", "edit", id, "action", removed.Action, "articles", n)
	return removed, nil
}

// removeEdit deletes an edit and returns the edits in force after it.
func (e *Engine) removeEdit(ctx context.Context, id string) (*corpus.PersonLayer, error) {
	err := e.do(ctx, http.MethodDelete, "/"+e.peopleEdits()+"/_doc/"+url.PathEscape(id)+"?refresh=true&wait_for_active_shards=1", nil, nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		err = nil // another server undid it a moment ago
	}
	if err != nil {
		return nil, fmt.Errorf("opensearch: delete people edit %s: %w", id, err)
	}
	if _, err := e.bumpEdits(ctx, "undos"); err != nil {
		return nil, err
	}
	l, _, err := e.layer(ctx)
	return l, err
}

// relayer rewrites the shown persons of the articles whose extracted names
// include one of names, with the edits in force. It returns how many changed.
func (e *Engine) relayer(ctx context.Context, names []string) (int, error) {
	if len(names) == 0 {
		return 0, nil
	}
	// Articles stored before the edit, not searchable yet, are found too.
	if err := e.Refresh(ctx); err != nil {
		return 0, err
	}
	return e.applyLayer(ctx, namingAny(names))
}

// namingAny matches the articles whose extracted names include one of names
// (an article stored before edits were kept has only its shown names).
func namingAny(names []string) dsl {
	return dsl{"bool": dsl{"minimum_should_match": 1, "should": []dsl{
		{"terms": dsl{fieldExtracted: names}},
		{"bool": dsl{"filter": []dsl{{"terms": dsl{fieldPersons: names}}},
			"must_not": []dsl{{"exists": dsl{"field": fieldExtracted}}}}},
	}}}
}

// applyLayer gives every article matching query the persons the edits in force
// show, in steps of relayerBatch, each with the edits as they are then. An
// article another write changed meanwhile (a version conflict) is read again.
func (e *Engine) applyLayer(ctx context.Context, query dsl) (int, error) {
	changed := 0
	var after []json.RawMessage
	for conflicts := 0; ; {
		body := dsl{
			"size": relayerBatch, "query": query, "seq_no_primary_term": true,
			"_source": []string{fieldPersons, fieldExtracted},
			"sort":    []any{dsl{fieldID: "asc"}},
		}
		if after != nil {
			body["search_after"] = after
		}
		var res struct {
			Hits struct {
				Hits []struct {
					ID          string            `json:"_id"`
					SeqNo       int64             `json:"_seq_no"`
					PrimaryTerm int64             `json:"_primary_term"`
					Sort        []json.RawMessage `json:"sort"`
					Source      struct {
						Persons   []string  `json:"persons"`
						Extracted *[]string `json:"persons_extracted"`
					} `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
			return changed, fmt.Errorf("opensearch: find the articles an edit changes: %w", err)
		}
		l, _, err := e.layer(ctx)
		if err != nil {
			return changed, err
		}
		var bulk []byte
		n := 0
		for _, h := range res.Hits.Hits {
			extracted := h.Source.Persons
			if h.Source.Extracted != nil {
				extracted = *h.Source.Extracted
			}
			shown := l.Apply(extracted)
			if slices.Equal(shown, h.Source.Persons) && h.Source.Extracted != nil {
				continue
			}
			meta, _ := json.Marshal(dsl{"update": dsl{"_index": e.index, "_id": h.ID, "if_seq_no": h.SeqNo, "if_primary_term": h.PrimaryTerm}})
			doc, _ := json.Marshal(dsl{"doc": dsl{fieldPersons: nonNil(shown), fieldPersonsFold: foldAll(shown), fieldExtracted: nonNil(extracted)}})
			bulk = append(append(append(append(bulk, meta...), '\n'), doc...), '\n')
			n++
		}
		retry := false
		if n > 0 {
			var out bulkResponse
			if err := e.do(ctx, http.MethodPost, "/_bulk?refresh=wait_for&wait_for_active_shards=1&timeout=30s", bulk, &out); err != nil {
				return changed, fmt.Errorf("opensearch: rewrite the persons of %d articles: %w", n, err)
			}
			failed, conflict := out.failures()
			changed += n - len(failed)
			if len(failed) > len(conflict) {
				return changed, &BulkError{Failed: failed}
			}
			retry = len(conflict) > 0
		}
		if retry && conflicts < 5 {
			conflicts++ // the same page again, as it is now
			continue
		}
		if len(res.Hits.Hits) < relayerBatch {
			return changed, nil
		}
		after = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// PersonCount returns how many articles show name as a person.
func (e *Engine) PersonCount(ctx context.Context, name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	if err := e.ensure(ctx); err != nil {
		return 0, err
	}
	var out struct {
		Count int `json:"count"`
	}
	body := dsl{"query": dsl{"term": dsl{fieldPersons: name}}}
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_count", body, &out); err != nil {
		return 0, fmt.Errorf("opensearch: count the articles naming %q: %w", name, err)
	}
	return out.Count, nil
}

// LookUpPerson tells under which name the archive shows the person name asks
// for: the name itself, where an edit moved it (or that it is hidden), the one
// it equals but for case, accents and spacing, or none, with the nearest names.
func (e *Engine) LookUpPerson(ctx context.Context, name string) (corpus.PersonLookup, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return corpus.PersonLookup{Suggestions: []string{}}, nil
	}
	n, err := e.PersonCount(ctx, name)
	if err != nil {
		return corpus.PersonLookup{}, err
	}
	if n > 0 {
		return corpus.PersonLookup{Canonical: name}, nil
	}
	l, _, err := e.layer(ctx)
	if err != nil {
		return corpus.PersonLookup{}, err
	}
	if look, ok := l.Lookup(name); ok {
		return look, nil
	}
	if shown, err := e.readAs(ctx, name); err != nil || shown != "" {
		return corpus.PersonLookup{Canonical: shown, Via: "name book"}, err
	}
	want := corpus.Fold(name)
	body := dsl{"size": 0, "query": dsl{"term": dsl{fieldPersonsFold: want}},
		"aggs": dsl{"values": dsl{"terms": dsl{"field": fieldPersons, "size": 100}}}}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return corpus.PersonLookup{}, fmt.Errorf("opensearch: look up %q: %w", name, err)
	}
	var aggs struct {
		Values termsAgg `json:"values"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return corpus.PersonLookup{}, err
	}
	for _, b := range aggs.Values.Buckets { // most frequent first
		if s, _ := b.Key.(string); corpus.Fold(s) == want {
			return corpus.PersonLookup{Canonical: s, Via: "spelling"}, nil
		}
	}
	near, err := e.nearValues(ctx, fieldPersons, want)
	if err != nil {
		return corpus.PersonLookup{}, err
	}
	return corpus.PersonLookup{Suggestions: near}, nil
}
