package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/access"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/opensearch"
)

// runBin runs the archive binary with args to completion and returns its
// standard output; a failure ends the test.
func runBin(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("archive %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// sideIndexes are the suffixes of the indexes an archive keeps beside its
// articles' in the cluster.
var sideIndexes = opensearch.SideSuffixes

// newOSIndex names an index of its own on c, deleted when t ends with the
// indexes beside it (tombstones, keys, audit log) and those named by
// suffixes (the copies a reindex makes).
func newOSIndex(t *testing.T, c *ostest.Cluster, suffixes ...string) string {
	index := ostest.IndexName(t)
	t.Cleanup(func() {
		for _, suffix := range append(append([]string{""}, sideIndexes...), suffixes...) {
			req, _ := http.NewRequest(http.MethodDelete, c.URLs[0]+"/"+index+suffix, nil)
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
			}
		}
	})
	return index
}

// backupQueries are the searches whose answers must survive a backup and restore.
var backupQueries = [][]string{
	{"harbor"}, {"council"}, {"--person", "Helena Okafor", ""}, {"--outlet", "The Northern Ledger", ""},
	{"--from", "2024-01-01", "--to", "2024-12-31", ""}, {"--sort", "arrived", ""}, {"ferry OR election"},
	// Arrival times are kept: every article arrived before the restores ran.
	{"--arrived-to", "", ""},
}

// arrivedBefore is a time after the originals were ingested and before they
// were restored.
var arrivedBefore string

// answers runs backupQueries against an archive (its flags in where) and returns,
// for each, the total and the IDs of the first page.
func answers(t *testing.T, bin string, where ...string) []string {
	t.Helper()
	var out []string
	for _, q := range backupQueries {
		if q[0] == "--arrived-to" {
			q = []string{q[0], arrivedBefore, ""}
		}
		args := append(append([]string{"search", "--json", "--size", "50"}, where...), q...)
		var res struct {
			Total int
			Hits  []struct{ ID string }
		}
		text := runBin(t, bin, args...)
		if err := json.Unmarshal([]byte(text), &res); err != nil {
			t.Fatalf("search %v: %v\n%.300s", q, err, text)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids) // equal scores and arrivals may tie in another order
		out = append(out, strings.Join(q, " ")+": "+strings.Join(ids, ","))
	}
	return out
}

// TestPortableBackupAcrossEngines backs up an OpenSearch archive with a deleted
// article, restores it into a new index and into a data directory, and backs up
// a data directory to restore it into OpenSearch: every copy answers the same
// searches as its original, with the same arrival order, and the deleted article
// stays deleted in the restored index. Real processes on a real node.
func TestPortableBackupAcrossEngines(t *testing.T) {
	c := ostest.Start(t, 1)
	bin := buildArchive(t)
	dir := t.TempDir()
	urls := strings.Join(c.URLs, ",")
	src, dst := newOSIndex(t, c), newOSIndex(t, c)
	onSrc := []string{"--opensearch", urls, "--opensearch-index", src}
	onDst := []string{"--opensearch", urls, "--opensearch-index", dst}
	runBin(t, bin, append([]string{"ingest", "--quiet"}, append(onSrc, "../../corpus/sample")...)...)

	// Delete one article through a server, so that the archive has a tombstone.
	p := startProc(t, bin, append(onSrc, "--token", testToken)...)
	req, _ := http.NewRequest(http.MethodDelete, p.url+"/api/v1/articles/vw-2023-0522-norrvik-campus", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	arrivedBefore = time.Now().UTC().Add(time.Second).Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)
	want := answers(t, bin, onSrc...)
	for _, w := range want {
		if strings.HasSuffix(w, ": ") {
			t.Fatalf("%s: no hits on the original, so the test would compare nothing", w)
		}
	}

	file := filepath.Join(dir, "os.ndjson.gz")
	out := runBin(t, bin, append([]string{"backup"}, append(onSrc, file)...)...)
	if !strings.Contains(out, "1 tombstone records") {
		t.Errorf("backup: %s, want the tombstone of the deleted article", out)
	}
	out = runBin(t, bin, append([]string{"restore", "--quiet"}, append(onDst, file)...)...)
	if !strings.Contains(out, "1 tombstone records") {
		t.Errorf("restore: %s", out)
	}
	if got := answers(t, bin, onDst...); !slices.Equal(got, want) {
		t.Errorf("the restored index answers otherwise:\n got %q\nwant %q", got, want)
	}
	// The deleted article stays deleted: sending the sample again skips it.
	out = runBin(t, bin, append([]string{"ingest", "--quiet"}, append(onDst, "../../corpus/sample")...)...)
	if !strings.Contains(out, "0 indexed") {
		t.Errorf("ingesting the sample again into the restored index: %s, want nothing new (the deleted article stays deleted)", out)
	}
	// Restoring again into the same index is refused without --merge.
	if out, err := exec.Command(bin, append([]string{"restore"}, append(onDst, file)...)...).CombinedOutput(); err == nil || !strings.Contains(string(out), "--merge") {
		t.Errorf("restore into a non-empty index: %v %s, want a refusal naming --merge", err, out)
	}

	// OpenSearch -> Bleve: the same answers from a data directory.
	data := filepath.Join(dir, "from-os")
	out = runBin(t, bin, "restore", "--quiet", "--data", data, file)
	if !strings.Contains(out, "1 tombstone records") {
		t.Errorf("restore into a data directory: %s, want the tombstone restored", out)
	}
	if got := answers(t, bin, "--data", data); !slices.Equal(got, want) {
		t.Errorf("the data directory restored from OpenSearch answers otherwise:\n got %q\nwant %q", got, want)
	}
	out = runBin(t, bin, "ingest", "--quiet", "--data", data, "../../corpus/sample")
	if !strings.Contains(out, "0 indexed") {
		t.Errorf("ingesting the sample again into the restored data directory: %s, want nothing new (the deleted article stays deleted)", out)
	}
	if out := runBin(t, bin, "check", "--data", data); !strings.Contains(out, "healthy") {
		t.Errorf("check of the restored data directory: %s", out)
	}
	// And back: the data directory's backup holds the tombstone too.
	file3 := filepath.Join(dir, "back.ndjson")
	if out := runBin(t, bin, "backup", "--data", data, "--portable", file3); !strings.Contains(out, "1 tombstone records") {
		t.Errorf("backup of the restored data directory: %s, want its tombstone", out)
	}

	// Bleve -> OpenSearch.
	bleve := filepath.Join(dir, "bleve")
	runBin(t, bin, "ingest", "--quiet", "--data", bleve, "../../corpus/sample")
	arrivedBefore = time.Now().UTC().Add(time.Second).Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)
	wantBleve := answers(t, bin, "--data", bleve)
	file2 := filepath.Join(dir, "bleve.ndjson")
	runBin(t, bin, "backup", "--data", bleve, "--portable", file2)
	third := newOSIndex(t, c)
	runBin(t, bin, "restore", "--quiet", "--opensearch", urls, "--opensearch-index", third, file2)
	if got := answers(t, bin, "--opensearch", urls, "--opensearch-index", third); !slices.Equal(got, wantBleve) {
		t.Errorf("the index restored from a data directory answers otherwise:\n got %q\nwant %q", got, wantBleve)
	}
}

