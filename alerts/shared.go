package alerts

import (
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Documents keep JSON documents by ID where several servers share them (the
// OpenSearch engine's opensearch.SavedSearchIndex), each with a version that
// changes with every write, so that two servers changing one document at once
// never lose a change: a replace names the version it read, and fails when
// another write came first.
type Documents interface {
	// Create stores doc under id durably; false when id is taken.
	Create(ctx context.Context, id string, doc []byte) (bool, error)
	// Read returns the document id and its version; false when there is none.
	Read(ctx context.Context, id string) (doc []byte, version string, found bool, err error)
	// Replace stores doc under id durably if the document is still at version;
	// false when it was changed or removed meanwhile.
	Replace(ctx context.Context, id string, doc []byte, version string) (bool, error)
	// Remove removes the document id; false when there is none.
	Remove(ctx context.Context, id string) (bool, error)
	// All returns every document, at most max of them, and how many there are.
	All(ctx context.Context, max int) (docs [][]byte, total int, err error)
}

// SharedStore keeps the saved searches as Documents, one each, so that every
// server sharing them sees a change as soon as it is answered: it holds no state
// of its own but the changes its watcher makes (webhook statuses, the last
// match), which Flush writes. The errors of the Documents (a cluster that cannot
// answer: corpus.EBusy) pass through.
type SharedStore struct {
	docs  Documents
	parse Parse
	// max is MaxSearches (tests lower it).
	max int

	mu      sync.Mutex
	changes map[string][]func(*corpus.SavedSearch)
}

// maxReplaceTries bounds the tries of one change that other servers' writes
// keep overtaking.
const maxReplaceTries = 10

// NewSharedStore returns a store of the saved searches in docs; parse reads
// their queries.
func NewSharedStore(docs Documents, parse Parse) *SharedStore {
	return &SharedStore{docs: docs, parse: parse, max: MaxSearches, changes: map[string][]func(*corpus.SavedSearch){}}
}

// Create saves a search and returns it with its webhook secret, which is shown
// this once. Its errors are Store.Create's. Two servers saving at once may
// together pass MaxSearches by one each.
func (s *SharedStore) Create(ctx context.Context, n corpus.NewSavedSearch, now time.Time) (corpus.SavedSearch, error) {
	ss, _, err := newSearch(n, now, s.parse)
	if err != nil {
		return corpus.SavedSearch{}, err
	}
	if _, total, err := s.docs.All(ctx, 0); err != nil {
		return corpus.SavedSearch{}, err
	} else if total >= s.max {
		return corpus.SavedSearch{}, storeFull(s.max)
	}
	doc, err := json.Marshal(ss)
	if err != nil {
		return corpus.SavedSearch{}, fmt.Errorf("alerts: encode a saved search: %w", err)
	}
	created, err := s.docs.Create(ctx, ss.ID, doc)
	if err != nil {
		return corpus.SavedSearch{}, err
	}
	if !created { // 64 random bits met another search's
		return corpus.SavedSearch{}, fmt.Errorf("alerts: the saved search id %s is taken", ss.ID)
	}
	return ss, nil
}

// Keep stores ss as it is (its ID, tokens, secret and statuses) unless a
// search with its ID is there already, and tells whether it stored it: archive
// migrate copies a data directory's saved searches into the cluster with it,
// so that their feed links and webhook secrets go on working.
func (s *SharedStore) Keep(ctx context.Context, ss corpus.SavedSearch) (bool, error) {
	if ss.ID == "" {
		return false, corpus.Errorf(corpus.EInvalidRequest, "a saved search to keep needs its ID")
	}
	doc, err := json.Marshal(ss)
	if err != nil {
		return false, fmt.Errorf("alerts: encode a saved search: %w", err)
	}
	return s.docs.Create(ctx, ss.ID, doc)
}

// all returns every saved search, oldest first, with their secrets.
func (s *SharedStore) all(ctx context.Context) ([]corpus.SavedSearch, error) {
	docs, _, err := s.docs.All(ctx, s.max)
	if err != nil {
		return nil, err
	}
	out := make([]corpus.SavedSearch, 0, len(docs))
	for _, d := range docs {
		var ss corpus.SavedSearch
		if err := json.Unmarshal(d, &ss); err != nil {
			return nil, fmt.Errorf("alerts: a saved search is damaged (%v): delete it", err)
		}
		out = append(out, ss)
	}
	slices.SortFunc(out, func(a, b corpus.SavedSearch) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// List returns every saved search, oldest first, without webhook secrets.
func (s *SharedStore) List(ctx context.Context) ([]corpus.SavedSearch, error) {
	out, err := s.all(ctx)
	for i := range out {
		out[i].WebhookSecret = ""
	}
	return out, err
}

// read returns the saved search id with its secret and version, or an
// ENotFound error.
func (s *SharedStore) read(ctx context.Context, id string) (corpus.SavedSearch, string, error) {
	if id == "" {
		return corpus.SavedSearch{}, "", notFound(id)
	}
	doc, version, found, err := s.docs.Read(ctx, id)
	if err != nil {
		return corpus.SavedSearch{}, "", err
	}
	if !found {
		return corpus.SavedSearch{}, "", notFound(id)
	}
	var ss corpus.SavedSearch
	if err := json.Unmarshal(doc, &ss); err != nil {
		return corpus.SavedSearch{}, "", fmt.Errorf("alerts: the saved search %s is damaged (%v): delete it", id, err)
	}
	return ss, version, nil
}

// Get returns the saved search id without its webhook secret, or an ENotFound
// error.
func (s *SharedStore) Get(ctx context.Context, id string) (corpus.SavedSearch, error) {
	ss, _, err := s.read(ctx, id)
	ss.WebhookSecret = ""
	return ss, err
}

// Query returns the saved search id's query parsed, or the error that keeps it
// from parsing (ENotFound when there is no such search).
func (s *SharedStore) Query(ctx context.Context, id string) (corpus.Query, error) {
	ss, _, err := s.read(ctx, id)
	if err != nil {
		return corpus.Query{}, err
	}
	return s.parse(ss.Query)
}

// FeedAllowed tells whether token is the feed token of the saved search id,
// comparing in constant time. A store that cannot be read allows nothing.
func (s *SharedStore) FeedAllowed(ctx context.Context, id, token string) bool {
	if token == "" {
		return false
	}
	ss, _, err := s.read(ctx, id)
	return err == nil && subtle.ConstantTimeCompare([]byte(ss.FeedToken), []byte(token)) == 1
}

// Delete removes the saved search id, or returns an ENotFound error.
func (s *SharedStore) Delete(ctx context.Context, id string) error {
	if id == "" {
		return notFound(id)
	}
	removed, err := s.docs.Remove(ctx, id)
	if err != nil {
		return err
	}
	if !removed {
		return notFound(id)
	}
	s.mu.Lock()
	delete(s.changes, id)
	s.mu.Unlock()
	return nil
}

// Looked records that the saved search id was opened at t, and returns when it
// had been opened before (zero: never).
func (s *SharedStore) Looked(ctx context.Context, id string, t time.Time) (time.Time, error) {
	var before time.Time
	err := s.replace(ctx, id, func(ss *corpus.SavedSearch) {
		before = ss.LastLooked
		ss.LastLooked = t.UTC()
	})
	return before, err
}

// Watching returns the saved searches whose queries parse, with their webhook
// secrets, read afresh: a search saved on another server is watched at the next
// check.
func (s *SharedStore) Watching(ctx context.Context) ([]Watched, error) {
	all, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Watched, 0, len(all))
	for _, ss := range all {
		if q, err := s.parse(ss.Query); err == nil {
			out = append(out, Watched{Search: ss, Query: q})
		}
	}
	return out, nil
}

// Change queues a change of the saved search id, written by the next Flush.
func (s *SharedStore) Change(id string, change func(*corpus.SavedSearch)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.changes[id]) < 10000 { // a watcher flushes every few seconds
		s.changes[id] = append(s.changes[id], change)
	}
}

// Flush writes the queued changes, each saved search's in one write that
// another server's cannot undo. Changes of a search that no longer exists are
// dropped; those that cannot be written now are kept for the next Flush.
func (s *SharedStore) Flush(ctx context.Context) error {
	s.mu.Lock()
	queued := s.changes
	s.changes = map[string][]func(*corpus.SavedSearch){}
	s.mu.Unlock()
	var first error
	for id, changes := range queued {
		err := s.replace(ctx, id, func(ss *corpus.SavedSearch) {
			for _, f := range changes {
				f(ss)
			}
		})
		switch {
		case corpus.ErrorCode(err) == corpus.ENotFound:
		case err != nil:
			s.mu.Lock()
			s.changes[id] = append(changes, s.changes[id]...)
			s.mu.Unlock()
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// replace changes the saved search id: it reads it, changes it and writes it
// back unless another write came first, then tries again.
func (s *SharedStore) replace(ctx context.Context, id string, change func(*corpus.SavedSearch)) error {
	for range maxReplaceTries {
		ss, version, err := s.read(ctx, id)
		if err != nil {
			return err
		}
		change(&ss)
		doc, err := json.Marshal(ss)
		if err != nil {
			return fmt.Errorf("alerts: encode a saved search: %w", err)
		}
		ok, err := s.docs.Replace(ctx, id, doc, version)
		if err != nil || ok {
			return err
		}
	}
	return corpus.Errorf(corpus.EBusy, "the saved search %s is being changed by other servers: try again", id)
}
