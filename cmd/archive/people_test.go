package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// peopleFeed is a small archive where one man is named two ways ("Reagan" and
// "Ronald Reagan", too few for the name book to join them) and a treaty is
// taken for a person.
const peopleFeed = `{"id":"rr-1","title":"Budget talks in Washington","outlet":"Daily Alpha","published":"1985-01-03T10:00:00Z","body":"Reagan met Paul Volcker about the budget.","persons":["Reagan","Paul Volcker"]}
{"id":"rr-2","title":"Summit in Iceland","outlet":"Beta Herald","published":"1986-10-11T10:00:00Z","body":"Ronald Reagan flew to Iceland with George Shultz.","persons":["Ronald Reagan","George Shultz"]}
{"id":"rr-3","title":"Veto threatened","outlet":"Daily Alpha","published":"1986-05-02T10:00:00Z","body":"Reagan said he would veto the bill, George Shultz said.","persons":["Reagan","George Shultz"]}
{"id":"rr-4","title":"Rates steady","outlet":"Beta Herald","published":"1987-02-01T10:00:00Z","body":"Paul Volcker kept rates steady after the Agreement.","persons":["Paul Volcker","Agreement"]}
{"id":"rr-5","title":"Talks resume","outlet":"Gamma Times","published":"1987-06-01T10:00:00Z","body":"George Shultz and Ronald Reagan met again.","persons":["George Shultz","Ronald Reagan"]}
{"id":"rr-6","title":"Trade pact","outlet":"Gamma Times","published":"1987-07-01T10:00:00Z","body":"The Agreement was signed; Paul Volcker welcomed it.","persons":["Agreement","Paul Volcker"]}
`

// ingestPeopleFeed makes an archive of peopleFeed in a new data directory.
func ingestPeopleFeed(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	feed := filepath.Join(t.TempDir(), "people.jsonl")
	if err := os.WriteFile(feed, []byte(peopleFeed), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := runArchive(t, "ingest", "--data", data, "--quiet", feed); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out, errOut)
	}
	return data
}

// personFacet reads the person facet of a search over everything.
func personFacet(t *testing.T, base string) map[string]int {
	t.Helper()
	var res apiSearch
	okJSON(t, base+"/api/v1/search?size=1", &res)
	out := map[string]int{}
	for _, f := range res.Facets.Person {
		out[f.Value] = f.Count
	}
	return out
}

// okJSON reads a JSON answer that must be 200.
func okJSON(t *testing.T, u string, v any) {
	t.Helper()
	if status := getJSON(t, u, v); status != http.StatusOK {
		t.Fatalf("GET %s: %d", u, status)
	}
}

// send makes a request with the token and returns its status and body.
func send(t *testing.T, method, u, token, body string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	return res.StatusCode, got, res.Header
}

