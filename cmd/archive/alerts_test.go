package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/article-archive/archive/alerts"
)

// call sends one request and returns its status and body.
func call(t *testing.T, method, target, body string, header ...string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// savedAnswer is the part of a saved search's answer the tests read.
type savedAnswer struct {
	ID            string
	Name          string
	Query         string
	Webhook       *string
	WebhookSecret string     `json:"webhook_secret"`
	LastLooked    *time.Time `json:"last_looked"`
	LastMatch     *time.Time `json:"last_match"`
	Feeds         struct{ Atom, JSON string }
	Delivery      *struct {
		Delivered   int
		LastSuccess *time.Time `json:"last_success"`
		Failures    int
		LastError   *string `json:"last_error"`
		Dropped     int
	}
}

type atomFeedDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary string `xml:"summary"`
	} `xml:"entry"`
}

// readAtom fetches an Atom feed and checks what RFC 4287 requires of it: a
// feed id, title and updated, an author, and an id, title and updated on every
// entry, times in RFC 3339.
func readAtom(t *testing.T, target string, header ...string) atomFeedDoc {
	t.Helper()
	status, body := call(t, http.MethodGet, target, "", header...)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, status, body)
	}
	var f atomFeedDoc
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("the Atom feed does not parse: %v\n%s", err, body)
	}
	if f.ID == "" || f.Title == "" || f.Author.Name == "" {
		t.Errorf("the feed lacks an id, title or author: %+v", f)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q: %v", f.Updated, err)
	}
	for _, e := range f.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" {
			t.Errorf("entry %+v: updated %v", e, err)
		}
	}
	return f
}

const quayArticle = `{"id":"alert-quay-1","title":"Tugboat crews join the Eastern Quay strike","outlet":"Harbor Gazette","published":"2026-12-01T08:00:00Z","body":"Tugboat crews walked out at the Eastern Quay on Monday, joining the crane operators."}`

