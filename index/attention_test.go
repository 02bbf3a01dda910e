package index_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// attentionArchive holds three outlets over four years: a wire story that
// Harbor Gazette ran twice with edits (one story), a second harbor story, short
// articles, fillers that match nothing, and an undated match.
func attentionArchive(t *testing.T) *index.Index {
	t.Helper()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(9 * time.Hour)
	}
	copy1 := strings.Replace(wireStory, "on Tuesday", "this week", 1)
	copy2 := strings.Replace(copy1, "about two thousand jobs", "some 2,000 jobs", 1)
	filler := func(id, outlet, date string) corpus.Article {
		return corpus.Article{ID: id, Outlet: outlet, Published: day(date), Title: "Notes " + id, Body: "Weather notes for " + id + " from the valley stations."}
	}
	put(t, ix,
		corpus.Article{ID: "wire", Outlet: "Valley Wire", Published: day("2022-05-10"), Title: "Port plan approved", Body: wireStory},
		corpus.Article{ID: "hg-copy1", Outlet: "Harbor Gazette", Published: day("2022-05-10"), Title: "Port plan gets the nod", Body: copy1},
		corpus.Article{ID: "hg-copy2", Outlet: "Harbor Gazette", Published: day("2022-05-11"), Title: "Port plan: what it means", Body: copy2},
		corpus.Article{ID: "hg-council", Outlet: "Harbor Gazette", Published: day("2025-03-01"), Title: "Council delays vote", Body: sameTopicStory},
		corpus.Article{ID: "cd-harbor", Outlet: "Coastline Daily", Published: day("2025-06-01"), Title: "Harbor fair", Body: "The harbor fair opens on Saturday."},
		corpus.Article{ID: "cd-undated", Outlet: "Coastline Daily", Title: "Harbor lights", Body: "The harbor lights are back."},
		filler("vw-f1", "Valley Wire", "2022-06-01"),
		filler("vw-f2", "Valley Wire", "2024-02-01"),
		filler("hg-f1", "Harbor Gazette", "2022-07-01"),
		filler("hg-f2", "Harbor Gazette", "2025-04-01"),
		filler("cd-f1", "Coastline Daily", "2024-05-01"),
	)
	return ix
}

