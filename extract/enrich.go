// Package extract finds an article's metadata in its text: the people it
// mentions (Persons, Mentions: rules over embedded name lexicons, and a small
// embedded tagger), its bylines and credits (FindCredits, Byline), the date and
// outlet its dateline states (Dateline), its outlet from a credit line, a
// dateline or its URL (Outlet, OutletFromURL), and the headline of plain text
// (SplitTitle). Enrich fills a corpus.Article in with all of it; a NameBook
// carries what one article cannot know across an archive: the one name each
// person is shown under.
//
// It reads text, never files or formats (package ingest reads those and calls
// it), imports nothing of the archive but corpus, and does no I/O beyond loading
// its embedded data once. A change to what it finds in an article calls for a
// new ingest.ExtractorVersion.
package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
)

// Enrich fills in what the reader could not take from the record, leaving every
// field the record set alone:
//
//   - Outlet, from a credit or syndication line, a dateline's "(Outlet)", or the
//     URL's host mapped to a readable name (see Outlet);
//   - Published, from a dateline that states a full date, with PublishedSource
//     set to corpus.DateFromDateline; a date merely mentioned in the text, or a
//     dateline without a year, is never taken;
//   - Authors, from the body's bylines and credit lines (see FindCredits);
//   - Persons, extracted from Title and Body (see Persons) without the
//     bylines and credit lines: a reporter or photographer credited there is
//     not a person the article mentions, unless the story names them too.
//     Persons the record carries are normalized (see NormalizePersons) and kept
//     instead;
//   - Title, when there is none, from the body's first words (see leadWords),
//     with TitleSource set to corpus.TitleDerived.
//
// Enrich does no I/O and cannot fail.
func Enrich(a *corpus.Article) {
	enrich(a)
}

// enrich is Enrich, and returns the companies and the weak names the text
// shows (see extractPeople), for the archive's NameBook.
func enrich(a *corpus.Article) (firms, weak []string) {
	defer deriveTitle(a)
	if a.Outlet == "" {
		a.Outlet = Outlet(a)
	}
	credits := FindCredits(a.Body)
	if len(a.Authors) == 0 {
		a.Authors = credits.Authors
	}
	if a.Published.IsZero() {
		if d, _ := Dateline(a.Body); !d.IsZero() {
			a.Published = d
			a.PublishedSource = corpus.DateFromDateline
		}
	}
	if len(a.Persons) > 0 {
		a.Persons = NormalizePersons(a.Persons)
		return nil, nil
	}
	text := maskSpans(a.Body, credits.Spans)
	if a.Title != "" {
		text = a.Title + "\n" + text
	}
	a.Persons, firms, weak = extractPeople(text)
	return firms, weak
}

// deriveTitle gives an untitled article its first words as its title, marked as
// derived, so that a list of results shows what it is about.
func deriveTitle(a *corpus.Article) {
	if strings.TrimSpace(a.Title) != "" {
		return
	}
	if t := leadWords(a.Body); t != "" {
		a.Title, a.TitleSource = t, corpus.TitleDerived
	}
}

// Bounds of a title made of an article's first words.
const (
	leadMaxWords = 12
	leadMaxRunes = 90
)

// leadWords returns the first words of an article's text to stand in for its
// title: the first sentence of its first paragraph when it is short, else as many
// words as fit with "…" after them. A dateline ("WASHINGTON, March 3 -") and
// bylines before the story are left out. It returns "" when the text has no words.
func leadWords(body string) string {
	var para []string
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		if line == "" {
			if len(para) > 0 {
				break
			}
			continue
		}
		if len(para) == 0 && isBylineLine(line) {
			continue
		}
		if para = append(para, line); len(para) > 3 {
			break
		}
	}
	text := strings.Join(para, " ")
	if loc := datelineRE.FindStringIndex(text); loc != nil {
		text = text[loc[1]:]
	} else if loc := placeOutletRE.FindStringIndex(text); loc != nil {
		text = text[loc[1]:]
	}
	words := strings.Fields(text)
	var b strings.Builder
	for i, w := range words {
		if i == leadMaxWords || utf8.RuneCountInString(b.String())+1+utf8.RuneCountInString(w) > leadMaxRunes {
			return strings.TrimRight(b.String(), ",;:—–-") + "…"
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if i >= 3 && endsSentence(w) && !endsAbbreviation(w) && (i+1 == len(words) || !startsLower(words[i+1])) {
			return strings.TrimRight(b.String(), ".")
		}
	}
	return b.String()
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// endsAbbreviation reports whether a word ending in a period is an abbreviation
// rather than a sentence's last word: "Mr.", "U.S.", "St.".
func endsAbbreviation(w string) bool {
	w = strings.TrimSuffix(w, ".")
	return len(w) <= 3 && startsUpper(w) || strings.Contains(w, ".")
}

// endsSentence reports whether a word ends a sentence: with a period, "!" or
// "?", but not as a time does ("9:30 a.m."). Package webpage has its twin for
// the date lines of web pages.
func endsSentence(line string) bool {
	line = strings.ToLower(line)
	if strings.HasSuffix(line, "a.m.") || strings.HasSuffix(line, "p.m.") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	return r == '.' || r == '!' || r == '?'
}

// isBylineLine reports whether a line before the story is a byline or a credit.
func isBylineLine(line string) bool {
	_, ok := parseByline(line, true)
	return ok
}
