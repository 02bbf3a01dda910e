package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word, number or punctuation mark of an article. Text is a slice of
// the input, so tokenizing allocates only the slice of tokens.
type token struct {
	text  string
	start int
	kind  tokenKind
	// upper: the first letter is upper case; allCaps: two or more letters, all upper
	// case (an acronym, or a headline set in capitals).
	upper, allCaps bool
	// poss: the word was followed by 's, which is not part of text.
	poss bool
	// newline: a line break separates this token from the one before.
	newline bool
	// initial: a single capital letter with a period, as in "J. Smith".
	initial bool
}

// end is the byte offset just past the token's text.
func (t *token) end() int { return t.start + len(t.text) }

type tokenKind uint8

const (
	tokWord tokenKind = iota
	tokNumber
	tokPunct
)

// abbreviations keep their period inside the word, so that "Mr." and "Gen." are one
// token and the period is not taken for the end of a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true,
	"gen": true, "sen": true, "rep": true, "gov": true, "lt": true, "col": true, "capt": true,
	"sgt": true, "prof": true, "rev": true, "mt": true, "ft": true, "inc": true, "corp": true,
	"co": true, "ltd": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"vs": true, "adm": true, "maj": true, "cmdr": true, "cpl": true, "pvt": true, "hon": true,
	"esq": true, "messrs": true, "mme": true, "mlle": true, "supt": true, "det": true,
}

// tokenize splits text into tokens in one pass over the bytes, without regular
// expressions, because it runs on every article.
func tokenize(s string, toks []token) []token {
	newline := false
	for i := 0; i < len(s); {
		c := s[i]
		var r rune = rune(c)
		size := 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			newline = true
			i += size
		case r == ' ' || r == '\t' || r == '\r' || (r >= utf8.RuneSelf && unicode.IsSpace(r)):
			i += size
		case (r == '\'' || r == '’') && isPossessiveS(s, i+size):
			// A tokenized "Trump 's" (CoNLL) marks the word before as possessive.
			if n := len(toks); n > 0 && toks[n-1].kind == tokWord {
				toks[n-1].poss = true
			}
			i += size + 1
		case isLetter(r):
			t, next := scanWord(s, i)
			t.newline = newline
			newline = false
			toks = append(toks, t)
			i = next
		case r >= '0' && r <= '9':
			j := i + 1
			for j < len(s) && (isDigit(s[j]) || ((s[j] == '.' || s[j] == ',' || s[j] == ':') && j+1 < len(s) && isDigit(s[j+1]))) {
				j++
			}
			toks = append(toks, token{text: s[i:j], start: i, kind: tokNumber, newline: newline})
			newline = false
			i = j
		default:
			toks = append(toks, token{text: s[i : i+size], start: i, kind: tokPunct, newline: newline})
			newline = false
			i += size
		}
	}
	return toks
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// isPossessiveS reports whether s[i:] starts with an "s" that ends a word.
func isPossessiveS(s string, i int) bool {
	if i >= len(s) || (s[i] != 's' && s[i] != 'S') {
		return false
	}
	if i+1 == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return !isLetter(r) && !(r >= '0' && r <= '9')
}

// scanWord reads the word starting at s[i]: letters and digits, with inner
// apostrophes (O'Brien), hyphens (Jean-Claude) and the periods of initials and
// abbreviations (U.S., J., Mr.). A final 's is cut off and recorded as poss.
func scanWord(s string, i int) (token, int) {
	t := token{start: i, kind: tokWord}
	j := i
	letters, uppers := 0, 0
	for j < len(s) {
		r, size := rune(s[j]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[j:])
		}
		switch {
		case isLetter(r) || (r >= '0' && r <= '9') || (r >= utf8.RuneSelf && unicode.IsMark(r)):
			if isLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					uppers++
				}
			}
			j += size
			continue
		case r == '\'' || r == '’':
			if isPossessiveS(s, j+size) {
				t.poss = true
				t.text = s[i:j]
				return finishWord(t, letters, uppers), j + size + 1
			}
			if j+size < len(s) {
				if n, _ := utf8.DecodeRuneInString(s[j+size:]); isLetter(n) {
					j += size
					continue
				}
			}
		case r == '-' || r == '‐':
			if j+size < len(s) {
				if n, _ := utf8.DecodeRuneInString(s[j+size:]); isLetter(n) {
					j += size
					continue
				}
			}
		case r == '.':
			word := s[i:j]
			// An initial (J.), an acronym with periods (U.S., W.S.J.) or a known
			// abbreviation keeps its period.
			if letters == 1 && j-i <= 4 || strings.Contains(word, ".") ||
				(j+2 < len(s) && isLetter(rune(s[j+1])) && s[j+2] == '.') ||
				isAbbreviation(word) {
				j++
				continue
			}
		}
		break
	}
	t.text = s[i:j]
	return finishWord(t, letters, uppers), j
}

func finishWord(t token, letters, uppers int) token {
	if t.text == "" {
		return t
	}
	r, _ := utf8.DecodeRuneInString(t.text)
	t.upper = unicode.IsUpper(r)
	t.allCaps = letters >= 2 && uppers == letters
	t.initial = letters == 1 && t.upper && len(t.text) <= 4 && strings.HasSuffix(t.text, ".")
	return t
}

func isAbbreviation(w string) bool {
	if len(w) > 6 {
		return false
	}
	var buf [8]byte
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[k] = c
	}
	return abbreviations[string(buf[:len(w)])]
}

// SplitTitle splits a plain-text article into title and body: the first non-empty
// line is the title when it reads as a headline (short, no sentence-final period,
// mostly capitalized words or under about 15 words, not a dateline paragraph);
// otherwise title is "" and body is the whole text, trimmed.
func SplitTitle(text string) (title, body string) {
	text = strings.TrimLeft(text, " \t\r\n\ufeff")
	line, rest, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	rest = strings.TrimSpace(rest)
	if line == "" || rest == "" || !isHeadline(line) {
		return "", strings.TrimSpace(text)
	}
	return line, rest
}

// isHeadline reports whether a line reads as a headline rather than the first
// sentence or dateline of the body.
func isHeadline(line string) bool {
	if len(line) > 200 {
		return false
	}
	if _, _, ok := parseDateline(line); ok {
		return false
	}
	words := strings.Fields(line)
	if len(words) > 25 {
		return false
	}
	last := words[len(words)-1]
	switch {
	case strings.HasSuffix(last, ",") || strings.HasSuffix(last, ";"):
		return false
	case strings.HasSuffix(last, "."):
		// "U.S." or "Inc." end a headline; any other period ends a sentence.
		if !isAbbreviation(strings.TrimSuffix(last, ".")) && !strings.Contains(strings.TrimSuffix(last, "."), ".") {
			return false
		}
	}
	if len(words) < 15 {
		return true
	}
	capital := 0
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		}
	}
	return capital*10 >= len(words)*6
}
