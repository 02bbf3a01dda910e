package main

// Damage tests with real processes and real files: a data directory made by the
// server is damaged byte by byte, and the server started on it must say so —
// degraded, rebuilt or refused — and never lose an acknowledged article silently.

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// The damage fixture: three files of damageChunk articles (testRecord 0 to
// 3*damageChunk-1) given to "archive ingest", each stored in one write, as in
// issue 13.
const damageChunk = 573

func damageFixture(t *testing.T, bin string) string {
	t.Helper()
	data, files := t.TempDir(), t.TempDir()
	for from := 0; from < 3*damageChunk; from += damageChunk {
		file := filepath.Join(files, fmt.Sprintf("part-%d.jsonl", from))
		if err := os.WriteFile(file, ndjson(from, from+damageChunk), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, errOut, code := archiveCmd(t, bin, "ingest", "--data", data, "--quiet", file); code != 0 || !strings.Contains(out, "573 indexed") {
			t.Fatalf("ingest: exit %d\n%s%s", code, out, errOut)
		}
	}
	return data
}

// copyDir copies the directory src into a new temporary one.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// flip inverts the byte at offset of path, from the end when offset is negative.
func flip(t *testing.T, path string, offset int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if offset < 0 {
		offset += int64(len(data))
	}
	data[offset] ^= 0xff
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// newestMetaPage returns the offset of the bbolt meta page holding the newer
// transaction of the file at path (bbolt writes them in turn: the transaction ID
// is at byte 64 of each page, in the machine's order).
func newestMetaPage(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if binary.NativeEndian.Uint64(data[4096+64:]) > binary.NativeEndian.Uint64(data[64:]) {
		return 4096
	}
	return 0
}

// healthz is the answer of /healthz.
type healthz struct {
	corpus.Health
	Articles uint64 `json:"articles"`
}

func getHealth(t *testing.T, base string) healthz {
	t.Helper()
	var h healthz
	if status := getJSON(t, base+"/healthz", &h); status != http.StatusOK {
		t.Fatalf("/healthz: status %d", status)
	}
	return h
}

// checkedHealth waits until the server's check of every record after start-up
// has ended (or found damage) and returns its health.
func checkedHealth(t *testing.T, base string) healthz {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		h := getHealth(t, base)
		if h.Degraded() || (h.Checked != nil && h.Checked.Done) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("the check after start-up did not end in a minute: %+v", h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startOrRefuse starts "archive serve" on data and returns the running server, or
// nil, its output and how it stopped when it stops instead.
func startOrRefuse(t *testing.T, bin, data string) (*proc, string, error) {
	t.Helper()
	p := launch(t, bin, "--data", data, "--token", testToken)
	if err := p.waitServing(t); err != nil {
		return nil, p.stderr.String(), err
	}
	return p, "", nil
}

// archiveCmd runs the archive binary and returns its output and exit status.
func archiveCmd(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Env = append(os.Environ(), "ARCHIVE_TOKEN=")
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// errorEnvelope is the error envelope of the API.
type errorEnvelope struct {
	Error struct{ Code, Message string } `json:"error"`
}

// getArticle asks for an article: its status and either the article or the error.
func getArticle(t *testing.T, base, id string) (int, corpus.Article, errorEnvelope) {
	t.Helper()
	res, err := http.Get(base + "/api/v1/articles/" + url.PathEscape(id))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var a corpus.Article
	var e errorEnvelope
	if res.StatusCode == http.StatusOK {
		json.Unmarshal(data, &a)
	} else {
		json.Unmarshal(data, &e)
	}
	return res.StatusCode, a, e
}

// TestLostWriteIsDegradedNotSilent is issue 13's second failure: one flipped byte
// in records.db's newer meta page makes bbolt fall back one transaction, and the
// 573 articles of the last write are gone from the record store while the index
// still lists them. The server must start degraded and say so everywhere; reindex
// must not make the loss permanent; check and repair must list it; and only
// repair --accept-loss makes the archive whole again, without them.
func TestLostWriteIsDegradedNotSilent(t *testing.T) {
	bin := buildArchive(t)
	data := damageFixture(t, bin)
	records := filepath.Join(data, "records.db")
	flip(t, records, newestMetaPage(t, records)+20) // the meta page's version

	p, out, err := startOrRefuse(t, bin, data)
	if p == nil {
		t.Fatalf("serve refused a store that only fell back one write: %v\n%s", err, out)
	}
	h := getHealth(t, p.url)
	if h.Status != corpus.HealthDegraded || h.Missing == nil || h.Missing.Articles != damageChunk || h.Missing.FromSeq != 3 || h.Missing.ToSeq != 3 ||
		len(h.Missing.IDs) == 0 || h.Missing.IDs[0] != "rec-01146" || !h.WritesRefused {
		t.Errorf("/healthz after losing the last write: %+v (missing %+v)", h, h.Missing)
	}
	if !strings.Contains(p.stderr.String(), "THE ARCHIVE IS DAMAGED") {
		t.Errorf("serve does not say at start that the archive is damaged:\n%s", p.stderr)
	}
	res, err := http.Get(p.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), `class="damage"`) || !strings.Contains(string(page), "573 acknowledged articles") {
		t.Errorf("the search page shows no banner:\n%s", page)
	}
	// A lost article is never served hollow.
	lostID, lostWord, _ := testRecord(1700)
	status, a, e := getArticle(t, p.url, lostID)
	if status != http.StatusNotFound || !strings.Contains(e.Error.Message, "record store is damaged") {
		t.Errorf("GET a lost article: %d %+v %+v", status, a, e)
	}
	if s := search(t, p.url, url.Values{"q": {lostWord}}); s.Total != 1 || !strings.Contains(s.Hits[0].Title, "record lost") {
		t.Errorf("a search finding a lost article: %+v", s.Hits)
	}
	keptID, _, _ := testRecord(100)
	if status, a, _ := getArticle(t, p.url, keptID); status != http.StatusOK || a.Title == "" {
		t.Errorf("GET an article the store still holds: %d %+v", status, a)
	}
	if _, status, err := post(p.url, ndjson(5000, 5001)); status != http.StatusServiceUnavailable || err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a write to the degraded archive: %d %v", status, err)
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("serve exited with %v\n%s", err, p.stderr)
	}

	// reindex would make the loss permanent: refused without --accept-loss.
	if _, stderr, code := archiveCmd(t, bin, "reindex", "--data", data); code != 4 || !strings.Contains(stderr, "refusing to rebuild") ||
		!strings.Contains(stderr, "573 acknowledged articles") || !strings.Contains(stderr, "--accept-loss") || !strings.Contains(stderr, "backup") {
		t.Errorf("reindex of a store that lost articles: exit %d\n%s", code, stderr)
	}
	stdout, _, code := archiveCmd(t, bin, "check", "--data", data)
	if code != 4 || !strings.Contains(stdout, "DAMAGED") || !strings.Contains(stdout, "573 acknowledged articles the index lists have no record") {
		t.Errorf("check: exit %d\n%s", code, stdout)
	}
	stdout, _, code = archiveCmd(t, bin, "repair", "--data", data)
	if code != 4 || !strings.Contains(stdout, "cannot be recovered: 573") {
		t.Errorf("repair: exit %d\n%s", code, stdout)
	}
	lists, _ := filepath.Glob(filepath.Join(data, "lost-*.txt"))
	if len(lists) != 1 {
		t.Fatalf("repair wrote %d lists of lost articles", len(lists))
	}
	if list, _ := os.ReadFile(lists[0]); strings.Count(string(list), "\n") != damageChunk || !strings.Contains(string(list), lostID) {
		t.Errorf("the list of lost articles:\n%.300s", list)
	}
	stdout, _, code = archiveCmd(t, bin, "repair", "--data", data, "--accept-loss")
	if code != 0 || !strings.Contains(stdout, "healthy again: 1,146 articles") {
		t.Errorf("repair --accept-loss: exit %d\n%s", code, stdout)
	}
	if kept, _ := filepath.Glob(filepath.Join(data, "index.damaged-*")); len(kept) != 1 {
		t.Errorf("the index that listed the lost articles was not kept: %v", kept)
	}

	// Whole again: the lost articles can be sent again.
	p = startProc(t, bin, "--data", data, "--token", testToken)
	if h := checkedHealth(t, p.url); h.Status != corpus.HealthOK || h.Articles != 2*damageChunk {
		t.Errorf("after repair --accept-loss: %+v", h)
	}
	if rep, _, err := post(p.url, ndjson(2*damageChunk, 3*damageChunk)); err != nil || rep.Indexed != damageChunk {
		t.Errorf("sending the lost articles again: %v: %d indexed, %d duplicates", err, rep.Indexed, rep.Duplicates)
	}
	if got := total(t, p.url, ""); got != 3*damageChunk {
		t.Errorf("after sending them again: %d articles", got)
	}
}

// TestDamagedSegmentIsRebuiltAtStart is issue 13's third failure: a flipped byte
// near the end of a segment file panicked start-up in Bleve's segment loader. The
// index is now moved aside and rebuilt from the records, with a message.
func TestDamagedSegmentIsRebuiltAtStart(t *testing.T) {
	bin := buildArchive(t)
	data := damageFixture(t, bin)
	segments, _ := filepath.Glob(filepath.Join(data, "index", "store", "*.zap"))
	if len(segments) == 0 {
		t.Fatal("no segment files")
	}
	sort.Strings(segments)
	flip(t, segments[len(segments)-1], -20) // the footer's offset of the doc values

	p, out, err := startOrRefuse(t, bin, data)
	if p == nil {
		t.Fatalf("serve stopped on a damaged segment: %v\n%s", err, out)
	}
	if !strings.Contains(p.stderr.String(), "the index is damaged, rebuilding from the records") {
		t.Errorf("no message about the damaged index:\n%s", p.stderr)
	}
	if h := checkedHealth(t, p.url); h.Status != corpus.HealthOK || h.Articles != 3*damageChunk {
		t.Errorf("after the rebuild: %+v", h)
	}
	for _, i := range []int{0, 600, 1200, 3*damageChunk - 1} {
		id, word, _ := testRecord(i)
		if s := search(t, p.url, url.Values{"q": {word}}); s.Total != 1 || s.Hits[0].ID != id {
			t.Errorf("%s after the rebuild: %+v", id, s.Hits)
		}
	}
	if kept, _ := filepath.Glob(filepath.Join(data, "index.damaged-*", "store", "*.zap")); len(kept) == 0 {
		t.Errorf("the damaged index was not kept")
	}
}

// TestDamageNeverSilentInAServer flips a byte in each kind of file of a data
// directory and starts the server on it: it comes up whole (every acknowledged
// article there and findable once its check after start-up is done), comes up
// degraded naming what is missing, or stops with a message that says the archive
// is damaged and what to do — never a panic, never silently less.
func TestDamageNeverSilentInAServer(t *testing.T) {
	bin := buildArchive(t)
	fixture := damageFixture(t, bin)
	records := filepath.Join("records.db")
	segments, _ := filepath.Glob(filepath.Join(fixture, "index", "store", "*.zap"))
	sort.Strings(segments)
	type damage struct {
		file   string
		offset int64
	}
	cases := []damage{
		{records, 16}, {records, 20}, {records, 64}, {records, 72}, // meta page 0: magic, version, transaction, checksum
		{records, 4096 + 20}, {records, 4096 + 72}, // meta page 1
		{records, 2*4096 + 8}, {records, 5*4096 + 10}, {records, 9*4096 + 200}, // data pages: type, element count, contents
		{records, 20*4096 + 16}, {records, 40*4096 + 2000}, {records, -4096 + 100},
		{"index/index_meta.json", 20},
		{"index/store/root.bolt", 20}, {"index/store/root.bolt", 4096 + 72}, {"index/store/root.bolt", 2*4096 + 10}, {"index/store/root.bolt", 3*4096 + 300},
	}
	for _, seg := range segments {
		rel, _ := filepath.Rel(fixture, seg)
		cases = append(cases, damage{rel, -1}, damage{rel, -20}, damage{rel, -60}, damage{rel, 100}, damage{rel, 5000})
	}
	tally := map[string]int{}
	start := time.Now()
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s@%d", strings.ReplaceAll(c.file, "/", "_"), c.offset), func(t *testing.T) {
			data := copyDir(t, fixture)
			flip(t, filepath.Join(data, c.file), c.offset)
			p, out, err := startOrRefuse(t, bin, data)
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Fatalf("serve panicked: %v\n%s", err, out)
			}
			if p == nil {
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(out, "damaged") || !strings.Contains(out, "archive repair") {
					t.Errorf("serve stopped without saying the archive is damaged and what to do: %v\n%s", err, out)
				}
				tally["refused"]++
				return
			}
			h := checkedHealth(t, p.url)
			if h.Degraded() {
				if len(h.Problems) == 0 || !h.WritesRefused {
					t.Errorf("degraded without saying why: %+v", h)
				}
				tally["degraded"]++
				return
			}
			if h.Articles != 3*damageChunk {
				t.Errorf("healthy with %d articles, want %d", h.Articles, 3*damageChunk)
			}
			for i := 0; i < 3*damageChunk; i += 37 {
				id, word, _ := testRecord(i)
				if status, a, e := getArticle(t, p.url, id); status != http.StatusOK || !strings.Contains(a.Body, word) {
					t.Errorf("healthy, but %s: %d %+v", id, status, e)
				}
				if s := search(t, p.url, url.Values{"q": {word}}); s.Total != 1 || s.Hits[0].ID != id {
					t.Errorf("healthy, but %s's word finds %+v", id, s.Hits)
				}
			}
			if got := total(t, p.url, ""); got != 3*damageChunk {
				t.Errorf("healthy, but a search for everything finds %d", got)
			}
			if strings.Contains(p.stderr.String(), "the index is damaged, rebuilding from the records") {
				tally["healthy, index rebuilt"]++
			} else {
				tally["healthy"]++
			}
		})
	}
	t.Logf("%d bytes flipped in %s: %v", len(cases), time.Since(start).Round(100*time.Millisecond), tally)
}
