package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/server"
)

// The exploring features of the page need more of the index than Searcher.
var _ server.Explorer = (*index.Index)(nil)

// chromiumPath is Debian's Chromium, which .ci/run installs; ARCHIVE_CHROMIUM
// overrides it.
const chromiumPath = "/usr/bin/chromium"

// Titles and a query that try to run script; the page must show them as text.
const (
	injectedTitle = `<img src=x onerror=alert(1)> <script>alert(2)</script> Quay probe`
	injectedQuery = `"><script>alert(3)</script><img src=x onerror=alert(4)>`
)

// browser is a headless Chromium tab on the archive, with the dialogs it opened
// and a place for screenshots.
type browser struct {
	t         *testing.T
	ctx       context.Context
	base      string
	artifacts string
	mu        sync.Mutex
	dialogs   []string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := os.Getenv("ARCHIVE_CHROMIUM")
	if exe == "" {
		exe = chromiumPath
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("no Chromium at %s (install Debian's chromium, as .ci/run does, or set ARCHIVE_CHROMIUM): %v", exe, err)
	}
	artifacts := os.Getenv("ARCHIVE_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	// The profile directory is removed by hand once Chromium is gone: its helper
	// processes may still be writing to it when the allocator returns, which made
	// t.TempDir's cleanup fail now and then.
	profile, err := os.MkdirTemp("", "archive-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("could not remove Chromium's profile %s", profile)
	})
	b := &browser{t: t, ctx: ctx, base: base, artifacts: artifacts}
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			b.mu.Lock()
			b.dialogs = append(b.dialogs, d.Message)
			b.mu.Unlock()
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	t.Logf("screenshots go to %s", artifacts)
	return b
}

