package corpus

import "strings"

// A word diff: what a copy of a story changed compared with the first copy, for
// the story view. Texts are split into words at white space (punctuation stays on
// its word, so "said." and "said" differ), and the shortest edit script is found
// with Myers' O(ND) algorithm ("An O(ND) Difference Algorithm and Its
// Variations", 1986) after the common head and tail are set aside. It is bounded:
// each text is cut at MaxDiffWords words, and an edit script longer than
// maxDiffEdits words is not searched for: the middle is then given as one
// deletion and one insertion, and Truncated says so. Copies of one story differ
// by a few edits, so the bound is rarely met.

// MaxDiffWords is how many words of each text a word diff compares.
const MaxDiffWords = 5000

// maxDiffEdits bounds the edits (D) the search goes to; its memory is about
// maxDiffEdits² small integers.
const maxDiffEdits = 600

// Kinds of DiffOp.
const (
	DiffEqual  = "equal"
	DiffInsert = "insert"
	DiffDelete = "delete"
)

// DiffOp is a run of words a diff keeps, inserts or deletes.
type DiffOp struct {
	Op   string `json:"op"`
	Text string `json:"text"`
	// Words is how many words Text holds (for an equal run shortened to its
	// edges, the words of the whole run).
	Words int `json:"words"`
}

// WordDiff is what one text changed compared with another.
type WordDiff struct {
	Inserted int `json:"inserted"`
	Deleted  int `json:"deleted"`
	// Truncated says the texts were longer than MaxDiffWords words, or too
	// different for the edits to be found word by word: the diff is coarser.
	Truncated bool     `json:"truncated"`
	Ops       []DiffOp `json:"ops"`
}

// DiffWords returns the word diff that turns from into to. Equal runs longer
// than 2×context words are shortened to their first and last context words
// around " … " (context < 0 keeps them whole).
func DiffWords(from, to string, context int) WordDiff {
	a, b := strings.Fields(from), strings.Fields(to)
	var d WordDiff
	if len(a) > MaxDiffWords {
		a, d.Truncated = a[:MaxDiffWords], true
	}
	if len(b) > MaxDiffWords {
		b, d.Truncated = b[:MaxDiffWords], true
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []rawOp
	ops = append(ops, rawOp{DiffEqual, a[:pre]})
	mid, ok := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	if !ok {
		d.Truncated = true
		mid = []rawOp{{DiffDelete, a[pre : len(a)-suf]}, {DiffInsert, b[pre : len(b)-suf]}}
	}
	ops = append(ops, mid...)
	ops = append(ops, rawOp{DiffEqual, a[len(a)-suf:]})
	d.Ops = []DiffOp{}
	for _, op := range merge(ops) {
		switch op.op {
		case DiffInsert:
			d.Inserted += len(op.words)
		case DiffDelete:
			d.Deleted += len(op.words)
		}
		text := strings.Join(op.words, " ")
		if op.op == DiffEqual && context >= 0 && len(op.words) > 2*context {
			text = strings.Join(op.words[:context], " ") + " … " + strings.Join(op.words[len(op.words)-context:], " ")
			text = strings.TrimSpace(text)
		}
		d.Ops = append(d.Ops, DiffOp{Op: op.op, Text: text, Words: len(op.words)})
	}
	return d
}

type rawOp struct {
	op    string
	words []string
}

// merge drops empty runs and joins neighbours of one kind.
func merge(ops []rawOp) []rawOp {
	var out []rawOp
	for _, op := range ops {
		if len(op.words) == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].op == op.op {
			out[n-1].words = append(out[n-1].words[:len(out[n-1].words):len(out[n-1].words)], op.words...)
			continue
		}
		out = append(out, op)
	}
	return out
}

// myers returns the shortest edit script from a to b, or false when it is longer
// than maxDiffEdits. It keeps the frontier of every round to trace the path back.
func myers(a, b []string) ([]rawOp, bool) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return []rawOp{{DiffDelete, a}, {DiffInsert, b}}, true
	}
	maxD := min(n+m, maxDiffEdits)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		// Only the diagonals -d..d matter in round d.
		snap := make([]int, 2*d+1)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: an insertion
			} else {
				x = v[off+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				for kk := -d; kk <= d; kk += 2 {
					snap[kk+d] = v[off+kk]
				}
				trace = append(trace, snap)
				return backtrack(a, b, trace), true
			}
		}
		for k := -d; k <= d; k += 2 {
			snap[k+d] = v[off+k]
		}
		trace = append(trace, snap)
	}
	return nil, false
}

// backtrack walks the rounds of myers back from the end of both texts.
func backtrack(a, b []string, trace [][]int) []rawOp {
	var rev []rawOp
	x, y := len(a), len(b)
	at := func(d, k int) int { return trace[d][k+d] }
	for d := len(trace) - 1; d > 0; d-- {
		k := x - y
		var prevK int
		if k == -d || (k != d && at(d-1, k-1) < at(d-1, k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(d-1, prevK)
		prevY := prevX - prevK
		// Equal words from the edit's end to (x, y).
		var ex, ey int
		if prevK == k+1 { // insertion of b[prevY]
			ex, ey = prevX, prevY+1
		} else { // deletion of a[prevX]
			ex, ey = prevX+1, prevY
		}
		if x > ex {
			rev = append(rev, rawOp{DiffEqual, a[ex:x]})
		}
		if prevK == k+1 {
			rev = append(rev, rawOp{DiffInsert, b[prevY:ey]})
		} else {
			rev = append(rev, rawOp{DiffDelete, a[prevX:ex]})
		}
		x, y = prevX, prevY
	}
	if x > 0 {
		rev = append(rev, rawOp{DiffEqual, a[:x]})
	}
	out := make([]rawOp, len(rev))
	for i, op := range rev {
		out[len(rev)-1-i] = op
	}
	return out
}
