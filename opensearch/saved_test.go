package opensearch_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/opensearch"
)

func parseSaved(raw string) (corpus.Query, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return corpus.Query{}, corpus.Errorf(corpus.EInvalidQuery, "%v", err)
	}
	return corpus.Query{Text: v.Get("q"), Page: 1, Size: 10}, nil
}

// testSavedSearchesShared: two engines (two servers) over one index share the
// saved searches: what one saves the other lists at once, and changes both
// make to one search at the same time are all kept (if_seq_no).
func testSavedSearchesShared(t *testing.T, c *ostest.Cluster) {
	e1 := openSet(t, c, "")
	ctx := context.Background()
	e2, err := opensearch.Open(ctx, opensearch.Config{URLs: c.URLs, Index: e1.Index()})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	t.Cleanup(func() { e1.SavedSearches().Drop(context.Background()) })
	s1 := alerts.NewSharedStore(e1.SavedSearches(), parseSaved)
	s2 := alerts.NewSharedStore(e2.SavedSearches(), parseSaved)
	if list, err := s2.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("no searches yet: %v %v", list, err)
	}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	ss, err := s1.Create(ctx, corpus.NewSavedSearch{Name: "Quay", Query: "q=quay", Webhook: "https://hooks.example.org/x"}, now)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s2.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != ss.ID || list[0].WebhookSecret != "" {
		t.Fatalf("the other server lists %+v %v", list, err)
	}
	if w, err := s2.Watching(ctx); err != nil || len(w) != 1 || w[0].Search.WebhookSecret != ss.WebhookSecret || w[0].Query.Text != "quay" {
		t.Fatalf("the other server watches %+v %v", w, err)
	}
	if !s2.FeedAllowed(ctx, ss.ID, ss.FeedToken) || s2.FeedAllowed(ctx, ss.ID, "nope") {
		t.Error("feed tokens are not checked")
	}
	const rounds = 15
	var wg sync.WaitGroup
	for _, s := range []*alerts.SharedStore{s1, s2} {
		wg.Go(func() {
			for range rounds {
				s.Change(ss.ID, func(x *corpus.SavedSearch) { x.Delivery.Delivered++ })
				if err := s.Flush(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got, err := s1.Get(ctx, ss.ID)
	if err != nil || got.Delivery.Delivered != 2*rounds {
		t.Fatalf("delivered %d after %d changes from each of two servers at once (%v): changes were lost", got.Delivery.Delivered, rounds, err)
	}
	if before, err := s2.Looked(ctx, ss.ID, now.Add(time.Hour)); err != nil || !before.IsZero() {
		t.Errorf("looked: %v %v", before, err)
	}
	if got, _ := s1.Get(ctx, ss.ID); !got.LastLooked.Equal(now.Add(time.Hour)) {
		t.Errorf("last looked %v", got.LastLooked)
	}
	if err := s2.Delete(ctx, ss.ID); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"delete again": s1.Delete(ctx, ss.ID),
		"get":          func() error { _, err := s1.Get(ctx, ss.ID); return err }(),
		"looked":       func() error { _, err := s1.Looked(ctx, ss.ID, now); return err }(),
	} {
		if corpus.ErrorCode(err) != corpus.ENotFound {
			t.Errorf("%s after the delete: %v, want not found", name, err)
		}
	}
	s1.Change(ss.ID, func(x *corpus.SavedSearch) { x.Delivery.Delivered++ })
	if err := s1.Flush(ctx); err != nil {
		t.Errorf("a change to a deleted search is dropped, not an error: %v", err)
	}
}

// testArrivalsTold: Put tells of the new articles at once, PutDeferred after
// Flush, and neither tells of an article stored before.
func testArrivalsTold(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	var mu sync.Mutex
	var told []opensearch.Arrivals
	e.OnArrivals(func(a opensearch.Arrivals) {
		mu.Lock()
		told = append(told, a)
		mu.Unlock()
	})
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(told)
	}
	if _, err := e.Put(ctx, []corpus.Article{art("t1", "Ledger", "2024-03-01", "Quay vote", "the quay vote passed")}); err != nil {
		t.Fatal(err)
	}
	if count() != 1 || len(told[0].IDs) != 1 || told[0].IDs[0] != "t1" {
		t.Fatalf("after Put: %+v", told)
	}
	if _, err := e.PutDeferred(ctx, []corpus.Article{art("t1", "Ledger", "2024-03-01", "Quay vote", "the quay vote passed"),
		art("t2", "Wire", "2024-03-02", "Quay strike", "the quay strike ended")}); err != nil {
		t.Fatal(err)
	}
	if count() != 1 {
		t.Fatalf("told before the deferred batch is searchable: %+v", told)
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if count() != 2 || len(told[1].IDs) != 1 || told[1].IDs[0] != "t2" {
		t.Fatalf("after Flush: %+v, want t2 alone (t1 was there before)", told)
	}
	var matched []string
	err := e.Matching(ctx, told[1].IDs, []corpus.Query{{Text: "quay", Page: 1, Size: 10}}, func(_ int, m []string, err error) {
		if err != nil {
			t.Error(err)
		}
		matched = m
	})
	if err != nil || len(matched) != 1 || matched[0] != "t2" {
		t.Errorf("matching the batch told: %v %v", matched, err)
	}
}

// testMatchingFaultyQuery: a query the cluster refuses fails alone; the others
// of its group still match.
func testMatchingFaultyQuery(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	batch := []corpus.Article{art("m1", "Ledger", "2024-03-01", "Quay vote", "the quay vote passed"),
		art("m2", "Wire", "2024-03-02", "Ferry strike", "the ferry strike ended")}
	if _, err := e.Put(ctx, batch); err != nil {
		t.Fatal(err)
	}
	queries := []corpus.Query{{Text: "quay"}, {Text: "/(a|b)*a(a|b){20}/"}, {Text: "ferry OR quay"}}
	got := map[int][]string{}
	errs := map[int]error{}
	if err := e.Matching(ctx, []string{"m1", "m2"}, queries, func(i int, m []string, err error) {
		got[i], errs[i] = m, err
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("the faulty query: %v", errs[1])
	if errs[1] == nil || corpus.ErrorCode(errs[1]) == corpus.EInternal {
		t.Errorf("the faulty query: %v %v, want the corpus error saying what is wrong", got[1], errs[1])
	}
	if errs[0] != nil || errs[2] != nil || len(got[0]) != 1 || got[0][0] != "m1" || len(got[2]) != 2 {
		t.Errorf("the others: %v %v", got, errs)
	}
}
