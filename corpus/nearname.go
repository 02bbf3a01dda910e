package corpus

import (
	"slices"
	"strings"
	"unicode"
)

// NameDistance tells how far a folded value is from a wanted one, when it is near
// enough to suggest (a filter value that matches nothing gets the nearest as
// "did you mean"), from nearest: a value holding every wanted word (or word
// start) is at 1 ("volcker" for Paul Volcker); a value within maxDist edits at its
// edit distance ("paul volker"); a value with a word within maxDist edits of a
// one-word wanted value one further ("volker"); a value sharing a word of three
// letters or more at maxDist+2 ("mr greenspan" for Alan Greenspan).
func NameDistance(want, got string, maxDist int) (int, bool) {
	if want == "" {
		return 0, false
	}
	if containsWords(got, want) {
		return 1, true
	}
	if abs(len(want)-len(got)) <= maxDist {
		if d := editDistance(want, got, maxDist); d <= maxDist {
			return d, true
		}
	}
	gotWords := strings.Fields(got)
	wantWords := strings.Fields(want)
	if len(wantWords) == 1 {
		best := maxDist + 1
		for _, w := range gotWords {
			if abs(len(want)-len(w)) <= maxDist {
				best = min(best, editDistance(want, w, maxDist))
			}
		}
		if best <= maxDist {
			return best + 1, true
		}
	}
	for _, w := range wantWords {
		if len(w) >= 3 && slices.Contains(gotWords, w) {
			return maxDist + 2, true
		}
	}
	return 0, false
}

// containsWords reports whether every word of want starts a word of got.
func containsWords(got, want string) bool {
	words := strings.Fields(got)
	for _, w := range strings.Fields(want) {
		if !slices.ContainsFunc(words, func(g string) bool { return strings.HasPrefix(g, w) }) {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance of a and b in bytes, or more than
// limit as soon as it must be.
func editDistance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// NameWords splits a name, or the start of one, into lowercase words of letters
// and digits, as the engines' analyzed copies of the person and outlet fields
// hold them: facet value search matches a typed prefix against them.
func NameWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// MatchesWords tells whether value has every word of words (NameWords), the last
// as a prefix: "joe b" matches Joe Biden.
func MatchesWords(value string, words []string) bool {
	have := NameWords(value)
	for i, w := range words {
		if !slices.ContainsFunc(have, func(h string) bool {
			return h == w || (i == len(words)-1 && strings.HasPrefix(h, w))
		}) {
			return false
		}
	}
	return true
}

// RenamePersons maps each name through renames ("" drops it), keeping the first
// of names that become one: how the engines give earlier articles the names the
// archive learned later.
func RenamePersons(persons []string, renames map[string]string) []string {
	out := make([]string, 0, len(persons))
	for _, p := range persons {
		if to, ok := renames[p]; ok {
			p = to
		}
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
