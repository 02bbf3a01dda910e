package opensearch

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// maxStoryCandidates bounds the stored articles one batch compares itself with.
const maxStoryCandidates = 2000

// BulkError lists the articles of a batch the cluster refused, with its reason
// for each; the others were stored.
type BulkError struct {
	// Failed maps an article ID to the cluster's reason.
	Failed map[string]string
}

func (e *BulkError) Error() string {
	ids := make([]string, 0, len(e.Failed))
	for id := range e.Failed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	fmt.Fprintf(&b, "the OpenSearch cluster refused %d article(s):", len(ids))
	for i, id := range ids[:min(len(ids), 10)] {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s: %s", id, e.Failed[id])
	}
	if len(ids) > 10 {
		fmt.Fprintf(&b, "; and %d more", len(ids)-10)
	}
	return b.String()
}

// Unwrap makes a BulkError a corpus.EStorageFailed error.
func (e *BulkError) Unwrap() error {
	return corpus.Errorf(corpus.EStorageFailed, "%s", e.Error())
}

// bulkResponse is the part of a _bulk answer the engine reads.
type bulkResponse struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

// failures returns the refused items with the cluster's reasons, and those of
// them refused for a version conflict.
func (r *bulkResponse) failures() (failed, conflict map[string]string) {
	failed, conflict = map[string]string{}, map[string]string{}
	for _, item := range r.Items {
		for _, x := range item {
			if x.Error == nil {
				continue
			}
			failed[x.ID] = x.Error.Type + ": " + x.Error.Reason
			if x.Status == http.StatusConflict {
				conflict[x.ID] = failed[x.ID]
			}
		}
	}
	return failed, conflict
}

// stored is what the index holds of an article already there.
type stored struct {
	Fingerprint string    `json:"fingerprint"`
	Story       string    `json:"story"`
	Arrived     time.Time `json:"arrived"`
	IngestedAt  time.Time `json:"ingested_at"`
}

// Put stores a batch and says for each article whether it was new, updated,
// unchanged, or deleted from the archive before (skipped: see DeleteArticle). It returns once the cluster has acknowledged every write durably
// (translog fsync, wait_for_active_shards) and made it searchable (refresh
// wait_for). Articles are documents with the article's ID, so sending one again
// adds nothing. A batch of which the cluster refused some articles returns the
// outcomes of the others with a *BulkError (corpus.EStorageFailed) naming the
// refused ones; a cluster that cannot be reached is corpus.EBusy.
func (e *Engine) Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	return e.put(ctx, articles, true)
}

// PutDeferred is Put, except that it returns once the cluster has acknowledged the
// writes durably, without waiting for them to become searchable (which costs up
// to the index's refresh interval per batch). The next PutDeferred or Put
// refreshes first, so that it finds the articles of this one (duplicates,
// stories), and Flush makes them all searchable. Ingest uses it.
func (e *Engine) PutDeferred(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	return e.put(ctx, articles, false)
}

// Flush makes every article stored by PutDeferred searchable.
func (e *Engine) Flush() error {
	if !e.pending.Swap(false) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	if err := e.Refresh(ctx); err != nil {
		e.pending.Store(true)
		return err
	}
	e.arrivedMu.Lock()
	searchable := e.arrived
	e.arrived = nil
	e.arrivedMu.Unlock()
	e.announce(searchable)
	return nil
}

