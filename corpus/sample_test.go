package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The outlets the sample articles were written for; all fictional. Each is
// spelled here as its metadata, datelines and credit lines all spell it, so that
// the outlet facet shows it once.
var sampleOutlets = map[string]bool{
	"The Northern Ledger": true,
	"Valley Wire":         true,
	"Harbor Gazette":      true,
	"Coastline Daily":     true,
	"Meridian Radio News": true,
	"Verran Courier":      true,
}

// sampleArticle is one sample article as these tests read it: a deliberately
// simple reader, enough to check the files' shape, not the archive's ingest.
type sampleArticle struct {
	source    string // path, with ":line" for JSONL records
	format    string // "text", "jsonl", "html"
	title     string
	body      string
	outlet    string
	published time.Time // zero when undated
}

// readSample reads every article in Sample(), failing the test on any file
// that does not have the shape the package doc promises.
func readSample(t *testing.T) []sampleArticle {
	t.Helper()
	fsys := Sample()
	var arts []sampleArticle
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		name := p
		if strings.HasSuffix(name, ".gz") {
			data = gunzip(t, p, data)
			name = strings.TrimSuffix(name, ".gz")
		}
		switch path.Ext(name) {
		case ".txt":
			arts = append(arts, readSampleText(t, p, string(data)))
		case ".jsonl":
			arts = append(arts, readSampleJSONL(t, p, data)...)
		case ".html":
			arts = append(arts, readSampleHTML(t, p, data))
		default:
			t.Errorf("%s: not a format the sample should hold", p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking Sample(): %v", err)
	}
	return arts
}

func gunzip(t *testing.T, p string, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return out
}

var (
	// "PORT ELLIS, Mar. 14, 2023 (Harbor Gazette) — "
	datelineOutlet = regexp.MustCompile(`^[A-Z][A-Z .'-]*, ((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\. \d{1,2}, \d{4}) \(([^)]+)\) — \S`)
	// "PORT ELLIS, July 19, 2023 — "
	datelineDate = regexp.MustCompile(`^[A-Z][A-Z .'-]*, ((?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}) — \S`)
	// "PORT ELLIS — "
	datelineBare = regexp.MustCompile(`^[A-Z][A-Z .'-]* — \S`)

	creditReported = regexp.MustCompile(`^— Reported by [A-Z][^,]+ for (.+)$`)
	creditAppeared = regexp.MustCompile(`^This article first appeared in (?:the )?(.+)\.$`)
	creditBraces   = regexp.MustCompile(`^\{(.+)\}$`)
)

func readSampleText(t *testing.T, p, s string) sampleArticle {
	t.Helper()
	a := sampleArticle{source: p, format: "text"}
	title, rest, _ := strings.Cut(s, "\n")
	a.title = strings.TrimSpace(title)
	paras := strings.Split(strings.TrimSpace(rest), "\n\n")
	if a.title == "" || len(paras) < 3 {
		t.Errorf("%s: want a headline line, then a body of paragraphs", p)
		return a
	}
	first, last := paras[0], paras[len(paras)-1]
	credit := ""
	for _, re := range []*regexp.Regexp{creditReported, creditAppeared, creditBraces} {
		if m := re.FindStringSubmatch(last); m != nil {
			// "for The Northern Ledger": "The" is part of that outlet's name,
			// while "appeared in the Harbor Gazette" has a plain article.
			credit = m[1]
			paras = paras[:len(paras)-1]
		}
	}
	switch {
	case datelineOutlet.MatchString(first):
		m := datelineOutlet.FindStringSubmatch(first)
		a.published = parseSampleDate(t, p, "Jan. 2, 2006", m[1])
		a.outlet = m[2]
		if credit != "" {
			t.Errorf("%s: names its outlet in both the dateline and a credit line", p)
		}
	case datelineDate.MatchString(first):
		m := datelineDate.FindStringSubmatch(first)
		a.published = parseSampleDate(t, p, "January 2, 2006", m[1])
		a.outlet = credit
	case datelineBare.MatchString(first):
		a.outlet = credit
	default:
		t.Errorf("%s: body does not open with a dateline: %.60q", p, first)
	}
	if a.outlet == "" {
		t.Errorf("%s: names no outlet: want one in the dateline or a credit line at the end", p)
	}
	a.body = strings.Join(paras, "\n\n")
	return a
}

func parseSampleDate(t *testing.T, p, layout, s string) time.Time {
	t.Helper()
	d, err := time.Parse(layout, s)
	if err != nil {
		t.Errorf("%s: date %q: %v", p, s, err)
	}
	return d
}

// firstString returns the first of keys that rec holds as a non-empty string.
func firstString(rec map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := rec[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func readSampleJSONL(t *testing.T, p string, data []byte) []sampleArticle {
	t.Helper()
	var arts []sampleArticle
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		src := p + ":" + strconv.Itoa(n)
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Errorf("%s: not a JSON object: %v", src, err)
			continue
		}
		a := sampleArticle{
			source: src,
			format: "jsonl",
			title:  firstString(rec, "title", "headline"),
			body:   firstString(rec, "body", "text", "content"),
			outlet: firstString(rec, "outlet", "site", "source"),
		}
		if a.title == "" {
			t.Errorf("%s: no title or headline", src)
		}
		if a.body == "" {
			t.Errorf("%s: no body, text or content", src)
		}
		if a.outlet == "" {
			t.Errorf("%s: no outlet, site or source", src)
		}
		if firstString(rec, "url") == "" {
			t.Errorf("%s: no url", src)
		}
		if firstString(rec, "author") == "" && rec["authors"] == nil {
			t.Errorf("%s: no author or authors", src)
		}
		if d := firstString(rec, "published", "date"); d != "" {
			a.published = parseSampleDate(t, src, time.RFC3339, d)
		}
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		t.Errorf("%s: %v", p, err)
	}
	return arts
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func readSampleHTML(t *testing.T, p string, data []byte) sampleArticle {
	t.Helper()
	a := sampleArticle{source: p, format: "html"}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return a
	}
	meta := map[string]string{}
	var titles, articles, h1s int
	var canonical string
	var paras []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "meta":
			if k := attr(n, "property"); k != "" {
				meta[k] = attr(n, "content")
			}
		case "link":
			if attr(n, "rel") == "canonical" {
				canonical = attr(n, "href")
			}
		case "title":
			titles++
		case "h1":
			h1s++
		case "article":
			articles++
			// The article's own paragraphs carry no class; bylines, kickers
			// and promos inside <article> do.
			for d := range n.Descendants() {
				if d.Type == html.ElementNode && d.Data == "p" && attr(d, "class") == "" {
					paras = append(paras, text(d))
				}
			}
		}
	}
	a.outlet = meta["og:site_name"]
	a.title = meta["og:title"]
	a.body = strings.Join(paras, "\n\n")
	if a.outlet == "" {
		t.Errorf("%s: no <meta property=\"og:site_name\">", p)
	}
	if a.title == "" {
		t.Errorf("%s: no <meta property=\"og:title\">", p)
	}
	if titles != 1 || articles != 1 || h1s != 1 {
		t.Errorf("%s: want one <title>, one <article> and one <h1>; have %d, %d and %d", p, titles, articles, h1s)
	}
	if canonical == "" {
		t.Errorf("%s: no <link rel=\"canonical\">", p)
	}
	if d := meta["article:published_time"]; d != "" {
		a.published = parseSampleDate(t, p, time.RFC3339, d)
	} else {
		t.Errorf("%s: no <meta property=\"article:published_time\">", p)
	}
	return a
}