// run runs actions, failing the test with what it was doing.
func (b *browser) run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// waitFor waits up to ten seconds for the JavaScript condition cond to hold,
// through the navigation that an action started (an evaluation that a new
// document interrupts is tried again).
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		if err := chromedp.Run(b.ctx, chromedp.Evaluate(cond, &ok)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: %s did not hold within 10 s", what, cond)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	var png []byte
	b.run("screenshot "+name, chromedp.FullScreenshot(&png, 100))
	path := filepath.Join(b.artifacts, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run("read "+sel, chromedp.Text(sel, &s, chromedp.NodeVisible))
	return s
}

func (b *browser) eval(js string, v any) {
	b.t.Helper()
	b.run("evaluate "+js, chromedp.Evaluate(js, v))
}

func (b *browser) location() *url.URL {
	b.t.Helper()
	var loc string
	b.run("location", chromedp.Location(&loc))
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// TestBrowser drives the search page in headless Chromium against the real server
// holding the sample articles and one article whose title is markup: search, pick
// a facet, exclude a value, zoom the timeline, search the person facet, open an
// article, export, and try script injection through a title and a query.
func TestBrowser(t *testing.T) {
	data := t.TempDir()
	sample := filepath.Join(t.TempDir(), "sample")
	if err := os.CopyFS(sample, corpus.Sample()); err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(t.TempDir(), "probe.jsonl")
	if err := os.WriteFile(probe, []byte(`{"id":"probe-1","title":"`+strings.ReplaceAll(injectedTitle, `"`, `\"`)+
		`","outlet":"Harbor Gazette","published":"2024-11-05T09:00:00Z","body":"The quay probe article checks that markup in a title stays text. Helena Okafor said the quay would reopen."}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", sample, probe); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	base := startServer(t, "--data", data)
	b := newBrowser(t, base)

	// Search.
	b.run("search", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#q`),
		chromedp.SendKeys(`#q`, "quay\n"), chromedp.WaitVisible(`.hit`))
	if status := b.text(`#status`); !strings.Contains(status, "of") {
		t.Errorf("status %q", status)
	}
	if got := b.location().Query().Get("q"); got != "quay" {
		t.Errorf("the search is not in the URL: q=%q", got)
	}
	b.screenshot("01-search")

	// Pick an outlet: the results swap in place and the other outlets keep their
	// counts (the facet is disjunctive).
	var outletsBefore int
	b.eval(`document.querySelectorAll('section[aria-labelledby=h-outlets] li').length`, &outletsBefore)
	b.eval(`window.notReloaded = true`, nil)
	b.run("pick an outlet", chromedp.Click(`section[aria-labelledby=h-outlets] li a.value-link`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.active a[aria-label^="Remove filter outlet:"]`))
	var notReloaded bool
	b.eval(`window.notReloaded === true`, &notReloaded)
	if !notReloaded {
		t.Errorf("picking a facet reloaded the page; with JavaScript it swaps the results")
	}
	if b.location().Query().Get("outlet") == "" {
		t.Errorf("the outlet filter is not in the URL: %s", b.location())
	}
	var outletsAfter int
	b.eval(`document.querySelectorAll('section[aria-labelledby=h-outlets] li').length`, &outletsAfter)
	if outletsAfter != outletsBefore || outletsBefore < 2 {
		t.Errorf("outlets listed: %d before choosing one, %d after; a disjunctive facet keeps them all", outletsBefore, outletsAfter)
	}
	b.screenshot("02-outlet-picked")

	// Back goes to the search before the facet.
	b.run("back", chromedp.NavigateBack(), chromedp.WaitNotPresent(`.active a[aria-label^="Remove filter outlet:"]`))

	// Exclude a person.
	var excluded string
	b.eval(`document.querySelector('section[aria-labelledby=h-people] ul.facet:not(.matches) li a.exclude').getAttribute('aria-label').replace('Exclude ', '')`, &excluded)
	b.run("exclude a person", chromedp.Click(`section[aria-labelledby=h-people] ul.facet:not(.matches) li a.exclude`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.active a[aria-label^="Remove filter not person:"]`))
	if got := b.location().Query().Get("not_person"); got != excluded {
		t.Errorf("not_person=%q, want %q", got, excluded)
	}
	var stillThere bool
	b.eval(`Array.from(document.querySelectorAll('.hit .people a')).some(a => a.textContent === `+jsString(excluded)+`)`, &stillThere)
	if stillThere {
		t.Errorf("a hit still mentions the excluded %s", excluded)
	}
	b.screenshot("03-person-excluded")

	// Zoom the timeline: all years, a year's months, a month's days, and the undated.
	b.run("timeline", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`.timeline svg`))
	if unit := b.text(`#h-timeline small`); !strings.Contains(unit, "by year") && !strings.Contains(unit, "by month") {
		t.Errorf("timeline of everything: %q", unit)
	}
	b.screenshot("04-timeline-all")
	b.run("zoom in", chromedp.Click(`.timeline svg a:not(:last-of-type)`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.active a[aria-label^="Remove filter date:"]`))
	for i := 0; i < 3 && !strings.Contains(b.text(`#h-timeline small`), "by day"); i++ {
		// A year shows months, a month days.
		from := b.location().Query().Get("from")
		b.run("zoom in further", chromedp.Click(`.timeline svg a:not(:last-of-type)`, chromedp.NodeVisible),
			chromedp.Poll(`new URLSearchParams(location.search).get("from") !== `+jsString(from), nil))
		b.run("wait", chromedp.WaitVisible(`.timeline svg`))
	}
	if unit := b.text(`#h-timeline small`); !strings.Contains(unit, "by day") {
		t.Errorf("zooming in never reached days: %q (at %s)", unit, b.location())
	}
	b.screenshot("05-timeline-days")
	b.run("zoom out", chromedp.Click(`.timeline .zoom-out`, chromedp.NodeVisible), chromedp.WaitVisible(`.timeline svg`))
	b.run("undated", chromedp.Navigate(base+"/"), chromedp.WaitVisible(`.timeline svg`),
		chromedp.Click(`.timeline svg a[aria-label^="undated"]`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.active a[aria-label="Remove filter undated only"]`))
	var dated int
	b.eval(`Array.from(document.querySelectorAll('.hit time')).filter(t => t.textContent !== 'undated').length`, &dated)
	if dated != 0 {
		t.Errorf("undated=only shows %d dated hits", dated)
	}

	// The person facet search suggests as you type, also on a page whose URL carries
	// a parameter the page ignores (and the API would turn away).
	b.run("person search", chromedp.Navigate(base+"/?utm_source=newsletter"), chromedp.WaitVisible(`#person-prefix`),
		chromedp.SendKeys(`#person-prefix`, "lindq"), chromedp.WaitVisible(`#person-matches a`))
	if s := b.text(`#person-matches`); !strings.Contains(s, "Lindqvist") {
		t.Errorf("suggestions for lindq: %q", s)
	}
	b.screenshot("06-person-suggestions")
	b.run("pick a suggestion", chromedp.Click(`#person-matches a`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.active a[aria-label^="Remove filter person:"]`), chromedp.WaitVisible(`section.with`))
	b.screenshot("07-who-appears-with")

	// Open an article from a search: the terms are marked, related coverage listed.
	b.run("open article", chromedp.Navigate(base+"/?q=quay"), chromedp.WaitVisible(`.hit h3 a`),
		chromedp.Click(`.hit h3 a`, chromedp.NodeVisible), chromedp.WaitVisible(`article h1`))
	var marks int
	b.eval(`document.querySelectorAll('article mark').length`, &marks)
	if marks == 0 {
		t.Errorf("the article page marks no query terms")
	}
	if s := b.text(`.related`); !strings.Contains(s, "Similar articles") {
		t.Errorf("related coverage: %q", s)
	}
	b.screenshot("08-article")

	// Export: the link carries the search, and the file has every hit.
	b.run("export", chromedp.Navigate(base+"/?q=quay&collapse=none"), chromedp.WaitVisible(`.hit`))
	var href string
	var ok bool
	b.run("export link", chromedp.AttributeValue(`a[aria-label="Export these results as CSV"]`, "href", &href, &ok))
	var total int
	b.eval(`parseInt(document.querySelector('#status').textContent.match(/of ([\d,]+)/)[1].replace(/,/g, ''))`, &total)
	res, err := http.Get(base + href)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export %s: %v, %s", href, err, res.Header.Get("Content-Type"))
	}
	if len(rows) != total+1 || rows[0][0] != "id" {
		t.Errorf("export has %d rows, want a header and %d", len(rows), total)
	}
	res, err = http.Get(base + strings.Replace(href, "format=csv", "format=ndjson", 1))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for sc := bufio.NewScanner(res.Body); sc.Scan(); {
		lines++
	}
	res.Body.Close()
	if lines != total {
		t.Errorf("NDJSON export has %d lines, want %d", lines, total)
	}

	// Script injection through a title, in the results and on the article page.
	b.run("injected title", chromedp.Navigate(base+"/?q=probe"), chromedp.WaitVisible(`.hit h3 a`))
	if got := b.text(`.hit h3 a`); got != injectedTitle {
		t.Errorf("title shows as %q, want the literal %q", got, injectedTitle)
	}
	b.screenshot("09-injection-title-results")
	b.run("injected title article", chromedp.Click(`.hit h3 a`, chromedp.NodeVisible), chromedp.WaitVisible(`article h1`))
	if got := b.text(`article h1`); got != injectedTitle {
		t.Errorf("article title shows as %q, want the literal %q", got, injectedTitle)
	}
	b.screenshot("10-injection-title-article")

	// And through the query: it stays in the box as typed, and shows as text.
	b.run("injected query", chromedp.Navigate(base+"/?q="+url.QueryEscape(injectedQuery)), chromedp.WaitVisible(`#q`))
	var value string
	b.run("query box", chromedp.Value(`#q`, &value))
	if value != injectedQuery {
		t.Errorf("the box holds %q, want %q", value, injectedQuery)
	}
	b.screenshot("11-injection-query")
	var imgs, scripts int
	b.eval(`document.querySelectorAll('img').length`, &imgs)
	b.eval(`Array.from(document.scripts).filter(s => !s.src.endsWith('/static/app.js')).length`, &scripts)
	if imgs != 0 || scripts != 0 {
		t.Errorf("the page grew %d img and %d script elements from the query", imgs, scripts)
	}

	// A phone-sized screen: one column, facets after the results.
	b.run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+"/?q=quay&person=Helena+Okafor"), chromedp.WaitVisible(`.hit`))
	var overflow bool
	b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
	if overflow {
		t.Errorf("the page is wider than a phone's screen")
	}
	b.screenshot("12-phone")

	time.Sleep(200 * time.Millisecond) // a dialog would have opened by now
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.dialogs) > 0 {
		t.Errorf("script ran: dialogs %q", b.dialogs)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
