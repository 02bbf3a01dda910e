package extract

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Credits are the bylines and credit lines of an article: who wrote it, reported
// it or took its photographs. The people they name are the article's makers, not
// people it is about.
type Credits struct {
	// Authors are the writers and reporters credited, in order, without
	// photographers and editors.
	Authors []string
	// Spans are the byte ranges [start, end) of the text that are credits.
	Spans [][2]int
}

// FindCredits finds the credits in an article's text:
//
//   - byline lines: "By Mei Tanaka", "— Reported by Ana Ruiz for The Northern
//     Ledger", "Staff writer David Renshaw", "Ana Ruiz, Staff writer";
//   - credits in parentheses: "(Photo by Alex Wong/Getty Images)", "(Reporting by
//     Jane Doe; Editing by John Smith)";
//   - a photo credit closing a caption: "... on Monday. Photo: Jane Doe/Reuters".
//
// A line counts as a byline only when all of it reads as one (names, a role such
// as "Staff writer", a date, the outlet after "for"), so a sentence that starts
// with "By" is never taken.
func FindCredits(text string) Credits {
	var c Credits
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if !mayHoldCredit(line) {
			// Most lines: no regular expression or parse runs on them.
		} else if names, ok := parseByline(line, false); ok {
			c.Spans = append(c.Spans, [2]int{start, end})
			c.Authors = appendNames(c.Authors, names)
		} else {
			c.inline(text, start, end)
		}
		start = end + 1
	}
	return c
}

// creditCues are the words, in lower case, of which a credit line holds at least one.
var creditCues = []string{"by ", "by:", "photo", "picture", "image", "video", "graphic", "illustration",
	"writer", "reporter", "correspondent", "editor", "contributor", "columnist", "producer",
	"journalist", "critic", "staff", "desk", "bureau", "newsroom"}

// mayHoldCredit is a fast test that rules out most lines of a story: a credit
// holds one of creditCues.
func mayHoldCredit(line string) bool {
	var buf [256]byte
	for i := 0; i < len(line); i += len(buf) - 16 {
		// Lower-case a window (overlapping by 16 bytes so that no cue is cut).
		n := copy(buf[:], line[i:])
		for k := 0; k < n; k++ {
			if c := buf[k]; c >= 'A' && c <= 'Z' {
				buf[k] = c + 'a' - 'A'
			}
		}
		for _, cue := range creditCues {
			if bytes.Contains(buf[:n], []byte(cue)) {
				return true
			}
		}
		if i+n >= len(line) {
			break
		}
	}
	return false
}

var (
	// (Photo by Alex Wong/Getty Images), (Reporting by Jane Doe in London; Editing by John Smith)
	parenCreditRE = regexp.MustCompile(`\((?i:(?:additional )?(?:photos?|photograph|picture|image|video|graphic|illustration|reporting|writing|editing|compiled|written|reported)(?: credit)?(?: by|:))\s*[^()\n]{2,160}\)`)
	// "... on Monday. Photo: Jane Doe/Reuters" at the end of a caption line.
	captionCreditRE = regexp.MustCompile(`(?:^|[.!?”"]\s+)((?i:photo(?:graph)?|picture|image)(?: credit)?(?::| by)\s+[^.\n]{2,80})$`)
	// A credit's parts: "Reporting by A and B in London; Editing by C".
	creditPartRE = regexp.MustCompile(`(?i)\b(photos?|photograph|picture|image|video|graphic|illustration|reporting|writing|editing|compiled|written|reported)(?: credit)?(?: by|:)\s*`)
)

// inline records the credits in parentheses and the caption credit of
// text[start:end].
func (c *Credits) inline(text string, start, end int) {
	line := text[start:end]
	for _, m := range parenCreditRE.FindAllStringIndex(line, -1) {
		c.Spans = append(c.Spans, [2]int{start + m[0], start + m[1]})
		inner := line[m[0]+1 : m[1]-1]
		parts := creditPartRE.FindAllStringSubmatchIndex(inner, -1)
		for i, p := range parts {
			to := len(inner)
			if i+1 < len(parts) {
				to = parts[i+1][0]
			}
			kind := strings.ToLower(inner[p[2]:p[3]])
			names := creditNames(inner[p[1]:to])
			if kind == "reporting" || kind == "writing" || kind == "written" || kind == "reported" {
				c.Authors = appendNames(c.Authors, names)
			}
		}
	}
	if m := captionCreditRE.FindStringSubmatchIndex(line); m != nil {
		c.Spans = append(c.Spans, [2]int{start + m[2], start + m[3]})
	}
}

