// Package webpage reads a saved web page into a corpus.Article: its story
// without navigation, ads or comments (go-trafilatura), its title without the
// site's name, its authors, its canonical URL, its outlet (the site name it
// states, checked against its hosts) and its date of publication (metadata,
// JSON-LD, the URL, the date line under its headline, else go-htmldate). The
// people it mentions are left to package extract, which Read also asks about the
// bylines of a page's header and the outlet a URL names.
//
// Package ingest calls Read for every HTML file and WARC page it reads.
package webpage

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/extract"
)

// MaxSize bounds the bytes Read reads from one page, so that a hostile or
// broken file cannot exhaust memory; real article pages are far smaller.
const MaxSize = 16 << 20

// minArticleWords is the least text a page must yield to count as an article: less
// is a menu or a caption that the extractor picked up from a page without a story.
const minArticleWords = 15

// ErrNoArticleText is wrapped by Read's error when a page is not an article:
// it holds no article text and says nothing of an article either (an index page,
// an error page, a bot check).
var ErrNoArticleText = errors.New("no article text found")

// warnNoPageText and warnNoPageTextSummary are Read's warnings on a page kept
// without its text: what a user saved stays findable by its title, outlet and date.
const (
	warnNoPageText        = "no article text: the page's text could not be extracted (it may be drawn by JavaScript or behind a paywall); kept with its title, outlet and date only"
	warnNoPageTextSummary = "summary only: the page's text could not be extracted (it may be drawn by JavaScript or behind a paywall); kept with its title, outlet and date, and its description as the body"
)

// Read extracts one article from a saved web page: the main text without
// navigation, ads or comments; the title (its HTML entities decoded, the site's
// name around it dropped); the authors; the URL (the page's canonical or og:url,
// else pageURL); the outlet (see pageOutlet); and the published date, with
// PublishedSource saying where it was found (see publishedDate). Persons are left
// to extract.Enrich.
//
// A page whose text cannot be extracted is still an article when it says it is
// one (og:type article, a JSON-LD article, a date of publication in its metadata
// or header) and has a title of its own: it is returned with its description, if
// any, as the body and a warning saying so. It returns an error wrapping ErrNoArticleText for a page with neither
// text nor such metadata, and a read or parse error otherwise.
func Read(r io.Reader, pageURL string) (a corpus.Article, warning string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return corpus.Article{}, "", fmt.Errorf("ingest: read html: %w", err)
	}
	if len(data) > MaxSize {
		return corpus.Article{}, "", fmt.Errorf("ingest: html page is larger than %d bytes", MaxSize)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return corpus.Article{}, "", fmt.Errorf("ingest: parse html: %w", err)
	}
	meta := readPageMeta(doc)

	a.URL = firstNonEmpty(absoluteURL(meta.canonical, pageURL), absoluteURL(meta.ogURL, pageURL), absoluteURL(meta.ldURL, pageURL), pageURL)
	opts := trafilatura.Options{
		ExcludeComments: true,
		EnableFallback:  true,
		// Dates are chosen below, metadata first (see publishedDate).
		HtmlDateMode: trafilatura.Disabled,
	}
	if u, err := url.Parse(a.URL); err == nil && u.Host != "" {
		opts.OriginalURL = u
	}
	res, err := extractContent(doc, opts)
	hasText := err == nil && res != nil && len(strings.Fields(res.ContentText)) >= minArticleWords
	a.Outlet = pageOutlet(meta.siteName, meta.ldPublisher, a.URL, pageURL)
	extracted, textLang := "", ""
	if res != nil {
		extracted, textLang = res.Metadata.Title, res.Metadata.Language
	}
	a.Title = pageTitle(firstNonEmpty(meta.ldHeadline, extracted, meta.ogTitle, meta.title), []string{a.Outlet, meta.siteName, meta.ldPublisher}, a.URL, pageURL)
	if hasText {
		body := nodeText(res.ContentNode)
		if len(strings.Fields(body)) < minArticleWords {
			body = res.ContentText
		}
		body, bylined := trimPageHeader(body, a.Title, meta.ogTitle, meta.title)
		a.Body = strings.TrimSpace(body)
		a.Authors = splitAuthors(decodeEntities(firstNonEmpty(strings.Join(meta.ldAuthors, "; "), res.Metadata.Author, meta.author)))
		if len(a.Authors) == 0 {
			a.Authors = bylined
		}
	} else {
		a.Authors = splitAuthors(decodeEntities(firstNonEmpty(strings.Join(meta.ldAuthors, "; "), meta.author)))
	}
	a.Published, a.PublishedSource = publishedDate(doc, meta, a, pageURL, textLang)
	if hasText {
		return a, "", nil
	}
	// No text. A page that names no article of its own (no title, or only the
	// site's name), or does not itself say it is one (in its metadata, or by a
	// date it states as the article's), is not kept: an index, an error page at
	// a removed article's address, a bot check.
	stated := slices.Contains([]string{corpus.DateFromJSONLD, corpus.DateFromMeta, corpus.DateFromPage}, a.PublishedSource)
	if a.Title == "" || sameText(a.Title, a.Outlet) || sameText(a.Title, meta.siteName) || !meta.article && !stated {
		what := "page"
		if pageURL != "" {
			what = pageURL
		}
		return corpus.Article{}, "", fmt.Errorf("ingest: html %s: %w", what, ErrNoArticleText)
	}
	if a.Body = cleanTitle(decodeEntities(meta.description)); a.Body != "" {
		return a, warnNoPageTextSummary, nil
	}
	return a, warnNoPageText, nil
}

