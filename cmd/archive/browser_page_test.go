package main

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focusContrastJS tabs nothing itself: it measures the focused element's ring,
// the outline as the browser computes it, against the background behind it (the
// first ancestor with an opaque background, white at the root), as WCAG 2.2's
// contrast ratio.
const focusContrastJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return {what: "nothing", ratio: 0}; }
  const cs = getComputedStyle(el);
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = c => { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); }); return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = [255, 255, 255], n = el.parentElement;
  for (; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
  }
  // A timeline bar (an SVG link) rings its hit area instead of an outline.
  const area = el instanceof SVGElement && el.querySelector('.hit-area');
  const as = area && getComputedStyle(area);
  const ring = rgb(as ? as.stroke : cs.outlineColor), a = lum(ring), b = lum(bg);
  return {what: el.tagName + (el.id ? "#" + el.id : "") + " " + (el.textContent || el.value || "").trim().slice(0, 30),
    style: as ? "stroke" : cs.outlineStyle, width: parseFloat(as ? as.strokeWidth : cs.outlineWidth), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
})()`

type focusRing struct {
	What, Style string
	Width       float64
	Ratio       float64
}

// TestBrowserPage drives what issue 14 asks of the page, at desktop and phone
// width: one h1 and a title naming the search, a visible focus ring of 3:1,
// back to the search with every filter, a typed date range (and its mistakes),
// the timeline split by outlet and compared, and, on a phone, the filters
// before the results and no page wider than the screen.
func TestBrowserPage(t *testing.T) {
	base := sampleArchive(t)
	b := newBrowser(t, base)
	search := "/?" + url.Values{"q": {"harbor"}, "person": {"Helena Okafor"}, "outlet": {"Harbor Gazette", "Coastline Daily"}, "from": {"2023"}, "to": {"2025"}}.Encode()

	// One h1; the title and the h1 name the query and the filters.
	b.run("search", chromedp.Navigate(base+search), chromedp.WaitVisible(`.hit`))
	var h1s int
	b.eval(`document.querySelectorAll('h1').length`, &h1s)
	var title string
	b.run("title", chromedp.Title(&title))
	h1 := b.text(`h1`)
	for _, want := range []string{"harbor", "Helena Okafor", "Harbor Gazette", "Coastline Daily", "2023 to 2025"} {
		if !strings.Contains(title, want) || !strings.Contains(h1, want) {
			t.Errorf("title %q, h1 %q: want both to name %q", title, h1, want)
		}
	}
	if h1s != 1 {
		t.Errorf("the search page has %d h1, want 1", h1s)
	}
	b.screenshot("p01-desktop-search")

	// The focus ring, tabbing from the top of the page through a dozen stops.
	b.run("top", chromedp.Navigate(base+search), chromedp.WaitVisible(`.hit`))
	var seen []string
	for i := range 12 {
		b.run("tab", chromedp.KeyEvent(kb.Tab))
		var ring focusRing
		b.eval(focusContrastJS, &ring)
		seen = append(seen, ring.What)
		if ring.Style == "none" || ring.Width < 2 || ring.Ratio < 3 {
			t.Errorf("tab stop %d, %s: ring %s %.0fpx at %.2f:1 against its background, want a visible ring of 3:1 or more", i+1, ring.What, ring.Style, ring.Width, ring.Ratio)
		}
		if i == 3 {
			b.screenshot("p02-focus-ring")
		}
	}
	t.Logf("tab stops: %q", seen)

	// Back to the search keeps every filter.
	b.run("open an article", chromedp.Navigate(base+search), chromedp.WaitVisible(`.hit h3 a`),
		chromedp.Click(`.hit h3 a`, chromedp.NodeVisible), chromedp.WaitVisible(`article h1`))
	b.eval(`document.querySelectorAll('h1').length`, &h1s)
	if h1s != 1 {
		t.Errorf("the article page has %d h1, want 1", h1s)
	}
	b.run("back to the search", chromedp.Click(`.back a`, chromedp.NodeVisible), chromedp.WaitVisible(`.hit`))
	want, _ := url.ParseQuery(strings.TrimPrefix(search, "/?"))
	got := b.location().Query()
	for k, v := range want {
		if gv := got[k]; !slices.Equal(sorted(gv), sorted(v)) {
			t.Errorf("back to the search: %s=%v, want %v (URL %s)", k, gv, v, b.location())
		}
	}

	// A typed date range.
	b.run("type a range", chromedp.Navigate(base+"/?q=water"), chromedp.WaitVisible(`#from`),
		chromedp.SendKeys(`#from`, "2024"), chromedp.SendKeys(`#to`, "2024-12"),
		chromedp.Click(`.date-filter button`, chromedp.NodeVisible), chromedp.WaitVisible(`.active`))
	if q := b.location().Query(); q.Get("from") != "2024" || q.Get("to") != "2024-12" || q.Get("q") != "water" {
		t.Errorf("the typed range is not in the URL: %s", b.location())
	}
	var years []string
	b.eval(`Array.from(document.querySelectorAll('.hit time')).map(t => (t.getAttribute('datetime') || 'undated').slice(0, 4))`, &years)
	if len(years) == 0 || slices.ContainsFunc(years, func(y string) bool { return y != "2024" }) {
		t.Errorf("hits of water from 2024 to 2024-12 are from %v", years)
	}
	b.screenshot("p03-typed-range")
	// A form the browser cannot send: the field says what it wants.
	var mismatch bool
	b.run("a date in words", chromedp.SetValue(`#from`, "May 2024"), chromedp.Click(`.date-filter button`, chromedp.NodeVisible))
	b.eval(`document.querySelector('#from').validity.patternMismatch`, &mismatch)
	if !mismatch || b.location().Query().Get("from") != "2024" {
		t.Errorf("from=May 2024 was sent (%s) or not flagged (%v)", b.location(), mismatch)
	}
	// A range that ends before it starts: the server says so beside the form,
	// which keeps what was typed.
	b.run("a range backwards", chromedp.SetValue(`#from`, "2025"), chromedp.SetValue(`#to`, "2024"),
		chromedp.Click(`.date-filter button`, chromedp.NodeVisible), chromedp.WaitVisible(`#problem`))
	if msg := b.text(`#problem`); !strings.Contains(msg, "from=2025 is after to=2024") {
		t.Errorf("problem %q", msg)
	}
	var kept string
	b.eval(`document.querySelector('#problem #from').value + '..' + document.querySelector('#problem #to').value`, &kept)
	if kept != "2025..2024" {
		t.Errorf("the form beside the problem holds %q", kept)
	}
	b.screenshot("p04-range-backwards")

	// The timeline split by outlet and compared with another query.
	b.run("split", chromedp.Navigate(base+"/?q=water"), chromedp.WaitVisible(`.timeline-controls`),
		chromedp.Click(`.timeline-controls a`, chromedp.NodeVisible), chromedp.WaitVisible(`.attention svg`))
	if q := b.location().Query(); q.Get("split") != "outlet" {
		t.Errorf("split by outlet: URL %s", b.location())
	}
	b.run("compare", chromedp.SendKeys(`#compare`, "bridge"), chromedp.Click(`.compare button`, chromedp.NodeVisible),
		chromedp.WaitVisible(`.attention .legend li[data-kind=compare]`))
	var lines, legend, dots, rows, buckets int
	b.eval(`document.querySelectorAll('.attention svg g.series').length`, &lines)
	b.eval(`document.querySelectorAll('.attention .legend li').length`, &legend)
	b.eval(`document.querySelectorAll('.attention svg g.dot').length`, &dots)
	b.eval(`document.querySelectorAll('.chart-table tbody tr').length`, &rows)
	b.eval(`document.querySelectorAll('.chart-table thead th').length - 1`, &buckets)
	if lines < 4 || legend != lines || dots == 0 || rows == 0 || buckets != lines {
		t.Errorf("attention chart: %d lines, %d in the legend, %d points, a table of %d rows and %d columns", lines, legend, dots, rows, buckets)
	}
	var labels []string
	b.eval(`Array.from(document.querySelectorAll('.attention .legend li')).map(l => l.textContent.trim())`, &labels)
	if !slices.Contains(labels, "“bridge”") {
		t.Errorf("legend %q lacks the compared query", labels)
	}
	var colors []string
	b.eval(`Array.from(document.querySelectorAll('.attention svg g.series path')).map(p => p.getAttribute('stroke') + ' ' + (p.getAttribute('stroke-dasharray') || ''))`, &colors)
	if c := slices.Compact(slices.Sorted(slices.Values(colors))); len(c) != len(colors) {
		t.Errorf("lines share a color and dash: %q", colors)
	}
	b.run("open the table", chromedp.Click(`.chart-table summary`, chromedp.NodeVisible), chromedp.WaitVisible(`.chart-table table`))
	b.screenshot("p05-attention")
	// A new query from the box keeps the view.
	// (The box's value attribute is the new page's: typing sets the property.)
	b.run("new query", chromedp.SetValue(`#q`, "harbor"), chromedp.Submit(`#q`),
		chromedp.WaitVisible(`#q[value=harbor]`), chromedp.WaitVisible(`.attention .legend`))
	if q := b.location().Query(); q.Get("q") != "harbor" || q.Get("split") != "outlet" || q.Get("compare") != "bridge" {
		t.Errorf("a new query lost the view: %s", b.location())
	}

	// A phone: the filters sit behind a button above the results; no page is
	// wider than the screen.
	b.run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(base+search), chromedp.WaitVisible(`.filters-button`))
	var hidden bool
	b.eval(`getComputedStyle(document.getElementById('filters')).display === 'none'`, &hidden)
	if !hidden {
		t.Errorf("on a phone the filters show before they are asked for")
	}
	var buttonTop, hitTop float64
	b.eval(`document.querySelector('.filters-button').getBoundingClientRect().top`, &buttonTop)
	b.eval(`document.querySelector('.hit').getBoundingClientRect().top`, &hitTop)
	if buttonTop >= hitTop || buttonTop > 844 {
		t.Errorf("the Filters button is at %.0f px, the first result at %.0f: want the button first, on the first screen", buttonTop, hitTop)
	}
	b.screenshot("p06-phone")
	b.run("open the filters", chromedp.Click(`.filters-button`, chromedp.NodeVisible), chromedp.WaitVisible(`#filters`))
	var expanded string
	var filtersTop float64
	var ok bool
	b.run("expanded", chromedp.AttributeValue(`.filters-button`, "aria-expanded", &expanded, &ok))
	b.eval(`document.getElementById('filters').getBoundingClientRect().top`, &filtersTop)
	b.eval(`document.querySelector('.hit').getBoundingClientRect().top`, &hitTop)
	if expanded != "true" || filtersTop >= hitTop {
		t.Errorf("opened filters: aria-expanded %q, at %.0f px, the first result at %.0f", expanded, filtersTop, hitTop)
	}
	b.screenshot("p07-phone-filters")
	before := b.location().String()
	b.run("pick a filter on the phone", chromedp.Click(`#filters section[aria-labelledby=h-people] li a.value-link`, chromedp.NodeVisible),
		chromedp.Poll(`location.href !== `+jsString(before), nil), chromedp.WaitVisible(`.hit`))
	b.eval(`document.querySelectorAll('h1').length`, &h1s)
	if h1s != 1 {
		t.Errorf("the page on a phone has %d h1, want 1", h1s)
	}
	for _, page := range []string{search, "/?q=water&split=outlet&compare=bridge"} {
		b.run("wide?", chromedp.Navigate(base+page), chromedp.WaitVisible(`.hit`))
		var overflow bool
		b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
		if overflow {
			t.Errorf("%s is wider than a phone's screen", page)
		}
	}
	// An article with a long address: it wraps.
	b.run("article on a phone", chromedp.Navigate(base+"/?q=sorrel+valley+drought"), chromedp.WaitVisible(`.hit h3 a`),
		chromedp.Click(`.hit h3 a`, chromedp.NodeVisible), chromedp.WaitVisible(`article h1`))
	var overflow bool
	b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
	if overflow {
		t.Errorf("the article page is wider than a phone's screen")
	}
	b.screenshot("p08-phone-article")
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