func (e *Engine) put(ctx context.Context, articles []corpus.Article, searchable bool) ([]corpus.Outcome, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	t0 := time.Now()
	if err := e.ensure(ctx); err != nil {
		return nil, err
	}
	if err := e.Flush(); err != nil {
		return nil, err
	}
	tRefresh := time.Now()
	now := time.Now()
	ids := make([]string, len(articles))
	for i := range articles {
		if articles[i].ID == "" {
			return nil, fmt.Errorf("opensearch: put %s: article has no ID", articles[i].Source)
		}
		if w := articles[i].CheckPublished(now); w != "" {
			e.log.Warn("article stored undated", "id", articles[i].ID, "reason", w)
		}
		ids[i] = articles[i].ID
	}
	have, err := e.storedOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	owners, err := e.duplicateOwners(ctx, articles, have)
	if err != nil {
		return nil, err
	}
	deleted, err := e.deletedOf(ctx, articles)
	if err != nil {
		return nil, err
	}
	outcomes := make([]corpus.Outcome, len(articles))
	var write []*corpus.Article
	fresh := map[string]bool{} // the articles new to the archive
	seen := map[string]int{}   // an ID twice in a batch: the last copy wins
	for i := range articles {
		a := &articles[i]
		old, ok := have[a.ID]
		switch {
		case !ok && deleted[i]:
			outcomes[i] = corpus.Deleted // archive ingest --restore brings it back
			continue
		case ok && old.Fingerprint == a.Fingerprint():
			outcomes[i] = corpus.Unchanged
			continue
		case ok:
			outcomes[i] = corpus.Updated
			if a.Story == "" {
				a.Story = old.Story
			}
			// An update keeps the first arrival, as on the Bleve engine.
			a.Arrived = cmp.Or(old.Arrived, old.IngestedAt, now).UTC()
		case owners[i]:
			outcomes[i] = corpus.Unchanged // the same URL or text under another ID
			continue
		default:
			outcomes[i] = corpus.Indexed
			a.Arrived = now.UTC() // one time for the batch, as on the Bleve engine
			fresh[a.ID] = true
		}
		if j, dup := seen[a.ID]; dup {
			write[j] = a
			continue
		}
		seen[a.ID] = len(write)
		write = append(write, a)
	}
	if len(write) == 0 {
		return outcomes, nil
	}
	tLookup := time.Now()
	sigs, err := e.assignStories(ctx, write)
	if err != nil {
		return nil, err
	}
	// The edits in force are read afresh for every batch, and again after it:
	// an edit stored meanwhile by another server is applied to the batch too
	// (that server's own pass may not have seen these articles yet).
	layer, version, err := e.layer(ctx)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for i, a := range write {
		a.IngestedAt = a.IngestedAt.UTC()
		if a.IngestedAt.IsZero() {
			a.IngestedAt = now.UTC()
		}
		enc.Encode(map[string]any{"index": map[string]any{"_index": e.index, "_id": a.ID}})
		doc := newDocument(*a, sigs[i].sig, sigs[i].ok)
		doc.DuplicateKeys = a.DuplicateKeys()
		doc.withLayer(layer)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("opensearch: encode %s: %w", a.ID, err)
		}
	}
	path := "/_bulk?wait_for_active_shards=1&timeout=30s"
	if searchable {
		path += "&refresh=wait_for"
	}
	tStories := time.Now()
	failed, err := e.bulk(ctx, path, body.Bytes())
	e.log.Debug("opensearch: put", "articles", len(articles), "written", len(write), "refresh", tRefresh.Sub(t0),
		"lookups", tLookup.Sub(tRefresh), "stories", tStories.Sub(tLookup), "bulk", time.Since(tStories))
	if !searchable {
		e.pending.Store(true) // whatever the answer: some of it may be stored
	}
	if err != nil {
		return nil, err
	}
	// Edits made meanwhile by another server are applied before the new
	// articles are matched against the saved searches.
	ferr := e.followEdits(ctx, version, write)
	e.arrive(fresh, now, failed, searchable)
	if len(failed) > 0 {
		return outcomes, &BulkError{Failed: failed}
	}
	return outcomes, ferr
}