func TestSampleHoldsEnoughArticlesInEveryFormat(t *testing.T) {
	arts := readSample(t)
	perFormat := map[string]int{}
	gz := 0
	for _, a := range arts {
		perFormat[a.format]++
		if strings.Contains(a.source, ".gz") {
			gz++
		}
	}
	t.Logf("%d articles: %v, %d of them gzipped", len(arts), perFormat, gz)
	if len(arts) < 26 {
		t.Errorf("Sample() holds %d articles, want at least 26", len(arts))
	}
	for format, min := range map[string]int{"text": 6, "jsonl": 8, "html": 6} {
		if perFormat[format] < min {
			t.Errorf("Sample() holds %d %s articles, want at least %d", perFormat[format], format, min)
		}
	}
	if gz == 0 {
		t.Error("Sample() holds no gzipped article")
	}
}

func TestSampleArticlesAreShortNews(t *testing.T) {
	for _, a := range readSample(t) {
		if a.title == "" {
			t.Errorf("%s: no title", a.source)
		}
		if n := len(strings.Fields(a.body)); n < 150 || n > 400 {
			t.Errorf("%s: body has %d words, want 150 to 400", a.source, n)
		}
	}
}

func TestSampleOutletsAndDates(t *testing.T) {
	from := time.Date(2023, time.March, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2025, time.November, 1, 0, 0, 0, 0, time.UTC)
	outlets := map[string]int{}
	undated := 0
	for _, a := range readSample(t) {
		if !sampleOutlets[a.outlet] {
			t.Errorf("%s: outlet %q is not one of the sample's outlets", a.source, a.outlet)
		}
		outlets[a.outlet]++
		if a.published.IsZero() {
			undated++
		} else if a.published.Before(from) || !a.published.Before(to) {
			t.Errorf("%s: published %v, want March 2023 to October 2025", a.source, a.published)
		}
	}
	t.Logf("outlets: %v; undated: %d", outlets, undated)
	if len(outlets) != len(sampleOutlets) {
		t.Errorf("articles come from %d outlets, want all %d", len(outlets), len(sampleOutlets))
	}
	if undated != 2 {
		t.Errorf("%d articles are undated, want 2", undated)
	}
}

var (
	urlPattern   = regexp.MustCompile(`https?://[^\s"'<>)\]\\]+`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]+)`)
)

// TestSampleUsesOnlyExampleDomains: the outlets are fictional, so no sample file
// may point at a real site. schema.org is the JSON-LD vocabulary, not a site.
func TestSampleUsesOnlyExampleDomains(t *testing.T) {
	fsys := Sample()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".gz") {
			data = gunzip(t, p, data)
		}
		for _, raw := range urlPattern.FindAllString(string(data), -1) {
			u, err := url.Parse(raw)
			if err != nil {
				t.Errorf("%s: URL %q: %v", p, raw, err)
				continue
			}
			host := u.Hostname()
			if !strings.HasSuffix(host, ".example") && host != "schema.org" {
				t.Errorf("%s: URL %q is not under .example", p, raw)
			}
		}
		for _, m := range emailPattern.FindAllStringSubmatch(string(data), -1) {
			if !strings.HasSuffix(m[1], ".example") {
				t.Errorf("%s: address %q is not under .example", p, m[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