// creditNames reads the names of a credit: "Jane Doe and John Roe in London;",
// "Alex Wong/Getty Images". Parts that are not names are left out.
func creditNames(s string) []string {
	var out []string
	for _, part := range splitNames(s) {
		if i := strings.IndexByte(part, '/'); i >= 0 {
			part = part[:i] // Alex Wong/Getty Images
		}
		if i := strings.Index(part, " in "); i >= 0 {
			part = part[:i] // Jane Doe in London
		}
		if n := strings.TrimSpace(part); isNameShaped(n) {
			out = append(out, n)
		}
	}
	return out
}

func splitNames(s string) []string {
	return strings.FieldsFunc(strings.NewReplacer(" and ", ";", " & ", ";").Replace(s), func(r rune) bool {
		return r == ',' || r == ';'
	})
}

func appendNames(list, names []string) []string {
	for _, n := range names {
		dup := false
		for _, m := range list {
			if strings.EqualFold(m, n) {
				dup = true
			}
		}
		if !dup {
			list = append(list, n)
		}
	}
	return list
}

// bylineRoles end the job title a byline gives its author: "Staff writer",
// "Province correspondent", "Senior reporter".
var bylineRoles = map[string]bool{
	"writer": true, "writers": true, "reporter": true, "reporters": true, "correspondent": true,
	"correspondents": true, "editor": true, "contributor": true, "columnist": true,
	"photographer": true, "producer": true, "journalist": true, "critic": true, "staff": true,
	"desk": true, "bureau": true, "newsroom": true,
}

// bylineVerbs introduce the names of a byline: "By", "Reported by".
var bylineVerbs = []string{"by ", "reported by ", "reporting by ", "written by ", "words by ", "story by ",
	"text by ", "compiled by ", "with reporting by ", "interview by "}

// Byline reports whether line, in the header of a story or a web page (above
// or under its headline), is a byline or a date line rather than the story's
// text, and returns the names it credits: "By Mei Tanaka", "Staff writer David
// Renshaw", "Published Oct. 9, 2023", and, there, a bare name with a date
// ("Oliver Grant · 7 December 2024").
func Byline(line string) (names []string, ok bool) {
	return parseByline(line, true)
}

// parseByline reports whether line is a byline or a dateline of a page's header
// and returns the names it credits. Each part of the line, split at commas and
// separators (· | •), must be names after "By", a role ("Staff writer"), a date
// ("Published Oct. 9, 2023", "6:05 p.m."), or, in a page header (header true), a
// bare name ("Oliver Grant · 7 December 2024").
func parseByline(line string, header bool) (names []string, ok bool) {
	line = strings.TrimSpace(line)
	line = strings.TrimLeft(line, "—–-•·|,:; ")
	if line == "" || len(line) > 200 || len(strings.Fields(line)) > 20 {
		return nil, false
	}
	if name, ok := roleThenName(line); ok {
		return []string{name}, true
	}
	var by, role, date, bare bool
	var bareNames []string
	segs := strings.FieldsFunc(line, func(r rune) bool {
		return r == ',' || r == '·' || r == '|' || r == '•' || r == '—' || r == '–'
	})
	for i, seg := range segs {
		seg = strings.TrimSpace(seg)
		lower := strings.ToLower(seg)
		switch {
		case seg == "":
		case hasBylineVerb(lower) != "":
			rest := seg[len(hasBylineVerb(lower)):]
			if j := strings.Index(rest, " for "); j >= 0 {
				rest = rest[:j] // for The Northern Ledger
			}
			found := 0
			for _, n := range splitNames(rest) {
				if n = strings.TrimSpace(n); isNameShaped(n) {
					names = append(names, n)
					found++
				} else {
					return nil, false
				}
			}
			if found == 0 {
				return nil, false
			}
			by = true
		case isRoleSegment(seg):
			role = true
		case isDateSegment(lower):
			date = true
		case (by || role) && i > 0 && isCapitalized(seg):
			// "By Peter Torday, Reuters": an affiliation after the names.
		case i > 0 && by && strings.HasPrefix(lower, "and ") && isNameShaped(seg[4:]):
			names = append(names, strings.TrimSpace(seg[4:]))
		case isNameShaped(seg):
			bare = true
			bareNames = append(bareNames, seg)
		default:
			return nil, false
		}
	}
	switch {
	case by:
	case role && len(bareNames) <= 2:
		// "Ana Ruiz, Staff writer", ", Staff writer"
	case header && (bare || date):
	case !header && !bare && date:
		return nil, false // a date alone in running text is not a byline
	default:
		return nil, false
	}
	return append(names, bareNames...), true
}