// TestOpenSearchKeysShared: two `archive serve --opensearch --private` processes
// share one cluster. A key made with `archive keys create --opensearch` works on
// both at once, a sign-in session made on one is good on the other, a revoked
// key opens nothing on either within SharedKeysTTL, and the audit log is one
// index in the cluster.
func TestOpenSearchKeysShared(t *testing.T) {
	c := ostest.Start(t, 1)
	bin := buildArchive(t)
	urls := strings.Join(c.URLs, ",")
	index := newOSIndex(t, c)
	on := []string{"--opensearch", urls, "--opensearch-index", index}
	runBin(t, bin, append([]string{"ingest", "--quiet"}, append(on, "../../corpus/sample")...)...)
	a := startProc(t, bin, append(on, "--private")...)
	b := startProc(t, bin, append(on, "--private")...)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status := func(base, key, cookie string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/search?q=harbour", nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := status(a.url, "", ""); s != http.StatusUnauthorized {
		t.Fatalf("--private without a key: %d, want 401", s)
	}
	key := strings.TrimSpace(runBin(t, bin, append([]string{"keys", "create", "--scope", "read", "--name", "desk"}, on...)...))
	for _, p := range []*proc{a, b} {
		deadline := time.Now().Add(3 * time.Second)
		for status(p.url, key, "") != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatalf("the new key is refused by %s 3 s after it was made", p.url)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if list := runBin(t, bin, append([]string{"keys", "list"}, on...)...); !strings.Contains(list, "desk") {
		t.Errorf("keys list: %s", list)
	}
	// A session signed in on a is good on b: the session secret is the cluster's.
	res, err := client.PostForm(a.url+"/signin", map[string][]string{"key": {key}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, ck := range res.Cookies() {
		cookie = ck.Name + "=" + ck.Value
	}
	if res.StatusCode != http.StatusSeeOther || cookie == "" {
		t.Fatalf("sign in on a: %d, cookie %q", res.StatusCode, cookie)
	}
	if s := status(b.url, "", cookie); s != http.StatusOK {
		t.Errorf("the session made on a, shown to b: %d, want 200", s)
	}
	runBin(t, bin, append([]string{"keys", "revoke", "desk"}, on...)...)
	time.Sleep(access.SharedKeysTTL + time.Second)
	for _, p := range []*proc{a, b} {
		if s := status(p.url, key, ""); s != http.StatusUnauthorized {
			t.Errorf("%s: the revoked key: %d, want 401", p.url, s)
		}
		if s := status(p.url, "", cookie); s == http.StatusOK {
			t.Errorf("%s: the revoked key's session: %d, want it ended", p.url, s)
		}
	}
	// One audit log for both servers and the command, in the cluster.
	res, err = http.Get(c.URLs[0] + "/" + index + "-audit/_search?size=100&q=action:*")
	if err != nil {
		t.Fatal(err)
	}
	var audit struct {
		Hits struct {
			Hits []struct {
				Source struct{ Action, Who string } `json:"_source"`
			}
		}
	}
	json.NewDecoder(res.Body).Decode(&audit)
	res.Body.Close()
	actions := map[string]int{}
	for _, h := range audit.Hits.Hits {
		actions[h.Source.Action]++
	}
	if actions["key-create"] != 1 || actions["key-revoke"] != 1 || actions["sign-in"] != 1 {
		t.Errorf("the audit log in the cluster holds %v, want the key's creation, revocation and sign-in", actions)
	}
}

// osDo sends one request straight to the cluster (to damage an archive as a
// test needs) and fails the test on an error answer.
func osDo(t *testing.T, method, rawURL, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, rawURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, rawURL, res.StatusCode, msg)
	}
}

// TestOpenSearchCheckAndReindex: archive check --opensearch names what is wrong
// (a yellow index, an article another tool wrote, a deleted article still
// there), and archive reindex --opensearch copies the archive into a new index
// while a server takes writes and answers searches: no search fails or sees a
// half-built index, every acknowledged write is in the new index, and check is
// healthy after.
func TestOpenSearchCheckAndReindex(t *testing.T) {
	c := ostest.Start(t, 1)
	bin := buildArchive(t)
	urls := strings.Join(c.URLs, ",")
	index := newOSIndex(t, c, "-v2", "-v3")
	on := []string{"--opensearch", urls, "--opensearch-index", index}
	runBin(t, bin, append([]string{"ingest", "--quiet"}, append(on, "../../corpus/sample")...)...)
	check := func() (string, error) {
		out, err := exec.Command(bin, append([]string{"check"}, on...)...).CombinedOutput()
		return string(out), err
	}
	if out, err := check(); err != nil || !strings.Contains(out, "healthy") {
		t.Fatalf("check of a fresh archive: %v\n%s", err, out)
	}
	p := startProc(t, bin, append(on, "--token", testToken)...)

	// Damage: replicas that one node cannot place, an article written by hand,
	// and a tombstone whose article is still there.
	osDo(t, http.MethodPut, c.URLs[0]+"/"+index+"/_settings", `{"index.number_of_replicas":1}`)
	osDo(t, http.MethodPut, c.URLs[0]+"/"+index+"/_doc/by-hand?refresh=true", `{"id":"by-hand","title":"Written by hand","body":"A harbor article written by another tool."}`)
	req, _ := http.NewRequest(http.MethodDelete, p.url+"/api/v1/articles/nl-2023-0912-norrvik-cuts", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("delete: %v %v", err, res)
	}
	osDo(t, http.MethodPut, c.URLs[0]+"/"+index+"-deleted/_doc/vw-2023-0522-norrvik-campus?refresh=true", `{"id":"vw-2023-0522-norrvik-campus","deleted_at":"2026-01-01T00:00:00Z"}`)
	out, err := check()
	if code := procExit(err); code != 4 {
		t.Errorf("check of a damaged archive: exit %d, want 4\n%s", code, out)
	}
	for _, want := range []string{"is yellow", "1 articles lack the fingerprint", "1 deleted articles are still in the index (", "vw-2023-0522-norrvik-campus", "PROBLEMS"} {
		if !strings.Contains(out, want) {
			t.Errorf("check of a damaged archive says nothing of %q:\n%s", want, out)
		}
	}
	// The indexes made beside it meanwhile took its replicas.
	osDo(t, http.MethodPut, c.URLs[0]+"/"+index+"*/_settings", `{"index.number_of_replicas":0}`)
	osDo(t, http.MethodDelete, c.URLs[0]+"/"+index+"-deleted/_doc/vw-2023-0522-norrvik-campus?refresh=true", "")

	// Reindex under writes and searches, twice: the first turns the index into
	// an alias, the second moves the alias on.
	before := search(t, p.url, nil).Total
	acked := 0
	for round, args := range [][]string{{"reindex"}, {"reindex", "--re-extract"}} {
		stop := make(chan struct{})
		type result struct {
			acked, retried, searches, busy int
			failures                       []string
		}
		done := make(chan result)
		go func() {
			var r result
			client := &http.Client{Timeout: 30 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					done <- r
					return
				default:
				}
				line := fmt.Sprintf(`{"id":"during-%d-%d","title":"Written during reindex %d","body":"Dockside note number %d about the ferry timetable."}`+"\n", round, i, i, i)
				rep, status, err := postWith(client, p.url, []byte(line))
				switch {
				case status == http.StatusServiceUnavailable:
					r.retried++ // writes held for the switch: sent again
					i--
					time.Sleep(200 * time.Millisecond)
				case err != nil:
					r.failures = append(r.failures, fmt.Sprintf("write %d: %d %v", i, status, err))
				case rep.Indexed == 1:
					r.acked++
				}
				n, status, err := searchWith(client, p.url, "")
				r.searches++
				switch {
				case status == http.StatusServiceUnavailable && round == 0:
					r.busy++ // the instant the index became an alias
				case err != nil || status != http.StatusOK || n < before:
					r.failures = append(r.failures, fmt.Sprintf("search: %d articles (status %d, %v), before the reindex %d", n, status, err, before))
				}
			}
		}()
		time.Sleep(300 * time.Millisecond)
		out := runBin(t, bin, append(args, on...)...)
		time.Sleep(300 * time.Millisecond)
		close(stop)
		r := <-done
		acked += r.acked
		t.Logf("%s; during it: %d writes acknowledged, %d answered 503 and sent again, %d searches (%d answered 503)", strings.TrimSpace(out), r.acked, r.retried, r.searches, r.busy)
		if want := fmt.Sprintf("now names %s-v%d", index, round+2); !strings.Contains(out, want) {
			t.Errorf("reindex: %s, want %q", out, want)
		}
		for _, f := range r.failures[:min(len(r.failures), 5)] {
			t.Errorf("during reindex %d: %s", round+1, f)
		}
		if len(r.failures) > 5 {
			t.Errorf("… and %d more failures", len(r.failures)-5)
		}
		if r.acked == 0 || r.searches == 0 || r.busy > 2 {
			t.Errorf("reindex %d: %d writes acknowledged, %d searches, %d of them 503; want some, and at most 2 answered 503", round+1, r.acked, r.searches, r.busy)
		}
		if got := search(t, p.url, nil).Total; got != before+uint64(acked) {
			t.Errorf("after reindex %d the archive holds %d articles, want %d before and %d acknowledged since", round+1, got, before, acked)
		}
		if got := search(t, p.url, url.Values{"q": {"dockside ferry"}}).Total; got != uint64(acked) {
			t.Errorf("the articles written during the reindexes: %d found, want %d", got, acked)
		}
		if out, err := check(); err != nil || !strings.Contains(out, fmt.Sprintf("%s-v%d", index, round+2)) {
			t.Errorf("check after reindex %d (the first derived what the article written by hand lacked): %v\n%s", round+1, err, out)
		}
	}
	res, err := http.Get(c.URLs[0] + "/" + index + "-v2")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("the old copy %s-v2 is left after the second reindex: %d", index, res.StatusCode)
	}
	// repair has nothing to do on a cluster, and says why.
	if out, err := exec.Command(bin, append([]string{"repair"}, on...)...).CombinedOutput(); procExit(err) != 2 || !strings.Contains(string(out), "recovers a lost copy") {
		t.Errorf("repair --opensearch: %v %s", err, out)
	}
}

