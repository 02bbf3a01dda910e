package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/internal/behaviour"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/server"
)

// TestServeOpenSearch runs the real thing on a real node: `archive serve
// --opensearch`, articles sent through the write API (twice: nothing is added
// twice), searches over HTTP with their facets, an article, facet values and an
// export.
func TestServeOpenSearch(t *testing.T) {
	c := ostest.Start(t, 1)
	base, index := serveOnOpenSearchIndex(t, c)
	// A second server on the same index: servers share the cluster and hold no
	// state of their own, so what one acknowledged the other finds at once.
	other := startServer(t, "--opensearch", strings.Join(c.URLs, ","), "--opensearch-index", index)
	body := searchSetNDJSON(t)
	for round, want := range []server.WriteCounts{{Read: 6, Indexed: 6}, {Read: 6, Duplicates: 6}} {
		rep, status, err := postWith(http.DefaultClient, base, body.Bytes())
		if err != nil || status != http.StatusOK {
			t.Fatalf("write %d: %d %v", round, status, err)
		}
		if rep.Read != want.Read || rep.Indexed != want.Indexed || rep.Duplicates != want.Duplicates {
			t.Errorf("write %d: %+v, want %+v", round, rep.WriteCounts, want)
		}
	}

	if s := search(t, other, url.Values{"q": {"drought"}}); s.Total != 2 {
		t.Errorf("the other server finds %d articles for drought, want the 2 the first acknowledged", s.Total)
	}
	s := search(t, base, url.Values{"q": {"harbor"}, "outlet": {"Harbor Gazette"}})
	if s.Total != 2 {
		t.Errorf("harbor in Harbor Gazette: total %d, want 2", s.Total)
	}
	outlets := map[string]int{}
	for _, v := range s.Facets.Outlet {
		outlets[v.Value] = v.Count
	}
	if len(outlets) < 2 || outlets["Harbor Gazette"] != 2 {
		t.Errorf("outlet facet %v: want every outlet counted as if none were chosen", outlets)
	}
	s = search(t, base, nil)
	persons, dates := map[string]int{}, map[string]int{}
	for _, v := range s.Facets.Person {
		persons[v.Value] = v.Count
	}
	for _, b := range s.Facets.Published {
		dates[b.Key] = b.Count
	}
	if s.Total != 6 || persons["Helena Okafor"] != 3 || dates["undated"] != 1 || dates["2024-11"] != 2 || s.Facets.DateUnit != "month" {
		t.Errorf("browse: total %d, persons %v, dates %v (%s)", s.Total, persons, dates, s.Facets.DateUnit)
	}
	if len(s.Hits) == 0 || s.Hits[0].ID != "a6" {
		t.Errorf("browse shows the newest first: %+v", s.Hits)
	}
	s = search(t, base, url.Values{"q": {"drought"}})
	if s.Total != 2 || !strings.Contains(s.Hits[0].Snippet+s.Hits[1].Snippet, "<mark>") {
		t.Errorf("drought: %+v, want 2 hits with marked snippets", s)
	}

	var art struct {
		ID, Title string
	}
	if status := getJSON(t, base+"/api/v1/articles/a1", &art); status != http.StatusOK || art.Title != "Port expansion wins council vote" {
		t.Errorf("article a1: %d %+v", status, art)
	}
	var values struct {
		Values []struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"values"`
	}
	if status := getJSON(t, base+"/api/v1/facets/person?prefix=mar", &values); status != http.StatusOK || len(values.Values) != 1 || values.Values[0].Count != 2 {
		t.Errorf("facet values for mar: %d %+v", status, values)
	}
	res, err := http.Get(base + "/api/v1/export?q=harbor&format=ndjson")
	if err != nil {
		t.Fatal(err)
	}
	exported, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(exported), `"a1"`) {
		t.Errorf("export: %d %.300s", res.StatusCode, exported)
	}
	var backup struct {
		Error struct{ Code, Message string }
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/backup", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if res, err := http.DefaultClient.Do(req); err == nil {
		json.NewDecoder(res.Body).Decode(&backup)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(backup.Error.Message, "not supported") {
			t.Errorf("backup: %d %+v, want 400 not supported", res.StatusCode, backup)
		}
	}
	// The story view works on both engines.
	var st struct {
		Summary string
		Copies  []struct{ ID string }
	}
	if res, err := http.Get(base + "/api/v1/story/a1"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("story view: %v %v", res, err)
	} else {
		json.NewDecoder(res.Body).Decode(&st)
		res.Body.Close()
		if len(st.Copies) == 0 || st.Copies[0].ID == "" || st.Summary == "" {
			t.Errorf("story view of a1: %+v", st)
		}
	}
	// A delete keeps a tombstone in the cluster: the article is gone for both
	// servers, and sending the same records again skips it.
	req, _ = http.NewRequest(http.MethodDelete, base+"/api/v1/articles/a1", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("delete a1: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if res, err := http.Get(other + "/api/v1/articles/a1"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("a1 on the other server after the delete: %v %v, want 404", res, err)
	} else {
		res.Body.Close()
	}
	rep, status, err := postWith(http.DefaultClient, base, body.Bytes())
	if err != nil || status != http.StatusOK || rep.Skipped != 1 || rep.Duplicates != 5 {
		t.Errorf("the records sent again after the delete: %d %+v %v, want a1 skipped and 5 duplicates", status, rep.WriteCounts, err)
	}
	if s := search(t, other, nil); s.Total != 5 {
		t.Errorf("the other server browses %d articles after the delete, want 5", s.Total)
	}
}

// searchSetNDJSON is the behaviour suite's search set as a write request's body.
func searchSetNDJSON(t *testing.T) *bytes.Buffer {
	var body bytes.Buffer
	for _, a := range behaviour.Articles(t, "search") {
		line, _ := json.Marshal(a)
		body.Write(append(line, '\n'))
	}
	return &body
}

// serveOnOpenSearch starts `archive serve --opensearch` on an index of its own on
// c, deleted at the end of t.
func serveOnOpenSearch(t *testing.T, c *ostest.Cluster) string {
	base, _ := serveOnOpenSearchIndex(t, c)
	return base
}

// serveOnOpenSearchIndex is serveOnOpenSearch, returning the index too.
func serveOnOpenSearchIndex(t *testing.T, c *ostest.Cluster) (string, string) {
	index := newOSIndex(t, c) // with the indexes beside it (tombstones, keys, audit log)
	return startServer(t, "--opensearch", strings.Join(c.URLs, ","), "--opensearch-index", index, "--token", testToken), index
}

// dropIndexes deletes the archive's index on c and those beside it (its
// tombstones and saved searches).
func dropIndexes(c *ostest.Cluster, index string) {
	names := index
	for _, suffix := range sideIndexes {
		names += "," + index + suffix
	}
	req, _ := http.NewRequest(http.MethodDelete, c.URLs[0]+"/"+names+"?ignore_unavailable=true", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
}

// TestServeOpenSearchOutage kills the node of its own under a serving archive:
// the server answers 503 with Retry-After at once (never 500, never a hang), and
// answers again by itself once the node is back, with nothing lost.
func TestServeOpenSearchOutage(t *testing.T) {
	c := ostest.StartOwn(t, 1)
	base := serveOnOpenSearch(t, c)
	body := searchSetNDJSON(t)
	if _, status, err := postWith(http.DefaultClient, base, body.Bytes()); err != nil || status != http.StatusOK {
		t.Fatalf("write: %d %v", status, err)
	}
	before := search(t, base, url.Values{"q": {"harbor"}}).Total
	c.KillNode(t, 1)
	client := &http.Client{Timeout: 20 * time.Second}
	start := time.Now()
	res, err := client.Get(base + "/api/v1/search?q=harbor")
	if err != nil {
		t.Fatalf("search with the node down: %v (after %s)", err, time.Since(start))
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !strings.Contains(string(msg), "OpenSearch") {
		t.Errorf("search with the node down: %d Retry-After %q %s, want 503 with Retry-After naming OpenSearch", res.StatusCode, res.Header.Get("Retry-After"), msg)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the 503 took %s", d)
	}
	c.StartNode(t, 1, 1)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		res, err := client.Get(base + "/api/v1/search?q=harbor")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("while the node starts: %d, want 503 or 200", res.StatusCode)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not answer again after the node came back: %v", err)
		}
		time.Sleep(time.Second)
	}
	if s := search(t, base, url.Values{"q": {"harbor"}}); s.Total != before || before == 0 {
		t.Errorf("after the restart: total %d, want %d as before (nothing lost)", s.Total, before)
	}
	t.Logf("node killed and back: the server answered again %s after the kill", time.Since(start).Round(time.Second))
}

// TestMigrateToOpenSearch copies an archive into OpenSearch, runs again (nothing
// rewritten), and resumes from a checkpoint: only what comes after it is sent.
func TestMigrateToOpenSearch(t *testing.T) {
	c := ostest.Start(t, 1)
	data := t.TempDir()
	if _, stderr, err := runArchive(t, "ingest", "--data", data, "--quiet", "../../corpus/sample"); err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr)
	}
	saved := `{"searches":[{"id":"s0123456789abcdef","name":"Harbor","query":"q=harbor","webhook":"https://hooks.example.org/x",` +
		`"created":"2026-12-01T09:00:00Z","feed_token":"tok-harbor","webhook_secret":"whsec_harbor","delivery":{"delivered":4,"failures":0,"dropped":0}}]}`
	if err := os.WriteFile(filepath.Join(data, "searches.json"), []byte(saved), 0o600); err != nil {
		t.Fatal(err)
	}
	index := newOSIndex(t, c) // with the indexes beside it
	migrate := func() string {
		t.Helper()
		out, stderr, err := runArchive(t, "migrate", "--data", data, "--to-opensearch", strings.Join(c.URLs, ","), "--opensearch-index", index, "--quiet")
		if err != nil {
			t.Fatalf("migrate: %v\n%s%s", err, out, stderr)
		}
		return out
	}
	var n int
	if out := migrate(); !strings.Contains(out, " in OpenSearch") || !strings.Contains(out, "1 saved searches copied") {
		t.Fatalf("first run: %s", out)
	} else if fmt.Sscanf(out, "%d articles", &n); n < 20 || !strings.Contains(out, fmt.Sprintf("%d articles in the archive, %d in OpenSearch", n, n)) || !strings.Contains(out, fmt.Sprintf("%d new", n)) {
		t.Errorf("first run: %s, want every sample article new", out)
	}
	if out := migrate(); !strings.Contains(out, fmt.Sprintf("0 new, 0 updated, %d already there", n)) {
		t.Errorf("second run: %s", out)
	}
	// The saved searches came along as they were: the feed token opens the feed,
	// the webhook keeps its secret and statuses.
	base := startServer(t, "--opensearch", strings.Join(c.URLs, ","), "--opensearch-index", index)
	var one savedAnswer
	if status := getJSON(t, base+"/api/v1/searches/s0123456789abcdef", &one); status != 200 || one.Name != "Harbor" ||
		one.Feeds.Atom != "/feeds/s0123456789abcdef.atom?token=tok-harbor" || one.Delivery == nil || one.Delivery.Delivered != 4 {
		t.Errorf("the migrated saved search: %d %+v", status, one)
	}
	// A checkpoint after the fifth article (in the export's order: oldest first).
	out, _, err := runArchive(t, "search", "--data", data, "--sort", "oldest", "--size", "5", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var first struct{ Hits []struct{ ID string } }
	if err := json.Unmarshal([]byte(out), &first); err != nil || len(first.Hits) != 5 {
		t.Fatalf("search: %v %s", err, out)
	}
	cp, _ := json.Marshal(map[string]any{"index": index, "sent": 5, "last": first.Hits[4].ID})
	if err := os.WriteFile(filepath.Join(data, migrateCheckpoint), cp, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := migrate(); !strings.Contains(out, fmt.Sprintf("0 new, 0 updated, %d already there", n-5)) {
		t.Errorf("resumed run: %s, want only the %d after the checkpoint", out, n-5)
	}
	if _, err := os.Stat(filepath.Join(data, migrateCheckpoint)); !os.IsNotExist(err) {
		t.Errorf("the checkpoint is left after a verified migration: %v", err)
	}
}

// TestServeOpenSearchDown: a server whose cluster cannot be reached still starts,
// and answers 503 with Retry-After and a message naming OpenSearch, at once. No
// node is needed.
func TestServeOpenSearchDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--opensearch", dead}, noEnv, strings.NewReader(""), io.Discard, stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := servingLine.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start without its cluster:\n%s", stderr)
		}
	}
	// /healthz too: a load balancer takes the server out while its cluster is away.
	for _, path := range []string{"/healthz", "/api/v1/search?q=harbor", "/api/v1/articles/a1", "/api/v1/facets/person"} {
		start := time.Now()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "OpenSearch") {
			t.Errorf("%s: %d Retry-After %q %s", path, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %s", path, d)
		}
	}
}

// TestOpenSearchAddressesShownWithoutCredentials: credentials in a URL never reach
// the messages.
func TestOpenSearchAddressesShownWithoutCredentials(t *testing.T) {
	f := openSearchFlags{urls: "https://archive:s3cret@10.0.0.1:9200, http://10.0.0.2:9200"}
	if got, want := f.shown(), "https://10.0.0.1:9200,http://10.0.0.2:9200"; got != want {
		t.Errorf("shown %q, want %q", got, want)
	}
}
