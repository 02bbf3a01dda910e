package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// rebuild returns the two texts a diff with whole equal runs describes.
func rebuild(d WordDiff) (from, to string) {
	var a, b []string
	for _, op := range d.Ops {
		if op.Op != DiffInsert {
			a = append(a, op.Text)
		}
		if op.Op != DiffDelete {
			b = append(b, op.Text)
		}
	}
	return strings.Join(a, " "), strings.Join(b, " ")
}

// lcs is the length of the longest common subsequence, by dynamic programming.
func lcs(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestDiffWordsExample(t *testing.T) {
	d := DiffWords("The council voted on Tuesday to close the old bridge.",
		"The city council voted on Monday to close the bridge.", -1)
	if d.Inserted != 2 || d.Deleted != 2 {
		t.Errorf("inserted %d, deleted %d; want 2 and 2: %+v", d.Inserted, d.Deleted, d.Ops)
	}
	var ins, del []string
	for _, op := range d.Ops {
		switch op.Op {
		case DiffInsert:
			ins = append(ins, op.Text)
		case DiffDelete:
			del = append(del, op.Text)
		}
	}
	if strings.Join(ins, "|") != "city|Monday" || strings.Join(del, "|") != "Tuesday|old" {
		t.Errorf("inserted %q, deleted %q", ins, del)
	}
}

// TestDiffWordsMinimal checks on random texts that a diff turns one text into the
// other and is a shortest one: its kept words are a longest common subsequence.
func TestDiffWordsMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields("a b c d e f g")
	for range 500 {
		words := func() []string {
			w := make([]string, r.IntN(30))
			for i := range w {
				w[i] = vocab[r.IntN(len(vocab))]
			}
			return w
		}
		a, b := words(), words()
		d := DiffWords(strings.Join(a, " "), strings.Join(b, " "), -1)
		from, to := rebuild(d)
		if from != strings.Join(a, " ") || to != strings.Join(b, " ") {
			t.Fatalf("diff of %q and %q rebuilds %q and %q", a, b, from, to)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); d.Inserted+d.Deleted != want {
			t.Fatalf("diff of %q and %q has %d edits; the shortest has %d", a, b, d.Inserted+d.Deleted, want)
		}
	}
}

// TestDiffWordsBounded: texts past the bounds get a coarse diff, fast.
func TestDiffWordsBounded(t *testing.T) {
	var a, b strings.Builder
	for i := range 20000 {
		a.WriteString("w")
		a.WriteString(strings.Repeat("x", i%7))
		a.WriteByte(' ')
		b.WriteString("v")
		b.WriteString(strings.Repeat("y", i%5))
		b.WriteByte(' ')
	}
	d := DiffWords(a.String(), b.String(), 5)
	if !d.Truncated || d.Deleted != MaxDiffWords || d.Inserted != MaxDiffWords {
		t.Errorf("truncated %v, deleted %d, inserted %d; want a coarse diff of %d words each", d.Truncated, d.Deleted, d.Inserted, MaxDiffWords)
	}
	short := DiffWords("one two three four five six seven eight nine ten eleven twelve", "one two three four five six seven eight nine ten eleven twelve thirteen", 2)
	if len(short.Ops) != 2 || short.Ops[0].Text != "one two … eleven twelve" || short.Ops[0].Words != 12 {
		t.Errorf("shortened ops: %+v", short.Ops)
	}
}

// BenchmarkDiffWords times the word diff of a 5,000-word copy with 40 edits, and
// of two 5,000-word texts with nothing in common (the bound on edits is met).
//
//	go test ./corpus -run '^$' -bench DiffWords
func BenchmarkDiffWords(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	words := func(n int, prefix string) []string {
		w := make([]string, n)
		for i := range w {
			w[i] = fmt.Sprintf("%s%d", prefix, r.IntN(2000))
		}
		return w
	}
	base := words(MaxDiffWords, "w")
	edited := slices.Clone(base)
	for range 40 {
		edited[r.IntN(len(edited))] = "changed"
	}
	other := words(MaxDiffWords, "v")
	for _, c := range []struct {
		name     string
		from, to string
	}{
		{"copy-40-edits", strings.Join(base, " "), strings.Join(edited, " ")},
		{"unrelated", strings.Join(base, " "), strings.Join(other, " ")},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				DiffWords(c.from, c.to, 6)
			}
		})
	}
}
