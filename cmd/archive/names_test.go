package main

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// countsArchive is an archive's person counts that another server changes.
type countsArchive struct {
	mu     sync.Mutex
	counts map[string]int
}

func (a *countsArchive) PersonCounts() (map[string]int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.counts {
		out[k] = v
	}
	return out, nil
}

// TestSharedNamesFollowTheArchive: a server sharing its cluster learns the names
// other servers' ingests taught the archive, once its book is old.
func TestSharedNamesFollowTheArchive(t *testing.T) {
	archive := &countsArchive{counts: map[string]int{}}
	book, err := archiveNames(archive)
	if err != nil {
		t.Fatal(err)
	}
	s := newSharedNames(archive, book, true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if got := s.Book().Resolve("Reagan"); got != "Reagan" {
		t.Fatalf("an empty archive resolves Reagan to %q", got)
	}
	// Another server ingests articles naming Ronald Reagan.
	archive.mu.Lock()
	archive.counts["Ronald Reagan"] = 40
	archive.mu.Unlock()
	if got := s.Book().Resolve("Reagan"); got != "Reagan" {
		t.Fatalf("a fresh book read again at once: Reagan → %q", got)
	}
	s.mu.Lock()
	s.every = 0
	s.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for s.Book().Resolve("Reagan") != "Ronald Reagan" {
		if time.Now().After(deadline) {
			t.Fatal("the shared name book never learned what the archive holds")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
