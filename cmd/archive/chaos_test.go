package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// chaosDuration is how long TestChaos kills and restarts the server; set
// ARCHIVE_CHAOS_SECONDS for longer.
func chaosDuration() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("ARCHIVE_CHAOS_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if testing.Short() {
		return 6 * time.Second
	}
	return 25 * time.Second
}

// TestChaos runs searchers and a writer against "archive serve" while the server
// is killed with SIGKILL at random moments and started again: no acknowledged
// article is lost or stored twice, every restart comes up healthy (a crash is not
// damage), a search for an acknowledged article finds it at once even across a
// restart, and no request fails but those a kill cut off.
func TestChaos(t *testing.T) {
	bin := buildArchive(t)
	data := t.TempDir()
	// One address for every start, so that the clients find the server again.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	start := func() *proc {
		t.Helper()
		return startProc(t, bin, "--data", data, "--token", testToken, "--addr", addr)
	}

	// epoch counts the kills; up is false from just before a kill until the new
	// server answers. A request that fails while up, with no kill during it, is a
	// failure.
	var epoch atomic.Int64
	var up atomic.Bool
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	inRestart := func(e int64) bool { return !up.Load() || epoch.Load() != e }

	p := start()
	up.Store(true)
	stop := make(chan struct{})
	var acked atomic.Int64 // records 0 to acked-1 are acknowledged
	var writes, retried, searches, found, cutOff atomic.Int64

	var wg sync.WaitGroup
	// The writer: batches of consecutive records; a batch a kill cut off is in
	// doubt and sent again until it is acknowledged (IDs make it idempotent).
	wg.Go(func() {
		client := &http.Client{Timeout: 20 * time.Second}
		n := 0
		for from := 0; ; {
			if n == 0 { // no batch in doubt: a new one, or the end
				select {
				case <-stop:
					return
				default:
				}
				n = 10 + rand.IntN(40)
			}
			e := epoch.Load()
			rep, status, err := postWith(client, base, ndjson(from, from+n))
			if err != nil || status != http.StatusOK {
				if !inRestart(e) {
					fail("write of %d to %d: status %d: %v", from, from+n, status, err)
				}
				cutOff.Add(1)
				for !up.Load() {
					time.Sleep(5 * time.Millisecond)
				}
				retried.Add(1)
				continue // the same batch again
			}
			if rep.Indexed+rep.Duplicates != n || rep.Updated != 0 {
				fail("write of %d to %d: %d indexed, %d duplicates, %d updated", from, from+n, rep.Indexed, rep.Duplicates, rep.Updated)
			}
			writes.Add(1)
			from += n
			n = 0
			acked.Store(int64(from))
		}
	})
	// Searchers: every answer is 200, and an acknowledged record is found once.
	for range 2 {
		wg.Go(func() {
			client := &http.Client{Timeout: 20 * time.Second}
			queries := []string{"harbor", `"ferry timetable"`, "person:okafor", "quay -ferry", ""}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				e := epoch.Load()
				q, want := queries[i%len(queries)], int64(-1)
				if n := acked.Load(); i%2 == 0 && n > 0 {
					k := rand.Int64N(n)
					_, word, _ := testRecord(int(k))
					q, want = word, k
				}
				total, status, err := searchWith(client, base, q)
				if err != nil || status != http.StatusOK {
					if !inRestart(e) {
						fail("search %q: status %d: %v", q, status, err)
					}
					cutOff.Add(1)
					time.Sleep(5 * time.Millisecond)
					continue
				}
				searches.Add(1)
				if want >= 0 {
					if total != 1 {
						fail("acknowledged record %d: %d hits for its word", want, total)
					}
					found.Add(1)
				}
			}
		})
	}

	d := chaosDuration()
	deadline := time.Now().Add(d)
	kills := 0
	var restart []time.Duration
	for time.Now().Before(deadline) {
		time.Sleep(time.Duration(300+rand.IntN(1700)) * time.Millisecond)
		up.Store(false)
		epoch.Add(1)
		p.stop(t, syscall.SIGKILL)
		kills++
		began := time.Now()
		p = start()
		restart = append(restart, time.Since(began))
		if h := getHealth(t, base); h.Status != corpus.HealthOK || len(h.Problems) > 0 {
			t.Errorf("after kill %d the archive is not healthy: %+v\n%s", kills, h, p.stderr)
		}
		up.Store(true)
	}
	close(stop)
	wg.Wait()

	n := int(acked.Load())
	h := checkedHealth(t, base)
	if h.Status != corpus.HealthOK || h.Articles != uint64(n) {
		t.Errorf("at the end: %+v, want %d articles", h, n)
	}
	if got := total(t, base, ""); got != uint64(n) {
		t.Errorf("at the end a search for everything finds %d articles, %d were acknowledged", got, n)
	}
	lost, doubled := 0, 0
	for i := range n {
		_, word, _ := testRecord(i)
		switch got := total(t, base, word); {
		case got == 0:
			lost++
		case got > 1:
			doubled++
		}
	}
	if lost+doubled > 0 {
		t.Errorf("of %d acknowledged articles, %d lost and %d stored twice", n, lost, doubled)
	}
	for _, f := range failures {
		t.Error(f)
	}
	var slowest time.Duration
	for _, r := range restart {
		slowest = max(slowest, r)
	}
	t.Logf("%s: %d kills (restart to healthy at most %s), %d articles acknowledged in %d writes (%d sent again after a kill), %d searches (%d for an acknowledged article, all found once), %d requests cut off by kills; %d lost, %d doubled, %d failures outside the restarts",
		d, kills, slowest.Round(time.Millisecond), n, writes.Load(), retried.Load(), searches.Load(), found.Load(), cutOff.Load(), lost, doubled, len(failures))
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("serve exited with %v\n%s", err, p.stderr)
	}
}

// postWith is post with a client of the caller's.
func postWith(client *http.Client, base string, body []byte) (server.WriteReport, int, error) {
	var rep server.WriteReport
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/articles", bytes.NewReader(body))
	if err != nil {
		return rep, 0, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := client.Do(req)
	if err != nil {
		return rep, 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return rep, res.StatusCode, err
	}
	if res.StatusCode != http.StatusOK {
		return rep, res.StatusCode, fmt.Errorf("%s", data)
	}
	return rep, res.StatusCode, json.Unmarshal(data, &rep)
}

// searchWith searches with a client of the caller's and returns the total.
func searchWith(client *http.Client, base, q string) (uint64, int, error) {
	res, err := client.Get(base + "/api/v1/search?" + url.Values{"q": {q}, "size": {"1"}}.Encode())
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, res.StatusCode, err
	}
	var s apiSearch
	if res.StatusCode == http.StatusOK {
		err = json.Unmarshal(data, &s)
	}
	return s.Total, res.StatusCode, err
}
