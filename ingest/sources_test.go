package ingest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

// collectSink keeps what a run stores; an ID it has seen is a duplicate.
type collectSink struct {
	mu       sync.Mutex
	articles []corpus.Article
	seen     map[string]bool
}

func (s *collectSink) Put(_ context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	out := make([]corpus.Outcome, len(articles))
	for i, a := range articles {
		if s.seen[a.ID] {
			out[i] = corpus.Unchanged
			continue
		}
		s.seen[a.ID] = true
		s.articles = append(s.articles, a)
		out[i] = corpus.Indexed
	}
	return out, nil
}

// bySource returns the stored articles keyed by their Source.
func (s *collectSink) bySource() map[string]corpus.Article {
	m := map[string]corpus.Article{}
	for _, a := range s.articles {
		m[a.Source] = a
	}
	return m
}

// runFS ingests fsys into a new collectSink.
func runFS(t *testing.T, fsys fstest.MapFS, opts Options) (*collectSink, Summary) {
	t.Helper()
	sink := &collectSink{}
	opts.Sink = sink
	opts.Workers = 2
	s, err := RunFS(context.Background(), opts, fsys)
	if err != nil {
		t.Fatalf("RunFS: %v", err)
	}
	return sink, s
}

// tripArticle is the article every format carries in the round trips.
var tripArticle = corpus.Article{
	URL:       "https://harborgazette.example/2024/11/05/eastern-quay-expansion",
	Outlet:    "Harbor Gazette",
	Published: time.Date(2024, 11, 5, 9, 30, 0, 0, time.UTC),
	Title:     "Harbor board approves the Eastern Quay expansion",
	Authors:   []string{"Ana Ruiz"},
	Body: "The harbor board voted on Tuesday to approve the long-delayed expansion of the Eastern Quay, " +
		"ending two years of hearings over cost and dredging.\n" +
		"Board chair Helena Okafor said the first new berth would open within eighteen months " +
		"and that the port would borrow against future container fees to pay for it.\n" +
		"Opponents led by councillor Marcus Bell said they would ask the state court to review the decision, " +
		"arguing that the environmental study had ignored the effect on the tidal marsh north of the quay.",
}

// tripFields is what a round trip compares: the fields a format states, and the
// people extraction finds, with the body's white space folded.
type tripFields struct {
	URL, Outlet, Title, Body string
	Published                time.Time
	PublishedSource          string
	Authors, Persons         []string
}

func fieldsOf(a corpus.Article) tripFields {
	return tripFields{URL: a.URL, Outlet: a.Outlet, Title: a.Title, Body: strings.Join(strings.Fields(a.Body), " "),
		Published: a.Published.UTC(), PublishedSource: a.PublishedSource, Authors: a.Authors, Persons: a.Persons}
}

func paragraphs(body string) []string { return strings.Split(body, "\n") }

// The writers of each format, as a collector's tools would produce them.

func writeFrontMatter(a corpus.Article) []byte {
	return fmt.Appendf(nil, "---\ntitle: %q\ndate: %s\noutlet: %s\nurl: %s\nauthors:\n  - %s\ntags: [port, council]\n---\n\n%s\n",
		a.Title, a.Published.Format("2006-01-02 15:04:05 -0700"), a.Outlet, a.URL, a.Authors[0], a.Body)
}

func writeHeaderLines(a corpus.Article) []byte {
	return fmt.Appendf(nil, "Title: %s\nDate: %s\nOutlet: %s\nURL: %s\nAuthor: %s\n\n%s\n",
		a.Title, a.Published.Format(time.RFC3339), a.Outlet, a.URL, a.Authors[0], a.Body)
}

func writeMarkdown(a corpus.Article) []byte {
	body := strings.Replace(a.Body, "Helena Okafor", "**Helena Okafor**", 1)
	body = strings.Replace(body, "state court", "[state court](https://courts.example/)", 1)
	return fmt.Appendf(nil, "---\ntitle: '%s'\ndate: %s\noutlet: \"%s\"\nlink: %s\nauthor:\n  name: %s\n---\n# %s\n\n%s\n",
		a.Title, a.Published.Format(time.RFC3339), a.Outlet, a.URL, a.Authors[0], a.Title, strings.ReplaceAll(body, "\n", "\n\n"))
}

