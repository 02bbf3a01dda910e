package webpage

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	dps "github.com/markusmobius/go-dateparser"
	htmldate "github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"

	"github.com/article-archive/archive/corpus"
)

// publishedDate chooses the date of publication among what the page states, most
// reliable first:
//
//  1. its metadata: JSON-LD datePublished, then <meta> tags such as
//     article:published_time (source jsonld or meta);
//  2. the page's own marking of the date: an element marked as the date of
//     publication, then a <time datetime> in the article's header (source page);
//  3. a date in the article's URL: its address, canonical URL, or a link on the
//     page to the article itself (source url);
//  4. the date line printed under the headline (see headerDate; source page);
//  5. what go-htmldate's heuristics find in the page's markup and text
//     (extensive mode; source htmldate; see htmlDate).
//
// A date the text merely mentions can therefore only come from the last step,
// when the page states none. A timestamp keeps the offset the page gives it, so
// that its day is the publisher's. A page that is one revision of a wiki page
// (see isRevisionURL) was published when it was last changed. textLang is the
// language of the page's text, if known, for reading dates in it. It returns the
// zero time when nothing gives a date.
func publishedDate(doc *html.Node, meta pageMeta, a corpus.Article, pageURL, textLang string) (time.Time, string) {
	urls := []string{a.URL, pageURL}
	if slices.ContainsFunc(urls, isRevisionURL) {
		switch {
		case !meta.ldModified.IsZero():
			return meta.ldModified, corpus.DateFromJSONLD
		case !meta.modified.IsZero():
			return meta.modified, corpus.DateFromMeta
		}
	}
	// A title that is the site's name is not a headline: under the masthead is
	// the date of the day the page was fetched.
	var titles []string
	for _, t := range []string{a.Title, meta.ogTitle, meta.ldHeadline, meta.title} {
		if !slices.ContainsFunc([]string{a.Outlet, meta.siteName, meta.ldPublisher}, func(site string) bool { return sameText(site, t) }) {
			titles = append(titles, t)
		}
	}
	var d time.Time
	var source string
	switch {
	case !meta.ldPublished.IsZero():
		d, source = meta.ldPublished, corpus.DateFromJSONLD
	case !meta.published.IsZero():
		d, source = meta.published, corpus.DateFromMeta
	case !meta.shown.IsZero():
		d, source = meta.shown, corpus.DateFromPage
	default:
		if t := headerTime(meta.lines, titles); !t.IsZero() {
			d, source = t, corpus.DateFromPage
		}
	}
	// A timestamp in UTC may fall on the next or the previous day from the
	// publisher's: when the URL states a date within a day of it, the URL's is the
	// local date of publication.
	_, off := d.Zone()
	if d.IsZero() || off == 0 {
		ud := firstURLDate(urls)
		if ud.IsZero() {
			ud = firstURLDate(ownLinks(meta.links, titles))
		}
		if !ud.IsZero() && (d.IsZero() || !sameDay(ud, d) && absDuration(d.Sub(ud)) < 48*time.Hour) {
			return ud, corpus.DateFromURL
		}
	}
	if !d.IsZero() {
		return d, source
	}
	if d := headerDate(meta.lines, titles...); !d.IsZero() {
		return d, corpus.DateFromPage
	}
	if d := htmlDate(doc, a.URL, dateLanguages(meta.lang, textLang)); !d.IsZero() {
		return d, corpus.DateFromHTMLDate
	}
	return time.Time{}, ""
}

// firstURLDate returns the date of the first of urls that states one.
func firstURLDate(urls []string) time.Time {
	for _, u := range urls {
		if d := urlDate(u); !d.IsZero() {
			return d
		}
	}
	return time.Time{}
}

// pageLink is a link on a page whose URL states a date.
type pageLink struct {
	url string
	// self is set for a link the page declares to be itself in another form
	// (<link rel=amphtml>, alternate, shortlink; twitter:url); other links are
	// the article's own only when their words spell its headline.
	self bool
}

// ownLinks returns the URLs among links that address the article itself: those
// the page declares as itself, and links (a share button's target too) whose
// last path segment spells the headline (see slugSpellsTitle). When two such
// links state different days, neither is taken: the page links to another
// article of the same name.
func ownLinks(links []pageLink, titles []string) []string {
	var titleWords []map[string]bool
	for _, t := range titles {
		titleWords = append(titleWords, titleWordSet(foldAccents(t)))
	}
	var own []string
	var day time.Time
	for _, l := range links {
		if !l.self && !slugSpellsTitle(l.url, titleWords) {
			continue
		}
		d := urlDate(l.url)
		if !day.IsZero() && !sameDay(day, d) {
			return nil
		}
		day = d
		own = append(own, l.url)
	}
	return own
}

// slugSpellsTitle reports whether the last words of rawURL's path (its slug) are
// the words of a title (titleWords, see wordSet): at least three of them, three
// quarters of the slug's words and at least half of the title's. Accents are
// ignored, since slugs drop them.
func slugSpellsTitle(rawURL string, titleWords []map[string]bool) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	path := strings.TrimRight(u.Path, "/")
	seg := path[strings.LastIndexByte(path, '/')+1:]
	if len(seg) < 12 && strings.Count(path, "/") > 1 {
		// "…/australian-megablaze-brought-under-control/index.html"
		rest := strings.TrimSuffix(path, "/"+seg)
		seg = rest[strings.LastIndexByte(rest, '/')+1:]
	}
	slug := titleWordSet(foldAccents(seg))
	if len(slug) < 3 {
		return false
	}
	for _, words := range titleWords {
		common := 0
		for w := range slug {
			if words[w] {
				common++
			}
		}
		if common >= 3 && 4*common >= 3*len(slug) && 2*common >= len(words) {
			return true
		}
	}
	return false
}

