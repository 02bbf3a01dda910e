// Package corpus holds the archive's domain: the Article, the Query a user asks,
// the Results the archive answers with, the error kinds every layer shares, and the
// built-in sample articles. It imports nothing else from this module; every other
// package points here.
package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Where a published date came from, recorded in Article.PublishedSource so that a
// user can judge how far to trust it.
const (
	DateFromRecord   = "record"   // a field of the input record (JSON, front matter)
	DateFromMeta     = "meta"     // the page's <meta> tags
	DateFromJSONLD   = "jsonld"   // the page's JSON-LD
	DateFromURL      = "url"      // a date in the article's URL: its address, canonical URL, or a link on the page to itself
	DateFromDateline = "dateline" // the article's own dateline
	DateFromPage     = "page"     // shown on the page: in an element marked as the date, a <time> in the article, or under the headline
	// DateFromHTMLDate: found by go-htmldate's heuristics (extensive mode) in the
	// page's markup or text, when the page states no date in its metadata, its URL
	// or its header. The least certain source of a page's date.
	DateFromHTMLDate = "htmldate"
)

// TitleDerived in Article.TitleSource says that the article states no title and
// that Title is its first words, for the page to show as such. An empty
// TitleSource means the record or page gave the title.
const TitleDerived = "derived"

// Article is one news article as the archive keeps it.
type Article struct {
	// ID is stable across re-ingestion: the record's own id when it has one, else
	// derived from the URL, else from the normalized content (see AssignID).
	ID  string `json:"id"`
	URL string `json:"url,omitempty"`
	// Outlet is the publication that ran the article, never a source it quotes.
	Outlet string `json:"outlet,omitempty"`
	// Published is the zero time when the date is unknown; no date is ever guessed.
	Published       time.Time `json:"published,omitzero"`
	PublishedSource string    `json:"published_source,omitempty"`
	Title           string    `json:"title,omitempty"`
	// TitleSource is TitleDerived when Title stands in for a title the article
	// does not have; empty otherwise.
	TitleSource string   `json:"title_source,omitempty"`
	Authors     []string `json:"authors,omitempty"`
	Body        string   `json:"body,omitempty"`
	// Persons are canonical full names, one per person, in order of first mention.
	Persons []string `json:"persons,omitempty"`
	// Story groups the copies of one story run by several outlets (near-duplicates:
	// the same wire story with small edits). Articles of no group have their own ID.
	Story string `json:"story,omitempty"`
	// Source names the file (and line or entry) the article was read from.
	Source     string    `json:"source,omitempty"`
	IngestedAt time.Time `json:"ingested_at,omitzero"`
	// Arrived is when the article first arrived in the archive: set by the index
	// when it stores an article new to it, and kept when the article is updated
	// (see ArrivedAt for articles stored before arrival times were kept).
	Arrived time.Time `json:"arrived,omitzero"`
	// Extractor is the version of the extraction that produced the article (see
	// ingest.ExtractorVersion), so that "archive reindex --re-extract" knows what is
	// out of date. Empty for articles stored before versions were recorded.
	Extractor string `json:"extractor,omitempty"`
}

// ArrivedAt is when a arrived in the archive: Arrived, or for an article stored
// before arrival times were kept, the time its record was written (IngestedAt,
// which ingest stamps on every article). It is the zero time when neither is
// known: such an article sorts last by arrival and no arrival filter admits it.
func (a *Article) ArrivedAt() time.Time {
	if !a.Arrived.IsZero() {
		return a.Arrived
	}
	return a.IngestedAt
}

// EarliestPublished is the earliest publication date the archive keeps. An
// earlier date, or one more than MaxPublishedAhead after the present, is a
// mistake of the source (a placeholder such as 9999-12-31 or 0001-01-01, a year
// typed 2502): the article is stored undated instead, with a warning (see
// CheckPublished), and no facet or timeline has to span centuries of nothing.
var EarliestPublished = time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxPublishedAhead is how far past the present a publication date may lie: time
// zones, and stories dated for the morning paper.
const MaxPublishedAhead = 48 * time.Hour

// CheckPublished clears a.Published and a.PublishedSource when the date is not
// one the archive keeps at now (before EarliestPublished, or more than
// MaxPublishedAhead after now), and then returns a warning naming the value;
// otherwise it returns "".
func (a *Article) CheckPublished(now time.Time) string {
	t := a.Published
	var why string
	switch {
	case t.IsZero():
		return ""
	case t.Before(EarliestPublished):
		why = "is before " + EarliestPublished.Format("2006")
	case t.After(now.Add(MaxPublishedAhead)):
		why = "is more than two days in the future"
	default:
		return ""
	}
	a.Published, a.PublishedSource = time.Time{}, ""
	return "the published date " + t.Format(time.RFC3339) + " " + why + ": stored undated"
}

// Prefixes of derived IDs, so that a derived ID never collides with a record's own.
const (
	urlIDPrefix     = "u-"
	contentIDPrefix = "c-"
)