// sameText reports whether a and b are the same words, ignoring case and
// punctuation.
func sameText(a, b string) bool {
	a = corpus.NormalizeText(a)
	return a != "" && a == corpus.NormalizeText(b)
}

func sameDay(a, b time.Time) bool { return a.Format("2006-01-02") == b.Format("2006-01-02") }

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// isAsideNode reports whether n holds what is not the article: navigation,
// lists of other stories, comments, sidebars, footers.
func isAsideNode(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Li:
		return true
	}
	c := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	return strings.Contains(c, "comment") || strings.Contains(c, "related") || strings.Contains(c, "sidebar") ||
		strings.Contains(c, "listitem") || strings.Contains(c, "teaser")
}

// isFurnitureNode reports whether n is page furniture around the article:
// navigation, sidebars, footers, comments, lists of related stories. Unlike
// isAsideNode it passes lists, which article headers are sometimes made of.
func isFurnitureNode(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer:
		return true
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return false
	}
	c := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	return strings.Contains(c, "comment") || strings.Contains(c, "related") || strings.Contains(c, "sidebar") ||
		strings.Contains(c, "teaser")
}

// isPublishedDateNode reports whether n is marked up as the article's date of
// publication: <time pubdate>, or a class such as "published-date" or
// "entry-date". An element that is merely a date ("date", "time") is not enough.
func isPublishedDateNode(n *html.Node) bool {
	if n.DataAtom == atom.Time {
		if _, ok := attrOK(n, "pubdate"); ok {
			return true
		}
	}
	c := strings.ToLower(attr(n, "class"))
	if c == "" {
		return false
	}
	for _, k := range []string{"published", "entry-date", "post-date", "pubdate", "publish-date", "article-date", "date-publish"} {
		if strings.Contains(c, k) {
			return true
		}
	}
	return false
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// isoStampRE finds a timestamp with its time in the text of a date element, which
// says the day in the publisher's own offset.
var isoStampRE = regexp.MustCompile(`(?:19|20)\d{2}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})`)

// shownDate reads the date of a publication-date element: its datetime or
// content attribute, else the first full date in its text.
func shownDate(n *html.Node) time.Time {
	if v := firstNonEmpty(attr(n, "datetime"), attr(n, "content")); v != "" {
		if d := parseMetaDate(v); !d.IsZero() {
			return d
		}
	}
	text := strings.Join(strings.Fields(nodeText(n)), " ")
	if len(text) > 200 {
		text = text[:200]
	}
	if d, start, _ := textDate(text); start >= 0 {
		if m := isoStampRE.FindStringIndex(text); m != nil && m[0] <= start {
			if t := parseMetaDate(text[m[0]:m[1]]); !t.IsZero() {
				return t
			}
		}
		return d
	}
	return time.Time{}
}

// scriptCallRE is an inline script that is one call with one string:
// showDate("2020/04/17 01:43:09").
var scriptCallRE = regexp.MustCompile(`^\s*[\w$.]+\(\s*["']([^"'\n]{6,64})["']\s*\)\s*;?\s*$`)

// scriptWrittenDate returns the string an inline script that writes a date where
// it stands is given, "" for any other script. Some pages print the date under the
// headline this way; the string is what the reader sees there.
func scriptWrittenDate(src string) string {
	if len(src) > 200 {
		return ""
	}
	m := scriptCallRE.FindStringSubmatch(src)
	if m == nil {
		return ""
	}
	if _, start, _ := textDate(m[1]); start < 0 {
		return ""
	}
	return m[1]
}

// Limits of the page header in which headerDate looks for a date: how many lines
// after the headline, how long a line that is a date may be and how many words it
// may have besides the date (a label, a weekday, the time, an author's name), the
// words of a line of prose, and of a paragraph that shows the story has begun.
const (
	headerDateLines    = 10
	headerDateMaxRunes = 100
	headerDateMaxWords = 6
	proseWords         = 20
	storyLineWords     = 60
)

// updatedLabelRE marks a date line as the last update, not the publication.
var updatedLabelRE = regexp.MustCompile(`(?i)updat|modif|edited|actuali[zs]|atualiza|mis à jour|aktualisiert|обновл|оновл|güncel|更新|تحديث`)

// headerDate returns the date a page prints beside its headline: the first line
// of the page header after the headline that is a date, perhaps with a label, a
// weekday, the time or a name ("Published Friday 24 April 2020 09:22 PM",
// "August 06, 2019"). The headline is the first heading that is the page's title,
// else the first line that is. A date in the story's sentences is never taken: a
// line must be mostly its date and not end as a sentence does, and the search
// stops where the story begins or a few lines on. A line dated as the last update
// is passed over.
func headerDate(lines []pageLine, titles ...string) time.Time {
	headline := headlineLine(lines, titles)
	if headline < 0 {
		return time.Time{}
	}
	prose := 0
	for _, l := range lines[headline+1 : min(len(lines), headline+1+headerDateLines)] {
		words := strings.Fields(l.text)
		if len(words) >= proseWords {
			// A standfirst may come before the date line; a second paragraph, or
			// a long one, is the story.
			if prose++; prose == 2 || len(words) >= storyLineWords {
				break
			}
			continue
		}
		if utf8.RuneCountInString(l.text) > headerDateMaxRunes {
			continue
		}
		line := strings.Join(words, " ") // no-break spaces too are spaces
		d, start, end := textDate(line)
		if start < 0 || updatedLabelRE.MatchString(line) || endsSentence(line) ||
			wordsBeside(line[:start]+" "+line[end:]) > headerDateMaxWords || d.After(time.Now().AddDate(0, 0, 2)) {
			continue
		}
		return d
	}
	return time.Time{}
}

// headlineLine returns the index of the page's headline among lines: the first
// heading that is one of the titles, else the first line that is; -1 when there is
// none.
func headlineLine(lines []pageLine, titles []string) int {
	for i, l := range lines {
		if l.heading && isTitleLine(l.text, titles) {
			return i
		}
	}
	for i, l := range lines {
		if titleSized(l.text, titles) && isTitleLine(l.text, titles) {
			return i
		}
	}
	return -1
}

// endsSentence reports whether line ends as a sentence does, not as a date line
// ("… 9:30 a.m.") does. Package extract has its twin for the first words that
// stand in for a title.
func endsSentence(line string) bool {
	line = strings.ToLower(line)
	if strings.HasSuffix(line, "a.m.") || strings.HasSuffix(line, "p.m.") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	return r == '.' || r == '!' || r == '?'
}

// titleSized reports whether s is near enough the length of one of the titles
// to be one: it spares comparing every line of a page with them.
func titleSized(s string, titles []string) bool {
	for _, t := range titles {
		if t != "" && len(s) > len(t)/3 && len(s) < 3*len(t)+16 {
			return true
		}
	}
	return false
}

// wordsBeside counts the words of s that hold a letter: a time ("09:22") or a
// separator ("|") is not a word.
func wordsBeside(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

// extractContent runs trafilatura, turning a panic inside it (a bug triggered by an
// odd page) into an error so that one page cannot stop an ingestion run.
func extractContent(doc *html.Node, opts trafilatura.Options) (res *trafilatura.ExtractResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("content extraction failed: %v", p)
		}
	}()
	return trafilatura.ExtractDocument(doc, opts)
}

