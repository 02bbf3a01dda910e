package main

// The hostile-query test of issue 12: the real server, as its own process, on a
// 20,000-article archive, sent queries made to exhaust it. Every answer must be a
// 4xx within 2 s, the server must stay under 512 MiB, a cheap search made during
// the assault must answer in under 200 ms, and a client that leaves must not
// leave the server working.

import (
	"context"
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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	hostileArticles = 20000
	// hostileMaxAnswer is how long any answer to a hostile query may take.
	hostileMaxAnswer = 2 * time.Second
	// hostileMaxRSS is the most the server may ever hold resident.
	hostileMaxRSS = 512 << 20
	// hostileKillAbove is where the test kills a runaway server, to spare the
	// machine: twice the limit, so a kill is a failure anyway.
	hostileKillAbove = 2 * hostileMaxRSS
	// hostileCheapMax is how long the cheap search may take during the assault.
	hostileCheapMax = 200 * time.Millisecond
	// hostileClientTimeout turns a hung request into a failure, not a hung test.
	hostileClientTimeout = 10 * time.Second
	// hostileTableBudget bounds the sequential pass over the table; today's server
	// spends up to the client timeout on some rows.
	hostileTableBudget = 150 * time.Second
	// hostileFloodFor is how long the table is sent in parallel with cheap searches.
	hostileFloodFor = 8 * time.Second
	// hostileOversizeURL is the URL length above which 414 or 431 is an acceptable
	// refusal (Go's own default limit, MaxHeaderBytes, is 1 MiB).
	hostileOversizeURL = 8 << 10
)

// hostileCodes are the error codes a 400 to a hostile query may carry.
var (
	codesCostly = []string{"query_too_costly", "invalid_query"}
	codesDate   = []string{"invalid_date"}
	codesParam  = []string{"invalid_request", "page_out_of_range"}
)

// hostileRow is one query of the table, sent to the JSON API and to the page.
type hostileRow struct {
	name   string
	params url.Values
	// codes are those a 400 from the API may carry.
	codes []string
	// flood is how many identical requests are sent at once (0: one). Only such a
	// flood may be answered 503 busy with Retry-After in the sequential pass.
	flood int
	// bounded marks a legitimate query whose cost the limits bound (a* expands to
	// no more words than a wildcard may stand for in a small archive): a quick 200
	// is as right as a 400.
	bounded bool
}