// bulk sends a _bulk request and returns the documents the cluster refused, by
// ID with its reason. When every refusal says the cluster is busy (429, 503),
// the error is corpus.EBusy instead: nothing is wrong with the documents.
func (e *Engine) bulk(ctx context.Context, path string, body []byte) (map[string]string, error) {
	var res bulkResponse
	if err := e.do(ctx, http.MethodPost, path, body, &res); err != nil {
		return nil, err
	}
	if !res.Errors {
		return nil, nil
	}
	failed, _ := res.failures()
	busy := 0
	for _, item := range res.Items {
		for _, r := range item {
			if r.Error != nil && (r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable) {
				busy++
			}
		}
	}
	if busy == len(failed) {
		return nil, unavailable(fmt.Errorf("%d documents not stored", busy))
	}
	return failed, nil
}

// followEdits applies the edits in force to the articles just written when
// they changed since version (another server's edit or undo meanwhile).
func (e *Engine) followEdits(ctx context.Context, version int64, written []*corpus.Article) error {
	_, now, err := e.layer(ctx)
	if err != nil || now == version {
		return err
	}
	if err := e.Refresh(ctx); err != nil { // PutDeferred's articles too
		return err
	}
	ids := make([]string, len(written))
	for i, a := range written {
		ids[i] = a.ID
	}
	if _, err := e.applyLayer(ctx, dsl{"ids": dsl{"values": ids}}); err != nil {
		return fmt.Errorf("opensearch: apply the people edits made meanwhile: %w", err)
	}
	return nil
}

// Arrivals are the articles new to the archive that one batch stored, told
// once they are searchable (as index.Arrivals are on the Bleve engine).
type Arrivals struct {
	// IDs are the new articles, in no particular order.
	IDs []string
	// At is their arrival time: every article of a batch arrives at once.
	At time.Time
}

// OnArrivals has f told of every batch of new articles this engine stores,
// once it is searchable (after Put, or the Flush after PutDeferred), replacing
// the f before; nil stops it. f runs on the writer's goroutine and must not
// block. Only this process's writes are told: each server matches what it
// stores itself.
func (e *Engine) OnArrivals(f func(Arrivals)) {
	if f == nil {
		e.onArrivals.Store(nil)
		return
	}
	e.onArrivals.Store(&f)
}

// arrive tells OnArrivals' function of the articles new to the archive that
// arrived at now, leaving out those the cluster refused; searchable false keeps
// them until Flush made them searchable.
func (e *Engine) arrive(fresh map[string]bool, now time.Time, failed map[string]string, searchable bool) {
	if e.onArrivals.Load() == nil {
		return
	}
	a := Arrivals{At: now.UTC()}
	for id := range fresh {
		if _, bad := failed[id]; !bad {
			a.IDs = append(a.IDs, id)
		}
	}
	if len(a.IDs) == 0 {
		return
	}
	if !searchable {
		e.arrivedMu.Lock()
		e.arrived = append(e.arrived, a)
		e.arrivedMu.Unlock()
		return
	}
	e.announce([]Arrivals{a})
}

// announce tells OnArrivals' function of batches now searchable.
func (e *Engine) announce(batches []Arrivals) {
	f := e.onArrivals.Load()
	if f == nil {
		return
	}
	for _, a := range batches {
		(*f)(a)
	}
}

// storedOf returns what the index holds of those of ids it has.
func (e *Engine) storedOf(ctx context.Context, ids []string) (map[string]stored, error) {
	var res struct {
		Docs []struct {
			ID     string `json:"_id"`
			Found  bool   `json:"found"`
			Source stored `json:"_source"`
		} `json:"docs"`
	}
	body := map[string]any{"ids": slices.Compact(slices.Sorted(slices.Values(ids)))}
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_mget?_source=fingerprint,story,arrived,ingested_at&realtime=true", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: look up %d articles: %w", len(ids), err)
	}
	out := make(map[string]stored, len(res.Docs))
	for _, d := range res.Docs {
		if d.Found {
			out[d.ID] = d.Source
		}
	}
	return out, nil
}