// pageMeta is what a page's head and JSON-LD say about the article.
type pageMeta struct {
	title, ogTitle, ldHeadline string
	canonical, ogURL, ldURL    string
	siteName, ldPublisher      string
	author                     string
	ldAuthors                  []string
	ldPublished, published     time.Time
	// ldArticle is set once a JSON-LD article (not a WebPage) gave its date.
	ldArticle bool
	// ldModified and modified are when the page was last changed, which is when a
	// page that is one revision of a wiki page was published.
	ldModified, modified time.Time
	// shown is the date a visible element marked as the publication date shows.
	shown time.Time
	// lines are the page's visible text in document order, without its furniture
	// (navigation, sidebars, footers, comments), for finding the date printed
	// under the headline.
	lines []pageLine
	// links are the links of the page whose URL states a date, for finding the
	// article's own URL among them (see ownLinks).
	links []pageLink
	// description is the page's summary of the article (og:description,
	// description, JSON-LD description).
	description string
	// article is set when the page says it is an article: og:type article, or
	// a JSON-LD article.
	article bool
	// lang is the language the page declares: <html lang>, else og:locale.
	lang string
}

// pageLine is one piece of a page's visible text: a heading whole, else one text
// node, or the date an inline script writes where it stands; or a <time>
// element's datetime.
type pageLine struct {
	text    string
	heading bool
	// datetime is the value of a <time datetime> element, whose text (if any)
	// follows as a line of its own; updated is set when the element is marked
	// as the time of the last update.
	datetime time.Time
	updated  bool
}

