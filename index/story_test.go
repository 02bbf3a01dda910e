package index_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

const wireStory = `The Harbor Authority approved a plan on Tuesday to double the capacity of the
port of Port Ellis by 2030, adding four deep-water berths on the eastern shore and
dredging the main channel to sixteen meters. The plan, which will cost about 1.2
billion dollars, must still win the approval of the city council, where several
members have raised concerns about traffic on Dock Street and the loss of the old
fish market. Authority director Marcus Brandt said the expansion would create about
two thousand jobs during construction and six hundred permanent positions once the
berths are open. Union leader Priya Raman said dock workers supported the plan but
wanted a guarantee that no current jobs would be lost to automation. The council is
expected to vote on the zoning changes in the autumn, after a series of public
hearings in each of the city's four districts. Mayor Helena Okafor has backed the
project since her election and said the port was the city's best hope for growth.`

const sameTopicStory = `The Port Ellis city council delayed a vote on the harbor expansion on
Thursday after more than two hundred residents signed up to speak at a hearing that
ran past midnight. Residents of the eastern districts said truck traffic from the new
berths would make Dock Street unsafe for children walking to school, and fishermen
asked where the fish market would move. Council member Rosa Delgado proposed a traffic
study before any vote, and the council agreed to commission one from the university.
Harbor Authority director Marcus Brandt said the delay would not change the timetable
for dredging, which is paid for by the province. Mayor Helena Okafor said she still
expected the council to approve the plan before the end of the year.`

func put(t *testing.T, ix *index.Index, articles ...corpus.Article) {
	t.Helper()
	if _, err := ix.Put(context.Background(), articles); err != nil {
		t.Fatal(err)
	}
}

