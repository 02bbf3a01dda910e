package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/server"
)

// TestImplausibleDatesAreStoredUndated sends articles dated 9999-12-31, 2500 and
// 1500 every way in (archive ingest, the write API, the watched folder): each is
// stored undated with a warning naming the date, and every search answers JSON.
// One article dated 9999-12-31 used to make every search that found it answer
// 200 with an empty body (its year bucket ends in the year 10000, which JSON
// cannot encode), and 1500 or 2500 drew a thousand empty year buckets.
func TestImplausibleDatesAreStoredUndated(t *testing.T) {
	data, inbox := t.TempDir(), t.TempDir()
	record := func(id, date string) string {
		return fmt.Sprintf(`{"id":%q,"title":"Harbor vote, %s","published":%q,"body":"The harbor board voted on the expansion of the quay, says the %s record."}`+"\n", id, id, date, id)
	}
	file := filepath.Join(t.TempDir(), "cli.jsonl")
	if err := os.WriteFile(file, []byte(record("cli", "9999-12-31")+record("dated", "2024-11-05T09:00:00Z")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", file)
	if err != nil || !strings.Contains(out, "the published date 9999-12-31T00:00:00Z is more than two days in the future: stored undated") {
		t.Errorf("archive ingest: %v; the summary does not warn of the date:\n%s", err, out)
	}

	base := startServer(t, "--data", data, "--token", testToken, "--watch", inbox)
	rep, status, err := post(base, []byte(record("api", "2500-01-01")))
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Status != server.StatusWarning || !strings.Contains(rep.Problems[0].Reason, "2500-01-01T00:00:00Z is more than two days in the future") {
		t.Errorf("write API: status %d, %v, problems %+v; want one warning naming the date", status, err, rep.Problems)
	}
	if err := os.WriteFile(filepath.Join(inbox, "watched.jsonl"), []byte(record("watched", "1500-06-01")), 0o644); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); total(t, base, "") != 4; {
		if time.Now().After(deadline) {
			t.Fatalf("%d articles 30 s on, want 4", total(t, base, ""))
		}
		time.Sleep(50 * time.Millisecond)
	}

	for _, params := range []url.Values{{}, {"q": {"harbor"}}, {"q": {"harbor"}, "sort": {"newest"}}} {
		s := search(t, base, params) // fails on an answer that is not JSON
		var buckets []string
		for _, b := range s.Facets.Published {
			buckets = append(buckets, fmt.Sprintf("%s:%d", b.Key, b.Count))
		}
		if got := strings.Join(buckets, " "); s.Total != 4 || got != "2024-11-05:1 undated:3" {
			t.Errorf("%v: %d hits, date facet %q; want 4 and 2024-11-05:1 undated:3", params, s.Total, got)
		}
	}
	for _, id := range []string{"cli", "api", "watched"} {
		var a struct{ Published *string }
		if getJSON(t, base+"/api/v1/articles/"+id, &a); a.Published != nil {
			t.Errorf("%s: published %s, want null", id, *a.Published)
		}
	}
}
