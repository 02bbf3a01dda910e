package server

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// Attender draws outlet attention timelines (corpus.Attention). *index.Index and
// *opensearch.Engine have it; a Searcher without it serves the plain timeline only.
type Attender interface {
	// Attention counts q's stories per date bucket, split by outlet and compared
	// with a second query text as opts says; its errors carry corpus codes.
	Attention(ctx context.Context, q corpus.Query, opts corpus.AttentionOptions) (*corpus.Attention, error)
}

// attender returns the Searcher's Attender, or an error saying the feature is off.
func (s *Server) attender() (Attender, error) {
	if a, ok := s.search.(Attender); ok {
		return a, nil
	}
	return nil, corpus.Errorf(corpus.ENotFound, "this archive's engine does not draw outlet attention timelines")
}

// timelineView is how the timeline is drawn, from the URL: split=outlet splits it
// by outlet (top= of them, the rest as others; top= alone splits too), compare= adds a second query
// text's line, scale= sets the bar heights of the plain timeline (linear, or log
// when one bucket dwarfs the others; auto picks).
type timelineView struct {
	Split   bool
	Top     int // 0: the default
	Compare string
	Scale   string // "", "linear" or "log"
}

// maxCompareRunes bounds the compared query text.
const maxCompareRunes = 500

// parseTimelineView reads split, top, compare and scale, with corpus errors that
// say how to write them.
func parseTimelineView(v url.Values) (timelineView, error) {
	var t timelineView
	split := v.Get("split")
	switch split {
	case "", "none":
	case "outlet":
		t.Split = true
	default:
		return t, corpus.Errorf(corpus.EInvalidRequest, "split=%q is not known: write split=outlet to split the timeline by outlet, or leave it out", split)
	}
	if raw := strings.TrimSpace(v.Get("top")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > corpus.MaxAttentionOutlets {
			return t, corpus.Errorf(corpus.EInvalidRequest, "top=%q: split into 1 to %d outlets (top=%d when left out)", raw, corpus.MaxAttentionOutlets, corpus.DefaultAttentionOutlets)
		}
		if split == "none" {
			return t, corpus.Errorf(corpus.EInvalidRequest, "top=%s splits the timeline by outlet, and split=none says not to: leave one out", raw)
		}
		t.Split, t.Top = true, n // top=3 alone: the three outlets with the most matches
	}
	t.Compare = strings.TrimSpace(v.Get("compare"))
	if n := len([]rune(t.Compare)); n > maxCompareRunes {
		return t, corpus.Errorf(corpus.EInvalidRequest, "compare= is %d characters long: compare a query of at most %d", n, maxCompareRunes)
	}
	switch s := v.Get("scale"); s {
	case "", "auto":
	case "linear", "log":
		t.Scale = s
	default:
		return t, corpus.Errorf(corpus.EInvalidRequest, "scale=%q is not known: use scale=linear, scale=log, or leave it out to pick by the counts", s)
	}
	return t, nil
}

// addTo writes the view back as URL parameters, leaving out defaults.
func (t timelineView) addTo(v url.Values) {
	if t.Split {
		v.Set("split", "outlet")
		if t.Top != 0 {
			v.Set("top", strconv.Itoa(t.Top))
		}
	}
	if t.Compare != "" {
		v.Set("compare", t.Compare)
	}
	if t.Scale != "" {
		v.Set("scale", t.Scale)
	}
}

// attention tells whether the view asks for the attention timeline.
func (t timelineView) attention() bool { return t.Split || t.Compare != "" }

func (t timelineView) options() corpus.AttentionOptions {
	o := corpus.AttentionOptions{Compare: t.Compare}
	if t.Split {
		o.Outlets = cmp.Or(t.Top, corpus.DefaultAttentionOutlets)
	}
	return o
}

// timelineResponse is the JSON answer of GET /api/v1/timeline.
type timelineResponse struct {
	Unit corpus.DateUnit `json:"unit"`
	// Approximate: some counts are estimates (corpus.Attention.Approximate).
	Approximate bool                `json:"approximate"`
	Buckets     []timelineBucket    `json:"buckets"`
	Series      []timelineSeriesOut `json:"series"`
}

type timelineBucket struct {
	Key     string    `json:"key"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Stories int       `json:"stories"`
}

type timelineSeriesOut struct {
	Kind    string    `json:"kind"`
	Label   string    `json:"label"`
	Outlet  *string   `json:"outlet"`
	Query   *string   `json:"query"`
	Matches []int     `json:"matches"`
	Totals  []int     `json:"totals"`
	Shares  []float64 `json:"shares"`
	Undated int       `json:"undated"`
}

// apiTimeline answers GET /api/v1/timeline: the search's stories per date bucket
// as a share of all stories, split by outlet with split=outlet, and compared
// with compare=.
func (s *Server) apiTimeline(c *gin.Context) (any, error) {
	p, err := parseSearch(c.Request.URL.Query(), false)
	if err != nil {
		return nil, err
	}
	a, err := s.runAttention(c, p)
	if err != nil {
		return nil, err
	}
	out := timelineResponse{Unit: a.Unit, Approximate: a.Approximate, Buckets: []timelineBucket{}, Series: []timelineSeriesOut{}}
	for _, b := range a.Buckets {
		out.Buckets = append(out.Buckets, timelineBucket{Key: b.Key, From: b.From, To: b.To, Stories: b.Count})
	}
	for _, sr := range a.Series {
		o := timelineSeriesOut{Kind: sr.Kind, Label: seriesLabel(sr), Matches: sr.Matches, Totals: sr.Totals, Shares: make([]float64, len(sr.Matches)), Undated: sr.Undated}
		switch sr.Kind {
		case corpus.SeriesOutlet:
			o.Outlet = &sr.Outlet
		case corpus.SeriesAll, corpus.SeriesCompare:
			o.Query = &sr.Query
		}
		for i := range sr.Matches {
			o.Shares[i] = math.Round(sr.Share(i)*1e6) / 1e6
		}
		out.Series = append(out.Series, o)
	}
	return out, nil
}

// runAttention draws p's attention timeline within the server's time limit.
func (s *Server) runAttention(c *gin.Context, p searchParams) (*corpus.Attention, error) {
	at, err := s.attender()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	return at.Attention(ctx, p.Query, p.View.options())
}

// seriesLabel names a line in a legend.
func seriesLabel(s corpus.AttentionSeries) string {
	switch s.Kind {
	case corpus.SeriesOutlet:
		return s.Outlet
	case corpus.SeriesOthers:
		return "other outlets"
	}
	if s.Query == "" {
		return "all articles"
	}
	return fmt.Sprintf("“%s”", s.Query)
}
