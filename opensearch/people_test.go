package opensearch_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/internal/behaviour"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/opensearch"
)

// testPeopleShared: two engines on one index stand for two servers sharing the
// cluster. An edit made through one is applied by the other to the articles it
// stores later (its version check), hidden names are gone from its exports, and
// an undo made through the other gives those articles back their names.
func testPeopleShared(t *testing.T, c *ostest.Cluster) {
	a := openSet(t, c, "")
	b, err := opensearch.Open(context.Background(), opensearch.Config{URLs: c.URLs, Index: a.Index()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if _, err := a.Put(ctx, []corpus.Article{
		art("s1", "Wire", "1985-01-02", "Budget", "the president spoke", "Reagan", "Tip O'Neill"),
		art("s2", "Wire", "1985-01-03", "Summit", "the president flew", "Ronald Reagan", "Agreement"),
	}); err != nil {
		t.Fatal(err)
	}
	// b reads the (empty) edits first, so that it holds a layer to keep or drop.
	if _, err := b.PersonEdits(ctx); err != nil {
		t.Fatal(err)
	}
	merge, err := a.EditPeople(ctx, corpus.PersonEdit{Action: corpus.MergeAction, From: "Reagan", Into: "Ronald Reagan", Who: "test"})
	if err != nil {
		t.Fatal(err)
	}
	hide, err := a.EditPeople(ctx, corpus.PersonEdit{Action: corpus.HideAction, Name: "Agreement", Who: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(ctx, []corpus.Article{art("s3", "Ledger", "1985-01-04", "Later", "the president again", "Reagan", "Agreement")}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Article(ctx, "s3")
	if err != nil || !slices.Equal(got.Persons, []string{"Ronald Reagan"}) {
		t.Errorf("s3 stored through the other engine after the edits: %q %v, want [Ronald Reagan]", got.Persons, err)
	}
	var exported []string
	err = b.Export(ctx, corpus.Query{}, func(h corpus.Hit) error {
		exported = append(exported, h.Persons...)
		return nil
	})
	if err != nil || slices.Contains(exported, "Agreement") || slices.Contains(exported, "Reagan") {
		t.Errorf("exported persons %q %v: the hidden and merged names must be gone", exported, err)
	}
	// s3 sent again as extracted is a repeat, not an update: the fingerprint is
	// of the extracted names.
	if out, err := a.Put(ctx, []corpus.Article{art("s3", "Ledger", "1985-01-04", "Later", "the president again", "Reagan", "Agreement")}); err != nil || out[0] != corpus.Unchanged {
		t.Errorf("s3 sent again: %v %v, want unchanged", out, err)
	}
	for _, id := range []string{hide.ID, merge.ID} {
		if _, err := b.UndoPersonEdit(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string][]string{"s1": {"Reagan", "Tip O'Neill"}, "s2": {"Ronald Reagan", "Agreement"}, "s3": {"Reagan", "Agreement"}} {
		if got, err := a.Article(ctx, id); err != nil || !slices.Equal(got.Persons, want) {
			t.Errorf("%s after both undos: %q %v, want %q", id, got.Persons, err, want)
		}
	}
	if edits, err := a.PersonEdits(ctx); err != nil || len(edits) != 0 {
		t.Errorf("edits after both undos: %+v %v", edits, err)
	}
}

// testAttentionEstimate: a line matching more articles than the engine counts
// exactly is estimated, and the answer says so; on a handful of stories the
// estimate is still the count.
func testAttentionEstimate(t *testing.T, c *ostest.Cluster) {
	exact := openSet(t, c, behaviour.PeopleSet)
	e, err := opensearch.Open(context.Background(), opensearch.Config{URLs: c.URLs, Index: exact.Index(), AttentionExact: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	q, opts := corpus.Query{Text: "budget"}, corpus.AttentionOptions{Outlets: 2, Compare: "summit"}
	want, err := exact.Attention(context.Background(), q, opts)
	if err != nil || want.Approximate {
		t.Fatalf("counted exactly: %+v %v", want, err)
	}
	got, err := e.Attention(context.Background(), q, opts)
	if err != nil || !got.Approximate {
		t.Fatalf("estimated: %+v %v, want approximate", got, err)
	}
	got.Approximate = false
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("estimate on few stories (-exact +estimate):\n%s", diff)
	}
}
