package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/article-archive/archive/corpus"
)

// privateArchive is an archive holding the sample with a read key, served with a
// write token.
func privateArchive(t *testing.T) (base, data, readKey string) {
	t.Helper()
	data = t.TempDir()
	sample := filepath.Join(t.TempDir(), "sample")
	if err := os.CopyFS(sample, corpus.Sample()); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", sample); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	out, stderr, err := runArchive(t, "keys", "create", "--data", data, "--scope", "read", "--name", "reader")
	if err != nil || !strings.Contains(stderr, "the archive is private") {
		t.Fatalf("keys create: %v\n%s", err, stderr)
	}
	return startServer(t, "--data", data, "--token", "s3cret"), data, strings.TrimSpace(out)
}

func TestPrivateArchive(t *testing.T) {
	base, data, readKey := privateArchive(t)
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}

	// Reads need the key; the scheme is read in any case.
	if res, body := get("/api/v1/search?q=harbor"); res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("search without a key: %d %s", res.StatusCode, body)
	}
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		if res, body := get("/api/v1/search?q=harbor", "Authorization", scheme+" "+readKey); res.StatusCode != http.StatusOK {
			t.Errorf("search with %s KEY: %d %s", scheme, res.StatusCode, body)
		}
	}
	if res, _ := get("/?q=harbor"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
		t.Errorf("the page without a key: %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := get("/api/v1/export?format=csv"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("export without a key: %d", res.StatusCode)
	}
	var h struct{ Articles *int }
	_, body := get("/healthz")
	if err := json.Unmarshal(body, &h); err != nil || h.Articles != nil {
		t.Errorf("healthz of a private archive tells a stranger %s", body)
	}
	_, body = get("/healthz", "Authorization", "Bearer "+readKey)
	if err := json.Unmarshal(body, &h); err != nil || h.Articles == nil || *h.Articles == 0 {
		t.Errorf("healthz with a read key: %s", body)
	}

	// Every answer carries the security headers.
	res, _ := get("/signin")
	for name, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	} {
		if got := res.Header.Get(name); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q in it", name, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("the CSP allows inline script or style: %s", csp)
	}

	// A read key may not write; the token may.
	post := func(key, body string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/articles", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if status := post(readKey, `{"id":"p1","title":"T","body":"Text."}`); status != http.StatusForbidden {
		t.Errorf("a write with a read key: %d, want 403", status)
	}
	if status := post("s3cret", `{"id":"p1","title":"Quay","body":"Quay text."}`); status != http.StatusOK {
		t.Errorf("a write with the token: %d", status)
	}

	// An anonymous write is refused before its body is read: a client that sends
	// the headers and then nothing gets its 401 at once, and the connection closes.
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, "POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	start := time.Now()
	r := bufio.NewReader(conn)
	status, err := r.ReadString('\n')
	if err != nil || !strings.Contains(status, "401") {
		t.Errorf("an anonymous write that trickles: %q %v", status, err)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Errorf("the connection of a refused write stays open: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a refused write held its connection %s", took)
	}

	// Revoking the key closes the archive to it at once.
	if _, _, err := runArchive(t, "keys", "revoke", "--data", data, "reader"); err != nil {
		t.Fatal(err)
	}
	if res, _ := get("/api/v1/search?q=harbor", "Authorization", "Bearer "+readKey); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d, want 401", res.StatusCode)
	}

	// The audit log names the key changes and the write.
	log, err := os.ReadFile(filepath.Join(data, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"action":"key-create"`, `"action":"key-revoke"`, `"who":"token (token)","remote":"127.0.0.1","action":"write"`,
		`"who":"reader (`, `"action":"key-use","detail":"GET /api/v1/search"`, `"action":"key-refused"`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the audit log lacks %s:\n%s", want, log)
		}
	}
}

// TestBrowserSignIn signs in to a private archive on the page, reads, signs out,
// and is refused again.
func TestBrowserSignIn(t *testing.T) {
	base, data, readKey := privateArchive(t)
	b := newBrowser(t, base)
	b.run("refused", chromedp.Navigate(base+"/?q=harbor"), chromedp.WaitVisible(`#key`))
	if got := b.location().Path; got != "/signin" {
		t.Errorf("a private archive without a key shows %s, want the sign-in page", got)
	}
	b.screenshot("s1-sign-in")
	b.run("wrong key", chromedp.SendKeys(`#key`, "aak_0_wrong"), chromedp.Submit(`#key`), chromedp.WaitVisible(`#problem`))
	b.run("sign in", chromedp.SendKeys(`#key`, readKey), chromedp.Submit(`#key`), chromedp.WaitVisible(`.hit`))
	if got := b.location(); got.Path != "/" || got.Query().Get("q") != "harbor" {
		t.Errorf("after signing in: %s, want back to the search", got)
	}
	b.screenshot("s2-signed-in")
	b.run("sign out", chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(`button[type=submit]`),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`#key`))
	b.run("refused again", chromedp.Navigate(base+"/?q=harbor"), chromedp.WaitVisible(`#key`))
	b.screenshot("s3-signed-out")
	log, err := os.ReadFile(filepath.Join(data, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"action":"sign-in-failed"`, `"action":"sign-in"`, `"action":"sign-out"`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the audit log lacks %s:\n%s", want, log)
		}
	}
}