// hostileTable builds the table from the corpus's words.
func hostileTable(t *testing.T, c newsCorpus) []hostileRow {
	var words, short []string // letters only: every word a query term as written
	for _, w := range c.Words {
		if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			continue
		}
		if len(w) >= 5 {
			words = append(words, w)
		}
		if len(w) <= 5 {
			short = append(short, w)
		}
	}
	if len(words) < 2000 {
		t.Fatalf("the corpus has %d words of five letters or more, want 2,000 distinct fuzzy terms", len(words))
	}
	q := func(s string, more ...string) url.Values {
		v := url.Values{"q": {s}}
		for i := 0; i+1 < len(more); i += 2 {
			v.Set(more[i], more[i+1])
		}
		return v
	}
	repeat := func(n int, f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return strings.Join(parts, " ")
	}
	fuzzy := func(n int) string { return repeat(n, func(i int) string { return words[i] + "~2" }) }
	terms := func(n int) string { return repeat(n, func(i int) string { return short[i%len(short)] }) }
	var alternatives []string
	for r := 'a'; r <= 'z'; r++ {
		alternatives = append(alternatives, string(r))
	}
	token := func(n int) string { return strings.Repeat("abcdefghijklmnopqrstuvwxy", n/25+1)[:n] }
	wildcards := repeat(20, func(int) string { return "*e*" })
	phrases := make([]string, 1000)
	for i := range phrases {
		phrases[i] = fmt.Sprintf("%q", words[2*i]+" "+words[2*i+1])
	}

	rows := []hostileRow{
		{name: "20 *e* wildcards", params: q(wildcards), codes: codesCostly},
		{name: "20 *e* wildcards, 4 at once", params: q(wildcards), codes: codesCostly, flood: 4},
		{name: "200 fuzzy word~2", params: q(fuzzy(200)), codes: codesCostly},
		{name: "2,000 fuzzy word~2", params: q(fuzzy(2000)), codes: codesCostly},
		{name: "120,000 terms", params: q(terms(120000)), codes: codesCostly},
		{name: "terms over 1 MiB of URL", params: q(terms(200000)), codes: codesCostly},
		{name: "one 900 KB token", params: q(token(900 << 10)), codes: codesCostly},
		{name: "one 10 KB token", params: q(token(10 << 10)), codes: codesCostly},
		{name: "10,000 nested parentheses", params: q(strings.Repeat("(", 10000) + "market" + strings.Repeat(")", 10000)), codes: codesCostly},
		{name: "regexp /.{0,1000}/", params: q("/.{0,1000}/"), codes: codesCostly},
		{name: "regexp /(a|b|…|z){1000}/", params: q("/(" + strings.Join(alternatives, "|") + "){1000}/"), codes: codesCostly},
		{name: "regexp /[a-z]{0,500}x/", params: q("/[a-z]{0,500}x/"), codes: codesCostly},
		{name: "regexp /(.*e.*){50}/", params: q("/(.*e.*){50}/"), codes: codesCostly},
		{name: "to=9999", params: q("market", "to", "9999"), codes: codesDate},
		{name: "from=1500", params: q("market", "from", "1500"), codes: codesDate},
		{name: "from=0001-01-01", params: q("market", "from", "0001-01-01"), codes: codesDate},
		{name: "page=100000", params: q("market", "page", "100000"), codes: codesParam},
		{name: "size=1000000", params: q("market", "size", "1000000"), codes: codesParam},
		{name: "after=garbage cursor", params: q("market", "after", "!garbage~cursor=="), codes: codesParam},
		{name: "word~5 (fuzziness over 2)", params: q("market~5"), codes: codesCostly},
		{name: "1,000 OR'd phrases", params: q(strings.Join(phrases, " OR ")), codes: codesCostly},
		{name: "prefix a* alone", params: q("a*"), codes: codesCostly, bounded: true},
	}
	// The rows meant to reach the query limits must get past Go's header limit.
	for _, r := range rows {
		if n := len(r.params.Encode()); n >= 1<<20 && r.name != "terms over 1 MiB of URL" {
			t.Fatalf("row %q: its URL is %d bytes, over Go's 1 MiB header limit: make it shorter", r.name, n)
		}
	}
	return rows
}

// hostileAnswer is what one request got.
type hostileAnswer struct {
	status     int
	code       string // the JSON error envelope's code
	retryAfter string
	took       time.Duration
	err        error // no answer: a transport error or the client's timeout
	timedOut   bool  // err is the client's timeout
	body       []byte
}

// hostileEndpoints are the two ways a query reaches a search.
var hostileEndpoints = []string{"/api/v1/search", "/"}

func endpointName(path string) string {
	if path == "/" {
		return "page"
	}
	return "api"
}

func hostileGet(ctx context.Context, client *http.Client, base, path string, params url.Values) hostileAnswer {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path+"?"+params.Encode(), nil)
	if err != nil {
		return hostileAnswer{err: err}
	}
	res, err := client.Do(req)
	if err != nil {
		a := hostileAnswer{err: err, took: time.Since(start)}
		// The error quotes the URL, up to a megabyte of it: keep the cause.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			a.err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
			a.timedOut = ue.Timeout()
		}
		return a
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	io.Copy(io.Discard, res.Body)
	a := hostileAnswer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), took: time.Since(start), err: err, body: body}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var e struct{ Error struct{ Code string } }
		if json.Unmarshal(body, &e) == nil {
			a.code = e.Error.Code
		}
	}
	return a
}

