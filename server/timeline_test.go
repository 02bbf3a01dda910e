package server

import (
	"math"
	"net/url"
	"testing"

	"github.com/article-archive/archive/corpus"
)

// TestTimelineScale: when one bucket dwarfs the others the bars are drawn on a
// log scale by themselves, so that the small ones stay readable; scale= forces
// either way, and the counts are the same.
func TestTimelineScale(t *testing.T) {
	f := corpus.Facets{DateUnit: corpus.Year, Published: []corpus.DateBucket{
		{Key: "2022", Count: 3}, {Key: "2023", Count: 2000}, {Key: "2024", Count: 5},
	}}
	for _, c := range []struct {
		scale   string
		log     bool
		minimum float64 // the least height of the 3-article bar
	}{
		{"", true, 10}, {"log", true, 10}, {"linear", false, 0},
	} {
		v := url.Values{}
		if c.scale != "" {
			v.Set("scale", c.scale)
		}
		p, err := parseSearch(v, true)
		if err != nil {
			t.Fatal(err)
		}
		tl := newTimeline(p, f)
		if tl.Log != c.log || tl.Bars[0].H < c.minimum || tl.Bars[0].H < 2 || tl.Bars[0].Count != 3 || math.Abs(tl.Bars[1].H-timelineBars) > 1e-6 {
			t.Errorf("scale=%q: log %v, bars %.1f, %.1f; want log %v, the small bar %.0f or more", c.scale, tl.Log, tl.Bars[0].H, tl.Bars[1].H, c.log, c.minimum)
		}
	}
	// Buckets of a kind stay linear unless asked.
	even := corpus.Facets{DateUnit: corpus.Year, Published: []corpus.DateBucket{{Key: "2022", Count: 30}, {Key: "2023", Count: 60}}}
	p, _ := parseSearch(url.Values{}, true)
	if newTimeline(p, even).Log {
		t.Errorf("30 and 60 are drawn on a log scale")
	}
	if _, err := parseSearch(url.Values{"scale": {"cubic"}}, true); err == nil {
		t.Errorf("scale=cubic is taken")
	}
}

// TestHeading names the search in the h1 and the title.
func TestHeading(t *testing.T) {
	for target, want := range map[string]string{
		"": "All articles",
		"q=harbor&person=Helena+Okafor&not_outlet=Valley+Wire&from=2024&page=2": "“harbor” · person: Helena Okafor · not outlet: Valley Wire · from 2024 · page 2",
		"undated=only&compare=bridge":                                           "undated · compared with “bridge”",
	} {
		v, _ := url.ParseQuery(target)
		p, err := parseSearch(v, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := heading(p); got != want {
			t.Errorf("%s: %q, want %q", target, got, want)
		}
	}
}