// TestPeopleEditsOnTheServer drives the people edits and the person page
// through the real server over HTTP: a merge and a hide reach the facet, the
// filters, the person pages and the export at once; the edits are listed with
// who and when, audited, refused with a reason when wrong, in a backup, and
// undone exactly.
func TestPeopleEditsOnTheServer(t *testing.T) {
	data := ingestPeopleFeed(t)
	const token = "s3cret"
	base := startServer(t, "--data", data, "--token", token)
	before := personFacet(t, base)
	if before["Reagan"] != 2 || before["Ronald Reagan"] != 2 || before["Agreement"] != 2 {
		t.Fatalf("the facet before any edit: %v", before)
	}
	edits := base + "/api/v1/people/edits"

	status, body, header := send(t, http.MethodPost, edits, token, `{"action":"merge","from":"Reagan","into":"Ronald Reagan"}`)
	var merge struct{ ID, Action, Who string }
	if status != http.StatusCreated || json.Unmarshal(body, &merge) != nil || merge.Who == "" || header.Get("Location") == "" {
		t.Fatalf("merge: %d %s", status, body)
	}
	status, body, _ = send(t, http.MethodPost, edits, token, `{"action":"hide","name":"Agreement"}`)
	var hide struct{ ID string }
	if status != http.StatusCreated || json.Unmarshal(body, &hide) != nil {
		t.Fatalf("hide: %d %s", status, body)
	}
	after := personFacet(t, base)
	if after["Ronald Reagan"] != 4 || after["Reagan"] != 0 || after["Agreement"] != 0 {
		t.Errorf("the facet after merging and hiding: %v", after)
	}

	// Wrong edits, each with the reason.
	for _, c := range []struct {
		body, token string
		want        int
		says        string
	}{
		{`{"action":"merge","from":"Ronald Reagan","into":"Reagan"}`, token, http.StatusBadRequest, "edit " + merge.ID},
		{`{"action":"merge","from":"Paul Volcker","into":"Paul Volcker"}`, token, http.StatusBadRequest, "themselves"},
		{`{"action":"merge","from":"Paul Volker","into":"George Shultz"}`, token, http.StatusNotFound, "Paul Volcker"},
		{`{"action":"rename","from":"Paul Volcker","into":"George Shultz"}`, token, http.StatusBadRequest, "merge"},
		{`{"action":"hide","name":"Agreement"}`, token, http.StatusBadRequest, "hidden"},
		{`{"action":"split","name":"Agreement"}`, token, http.StatusBadRequest, "merge, rename or hide"},
		{`{"action":"hide","name":"Agreement"}`, "", http.StatusUnauthorized, "key"},
		{`not json`, token, http.StatusBadRequest, "JSON object"},
	} {
		status, body, _ := send(t, http.MethodPost, edits, c.token, c.body)
		if status != c.want || !strings.Contains(string(body), c.says) {
			t.Errorf("POST %s: %d %s, want %d saying %q", c.body, status, body, c.want, c.says)
		}
	}

	// The person pages follow: a name merged away leads to the person.
	status, _, header = send(t, http.MethodGet, base+"/api/v1/people/Reagan?with=5", "", "")
	if status != http.StatusFound || header.Get("Location") != "/api/v1/people/Ronald%20Reagan?with=5" {
		t.Errorf("GET /api/v1/people/Reagan: %d to %q", status, header.Get("Location"))
	}
	var person struct {
		Name     string
		Articles int
		Aliases  []corpus.PersonAlias
		Timeline []corpus.PersonBucket
		With     []corpus.CoMention
		Outlets  []struct{ Value string }
		Latest   []struct{ ID string }
	}
	okJSON(t, base+"/api/v1/people/Ronald%20Reagan", &person)
	if person.Articles != 4 || len(person.Aliases) != 1 || person.Aliases[0].Name != "Reagan" || len(person.Latest) != 4 ||
		len(person.With) != 1 || person.With[0].Name != "George Shultz" || person.With[0].Together != 3 || len(person.Timeline) == 0 {
		t.Errorf("the person: %+v", person)
	}
	status, body, _ = send(t, http.MethodGet, base+"/api/v1/people/Agreement", "", "")
	if status != http.StatusNotFound || !strings.Contains(string(body), "hidden") {
		t.Errorf("the hidden name's page: %d %s", status, body)
	}
	status, body, _ = send(t, http.MethodGet, base+"/api/v1/people/Ronald%20Regan", "", "")
	if status != http.StatusNotFound || !strings.Contains(string(body), "Ronald Reagan") {
		t.Errorf("a misspelt name: %d %s", status, body)
	}
	status, body, _ = send(t, http.MethodGet, base+"/people/Reagan", "", "")
	if status != http.StatusFound {
		t.Errorf("the page of a merged name: %d", status)
	}
	status, body, _ = send(t, http.MethodGet, base+"/people/Ronald%20Reagan", "", "")
	if status != http.StatusOK || !bytes.Contains(body, []byte(`href="/people/George%20Shultz"`)) || !bytes.Contains(body, []byte("Reagan <small>(merge)")) {
		t.Errorf("the person page: %d\n%s", status, body)
	}

	// The filter on the old name and the export follow.
	var res apiSearch
	okJSON(t, base+"/api/v1/search?person=Reagan", &res)
	if res.Total != 4 {
		t.Errorf("person=Reagan after the merge: %d hits, want Ronald Reagan's 4", res.Total)
	}
	status, body, _ = send(t, http.MethodGet, base+"/api/v1/export?format=ndjson", "", "")
	if status != http.StatusOK || bytes.Contains(body, []byte(`"Agreement"`)) || bytes.Contains(body, []byte(`"Reagan"`)) {
		t.Errorf("the export after the edits: %d\n%s", status, body)
	}

	// Listed with who and when, and audited.
	var list struct {
		Edits []struct {
			ID, Action, Who, At string
			From, Into, Name    *string
		}
	}
	okJSON(t, edits, &list)
	if len(list.Edits) != 2 || list.Edits[0].Who != "token (token)" || list.Edits[0].At == "" || *list.Edits[0].From != "Reagan" || list.Edits[1].From != nil || *list.Edits[1].Name != "Agreement" {
		t.Errorf("the edits: %+v", list.Edits)
	}
	audit, err := os.ReadFile(filepath.Join(data, "audit.log"))
	if err != nil || strings.Count(string(audit), `"action":"people-edit"`) != 2 {
		t.Errorf("the audit log: %v\n%s", err, audit)
	}

	// A backup holds them.
	dest := filepath.Join(t.TempDir(), "copy")
	if out, errOut, err := runArchive(t, "backup", "--data", data, "--server", base, "--token", token, dest); err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}
	cp, err := index.Open(dest, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := cp.PersonEdits(context.Background())
	cres, _ := cp.Search(context.Background(), corpus.Query{Persons: []string{"Ronald Reagan"}})
	cp.Close()
	if len(got) != 2 || cres == nil || cres.Total != 4 {
		t.Errorf("the backup's edits: %+v, Ronald Reagan in %v", got, cres)
	}

	// Undo, and the archive shows exactly what it showed before.
	for _, id := range []string{merge.ID, hide.ID} {
		if status, body, _ := send(t, http.MethodDelete, edits+"/"+url.PathEscape(id), token, ""); status != http.StatusOK {
			t.Errorf("undo %s: %d %s", id, status, body)
		}
	}
	if status, _, _ := send(t, http.MethodDelete, edits+"/"+merge.ID, token, ""); status != http.StatusNotFound {
		t.Errorf("undoing twice: %d, want 404", status)
	}
	if status, _, _ := send(t, http.MethodDelete, edits+"/"+merge.ID, "", ""); status != http.StatusUnauthorized {
		t.Errorf("undo without a key: %d, want 401", status)
	}
	if got := personFacet(t, base); !maps.Equal(got, before) {
		t.Errorf("after undoing: %v, want %v", got, before)
	}
	audit, _ = os.ReadFile(filepath.Join(data, "audit.log"))
	if strings.Count(string(audit), `"action":"people-edit-undo"`) != 2 {
		t.Errorf("the audit log has no undo:\n%s", audit)
	}
}

