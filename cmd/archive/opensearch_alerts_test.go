package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/internal/ostest"
)

// TestOpenSearchSavedSearchesAcrossServers runs two real `archive serve
// --opensearch` processes on one index, the second watching a directory: a
// search saved through the first is listed by the second; an article posted
// to the second fires the search's webhook from the second (the server that
// stores an article matches it against every saved search, whichever server
// saved it), once, signed; so does a file dropped in the watched directory,
// and an `archive ingest --opensearch`; the webhook's status shows on the first;
// both answer the feeds; a search deleted on the second is gone on the first.
func TestOpenSearchSavedSearchesAcrossServers(t *testing.T) {
	c := ostest.Start(t, 1)
	index := ostest.IndexName(t)
	t.Cleanup(func() { dropIndexes(c, index) })
	bin := buildArchive(t)
	urls := strings.Join(c.URLs, ",")
	inbox := t.TempDir()
	a := startProc(t, bin, "--opensearch", urls, "--opensearch-index", index, "--token", testToken)
	b := startProc(t, bin, "--opensearch", urls, "--opensearch-index", index, "--token", testToken, "--watch", inbox)
	rec := newReceiver(t, 0)
	auth := []string{"Authorization", "Bearer " + testToken}

	body := fmt.Sprintf(`{"name":"Tugboats","query":"q=tugboat&outlet=harbor+gazette","webhook":%q}`, rec.srv.URL+"/hook")
	status, out := call(t, http.MethodPost, a.url+"/api/v1/searches", body, append(auth, "Content-Type", "application/json")...)
	if status != http.StatusCreated {
		t.Fatalf("save on the first server: %d %s", status, out)
	}
	var saved savedAnswer
	if err := json.Unmarshal(out, &saved); err != nil || saved.WebhookSecret == "" {
		t.Fatalf("save answered %s (%v)", out, err)
	}
	var list struct{ Searches []savedAnswer }
	if status := getJSON(t, b.url+"/api/v1/searches", &list); status != 200 || len(list.Searches) != 1 || list.Searches[0].ID != saved.ID ||
		list.Searches[0].WebhookSecret != "" || list.Searches[0].Feeds.Atom != saved.Feeds.Atom {
		t.Fatalf("the second server lists %d %+v, want the search saved on the first, without its secret", status, list)
	}
	if status, page := call(t, http.MethodGet, b.url+"/searches", ""); status != 200 || !strings.Contains(string(page), "Tugboats") {
		t.Errorf("the second server's page of saved searches: %d, want it listing Tugboats", status)
	}

	// An article posted to the second server: it matches and sends, once.
	other := `{"id":"alert-other","title":"Tugboat regatta","outlet":"Valley Wire","body":"A tugboat regatta on the Sorrel River."}`
	if _, status, err := post(b.url, []byte(other+"\n"+quayArticle+"\n")); err != nil || status != 200 {
		t.Fatalf("write to the second server: %v %d", err, status)
	}
	payload := waitDelivery(t, rec, 1, saved.WebhookSecret)
	if len(payload.Articles) != 1 || payload.Articles[0].ID != "alert-quay-1" || payload.Articles[0].Link == nil ||
		*payload.Articles[0].Link != b.url+"/articles/alert-quay-1" || payload.Search.ID != saved.ID {
		t.Fatalf("delivery %+v: want alert-quay-1, linked on the second server, which stored it", payload)
	}

	// A file dropped in the second server's watched directory.
	watched := `{"id":"alert-quay-2","title":"Tugboat crews return to work","outlet":"Harbor Gazette","published":"2026-12-02T08:00:00Z","body":"The tugboat crews of the Eastern Quay went back to work on Tuesday."}`
	if err := os.WriteFile(filepath.Join(inbox, "quay.jsonl"), []byte(watched+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if payload := waitDelivery(t, rec, 2, saved.WebhookSecret); len(payload.Articles) != 1 || payload.Articles[0].ID != "alert-quay-2" {
		t.Fatalf("delivery of the watched file: %+v", payload)
	}
	if s := search(t, a.url, map[string][]string{"q": {"return to work"}}); s.Total != 1 {
		t.Errorf("the first server finds %d articles of the watched file, want 1", s.Total)
	}

	// archive ingest --opensearch matches what it stores too, and sends before it ends.
	file := filepath.Join(t.TempDir(), "cli.jsonl")
	cli := `{"id":"alert-quay-3","title":"Tugboat owners settle","outlet":"Harbor Gazette","body":"The tugboat owners settled with the crews of the Eastern Quay."}`
	if err := os.WriteFile(file, []byte(cli+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := archiveCmd(t, bin, "ingest", "--opensearch", urls, "--opensearch-index", index, "--quiet", file); code != 0 || !strings.Contains(stdout, "1 indexed") {
		t.Fatalf("ingest --opensearch: %d\n%s%s", code, stdout, stderr)
	}
	if payload := waitDelivery(t, rec, 3, saved.WebhookSecret); len(payload.Articles) != 1 || payload.Articles[0].ID != "alert-quay-3" || payload.Articles[0].Link != nil {
		t.Fatalf("delivery of the CLI ingest: %+v", payload)
	}
	time.Sleep(time.Second) // a second server sending too would show by now
	if n := rec.count(); n != 3 {
		t.Fatalf("the receiver got %d deliveries, want 3: one for each article, from the server that stored it", n)
	}

	// The webhook's status reaches the first server (each server writes what
	// its deliveries did at least every 10 s).
	deadline := time.Now().Add(40 * time.Second)
	var st savedAnswer
	for time.Now().Before(deadline) {
		getJSON(t, a.url+"/api/v1/searches/"+saved.ID, &st)
		if st.Delivery != nil && st.Delivery.Delivered == 3 && st.LastMatch != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if st.Delivery == nil || st.Delivery.Delivered != 3 || st.Delivery.LastSuccess == nil || st.LastMatch == nil {
		t.Errorf("the first server shows the delivery status %+v, last match %v: want the 3 deliveries of the others", st.Delivery, st.LastMatch)
	}

	for _, base := range []string{a.url, b.url} {
		feed := readAtom(t, base+saved.Feeds.Atom)
		if len(feed.Entries) != 3 || !strings.HasSuffix(feed.Entries[0].ID, "/articles/alert-quay-3") {
			t.Errorf("the Atom feed of %s lists %+v: want the 3 matches, the last arrived first", base, feed.Entries)
		}
		var jf struct{ Items []struct{ ID string } }
		if status := getJSON(t, base+saved.Feeds.JSON, &jf); status != 200 || len(jf.Items) != 3 {
			t.Errorf("the JSON feed of %s: %d %+v", base, status, jf)
		}
	}

	if status, out := call(t, http.MethodDelete, b.url+"/api/v1/searches/"+saved.ID, "", auth...); status != 200 {
		t.Fatalf("delete on the second server: %d %s", status, out)
	}
	if status, _ := call(t, http.MethodGet, a.url+"/api/v1/searches/"+saved.ID, ""); status != 404 {
		t.Errorf("the first server still answers the deleted search: %d", status)
	}
	if status, _ := call(t, http.MethodGet, a.url+saved.Feeds.Atom, ""); status != 404 {
		t.Errorf("the first server still answers the deleted search's feed: %d", status)
	}
	if status := getJSON(t, a.url+"/api/v1/searches", &list); status != 200 || len(list.Searches) != 0 {
		t.Errorf("the first server lists %+v after the delete", list)
	}
	if _, status, err := post(a.url, []byte(strings.ReplaceAll(quayArticle, "alert-quay-1", "alert-quay-4")+"\n")); err != nil || status != 200 {
		t.Fatalf("write after the delete: %v %d", err, status)
	}
	time.Sleep(2 * time.Second)
	if n := rec.count(); n != 3 {
		t.Errorf("the receiver got %d deliveries: a deleted search still sends", n)
	}
}

// waitDelivery waits until rec got n deliveries, checks the n-th's signature
// with secret, and returns its payload.
func waitDelivery(t *testing.T, rec *receiver, n int, secret string) alerts.Payload {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for rec.count() < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := rec.count(); got < n {
		t.Fatalf("the receiver got %d deliveries, want %d", got, n)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	req, body := rec.got[n-1], rec.bodies[n-1]
	if err := alerts.Verify(secret, req.Header.Get(alerts.HeaderTimestamp), req.Header.Get(alerts.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		t.Errorf("delivery %d: %v", n, err)
	}
	var p alerts.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("delivery %d: %v\n%s", n, err, body)
	}
	return p
}
