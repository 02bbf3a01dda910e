package server

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/article-archive/archive/corpus"
)

// heading names a search in words, for the page's h1 and <title>: the query text
// and then every filter ("“harbor” · person: Helena Okafor · 2024").
func heading(p searchParams) string {
	q := p.Query
	var parts []string
	if q.Text != "" {
		parts = append(parts, "“"+q.Text+"”")
	}
	for _, x := range q.Persons {
		parts = append(parts, "person: "+x)
	}
	for _, x := range q.NotPersons {
		parts = append(parts, "not person: "+x)
	}
	for _, x := range q.Outlets {
		parts = append(parts, "outlet: "+x)
	}
	for _, x := range q.NotOutlets {
		parts = append(parts, "not outlet: "+x)
	}
	switch {
	case q.Undated:
		parts = append(parts, "undated")
	case p.From != "" || p.To != "":
		parts = append(parts, dateRangeLabel(p.From, p.To))
	}
	if len(parts) == 0 {
		parts = append(parts, "All articles")
	}
	if p.View.Compare != "" {
		parts = append(parts, "compared with “"+p.View.Compare+"”")
	}
	if q.Page > 1 {
		parts = append(parts, fmt.Sprintf("page %d", q.Page))
	}
	return strings.Join(parts, " · ")
}