// procExit is the exit status of a finished process (0 when err is nil).
func procExit(err error) int {
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestOpenSearchSnapshot takes a snapshot of an archive into an fs repository of
// a node of its own (the shared node has no path.repo) and restores it under
// another name: the same answers, the same keys. A repository the cluster does
// not know is refused, saying how to register one.
func TestOpenSearchSnapshot(t *testing.T) {
	repoDir := t.TempDir()
	for _, d := range []string{filepath.Dir(repoDir), repoDir} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("OS_PATH_REPO", repoDir)
	c := ostest.StartOwn(t, 1)
	bin := buildArchive(t)
	urls := strings.Join(c.URLs, ",")
	osDo(t, http.MethodPut, c.URLs[0]+"/_snapshot/backups", fmt.Sprintf(`{"type":"fs","settings":{"location":%q}}`, repoDir))
	src, dst := ostest.IndexName(t), ostest.IndexName(t)
	onSrc := []string{"--opensearch", urls, "--opensearch-index", src}
	onDst := []string{"--opensearch", urls, "--opensearch-index", dst}
	runBin(t, bin, append([]string{"ingest", "--quiet"}, append(onSrc, "../../corpus/sample")...)...)
	runBin(t, bin, append([]string{"reindex"}, onSrc...)...) // the name is an alias, as it is after a reindex
	runBin(t, bin, append([]string{"keys", "create", "--scope", "read", "--name", "desk"}, onSrc...)...)
	arrivedBefore = time.Now().UTC().Add(time.Second).Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)
	want := answers(t, bin, onSrc...)

	if out, err := exec.Command(bin, append([]string{"backup", "--snapshot-repo", "nowhere"}, onSrc...)...).CombinedOutput(); err == nil || !strings.Contains(string(out), "register one first") {
		t.Errorf("a snapshot into an unknown repository: %v %s", err, out)
	}
	out := runBin(t, bin, append([]string{"backup", "--snapshot-repo", "backups"}, append(onSrc, "snap-1")...)...)
	if !strings.Contains(out, "took snapshot snap-1 of "+src+"-v2, "+src+"-keys") {
		t.Errorf("backup --snapshot-repo: %s", out)
	}
	out = runBin(t, bin, append([]string{"restore", "--snapshot-repo", "backups"}, append(onDst, "snap-1")...)...)
	if !strings.Contains(out, "it holds ") {
		t.Errorf("restore --snapshot-repo: %s", out)
	}
	if got := answers(t, bin, onDst...); !slices.Equal(got, want) {
		t.Errorf("the restored snapshot answers otherwise:\n got %q\nwant %q", got, want)
	}
	if list := runBin(t, bin, append([]string{"keys", "list"}, onDst...)...); !strings.Contains(list, "desk") {
		t.Errorf("the restored archive's keys: %s", list)
	}
	if out, err := exec.Command(bin, append([]string{"restore", "--snapshot-repo", "backups"}, append(onDst, "snap-1")...)...).CombinedOutput(); err == nil || !strings.Contains(string(out), "exists") {
		t.Errorf("restoring over an existing index: %v %s", err, out)
	}
	if out, err := exec.Command(bin, append([]string{"check"}, onDst...)...).CombinedOutput(); err != nil {
		t.Errorf("check of the restored archive: %v\n%s", err, out)
	}
}
