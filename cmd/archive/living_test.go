package main

// Tests of the living archive with real processes: the binary is built, started,
// killed and restarted as an operator would.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/article-archive/archive/server"
)

const testToken = "test-token"

// buildArchive builds the archive binary into a temporary directory.
func buildArchive(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "archive")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a running "archive serve".
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

// startProc starts "archive serve --addr 127.0.0.1:0" with args and waits until it
// answers /healthz. It is killed when the test ends if it still runs.
func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := launch(t, bin, args...)
	if err := p.waitServing(t); err != nil {
		t.Fatalf("serve stopped: %v\n%s", err, p.stderr)
	}
	return p
}

// launch starts "archive serve --addr 127.0.0.1:0" with args. It is killed when
// the test ends if it still runs.
func launch(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Stderr = p.stderr
	p.cmd.Env = append(os.Environ(), "ARCHIVE_TOKEN=")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitServing waits until p answers /healthz and sets its URL, or returns how it
// stopped instead.
func (p *proc) waitServing(t *testing.T) error {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("serve stopped: %w", err)
		default:
		}
		if m := servingLine.FindStringSubmatch(p.stderr.String()); m != nil {
			if res, err := http.Get(m[1] + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					p.url = m[1]
					return nil
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not come up:\n%s", p.stderr)
	return nil
}

// stop sends sig and waits for the process to end.
func (p *proc) stop(t *testing.T, sig os.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop on %v:\n%s", sig, p.stderr)
	}
	return nil
}

// testRecord is one generated article; its word is in no other record, so that a
// search for it finds this record alone.
func testRecord(i int) (id, word, line string) {
	id = fmt.Sprintf("rec-%05d", i)
	word = fmt.Sprintf("zq%05dx", i)
	rec := map[string]string{
		"id":        id,
		"title":     fmt.Sprintf("Harbor board report number %d", i),
		"body":      fmt.Sprintf("The harbor board met on day %d. The marker word is %s. Councillor Helena Okafor spoke about the quay and the ferry timetable.", i, word),
		"outlet":    "Test Wire",
		"published": "2025-03-03",
	}
	data, _ := json.Marshal(rec)
	return id, word, string(data)
}

func ndjson(from, to int) []byte {
	var b bytes.Buffer
	for i := from; i < to; i++ {
		_, _, line := testRecord(i)
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// gatedReader reads r once gate is closed.
type gatedReader struct {
	gate <-chan struct{}
	r    io.Reader
}

func (g *gatedReader) Read(p []byte) (int, error) {
	<-g.gate
	return g.r.Read(p)
}

// post sends NDJSON to the write API.
func post(base string, body []byte) (server.WriteReport, int, error) {
	return postReader(base, bytes.NewReader(body))
}

// postReader sends NDJSON read from body to the write API.
func postReader(base string, body io.Reader) (server.WriteReport, int, error) {
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/articles", body)
	if err != nil {
		return server.WriteReport{}, 0, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return server.WriteReport{}, 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return server.WriteReport{}, res.StatusCode, err
	}
	var rep server.WriteReport
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, &rep); err != nil {
			return rep, res.StatusCode, fmt.Errorf("%v: %s", err, data)
		}
		return rep, res.StatusCode, nil
	}
	return rep, res.StatusCode, fmt.Errorf("status %d: %s", res.StatusCode, data)
}

func total(t *testing.T, base string, q string) uint64 {
	t.Helper()
	return search(t, base, url.Values{"q": {q}, "size": {"1"}}).Total
}

// TestKillMidIngest kills the server with SIGKILL while it takes a large ingest:
// after a restart every acknowledged article is there exactly once and whole, and
// sending everything again adds nothing twice.
func TestKillMidIngest(t *testing.T) {
	bin := buildArchive(t)
	data := t.TempDir()
	p := startProc(t, bin, "--data", data, "--token", testToken)

	const n, chunk = 6000, 300
	var acked []int // first record of every acknowledged chunk
	var mu sync.Mutex
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for from := 0; from < n; from += chunk {
			rep, status, err := post(p.url, ndjson(from, from+chunk))
			if err != nil || status != http.StatusOK {
				return // the server was killed
			}
			if rep.Indexed != chunk {
				t.Errorf("chunk %d: %+v", from, rep)
			}
			mu.Lock()
			acked = append(acked, from)
			mu.Unlock()
		}
	}()
	// Kill it in the middle of a request, after some were acknowledged.
	for {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if k >= 3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(37 * time.Millisecond)
	p.stop(t, syscall.SIGKILL)
	<-writerDone
	mu.Lock()
	ackedChunks := append([]int(nil), acked...)
	mu.Unlock()
	if len(ackedChunks)*chunk >= n {
		t.Fatalf("the whole ingest finished before the kill; make it larger")
	}
	t.Logf("killed after %d of %d chunks acknowledged", len(ackedChunks), n/chunk)

	p = startProc(t, bin, "--data", data, "--token", testToken)
	stored := total(t, p.url, "")
	if stored < uint64(len(ackedChunks)*chunk) {
		t.Errorf("after the restart the archive holds %d articles, fewer than the %d acknowledged", stored, len(ackedChunks)*chunk)
	}
	for _, from := range ackedChunks {
		for _, i := range []int{from, from + chunk/2, from + chunk - 1} {
			id, word, _ := testRecord(i)
			s := search(t, p.url, url.Values{"q": {word}})
			if s.Total != 1 || s.Hits[0].ID != id {
				t.Errorf("acknowledged %s: %d hits for %s, want it once", id, s.Total, word)
				continue
			}
			var a struct{ Title, Body, Outlet, Extractor string }
			getJSON(t, p.url+"/api/v1/articles/"+id, &a)
			if !strings.Contains(a.Body, word) || a.Outlet != "Test Wire" || !strings.HasSuffix(a.Title, fmt.Sprint(i)) || a.Extractor == "" {
				t.Errorf("acknowledged %s is not whole: %+v", id, a)
			}
		}
	}
	// Everything again: what is there is a duplicate, the rest is new.
	var again server.WriteReport
	for from := 0; from < n; from += chunk {
		rep, _, err := post(p.url, ndjson(from, from+chunk))
		if err != nil {
			t.Fatal(err)
		}
		again.Indexed += rep.Indexed
		again.Duplicates += rep.Duplicates
		again.Updated += rep.Updated
	}
	if uint64(again.Duplicates) != stored || again.Indexed+again.Duplicates != n || again.Updated != 0 {
		t.Errorf("sending all %d again after %d were stored: %d indexed, %d duplicates, %d updated", n, stored, again.Indexed, again.Duplicates, again.Updated)
	}
	if got := total(t, p.url, ""); got != n {
		t.Errorf("the archive holds %d articles, want %d", got, n)
	}
	if got := total(t, p.url, `"marker word"`); got != n {
		t.Errorf("phrase search finds %d articles, want %d", got, n)
	}
}

// TestSecondServeRefused starts a second server on the same data directory.
func TestSecondServeRefused(t *testing.T) {
	bin := buildArchive(t)
	data := t.TempDir()
	p := startProc(t, bin, "--data", data)
	out, err := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0").CombinedOutput()
	if err == nil {
		t.Fatalf("a second serve on the same data directory ran:\n%s", out)
	}
	for _, want := range []string{"in use by another process", "'archive serve' at " + p.url, "archive ingest --server " + p.url} {
		if !strings.Contains(string(out), want) {
			t.Errorf("second serve's message lacks %q:\n%s", want, out)
		}
	}
	// The first one goes on answering.
	if total(t, p.url, "") != 0 {
		t.Errorf("the first server changed")
	}
}

// TestSearchesWhileIngesting runs concurrent searchers and one writer for a bounded
// time: every search is answered, every acknowledged article is found within a
// second of its acknowledgment and at the end.
func TestSearchesWhileIngesting(t *testing.T) {
	bin := buildArchive(t)
	data := t.TempDir()
	p := startProc(t, bin, "--data", data, "--token", testToken)
	const run = 4 * time.Second
	stop := time.Now().Add(run)

	var searches, failures atomic.Int64
	var slowest atomic.Int64
	var wg sync.WaitGroup
	queries := []string{"harbor", `"ferry timetable"`, "person:okafor", "quay -ferry", ""}
	for s := range 4 {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			for i := s; time.Now().Before(stop); i++ {
				start := time.Now()
				res, err := client.Get(p.url + "/api/v1/search?" + url.Values{"q": {queries[i%len(queries)]}}.Encode())
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failures.Add(1)
				}
				searches.Add(1)
				if d := time.Since(start).Microseconds(); d > slowest.Load() {
					slowest.Store(d)
				}
			}
		})
	}
	const chunk = 250
	var acked int
	var worstVisible time.Duration
	for from := 0; time.Now().Before(stop); from += chunk {
		rep, _, err := post(p.url, ndjson(from, from+chunk))
		if err != nil || rep.Indexed != chunk {
			t.Fatalf("post: %v %+v", err, rep)
		}
		acked = from + chunk
		// The last record of the request is searchable once it is acknowledged: the
		// first search after the answer finds it (no clock: the machine may be slow,
		// the order may not be).
		_, word, _ := testRecord(from + chunk - 1)
		ackAt := time.Now()
		if total(t, p.url, word) != 1 {
			t.Fatalf("%s not found by the first search after its acknowledgment", word)
		}
		worstVisible = max(worstVisible, time.Since(ackAt))
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of %d searches failed during the ingest", failures.Load(), searches.Load())
	}
	if got := total(t, p.url, ""); got != uint64(acked) {
		t.Errorf("the archive holds %d articles, want the %d acknowledged", got, acked)
	}
	for i := 0; i < acked; i += 97 {
		if _, word, _ := testRecord(i); total(t, p.url, word) != 1 {
			t.Errorf("acknowledged record %d not found", i)
		}
	}
	t.Logf("%d searches answered (%.0f/s, slowest %.1f ms) while %d articles were ingested (%.0f/s); acknowledged to searchable: at most %s",
		searches.Load(), float64(searches.Load())/run.Seconds(), float64(slowest.Load())/1000, acked, float64(acked)/run.Seconds(), worstVisible)
}