// publishedMetaKeys are the <meta> names and properties publishers use for the
// publication date, most specific first.
var publishedMetaKeys = []string{
	"article:published_time", "og:article:published_time", "article:published", "datepublished",
	"og:published_time", "published_time", "publishdate", "publish_date", "publish-date", "pubdate",
	"sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
	"date", "article.published", "cxenseparse:recs:publishtime", "og:pubdate", "rnews:datepublished",
}

// modifiedMetaKeys are the <meta> names and properties for when the page was last
// changed.
var modifiedMetaKeys = []string{
	"article:modified_time", "og:article:modified_time", "datemodified", "og:updated_time", "last-modified", "dcterms.modified",
}

func readPageMeta(doc *html.Node) pageMeta {
	var m pageMeta
	metas := map[string]string{}
	// aside is set below an element that is not the article. text is set where
	// the page's visible text is read into lines: in the body, outside its
	// furniture (but in lists: an article's header may be one), and outside
	// headings, which are read whole.
	var walk func(n *html.Node, aside, text bool)
	walk = func(n *html.Node, aside, text bool) {
		if n.Type == html.TextNode && text {
			if t := strings.TrimSpace(n.Data); t != "" {
				m.lines = append(m.lines, pageLine{text: t})
			}
		}
		if n.Type == html.ElementNode {
			aside = aside || isAsideNode(n)
			if n.DataAtom == atom.Body {
				text = true
			} else if text && isFurnitureNode(n) {
				text = false
			}
			if !aside && m.shown.IsZero() && isPublishedDateNode(n) {
				m.shown = shownDate(n)
			}
			switch n.DataAtom {
			case atom.H1, atom.H2:
				if text {
					if t := strings.Join(strings.Fields(nodeText(n)), " "); t != "" {
						m.lines = append(m.lines, pageLine{text: t, heading: true})
					}
					text = false
				}
			case atom.Style, atom.Noscript, atom.Template, atom.Textarea, atom.Select:
				text = false
			case atom.Html:
				m.lang = attr(n, "lang")
			case atom.Title:
				if m.title == "" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
					m.title = strings.TrimSpace(n.FirstChild.Data)
				}
			case atom.Meta:
				key := strings.ToLower(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop")))
				content := strings.TrimSpace(firstNonEmpty(attr(n, "content"), attr(n, "datetime")))
				if key != "" && content != "" {
					if _, ok := metas[key]; !ok {
						metas[key] = content
					}
				}
			case atom.Link:
				switch rel := strings.ToLower(attr(n, "rel")); rel {
				case "canonical":
					if m.canonical == "" {
						m.canonical = attr(n, "href")
					}
				case "amphtml", "alternate", "shortlink":
					// The same article in another form or language; a feed is not.
					if !strings.Contains(strings.ToLower(attr(n, "type")), "xml") {
						m.addLink(attr(n, "href"), true, false)
					}
				}
			case atom.A:
				// Lists of other stories are not searched for the article's own
				// link, but a share button's target may stand in one.
				m.addLink(attr(n, "href"), false, aside)
			case atom.Time:
				// <time itemprop="datePublished" datetime="..."> is metadata, not text.
				if strings.EqualFold(attr(n, "itemprop"), "datePublished") {
					if _, ok := metas["datepublished"]; !ok {
						metas["datepublished"] = firstNonEmpty(attr(n, "datetime"), attr(n, "content"))
					}
				}
				if d := parseMetaDate(attr(n, "datetime")); text && !d.IsZero() {
					m.lines = append(m.lines, pageLine{datetime: d, updated: isUpdateTime(n)})
				}
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil {
					readJSONLD(n.FirstChild.Data, &m)
				}
				if text && n.FirstChild != nil && attr(n, "src") == "" {
					if w := scriptWrittenDate(n.FirstChild.Data); w != "" {
						m.lines = append(m.lines, pageLine{text: w})
					}
				}
				text = false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, aside, text)
		}
	}
	walk(doc, false, false)
	m.ogTitle = metas["og:title"]
	m.ogURL = metas["og:url"]
	m.addLink(metas["twitter:url"], true, false)
	m.description = firstNonEmpty(metas["og:description"], metas["description"], metas["twitter:description"], m.description)
	m.article = m.article || strings.EqualFold(metas["og:type"], "article")
	m.lang = firstNonEmpty(m.lang, metas["og:locale"])
	m.siteName = firstNonEmpty(metas["og:site_name"], metas["application-name"])
	m.author = firstNonEmpty(metas["author"], metas["article:author"], metas["byl"], metas["sailthru.author"], metas["parsely-author"], metas["dc.creator"])
	if strings.Contains(m.author, "://") {
		m.author = "" // article:author is often a profile URL
	}
	for _, k := range publishedMetaKeys {
		if d := parseMetaDate(metas[k]); !d.IsZero() {
			m.published = d
			break
		}
	}
	for _, k := range modifiedMetaKeys {
		if d := parseMetaDate(metas[k]); !d.IsZero() {
			m.modified = d
			break
		}
	}
	return m
}

