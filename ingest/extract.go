package ingest

import (
	"github.com/article-archive/archive/corpus"
)

// Enrich fills in what the reader could not take from the record, leaving every
// field the record set alone:
//
//   - Outlet, from a credit or syndication line, a dateline's "(Outlet)", or the
//     URL's host mapped to a readable name (see ExtractOutlet);
//   - Published, from a dateline that states a full date, with PublishedSource
//     set to corpus.DateFromDateline; a date merely mentioned in the text, or a
//     dateline without a year, is never taken;
//   - Authors, from the body's bylines and credit lines (see FindCredits);
//   - Persons, extracted from Title and Body (see ExtractPersons) without the
//     bylines and credit lines: a reporter or photographer credited there is
//     not a person the article mentions, unless the story names them too.
//     Persons the record carries are normalized (see NormalizePersons) and kept
//     instead.
//
// Enrich does no I/O and cannot fail.
func Enrich(a *corpus.Article) {
	enrich(a)
}

// enrich is Enrich, and returns the companies and the weak names the text
// shows (see extractPeople), for the archive's NameBook.
func enrich(a *corpus.Article) (firms, weak []string) {
	if a.Outlet == "" {
		a.Outlet = ExtractOutlet(a)
	}
	credits := FindCredits(a.Body)
	if len(a.Authors) == 0 {
		a.Authors = credits.Authors
	}
	if a.Published.IsZero() {
		if d, _ := DatelineDate(a.Body); !d.IsZero() {
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
