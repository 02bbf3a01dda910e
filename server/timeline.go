package server

import (
	"fmt"
	"math"
	"time"

	"github.com/article-archive/archive/corpus"
)

// The timeline is the published facet drawn as an SVG bar chart on the server: no
// chart library and no JavaScript. Every bar is a link that narrows the date range
// to its bucket, so a year's bar shows its months and a month's bar its days (the
// index picks the bucket size for the range in view); the undated articles get a
// bar of their own that selects them.

// The timeline's drawing area in SVG units; the SVG scales to the page's width.
const (
	timelineWidth  = 720
	timelineBars   = 96 // the height of the tallest bar
	timelineTop    = 16 // room for the count above a bar
	timelineLabels = 18 // room for the labels below
	undatedGap     = 18 // between the dated bars and the undated one
	labelWidth     = 48 // the most a label may take before labels are thinned out
)

// timeline is what search.html draws.
type timeline struct {
	Unit          corpus.DateUnit
	Width, Height int
	Baseline      int
	Bars          []timelineBar
	// ZoomOut widens the date range by one step; Range says what is in view.
	ZoomOut, ZoomOutLabel string
	Range                 string
	// Log draws the bars' heights on a log scale, so that a bucket that dwarfs
	// the others leaves theirs readable (scale=log, or on its own: logAbove).
	Log bool
}

// logAbove is how many times the smallest bucket the largest must hold before
// the timeline draws heights on a log scale by itself.
const logAbove = 20

// timelineBar is one bucket: a rectangle, a link when it narrows the search, a label
// under it when there is room.
type timelineBar struct {
	Key, Label, Title string
	URL               string
	Count             int
	X, Y, W, H        float64
	CountX, LabelX    float64
	ShowCount         bool
	Undated, Current  bool
}

func newTimeline(p searchParams, f corpus.Facets) timeline {
	t := timeline{Unit: f.DateUnit, Width: timelineWidth, Baseline: timelineTop + timelineBars, Height: timelineTop + timelineBars + timelineLabels}
	var dated []corpus.DateBucket
	var undated *corpus.DateBucket
	most := 1
	for i, b := range f.Published {
		if b.Key == corpus.UndatedKey {
			undated = &f.Published[i]
		} else {
			dated = append(dated, b)
		}
		most = max(most, b.Count)
	}
	n := len(dated)
	width := float64(timelineWidth)
	if undated != nil {
		width -= undatedGap
		n++
	}
	if n == 0 {
		return t
	}
	slot := width / float64(n)
	every := max(1, int(math.Ceil(labelWidth/slot)))
	least := most
	for _, b := range f.Published {
		if b.Count > 0 {
			least = min(least, b.Count)
		}
	}
	t.Log = p.View.Scale == "log" || (p.View.Scale == "" && most > logAbove*least)
	height := func(count int) float64 {
		if count == 0 {
			return 0
		}
		if t.Log {
			return math.Max(2, math.Log1p(float64(count))*timelineBars/math.Log1p(float64(most)))
		}
		return math.Max(2, float64(count)*timelineBars/float64(most))
	}
	bar := func(i int, x float64, b corpus.DateBucket) timelineBar {
		h := height(b.Count)
		tb := timelineBar{Key: b.Key, Count: b.Count,
			X: x + slot*0.1, W: math.Max(1, slot*0.8), H: h, Y: float64(t.Baseline) - h,
			CountX: x + slot/2, LabelX: x + slot/2, ShowCount: slot >= 22 && b.Count > 0}
		tb.Label = shortKey(b.Key, f.DateUnit)
		if i == 0 {
			tb.Label = b.Key // the first says the year
		}
		if i%every != 0 {
			tb.Label = ""
		}
		tb.Title = fmt.Sprintf("%s: %d article%s", b.Key, b.Count, plural(b.Count))
		return tb
	}
	for i, b := range dated {
		tb := bar(i, float64(i)*slot, b)
		if b.Count > 0 {
			tb.URL = p.with(func(c *searchParams) { c.From, c.To = b.Key, b.Key }).url()
		}
		tb.Current = p.From == b.Key && p.To == b.Key
		t.Bars = append(t.Bars, tb)
	}
	if undated != nil {
		tb := bar(0, width-slot+undatedGap, *undated)
		tb.Undated, tb.Label, tb.Current = true, "undated", p.Query.Undated
		tb.Title = fmt.Sprintf("undated: %d article%s whose date is unknown", undated.Count, plural(undated.Count))
		if !p.Query.Undated {
			tb.URL = p.with(func(c *searchParams) { c.From, c.To, c.Query.Undated = "", "", true }).url()
		}
		t.Bars = append(t.Bars, tb)
	}
	t.ZoomOut, t.ZoomOutLabel, t.Range = zoomOut(p)
	return t
}

// zoomOut returns the link one step wider than the range in view (a day to its
// month, a month to its year, a year or any other range to all dates), its label,
// and the range in view.
func zoomOut(p searchParams) (url, label, inView string) {
	switch {
	case p.Query.Undated:
		return p.with(func(c *searchParams) { c.Query.Undated = false }).url(), "all dates", "undated articles"
	case p.From == "" && p.To == "":
		return "", "", "all dates"
	case p.From == p.To && len(p.From) == len("2006-01-02"):
		month := p.From[:7]
		return p.with(func(c *searchParams) { c.From, c.To = month, month }).url(), month, p.From
	case p.From == p.To && len(p.From) == len("2006-01"):
		year := p.From[:4]
		return p.with(func(c *searchParams) { c.From, c.To = year, year }).url(), year, p.From
	}
	return p.with(func(c *searchParams) { c.From, c.To = "", "" }).url(), "all dates", dateRangeLabel(p.From, p.To)
}

// shortKey labels a bucket under its bar.
func shortKey(key string, unit corpus.DateUnit) string {
	switch unit {
	case corpus.Month:
		if m, err := time.Parse("2006-01", key); err == nil && m.Month() != time.January {
			return m.Format("Jan")
		}
	case corpus.Day:
		if len(key) == len("2006-01-02") {
			return key[5:]
		}
	}
	return key
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
