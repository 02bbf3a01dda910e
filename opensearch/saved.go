package opensearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// SavedSearchIndex keeps the archive's saved searches in an index of their own
// beside the articles' (Engine.SavedSearches: "articles-searches" for the
// index "articles"), one JSON document each, so that every server sharing the
// cluster sees them: alerts.SharedStore keeps its documents here. Every write
// is fsynced on the active shards and searchable when it is answered; a
// replace names the sequence number and primary term it read (if_seq_no,
// if_primary_term), so that two servers changing one search at once never lose
// a change. Errors are the engine's: corpus.EBusy while the cluster cannot
// answer.
type SavedSearchIndex struct {
	e     *Engine
	name  string
	ready atomic.Bool
}

// SavedSearches returns the index of the archive's saved searches.
func (e *Engine) SavedSearches() *SavedSearchIndex {
	return &SavedSearchIndex{e: e, name: e.index + SuffixSearches}
}

// Name returns the index's name.
func (s *SavedSearchIndex) Name() string { return s.name }

// durably makes a write answered once fsynced and searchable: the index is
// small, so it is refreshed at once rather than waiting for the next refresh.
const durably = "refresh=true&wait_for_active_shards=1"

func (s *SavedSearchIndex) ensure(ctx context.Context) error {
	if s.ready.Load() {
		return nil
	}
	keyword := map[string]any{"type": "keyword"}
	if err := s.e.ensureSideIndex(ctx, s.name, map[string]any{"id": keyword, "created": map[string]any{"type": "date"}}); err != nil {
		return err
	}
	s.ready.Store(true)
	return nil
}

func (s *SavedSearchIndex) docPath(id string) string {
	return "/" + s.name + "/_doc/" + url.PathEscape(id)
}

// Create stores doc under id; false when id is taken.
func (s *SavedSearchIndex) Create(ctx context.Context, id string, doc []byte) (bool, error) {
	if err := s.ensure(ctx); err != nil {
		return false, err
	}
	err := s.e.do(ctx, http.MethodPut, "/"+s.name+"/_create/"+url.PathEscape(id)+"?"+durably, json.RawMessage(doc), nil)
	if isStatus(err, http.StatusConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opensearch: save the search %s: %w", id, err)
	}
	return true, nil
}

// Read returns the document id and its version ("seq_no:primary_term"); false
// when there is none.
func (s *SavedSearchIndex) Read(ctx context.Context, id string) ([]byte, string, bool, error) {
	var out struct {
		Found       bool            `json:"found"`
		SeqNo       int64           `json:"_seq_no"`
		PrimaryTerm int64           `json:"_primary_term"`
		Source      json.RawMessage `json:"_source"`
	}
	err := s.e.do(ctx, http.MethodGet, s.docPath(id), nil, &out)
	if isStatus(err, http.StatusNotFound) {
		return nil, "", false, nil // no such search, or no index of them yet
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("opensearch: read the saved search %s: %w", id, err)
	}
	if !out.Found {
		return nil, "", false, nil
	}
	return out.Source, strconv.FormatInt(out.SeqNo, 10) + ":" + strconv.FormatInt(out.PrimaryTerm, 10), true, nil
}

// Replace stores doc under id if it is still at version; false when it was
// changed or removed meanwhile.
func (s *SavedSearchIndex) Replace(ctx context.Context, id string, doc []byte, version string) (bool, error) {
	seq, term, ok := strings.Cut(version, ":")
	if !ok {
		return false, fmt.Errorf("opensearch: %q is not a version of a saved search", version)
	}
	path := s.docPath(id) + "?if_seq_no=" + url.QueryEscape(seq) + "&if_primary_term=" + url.QueryEscape(term) + "&" + durably
	err := s.e.do(ctx, http.MethodPut, path, json.RawMessage(doc), nil)
	if isStatus(err, http.StatusConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opensearch: change the saved search %s: %w", id, err)
	}
	return true, nil
}

// Remove removes the document id; false when there is none.
func (s *SavedSearchIndex) Remove(ctx context.Context, id string) (bool, error) {
	var out struct {
		Result string `json:"result"`
	}
	err := s.e.do(ctx, http.MethodDelete, s.docPath(id)+"?"+durably, nil, &out)
	if isStatus(err, http.StatusNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opensearch: delete the saved search %s: %w", id, err)
	}
	return out.Result == "deleted", nil
}

// All returns at most max documents, oldest first, and how many there are.
func (s *SavedSearchIndex) All(ctx context.Context, max int) ([][]byte, int, error) {
	var res struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
			Hits []struct {
				Source json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	body := dsl{"size": max, "track_total_hits": true, "query": matchAll,
		"sort": []any{dsl{"created": "asc"}, dsl{"id": "asc"}}}
	err := s.e.do(ctx, http.MethodPost, "/"+s.name+"/_search", body, &res)
	if isStatus(err, http.StatusNotFound) {
		return nil, 0, nil // none saved yet
	}
	if err != nil {
		return nil, 0, fmt.Errorf("opensearch: list the saved searches: %w", err)
	}
	out := make([][]byte, len(res.Hits.Hits))
	for i, h := range res.Hits.Hits {
		out[i] = h.Source
	}
	return out, res.Hits.Total.Value, nil
}

// Drop removes the index of the saved searches (tests).
func (s *SavedSearchIndex) Drop(ctx context.Context) error {
	err := s.e.do(ctx, http.MethodDelete, "/"+s.name, nil, nil)
	if isStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// isStatus tells whether err is the cluster's answer with that status.
func isStatus(err error, status int) bool {
	oe, ok := errors.AsType[*osError](err)
	return ok && oe.Status == status
}