// titleWordSet returns the words of s of three letters or more, in lower case, without
// digits: a slug's article number and date are not words of the title.
func titleWordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(corpus.NormalizeText(s)) {
		if len(w) >= 3 && strings.Trim(w, "0123456789") == w {
			set[w] = true
		}
	}
	return set
}

// Bounds of go-htmldate's extensive search, whose cost is the number of strings
// it hands go-dateparser (a fraction of a millisecond each in a few languages):
// on a page of more than htmlDateMaxBytes, or with more than
// htmlDateMaxCandidates pieces of text that may be dates, fast mode is used. Real
// article pages have a few dozen; a page of thousands of dates is a list, or
// hostile.
const (
	htmlDateMaxBytes      = 2 << 20
	htmlDateMaxCandidates = 200
)

// htmlDate returns the publication date go-htmldate finds in the page (its day,
// at midnight UTC), or the zero time. It runs in extensive mode, which reads
// dates in the page's text as well as its markup, with go-dateparser limited to
// langs (see dateLanguages); it never changes doc. A panic inside it, on an odd
// page, is taken as no date.
func htmlDate(doc *html.Node, pageURL string, langs []string) (d time.Time) {
	defer func() {
		if p := recover(); p != nil {
			d = time.Time{}
		}
	}()
	opts := htmldate.Options{
		UseOriginalDate: true,
		URL:             pageURL,
		// go-htmldate's own settings, and the languages.
		DateParserConfig: &dps.Configuration{PreferredDateSource: dps.Past, StrictParsing: true, Languages: langs},
	}
	if size, dates := pageSize(doc); size > htmlDateMaxBytes || dates > htmlDateMaxCandidates {
		opts.SkipExtensiveSearch = true
	}
	r, err := htmldate.FromDocument(doc, opts)
	if err != nil || r.IsZero() {
		return time.Time{}
	}
	t := r.DateTime
	if t.After(time.Now().AddDate(0, 0, 2)) {
		return time.Time{}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// pageSize returns the bytes of text and attributes under n and how many of its
// text nodes and title attributes may be dates (they hold four digits or more,
// and letters), stopping once either passes its bound.
func pageSize(n *html.Node) (size, dates int) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		size += len(n.Data)
		for _, a := range n.Attr {
			size += len(a.Key) + len(a.Val)
			if a.Key == "title" && mayBeDate(a.Val) {
				dates++
			}
		}
		if n.Type == html.TextNode && mayBeDate(n.Data) {
			dates++
		}
		for c := n.FirstChild; c != nil && size <= htmlDateMaxBytes && dates <= htmlDateMaxCandidates; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return size, dates
}

// mayBeDate reports whether a piece of text holds four digits or more and a
// letter, as a date go-dateparser is asked to read does.
func mayBeDate(s string) bool {
	digits, letter := 0, false
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits++
		case unicode.IsLetter(r):
			letter = true
		}
	}
	return digits >= 4 && letter
}

// dateLanguages returns the languages go-dateparser reads a page's dates in: the
// languages the page declares and its text is in (BCP 47 tags, such as "pt-BR")
// that go-dateparser knows, and English. Reading them in every language it knows
// costs twenty times more and rarely finds another date.
func dateLanguages(tags ...string) []string {
	langs := []string{"en"}
	for _, tag := range tags {
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		base, _, _ = strings.Cut(base, "_")
		if isLanguageCode(base) && !slices.Contains(langs, base) && dateparserKnows(base) {
			langs = append(langs, base)
		}
	}
	return langs
}

// isLanguageCode reports whether s is an ISO 639 code, two or three letters; a
// page's tag is taken no further, which also bounds dateparserLanguages.
func isLanguageCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// dateparserLanguages caches which languages go-dateparser knows.
var dateparserLanguages sync.Map // language code -> bool

func dateparserKnows(lang string) bool {
	if known, ok := dateparserLanguages.Load(lang); ok {
		return known.(bool)
	}
	_, err := dps.Parse(&dps.Configuration{Languages: []string{lang}}, "2020-03-03")
	dateparserLanguages.Store(lang, err == nil)
	return err == nil
}

// headerTime returns the date of the first <time datetime> after the headline, in
// the article's header (the lines headerDate reads), unless it is marked as the
// time of the last update.
func headerTime(lines []pageLine, titles []string) time.Time {
	headline := headlineLine(lines, titles)
	if headline < 0 {
		return time.Time{}
	}
	prose := 0
	for i, l := range lines[headline+1 : min(len(lines), headline+1+headerDateLines)] {
		if n := len(strings.Fields(l.text)); n >= proseWords {
			if prose++; prose == 2 || n >= storyLineWords {
				break
			}
		}
		if l.datetime.IsZero() {
			continue
		}
		prev := lines[headline+i].text // the label before it: "Updated:"
		if l.updated || len(prev) < 40 && updatedLabelRE.MatchString(prev) {
			continue
		}
		return l.datetime
	}
	return time.Time{}
}