func TestStoriesGroupCopiesAndKeepOtherStoriesApart(t *testing.T) {
	ctx := context.Background()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	original := corpus.Article{ID: "wire", Outlet: "Valley Wire", Title: "Harbor Authority approves port plan", Body: wireStory}
	// A copy with another headline, a footer and a few edits.
	edited := strings.Replace(wireStory, "on Tuesday", "this week", 1)
	edited = strings.Replace(edited, "about two thousand jobs", "some 2,000 jobs", 1)
	copy1 := corpus.Article{ID: "gazette", Outlet: "Harbor Gazette", Title: "Port to double in size under $1.2bn plan",
		Body: edited + "\nThis story was distributed by Valley Wire. Copyright 2024."}
	// A shortened copy in the same batch as another copy of it.
	paragraphs := strings.SplitAfter(wireStory, "growth.")
	cut := strings.Join(strings.Fields(paragraphs[0])[:110], " ")
	copy2 := corpus.Article{ID: "coast", Outlet: "Coastline Daily", Title: "Port expansion approved", Body: cut}
	copy3 := corpus.Article{ID: "coast-2", Outlet: "Coastline Daily", Title: "Port expansion approved (update)", Body: cut + " Updated with the mayor's comment."}
	other := corpus.Article{ID: "ledger", Outlet: "The Northern Ledger", Title: "Council delays harbor vote", Body: sameTopicStory}
	brief := corpus.Article{ID: "brief", Outlet: "Valley Wire", Title: "Port plan", Body: "The Harbor Authority approved a plan on Tuesday."}

	put(t, ix, original, other)
	put(t, ix, copy1, copy2, copy3, brief)

	want := map[string]string{"wire": "wire", "gazette": "wire", "coast": "wire", "coast-2": "wire", "ledger": "ledger", "brief": "brief"}
	for id, story := range want {
		a, err := ix.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Story != story {
			t.Errorf("%s: story %q, want %q", id, a.Story, story)
		}
	}

	// Every hit says how many other outlets ran its story.
	res, err := ix.Search(ctx, corpus.Query{Text: "harbor", Sort: corpus.SortRelevance, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	also := map[string]int{}
	for _, h := range res.Hits {
		also[h.ID] = h.AlsoIn
	}
	if also["wire"] != 2 || also["gazette"] != 2 || also["coast"] != 2 || also["ledger"] != 0 {
		t.Errorf("also_in = %v, want 2 for the copies (three outlets) and 0 for ledger", also)
	}

	// An export says the same.
	exported := map[string]int{}
	if err := ix.Export(ctx, corpus.Query{Text: "harbor"}, func(h corpus.Hit) error {
		exported[h.ID] = h.AlsoIn
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if exported["wire"] != 2 || exported["ledger"] != 0 {
		t.Errorf("exported also_in = %v, want 2 for wire and 0 for ledger", exported)
	}

	// Collapsed, the story shows once; the total still counts articles.
	res, err = ix.Search(ctx, corpus.Query{Text: "harbor", Collapse: true})
	if err != nil {
		t.Fatal(err)
	}
	var stories []string
	for _, h := range res.Hits {
		stories = append(stories, h.Story)
		if h.Title == "" || h.Snippet == "" {
			t.Errorf("collapsed hit %s lacks its fields or snippet: %+v", h.ID, h)
		}
	}
	slices.Sort(stories)
	if !slices.Equal(stories, []string{"brief", "ledger", "wire"}) || res.Total != 6 {
		t.Errorf("collapsed: stories %v total %d, want brief, ledger, wire of 6 articles", stories, res.Total)
	}
	// Page two of a collapsed search holds the stories after page one.
	res, err = ix.Search(ctx, corpus.Query{Text: "harbor", Collapse: true, Size: 2, Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Errorf("collapsed page 2 of size 2: %d hits, want 1", len(res.Hits))
	}
	// story: in the query syntax lists a story's copies.
	res, err = ix.Search(ctx, corpus.Query{Text: `story:"wire"`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 {
		t.Errorf("story:wire finds %d articles, want 4", res.Total)
	}
}

// TestStoryGroupingReuters measures the grouping's precision and recall over pairs
// on a labelled set built from real articles: Reuters stories, each with copies
// carrying the edits syndication makes (another headline, a footer, a dateline or
// credit added, words changed, the end cut), among many different stories on the
// same topics (Reuters runs dozens a day on grain, crude or currencies), which must
// stay apart.
func TestStoryGroupingReuters(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "reuters21578", "articles.jsonl")
	originals, dropped := distinctStories(readReuters(t, path, 3000))
	rng := rand.New(rand.NewPCG(1, 2))
	truth := map[string]string{} // id -> true story
	var all []corpus.Article
	outlets := []string{"Valley Wire", "Harbor Gazette", "Coastline Daily", "Verran Courier"}
	for i, o := range originals {
		o.Outlet = "Reuters"
		truth[o.ID] = o.ID
		all = append(all, o)
		if i%3 != 0 {
			continue
		}
		for c := range 1 + rng.IntN(3) {
			cp := o
			cp.ID = fmt.Sprintf("%s-copy%d", o.ID, c)
			cp.Outlet = outlets[rng.IntN(len(outlets))]
			cp.Body = syndicate(rng, o.Body, cp.Outlet)
			if rng.IntN(2) == 0 {
				cp.Title = "UPDATE: " + strings.ToLower(o.Title)
			}
			truth[cp.ID] = o.ID
			all = append(all, cp)
		}
	}
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i := 0; i < len(all); i += 300 {
		put(t, ix, all[i:min(len(all), i+300)]...)
	}
	got := map[string]string{}
	for _, a := range all {
		stored, err := ix.Article(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		got[a.ID] = stored.Story
	}

	// Pairs: same predicted story vs same true story.
	pairs := func(groups map[string]string) map[[2]string]bool {
		members := map[string][]string{}
		for id, g := range groups {
			members[g] = append(members[g], id)
		}
		out := map[[2]string]bool{}
		for _, ids := range members {
			slices.Sort(ids)
			for i := range ids {
				for j := i + 1; j < len(ids); j++ {
					out[[2]string{ids[i], ids[j]}] = true
				}
			}
		}
		return out
	}
	want, have := pairs(truth), pairs(got)
	tp, originalsJoined := 0, 0
	for p := range have {
		if want[p] {
			tp++
		} else if !strings.Contains(p[0], "-copy") && !strings.Contains(p[1], "-copy") {
			originalsJoined++
		}
	}
	precision := float64(tp) / float64(max(1, len(have)))
	recall := float64(tp) / float64(max(1, len(want)))
	t.Logf("story grouping on %d distinct Reuters stories (%d more left out as copies of these) and %d syndicated copies: pair precision %.3f, recall %.3f (%d true pairs, %d predicted, %d correct; %d predicted pairs join two distinct Reuters originals)",
		len(originals), dropped, len(all)-len(originals), precision, recall, len(want), len(have), tp, originalsJoined)
	if precision < 0.95 || recall < 0.90 {
		t.Errorf("precision %.3f recall %.3f: want at least 0.95 and 0.90", precision, recall)
	}
}

// distinctStories keeps the articles that share less than half their shingles
// (exactly counted, not estimated) with every article before them. Reuters itself
// re-sent stories (corrections, re-titled repeats); those are copies of one story
// and would otherwise count as false groupings.
func distinctStories(articles []corpus.Article) (kept []corpus.Article, dropped int) {
	byShingle := map[string][]int{} // shingle -> indexes into kept
	var sizes []int
	for _, a := range articles {
		words := strings.Fields(corpus.NormalizeText(a.Body))
		set := map[string]bool{}
		for i := 0; i+5 <= len(words); i++ {
			set[strings.Join(words[i:i+5], " ")] = true
		}
		shared := map[int]int{}
		for sh := range set {
			for _, k := range byShingle[sh] {
				shared[k]++
			}
		}
		copyOf := false
		for k, n := range shared {
			if float64(n)/float64(len(set)+sizes[k]-n) >= corpus.StorySimilarity {
				copyOf = true
				break
			}
		}
		if copyOf {
			dropped++
			continue
		}
		for sh := range set {
			byShingle[sh] = append(byShingle[sh], len(kept))
		}
		sizes = append(sizes, len(set))
		kept = append(kept, a)
	}
	return kept, dropped
}

// syndicate makes the edits a republishing outlet makes: a dateline and credit,
// a few words changed, sometimes the last paragraph cut, a footer.
func syndicate(rng *rand.Rand, body, outlet string) string {
	words := strings.Fields(body)
	for range 1 + len(words)/60 {
		i := rng.IntN(len(words))
		words[i] = strings.ToUpper(words[i][:1]) + "x" + words[i][1:]
	}
	if rng.IntN(3) == 0 && len(words) > 120 {
		words = words[:len(words)*4/5]
	}
	text := strings.Join(words, " ")
	if rng.IntN(2) == 0 {
		text = "NEW YORK (" + outlet + ") - " + text
	}
	return text + "\n\nThis article was distributed by " + outlet + ". All rights reserved; republication requires permission."
}

// readReuters reads up to n Reuters articles long enough to be told apart (the
// grouping leaves shorter texts alone), skipping the test when the corpus is absent.
func readReuters(t *testing.T, path string, n int) []corpus.Article {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("the Reuters-21578 corpus is not at %s (../shared beside the checkout): %v", path, err)
	}
	defer f.Close()
	var out []corpus.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() && len(out) < n {
		var r struct {
			ID, Title string
			Body      *string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Body == nil || len(strings.Fields(*r.Body)) < 80 {
			continue
		}
		out = append(out, corpus.Article{ID: r.ID, Title: r.Title, Body: *r.Body})
	}
	return out
}