// TestSavedSearchesAPI drives every saved-search route of the real server, right
// and wrong: save, list, read, the feeds (an article sent after the save comes
// first), the arrival filters, delete.
func TestSavedSearchesAPI(t *testing.T) {
	base := startServer(t, "--data", t.TempDir(), "--sample", "--token", testToken)
	auth := []string{"Authorization", "Bearer " + testToken}
	jsonAuth := append([]string{"Content-Type", "application/json"}, auth...)
	for _, c := range []struct {
		name, body string
		header     []string
		want       int
		code       string
	}{
		// Without a body: a refused request is answered before its body is read, and
		// the connection closed, which may reset a client still sending.
		{"no key", "", nil, 401, "unauthorized"},
		{"not JSON", `{name`, jsonAuth, 400, "invalid_request"},
		{"unknown field", `{"name":"x","query":"q=quay","colour":1}`, jsonAuth, 400, "invalid_request"},
		{"no name", `{"query":"q=quay"}`, jsonAuth, 400, "invalid_request"},
		{"query text that does not parse", `{"name":"x","query":"q=%22open"}`, jsonAuth, 400, "invalid_query"},
		{"a bad date", `{"name":"x","query":"from=yesterday"}`, jsonAuth, 400, "invalid_date"},
		{"a bad arrival", `{"name":"x","query":"arrived_from=soon"}`, jsonAuth, 400, "invalid_date"},
		{"a parameter no search takes", `{"name":"x","query":"qq=quay"}`, jsonAuth, 400, "invalid_request"},
		{"a webhook of another scheme", `{"name":"x","query":"q=quay","webhook":"ftp://example.org/x"}`, jsonAuth, 400, "invalid_request"},
	} {
		status, body := call(t, http.MethodPost, base+"/api/v1/searches", c.body, c.header...)
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(body, &e)
		if status != c.want || e.Error.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.want, c.code)
		}
	}
	status, body := call(t, http.MethodPost, base+"/api/v1/searches", `{"name":"Quay watch","query":"q=quay&sort=newest"}`, jsonAuth...)
	if status != http.StatusCreated {
		t.Fatalf("save: %d %s", status, body)
	}
	var saved savedAnswer
	if err := json.Unmarshal(body, &saved); err != nil || saved.ID == "" || saved.WebhookSecret != "" || saved.Webhook != nil {
		t.Fatalf("save answered %s (%v)", body, err)
	}
	var list struct{ Searches []savedAnswer }
	if status := getJSON(t, base+"/api/v1/searches", &list); status != 200 || len(list.Searches) != 1 || list.Searches[0].ID != saved.ID {
		t.Fatalf("list: %d %+v", status, list)
	}
	var one savedAnswer
	if status := getJSON(t, base+"/api/v1/searches/"+saved.ID, &one); status != 200 || one.Name != "Quay watch" || one.Query != "q=quay&sort=newest" {
		t.Fatalf("get: %d %+v", status, one)
	}
	if status, body := call(t, http.MethodGet, base+"/api/v1/searches/nope", ""); status != 404 {
		t.Errorf("get an unknown saved search: %d %s", status, body)
	}

	before := readAtom(t, base+saved.Feeds.Atom)
	if len(before.Entries) == 0 {
		t.Fatal("the feed of a search that matches the sample is empty")
	}
	since := time.Now().UTC()
	if rep, status, err := post(base, []byte(quayArticle+"\n")); err != nil || status != 200 || rep.Indexed != 1 {
		t.Fatalf("write: %v %d %+v", err, status, rep)
	}
	after := readAtom(t, base+saved.Feeds.Atom)
	if len(after.Entries) != len(before.Entries)+1 || !strings.HasSuffix(after.Entries[0].ID, "/articles/alert-quay-1") ||
		after.Entries[0].Title != "Tugboat crews join the Eastern Quay strike" {
		t.Fatalf("the new article is not first in the feed: %d entries before, %+v", len(before.Entries), after.Entries[:min(2, len(after.Entries))])
	}
	var jf struct {
		Version string
		Title   string
		Items   []struct {
			ID      string
			Title   string
			Archive struct{ Arrived *time.Time } `json:"_archive"`
		}
	}
	if status := getJSON(t, base+saved.Feeds.JSON, &jf); status != 200 || jf.Version != "https://jsonfeed.org/version/1.1" ||
		len(jf.Items) != len(after.Entries) || jf.Items[0].Title != after.Entries[0].Title || jf.Items[0].Archive.Arrived == nil || jf.Items[0].Archive.Arrived.Before(since) {
		t.Fatalf("JSON feed: %d %+v", status, jf)
	}

	// Every search filters and sorts by arrival.
	if s := search(t, base, url.Values{"arrived_from": {since.Format(time.RFC3339Nano)}}); s.Total != 1 || s.Hits[0].ID != "alert-quay-1" {
		t.Errorf("arrived_from: %+v", s)
	}
	if s := search(t, base, url.Values{"arrived_to": {since.Format(time.RFC3339Nano)}, "q": {"quay"}}); s.Total != uint64(len(before.Entries)) {
		t.Errorf("arrived_to: %d hits, want the %d before", s.Total, len(before.Entries))
	}
	if s := search(t, base, url.Values{"sort": {"arrived"}, "size": {"1"}}); s.Hits[0].ID != "alert-quay-1" {
		t.Errorf("sort=arrived: %+v", s.Hits)
	}
	for _, bad := range []string{"arrived_from=soon", "arrived_to=2026-13", "arrived_from=2026-12-02&arrived_to=2026-12-01"} {
		if status, body := call(t, http.MethodGet, base+"/api/v1/search?"+bad, ""); status != 400 || !bytes.Contains(body, []byte("invalid_date")) {
			t.Errorf("%s: %d %s", bad, status, body)
		}
	}
	status, body = call(t, http.MethodGet, base+"/api/v1/export?format=ndjson&arrived_from="+url.QueryEscape(since.Format(time.RFC3339Nano)), "")
	if status != 200 || strings.Count(string(body), "\n") != 1 || !strings.Contains(string(body), "alert-quay-1") {
		t.Errorf("export since: %d %s", status, body)
	}

	for _, c := range []struct {
		target string
		want   int
	}{
		{"/feeds/" + saved.ID + ".rss", 404},
		{"/feeds/nope.atom", 404},
		{"/feeds/" + saved.ID + ".atom?q=x", 400},
	} {
		if status, body := call(t, http.MethodGet, base+c.target, ""); status != c.want {
			t.Errorf("GET %s: %d %s, want %d", c.target, status, body, c.want)
		}
	}

	if status, _ := call(t, http.MethodDelete, base+"/api/v1/searches/"+saved.ID, ""); status != 401 {
		t.Errorf("delete without a key: %d", status)
	}
	if status, body := call(t, http.MethodDelete, base+"/api/v1/searches/"+saved.ID, "", auth...); status != 200 || !bytes.Contains(body, []byte(`"deleted":true`)) {
		t.Errorf("delete: %d %s", status, body)
	}
	if status, _ := call(t, http.MethodDelete, base+"/api/v1/searches/"+saved.ID, "", auth...); status != 404 {
		t.Errorf("delete again: %d", status)
	}
	if status, _ := call(t, http.MethodGet, base+saved.Feeds.Atom, ""); status != 404 {
		t.Errorf("the feed of a deleted search: %d", status)
	}
}

