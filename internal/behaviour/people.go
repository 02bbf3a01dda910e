package behaviour

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// The people set (testdata/people: articles.jsonl, people.json) holds the
// engines to one behaviour of what came with the person pages: people edits
// (merge, rename, hide, undo), look-ups, person pages, and the outlet attention
// timeline. A case makes its edits, checks searches, look-ups, person pages and
// timelines, undoes its edits, and checks that the person facet is what it was
// before: undo is exact.

// PeopleSet is the name of the people set.
const PeopleSet = "people"

// Curator is what the people set needs of an engine.
type Curator interface {
	Searcher
	EditPeople(ctx context.Context, e corpus.PersonEdit) (corpus.PersonEdit, error)
	UndoPersonEdit(ctx context.Context, id string) (corpus.PersonEdit, error)
	LookUpPerson(ctx context.Context, name string) (corpus.PersonLookup, error)
	PersonProfile(ctx context.Context, name string, latest, with int) (corpus.PersonProfile, error)
	Attention(ctx context.Context, q corpus.Query, opts corpus.AttentionOptions) (*corpus.Attention, error)
}

// PeopleCase is one case of the people set.
type PeopleCase struct {
	Name  string              `json:"name"`
	Edits []corpus.PersonEdit `json:"edits"`
	// UndoOrder lists the indexes of Edits in the order they are undone; absent:
	// the last first.
	UndoOrder []int `json:"undo_order"`
	// Refused are edits that must fail with a corpus error code.
	Refused []struct {
		Edit corpus.PersonEdit `json:"edit"`
		Code string            `json:"code"`
	} `json:"refused"`
	Searches []Case `json:"searches"`
	Lookups  map[string]struct {
		Canonical string `json:"canonical"`
		Via       string `json:"via"`
		Hidden    bool   `json:"hidden"`
	} `json:"lookups"`
	Profiles        []ProfileCase   `json:"profiles"`
	MissingProfiles []string        `json:"missing_profiles"`
	Attention       []AttentionCase `json:"attention"`
}

// ProfileCase is what a person page must show; absent fields are not checked.
type ProfileCase struct {
	Name        string         `json:"name"`
	Latest      int            `json:"latest"`
	Articles    int            `json:"articles"`
	Undated     int            `json:"undated"`
	DateUnit    string         `json:"date_unit"`
	Aliases     []string       `json:"aliases"`
	LatestHits  []string       `json:"latest_hits"`
	Outlets     map[string]int `json:"outlets"`
	TimelineLen int            `json:"timeline_len"`
	// Timeline maps a bucket key to [the person's articles, all articles].
	Timeline     map[string][2]int `json:"timeline"`
	With         []string          `json:"with"`
	WithTogether map[string]int    `json:"with_together"`
	MinTogether  int               `json:"min_together"`
}

// AttentionCase is an attention timeline and what it must count.
type AttentionCase struct {
	Query   corpus.Query `json:"query"`
	Outlets int          `json:"outlets"`
	Compare string       `json:"compare"`
	Unit    string       `json:"unit"`
	Keys    []string     `json:"keys"`
	Stories []int        `json:"stories"`
	Series  []struct {
		Kind    string `json:"kind"`
		Outlet  string `json:"outlet"`
		Query   string `json:"query"`
		Matches []int  `json:"matches"`
		Totals  []int  `json:"totals"`
		Undated int    `json:"undated"`
	} `json:"series"`
}

// RunPeople runs the people set's cases against c, which holds the set's
// articles, one after the other (each undoes its edits).
func RunPeople(t *testing.T, c Curator) {
	data, err := os.ReadFile(Path(PeopleSet, "people.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []PeopleCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", Path(PeopleSet, "people.json"), err)
	}
	for _, pc := range cases {
		t.Run(pc.Name, func(t *testing.T) { checkPeople(t, c, pc) })
	}
}

func checkPeople(t *testing.T, c Curator, pc PeopleCase) {
	ctx := context.Background()
	before := personFacet(t, c)
	var made []corpus.PersonEdit
	defer func() {
		order := pc.UndoOrder
		if order == nil {
			for i := len(made) - 1; i >= 0; i-- {
				order = append(order, i)
			}
		}
		for _, i := range order {
			if i < len(made) {
				if _, err := c.UndoPersonEdit(ctx, made[i].ID); err != nil {
					t.Errorf("undo %+v: %v", made[i], err)
				}
			}
		}
		if diff := cmp.Diff(before, personFacet(t, c)); diff != "" {
			t.Errorf("person facet after the undo (-before +after):\n%s", diff)
		}
	}()
	for _, e := range pc.Edits {
		got, err := c.EditPeople(ctx, e)
		if err != nil {
			t.Fatalf("edit %+v: %v", e, err)
		}
		made = append(made, got)
	}
	for _, r := range pc.Refused {
		if _, err := c.EditPeople(ctx, r.Edit); string(corpus.ErrorCode(err)) != r.Code {
			t.Errorf("edit %+v: %v (code %q), want code %q", r.Edit, err, corpus.ErrorCode(err), r.Code)
		}
	}
	for _, s := range pc.Searches {
		t.Run(s.Name, func(t *testing.T) { Check(t, c, s) })
	}
	for name, want := range pc.Lookups {
		got, err := c.LookUpPerson(ctx, name)
		if err != nil || got.Canonical != want.Canonical || got.Via != want.Via || got.Hidden != want.Hidden {
			t.Errorf("look up %q: %+v %v, want %+v", name, got, err, want)
		}
	}
	for _, want := range pc.Profiles {
		checkProfile(t, c, want)
	}
	for _, name := range pc.MissingProfiles {
		if _, err := c.PersonProfile(ctx, name, 5, 5); corpus.ErrorCode(err) != corpus.ENotFound {
			t.Errorf("the page of %q: %v, want not found", name, err)
		}
	}
	for _, want := range pc.Attention {
		checkAttention(t, c, want)
	}
}