// AssignID sets a.ID when the record did not carry one: from the URL when there is
// one, else from the outlet and the normalized title and body. Re-ingesting the same article
// therefore always yields the same ID.
func (a *Article) AssignID() {
	a.ID = strings.TrimSpace(a.ID)
	if a.ID != "" {
		return
	}
	if u := NormalizeURL(a.URL); u != "" {
		a.ID = urlIDPrefix + digest(u)
		return
	}
	// The outlet is part of it: the same wire text run by two outlets is two
	// articles (copies of one story), not one. Without an outlet the ID is what it
	// was before outlets counted.
	text := NormalizeText(a.Title) + "\n" + NormalizeText(a.Body)
	if o := Fold(a.Outlet); o != "" {
		text = o + "\x00" + text
	}
	a.ID = contentIDPrefix + digest(text)
}

// MaxIDBytes bounds an article ID: an ID names the article in links, exports and
// the record store's keys.
const MaxIDBytes = 512

// CheckID returns why id cannot be an article's ID, or "" when it can. An ID is
// one line of printable text of at most MaxIDBytes: a control character (a NUL
// byte, an escape, a line break) would break the links, exports and files that
// carry it.
func CheckID(id string) string {
	if len(id) > MaxIDBytes {
		return fmt.Sprintf("its id is longer than %d bytes: give it a shorter one, or none (the archive derives one from the URL or the text)", MaxIDBytes)
	}
	if i := strings.IndexFunc(id, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(id[i:])
		return fmt.Sprintf("its id %q holds the control character %U: an id is one line of printable text", id, r)
	}
	if !utf8.ValidString(id) {
		return fmt.Sprintf("its id %q is not valid UTF-8", id)
	}
	return ""
}

// Fingerprint summarizes everything about an article that ingest extracts, so that
// re-ingesting unchanged input can be told apart from an update. Source and
// IngestedAt and Arrived are left out: the same article read from another path is
// the same.
func (a *Article) Fingerprint() string {
	var b strings.Builder
	for _, s := range []string{a.URL, a.Outlet, a.Published.UTC().Format(time.RFC3339Nano),
		a.PublishedSource, a.Title, strings.Join(a.Authors, "\x1f"), a.Body,
		strings.Join(a.Persons, "\x1f")} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	// Appended only when set, so that the fingerprints of articles stored before
	// titles were derived stay what they were.
	if a.TitleSource != "" {
		b.WriteString(a.TitleSource)
		b.WriteByte(0)
	}
	return digest(b.String())
}

// DuplicateKeyText starts the text keys of DuplicateKeys. Archives written before
// keys named the outlet filed text under "text:" (see the record store's migration).
const DuplicateKeyText = "otext:"

// DuplicateKeys are what makes two articles with different IDs the same article
// again: the same URL, or the same normalized text (the body, or the title when
// there is no body) from the same outlet on the same day. The same text from
// another outlet is not a duplicate: it is syndication, a copy that joins the
// story (see Signature), and the second outlet must show in the outlet facet and
// the story. An article without an outlet duplicates only another without one (an
// unknown outlet is not taken to be any known one). Wires repeat short items word
// for word on other days ("Fed sets customer repurchase"), and those are other
// news.
func (a *Article) DuplicateKeys() []string {
	var keys []string
	if u := NormalizeURL(a.URL); u != "" {
		keys = append(keys, "url:"+u)
	}
	text := NormalizeText(a.Body)
	if text == "" {
		text = NormalizeText(a.Title)
	}
	if text != "" {
		day := ""
		if !a.Published.IsZero() {
			day = a.Published.UTC().Format(time.DateOnly)
		}
		keys = append(keys, DuplicateKeyText+day+":"+digest(Fold(a.Outlet)+"\x00"+text))
	}
	return keys
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}

// NormalizeURL returns the URL in a canonical form for identity: scheme and host
// lower-cased, "www." and the fragment dropped, a trailing slash trimmed. It
// returns "" for anything that is not an absolute http(s) URL.
func NormalizeURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	s := host + path
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// NormalizeText folds case and collapses white space and punctuation, so that the
// same text with other line breaks or quotes gets the same content ID.
func NormalizeText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}

// Outcome says what storing one article did.
type Outcome int

// The outcomes of storing an article.
const (
	// Indexed: the article was new.
	Indexed Outcome = iota + 1
	// Updated: an article with this ID was there and has changed.
	Updated
	// Unchanged: the same article was there already (re-ingested input).
	Unchanged
	// Deleted: the article was deleted from the archive and is not stored again
	// (it is skipped; restoring brings it back).
	Deleted
)

// DeletedReason is why an ingest skips an article that was deleted.
const DeletedReason = "deleted: this article was deleted from the archive; ingest it with --restore to bring it back"

func (o Outcome) String() string {
	switch o {
	case Indexed:
		return "indexed"
	case Updated:
		return "updated"
	case Unchanged:
		return "duplicate"
	case Deleted:
		return "skipped"
	}
	return "unknown"
}