// TestSavedSearchesPrivate: in a private archive, reading saved searches needs a
// read key and saving one a write key; a feed opens with a read key or its own
// token, and the token opens nothing else. Saved searches survive a restart and
// are in backups.
func TestSavedSearchesPrivate(t *testing.T) {
	base, data, readKey := privateArchive(t)
	reader := []string{"Authorization", "Bearer " + readKey}
	writer := []string{"Authorization", "Bearer s3cret", "Content-Type", "application/json"}
	if status, _ := call(t, http.MethodGet, base+"/api/v1/searches", ""); status != 401 {
		t.Errorf("list without a key: %d", status)
	}
	if status, _ := call(t, http.MethodGet, base+"/api/v1/searches", "", reader...); status != 200 {
		t.Errorf("list with a read key: %d", status)
	}
	if status, _ := call(t, http.MethodPost, base+"/api/v1/searches", "", append(reader, "Content-Type", "application/json")...); status != 403 {
		t.Errorf("save with a read key: %d", status)
	}
	status, body := call(t, http.MethodPost, base+"/api/v1/searches", `{"name":"Bridge","query":"q=bridge"}`, writer...)
	if status != 201 {
		t.Fatalf("save: %d %s", status, body)
	}
	var saved savedAnswer
	json.Unmarshal(body, &saved)
	u, _ := url.Parse(saved.Feeds.Atom)
	token := u.Query().Get("token")
	if token == "" {
		t.Fatalf("the feed link has no token: %s", saved.Feeds.Atom)
	}
	feed := base + "/feeds/" + saved.ID + ".atom"
	for _, c := range []struct {
		name, target string
		header       []string
		want         int
	}{
		{"no token", feed, nil, 401},
		{"a wrong token", feed + "?token=nope", nil, 401},
		{"another search's token", base + "/feeds/other.atom?token=" + token, nil, 401},
		{"its token", feed + "?token=" + url.QueryEscape(token), nil, 200},
		{"its token, JSON", base + "/feeds/" + saved.ID + ".json?token=" + url.QueryEscape(token), nil, 200},
		{"a read key", feed, reader, 200},
		{"the token is no key", base + "/api/v1/search?q=bridge", []string{"Authorization", "Bearer " + token}, 401},
	} {
		if status, body := call(t, http.MethodGet, c.target, "", c.header...); status != c.want {
			t.Errorf("%s: %d %.200s, want %d", c.name, status, body, c.want)
		}
	}
	readAtom(t, feed+"?token="+url.QueryEscape(token))

	// The store is the owner's alone, and a backup carries it.
	info, err := os.Stat(filepath.Join(data, alerts.FileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v", alerts.FileName, info, err)
	}
	dest := filepath.Join(t.TempDir(), "copy")
	if out, _, err := runArchive(t, "backup", "--server", base, "--token", "s3cret", dest); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	copied, err := os.ReadFile(filepath.Join(dest, alerts.FileName))
	if err != nil || !bytes.Contains(copied, []byte(saved.ID)) {
		t.Errorf("the backup lacks the saved searches: %v", err)
	}
	restored := startServer(t, "--data", dest)
	var list struct{ Searches []savedAnswer }
	status, body = call(t, http.MethodGet, restored+"/api/v1/searches", "") // keys stay out of backups
	if json.Unmarshal(body, &list); status != 200 || len(list.Searches) != 1 || list.Searches[0].ID != saved.ID {
		t.Errorf("the restored archive's saved searches: %d %s", status, body)
	}
}

// receiver is a webhook receiver on loopback that fails its first failFirst
// deliveries with a 500.
type receiver struct {
	mu        sync.Mutex
	failFirst int
	got       []*http.Request
	bodies    [][]byte
	srv       *httptest.Server
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	r := &receiver{failFirst: failFirst}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, req)
		r.bodies = append(r.bodies, body)
		n := len(r.got)
		r.mu.Unlock()
		if n <= r.failFirst {
			http.Error(w, "not today", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// TestWebhook: an article that matches a saved search is POSTed to its webhook,
// signed; a failed delivery shows on the saved search and is retried, with the
// same delivery ID and a fresh signature; an article that does not match is not
// sent.
func TestWebhook(t *testing.T) {
	rec := newReceiver(t, 1)
	base := startServer(t, "--data", t.TempDir(), "--sample", "--token", testToken)
	body := fmt.Sprintf(`{"name":"Tugboats","query":"q=tugboat&outlet=Harbor+Gazette","webhook":%q}`, rec.srv.URL+"/hook?k=receiver-secret")
	status, out := call(t, http.MethodPost, base+"/api/v1/searches", body, "Authorization", "Bearer "+testToken, "Content-Type", "application/json")
	if status != 201 {
		t.Fatalf("save: %d %s", status, out)
	}
	var saved savedAnswer
	json.Unmarshal(out, &saved)
	if !strings.HasPrefix(saved.WebhookSecret, "whsec_") || saved.Delivery == nil {
		t.Fatalf("save answered %s", out)
	}
	var again savedAnswer
	getJSON(t, base+"/api/v1/searches/"+saved.ID, &again)
	if again.WebhookSecret != "" {
		t.Errorf("the webhook secret is shown again")
	}

	other := `{"id":"alert-other","title":"Tugboat regatta","outlet":"Valley Wire","body":"A tugboat regatta on the Sorrel River."}`
	if _, status, err := post(base, []byte(other+"\n"+quayArticle+"\n")); err != nil || status != 200 {
		t.Fatalf("write: %v %d", err, status)
	}
	// The first delivery fails: the saved search says so, then the retry succeeds.
	deadline := time.Now().Add(30 * time.Second)
	var st savedAnswer
	sawFailure := false
	for time.Now().Before(deadline) {
		getJSON(t, base+"/api/v1/searches/"+saved.ID, &st)
		if st.Delivery.Failures == 1 && st.Delivery.LastError != nil {
			sawFailure = true
			if !strings.Contains(*st.Delivery.LastError, "500") || strings.Contains(*st.Delivery.LastError, "receiver-secret") {
				t.Errorf("last error %q: want the 500, and never the URL", *st.Delivery.LastError)
			}
		}
		if st.Delivery.Delivered == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !sawFailure || st.Delivery.Delivered != 1 || st.Delivery.Failures != 0 || st.Delivery.LastSuccess == nil || st.LastMatch == nil {
		t.Fatalf("delivery status: failure seen %t, %+v, last match %v", sawFailure, st.Delivery, st.LastMatch)
	}
	if n := rec.count(); n != 2 {
		t.Fatalf("the receiver got %d requests, want the failed one and its retry", n)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i, req := range rec.got {
		ts, sig := req.Header.Get(alerts.HeaderTimestamp), req.Header.Get(alerts.HeaderSignature)
		if err := alerts.Verify(saved.WebhookSecret, ts, sig, rec.bodies[i], time.Now(), 5*time.Minute); err != nil {
			t.Errorf("delivery %d: %v", i, err)
		}
		if err := alerts.Verify("whsec_wrong", ts, sig, rec.bodies[i], time.Now(), 5*time.Minute); err == nil {
			t.Errorf("delivery %d verifies with a wrong secret", i)
		}
		if err := alerts.Verify(saved.WebhookSecret, ts, sig, append(rec.bodies[i], ' '), time.Now(), 5*time.Minute); err == nil {
			t.Errorf("delivery %d verifies with a changed body", i)
		}
		if err := alerts.Verify(saved.WebhookSecret, ts, sig, rec.bodies[i], time.Now().Add(time.Hour), 5*time.Minute); err == nil {
			t.Errorf("delivery %d verifies an hour later: replays are not stopped", i)
		}
		if req.Header.Get("Content-Type") != "application/json" || req.URL.Query().Get("k") != "receiver-secret" {
			t.Errorf("delivery %d: %v %v", i, req.Header, req.URL)
		}
	}
	if a, b := rec.got[0].Header.Get(alerts.HeaderDelivery), rec.got[1].Header.Get(alerts.HeaderDelivery); a == "" || a != b {
		t.Errorf("the retry's delivery ID %q differs from the first's %q", b, a)
	}
	var p alerts.Payload
	if err := json.Unmarshal(rec.bodies[1], &p); err != nil {
		t.Fatal(err)
	}
	if p.Search.ID != saved.ID || len(p.Articles) != 1 || p.Articles[0].ID != "alert-quay-1" || p.Articles[0].Link == nil ||
		*p.Articles[0].Link != base+"/articles/alert-quay-1" || p.Delivery != rec.got[1].Header.Get(alerts.HeaderDelivery) {
		t.Errorf("payload %s", rec.bodies[1])
	}
}