// personFacet is every person of the archive with their articles.
func personFacet(t *testing.T, c Curator) map[string]int {
	t.Helper()
	res, err := c.Search(context.Background(), corpus.Query{Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, v := range res.Facets.Person {
		out[v.Value] = v.Count
	}
	return out
}

func checkProfile(t *testing.T, c Curator, want ProfileCase) {
	t.Helper()
	p, err := c.PersonProfile(context.Background(), want.Name, want.Latest, 10)
	if err != nil {
		t.Errorf("the page of %q: %v", want.Name, err)
		return
	}
	if want.Articles != 0 && p.Articles != want.Articles {
		t.Errorf("%s: articles %d, want %d", want.Name, p.Articles, want.Articles)
	}
	if p.Undated != want.Undated {
		t.Errorf("%s: undated %d, want %d", want.Name, p.Undated, want.Undated)
	}
	if want.DateUnit != "" && string(p.DateUnit) != want.DateUnit {
		t.Errorf("%s: date unit %s, want %s", want.Name, p.DateUnit, want.DateUnit)
	}
	if want.Aliases != nil {
		var got []string
		for _, a := range p.Aliases {
			got = append(got, a.Name)
		}
		if diff := cmp.Diff(want.Aliases, got, cmpEmptyAsNil); diff != "" {
			t.Errorf("%s: aliases (-want +got):\n%s", want.Name, diff)
		}
	}
	if want.LatestHits != nil {
		var got []string
		for _, h := range p.Latest {
			got = append(got, h.ID)
		}
		if diff := cmp.Diff(want.LatestHits, got); diff != "" {
			t.Errorf("%s: latest (-want +got):\n%s", want.Name, diff)
		}
	}
	checkTermFacet(t, want.Name+": outlets", want.Outlets, p.Outlets)
	if want.TimelineLen != 0 && len(p.Timeline) != want.TimelineLen {
		t.Errorf("%s: %d timeline buckets, want %d: %+v", want.Name, len(p.Timeline), want.TimelineLen, p.Timeline)
	}
	for key, counts := range want.Timeline {
		i := slices.IndexFunc(p.Timeline, func(b corpus.PersonBucket) bool { return b.Key == key })
		if i < 0 || p.Timeline[i].Count != counts[0] || p.Timeline[i].All != counts[1] {
			t.Errorf("%s: timeline bucket %s, want %v: %+v", want.Name, key, counts, p.Timeline)
		}
	}
	if want.With != nil {
		var got []string
		for _, w := range p.With {
			got = append(got, w.Name)
			if n, ok := want.WithTogether[w.Name]; ok && w.Together != n {
				t.Errorf("%s: with %s together %d, want %d", want.Name, w.Name, w.Together, n)
			}
		}
		if diff := cmp.Diff(want.With, got, cmpEmptyAsNil); diff != "" {
			t.Errorf("%s: with (-want +got):\n%s", want.Name, diff)
		}
	}
	if want.MinTogether != 0 && p.MinTogether != want.MinTogether {
		t.Errorf("%s: min together %d, want %d", want.Name, p.MinTogether, want.MinTogether)
	}
}

func checkAttention(t *testing.T, c Curator, want AttentionCase) {
	t.Helper()
	a, err := c.Attention(context.Background(), want.Query, corpus.AttentionOptions{Outlets: want.Outlets, Compare: want.Compare})
	if err != nil {
		t.Errorf("attention %+v: %v", want.Query, err)
		return
	}
	if a.Approximate {
		t.Errorf("attention %+v: approximate, on %d articles", want.Query, 10)
	}
	if want.Unit != "" && string(a.Unit) != want.Unit {
		t.Errorf("attention %+v: unit %s, want %s", want.Query, a.Unit, want.Unit)
	}
	keys, stories := []string{}, []int{}
	for _, b := range a.Buckets {
		keys, stories = append(keys, b.Key), append(stories, b.Count)
	}
	if diff := cmp.Diff(want.Keys, keys); diff != "" {
		t.Errorf("attention %+v: buckets (-want +got):\n%s", want.Query, diff)
	}
	if diff := cmp.Diff(want.Stories, stories); diff != "" {
		t.Errorf("attention %+v: stories per bucket (-want +got):\n%s", want.Query, diff)
	}
	type line struct {
		Kind, Outlet, Query string
		Matches, Totals     []int
		Undated             int
	}
	var wantLines, gotLines []line
	for _, s := range want.Series {
		wantLines = append(wantLines, line{s.Kind, s.Outlet, s.Query, s.Matches, s.Totals, s.Undated})
	}
	for _, s := range a.Series {
		gotLines = append(gotLines, line{s.Kind, s.Outlet, s.Query, s.Matches, s.Totals, s.Undated})
	}
	if diff := cmp.Diff(wantLines, gotLines); diff != "" {
		t.Errorf("attention %+v: series (-want +got):\n%s", want.Query, diff)
	}
}