// duplicateOwners tells for each article new to the archive whether another
// article already holds its URL or its text (corpus.Article.DuplicateKeys).
func (e *Engine) duplicateOwners(ctx context.Context, articles []corpus.Article, have map[string]stored) ([]bool, error) {
	out := make([]bool, len(articles))
	var keys []string
	for i := range articles {
		if _, ok := have[articles[i].ID]; !ok {
			keys = append(keys, articles[i].DuplicateKeys()...)
		}
	}
	if len(keys) == 0 {
		return out, nil
	}
	var res searchResponse
	body := map[string]any{
		"size":    len(keys),
		"_source": []string{fieldID, fieldDupKeys},
		"query":   map[string]any{"terms": map[string]any{fieldDupKeys: slices.Compact(slices.Sorted(slices.Values(keys)))}},
	}
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: look up duplicates: %w", err)
	}
	owner := map[string]string{}
	for _, h := range res.Hits.Hits {
		for _, k := range h.Source.DuplicateKeys {
			owner[k] = h.Source.ID
		}
	}
	// An article of the batch owns its keys for the articles after it.
	for i, a := range articles {
		if _, ok := have[a.ID]; ok {
			continue
		}
		keys := a.DuplicateKeys()
		for _, k := range keys {
			if o, ok := owner[k]; ok && o != a.ID {
				out[i] = true
			}
		}
		if !out[i] {
			for _, k := range keys {
				owner[k] = a.ID
			}
		}
	}
	return out, nil
}

// storySignature is an article's signature, when its text is long enough to have one.
type storySignature struct {
	sig corpus.Signature
	ok  bool
}

// assignStories sets the Story of each article that has none, as the Bleve engine
// does: the story of the most similar article (corpus.StorySimilarity or more)
// sharing a band key, in the index or earlier in the batch, else the article's own
// ID. The band keys are stored in the documents, so every server groups alike.
func (e *Engine) assignStories(ctx context.Context, articles []*corpus.Article) ([]storySignature, error) {
	sigs := make([]storySignature, len(articles))
	var bands []string
	for i, a := range articles {
		sigs[i].sig, sigs[i].ok = corpus.NewSignature(a.Body)
		if sigs[i].ok && a.Story == "" {
			bands = append(bands, sigs[i].sig.Bands()...)
		}
	}
	type candidate struct {
		id, story string
		sig       corpus.Signature
	}
	byBand := map[string][]candidate{}
	if len(bands) > 0 {
		var res searchResponse
		body := map[string]any{
			"size":    maxStoryCandidates,
			"_source": []string{fieldID, fieldStory, fieldSignature},
			"query":   map[string]any{"terms": map[string]any{fieldBands: slices.Compact(slices.Sorted(slices.Values(bands)))}},
		}
		if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
			return nil, fmt.Errorf("opensearch: find story candidates: %w", err)
		}
		for _, h := range res.Hits.Hits {
			sig, ok := corpus.ParseSignature(h.Source.Signature)
			if !ok {
				continue
			}
			c := candidate{id: h.Source.ID, story: h.Source.Story, sig: sig}
			for _, b := range sig.Bands() {
				byBand[b] = append(byBand[b], c)
			}
		}
	}
	for i, a := range articles {
		if a.Story == "" {
			a.Story = a.ID
			if sigs[i].ok {
				best := corpus.StorySimilarity
				for _, b := range sigs[i].sig.Bands() {
					for _, c := range byBand[b] {
						if c.id == a.ID {
							continue
						}
						if s := sigs[i].sig.Similarity(c.sig); s >= best {
							best, a.Story = s, c.story
						}
					}
				}
			}
		}
		if sigs[i].ok {
			c := candidate{id: a.ID, story: a.Story, sig: sigs[i].sig}
			for _, b := range sigs[i].sig.Bands() {
				byBand[b] = append(byBand[b], c)
			}
		}
	}
	return sigs, nil
}
