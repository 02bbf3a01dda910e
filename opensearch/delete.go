package opensearch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/article-archive/archive/corpus"
)

// tombstone is what the cluster keeps of a deleted article, in an index of its
// own beside the archive's (Engine.tombstones): its ID and duplicate keys, so
// that sending the same article again, under its ID or another, does not bring
// it back; when and by whom. It is the portable backup's record as it is.
type tombstone = corpus.Tombstone

// tombstones is the name of the index of the tombstones.
func (e *Engine) tombstones() string { return e.index + SuffixDeleted }

// ensureTombstones makes the index of the tombstones when it does not exist yet.
func (e *Engine) ensureTombstones(ctx context.Context) error {
	keyword := map[string]any{"type": "keyword"}
	return e.ensureSideIndex(ctx, e.tombstones(), map[string]any{
		"id": keyword, fieldDupKeys: keyword, "deleted_at": map[string]any{"type": "date"}, "by": keyword})
}

// ensureSideIndex makes an index beside the archive's (tombstones, people
// edits, saved searches, keys, the audit log) when it does not exist yet: one shard, as many replicas as the
// archive's index, every write fsynced before it is acknowledged.
func (e *Engine) ensureSideIndex(ctx context.Context, name string, properties map[string]any) error {
	if _, ok := e.sides.Load(name); ok {
		return nil
	}
	err := e.do(ctx, http.MethodHead, "/"+name, nil, nil)
	if err == nil {
		e.sides.Store(name, true)
		return nil
	}
	if oe, ok := errors.AsType[*osError](err); !ok || oe.Status != http.StatusNotFound {
		return fmt.Errorf("opensearch: look for index %s: %w", name, err)
	}
	if err := e.ensure(ctx); err != nil {
		return err
	}
	replicas, err := e.replicasOf(ctx, e.index)
	if err != nil {
		return err
	}
	body := map[string]any{
		"settings": map[string]any{"index": map[string]any{
			"number_of_shards": 1, "number_of_replicas": replicas, "translog.durability": "request"}},
		"mappings": map[string]any{"dynamic": false, "properties": properties},
	}
	err = e.do(ctx, http.MethodPut, "/"+name+"?wait_for_active_shards=1", body, nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Type == "resource_already_exists_exception" {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("opensearch: create index %s: %w", name, err)
	}
	e.sides.Store(name, true)
	return nil
}

// DeleteArticle removes article id from the archive, keeping a tombstone so
// that ingesting it again skips it (PutRestoring brings it back); by names who
// asked. The tombstone is written durably before the article goes, so a failure
// between the two leaves the article, which a second delete removes. It returns
// the deleted article, or a corpus.ENotFound error that says when an article
// already deleted was.
func (e *Engine) DeleteArticle(ctx context.Context, id, by string) (corpus.Article, error) {
	a, err := e.Article(ctx, id)
	if corpus.ErrorCode(err) == corpus.ENotFound {
		if stone, ok, terr := e.tombstoneOf(ctx, id); terr == nil && ok {
			return corpus.Article{}, corpus.Errorf(corpus.ENotFound,
				"there is no article with id %q: it was deleted from the archive on %s (ingesting it with archive ingest --restore brings it back)",
				id, stone.DeletedAt.Format("2 Jan 2006 15:04 UTC"))
		}
	}
	if err != nil {
		return corpus.Article{}, err
	}
	if err := e.ensureTombstones(ctx); err != nil {
		return corpus.Article{}, err
	}
	stone := tombstone{ID: id, Keys: a.DuplicateKeys(), DeletedAt: time.Now().UTC(), By: by}
	durable := "?refresh=wait_for&wait_for_active_shards=1"
	if err := e.do(ctx, http.MethodPut, "/"+e.tombstones()+"/_doc/"+url.PathEscape(id)+durable, stone, nil); err != nil {
		return corpus.Article{}, fmt.Errorf("opensearch: keep the tombstone of %s: %w", id, err)
	}
	err = e.do(ctx, http.MethodDelete, "/"+e.index+"/_doc/"+url.PathEscape(id)+durable, nil, nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		err = nil // another server deleted it a moment ago
	}
	if err != nil {
		return corpus.Article{}, fmt.Errorf("opensearch: delete %s: %w", id, err)
	}
	return a, nil
}

// tombstoneOf returns the tombstone of id, if it was deleted.
func (e *Engine) tombstoneOf(ctx context.Context, id string) (tombstone, bool, error) {
	var out struct {
		Found  bool      `json:"found"`
		Source tombstone `json:"_source"`
	}
	err := e.do(ctx, http.MethodGet, "/"+e.tombstones()+"/_doc/"+url.PathEscape(id), nil, &out)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return tombstone{}, false, nil // no such tombstone, or no index of them yet
	}
	return out.Source, err == nil && out.Found, err
}

// deletedOf returns, for each article, whether it was deleted: a tombstone holds
// its ID or one of its duplicate keys.
func (e *Engine) deletedOf(ctx context.Context, articles []corpus.Article) ([]bool, error) {
	out := make([]bool, len(articles))
	var ids, keys []string
	for i := range articles {
		ids = append(ids, articles[i].ID)
		keys = append(keys, articles[i].DuplicateKeys()...)
	}
	var res struct {
		Hits struct {
			Hits []struct {
				Source tombstone `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	body := map[string]any{
		"size": len(ids) + len(keys),
		"query": map[string]any{"bool": map[string]any{"should": []any{
			map[string]any{"terms": map[string]any{"id": slices.Compact(slices.Sorted(slices.Values(ids)))}},
			map[string]any{"terms": map[string]any{fieldDupKeys: slices.Compact(slices.Sorted(slices.Values(keys)))}},
		}}},
	}
	// A cluster without the index of tombstones has none: ignore_unavailable.
	if err := e.do(ctx, http.MethodPost, "/"+e.tombstones()+"/_search?ignore_unavailable=true", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: look up deleted articles: %w", err)
	}
	if len(res.Hits.Hits) == 0 {
		return out, nil
	}
	gone := map[string]bool{}
	for _, h := range res.Hits.Hits {
		gone["id:"+h.Source.ID] = true
		for _, k := range h.Source.Keys {
			gone["key:"+k] = true
		}
	}
	for i := range articles {
		if gone["id:"+articles[i].ID] || slices.ContainsFunc(articles[i].DuplicateKeys(), func(k string) bool { return gone["key:"+k] }) {
			out[i] = true
		}
	}
	return out, nil
}

// PutRestoring is Put that brings back the deleted articles among articles:
// their tombstones are dropped first (archive ingest --restore).
func (e *Engine) PutRestoring(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	var ids, keys []string
	for i := range articles {
		ids = append(ids, articles[i].ID)
		keys = append(keys, articles[i].DuplicateKeys()...)
	}
	if len(ids) > 0 {
		body := map[string]any{"query": map[string]any{"bool": map[string]any{"should": []any{
			map[string]any{"terms": map[string]any{"id": ids}},
			map[string]any{"terms": map[string]any{fieldDupKeys: keys}},
		}}}}
		err := e.do(ctx, http.MethodPost, "/"+e.tombstones()+"/_delete_by_query?refresh=true&ignore_unavailable=true", body, nil)
		if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
			err = nil
		}
		if err != nil {
			return nil, fmt.Errorf("opensearch: drop the tombstones of the restored articles: %w", err)
		}
	}
	return e.Put(ctx, articles)
}