// addLink keeps href among m.links when its URL states a date, or else the URLs
// a share button's link carries in its query (…/sharer.php?u=https://…); only
// those when sharesOnly is set.
func (m *pageMeta) addLink(href string, self, sharesOnly bool) {
	if !hasYear(href) {
		return
	}
	if sharesOnly || urlDate(href).IsZero() {
		u, err := url.Parse(href)
		if err != nil {
			return
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if strings.HasPrefix(v, "http") && !urlDate(v).IsZero() {
					m.links = append(m.links, pageLink{url: v, self: self})
				}
			}
		}
		return
	}
	m.links = append(m.links, pageLink{url: href, self: self})
}

// hasYear reports whether s holds four digits in a row starting 19 or 20, which
// a date in a URL needs: it spares parsing most links of a page.
func hasYear(s string) bool {
	for i := 0; i+3 < len(s); i++ {
		century := s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0'
		if century && '0' <= s[i+2] && s[i+2] <= '9' && '0' <= s[i+3] && s[i+3] <= '9' {
			return true
		}
	}
	return false
}

// isUpdateTime reports whether a <time> element is marked as the time of the
// last update, by its itemprop or class or its own words ("Updated 5 March"). One
// marked as the publication too (WordPress's "entry-date published updated") is
// not.
func isUpdateTime(n *html.Node) bool {
	label := attr(n, "itemprop") + " " + attr(n, "class")
	if strings.Contains(strings.ToLower(label), "publish") {
		return false
	}
	if t := nodeText(n); len(t) < 80 {
		label += " " + t
	}
	return updatedLabelRE.MatchString(label)
}

// articleTypes are the JSON-LD @types that describe the article itself rather than
// the site or a breadcrumb.
var articleTypes = map[string]bool{
	"newsarticle": true, "article": true, "reportagenewsarticle": true, "blogposting": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "backgroundnewsarticle": true,
	"reviewnewsarticle": true, "socialmediaposting": true, "liveblogposting": true, "webpage": true,
	"scholarlyarticle": true, "techarticle": true, "report": true,
}

