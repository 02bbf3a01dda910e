package index_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// peopleArticles are a small archive where one man is named two ways and a
// treaty is taken for a person.
func peopleArticles() []corpus.Article {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	return []corpus.Article{
		{ID: "p1", Title: "Budget talks", Body: "Reagan met Volcker about the Agreement.", Outlet: "Daily Alpha", Published: day(1985, 1, 3), Persons: []string{"Reagan", "Paul Volcker", "Agreement"}},
		{ID: "p2", Title: "Summit", Body: "Ronald Reagan flew to Iceland with George Shultz.", Outlet: "Beta Herald", Published: day(1986, 10, 11), Persons: []string{"Ronald Reagan", "George Shultz"}},
		{ID: "p3", Title: "Veto", Body: "Reagan and Ronald Reagan again, with Shultz.", Outlet: "Daily Alpha", Published: day(1986, 5, 2), Persons: []string{"Reagan", "Ronald Reagan", "George Shultz"}},
		{ID: "p4", Title: "Rates", Body: "Paul Volcker and the Agreement.", Outlet: "Beta Herald", Published: day(1987, 2, 1), Persons: []string{"Paul Volcker", "Agreement"}},
		{ID: "p5", Title: "Talks", Body: "George Shultz and Ronald Reagan.", Outlet: "Gamma Times", Published: day(1987, 6, 1), Persons: []string{"George Shultz", "Ronald Reagan"}},
	}
}

// openPeople opens an archive of peopleArticles, closed when the test ends.
func openPeople(t *testing.T) (*index.Index, context.Context) {
	t.Helper()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	if _, err := ix.Put(ctx, peopleArticles()); err != nil {
		t.Fatal(err)
	}
	return ix, ctx
}

func facetCounts(t *testing.T, ix *index.Index, q corpus.Query) map[string]int {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range res.Facets.Person {
		out[f.Value] = f.Count
	}
	return out
}

