package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtractJSON(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "story.txt"), []byte("Port Ellis council backs harbor expansion\n\n"+
		"PORT ELLIS, March 3, 2025 (Coastline Daily) — Mayor Helena Okafor said the council voted 7 to 2. "+
		"Okafor said the harbor would grow.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runArchive(t, "extract", "--json", dir)
	if err != nil {
		t.Fatalf("extract: %v\n%s", err, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output %q is not one JSON object: %v", stdout, err)
	}
	delete(got, "id")
	delete(got, "body")
	want := map[string]any{
		"url": "", "outlet": "Coastline Daily", "published": "2025-03-03T00:00:00Z", "published_source": "dateline",
		"title": "Port Ellis council backs harbor expansion", "title_source": "", "authors": []any{}, "persons": []any{"Helena Okafor"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extract --json mismatch (-want +got):\n%s", diff)
	}
}

// TestExtractTestdata runs extract on the command's test articles: one JSON line
// per readable article, every field present, and the rejected inputs reported
// with exit status 3 as ingest does.
func TestExtractTestdata(t *testing.T) {
	stdout, stderr, err := runArchive(t, "extract", "--json", "testdata/articles")
	if !errors.Is(err, errRejected) {
		t.Errorf("extract error = %v, want errRejected", err)
	}
	if !strings.Contains(stderr, "feed.jsonl:3") {
		t.Errorf("stderr does not list the malformed line:\n%s", stderr)
	}
	var ids []string
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var a map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"id", "url", "outlet", "published", "published_source", "title", "title_source", "authors", "persons", "body"} {
			if _, ok := a[k]; !ok {
				t.Errorf("line %q lacks %q", sc.Text(), k)
			}
		}
		var id string
		json.Unmarshal(a["id"], &id)
		ids = append(ids, id)
	}
	if len(ids) < 3 || !slices.Contains(ids, "vw-102") {
		t.Errorf("extracted ids %q, want at least 3 including the record's own vw-102", ids)
	}
}

func TestExtractText(t *testing.T) {
	stdout, _, err := runArchive(t, "extract", "testdata/articles/council-vote.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"outlet:    The Northern Ledger", "persons:   Helena Okafor; Marcus Feld", "authors:   Ana Ruiz"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestExtractUsage(t *testing.T) {
	if _, _, err := runArchive(t, "extract"); !errors.Is(err, errUsage) {
		t.Errorf("extract without paths: error = %v, want errUsage", err)
	}
}
