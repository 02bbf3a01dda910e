package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/article-archive/archive/corpus"
)

// dumpBatch is how many documents one step of a dump reads.
const dumpBatch = 1000

// derivedFields are the fields of a document that a backup leaves out: the
// engine that restores it derives them again from the article.
var derivedFields = []string{fieldPersonsFold, fieldOutletFold, fieldBands, fieldSignature, fieldFingerprint, fieldDupKeys, fieldWritten}

// Dump writes every article of the archive, then every tombstone, to w (see
// corpus.PortableWriter), reading each index at one point in time page by page,
// so that its memory does not grow with the archive. progress, when not nil, is
// called with the records written so far after each page. It does not close w.
func (e *Engine) Dump(ctx context.Context, w *corpus.PortableWriter, progress func(written int64)) error {
	if err := e.ensure(ctx); err != nil {
		return err
	}
	// The tombstones' point in time is opened first, a moment before the
	// articles': a deletion writes its tombstone before it removes the article,
	// so an article deleted while the backup runs is among the articles or has
	// its tombstone among the tombstones, not both (unless its deletion was
	// between its two writes for the whole moment between the two points).
	stones, haveStones, err := e.openPIT(ctx, e.tombstones())
	if err != nil {
		return fmt.Errorf("opensearch: back up the tombstones of %s: %w", e.tombstones(), err)
	}
	if haveStones {
		defer e.closePIT(ctx, stones)
	}
	var written int64
	err = e.scan(ctx, e.index, nil, dsl{"excludes": derivedFields}, func(raw json.RawMessage) error {
		var a corpus.Article
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("opensearch: read an article of %s: %w", e.index, err)
		}
		written++
		return w.Write(corpus.KindArticle, a)
	}, func() {
		if progress != nil {
			progress(written)
		}
	})
	if err != nil {
		return fmt.Errorf("opensearch: back up the articles of %s: %w", e.index, err)
	}
	if !haveStones {
		return nil
	}
	err = e.scanPIT(ctx, stones, nil, true, func(raw json.RawMessage) error {
		var t corpus.Tombstone
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("opensearch: read a tombstone of %s: %w", e.tombstones(), err)
		}
		written++
		return w.Write(corpus.KindTombstone, t)
	}, nil)
	if err != nil {
		return fmt.Errorf("opensearch: back up the tombstones of %s: %w", e.tombstones(), err)
	}
	return nil
}

// scan calls fn with the source of every document of index (that query
// matches, when not nil), in the order of their IDs, at one point in time; after
// is called after each page. An index that does not exist holds nothing.
func (e *Engine) scan(ctx context.Context, index string, query, source any, fn func(json.RawMessage) error, after func()) error {
	pit, ok, err := e.openPIT(ctx, index)
	if err != nil || !ok {
		return err
	}
	defer e.closePIT(ctx, pit)
	return e.scanPIT(ctx, pit, query, source, fn, after)
}

// openPIT opens a point in time of index; ok is false when index does not exist.
func (e *Engine) openPIT(ctx context.Context, index string) (id string, ok bool, err error) {
	var pit struct {
		PitID string `json:"pit_id"`
	}
	err = e.do(ctx, http.MethodPost, "/"+index+"/_search/point_in_time?keep_alive="+pitKeepAlive, nil, &pit)
	if oe, isOS := errors.AsType[*osError](err); isOS && oe.Status == http.StatusNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("open a point in time of %s: %w", index, err)
	}
	return pit.PitID, true, nil
}

// closePIT frees a point in time, also when ctx has ended.
func (e *Engine) closePIT(ctx context.Context, id string) {
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	e.do(closeCtx, http.MethodDelete, "/_search/point_in_time", dsl{"pit_id": []string{id}}, nil)
}

// scanPIT is scan on a point in time already open.
func (e *Engine) scanPIT(ctx context.Context, pit string, query, source any, fn func(json.RawMessage) error, after func()) error {
	var last []json.RawMessage
	for {
		body := dsl{
			"size": dumpBatch, "_source": source, "track_total_hits": false,
			"sort": []any{dsl{fieldID: "asc"}},
			"pit":  dsl{"id": pit, "keep_alive": pitKeepAlive},
		}
		if last != nil {
			body["search_after"] = last
		}
		if query != nil {
			body["query"] = query
		}
		var res struct {
			PitID string `json:"pit_id"`
			Hits  struct {
				Hits []struct {
					Source json.RawMessage   `json:"_source"`
					Sort   []json.RawMessage `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := e.do(ctx, http.MethodPost, "/_search", body, &res); err != nil {
			return err
		}
		if res.PitID != "" {
			pit = res.PitID
		}
		for _, h := range res.Hits.Hits {
			if err := fn(h.Source); err != nil {
				return err
			}
		}
		if after != nil {
			after()
		}
		if len(res.Hits.Hits) < dumpBatch {
			return nil
		}
		last = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
	}
}

// Restore stores articles as a backup holds them: with their stories, arrival
// times and extractor versions, overwriting an article of the same ID, without
// the duplicate and tombstone checks of Put (the backup's archive made them).
// The derived fields (story band keys, fingerprints, folded names) are made
// again. It returns once the cluster has acknowledged the writes durably; call
// Refresh to make them searchable. It returns the articles the cluster refused,
// by ID with its reason (the others are stored), or an error when nothing could
// be (corpus.EBusy when the cluster cannot answer).
func (e *Engine) Restore(ctx context.Context, articles []corpus.Article) (map[string]string, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	if err := e.ensure(ctx); err != nil {
		return nil, err
	}
	return e.restoreInto(ctx, e.index, articles, nil)
}

// restoreInto writes articles into index as Restore does. written, when not
// nil, keeps when each was written (a reindex's copy); else they are written now.
func (e *Engine) restoreInto(ctx context.Context, index string, articles []corpus.Article, written []time.Time) (map[string]string, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for i, a := range articles {
		if a.ID == "" {
			return nil, fmt.Errorf("opensearch: restore: an article has no ID")
		}
		if a.Story == "" {
			a.Story = a.ID
		}
		sig, ok := corpus.NewSignature(a.Body)
		doc := newDocument(a, sig, ok)
		doc.DuplicateKeys = a.DuplicateKeys()
		if written != nil && !written[i].IsZero() {
			doc.WrittenAt = written[i]
		}
		enc.Encode(dsl{"index": dsl{"_index": index, "_id": a.ID}})
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("opensearch: encode %s: %w", a.ID, err)
		}
	}
	return e.bulk(ctx, "/_bulk?wait_for_active_shards=1&timeout=60s", body.Bytes())
}

// RestoreTombstones stores the tombstones of a backup, so that the articles it
// deleted stay deleted (see DeleteArticle). It returns the refused ones as
// Restore does.
func (e *Engine) RestoreTombstones(ctx context.Context, stones []corpus.Tombstone) (map[string]string, error) {
	if len(stones) == 0 {
		return nil, nil
	}
	if err := e.ensure(ctx); err != nil {
		return nil, err
	}
	if err := e.ensureTombstones(ctx); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for _, t := range stones {
		if t.ID == "" {
			return nil, fmt.Errorf("opensearch: restore: a tombstone has no ID")
		}
		enc.Encode(dsl{"index": dsl{"_index": e.tombstones(), "_id": t.ID}})
		if err := enc.Encode(t); err != nil {
			return nil, fmt.Errorf("opensearch: encode the tombstone of %s: %w", t.ID, err)
		}
	}
	return e.bulk(ctx, "/_bulk?wait_for_active_shards=1&timeout=60s&refresh=wait_for", body.Bytes())
}