// TestAttentionCountsStoriesPerOutletAndBucket: the timeline split by outlet
// counts each story once per bucket and line, against every story of the outlet
// (or of the archive) in the bucket; a compared query shares the buckets.
func TestAttentionCountsStoriesPerOutletAndBucket(t *testing.T) {
	ctx := context.Background()
	ix := attentionArchive(t)
	a, err := ix.Attention(ctx, corpus.Query{Text: "harbor"}, corpus.AttentionOptions{Outlets: 2, Compare: "delayed"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Unit != corpus.Year {
		t.Errorf("unit %s, want year", a.Unit)
	}
	var keys []string
	var counts []int
	for _, b := range a.Buckets {
		keys, counts = append(keys, b.Key), append(counts, b.Count)
	}
	if diff := cmp.Diff([]string{"2022", "2023", "2024", "2025"}, keys); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 0, 2, 3}, counts); diff != "" {
		t.Errorf("stories per bucket (-want +got):\n%s", diff)
	}
	want := []corpus.AttentionSeries{
		{Kind: corpus.SeriesAll, Query: "harbor", Matches: []int{1, 0, 0, 2}, Totals: []int{3, 0, 2, 3}, Undated: 1},
		{Kind: corpus.SeriesCompare, Query: "delayed", Matches: []int{0, 0, 0, 1}, Totals: []int{3, 0, 2, 3}},
		// Harbor Gazette ran the wire story twice: one story in 2022.
		{Kind: corpus.SeriesOutlet, Outlet: "Harbor Gazette", Matches: []int{1, 0, 0, 1}, Totals: []int{2, 0, 0, 2}},
		{Kind: corpus.SeriesOutlet, Outlet: "Coastline Daily", Matches: []int{0, 0, 0, 1}, Totals: []int{0, 0, 1, 1}},
		{Kind: corpus.SeriesOthers, Matches: []int{1, 0, 0, 0}, Totals: []int{2, 0, 1, 0}},
	}
	if diff := cmp.Diff(want, a.Series); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
	if got := a.Series[2].Share(0); got != 0.5 {
		t.Errorf("Harbor Gazette's share of 2022: %v, want 0.5", got)
	}

	// The denominators are kept for the next timeline, until the archive changes.
	put(t, ix, corpus.Article{ID: "late", Outlet: "Valley Wire", Published: time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC), Title: "Late", Body: "A late note from the valley."})
	a, err = ix.Attention(ctx, corpus.Query{Text: "harbor"}, corpus.AttentionOptions{Outlets: 2, Compare: "delayed"})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Series[0].Totals; !slices.Equal(got, []int{3, 1, 2, 3}) {
		t.Errorf("after an article of 2023 arrived, all stories per year: %v, want [3 1 2 3]", got)
	}

	// The filters apply to the matches and the dates to the denominators too.
	a, err = ix.Attention(ctx, corpus.Query{Text: "harbor", Outlets: []string{"Harbor Gazette"}, From: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}, corpus.AttentionOptions{Outlets: 5})
	if err != nil {
		t.Fatal(err)
	}
	if a.Unit != corpus.Day {
		t.Errorf("two days in 2022 are drawn by %s, want day", a.Unit)
	}
	// The two copies ran on two days: a story once per day.
	want = []corpus.AttentionSeries{
		{Kind: corpus.SeriesAll, Query: "harbor", Matches: []int{1, 1}, Totals: []int{1, 1}},
		{Kind: corpus.SeriesOutlet, Outlet: "Harbor Gazette", Matches: []int{1, 1}, Totals: []int{1, 1}},
	}
	if diff := cmp.Diff(want, a.Series); diff != "" {
		t.Errorf("Harbor Gazette in 2022 (-want +got):\n%s", diff)
	}

	// Too many outlets is the caller's mistake.
	_, err = ix.Attention(ctx, corpus.Query{}, corpus.AttentionOptions{Outlets: corpus.MaxAttentionOutlets + 1})
	if e, ok := errors.AsType[*corpus.Error](err); !ok || e.Code != corpus.EInvalidRequest {
		t.Errorf("outlets=%d: %v, want invalid_request", corpus.MaxAttentionOutlets+1, err)
	}
	// Nothing matches: no buckets, and the lines say so.
	a, err = ix.Attention(ctx, corpus.Query{Text: "zzyzx"}, corpus.AttentionOptions{Outlets: 3})
	if err != nil || len(a.Buckets) != 0 || len(a.Series) != 1 || len(a.Series[0].Matches) != 0 {
		t.Errorf("no match: %+v, %v", a, err)
	}
}

// TestSortKeys: the radix sort sorts like slices.Sort.
func TestSortKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 100, 5000, 70000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = uint64(r.IntN(50))<<48 | r.Uint64()>>(16+uint(r.IntN(40)))
		}
		want := slices.Sorted(slices.Values(keys))
		index.SortKeys(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("%d keys: not sorted", n)
		}
	}
}

// BenchmarkAttention draws outlet attention timelines of the synthetic archive
// next to the search that draws the plain timeline: browsing everything and a
// query of two common words, split by the top five outlets, and compared.
//
//	go test ./index -run '^$' -bench Attention -benchtime 20x
func BenchmarkAttention(b *testing.B) {
	ix := syntheticIndex(b)
	ctx := context.Background()
	for _, text := range []string{"", "w3 w40"} {
		name := "browse"
		if text != "" {
			name = "text"
		}
		b.Run(name+"/search", func(b *testing.B) { benchSearch(b, ix, corpus.Query{Text: text}) })
		for _, opts := range []corpus.AttentionOptions{{}, {Outlets: 5}, {Outlets: 5, Compare: "w7"}} {
			b.Run(fmt.Sprintf("%s/attention-outlets-%d-compare-%v", name, opts.Outlets, opts.Compare != ""), func(b *testing.B) {
				for b.Loop() {
					if _, err := ix.Attention(ctx, corpus.Query{Text: text}, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
