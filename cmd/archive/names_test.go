package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSurnamesResolveAcrossTheArchive ingests stories naming James Baker in full,
// then one that calls him only "Secretary Baker": the archive knows whom it means.
// A surname the archive cannot single out stays as it is.
func TestSurnamesResolveAcrossTheArchive(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 4 {
		lines = append(lines, fmt.Sprintf(`{"id": "full-%d", "title": "Talks %d", "body": "Treasury Secretary James Baker met finance ministers on day %d. James Baker said the dollar was stable."}`, i, i, i))
	}
	lines = append(lines, `{"id": "green-1", "title": "Bank", "body": "Economist Nora Green said rates would rise. Mary Green, a trader, disagreed."}`)
	if err := os.WriteFile(filepath.Join(dir, "first.jsonl"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	later := `{"id": "short-1", "title": "Dollar", "body": "Secretary Baker said on Monday that the dollar had fallen far enough. Ms. Green was not convinced."}`
	if err := os.WriteFile(filepath.Join(dir, "later.jsonl"), []byte(later), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", filepath.Join(dir, "first.jsonl")); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", filepath.Join(dir, "later.jsonl")); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	base := startServer(t, "--data", data)
	s := search(t, base, url.Values{"q": {"enough"}})
	if s.Total != 1 {
		t.Fatalf("found %d articles, want 1", s.Total)
	}
	persons := s.Hits[0].Persons
	if !slices.Contains(persons, "James Baker") || slices.Contains(persons, "Baker") {
		t.Errorf("persons %q: want James Baker, not Baker", persons)
	}
	if slices.Contains(persons, "Nora Green") || slices.Contains(persons, "Mary Green") {
		t.Errorf("persons %q: Green is not singled out by the archive", persons)
	}
}