// roleThenName reads "Staff writer David Renshaw".
func roleThenName(line string) (string, bool) {
	w := strings.Fields(line)
	for i := 1; i < len(w)-1 && i <= 3; i++ {
		if bylineRoles[strings.ToLower(w[i])] && isNameShaped(strings.Join(w[i+1:], " ")) {
			return strings.Join(w[i+1:], " "), true
		}
	}
	return "", false
}

func hasBylineVerb(lower string) string {
	for _, v := range bylineVerbs {
		if strings.HasPrefix(lower, v) {
			return v
		}
	}
	return ""
}

// isRoleSegment reports whether seg is a byline's job title: up to four words, the
// last a role noun ("Staff writer", "Province correspondent").
func isRoleSegment(seg string) bool {
	w := strings.Fields(seg)
	return len(w) > 0 && len(w) <= 4 && bylineRoles[strings.ToLower(strings.Trim(w[len(w)-1], "."))]
}

// isDateSegment reports whether a lower-case part of a byline is a date, a time or
// a year: "published oct. 9", "2023", "updated 6:05 p.m.", "7 december 2024".
func isDateSegment(lower string) bool {
	w := strings.Fields(lower)
	if len(w) == 0 || len(w) > 6 {
		return false
	}
	lx := loadLexicon()
	hasDate := false
	for _, x := range w {
		switch {
		case x == "published" || x == "updated" || x == "posted" || x == "last" || x == "on" || x == "at" ||
			x == "a.m." || x == "p.m." || x == "am" || x == "pm" || x == "gmt" || x == "utc" || x == "et" ||
			x == "edt" || x == "est":
		case lx.words[x]&wMonth != 0:
			hasDate = true
		case strings.Trim(x, "0123456789:.") == "" || strings.TrimRight(x, "0123456789") == "" ||
			strings.HasSuffix(x, "st") || strings.HasSuffix(x, "nd") || strings.HasSuffix(x, "th"):
			if strings.Trim(x, "0123456789:.stndrh") != "" {
				return false
			}
			hasDate = hasDate || strings.ContainsAny(x, "0123456789")
		default:
			return false
		}
	}
	return hasDate
}

// isNameShaped reports whether s reads as a person's name: two to four words, each
// capitalized (or a particle such as "van" or "de", or an initial), none of them a
// word that rules a name out (a month, a place, an organization, a function word).
func isNameShaped(s string) bool {
	w := strings.Fields(s)
	if len(w) < 2 || len(w) > 4 {
		return false
	}
	lx := loadLexicon()
	for i, x := range w {
		c := lx.words[strings.ToLower(x)]
		r, _ := utf8.DecodeRuneInString(x)
		switch {
		case c&wParticle != 0 && i > 0 && i < len(w)-1:
		case !unicode.IsUpper(r):
			return false
		case c&wNotName != 0 && c&(wFirst|wLast) == 0, c&wHead != 0 && i == len(w)-1 && c&wLast == 0:
			return false
		case !plainWord(x) && !(len(x) == 2 && x[1] == '.'):
			return false
		}
	}
	return true
}

func isCapitalized(s string) bool {
	w := strings.Fields(s)
	if len(w) == 0 || len(w) > 5 {
		return false
	}
	for _, x := range w {
		if r, _ := utf8.DecodeRuneInString(x); !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// maskSpans returns text with the given spans blanked out by spaces, so that byte
// offsets into it stay those of text.
func maskSpans(text string, spans [][2]int) string {
	if len(spans) == 0 {
		return text
	}
	b := []byte(text)
	for _, s := range spans {
		for i := s[0]; i < s[1] && i < len(b); i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b)
}