// judge lists what is wrong with an answer to row at path. busyOK allows 503
// busy with Retry-After.
func judge(row hostileRow, path string, a hostileAnswer, busyOK bool) []string {
	var bad []string
	if a.err != nil {
		return []string{fmt.Sprintf("no answer after %s: %v", a.took.Round(time.Millisecond), a.err)}
	}
	api := path != "/"
	switch s := a.status; {
	case s == http.StatusServiceUnavailable && busyOK:
		if _, err := strconv.Atoi(a.retryAfter); err != nil {
			bad = append(bad, fmt.Sprintf("503 without a Retry-After of seconds (%q)", a.retryAfter))
		}
		if api && a.code != "busy" {
			bad = append(bad, fmt.Sprintf("503 with code %q, want busy", a.code))
		}
	case s >= 500:
		bad = append(bad, fmt.Sprintf("%d %s: a server error", s, a.code))
	case s == http.StatusRequestURITooLong || s == http.StatusRequestHeaderFieldsTooLarge:
		if n := len(row.params.Encode()); n <= hostileOversizeURL {
			bad = append(bad, fmt.Sprintf("%d for a query string of %d bytes: not oversize", s, n))
		}
	case s == http.StatusBadRequest:
		if api {
			bad = append(bad, envelopeProblems(a.body, row.codes)...)
		}
	case s == http.StatusOK && row.bounded:
	default:
		bad = append(bad, fmt.Sprintf("answered %d, want 400 (or 414/431 for an oversize URL)", s))
	}
	if a.took > hostileMaxAnswer {
		bad = append(bad, fmt.Sprintf("took %s, over %s", a.took.Round(time.Millisecond), hostileMaxAnswer))
	}
	return bad
}

