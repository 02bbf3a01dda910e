package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSavedSearch: a reader signs in, saves a search from its results,
// an article that matches arrives through the write API, and it is in the
// saved search's Atom feed and counted as new on the saved searches page; opening
// the new ones lists it first, and then nothing is new.
func TestBrowserSavedSearch(t *testing.T) {
	base := startServer(t, "--data", t.TempDir(), "--sample", "--token", testToken)
	b := newBrowser(t, base)
	b.run("sign in", chromedp.Navigate(base+"/signin?next=/%3Fq%3Dquay"), chromedp.WaitVisible(`#key`),
		chromedp.SendKeys(`#key`, testToken), chromedp.Submit(`#key`), chromedp.WaitVisible(`.hit`))
	b.run("name the search", chromedp.WaitVisible(`#save-name`), chromedp.SendKeys(`#save-name`, "Quay watch"))
	b.screenshot("a1-save-search")
	b.run("save it", chromedp.Submit(`#save-name`), chromedp.WaitVisible(`#saved-list`))
	if got := b.location().Path; got != "/searches" {
		t.Fatalf("after saving: %s, want /searches", got)
	}
	if got := b.text(`.saved-search h2`); got != "Quay watch" {
		t.Errorf("saved search %q", got)
	}
	if got := b.text(`.saved-search .new`); !strings.Contains(got, "Nothing new since it was saved") {
		t.Errorf("before any arrival: %q", got)
	}
	b.screenshot("a2-saved")
	var atom string
	b.eval(`document.querySelector('.feeds a[type="application/atom+xml"]').getAttribute('href')`, &atom)
	before := readAtom(t, base+atom)

	if rep, status, err := post(base, []byte(quayArticle+"\n")); err != nil || status != http.StatusOK || rep.Indexed != 1 {
		t.Fatalf("write: %v %d %+v", err, status, rep)
	}
	after := readAtom(t, base+atom)
	if len(after.Entries) != len(before.Entries)+1 || after.Entries[0].Title != "Tugboat crews join the Eastern Quay strike" {
		t.Errorf("the feed after the arrival: %d entries (before %d), first %+v", len(after.Entries), len(before.Entries), after.Entries[:min(1, len(after.Entries))])
	}

	b.run("reload", chromedp.Navigate(base+"/searches"), chromedp.WaitVisible(`#saved-list`))
	if got := b.text(`.saved-search .new`); !strings.Contains(got, "1 new since it was saved") {
		t.Errorf("after one arrival: %q", got)
	}
	b.screenshot("a3-one-new")
	b.run("open the new ones", chromedp.Click(`.saved-search a.new-count`, chromedp.NodeVisible), chromedp.WaitVisible(`.hit`))
	loc := b.location()
	if loc.Query().Get("sort") != "arrived" || loc.Query().Get("arrived_from") == "" || loc.Query().Get("q") != "quay" {
		t.Errorf("the new ones open at %s", loc)
	}
	if got := b.text(`.hit h3`); got != "Tugboat crews join the Eastern Quay strike" {
		t.Errorf("the first new hit is %q", got)
	}
	if got := b.text(`.active`); !strings.Contains(got, "arrived since") {
		t.Errorf("the arrival filter is not among the active filters: %q", got)
	}
	var hits int
	b.eval(`document.querySelectorAll('.hit').length`, &hits)
	if hits != 1 {
		t.Errorf("%d hits arrived since the search was saved, want 1", hits)
	}
	b.screenshot("a4-new-matches")
	time.Sleep(10 * time.Millisecond)
	b.run("back to the list", chromedp.Navigate(base+"/searches"), chromedp.WaitVisible(`#saved-list`))
	if got := b.text(`.saved-search .new`); !strings.Contains(got, "Nothing new since you last looked") {
		t.Errorf("after looking: %q", got)
	}
	b.screenshot("a5-looked")
	b.run("delete it", chromedp.Click(`.delete-saved button`, chromedp.NodeVisible), chromedp.WaitVisible(`p#saved-list`))
	if got := b.text(`p#saved-list`); got != "No saved searches yet." {
		t.Errorf("after deleting: %q", got)
	}
}