// TestPeopleEdits: a merge, a rename and a hide reach the facet, the filters,
// person: searches, the articles and the person page at once, without
// re-ingesting; they stay through a reopen, a rebuild and later ingests; undo
// gives back exactly what was there; bad edits are refused with errors that
// say why.
func TestPeopleEdits(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := ix.Put(ctx, peopleArticles()); err != nil {
		t.Fatal(err)
	}
	before := facetCounts(t, ix, corpus.Query{})
	if before["Reagan"] != 2 || before["Ronald Reagan"] != 3 || before["Agreement"] != 2 {
		t.Fatalf("facet before the edits: %v", before)
	}

	merge, err := ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.MergeAction, From: "Reagan", Into: "Ronald Reagan", Who: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	hide, err := ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.HideAction, Name: " Agreement ", Who: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	after := facetCounts(t, ix, corpus.Query{})
	if _, ok := after["Reagan"]; ok || after["Ronald Reagan"] != 4 {
		t.Errorf("facet after the merge: %v, want Ronald Reagan in 4 and no Reagan", after)
	}
	if _, ok := after["Agreement"]; ok {
		t.Errorf("facet after the hide still shows Agreement: %v", after)
	}
	a, err := ix.Article(ctx, "p3")
	if err != nil || !slices.Equal(a.Persons, []string{"Ronald Reagan", "George Shultz"}) {
		t.Errorf("p3 shows %q (%v)", a.Persons, err)
	}
	a, _ = ix.Article(ctx, "p1")
	if !slices.Equal(a.Persons, []string{"Ronald Reagan", "Paul Volcker"}) {
		t.Errorf("p1 shows %q", a.Persons)
	}
	res, err := ix.Search(ctx, corpus.Query{Persons: []string{"Reagan"}})
	if err != nil || res.Total != 4 || len(res.Notices) == 0 {
		t.Errorf("person=Reagan after the merge: %d hits, notices %q (%v); want the 4 of Ronald Reagan", res.Total, res.Notices, err)
	}
	if res, err := ix.Search(ctx, corpus.Query{Text: "person:agreement"}); err != nil || res.Total != 0 {
		t.Errorf("person:agreement after the hide: %v %v, want none", res.Total, err)
	}
	if res, err := ix.Search(ctx, corpus.Query{Text: "agreement"}); err != nil || res.Total != 2 {
		t.Errorf("the word agreement after the hide: %v %v, want 2 (the text stays)", res.Total, err)
	}
	var hits []corpus.Hit
	ix.Export(ctx, corpus.Query{Persons: []string{"Ronald Reagan"}}, func(h corpus.Hit) error { hits = append(hits, h); return nil })
	for _, h := range hits {
		if slices.Contains(h.Persons, "Reagan") || slices.Contains(h.Persons, "Agreement") {
			t.Errorf("export of %s shows %q", h.ID, h.Persons)
		}
	}

	// Refused edits.
	for _, tc := range []struct {
		e    corpus.PersonEdit
		code string
	}{
		{corpus.PersonEdit{Action: corpus.MergeAction, From: "Ronald Reagan", Into: "Reagan"}, corpus.EInvalidRequest}, // Reagan is merged away: a cycle
		{corpus.PersonEdit{Action: corpus.MergeAction, From: "Reagan", Into: "George Shultz"}, corpus.EInvalidRequest}, // already merged
		{corpus.PersonEdit{Action: corpus.MergeAction, From: "Paul Volker", Into: "George Shultz"}, corpus.ENotFound},
		{corpus.PersonEdit{Action: corpus.MergeAction, From: "Paul Volcker", Into: "Paul Volcker"}, corpus.EInvalidRequest},
		{corpus.PersonEdit{Action: corpus.RenameAction, From: "Paul Volcker", Into: "George Shultz"}, corpus.EInvalidRequest},
		{corpus.PersonEdit{Action: corpus.HideAction, Name: "Agreement"}, corpus.EInvalidRequest},
		{corpus.PersonEdit{Action: "delete", Name: "Agreement"}, corpus.EInvalidRequest},
	} {
		_, err := ix.EditPeople(ctx, tc.e)
		if corpus.ErrorCode(err) != tc.code {
			t.Errorf("%+v: %v, want %s", tc.e, err, tc.code)
		}
	}
	_, err = ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.MergeAction, From: "Paul Volker", Into: "George Shultz"})
	var ce *corpus.Error
	if !errors.As(err, &ce) || !contains(ce.Message, "Paul Volcker") {
		t.Errorf("an unknown name suggests nothing near: %v", err)
	}

	// A chain: Ronald Reagan renamed, Reagan follows.
	rename, err := ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.RenameAction, From: "Ronald Reagan", Into: "Ronald W. Reagan"})
	if err != nil {
		t.Fatal(err)
	}
	if c := facetCounts(t, ix, corpus.Query{}); c["Ronald W. Reagan"] != 4 || c["Ronald Reagan"] != 0 {
		t.Errorf("after the rename: %v", c)
	}
	look, err := ix.LookUpPerson(ctx, "Reagan")
	if err != nil || look.Canonical != "Ronald W. Reagan" || look.Via != "merge" {
		t.Errorf("Reagan looks up as %+v (%v)", look, err)
	}
	p, err := ix.PersonProfile(ctx, "Ronald W. Reagan", 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Two and a half years: months, from the first to the last.
	if p.Articles != 4 || len(p.Aliases) != 2 || p.DateUnit != corpus.Month || len(p.Timeline) != 30 {
		t.Fatalf("profile: %+v", p)
	}
	buckets := map[string]corpus.PersonBucket{}
	for _, b := range p.Timeline {
		buckets[b.Key] = b
	}
	if b := buckets["1986-10"]; b.Count != 1 || b.All != 1 || b.Share != 1 {
		t.Errorf("1986-10: %+v", b)
	}
	if b := buckets["1987-02"]; b.Count != 0 || b.All != 1 || b.Share != 0 {
		t.Errorf("1987-02: %+v", b)
	}
	if len(p.With) != 1 || p.With[0].Name != "George Shultz" || p.With[0].Together != 3 {
		t.Errorf("co-mentions: %+v", p.With)
	}
	if len(p.Latest) != 4 || p.Latest[0].ID != "p5" {
		t.Errorf("latest: %+v", p.Latest)
	}

	// A later ingest follows the edits.
	if _, err := ix.Put(ctx, []corpus.Article{{ID: "p6", Title: "New", Body: "Reagan and the Agreement.", Persons: []string{"Reagan", "Agreement"}}}); err != nil {
		t.Fatal(err)
	}
	if c := facetCounts(t, ix, corpus.Query{}); c["Ronald W. Reagan"] != 5 || c["Agreement"] != 0 {
		t.Errorf("after a later ingest: %v", c)
	}
	edits, _ := ix.PersonEdits(ctx)
	if len(edits) != 3 || edits[0].ID != merge.ID || edits[0].Who != "tester" || edits[0].At.IsZero() {
		t.Errorf("edits: %+v", edits)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// A rebuild from the records applies them too.
	if _, err := index.Rebuild(ctx, dir, index.RebuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err = index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if c := facetCounts(t, ix, corpus.Query{}); c["Ronald W. Reagan"] != 5 || c["Agreement"] != 0 || c["Reagan"] != 0 {
		t.Errorf("after a rebuild: %v", c)
	}

	// Undo, newest first, gives back exactly what was there.
	for _, id := range []string{rename.ID, hide.ID, merge.ID} {
		if _, err := ix.UndoPersonEdit(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ix.UndoPersonEdit(ctx, merge.ID); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("undoing an edit twice: %v", err)
	}
	got := facetCounts(t, ix, corpus.Query{})
	want := map[string]int{"Reagan": 3, "Ronald Reagan": 3, "Agreement": 3, "Paul Volcker": 2, "George Shultz": 3}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("after undoing every edit: %v, want %v", got, want)
			break
		}
	}
	a, _ = ix.Article(ctx, "p3")
	if !slices.Equal(a.Persons, []string{"Reagan", "Ronald Reagan", "George Shultz"}) {
		t.Errorf("p3 after undo: %q", a.Persons)
	}
	if _, err := os.Stat(filepath.Join(dir, index.RecordsFile)); err != nil {
		t.Fatal(err)
	}
}

// TestPeopleEditsSurviveABackup: a backup holds the edits, and the copy serves
// them.
func TestPeopleEditsSurviveABackup(t *testing.T) {
	ix, ctx := openPeople(t)
	if _, err := ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.MergeAction, From: "Reagan", Into: "Ronald Reagan"}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy")
	if err := ix.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	cp, err := index.Open(dest, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if c := facetCounts(t, cp, corpus.Query{}); c["Reagan"] != 0 || c["Ronald Reagan"] != 4 {
		t.Errorf("the copy's facet: %v", c)
	}
	if edits, _ := cp.PersonEdits(ctx); len(edits) != 1 {
		t.Errorf("the copy's edits: %+v", edits)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestLearnedAliases: a name RenamePersons moved stays an alias of the person
// it became (also through a later edit of that person), and looking it up leads
// there.
func TestLearnedAliases(t *testing.T) {
	ix, ctx := openPeople(t)
	if _, err := ix.RenamePersons(ctx, map[string]string{"Reagan": "Ronald Reagan"}); err != nil {
		t.Fatal(err)
	}
	look, err := ix.LookUpPerson(ctx, "Reagan")
	if err != nil || look.Canonical != "Ronald Reagan" || look.Via != "name book" {
		t.Errorf("Reagan looks up as %+v (%v)", look, err)
	}
	if _, err := ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.RenameAction, From: "Ronald Reagan", Into: "Ronald W. Reagan"}); err != nil {
		t.Fatal(err)
	}
	p, err := ix.PersonProfile(ctx, "Ronald W. Reagan", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []corpus.PersonAlias{{Name: "Ronald Reagan", Via: "rename"}, {Name: "Reagan", Via: "name book"}}
	if !slices.Equal(p.Aliases, want) {
		t.Errorf("aliases %+v, want %+v", p.Aliases, want)
	}
	if look, _ := ix.LookUpPerson(ctx, "Reagan"); look.Canonical != "Ronald W. Reagan" {
		t.Errorf("Reagan after the rename looks up as %+v", look)
	}
	res, err := ix.Search(ctx, corpus.Query{Persons: []string{"Reagan"}})
	if err != nil || res.Total != 4 || len(res.Notices) == 0 {
		t.Errorf("person=Reagan: %v hits, notices %q (%v); want Ronald W. Reagan's 4", res.Total, res.Notices, err)
	}
}

// TestPersonTimelineByDay: a person named within two months gets a timeline
// per day, each day beside all the archive's articles of that day.
func TestPersonTimelineByDay(t *testing.T) {
	ix, ctx := openPeople(t)
	day := func(d int) time.Time { return time.Date(1988, 3, d, 9, 0, 0, 0, time.UTC) }
	_, err := ix.Put(ctx, []corpus.Article{
		{ID: "d1", Title: "Day one", Body: "Ada Lovelace spoke on the first.", Published: day(1), Persons: []string{"Ada Lovelace"}},
		{ID: "d2", Title: "Day one again", Body: "Someone else spoke on the first.", Published: day(1)},
		{ID: "d3", Title: "Day three", Body: "Ada Lovelace spoke on the third.", Published: day(3), Persons: []string{"Ada Lovelace"}},
		{ID: "d4", Title: "Undated", Body: "Ada Lovelace, undated.", Persons: []string{"Ada Lovelace"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ix.PersonProfile(ctx, "Ada Lovelace", 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key        string
		count, all int
	}{{"1988-03-01", 1, 2}, {"1988-03-02", 0, 0}, {"1988-03-03", 1, 1}}
	if p.DateUnit != corpus.Day || p.Undated != 1 || len(p.Timeline) != len(want) {
		t.Fatalf("timeline by %s, %d undated: %+v", p.DateUnit, p.Undated, p.Timeline)
	}
	for i, w := range want {
		if b := p.Timeline[i]; b.Key != w.key || b.Count != w.count || b.All != w.all {
			t.Errorf("bucket %d: %+v, want %+v", i, b, w)
		}
	}
	if p.Timeline[0].Share != 0.5 {
		t.Errorf("share of the first: %v", p.Timeline[0].Share)
	}
}