// hiddenFor keeps p's parameters as hidden fields of a form that sets the
// parameters in drop itself; a form starts the results on their first page.
func hiddenFor(p searchParams, drop ...string) []hiddenField {
	v := p.with(func(*searchParams) {}).values()
	var out []hiddenField
	for name, values := range v {
		if slices.Contains(drop, name) || name == "page" || name == "after" {
			continue
		}
		for _, value := range values {
			out = append(out, hiddenField{name, value})
		}
	}
	slices.SortFunc(out, func(a, b hiddenField) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// dateForm is the form that types a date range.
type dateForm struct {
	From, To string
	Hidden   []hiddenField
}

func newDateForm(p searchParams) dateForm {
	return dateForm{From: p.From, To: p.To, Hidden: hiddenFor(p, "from", "to", "undated")}
}

// timelineControls are the links and form above the timeline: split by outlet or
// not, compare with a second query, and the bar scale.
type timelineControls struct {
	SplitURL, SplitLabel string
	Compare              string
	CompareHidden        []hiddenField
	NoCompareURL         string
	ScaleURL, ScaleLabel string
}

func newTimelineControls(p searchParams, t timeline) timelineControls {
	c := timelineControls{Compare: p.View.Compare, CompareHidden: hiddenFor(p, "compare")}
	if p.View.Split {
		c.SplitURL, c.SplitLabel = p.with(func(c *searchParams) { c.View.Split, c.View.Top = false, 0 }).url(), "one line for all outlets"
	} else {
		c.SplitURL, c.SplitLabel = p.with(func(c *searchParams) { c.View.Split = true }).url(), "split by outlet"
	}
	if p.View.Compare != "" {
		c.NoCompareURL = p.with(func(c *searchParams) { c.View.Compare = "" }).url()
	}
	if !p.View.attention() && len(t.Bars) > 1 {
		if t.Log {
			c.ScaleURL, c.ScaleLabel = p.with(func(c *searchParams) { c.View.Scale = "linear" }).url(), "linear scale"
		} else {
			c.ScaleURL, c.ScaleLabel = p.with(func(c *searchParams) { c.View.Scale = "log" }).url(), "log scale"
		}
	}
	return c
}

// The attention chart's drawing area in SVG units.
const (
	chartWidth  = 720
	chartHeight = 150 // the plot
	chartTop    = 10
	chartLeft   = 40 // room for the share labels
	chartBottom = 20 // room for the bucket labels
)

// seriesStyles tell the lines apart by color (the Okabe–Ito palette and Tol's,
// which people with the common color vision deficiencies can tell apart), by
// dash and by marker, so that no line depends on color alone.
var seriesStyles = []struct{ Color, Dash, Marker string }{
	{"#0072b2", "", "circle"},
	{"#d55e00", "6 3", "square"},
	{"#009e73", "", "triangle"},
	{"#cc79a7", "2 3", "diamond"},
	{"#996300", "", "square"},
	{"#56b4e9", "6 3", "circle"},
	{"#882255", "", "diamond"},
	{"#117733", "2 3", "triangle"},
	{"#44aa99", "6 3", "square"},
	{"#999933", "", "circle"},
	{"#aa4499", "6 3", "triangle"},
}

// attentionChart is what the "attention" template draws: an SVG line chart of
// each line's share per bucket, its legend, and the same numbers as a table.
type attentionChart struct {
	Width, Height     int
	Left, Top, Bottom int
	Caption           string
	Unit              corpus.DateUnit
	YTicks            []chartTick
	XTicks            []chartTick
	Series            []chartSeries
	Buckets           []string
	Undated           string
	Empty             bool
}

type chartTick struct {
	X, Y  float64
	Label string
}

type chartSeries struct {
	Label, Kind         string
	Color, Dash, Marker string
	Width               float64
	Path                string // the SVG path of the line
	Dots                []chartDot
	Cells               []string // the table's cells, per bucket
}

type chartDot struct {
	X, Y  float64
	Title string
}

// newAttentionChart draws a.
func newAttentionChart(p searchParams, a *corpus.Attention) *attentionChart {
	ch := &attentionChart{Width: chartLeft + chartWidth + 10, Height: chartTop + chartHeight + chartBottom,
		Left: chartLeft, Top: chartTop, Bottom: chartTop + chartHeight, Unit: a.Unit}
	what := "all articles"
	if p.Query.Text != "" {
		what = "“" + p.Query.Text + "”"
	}
	ch.Caption = "Share of stories that match " + what
	if p.View.Split {
		ch.Caption += ": all outlets, and each outlet as a share of its own stories"
	}
	if a.Unit != "" {
		ch.Caption += ", by " + string(a.Unit)
	}
	if len(a.Buckets) == 0 {
		ch.Empty = true
		return ch
	}
	most := 0.0
	for _, s := range a.Series {
		for i := range s.Matches {
			most = math.Max(most, s.Share(i))
		}
	}
	top := niceShare(most)
	n := len(a.Buckets)
	slot := float64(chartWidth) / float64(n)
	x := func(i int) float64 { return chartLeft + slot*(float64(i)+0.5) }
	y := func(share float64) float64 { return chartTop + chartHeight*(1-share/top) }
	for _, f := range []float64{0, 0.5, 1} {
		ch.YTicks = append(ch.YTicks, chartTick{X: chartLeft - 4, Y: y(top * f), Label: percent(top * f)})
	}
	every := max(1, int(math.Ceil(labelWidth/slot)))
	for i, b := range a.Buckets {
		ch.Buckets = append(ch.Buckets, b.Key)
		if i%every == 0 {
			label := shortKey(b.Key, a.Unit)
			if i == 0 {
				label = b.Key
			}
			ch.XTicks = append(ch.XTicks, chartTick{X: x(i), Y: float64(chartTop + chartHeight + chartBottom - 4), Label: label})
		}
	}
	outlets := 0
	for _, s := range a.Series {
		cs := chartSeries{Label: seriesLabel(s), Kind: s.Kind, Width: 2}
		switch s.Kind {
		case corpus.SeriesAll:
			cs.Color, cs.Marker, cs.Width = "#1d2327", "circle", 3
			if p.View.Split {
				cs.Label = "all outlets"
				if p.Query.Text != "" {
					cs.Label = seriesLabel(s) + ", all outlets"
				}
			}
		case corpus.SeriesCompare:
			cs.Color, cs.Dash, cs.Marker, cs.Width = "#d55e00", "8 4", "square", 3
		case corpus.SeriesOthers:
			cs.Color, cs.Dash, cs.Marker = "#6b7780", "3 3", "circle"
		default:
			st := seriesStyles[outlets%len(seriesStyles)]
			if p.View.Compare != "" && st.Color == "#d55e00" {
				st = seriesStyles[len(seriesStyles)-1] // the compared line has that color
			}
			cs.Color, cs.Dash, cs.Marker = st.Color, st.Dash, st.Marker
			outlets++
		}
		// A bucket in which the line's outlet published nothing has no share: the
		// line breaks there rather than dropping to 0%.
		var path strings.Builder
		move := true
		for i := range s.Matches {
			if s.Totals[i] == 0 {
				cs.Cells = append(cs.Cells, "–")
				move = true
				continue
			}
			share := s.Share(i)
			px, py := x(i), y(share)
			if move {
				fmt.Fprintf(&path, "M%.1f %.1f", px, py)
			} else {
				fmt.Fprintf(&path, "L%.1f %.1f", px, py)
			}
			move = false
			cell := fmt.Sprintf("%d of %d (%s)", s.Matches[i], s.Totals[i], percent(share))
			cs.Cells = append(cs.Cells, cell)
			cs.Dots = append(cs.Dots, chartDot{X: px, Y: py, Title: fmt.Sprintf("%s, %s: %s", cs.Label, a.Buckets[i].Key, cell)})
		}
		cs.Path = path.String()
		ch.Series = append(ch.Series, cs)
		if s.Kind == corpus.SeriesAll && s.Undated > 0 {
			ch.Undated = fmt.Sprintf("%d matching article%s without a date %s not drawn.", s.Undated, plural(s.Undated), map[bool]string{true: "is", false: "are"}[s.Undated == 1])
		}
	}
	return ch
}

// niceShare rounds a share up to a round top for the axis.
func niceShare(s float64) float64 {
	for _, top := range []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1} {
		if s <= top {
			return top
		}
	}
	return 1
}

// percent writes a share as a percentage, with a decimal below 10%.
func percent(s float64) string {
	switch {
	case s == 0:
		return "0%"
	case s < 0.1:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", s*100), ".0") + "%"
	}
	return fmt.Sprintf("%.0f%%", s*100)
}

// chartMarker is a point's marker in the "marker" template: a circle, square,
// triangle or diamond centred on X, Y.
type chartMarker struct {
	Shape, Color      string
	X, Y, X1, Y1      float64
	Triangle, Diamond string
}

func markerAt(shape, color string, x, y float64) chartMarker {
	return chartMarker{Shape: shape, Color: color, X: x, Y: y, X1: x - 3.5, Y1: y - 3.5,
		Triangle: fmt.Sprintf("%.1f,%.1f %.1f,%.1f %.1f,%.1f", x, y-4.5, x+4.5, y+3.5, x-4.5, y+3.5),
		Diamond:  fmt.Sprintf("%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f", x, y-4.5, x+4.5, y, x, y+4.5, x-4.5, y)}
}