// readJSONLD fills m from a JSON-LD script. The first article described wins,
// and an article wins over a WebPage. JSON broken by raw line breaks or tabs in
// its strings, common on real pages, is read once they are made spaces; JSON
// broken otherwise is ignored.
func readJSONLD(src string, m *pageMeta) {
	var v any
	src = strings.TrimSpace(src)
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		src = strings.TrimRight(strings.Map(func(r rune) rune {
			if r < 0x20 {
				return ' '
			}
			return r
		}, src), "; ")
		if json.Unmarshal([]byte(src), &v) != nil {
			return
		}
	}
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 6 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			if g, ok := x["@graph"]; ok {
				visit(g, depth+1)
			}
			if !isArticleType(x["@type"]) {
				// A page whose main entity is the article: ItemPage, AboutPage…
				visit(x["mainEntity"], depth+1)
				return
			}
			webPage := strings.EqualFold(jsonString(x["@type"]), "WebPage")
			if webPage {
				visit(x["mainEntity"], depth+1)
				// Its dates only when no article states any.
				if !m.ldArticle {
					m.ldPublished = cmp.Or(m.ldPublished, parseMetaDate(jsonString(x["datePublished"])))
					m.ldModified = cmp.Or(m.ldModified, parseMetaDate(jsonString(x["dateModified"])))
				}
				return // a WebPage's headline and author are the site's, not the article's
			}
			if d := parseMetaDate(jsonString(x["datePublished"])); !d.IsZero() && !m.ldArticle {
				m.ldPublished, m.ldArticle = d, true
				m.ldModified = cmp.Or(parseMetaDate(jsonString(x["dateModified"])), m.ldModified)
			} else if !m.ldArticle {
				m.ldModified = cmp.Or(m.ldModified, parseMetaDate(jsonString(x["dateModified"])))
			}
			m.article = true
			if m.ldHeadline == "" {
				m.ldHeadline = jsonString(x["headline"])
			}
			if m.ldURL == "" {
				m.ldURL = jsonString(x["url"])
			}
			if m.description == "" {
				m.description = jsonText(x["description"])
			}
			if len(m.ldAuthors) == 0 {
				m.ldAuthors = jsonNames(x["author"])
			}
			if m.ldPublisher == "" {
				if p := jsonNames(x["publisher"]); len(p) > 0 {
					m.ldPublisher = p[0]
				}
			}
		}
	}
	visit(v, 0)
}

// jsonText returns a JSON-LD value that is text, "" for anything else.
func jsonText(v any) string {
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func isArticleType(t any) bool {
	switch x := t.(type) {
	case string:
		return articleTypes[strings.ToLower(x)]
	case []any:
		for _, e := range x {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

func jsonString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		if len(x) > 0 {
			return jsonString(x[0])
		}
	case map[string]any:
		return firstNonEmpty(jsonString(x["@id"]), jsonString(x["url"]))
	}
	return ""
}

// jsonNames reads the names of a JSON-LD person or organization, or of a list of
// them; a bare string counts as a name.
func jsonNames(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		if s := strings.TrimSpace(x); s != "" && !strings.Contains(s, "://") {
			out = append(out, s)
		}
	case map[string]any:
		if n, ok := x["name"].(string); ok && strings.TrimSpace(n) != "" {
			out = append(out, strings.TrimSpace(n))
		}
	case []any:
		for _, e := range x {
			out = append(out, jsonNames(e)...)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// absoluteURL resolves ref against base and returns it only when the result is an
// absolute http(s) URL.
func absoluteURL(ref, base string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil || !b.IsAbs() {
			return ""
		}
		u = b.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.String()
}

// cleanTitle collapses white space in a title.
func cleanTitle(s string) string { return strings.Join(strings.Fields(s), " ") }

// foldAccents removes the accents of Latin letters (é is e, ł is l), as slugs and
// domain names do.
func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f, ok := unaccented[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unaccented spells the Latin letters that do not decompose into a letter and an
// accent.
var unaccented = map[rune]string{
	'ł': "l", 'Ł': "L", 'ø': "o", 'Ø': "O", 'đ': "d", 'Đ': "D", 'ı': "i", 'ß': "ss",
	'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'þ': "th", 'ð': "d", 'ħ': "h",
}

// pageTitle cleans the title a page states: HTML entities decoded (publishers
// often encode them twice: &amp;quot;), white space collapsed, and the site's name
// dropped from its end ("Title | Aktuálně.cz", "Title - NZZ") or start ("Noticiero
// Digital - Title"). The site's name is any of sites (the outlet, the site name
// and publisher the page states, with their taglines), or at the end the name of
// one of the urls' domains.
func pageTitle(title string, sites []string, urls ...string) string {
	title = cleanTitle(decodeEntities(title))
	parts := splitTagline(title)
	if len(parts) < 2 {
		return title
	}
	whole := title
	var names []string
	for _, n := range sites {
		if sameText(n, title) {
			return title // the page's title is the site's name: there is none else
		}
		names = append(names, n)
		names = append(names, splitTagline(n)...)
	}
	isSite := func(part string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return sameText(n, part) })
	}
	var hosts []hostNames
	for _, u := range urls {
		hosts = append(hosts, siteHost(u))
	}
	last, first := parts[len(parts)-1], parts[0]
	switch {
	case isSite(last) || namesDomain(hosts, last):
		title = strings.TrimSpace(title[:strings.LastIndex(title, last)])
	case isSite(first):
		title = strings.TrimSpace(title[len(first):])
	default:
		return title
	}
	title = strings.Trim(title, " |-–—:·•~")
	if len(strings.Fields(title)) < 2 {
		return whole
	}
	return title
}

// entityRE finds a character reference: &quot; &#8220; &#x201C;. One without its
// semicolon is left alone: "&not" in "Smith &notes" is no reference.
var entityRE = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// decodeEntities decodes the character references left in text the HTML parser
// already decoded once: pages that encode a title twice (&amp;quot;) or put
// references in JSON-LD, which is not HTML, show them as they are.
func decodeEntities(s string) string {
	for range 2 {
		if !strings.Contains(s, "&") {
			break
		}
		s = entityRE.ReplaceAllStringFunc(s, html.UnescapeString)
	}
	return s
}

// splitAuthors splits a "; "-joined author string into names, dropping empty and
// duplicate entries.
func splitAuthors(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ";") {
		p = strings.Join(strings.Fields(p), " ")
		p = strings.TrimPrefix(p, "By ")
		if p == "" || seen[strings.ToLower(p)] {
			continue
		}
		seen[strings.ToLower(p)] = true
		out = append(out, p)
	}
	return out
}

// blockElements end a line of text: paragraphs, headings, list items, table rows.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Blockquote: true, atom.Tr: true, atom.Table: true, atom.Pre: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Figure: true,
	atom.Figcaption: true, atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Hr: true,
	atom.Aside: true, atom.Main: true, atom.Td: true, atom.Th: true,
}

// nodeText renders extracted content as plain text, one line per paragraph or
// other block, so that a page's header lines (title, byline, date) stay apart
// from the story and can be told from it.
func nodeText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				return
			}
		}
		block := n.Type == html.ElementNode && blockElements[n.DataAtom]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return collapseLines(b.String())
}

