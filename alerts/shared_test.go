package alerts

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// memDocuments keeps documents in memory, versioned, for the SharedStore's
// own rules; down makes every call fail as a cluster that cannot answer.
type memDocuments struct {
	mu      sync.Mutex
	docs    map[string][]byte
	version map[string]int
	down    bool
}

var errDown = corpus.Errorf(corpus.EBusy, "the cluster cannot answer")

func newMemDocuments() *memDocuments {
	return &memDocuments{docs: map[string][]byte{}, version: map[string]int{}}
}

func (m *memDocuments) Create(_ context.Context, id string, doc []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return false, errDown
	}
	if _, ok := m.docs[id]; ok {
		return false, nil
	}
	m.docs[id] = doc
	m.version[id]++
	return true, nil
}

func (m *memDocuments) Read(_ context.Context, id string) ([]byte, string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return nil, "", false, errDown
	}
	d, ok := m.docs[id]
	return d, strconv.Itoa(m.version[id]), ok, nil
}

func (m *memDocuments) Replace(_ context.Context, id string, doc []byte, version string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return false, errDown
	}
	if _, ok := m.docs[id]; !ok || strconv.Itoa(m.version[id]) != version {
		return false, nil
	}
	m.docs[id] = doc
	m.version[id]++
	return true, nil
}

func (m *memDocuments) Remove(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return false, errDown
	}
	_, ok := m.docs[id]
	delete(m.docs, id)
	return ok, nil
}

func (m *memDocuments) All(_ context.Context, max int) ([][]byte, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return nil, 0, errDown
	}
	var out [][]byte
	for _, d := range m.docs {
		if len(out) < max {
			out = append(out, d)
		}
	}
	return out, len(m.docs), nil
}

func (m *memDocuments) setDown(down bool) {
	m.mu.Lock()
	m.down = down
	m.mu.Unlock()
}

// TestSharedStoreKeepsChangesItCannotWriteYet: changes queued while the
// documents cannot be written are written by a later Flush, in order; those of
// a deleted search are dropped; the store refuses past its bound and lists
// oldest first.
func TestSharedStoreKeepsChangesItCannotWriteYet(t *testing.T) {
	ctx := t.Context()
	docs := newMemDocuments()
	s := NewSharedStore(docs, parseForTest)
	s.max = 3
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 3 {
		ss, err := s.Create(ctx, corpus.NewSavedSearch{Name: "n" + strconv.Itoa(i), Query: "q=x"}, now.Add(time.Duration(2-i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ss.ID)
	}
	if _, err := s.Create(ctx, corpus.NewSavedSearch{Name: "one more", Query: "q=x"}, now); corpus.ErrorCode(err) != corpus.EInvalidRequest {
		t.Errorf("past the bound: %v", err)
	}
	if _, err := s.Create(ctx, corpus.NewSavedSearch{Name: "bad", Query: "q=bad"}, now); corpus.ErrorCode(err) != corpus.EInvalidQuery {
		t.Errorf("a query that does not parse: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 3 || list[0].ID != ids[2] || list[2].ID != ids[0] {
		t.Fatalf("list %+v %v: want the oldest first", list, err)
	}

	docs.setDown(true)
	s.Change(ids[0], func(x *corpus.SavedSearch) { x.Delivery.Failures++ })
	s.Change(ids[0], func(x *corpus.SavedSearch) { x.Delivery.Failures = 0; x.Delivery.Delivered++ })
	s.Change(ids[1], func(x *corpus.SavedSearch) { x.Delivery.Delivered++ })
	if err := s.Flush(ctx); !errors.Is(err, errDown) && corpus.ErrorCode(err) != corpus.EBusy {
		t.Fatalf("flush while down: %v", err)
	}
	if _, err := s.List(ctx); corpus.ErrorCode(err) != corpus.EBusy {
		t.Errorf("list while down: %v", err)
	}
	if s.FeedAllowed(ctx, ids[0], "anything") {
		t.Error("a feed is allowed while its token cannot be read")
	}
	docs.setDown(false)
	s.Change(ids[0], func(x *corpus.SavedSearch) { x.Delivery.Failures++ })
	if err := s.Delete(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("flush once back: %v", err)
	}
	got, err := s.Get(ctx, ids[0])
	if err != nil || got.Delivery.Delivered != 1 || got.Delivery.Failures != 1 {
		t.Errorf("after the flush: %+v %v: want the changes applied in order", got.Delivery, err)
	}
	if len(s.changes) != 0 {
		t.Errorf("changes still queued: %d", len(s.changes))
	}
	if err := s.Delete(ctx, ids[1]); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("delete twice: %v", err)
	}
}