// TestGracefulShutdownFinishesWrites stops the server with SIGTERM while a large
// write is in flight: the write is answered, and its articles are there after a
// restart.
func TestGracefulShutdownFinishesWrites(t *testing.T) {
	bin := buildArchive(t)
	data := t.TempDir()
	p := startProc(t, bin, "--data", data, "--token", testToken)
	const n = 2000 // a few seconds of work, within the 10 s shutdown grace even on a loaded machine
	type answer struct {
		rep    server.WriteReport
		status int
		err    error
	}
	got := make(chan answer, 1)
	// The body's second half waits until the server has stored some of the first:
	// then the request is surely in flight when SIGTERM comes, however loaded the
	// machine is.
	release := make(chan struct{})
	body := io.MultiReader(bytes.NewReader(ndjson(0, n/2)), &gatedReader{gate: release, r: bytes.NewReader(ndjson(n/2, n))})
	go func() {
		rep, status, err := postReader(p.url, body)
		got <- answer{rep, status, err}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for total(t, p.url, "") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing of the write was stored after a minute\n%s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(p.stderr.String(), "shutting down") { // shutdown has begun
		if time.Now().After(deadline) {
			t.Fatalf("serve did not begin to shut down on SIGTERM\n%s", p.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Errorf("serve exited with %v\n%s", err, p.stderr)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not stop on SIGTERM:\n%s", p.stderr)
	}
	a := <-got
	if a.err != nil || a.rep.Indexed != n {
		t.Fatalf("the write in flight at SIGTERM: %v %+v", a.err, a.rep)
	}
	p = startProc(t, bin, "--data", data)
	if got := total(t, p.url, ""); got != n {
		t.Errorf("after the restart: %d articles, want %d", got, n)
	}
	if strings.Contains(p.stderr.String(), "stored but not yet indexed") {
		t.Errorf("a clean shutdown left the index behind the records:\n%s", p.stderr)
	}
}

// TestWatch drops files into a watched directory; a restart does not ingest them
// again.
func TestWatch(t *testing.T) {
	bin := buildArchive(t)
	data, inbox := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(inbox, "first.jsonl"), ndjson(0, 3), 0o644)
	p := startProc(t, bin, "--data", data, "--watch", inbox)
	waitFor := func(q string, want uint64) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for total(t, p.url, q) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%q: %d hits 30 seconds on, want %d\n%s", q, total(t, p.url, q), want, p.stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("", 3)
	start := time.Now()
	os.WriteFile(filepath.Join(inbox, "second.jsonl"), ndjson(3, 5), 0o644)
	os.WriteFile(filepath.Join(inbox, ".hidden.jsonl"), ndjson(100, 101), 0o644)
	waitFor("", 5)
	t.Logf("a new file was searchable %s after it was written", time.Since(start).Round(10*time.Millisecond))
	p.stop(t, syscall.SIGTERM)

	p = startProc(t, bin, "--data", data, "--watch", inbox)
	// A new file shows the restarted watcher has scanned the folder (twice: a file
	// is taken once unchanged across two scans); the known files must not have been
	// ingested again by then.
	os.WriteFile(filepath.Join(inbox, "third.jsonl"), ndjson(10, 11), 0o644)
	waitFor("", 6)
	if n := strings.Count(p.stderr.String(), "ingested new files"); n != 1 {
		t.Errorf("the restarted server ingested %d times, want once (the new file only):\n%s", n, p.stderr)
	}
	// A changed file is read again.
	os.WriteFile(filepath.Join(inbox, "second.jsonl"), ndjson(3, 7), 0o644)
	waitFor("", 8)
}

// TestRemoteIngestAndBackup sends files through a running server with "archive
// ingest --server", takes a backup through it, and serves the backup.
func TestRemoteIngestAndBackup(t *testing.T) {
	data := t.TempDir()
	base := startServer(t, "--data", data, "--token", testToken)
	out, _, err := runArchive(t, "ingest", "--server", base, "--token", testToken, "--quiet", "testdata/articles")
	if exitCode(err) != 3 {
		t.Errorf("remote ingest: %v, want exit 3 for the rejected input", err)
	}
	for _, want := range []string{
		"read 8 articles", "5 indexed", "0 updated", "0 skipped as duplicate", "3 rejected",
		"feed.jsonl:3: malformed JSON", "feed.jsonl:4: has no article text",
		"image.txt: is binary", "ignored 1 files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("remote summary lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runArchive(t, "ingest", "--server", base, "--token", testToken, "--quiet", "testdata/articles")
	if !strings.Contains(out, "0 indexed, 0 updated, 5 skipped as duplicate") {
		t.Errorf("remote re-ingest:\n%s", out)
	}
	if _, _, err := runArchive(t, "ingest", "--server", base, "--token", "wrong", "--quiet", "testdata/articles"); err == nil || !strings.Contains(err.Error(), "Bearer") {
		t.Errorf("remote ingest with a wrong token: %v", err)
	}
	// A local ingest into the served archive names the server.
	_, _, err = runArchive(t, "ingest", "--data", data, "--quiet", "testdata/articles")
	if err == nil || !strings.Contains(err.Error(), "archive ingest --server "+base) {
		t.Errorf("local ingest into a served archive: %v", err)
	}

	dest := filepath.Join(t.TempDir(), "copy")
	if out, _, err := runArchive(t, "backup", "--data", data, "--token", testToken, dest); err != nil || !strings.Contains(out, "serve the copy with") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	copyBase := startServer(t, "--data", dest)
	if s := search(t, copyBase, url.Values{"q": {"ferry"}}); s.Total != 1 || s.Hits[0].Outlet != "Coastline Daily" {
		t.Errorf("ferry in the copy: %+v", s)
	}
	if got, want := total(t, copyBase, ""), total(t, base, ""); got != want {
		t.Errorf("the copy holds %d articles, the archive %d", got, want)
	}
}

// TestReindex rebuilds the index from the records, and rebuilds a deleted index on
// open.
func TestReindex(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runArchive(t, "ingest", "--data", data, "--quiet", "testdata/articles"); exitCode(err) != 3 {
		t.Fatal(err)
	}
	out, _, err := runArchive(t, "reindex", "--data", data, "--re-extract")
	if err != nil || !strings.Contains(out, "from 5 records") {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	base := startServer(t, "--data", data)
	s := search(t, base, url.Values{"q": {`"harbor expansion"`}, "person": {"Marcus Feld"}})
	if s.Total != 1 {
		t.Errorf("after rebuilding a deleted index: %+v", s)
	}
	if all := total(t, base, ""); all != 5 {
		t.Errorf("after rebuilding: %d articles, want 5", all)
	}
}