// envelopeProblems checks the JSON error envelope {"error":{"code":…,"message":…}}
// of a 400, with one of codes.
func envelopeProblems(body []byte, codes []string) []string {
	var e struct {
		Error *struct {
			Code    *string `json:"code"`
			Message *string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil || e.Error.Code == nil || e.Error.Message == nil {
		return []string{fmt.Sprintf("400 without the error envelope {\"error\":{\"code\",\"message\"}}: %.200s", body)}
	}
	var bad []string
	if !slices.Contains(codes, *e.Error.Code) {
		bad = append(bad, fmt.Sprintf("code %q, want one of %q", *e.Error.Code, codes))
	}
	if strings.TrimSpace(*e.Error.Message) == "" {
		bad = append(bad, "an empty message")
	}
	return bad
}

// hostileResult is one line of the table: a row sent to one endpoint.
type hostileResult struct {
	row      string
	endpoint string
	answers  []hostileAnswer
	peakRSS  int64
	problems []string
}

func (r hostileResult) statuses() (status, codes string, took time.Duration) {
	var ss, cs []string
	for _, a := range r.answers {
		took = max(took, a.took)
		switch {
		case a.timedOut:
			ss = append(ss, "timeout")
		case a.err != nil:
			ss = append(ss, "error")
		default:
			ss = append(ss, strconv.Itoa(a.status))
		}
		if a.code != "" && !slices.Contains(cs, a.code) {
			cs = append(cs, a.code)
		}
	}
	if len(cs) == 0 {
		cs = []string{"-"}
	}
	return strings.Join(ss, ","), strings.Join(cs, ","), took
}

func TestHostileQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20,000-article archive and floods a server with hostile queries for about a minute")
	}
	if _, _, err := procMemory(os.Getpid()); err != nil {
		t.Skipf("the test reads the server's memory from /proc, which cannot be read here: %v", err)
	}
	if _, err := procCPU(os.Getpid()); err != nil {
		t.Skipf("the test reads the server's CPU time from /proc, which cannot be read here: %v", err)
	}
	began := time.Now()
	bin := buildArchive(t)
	built := time.Since(began)

	start := time.Now()
	jsonl := filepath.Join(t.TempDir(), "news.jsonl")
	c, err := writeNewsCorpus(jsonl, hostileArticles)
	if err != nil {
		t.Fatal(err)
	}
	generated := time.Since(start)
	data := t.TempDir()
	start = time.Now()
	out, err := exec.Command(bin, "ingest", "--data", data, "--quiet", jsonl).CombinedOutput()
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	ingested := time.Since(start)
	t.Logf("archive of %d articles (%d MB of text, %d words drawn from): binary built in %s, corpus written in %s, ingested in %s (%.0f articles/s)",
		c.Articles, c.Bytes/1e6, len(c.Words), built.Round(time.Millisecond), generated.Round(time.Millisecond), ingested.Round(time.Millisecond), float64(c.Articles)/ingested.Seconds())

	srv := startWatched(t, bin, data, hostileKillAbove)
	client := &http.Client{Timeout: hostileClientTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	t.Cleanup(client.CloseIdleConnections)
	cheap := url.Values{"q": {hostileMarker}}
	if a := hostileGet(context.Background(), client, srv.url(), "/api/v1/search", cheap); a.err != nil || a.status != http.StatusOK || !strings.Contains(string(a.body), `"total":`+strconv.Itoa(c.MarkerArticles)) {
		t.Fatalf("the cheap search q=%s: %d %v, want %d hits: %.300s", hostileMarker, a.status, a.err, c.MarkerArticles, a.body)
	}
	rows := hostileTable(t, c)

	t.Run("table", func(t *testing.T) { hostileSequential(t, srv, client, rows) })
	if !srv.alive() {
		srv.restart("after the table: " + srv.death())
	}
	t.Run("flood", func(t *testing.T) { hostileFlood(t, srv, client, rows, cheap) })
	// A fresh process, so that nothing the flood left behind (a search still
	// running, a grown heap) counts against the next probes.
	if srv.alive() {
		srv.restart("after the flood, to start the disconnect probes afresh")
	} else {
		srv.restart("after the flood: " + srv.death())
	}
	t.Run("disconnect", func(t *testing.T) { hostileDisconnect(t, srv, rows, c) })

	if len(srv.restarts) > 0 {
		t.Logf("the server was restarted %d times:\n  %s", len(srv.restarts), strings.Join(srv.restarts, "\n  "))
	}
	peak := srv.peak.Load()
	t.Logf("peak RSS (VmHWM) of the server: %s (limit %s); the whole test took %s", mibOf(peak), mibOf(hostileMaxRSS), time.Since(began).Round(time.Second))
	if peak > hostileMaxRSS {
		t.Errorf("the server's peak RSS was %s, over %s", mibOf(peak), mibOf(hostileMaxRSS))
	}
}

// hostileSequential sends each row once to each endpoint, one row at a time, and
// logs the table. A server that dies, or still works a second after the request
// ended, is restarted for the next row, so that every row is measured on its own.
func hostileSequential(t *testing.T, srv *watchedServer, client *http.Client, rows []hostileRow) {
	deadline := time.Now().Add(hostileTableBudget)
	var results []hostileResult
	for _, row := range rows {
		for _, path := range hostileEndpoints {
			r := hostileResult{row: row.name, endpoint: endpointName(path)}
			if time.Now().After(deadline) {
				r.problems = []string{fmt.Sprintf("not sent: the table's %s were spent", hostileTableBudget)}
				results = append(results, r)
				continue
			}
			srv.resetWindow()
			n := max(row.flood, 1)
			r.answers = make([]hostileAnswer, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { r.answers[i] = hostileGet(context.Background(), client, srv.url(), path, row.params) })
			}
			wg.Wait()
			r.peakRSS = srv.windowPeak.Load()
			for _, a := range r.answers {
				r.problems = append(r.problems, judge(row, path, a, row.flood > 1)...)
			}
			switch {
			case !srv.alive():
				why := srv.death()
				r.problems = append(r.problems, "the server died: "+why)
				srv.restart(fmt.Sprintf("%s (%s): %s", row.name, r.endpoint, why))
			default:
				if took, ok := srv.quiet(time.Second); !ok {
					r.problems = append(r.problems, fmt.Sprintf("the server still worked %s after the request ended", took.Round(10*time.Millisecond)))
					srv.restart(fmt.Sprintf("%s (%s): still working after the request ended", row.name, r.endpoint))
				}
			}
			results = append(results, r)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-30s %-4s %-19s %-18s %8s %8s  %s\n", "row", "to", "status", "code", "time", "peak RSS", "problems")
	failed := 0
	for _, r := range results {
		status, codes, took := r.statuses()
		rss := "-"
		if r.peakRSS > 0 {
			rss = mibOf(r.peakRSS)
		}
		problems := "ok"
		if len(r.problems) > 0 {
			failed++
			problems = strings.Join(slices.Compact(r.problems), "; ")
		}
		fmt.Fprintf(&b, "%-30s %-4s %-19s %-18s %8s %8s  %s\n", r.row, r.endpoint, status, codes, took.Round(time.Millisecond), rss, problems)
	}
	t.Logf("the hostile table, one row at a time (peak RSS sampled every 20 ms while the row ran; a row answered 503 busy is allowed only where 4 are sent at once):\n%s", b.String())
	if failed > 0 {
		t.Errorf("%d of %d answers to hostile queries were not a quick 4xx (the table above says why)", failed, len(results))
	}
}

// hostileFlood sends the whole table from four clients at once, round and round
// for hostileFloodFor, while a fifth makes a cheap search every 50 ms: every
// hostile answer must be a quick 4xx (or 503 busy: here every request is part of
// a flood), and every cheap search a 200 within hostileCheapMax.
func hostileFlood(t *testing.T, srv *watchedServer, client *http.Client, rows []hostileRow, cheap url.Values) {
	base := srv.url()
	// Warm up, and measure the cheap search with the server idle.
	var idle []time.Duration
	for range 20 {
		a := hostileGet(context.Background(), client, base, "/api/v1/search", cheap)
		if a.err != nil || a.status != http.StatusOK {
			t.Fatalf("the cheap search before the flood: %d %v", a.status, a.err)
		}
		idle = append(idle, a.took)
	}
	idle = idle[1:]

	srv.resetWindow()
	ctx, cancel := context.WithTimeout(context.Background(), hostileFloodFor)
	defer cancel()
	var mu sync.Mutex
	counts := map[string]int{}
	var problems []string
	var answered, cutOff int
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i++ {
				row := rows[i%len(rows)]
				path := hostileEndpoints[(i/len(rows))%2]
				a := hostileGet(ctx, client, base, path, row.params)
				var bad []string
				mu.Lock()
				if ctx.Err() != nil && a.err != nil {
					// The flood's end cut it off: a failure only when it had waited
					// longer than any answer may take.
					cutOff++
					if a.took > hostileMaxAnswer {
						bad = []string{fmt.Sprintf("no answer in the %s before the flood ended", a.took.Round(time.Millisecond))}
					}
				} else {
					answered++
					bad = judge(row, path, a, true)
					status, codes, _ := hostileResult{answers: []hostileAnswer{a}}.statuses()
					counts[status+" "+codes]++
				}
				for _, p := range bad {
					if len(problems) < 12 {
						problems = append(problems, fmt.Sprintf("%s (%s): %s", row.name, endpointName(path), p))
					}
				}
				mu.Unlock()
			}
		})
	}
	var during []time.Duration
	var cheapBad []string
	tick := time.NewTicker(50 * time.Millisecond)
	for ctx.Err() == nil {
		a := hostileGet(context.Background(), client, base, "/api/v1/search", cheap)
		during = append(during, a.took)
		switch {
		case a.err != nil || a.status != http.StatusOK:
			cheapBad = append(cheapBad, fmt.Sprintf("%d %v after %s", a.status, a.err, a.took.Round(time.Millisecond)))
		case a.took > hostileCheapMax:
			cheapBad = append(cheapBad, fmt.Sprintf("took %s", a.took.Round(time.Millisecond)))
		}
		if !srv.alive() {
			cheapBad = append(cheapBad, "the server died: "+srv.death())
			cancel()
			break
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	tick.Stop()
	cancel()
	wg.Wait()
	if srv.alive() {
		if took, ok := srv.quiet(time.Second); !ok {
			problems = append(problems, fmt.Sprintf("the server still worked %s after the flood's clients left", took.Round(10*time.Millisecond)))
		}
	}

	tally := []string{fmt.Sprintf("%d answered", answered)}
	for k, n := range counts {
		tally = append(tally, fmt.Sprintf("%s ×%d", k, n))
	}
	slices.Sort(tally[1:])
	t.Logf("the flood: 4 clients sent the table for %s: %s; %d requests were still unanswered when it ended; the server's peak RSS meanwhile %s",
		hostileFloodFor, strings.Join(tally, ", "), cutOff, mibOf(srv.windowPeak.Load()))
	t.Logf("the cheap search q=%s: idle p50 %s, max %s; during the flood %d searches, p50 %s, max %s",
		cheap.Get("q"), percentile(idle, 50), percentile(idle, 100), len(during), percentile(during, 50), percentile(during, 100))
	for _, p := range problems {
		t.Errorf("during the flood: %s", p)
	}
	if len(cheapBad) > 0 {
		t.Errorf("%d of %d cheap searches during the flood failed or took over %s: %s", len(cheapBad), len(during), hostileCheapMax, strings.Join(cheapBad[:min(len(cheapBad), 10)], "; "))
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(100 * time.Microsecond)
}

// hostileDisconnect sends expensive requests with a client that gives up after
// 50 ms: the server must stop working on them within a second. The probes are the
// most expensive search a well-behaved server could still accept here (many
// frequent words, any of them, with facets), and the 900 KB token.
func hostileDisconnect(t *testing.T, srv *watchedServer, rows []hostileRow, c newsCorpus) {
	var frequent []string
	for _, w := range c.Words[:400] {
		if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" && len(w) > 3 {
			frequent = append(frequent, w)
		}
	}
	probes := []struct {
		name   string
		params url.Values
	}{
		{"60 frequent words, op=or", url.Values{"q": {strings.Join(frequent[:60], " ")}, "op": {"or"}}},
	}
	for _, r := range rows {
		if r.name == "one 900 KB token" {
			probes = append(probes, struct {
				name   string
				params url.Values
			}{r.name, r.params})
		}
	}
	impatient := &http.Client{Timeout: 50 * time.Millisecond}
	for _, p := range probes {
		if !srv.alive() {
			srv.restart("before the disconnect probe " + p.name + ": " + srv.death())
		}
		if _, ok := srv.quiet(3 * time.Second); !ok {
			srv.restart("before the disconnect probe " + p.name + ": still busy")
		}
		before, _ := procCPU(srv.pid())
		a := hostileGet(context.Background(), impatient, srv.url(), "/api/v1/search", p.params)
		left := time.Now()
		took, ok := srv.quiet(3 * time.Second)
		used, _ := procCPU(srv.pid())
		what := fmt.Sprintf("the client left after %s (%s)", a.took.Round(time.Millisecond), answerSummary(a))
		switch {
		case !srv.alive():
			t.Errorf("%s: %s; the server died: %s", p.name, what, srv.death())
		case !ok:
			t.Errorf("%s: %s; the server still worked %s later (%s of CPU since the request)", p.name, what, time.Since(left).Round(10*time.Millisecond), used-before)
		case took > time.Second:
			t.Errorf("%s: %s; the server went quiet only %s later (%s of CPU since the request)", p.name, what, took.Round(10*time.Millisecond), used-before)
		default:
			t.Logf("%s: %s; the server was quiet %s later (%s of CPU since the request)", p.name, what, took.Round(10*time.Millisecond), used-before)
		}
	}
}

func answerSummary(a hostileAnswer) string {
	if a.timedOut {
		return "timed out"
	}
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("answered %d %s", a.status, a.code)
}

// TestHostileJudge checks the rules the hostile table applies, on made-up
// answers, since today's server gives few of the answers the table wants.
func TestHostileJudge(t *testing.T) {
	short := hostileRow{name: "short", params: url.Values{"q": {"a*"}}, codes: codesCostly}
	long := hostileRow{name: "long", params: url.Values{"q": {strings.Repeat("x", hostileOversizeURL+1)}}, codes: codesCostly}
	envelope := func(code string) []byte {
		return []byte(`{"error":{"code":"` + code + `","message":"narrow the query"}}`)
	}
	ms := time.Millisecond
	for _, c := range []struct {
		name   string
		row    hostileRow
		path   string
		a      hostileAnswer
		busyOK bool
		ok     bool
	}{
		{"400 with an expected code", short, "/api/v1/search", hostileAnswer{status: 400, took: ms, body: envelope("query_too_costly")}, false, true},
		{"400 with another code", short, "/api/v1/search", hostileAnswer{status: 400, took: ms, body: envelope("invalid_date")}, false, false},
		{"400 without the envelope", short, "/api/v1/search", hostileAnswer{status: 400, took: ms, body: []byte(`{"code":"query_too_costly"}`)}, false, false},
		{"400 with an empty message", short, "/api/v1/search", hostileAnswer{status: 400, took: ms, body: []byte(`{"error":{"code":"query_too_costly","message":" "}}`)}, false, false},
		{"400 page", short, "/", hostileAnswer{status: 400, took: ms, body: []byte("<html>")}, false, true},
		{"400, slow", short, "/", hostileAnswer{status: 400, took: 3 * time.Second}, false, false},
		{"200", short, "/api/v1/search", hostileAnswer{status: 200, took: ms}, false, false},
		{"500", short, "/api/v1/search", hostileAnswer{status: 500, took: ms, body: envelope("internal")}, false, false},
		{"404", short, "/api/v1/search", hostileAnswer{status: 404, took: ms, body: envelope("not_found")}, false, false},
		{"no answer", short, "/api/v1/search", hostileAnswer{err: errors.New("EOF"), took: ms}, false, false},
		{"431 for a long URL", long, "/", hostileAnswer{status: 431, took: ms}, false, true},
		{"414 for a long URL", long, "/api/v1/search", hostileAnswer{status: 414, took: ms}, false, true},
		{"431 for a short URL", short, "/api/v1/search", hostileAnswer{status: 431, took: ms}, false, false},
		{"503 busy in a flood", short, "/api/v1/search", hostileAnswer{status: 503, code: "busy", retryAfter: "1", took: ms}, true, true},
		{"503 busy on the page in a flood", short, "/", hostileAnswer{status: 503, retryAfter: "2", took: ms}, true, true},
		{"503 busy alone", short, "/api/v1/search", hostileAnswer{status: 503, code: "busy", retryAfter: "1", took: ms}, false, false},
		{"503 busy without Retry-After", short, "/api/v1/search", hostileAnswer{status: 503, code: "busy", took: ms}, true, false},
		{"503 timeout in a flood", short, "/api/v1/search", hostileAnswer{status: 503, code: "timeout", retryAfter: "1", took: ms}, true, false},
	} {
		bad := judge(c.row, c.path, c.a, c.busyOK)
		if (len(bad) == 0) != c.ok {
			t.Errorf("%s: problems %q, want ok=%v", c.name, bad, c.ok)
		}
	}
}