// maxHeaderLines is how many lines at the top of a page's text may belong to its
// header (kicker, title, standfirst, byline, date) before the story starts.
const maxHeaderLines = 6

// trimPageHeader removes from the top of a page's text the lines that repeat its
// title (with the section label or kicker above it) and the byline and date
// lines, and returns the names the bylines credit. It stops at the first long
// paragraph: the story has begun.
func trimPageHeader(body string, titles ...string) (string, []string) {
	lines := strings.Split(body, "\n")
	// The title, and the short lines above it.
	for i := 0; i < len(lines) && i < maxHeaderLines; i++ {
		if len(strings.Fields(lines[i])) > 30 {
			break
		}
		if isTitleLine(lines[i], titles) {
			lines = lines[i+1:]
			break
		}
	}
	var names []string
	kept := lines[:0:0]
	for i, line := range lines {
		if i >= maxHeaderLines || len(strings.Fields(line)) > 30 {
			kept = append(kept, lines[i:]...)
			break
		}
		if credited, ok := extract.Byline(line); ok {
			for _, n := range credited {
				if !slices.ContainsFunc(names, func(m string) bool { return strings.EqualFold(m, n) }) {
					names = append(names, n)
				}
			}
			continue
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, "\n"), names
}

// isTitleLine reports whether line is the page's title, compared without case
// and punctuation; a title with the site's name after it ("Title | Site") counts.
func isTitleLine(line string, titles []string) bool {
	l := corpus.NormalizeText(line)
	if len(strings.Fields(l)) < 2 {
		return false
	}
	for _, t := range titles {
		t = corpus.NormalizeText(t)
		if t != "" && (l == t || strings.HasPrefix(t, l+" ") && len(l)*2 > len(t) ||
			strings.HasPrefix(l, t+" ") && len(t)*2 > len(l)) {
			return true
		}
	}
	return false
}

// collapseLines trims each line, folds runs of spaces and drops empty lines.
// Package ingest has its twin for HTML fragments.
func collapseLines(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
