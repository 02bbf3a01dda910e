package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// TestColumnsAnswerLikeBleve searches an archive of several segments, with
// articles replaced after they were indexed, once through the column cache and
// once through Bleve's own collector, and requires the same results: totals, hits
// in order, facets, date buckets and cursors. Ties in score and date are common
// here (a small vocabulary, dates by the day), so the ID tie-break is exercised.
func TestColumnsAnswerLikeBleve(t *testing.T) {
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	words := strings.Fields("market oil bank rate trade vote court storm harbor union strike budget tariff election wheat gold")
	people := []string{"Ada Moreno", "Bert Okafor", "Chen Li", "Dana Whit", "Émile Roux", "Farah Nasser", "Gus Lind"}
	outlets := []string{"The Ledger", "Harbor Post", "Valley Times", "Daily Wire Service"}
	text := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = words[r.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	// IDs out of step with the order of indexing, so that ties are broken by
	// something the segments' own order does not give away.
	ids := r.Perm(2000)
	article := func(id int) corpus.Article {
		a := corpus.Article{ID: fmt.Sprintf("a%04d", ids[id]), Title: text(5), Body: text(40) + fmt.Sprintf(" serial%d", id), Persons: []string{}}
		if r.IntN(8) > 0 {
			a.Outlet = outlets[r.IntN(len(outlets))]
		}
		for range r.IntN(4) {
			if p := people[r.IntN(len(people))]; !strings.Contains(strings.Join(a.Persons, "|"), p) {
				a.Persons = append(a.Persons, p)
			}
		}
		if r.IntN(10) > 0 {
			a.Published = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(120))
		}
		return a
	}
	var all []corpus.Article
	for batch := range 6 {
		var b []corpus.Article
		for i := range 250 {
			a := article(batch*250 + i)
			if i%25 == 0 && len(all) > 0 {
				// A copy of an earlier article in another outlet: one story.
				src := all[r.IntN(len(all))]
				a.Title, a.Body = src.Title, src.Body+" (syndicated)"
			}
			b = append(b, a)
		}
		if batch > 0 {
			for range 60 { // replace earlier articles: deletions in older segments
				old := all[r.IntN(len(all))]
				re := article(0)
				re.ID = old.ID
				b = append(b, re)
			}
		}
		if _, err := ix.Put(ctx, b); err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}

	// Replace the newest articles last with older versions, so that browsing the
	// newest first meets the deleted old versions before anything else (as long
	// as no merge has dropped them yet).
	slices.SortFunc(all, func(a, b corpus.Article) int { return b.Published.Compare(a.Published) })
	var last []corpus.Article
	for _, a := range all[:80] {
		re := article(0)
		re.ID, re.Published = a.ID, a.Published.AddDate(-1, 0, 0)
		last = append(last, re)
	}
	if _, err := ix.Put(ctx, last); err != nil {
		t.Fatal(err)
	}

	day := func(m, d int) time.Time { return time.Date(2023, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	queries := []corpus.Query{
		{Size: 100},
		{Sort: corpus.SortOldest, Size: 100},
		{},
		{Text: "oil"},
		{Text: "oil bank", Size: 7},
		{Text: `"oil bank"`},
		{Text: "+trade -vote"},
		{Text: "gold", Sort: corpus.SortNewest},
		{Text: "gold", Sort: corpus.SortOldest, Page: 3},
		{Sort: corpus.SortOldest},
		{Persons: []string{"Chen Li"}},
		{Text: "rate", Persons: []string{"Ada Moreno", "Bert Okafor"}},
		{NotPersons: []string{"Gus Lind"}, Text: "union"},
		{Outlets: []string{"The Ledger", "Harbor Post"}},
		{Text: "court", NotOutlets: []string{"Valley Times"}},
		{Undated: true},
		{Text: "storm", From: day(3, 1), To: day(4, 15)},
		{From: day(2, 1), To: day(2, 20)},
		{From: day(1, 15), To: day(3, 10), Sort: corpus.SortOldest},
		{From: day(3, 1), Persons: []string{"Chen Li"}},
		{To: day(2, 1), NotOutlets: []string{"The Ledger"}},
		{Text: "election", From: day(3, 20)},
		{Text: "wheat", Collapse: true},
		{Collapse: true, Page: 2},
		{Text: "budget", Page: 2, Size: 5},
		{Text: "serial7*"},
		{Text: "nothingmatchesthis"},
	}
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			for page := 0; page < 3; page++ {
				got, err := ix.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				restore := index.StockSearch(ix)
				want, err := ix.Search(ctx, q)
				restore()
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(corpus.Results{}, "Took"), cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("page %d: columns differ from Bleve (-bleve +columns):\n%s", page+1, diff)
				}
				if got.Total == 0 && q.Text != "nothingmatchesthis" {
					t.Fatal("no hits: the case tests nothing")
				}
				if got.Next == "" {
					break
				}
				q.After, q.Page = got.Next, q.Page+1 // the next page by cursor
			}
		})
	}

	for _, facet := range []string{index.FacetPerson, index.FacetOutlet} {
		for _, prefix := range []string{"", "l", "da"} {
			q := corpus.Query{Text: "oil", Outlets: []string{"The Ledger"}}
			got, err := ix.FacetValues(ctx, facet, q, prefix, 5)
			if err != nil {
				t.Fatal(err)
			}
			restore := index.StockSearch(ix)
			want, err := ix.FacetValues(ctx, facet, q, prefix, 5)
			restore()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("facet values %s %q differ (-bleve +columns):\n%s", facet, prefix, diff)
			}
		}
	}
}
