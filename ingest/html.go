package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/article-archive/archive/corpus"
)

// MaxHTMLSize bounds the bytes ReadHTML reads from one page, so that a hostile or
// broken file cannot exhaust memory; real article pages are far smaller.
const MaxHTMLSize = 16 << 20

// minArticleWords is the least text a page must yield to count as an article: less
// is a menu or a caption that the extractor picked up from a page without a story.
const minArticleWords = 15

// ErrNoArticleText is wrapped by ReadHTML's error when a page holds no article text
// (an index page, an error page, a page that renders its text with JavaScript).
var ErrNoArticleText = errors.New("no article text found")

// ReadHTML extracts one article from a saved web page: the main text without
// navigation, ads or comments; the title; the authors; the URL (the page's
// canonical or og:url, else pageURL); the outlet (og:site_name, JSON-LD
// publisher.name, else the URL's host); and the published date, taken only from
// JSON-LD datePublished, from <meta> tags such as article:published_time, or from a
// date in the URL, with PublishedSource saying which. A date merely mentioned in
// the text is never taken. Persons are left to Enrich.
//
// It returns an error wrapping ErrNoArticleText when the page has no extractable
// text, and a read or parse error otherwise.
func ReadHTML(r io.Reader, pageURL string) (corpus.Article, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxHTMLSize+1))
	if err != nil {
		return corpus.Article{}, fmt.Errorf("ingest: read html: %w", err)
	}
	if len(data) > MaxHTMLSize {
		return corpus.Article{}, fmt.Errorf("ingest: html page is larger than %d bytes", MaxHTMLSize)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return corpus.Article{}, fmt.Errorf("ingest: parse html: %w", err)
	}
	meta := readPageMeta(doc)

	a := corpus.Article{URL: firstNonEmpty(absoluteURL(meta.canonical, pageURL), absoluteURL(meta.ogURL, pageURL), absoluteURL(meta.ldURL, pageURL), pageURL)}
	opts := trafilatura.Options{
		ExcludeComments: true,
		EnableFallback:  true,
		// Dates come from metadata only (below): htmldate would also take a date
		// mentioned in the text.
		HtmlDateMode: trafilatura.Disabled,
	}
	if u, err := url.Parse(a.URL); err == nil && u.Host != "" {
		opts.OriginalURL = u
	}
	res, err := extractContent(doc, opts)
	if err != nil || res == nil || len(strings.Fields(res.ContentText)) < minArticleWords {
		what := "page"
		if pageURL != "" {
			what = pageURL
		}
		return corpus.Article{}, fmt.Errorf("ingest: html %s: %w", what, ErrNoArticleText)
	}
	a.Title = cleanTitle(firstNonEmpty(meta.ldHeadline, res.Metadata.Title, meta.ogTitle, meta.title))
	body := nodeText(res.ContentNode)
	if len(strings.Fields(body)) < minArticleWords {
		body = res.ContentText
	}
	body, bylined := trimPageHeader(body, a.Title, meta.ogTitle, meta.title)
	a.Body = strings.TrimSpace(body)
	a.Authors = splitAuthors(firstNonEmpty(strings.Join(meta.ldAuthors, "; "), res.Metadata.Author, meta.author))
	if len(a.Authors) == 0 {
		a.Authors = bylined
	}
	a.Outlet = firstNonEmpty(meta.siteName, meta.ldPublisher)
	if a.Outlet == "" {
		a.Outlet = OutletFromURL(a.URL)
	}
	switch {
	case !meta.ldPublished.IsZero():
		a.Published, a.PublishedSource = meta.ldPublished, corpus.DateFromJSONLD
	case !meta.published.IsZero():
		a.Published, a.PublishedSource = meta.published, corpus.DateFromMeta
	case !meta.shown.IsZero():
		a.Published, a.PublishedSource = meta.shown, corpus.DateFromMeta
	default:
		for _, u := range []string{a.URL, pageURL} {
			if d := urlDate(u); !d.IsZero() {
				a.Published, a.PublishedSource = d, corpus.DateFromURL
				break
			}
		}
	}
	// A timestamp in UTC may fall on the next or the previous day from the
	// publisher's: when the URL states a date within a day of it, the URL's is the
	// local date of publication.
	if a.PublishedSource == corpus.DateFromJSONLD || a.PublishedSource == corpus.DateFromMeta {
		if _, off := a.Published.Zone(); off == 0 {
			for _, u := range []string{a.URL, pageURL} {
				if d := urlDate(u); !d.IsZero() && !sameDay(d, a.Published) && absDuration(a.Published.Sub(d)) < 48*time.Hour {
					a.Published, a.PublishedSource = d, corpus.DateFromURL
					break
				}
			}
		}
	}
	return a, nil
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

