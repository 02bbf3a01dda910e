package corpus

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns a name as filters compare it: lower case, without accents, and
// with punctuation and runs of spaces reduced to one space, so that "paul
// volcker", "Paul  Volcker" and "PAUL VOLCKER" are one name, and "Müller" is
// "muller".
func Fold(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’' || r == '.':
			// O'Brien, J.R.R.: part of the word
		default:
			space = true
		}
	}
	return b.String()
}