func writeJSON(a corpus.Article) []byte {
	b, _ := json.Marshal(map[string]any{"headline": a.Title, "publishedAt": a.Published.Format(time.RFC3339),
		"source": map[string]any{"name": a.Outlet}, "link": a.URL, "byline": "By " + a.Authors[0], "content": a.Body})
	return b
}

func writeHTML(a corpus.Article) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html><head><meta charset="utf-8"><title>%s | %s</title>
<meta property="og:site_name" content="%s"><meta property="og:title" content="%s">
<link rel="canonical" href="%s"><meta property="article:published_time" content="%s">
<meta name="author" content="%s"></head><body><nav><a href="/">Home</a> <a href="/port">Port</a></nav>
<article><h1>%s</h1>`, html.EscapeString(a.Title), a.Outlet, a.Outlet, html.EscapeString(a.Title), a.URL,
		a.Published.Format(time.RFC3339), a.Authors[0], html.EscapeString(a.Title))
	for _, p := range paragraphs(a.Body) {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString("</article><footer>© Harbor Gazette</footer></body></html>\n")
	return []byte(b.String())
}

func htmlParagraphs(body string) string {
	var b strings.Builder
	for _, p := range paragraphs(body) {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
	}
	return b.String()
}

func writeRSS(a corpus.Article) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>%s - Port and City</title><link>https://harborgazette.example/</link><description>News</description>
<item><title>%s</title><link>%s</link><pubDate>%s</pubDate><dc:creator>%s</dc:creator>
<description>The board voted on Tuesday.</description>
<content:encoded><![CDATA[%s]]></content:encoded></item>
</channel></rss>
`, a.Outlet, html.EscapeString(a.Title), a.URL, a.Published.Format(time.RFC1123Z), a.Authors[0], htmlParagraphs(a.Body))
}

