package main

import (
	"encoding/json"
	"fmt"
	"io"
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

// wireText is a wire story long enough to have a signature (corpus.NewSignature).
const wireText = `The Harbor Authority approved a plan on Tuesday to double the capacity of the
port of Port Ellis by 2030, adding four deep-water berths on the eastern shore and
dredging the main channel to sixteen meters. The plan, which will cost about 1.2
billion dollars, must still win the approval of the city council, where several
members have raised concerns about traffic on Dock Street and the loss of the old
fish market. Authority director Marcus Brandt said the expansion would create about
two thousand jobs during construction and six hundred permanent positions.`

// storyFile writes a JSON Lines file holding one wire story as three copies: Daily
// Alpha first, Beta Herald 80 minutes later with a few words changed (and one
// that tries markup), and an undated copy without an outlet. It returns the file
// and the copies' IDs, derived as ingest derives them (no id, no URL).
func storyFile(t *testing.T) (path string, alpha, beta, plain string) {
	t.Helper()
	day := time.Date(2024, 5, 7, 9, 0, 0, 0, time.UTC)
	edited := strings.Replace(wireText, "on Tuesday", "this week", 1)
	edited = strings.Replace(edited, "about 1.2", "<b>some</b> 1.2", 1)
	records := []corpus.Article{
		{Outlet: "Daily Alpha", Title: "Port plan approved", Body: wireText, Published: day},
		{Outlet: "Beta Herald", Title: "Port Ellis to double in size", Body: edited, Published: day.Add(80 * time.Minute)},
		{Title: "Harbor plan", Body: wireText + " Reporting by the wire."},
	}
	var b strings.Builder
	var ids []string
	for _, a := range records {
		rec := map[string]any{"title": a.Title, "body": a.Body}
		if a.Outlet != "" {
			rec["outlet"] = a.Outlet
		}
		if !a.Published.IsZero() {
			rec["published"] = a.Published.Format(time.RFC3339)
		}
		line, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
		a.AssignID()
		ids = append(ids, a.ID)
	}
	path = filepath.Join(t.TempDir(), "wire.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, ids[0], ids[1], ids[2]
}

// apiStoryAnswer is the part of GET /api/v1/story/{id} the tests read.
type apiStoryAnswer struct {
	Summary       string
	FirstOutlet   *string `json:"first_outlet"`
	PickedUpBy    int     `json:"picked_up_by"`
	WithinMinutes *int    `json:"within_minutes"`
	Undated       int
	Copies        []struct {
		ID      string
		Outlet  *string
		First   bool
		AlsoIn  int `json:"also_in"`
		Changes *struct {
			Inserted, Deleted int
			Ops               []struct{ Op, Text string }
		}
	}
}

// sendRaw makes a request with the token (no content type, redirects followed)
// and returns its status and body.
func sendRaw(t *testing.T, method, rawURL, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

// TestStoriesAndDelete ingests a syndicated story, reads its story view over the
// API and on the page, deletes a copy through the API, and checks that the copy
// stays deleted when the file is ingested again (through the API, then with
// archive ingest, after archive reindex) until archive ingest --restore.
func TestStoriesAndDelete(t *testing.T) {
	data := t.TempDir()
	file, alpha, beta, plain := storyFile(t)
	out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", file)
	if err != nil || !strings.Contains(out, "3 indexed") {
		t.Fatalf("ingest: %v\n%s", err, out)
	}

	t.Run("served", func(t *testing.T) {
		base := startServer(t, "--data", data, "--token", "s3cret")
		res := search(t, base, url.Values{"q": {"harbor"}})
		if res.Total != 3 || len(res.Facets.Outlet) != 2 {
			t.Errorf("search: %d hits, outlets %+v; want all three copies and both outlets", res.Total, res.Facets.Outlet)
		}
		var st apiStoryAnswer
		if status := getJSON(t, base+"/api/v1/story/"+url.PathEscape(beta), &st); status != http.StatusOK {
			t.Fatalf("story: %d", status)
		}
		if want := "First ran in Daily Alpha; picked up by 2 outlets within 2 hours (1 copy is undated, listed last and not timed)."; st.Summary != want {
			t.Errorf("summary %q, want %q", st.Summary, want)
		}
		if len(st.Copies) != 3 || st.Copies[0].ID != alpha || !st.Copies[0].First || st.Copies[1].ID != beta || st.Copies[2].ID != plain {
			t.Fatalf("copies %+v, want alpha, beta, the undated one", st.Copies)
		}
		for _, c := range st.Copies {
			if c.AlsoIn != 2 {
				t.Errorf("copy %s: also in %d, want 2", c.ID, c.AlsoIn)
			}
		}
		if ch := st.Copies[1].Changes; ch == nil || ch.Inserted != 3 || ch.Deleted != 3 {
			t.Errorf("beta's changes %+v, want 3 words in (this week, <b>some</b>) and 3 out (on Tuesday, about)", ch)
		}
		if ch := st.Copies[2].Changes; ch == nil || ch.Inserted != 4 || ch.Deleted != 0 {
			t.Errorf("the undated copy's changes %+v, want the 4 words of its footer", ch)
		}

		status, page := sendRaw(t, http.MethodGet, base+"/articles/"+url.PathEscape(beta), "", "")
		for _, want := range []string{"First ran in Daily Alpha", "<ins>this week</ins>", "<ins>&lt;b&gt;some&lt;/b&gt;</ins>", "<del>on Tuesday</del>", "this copy", "no outlet"} {
			if status != http.StatusOK || !strings.Contains(string(page), want) {
				t.Errorf("the article page (%d) lacks %q", status, want)
			}
		}
		if strings.Contains(string(page), "<b>some</b>") {
			t.Errorf("the article page shows a copy's markup unescaped")
		}

		if status, body := sendRaw(t, http.MethodDelete, base+"/api/v1/articles/"+url.PathEscape(beta), "", ""); status != http.StatusUnauthorized {
			t.Errorf("delete without a key: %d %s", status, body)
		}
		status, body := sendRaw(t, http.MethodDelete, base+"/api/v1/articles/"+url.PathEscape(beta), "s3cret", "")
		if status != http.StatusOK || !strings.Contains(string(body), `"outlet":"Beta Herald"`) {
			t.Fatalf("delete: %d %s", status, body)
		}
		if status, body := sendRaw(t, http.MethodDelete, base+"/api/v1/articles/"+url.PathEscape(beta), "s3cret", ""); status != http.StatusNotFound || !strings.Contains(string(body), `"code":"not_found"`) {
			t.Errorf("delete again: %d %s", status, body)
		}
		res = search(t, base, url.Values{"q": {"harbor"}})
		if res.Total != 2 || len(res.Facets.Outlet) != 1 || res.Facets.Outlet[0].Value != "Daily Alpha" {
			t.Errorf("after the delete: %d hits, outlets %+v", res.Total, res.Facets.Outlet)
		}
		getJSON(t, base+"/api/v1/story/"+url.PathEscape(alpha), &st)
		if len(st.Copies) != 2 || st.Copies[0].AlsoIn != 1 || st.Summary != "First ran in Daily Alpha; picked up by 1 outlet (1 copy is undated, listed last and not timed)." {
			t.Errorf("the story after the delete: %+v", st)
		}
		var article struct{ Error struct{ Code string } }
		if status := getJSON(t, base+"/api/v1/articles/"+url.PathEscape(beta), &article); status != http.StatusNotFound {
			t.Errorf("the deleted article: %d", status)
		}

		// The same file again through the API: the deleted copy is skipped.
		raw, _ := os.ReadFile(file)
		status, body = sendRaw(t, http.MethodPost, base+"/api/v1/articles?name=wire.jsonl", "s3cret", string(raw))
		var rep struct {
			Skipped, Duplicates int
			Problems            []struct{ ID, Status, Reason string }
		}
		if err := json.Unmarshal(body, &rep); err != nil || status != http.StatusOK {
			t.Fatalf("write: %d %v %s", status, err, body)
		}
		if rep.Skipped != 1 || rep.Duplicates != 2 || len(rep.Problems) != 1 || rep.Problems[0].ID != beta || rep.Problems[0].Status != "skipped" || !strings.HasPrefix(rep.Problems[0].Reason, "deleted") {
			t.Errorf("the file sent again: %s", body)
		}
		if res := search(t, base, url.Values{"q": {"harbor"}}); res.Total != 2 {
			t.Errorf("after sending the file again: %d hits, want 2", res.Total)
		}
	})

	audit, err := os.ReadFile(filepath.Join(data, "audit.log"))
	if err != nil || !strings.Contains(string(audit), fmt.Sprintf(`"action":"delete","detail":"%s (Beta Herald:`, beta)) {
		t.Errorf("the audit log lacks the delete (%v):\n%s", err, audit)
	}

	// Ingested again from the file, and after a reindex: still deleted.
	out, _, err = runArchive(t, "ingest", "--data", data, "--quiet", file)
	if err != nil || !strings.Contains(out, "skipped 1 articles deleted from the archive") || !strings.Contains(out, "deleted: this article was deleted") {
		t.Errorf("ingest again: %v\n%s", err, out)
	}
	if out, _, err := runArchive(t, "reindex", "--data", data); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	out, _, err = runArchive(t, "ingest", "--data", data, "--quiet", file)
	if err != nil || !strings.Contains(out, "skipped 1 articles deleted") || !strings.Contains(out, "0 indexed") {
		t.Errorf("ingest after the reindex: %v\n%s", err, out)
	}
	// --restore brings it back.
	out, _, err = runArchive(t, "ingest", "--data", data, "--quiet", "--restore", file)
	if err != nil || !strings.Contains(out, "1 indexed") || strings.Contains(out, "skipped 1") {
		t.Errorf("ingest --restore: %v\n%s", err, out)
	}
	out, _, err = runArchive(t, "search", "--data", data, "harbor")
	if err != nil || !strings.Contains(out, "Beta Herald") {
		t.Errorf("search after the restore: %v\n%s", err, out)
	}
}

// TestBrowserStory opens a syndicated story's article page in headless Chromium:
// the story view says who ran it first and shows what a copy changed; a copy
// deleted through the API leaves the view, and stays deleted when the same file
// is sent again.
func TestBrowserStory(t *testing.T) {
	data := t.TempDir()
	file, alpha, beta, _ := storyFile(t)
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", file); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	base := startServer(t, "--data", data, "--token", "s3cret")
	b := newBrowser(t, base)
	b.run("open a copy", chromedp.Navigate(base+"/articles/"+url.PathEscape(beta)), chromedp.WaitVisible(`.story-summary`))
	if got := b.text(`.story-summary`); !strings.HasPrefix(got, "First ran in Daily Alpha; picked up by 2 outlets within 2 hours") {
		t.Errorf("story summary %q", got)
	}
	var copies []string
	b.eval(`[...document.querySelectorAll('.story-copies > li .meta')].map(e => e.textContent.trim())`, &copies)
	if len(copies) != 3 || !strings.HasPrefix(copies[0], "Daily Alpha") || !strings.Contains(copies[0], "first") || !strings.HasPrefix(copies[1], "Beta Herald") {
		t.Errorf("copies listed %q, want Daily Alpha first, then Beta Herald", copies)
	}
	var ins []string
	b.eval(`[...document.querySelectorAll('.story-copies .current .diff ins')].map(e => e.textContent)`, &ins)
	if len(ins) != 2 || ins[1] != "<b>some</b>" {
		t.Errorf("inserted words shown %q, want the markup as text", ins)
	}
	var bold int
	b.eval(`document.querySelectorAll('.diff b').length`, &bold)
	if bold != 0 {
		t.Errorf("a copy's markup became elements on the page")
	}
	b.screenshot("story-1-view")

	if status, body := sendRaw(t, http.MethodDelete, base+"/api/v1/articles/"+url.PathEscape(beta), "s3cret", ""); status != http.StatusOK {
		t.Fatalf("delete: %d %s", status, body)
	}
	raw, _ := os.ReadFile(file)
	if status, body := sendRaw(t, http.MethodPost, base+"/api/v1/articles?name=wire.jsonl", "s3cret", string(raw)); status != http.StatusOK || !strings.Contains(string(body), `"skipped":1`) {
		t.Fatalf("send the file again: %d %s", status, body)
	}
	b.run("open the first copy", chromedp.Navigate(base+"/articles/"+url.PathEscape(alpha)), chromedp.WaitVisible(`.story-summary`))
	if got := b.text(`.story-summary`); got != "First ran in Daily Alpha; picked up by 1 outlet (1 copy is undated, listed last and not timed)." {
		t.Errorf("story summary after the delete and the re-ingest: %q", got)
	}
	var pageText string
	b.eval(`document.querySelector('.story').textContent`, &pageText)
	if strings.Contains(pageText, "Beta Herald") {
		t.Errorf("the deleted copy is still in the story view")
	}
	b.screenshot("story-2-after-delete")
	b.run("open the deleted copy", chromedp.Navigate(base+"/articles/"+url.PathEscape(beta)), chromedp.WaitVisible(`main`))
	if got := b.text(`main`); !strings.Contains(got, "it was deleted from the archive on") {
		t.Errorf("the deleted copy's page says %q", got)
	}
	b.screenshot("story-3-deleted-copy")
}

// TestBrowserDeleteButton signs a writer in on the page and deletes a copy with
// the article page's button; a reader who is not signed in sees no button.
func TestBrowserDeleteButton(t *testing.T) {
	data := t.TempDir()
	file, alpha, beta, _ := storyFile(t)
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", file); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	key, _, err := runArchive(t, "keys", "create", "--data", data, "--scope", "write", "--name", "editor")
	if err != nil {
		t.Fatal(err)
	}
	base := startServer(t, "--data", data)
	if _, page := sendRaw(t, http.MethodGet, base+"/articles/"+url.PathEscape(beta), "", ""); strings.Contains(string(page), "delete-article") {
		t.Errorf("a reader who is not signed in is offered the delete button")
	}
	b := newBrowser(t, base)
	b.run("sign in", chromedp.Navigate(base+"/signin?next="+url.QueryEscape("/articles/"+url.PathEscape(beta))), chromedp.WaitVisible(`#key`),
		chromedp.SendKeys(`#key`, strings.TrimSpace(key)), chromedp.Submit(`#key`), chromedp.WaitVisible(`#delete-article button`))
	b.screenshot("delete-1-button")
	var ok bool
	b.eval(`window.confirm = () => true; true`, &ok)
	b.run("delete", chromedp.Click(`#delete-article button`), chromedp.WaitVisible(`#delete-status`),
		chromedp.Poll(`document.getElementById('delete-status').textContent.startsWith('Deleted')`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	b.screenshot("delete-2-deleted")
	b.run("the first copy", chromedp.Navigate(base+"/articles/"+url.PathEscape(alpha)), chromedp.WaitVisible(`.story-summary`))
	if got := b.text(`.story-summary`); !strings.HasPrefix(got, "First ran in Daily Alpha; picked up by 1 outlet") {
		t.Errorf("story summary after the delete: %q", got)
	}
	audit, err := os.ReadFile(filepath.Join(data, "audit.log"))
	if err != nil || !strings.Contains(string(audit), `"who":"editor (`) || !strings.Contains(string(audit), `"action":"delete"`) {
		t.Errorf("the audit log lacks the editor's delete (%v):\n%s", err, audit)
	}
}