// shownDateRE finds a full date in the text of a date element: ISO, day.month.year
// as most of Europe writes it, or a month name with day and year.
var shownDateRE = regexp.MustCompile(`\b((?:19|20)\d{2}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)|\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b|\b([A-Z][a-z]{2,8}\.? \d{1,2},? (?:19|20)\d{2})|\b(\d{1,2} [A-Z][a-z]{2,8}\.? (?:19|20)\d{2})|\b(\d{1,2}) de ([a-zç]{4,10}) de ((?:19|20)\d{2})`)

// romanceMonths are the month names of Spanish and Portuguese datelines ("2 de
// abril de 2020").
var romanceMonths = map[string]time.Month{
	"enero": 1, "janeiro": 1, "febrero": 2, "fevereiro": 2, "marzo": 3, "março": 3, "abril": 4,
	"mayo": 5, "maio": 5, "junio": 6, "junho": 6, "julio": 7, "julho": 7, "agosto": 8,
	"septiembre": 9, "setiembre": 9, "setembro": 9, "octubre": 10, "outubro": 10,
	"noviembre": 11, "novembro": 11, "diciembre": 12, "dezembro": 12,
}

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
	m := shownDateRE.FindStringSubmatch(text)
	switch {
	case m == nil:
		return time.Time{}
	case m[2] != "":
		mo, _ := strconv.Atoi(m[3])
		return makeDate(m[4], time.Month(mo), m[2])
	case m[7] != "":
		return makeDate(m[9], romanceMonths[m[8]], m[7])
	}
	return parseMetaDate(firstNonEmpty(m[1], m[5], m[6]))
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
	// shown is the date a visible element marked as the publication date shows.
	shown time.Time
}

// publishedMetaKeys are the <meta> names and properties publishers use for the
// publication date, most specific first.
var publishedMetaKeys = []string{
	"article:published_time", "og:article:published_time", "article:published", "datepublished",
	"og:published_time", "published_time", "publishdate", "publish_date", "publish-date", "pubdate",
	"sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
	"date", "article.published", "cxenseparse:recs:publishtime", "og:pubdate", "rnews:datepublished",
}

func readPageMeta(doc *html.Node) pageMeta {
	var m pageMeta
	metas := map[string]string{}
	var walk func(n *html.Node, aside bool)
	walk = func(n *html.Node, aside bool) {
		if n.Type == html.ElementNode {
			aside = aside || isAsideNode(n)
			if !aside && m.shown.IsZero() && isPublishedDateNode(n) {
				m.shown = shownDate(n)
			}
			switch n.DataAtom {
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
				if strings.EqualFold(attr(n, "rel"), "canonical") && m.canonical == "" {
					m.canonical = attr(n, "href")
				}
			case atom.Time:
				// <time itemprop="datePublished" datetime="..."> is metadata, not text.
				if strings.EqualFold(attr(n, "itemprop"), "datePublished") {
					if _, ok := metas["datepublished"]; !ok {
						metas["datepublished"] = firstNonEmpty(attr(n, "datetime"), attr(n, "content"))
					}
				}
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil {
					readJSONLD(n.FirstChild.Data, &m)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, aside)
		}
	}
	walk(doc, false)
	m.ogTitle = metas["og:title"]
	m.ogURL = metas["og:url"]
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
	return m
}

// articleTypes are the JSON-LD @types that describe the article itself rather than
// the site or a breadcrumb.
var articleTypes = map[string]bool{
	"newsarticle": true, "article": true, "reportagenewsarticle": true, "blogposting": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "backgroundnewsarticle": true,
	"reviewnewsarticle": true, "socialmediaposting": true, "liveblogposting": true, "webpage": true,
	"scholarlyarticle": true, "techarticle": true, "report": true,
}

// readJSONLD fills m from a JSON-LD script; broken JSON, common on real pages, is
// ignored.
func readJSONLD(src string, m *pageMeta) {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return
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
				return
			}
			webPage := strings.EqualFold(jsonString(x["@type"]), "WebPage")
			if d := parseMetaDate(jsonString(x["datePublished"])); !d.IsZero() && (m.ldPublished.IsZero() || !webPage) {
				m.ldPublished = d
			}
			if webPage {
				return // a WebPage's headline and author are the site's, not the article's
			}
			if m.ldHeadline == "" {
				m.ldHeadline = jsonString(x["headline"])
			}
			if m.ldURL == "" {
				m.ldURL = jsonString(x["url"])
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
		if n, ok := parseByline(line, true); ok {
			names = appendNames(names, n)
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