func writeAtom(a corpus.Article) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>%s</title><id>urn:harbor</id><updated>%s</updated>
<author><name>%s</name></author>
<entry><title type="html">%s</title><link rel="alternate" href="%s"/><id>urn:1</id>
<published>%s</published><updated>2024-11-06T10:00:00Z</updated>
<summary>The board voted on Tuesday.</summary><content type="html">%s</content></entry></feed>
`, a.Outlet, a.Published.Format(time.RFC3339), a.Authors[0], html.EscapeString(a.Title), a.URL,
		a.Published.Format(time.RFC3339), html.EscapeString(htmlParagraphs(a.Body)))
}

func writeJSONFeed(a corpus.Article) []byte {
	b, _ := json.Marshal(map[string]any{
		"version": "https://jsonfeed.org/version/1.1", "title": a.Outlet, "home_page_url": "https://harborgazette.example/",
		"items": []any{map[string]any{"id": "1", "url": a.URL, "title": a.Title, "content_html": htmlParagraphs(a.Body),
			"date_published": a.Published.Format(time.RFC3339), "authors": []any{map[string]any{"name": a.Authors[0]}}}},
	})
	return b
}

// WARC writing, as a crawler does: one gzip member per record.

func warcRec(typ, uri, date, contentType string, block []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%08x-0000-4000-8000-000000000000>\r\n", typ, len(block)*31+len(uri))
	if uri != "" {
		fmt.Fprintf(&b, "WARC-Target-URI: %s\r\n", uri)
	}
	fmt.Fprintf(&b, "WARC-Date: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", date, contentType, len(block))
	b.Write(block)
	b.WriteString("\r\n\r\n")
	return b.Bytes()
}

func httpResp(status string, headers []string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %s\r\n", status)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

func chunk(body []byte, size int) []byte {
	var b bytes.Buffer
	for len(body) > 0 {
		n := min(size, len(body))
		fmt.Fprintf(&b, "%x\r\n", n)
		b.Write(body[:n])
		b.WriteString("\r\n")
		body = body[n:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// warcGz compresses each record as its own gzip member.
func warcGz(records ...[]byte) []byte {
	var out []byte
	for _, r := range records {
		out = append(out, gz(r)...)
	}
	return out
}

const fetched = "2025-02-01T08:00:00Z"

func writeWARC(a corpus.Article) []byte {
	page := writeHTML(a)
	return warcGz(
		warcRec("warcinfo", "", fetched, "application/warc-fields", []byte("software: test\r\n")),
		warcRec("request", a.URL, fetched, "application/http; msgtype=request", []byte("GET / HTTP/1.1\r\nHost: harborgazette.example\r\n\r\n")),
		warcRec("response", a.URL, fetched, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html; charset=utf-8", "Transfer-Encoding: chunked", "Content-Encoding: gzip"}, chunk(gz(page), 300))),
	)
}

func zipOf(files map[string][]byte) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range sortedKeys(files) {
		w, _ := zw.Create(name)
		w.Write(files[name])
	}
	zw.Close()
	return out.Bytes()
}

func tarGzOf(files map[string][]byte) []byte {
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for _, name := range sortedKeys(files) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 0)})
		tw.Write(files[name])
	}
	tw.Close()
	return gz(out.Bytes())
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// tripFormats are the formats of the round trip: the file each writes, and the
// date source the format gives.
var tripFormats = []struct {
	name, file string
	write      func(corpus.Article) []byte
	dateFrom   string
}{
	{"front matter", "a.txt", writeFrontMatter, corpus.DateFromRecord},
	{"header lines", "a.text", writeHeaderLines, corpus.DateFromRecord},
	{"markdown", "a.md", writeMarkdown, corpus.DateFromRecord},
	{"json", "a.json", writeJSON, corpus.DateFromRecord},
	{"jsonl", "a.jsonl", func(a corpus.Article) []byte { return append(writeJSON(a), '\n') }, corpus.DateFromRecord},
	{"html", "a.html", writeHTML, corpus.DateFromMeta},
	{"html.gz", "a.html.gz", func(a corpus.Article) []byte { return gz(writeHTML(a)) }, corpus.DateFromMeta},
	{"rss", "a.rss", writeRSS, corpus.DateFromRecord},
	{"atom", "a.atom", writeAtom, corpus.DateFromRecord},
	{"json feed", "a.json", writeJSONFeed, corpus.DateFromRecord},
	{"rss as .xml", "a.xml", writeRSS, corpus.DateFromRecord},
	{"warc.gz", "a.warc.gz", writeWARC, corpus.DateFromMeta},
}

// TestRoundTrip writes one article in every format, ingests it, and compares what
// comes back, alone and inside zip and tar.gz archives.
func TestRoundTrip(t *testing.T) {
	want := fieldsOf(tripArticle)
	want.Persons = []string{"Helena Okafor", "Marcus Bell"}
	for _, f := range tripFormats {
		data := f.write(tripArticle)
		for _, wrap := range []struct {
			name   string
			fsys   fstest.MapFS
			source string
		}{
			{"alone", fstest.MapFS{f.file: {Data: data}}, f.file},
			{"in zip", fstest.MapFS{"b.zip": {Data: zipOf(map[string][]byte{"dir/" + f.file: data})}}, "b.zip!dir/" + f.file},
			{"in tar.gz", fstest.MapFS{"b.tgz": {Data: tarGzOf(map[string][]byte{"./dir/" + f.file: data})}}, "b.tgz!dir/" + f.file},
		} {
			t.Run(f.name+"/"+wrap.name, func(t *testing.T) {
				sink, s := runFS(t, wrap.fsys, Options{})
				if len(s.Rejected) > 0 || len(sink.articles) != 1 {
					t.Fatalf("stored %d articles, rejected %v; want 1, none", len(sink.articles), s.Rejected)
				}
				got := sink.articles[0]
				w := want
				w.PublishedSource = f.dateFrom
				if diff := cmp.Diff(w, fieldsOf(got)); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if !strings.HasPrefix(got.Source, wrap.source) {
					t.Errorf("Source = %q, want %q", got.Source, wrap.source)
				}
				if got.ID == "" || got.IngestedAt.IsZero() {
					t.Errorf("ID %q, IngestedAt %v: want both set", got.ID, got.IngestedAt)
				}
			})
		}
	}
}
