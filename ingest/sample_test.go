package ingest

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// memSink keeps what a run stores.
type memSink struct {
	mu       sync.Mutex
	articles []corpus.Article
}

func (s *memSink) Put(_ context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.articles = append(s.articles, articles...)
	out := make([]corpus.Outcome, len(articles))
	for i := range out {
		out[i] = corpus.Indexed
	}
	return out, nil
}

// sampleRow is one row of the table in corpus/sample/README.md.
type sampleRow struct {
	outlet, date string // date is "undated" or YYYY-MM-DD
	people       []string
}

// bylineAuthors are the authors that only a byline or credit line in the text
// names: the page or record gives none.
var bylineAuthors = map[string][]string{
	"text/lindqvist-wins-governorship.txt":   {"Ana Ruiz"},
	"text/sorrel-crossing-collapse.txt":      {"Mei Tanaka"},
	"html/athletic-top-at-winter-break.html": {"Oliver Grant"},
}

const sampleReadme = "../corpus/sample/README.md"

// readSampleReadme reads the README's table of articles, keyed by the Source the
// pipeline gives each article ("text/x.txt", "json/wire.jsonl:2").
func readSampleReadme(t *testing.T) map[string]sampleRow {
	t.Helper()
	b, err := os.ReadFile(sampleReadme)
	if err != nil {
		t.Fatalf("the sample's README: %v", err)
	}
	lineRef := regexp.MustCompile("^`([^`]+)`(?:, line (\\d+))?$")
	rows := map[string]sampleRow{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 4 {
			continue
		}
		m := lineRef.FindStringSubmatch(cells[0])
		if m == nil {
			continue
		}
		source := m[1]
		if m[2] != "" {
			source += ":" + m[2]
		}
		rows[source] = sampleRow{outlet: cells[1], date: cells[2], people: strings.Split(cells[3], ", ")}
	}
	return rows
}

// TestSampleExtraction ingests the built-in sample with the real pipeline and
// checks every article against the sample's README: its outlet, its date, and the
// people named in its story, neither places nor organizations nor the reporters
// of its byline. The person facet then counts exactly the README's people.
func TestSampleExtraction(t *testing.T) {
	want := readSampleReadme(t)
	if len(want) != 32 {
		t.Fatalf("the README's table lists %d articles, want 32", len(want))
	}
	sink := &memSink{}
	sum, err := RunFS(context.Background(), Options{Sink: sink, Workers: 2}, corpus.Sample())
	if err != nil {
		t.Fatalf("RunFS(sample): %v", err)
	}
	if len(sum.Rejected) > 0 || len(sum.Warnings) > 0 {
		t.Errorf("RunFS(sample) rejected %v, warned %v; want neither", sum.Rejected, sum.Warnings)
	}
	if len(sink.articles) != len(want) {
		t.Errorf("RunFS(sample) stored %d articles, want %d", len(sink.articles), len(want))
	}

	dated, undated := 0, 0
	outlets := map[string]int{}
	gotFacet, wantFacet := map[string]int{}, map[string]int{}
	for _, row := range want {
		for _, p := range row.people {
			wantFacet[p]++
		}
	}
	for _, a := range sink.articles {
		row, ok := want[a.Source]
		if !ok {
			t.Errorf("%s: not in the README's table", a.Source)
			continue
		}
		if a.Title == "" {
			t.Errorf("%s: no title", a.Source)
		}
		if a.Outlet != row.outlet {
			t.Errorf("%s: outlet %q, want %q", a.Source, a.Outlet, row.outlet)
		}
		outlets[a.Outlet]++
		date := "undated"
		if !a.Published.IsZero() {
			date = a.Published.Format("2006-01-02")
			dated++
		} else {
			undated++
		}
		if date != row.date {
			t.Errorf("%s: date %s, want %s", a.Source, date, row.date)
		}
		if w, ok := bylineAuthors[a.Source]; ok {
			if diff := cmp.Diff(w, a.Authors); diff != "" {
				t.Errorf("%s: authors from the byline mismatch (-want +got):\n%s", a.Source, diff)
			}
		} else if !strings.HasPrefix(a.Source, "text/") && len(a.Authors) == 0 {
			t.Errorf("%s: no authors; every HTML and JSON sample article names its author", a.Source)
		}
		got := slices.Clone(a.Persons)
		slices.Sort(got)
		wantPeople := slices.Clone(row.people)
		slices.Sort(wantPeople)
		if diff := cmp.Diff(wantPeople, got); diff != "" {
			t.Errorf("%s: persons mismatch (-want +got):\n%s", a.Source, diff)
		}
		for _, p := range slices.Compact(got) {
			gotFacet[p]++
		}
	}
	if dated != 30 || undated != 2 {
		t.Errorf("%d dated and %d undated articles, want 30 and 2", dated, undated)
	}
	if len(outlets) != 6 {
		t.Errorf("outlets %v: want the sample's 6, each spelled one way", outlets)
	}
	if len(wantFacet) != 20 {
		t.Errorf("the README names %d people, want 20", len(wantFacet))
	}
	if diff := cmp.Diff(wantFacet, gotFacet); diff != "" {
		t.Errorf("person facet mismatch (-want +got):\n%s", diff)
	}
}
