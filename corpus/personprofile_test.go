package corpus_test

import (
	"testing"

	"github.com/article-archive/archive/corpus"
)

// TestCoMentionScore: a pair that always appears together outranks one that
// shares more articles only because both are everywhere, and a pair seen twice
// does not outrank one seen twenty times at the same ratio.
func TestCoMentionScore(t *testing.T) {
	rare, _ := corpus.CoMentionScore(10, 20, 10, 10000)         // all of b's articles name a
	frequent, _ := corpus.CoMentionScore(100, 20000, 5000, 1e5) // what chance gives
	if rare <= frequent {
		t.Errorf("rare pair %.2f, frequent pair %.2f", rare, frequent)
	}
	few, _ := corpus.CoMentionScore(2, 4, 4, 1000)
	many, _ := corpus.CoMentionScore(20, 40, 40, 10000)
	if few >= many {
		t.Errorf("2 of 4: %.2f, 20 of 40: %.2f", few, many)
	}
}

// TestPersonLayer: merges chain, a hide hides what was merged into the hidden
// name, a cycle is refused, and Changed names what an undo gives back.
func TestPersonLayer(t *testing.T) {
	edits := []corpus.PersonEdit{
		{ID: "1", Action: corpus.MergeAction, From: "Reagan", Into: "Ronald Reagan"},
		{ID: "2", Action: corpus.RenameAction, From: "Ronald Reagan", Into: "Ronald W. Reagan"},
		{ID: "3", Action: corpus.HideAction, Name: "Agreement"},
	}
	l, err := corpus.CompilePersonLayer(edits)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Apply([]string{"Reagan", "Agreement", "Jim Wright"}); len(got) != 2 || got[0] != "Ronald W. Reagan" || got[1] != "Jim Wright" {
		t.Errorf("applied: %q", got)
	}
	undone, _ := corpus.CompilePersonLayer(edits[1:])
	if got := undone.Changed(l); len(got) != 1 || got[0] != "Reagan" {
		t.Errorf("undoing the merge changes %q, want [Reagan]", got)
	}
	if _, err := corpus.CompilePersonLayer(append(edits, corpus.PersonEdit{ID: "4", Action: corpus.MergeAction, From: "Ronald W. Reagan", Into: "Reagan"})); err == nil {
		t.Error("a cycle compiled")
	}
}
