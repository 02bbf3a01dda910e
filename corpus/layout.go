package corpus

import (
	"strings"
	"unicode/utf8"
)

// Paragraphs splits an article's text into the paragraphs a reader sees. Text
// hard-wrapped at a fixed width, as wire copy and plain-text mail are, runs on
// over its line breaks: a paragraph ends at a blank line, before an indented
// line, after a sentence that stops well short of the width, and around lines that
// hold a table (columns set apart by runs of spaces, or mostly figures). Other
// text keeps a paragraph per line, as pages and feeds give it.
//
// The text may be HTML that the caller escaped and marked (<mark>): tags count
// for nothing and an entity for one character when lines are measured, and the
// lines are joined with a space, so what the caller made stays intact.
func Paragraphs(text string) []string {
	lines := strings.Split(text, "\n")
	shapes := make([]lineLayout, len(lines))
	for i, l := range lines {
		shapes[i] = layoutOf(l)
	}
	width := wrappedWidth(shapes)
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	add := func(line string) {
		line = strings.TrimSpace(line)
		if cur.Len() > 0 {
			// "higher-than-\nexpected": a word broken at its hyphen runs on.
			if s := cur.String(); !(strings.HasSuffix(s, "-") && len(s) > 1 && isASCIILetter(s[len(s)-2]) &&
				line != "" && line[0] >= 'a' && line[0] <= 'z') {
				cur.WriteByte(' ')
			}
		}
		cur.WriteString(line)
	}
	for i, l := range lines {
		s := shapes[i]
		if s.length == 0 {
			flush()
			continue
		}
		if width == 0 || s.table {
			flush()
			add(l)
			flush()
			continue
		}
		if cur.Len() > 0 {
			prev := shapes[i-1]
			// An indented line opens a paragraph; a short line that ends a
			// sentence closed the last. A line stopping inside a sentence runs
			// on ("Standard Oil Co and BP North America\nInc said").
			if s.indent > prev.indent || prev.ends && prev.length+1+s.first <= width-width/8 {
				flush()
			}
		}
		add(l)
	}
	flush()
	return out
}

// lineLayout is the shape of one line: its leading spaces, its visible length
// without them, the length of its first word, and whether it reads as a row of
// a table.
type lineLayout struct {
	indent, length, first int
	table                 bool
	// ends: the line ends a sentence (. ! ? : or a closing quote).
	ends bool
}

// layoutOf measures a line, HTML tags counting for nothing and an entity
// (&amp;) for one character.
func layoutOf(line string) lineLayout {
	var l lineLayout
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		l.indent++
		i++
	}
	inWord, firstDone, spaces, gaps, digits, letters := false, false, 0, 0, 0, 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == '<':
			if j := strings.IndexByte(line[i:], '>'); j > 0 {
				i += j + 1
				continue
			}
		case c == '&':
			if j := strings.IndexByte(line[i:], ';'); j > 0 && j < 10 {
				i += j + 1
				l.length++
				spaces = 0
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		i += size
		if r == ' ' || r == '\t' || r == '\r' {
			spaces++
			if inWord && !firstDone {
				firstDone = true
			}
			inWord = false
			l.length++
			continue
		}
		if spaces >= 2 && l.length > spaces {
			gaps++ // "Shr loss  12 cts  vs  profit 3 cts": columns
		}
		spaces = 0
		inWord = true
		l.length++
		if !firstDone {
			l.first++
		}
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= utf8.RuneSelf:
			letters++
		}
	}
	l.length -= spaces // trailing spaces
	if t := strings.TrimRight(line, " \t\r"); t != "" {
		l.ends = strings.ContainsAny(t[len(t)-1:], ".!?:\"')") || strings.HasSuffix(t, "”") || strings.HasSuffix(t, "’") ||
			strings.HasSuffix(t, "&#34;") || strings.HasSuffix(t, "&#39;") || strings.HasSuffix(t, "&quot;")
	}
	l.table = gaps >= 2 || digits > 0 && digits*2 > digits+letters
	return l
}

// wrappedWidth returns the width at which the text of these lines is
// hard-wrapped, or 0 when it is not: the longest line of prose after the first
// (a title) is 40 to 120 characters, and most line breaks fall inside a
// sentence where the next word would (nearly) not have fitted on the line.
// Pages that give a paragraph a line break after sentences.
func wrappedWidth(lines []lineLayout) int {
	if len(lines) < 4 {
		return 0
	}
	width := 0
	for _, l := range lines[1:] {
		if !l.table {
			width = max(width, l.length)
		}
	}
	if width < 40 || width > 120 {
		return 0
	}
	inner, full := 0, 0
	for k := 1; k < len(lines); k++ {
		p, n := lines[k-1], lines[k]
		if p.length == 0 || n.length == 0 || p.table || n.table || n.indent > p.indent {
			continue
		}
		inner++
		if !p.ends && p.length+1+n.first > width-width/8 {
			full++ // a break inside a sentence where the next word would not fit
		}
	}
	if inner < 3 || full*2 < inner {
		return 0
	}
	return width
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
