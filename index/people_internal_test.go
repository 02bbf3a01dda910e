package index

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// TestPeopleEditsFinishAfterACrash: an edit stored in the record store whose
// re-indexing never ran (the process died in between) is applied by the next
// open, and an undo likewise.
func TestPeopleEditsFinishAfterACrash(t *testing.T) {
	dir, ix, ctx := openReagans(t, corpus.Article{ID: "c", Title: "Three", Body: "The Agreement.", Persons: []string{"Agreement"}})
	// What EditPeople stores, without the re-indexing that follows.
	accept := func(corpus.PersonEdit) error { return nil }
	merge, err := ix.records.addPersonEdit(corpus.PersonEdit{Action: corpus.MergeAction, From: "Reagan", Into: "Ronald Reagan"}, accept)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.records.addPersonEdit(corpus.PersonEdit{Action: corpus.HideAction, Name: "Agreement"}, accept); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	count := func(ix *Index, name string) int {
		n, err := ix.personCount(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if count(ix, "Reagan") != 0 || count(ix, "Ronald Reagan") != 2 || count(ix, "Agreement") != 0 {
		t.Errorf("after reopening: Reagan %d, Ronald Reagan %d, Agreement %d; want 0, 2, 0",
			count(ix, "Reagan"), count(ix, "Ronald Reagan"), count(ix, "Agreement"))
	}
	// An undo cut short the same way.
	if err := ix.records.deletePersonEdit(merge.ID); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if count(ix, "Reagan") != 1 || count(ix, "Ronald Reagan") != 1 || count(ix, "Agreement") != 0 {
		t.Errorf("after the undo and reopening: Reagan %d, Ronald Reagan %d, Agreement %d; want 1, 1, 0",
			count(ix, "Reagan"), count(ix, "Ronald Reagan"), count(ix, "Agreement"))
	}
}

// TestRepairKeepsPeopleEdits: the copy Repair makes of a damaged record store
// keeps the people edits and the names RenamePersons moved, and numbers new
// edits after them.
func TestRepairKeepsPeopleEdits(t *testing.T) {
	dir, ix, ctx := openReagans(t, corpus.Article{ID: "c", Title: "Three", Body: "Paul Volcker and Volcker.", Persons: []string{"Volcker", "Paul Volcker"}})
	if _, err := ix.RenamePersons(ctx, map[string]string{"Volcker": "Paul Volcker"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.EditPeople(ctx, corpus.PersonEdit{Action: corpus.MergeAction, From: "Reagan", Into: "Ronald Reagan"}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "salvaged.db")
	if _, err := salvageInto(ctx, filepath.Join(dir, RecordsFile), copyPath, time.Second, nil, 0); err != nil {
		t.Fatal(err)
	}
	recs, err := openRecordsAt(copyPath, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer recs.close()
	edits, err := recs.personEdits()
	if err != nil || len(edits) != 1 || edits[0].From != "Reagan" {
		t.Fatalf("the salvaged edits: %+v (%v)", edits, err)
	}
	if to, err := recs.learnedAlias("Volcker"); err != nil || to != "Paul Volcker" {
		t.Errorf("the salvaged alias of Volcker: %q (%v)", to, err)
	}
	next, err := recs.addPersonEdit(corpus.PersonEdit{Action: corpus.HideAction, Name: "x"}, func(corpus.PersonEdit) error { return nil })
	if err != nil || next.ID != "2" {
		t.Errorf("the next edit after a salvage is %q (%v), want 2", next.ID, err)
	}
}

// openReagans opens a new archive of two articles naming Reagan two ways, and
// more.
func openReagans(t *testing.T, more ...corpus.Article) (string, *Index, context.Context) {
	t.Helper()
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = ix.Put(ctx, append([]corpus.Article{
		{ID: "a", Title: "One", Body: "Reagan spoke.", Persons: []string{"Reagan"}},
		{ID: "b", Title: "Two", Body: "Ronald Reagan spoke.", Persons: []string{"Ronald Reagan"}},
	}, more...))
	if err != nil {
		t.Fatal(err)
	}
	return dir, ix, ctx
}
