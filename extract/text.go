package extract

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
// expressions, because it runs on every article. A line break that only wraps a
// paragraph of hard-wrapped text (see wrapWidth) does not mark the token after
// it as starting a line, so that "Chairman Paul\nVolcker" is one name. lines is
// a buffer for the shapes of the lines, returned for reuse.
func tokenize(s string, toks []token, lines []lineInfo) ([]token, []lineInfo) {
	newline := false
	lines = measureLines(s, lines[:0])
	width := wrapWidth(lines)
	line := 0
	for i := 0; i < len(s); {
		c := s[i]
		var r rune = rune(c)
		size := 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			if r != '\n' || width == 0 || !softBreak(lines[line], lines[line+1], line == 0, width) {
				newline = true
			}
			if r == '\n' {
				line++
			}
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
			if n := gluedVerb(t.text); n > 0 && !t.poss {
				// "Alexis Madrigalreports": the page's markup lost the space
				// between a byline and its verb.
				toks = append(toks, token{text: t.text[:n], start: t.start, kind: tokWord, upper: true, newline: t.newline},
					token{text: t.text[n:], start: t.start + n, kind: tokWord})
				i = next
				continue
			}
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
	return toks, lines
}

// gluedSuffixes are the verbs of a byline or a quote that markup may glue to the
// name before them; notGluedPrefixes are English words that make a word of one
// ("Foretold", "Gainsaid", "Overwrites").
var (
	gluedSuffixes    = []string{"reports", "reported", "writes", "wrote", "says", "said", "told"}
	notGluedPrefixes = map[string]bool{"fore": true, "afore": true, "gain": true, "over": true, "under": true,
		"out": true, "mis": true, "copy": true, "ghost": true, "hand": true, "type": true, "sky": true, "counter": true}
)

// gluedVerb returns the length of the name in a capitalized word that is a name
// glued to a lower-case verb of gluedSuffixes ("Madrigalreports"), or 0: the name
// must be one the name lists know as a surname or given name, four letters or more.
func gluedVerb(w string) int {
	if len(w) < 9 || w[0] < 'A' || w[0] > 'Z' {
		return 0
	}
	for k := 1; k < len(w); k++ {
		if w[k] < 'a' || w[k] > 'z' {
			return 0
		}
	}
	for _, v := range gluedSuffixes {
		n := len(w) - len(v)
		if n < 4 || w[n:] != v {
			continue
		}
		name := strings.ToLower(w[:n])
		if !notGluedPrefixes[name] && loadLexicon().words[name]&(wFirst|wLast|wGiven) != 0 {
			return n
		}
	}
	return 0
}

// lineKind sorts the lines of a text by layout.
type lineKind uint8

const (
	lineBlank lineKind = iota
	lineProse          // words in upper and lower case
	lineCaps           // no lower-case letter: a headline, a dateline, a heading
	lineTable          // columns, dot leaders or mostly numbers: a table or a market report
)

// lineShape measures one line (without its line break): its indentation and
// length in characters, the length of its first word, and its kind.
func lineShape(line string) (indent, length, first int, kind lineKind) {
	line = strings.TrimRight(line, " \t\r")
	for indent < len(line) && (line[indent] == ' ' || line[indent] == '\t') {
		indent++
	}
	if indent == len(line) {
		return indent, 0, 0, lineBlank
	}
	length = utf8.RuneCountInString(line)
	words, numbers, lower, upper := 0, 0, 0, 0
	inWord, wordDigits, wordLetters := false, false, false
	endWord := func() {
		if inWord {
			words++
			if wordDigits && !wordLetters {
				numbers++
			}
		}
		inWord, wordDigits, wordLetters = false, false, false
	}
	spaces := 0
	var prev rune
	for k, r := range line[indent:] {
		switch {
		case r == ' ' || r == '\t':
			if r == '\t' {
				spaces = 2
			}
			spaces++
			// Two spaces apart columns, unless they follow the end of a sentence
			// as typists write it.
			if spaces >= 2 && !(spaces == 2 && r == ' ' && (prev == '.' || prev == '?' || prev == '!' || prev == ':')) {
				return indent, length, first, lineTable
			}
			if first == 0 {
				first = utf8.RuneCountInString(line[indent : indent+k])
			}
			endWord()
			continue
		case r == '.' && k+2 < len(line)-indent && line[indent+k+1] == '.' && line[indent+k+2] == '.':
			return indent, length, first, lineTable // dot leaders
		case r >= '0' && r <= '9':
			wordDigits = true
		case r >= 'a' && r <= 'z' || r >= utf8.RuneSelf && unicode.IsLower(r):
			lower++
			wordLetters = true
		case r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsUpper(r):
			upper++
			wordLetters = true
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			wordLetters = true
		}
		spaces = 0
		inWord = true
		prev = r
	}
	endWord()
	if first == 0 {
		first = length - indent
	}
	switch {
	case words > 0 && numbers*3 >= words:
		kind = lineTable
	case lower == 0 && upper >= 2:
		kind = lineCaps
	default:
		kind = lineProse
	}
	return indent, length, first, kind
}

// lineInfo is the shape of one line of a text (see lineShape).
type lineInfo struct {
	indent, length, first int
	kind                  lineKind
}

// measureLines appends the shape of each line of s, split at '\n', to lines.
func measureLines(s string, lines []lineInfo) []lineInfo {
	for {
		j := strings.IndexByte(s, '\n')
		line := s
		if j >= 0 {
			line = s[:j]
		}
		var l lineInfo
		l.indent, l.length, l.first, l.kind = lineShape(line)
		lines = append(lines, l)
		if j < 0 {
			return lines
		}
		s = s[j+1:]
	}
}

// wrapWidth returns the width at which a text of the given lines is
// hard-wrapped, as wire copy and plain-text mail are (lines of at most some 60
// to 80 characters, a paragraph running over several of them), or 0 when it is
// not. The width is the length of the longest line of prose but the first; the
// text counts as wrapped when most breaks between two lines of a paragraph fall
// where the next word would (nearly) not have fitted on the line. Sentences one
// to a line, tables and results lists fail that test.
func wrapWidth(lines []lineInfo) int {
	if len(lines) < 4 {
		return 0
	}
	width := 0
	for _, l := range lines[1:] {
		if l.kind == lineProse {
			width = max(width, l.length)
		}
	}
	if width < 40 || width > 120 {
		return 0
	}
	inner, full := 0, 0
	for k := 1; k < len(lines); k++ {
		p, n := lines[k-1], lines[k]
		if p.kind != lineProse || n.kind != lineProse || n.indent > p.indent {
			continue
		}
		inner++
		if fills(p, n, width) {
			full++
		}
	}
	if inner < 3 || full*2 < inner {
		return 0
	}
	return width
}

// fills reports whether the first word of next would (nearly) not have fitted
// on line, in text wrapped at width: whether line is full.
func fills(line, next lineInfo, width int) bool {
	return line.length+1+next.first > width-width/8
}

// softBreak reports whether the line break between line and next, in text
// hard-wrapped at width, only wraps a paragraph: both lines are prose and the
// next is not indented further (which starts a paragraph). The first line of a
// text is often its title: it runs on only when it is full.
func softBreak(line, next lineInfo, firstLine bool, width int) bool {
	if line.kind != lineProse || next.kind != lineProse || next.indent > line.indent {
		return false
	}
	return !firstLine || fills(line, next, width)
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