// TestBrowserPeople: a writer signed in on the page merges "Reagan" into
// "Ronald Reagan" from the person facet, and the facet changes without a
// reload; the person page shows the aliases, the timeline and the co-mentions,
// a merged name leads there, and an unknown one offers the nearest.
func TestBrowserPeople(t *testing.T) {
	data := ingestPeopleFeed(t)
	key, errOut, err := runArchive(t, "keys", "create", "--data", data, "--scope", "write", "--name", "curator")
	if err != nil {
		t.Fatalf("keys create: %v %s", err, errOut)
	}
	base := startServer(t, "--data", data)
	b := newBrowser(t, base)

	b.run("sign in", chromedp.Navigate(base+"/signin?next=/"), chromedp.WaitVisible(`#key`),
		chromedp.SendKeys(`#key`, strings.TrimSpace(key)), chromedp.Submit(`#key`), chromedp.WaitVisible(`#person-facet`))
	facet := func() map[string]string {
		var values []string
		b.eval(`Array.from(document.querySelectorAll('#person-facet li .value-link')).map(a => a.querySelector('.value').textContent + '=' + a.querySelector('.count').textContent)`, &values)
		out := map[string]string{}
		for _, v := range values {
			name, count, _ := strings.Cut(v, "=")
			out[name] = count
		}
		return out
	}
	if f := facet(); f["Reagan"] != "2" || f["Ronald Reagan"] != "2" {
		t.Fatalf("the facet before: %v", f)
	}
	b.eval(`window.notReloaded = true`, nil)
	b.run("open the edit form", chromedp.Click(`#curate-people summary`, chromedp.NodeVisible), chromedp.WaitVisible(`#curate-from`))
	b.run("merge", chromedp.SetValue(`#curate-action`, "merge"), chromedp.SendKeys(`#curate-from`, "Reagan"),
		chromedp.SendKeys(`#curate-into`, "Ronald Reagan"), chromedp.Click(`#curate-form button[type=submit]`),
		chromedp.Poll(`(document.getElementById('curate-status') || {}).textContent.startsWith('Merged')`, nil))
	var notReloaded bool
	b.eval(`window.notReloaded === true`, &notReloaded)
	if !notReloaded {
		t.Errorf("the merge reloaded the page; it should redraw the facet in place")
	}
	f := facet()
	if _, ok := f["Reagan"]; ok || f["Ronald Reagan"] != "4" {
		t.Errorf("the facet after the merge: %v", f)
	}
	b.screenshot("people-01-merged-in-place")

	// A wrong edit says why, in place.
	b.eval(`document.getElementById('curate-from').value = 'Reagan'; document.getElementById('curate-into').value = 'George Shultz'; true`, nil)
	b.run("merge again", chromedp.Click(`#curate-form button[type=submit]`, chromedp.NodeVisible),
		chromedp.Poll(`(document.getElementById('curate-status') || {}).textContent.includes('already')`, nil))

	// The person page, reached through the merged name.
	b.run("person page", chromedp.Navigate(base+"/people/Reagan"), chromedp.WaitVisible(`main.person h1`))
	if got := b.location().Path; got != "/people/Ronald%20Reagan" && got != "/people/Ronald Reagan" {
		t.Errorf("/people/Reagan led to %s", got)
	}
	if h := b.text(`main.person h1`); h != "Ronald Reagan" {
		t.Errorf("the page's heading: %q", h)
	}
	if a := b.text(`ul.aliases`); !strings.Contains(a, "Reagan") || !strings.Contains(a, "merge") {
		t.Errorf("aliases: %q", a)
	}
	var bars int
	b.eval(`document.querySelectorAll('.timeline svg rect.bar-fill').length`, &bars)
	if bars == 0 {
		t.Errorf("the person page has no timeline")
	}
	if w := b.text(`ol.comentions`); !strings.Contains(w, "George Shultz") {
		t.Errorf("co-mentions: %q", w)
	}
	var measure string
	b.eval(`document.querySelector('.measure').textContent`, &measure)
	if !strings.Contains(measure, "chance") {
		t.Errorf("the page does not say how co-mentions are ranked: %q", measure)
	}
	b.screenshot("people-02-person-page")

	// The page's own forms: undo the merge there, and Reagan has a page again.
	// The form reloads the page: wait for a new document, not the old one's aliases.
	b.eval(`window.beforeUndo = true`, nil)
	b.run("undo on the page", chromedp.Click(`ul.edits button`, chromedp.NodeVisible))
	b.waitFor("the page after the undo", `!window.beforeUndo && document.readyState === 'complete' && document.getElementById('h-aliases') !== null`)
	if a := b.text(`#h-aliases + *`); strings.Contains(a, "Reagan") {
		t.Errorf("after the undo the aliases still say %q", a)
	}
	b.run("Reagan again", chromedp.Navigate(base+"/people/Reagan"), chromedp.WaitVisible(`main.person h1`))
	if h := b.text(`main.person h1`); h != "Reagan" {
		t.Errorf("after the undo /people/Reagan shows %q", h)
	}

	// Every person on an article page links to their page (the merge is undone).
	b.run("article", chromedp.Navigate(base+"/articles/rr-3"), chromedp.WaitVisible(`article h1`))
	var links []string
	b.eval(`Array.from(document.querySelectorAll('dl.meta a.person')).map(a => a.getAttribute('href'))`, &links)
	if !slices.Contains(links, "/people/Reagan") || !slices.Contains(links, "/people/George%20Shultz") {
		t.Errorf("the article's people link to %q", links)
	}

	// An unknown name: a 404 page offering the nearest.
	b.run("unknown person", chromedp.Navigate(base+"/people/Ronald%20Regan"), chromedp.WaitVisible(`main.person h1`))
	var suggested []string
	b.eval(`Array.from(document.querySelectorAll('main.person a')).map(a => a.textContent)`, &suggested)
	if !slices.Contains(suggested, "Ronald Reagan") {
		t.Errorf("the unknown person's page suggests %q", suggested)
	}
	b.screenshot("people-03-unknown-person")
}
