package ingest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/article-archive/archive/corpus"
)

var writeSources = flag.Bool("write-sources", false, "rewrite the generated files in testdata/sources")

const sourcesDir = "testdata/sources"

func latin1(s string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

func page(title, meta, body string) []byte {
	return fmt.Appendf(nil, "<!doctype html><html><head><title>%s</title>%s</head><body><nav><a href=\"/\">Home</a></nav><article><h1>%s</h1>%s</article></body></html>",
		title, meta, title, body)
}

// generatedSources are the files of testdata/sources that are not text a person
// would write by hand: compressed, binary, or in a legacy encoding.
func generatedSources() map[string][]byte {
	quayPage := page("Pilots train on the new Eastern Quay berth",
		`<meta charset="utf-8"><meta property="og:site_name" content="Harbor Gazette"><meta property="article:published_time" content="2025-05-20T06:00:00Z"><meta name="author" content="Oliver Grant">`,
		"<p>Harbor pilots began training on Tuesday to bring larger ships into the new Eastern Quay berth, chief pilot Jonas Berg said.</p><p>The first of the large container ships is due in June, according to the harbor board.</p>")
	cafePage := latin1(string(page("Café owners fear the quay works",
		`<meta property="og:site_name" content="Valley Courier">`,
		"<p>Owners of the waterfront cafés said on Thursday that the quay works had cut their trade by half. Café owner Élodie Marchand said the harbor authority had promised a footbridge that was never built.</p>")))
	resourcePage := page("Ferry fares to rise in autumn",
		`<meta charset="utf-8"><script type="application/ld+json">{"@type":"NewsArticle","headline":"Ferry fares to rise in autumn","datePublished":"2025-08-01T09:00:00Z","publisher":{"name":"Coastal Wire"}}</script>`,
		"<p>Island ferry fares will rise by four percent in October, the harbor authority said on Friday. Director Priya Raman said fuel costs had doubled since the last rise.</p>")
	navPage := []byte(`<!doctype html><html><head><meta charset="utf-8"><title>Sections</title></head><body><nav><a href="/a">A</a> <a href="/b">B</a></nav></body></html>`)
	const when = "2025-06-01T10:00:00Z"
	crawl := warcGz(
		warcRec("warcinfo", "", when, "application/warc-fields", []byte("software: archive-test-writer\r\nformat: WARC File Format 1.1\r\n")),
		warcRec("request", "https://harborgazette.example/2025/05/20/pilots-train", when, "application/http; msgtype=request",
			[]byte("GET /2025/05/20/pilots-train HTTP/1.1\r\nHost: harborgazette.example\r\nAccept-Encoding: gzip\r\n\r\n")),
		warcRec("response", "https://harborgazette.example/2025/05/20/pilots-train", when, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html; charset=UTF-8", "Transfer-Encoding: chunked", "Content-Encoding: gzip"}, chunk(gz(quayPage), 256))),
		warcRec("metadata", "https://harborgazette.example/2025/05/20/pilots-train", when, "application/warc-fields", []byte("outlink: https://harborgazette.example/\r\n")),
		warcRec("response", "http://harborgazette.example/old-pilots", when, "application/http; msgtype=response",
			httpResp("301 Moved Permanently", []string{"Location: https://harborgazette.example/2025/05/20/pilots-train", "Content-Length: 0"}, nil)),
		warcRec("response", "https://harborgazette.example/img/quay.png", when, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: image/png"}, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))),
		warcRec("response", "https://valleycourier.example/cafes-fear-quay-works", when, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html; charset=ISO-8859-1", fmt.Sprintf("Content-Length: %d", len(cafePage))}, cafePage)),
		warcRec("resource", "https://coastalwire.example/ferry-fares-rise", when, "text/html", resourcePage),
		warcRec("revisit", "https://harborgazette.example/2025/05/20/pilots-train", when, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html"}, nil)),
		warcRec("response", "https://harborgazette.example/missing", when, "application/http; msgtype=response",
			httpResp("404 Not Found", []string{"Content-Type: text/html"}, []byte("<html><body>Not found</body></html>"))),
		warcRec("response", "https://harborgazette.example/sections", when, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html"}, navPage)),
	)
	smallPage := page("Port traffic hits a record", `<meta property="og:site_name" content="Coastal Wire"><meta property="article:published_time" content="2025-01-10T12:00:00Z">`,
		"<p>Container traffic through Port Ellis reached a record in 2024, harbor director Priya Raman said on Friday, crediting the new berths.</p>")
	small := warcRec("response", "https://coastalwire.example/port-record", "2025-01-11T00:00:00Z", "application/http; msgtype=response",
		append([]byte("HTTP/2 200\r\ncontent-type: text/html\r\n\r\n"), smallPage...))

	miniRSS := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Coastal Wire</title><link>https://coastalwire.example/</link>
<item><title>Harbor board names a new chair</title><link>https://coastalwire.example/harbor-board-chair</link><pubDate>Wed, 09 Jul 2025 09:00:00 GMT</pubDate>
<description>Helena Okafor was named chair of the harbor board on Wednesday, succeeding Marcus Bell.</description></item></channel></rss>`)
	innerTar := tarGzOf(map[string][]byte{"x/inner.txt": []byte("Quay works pause for the festival\n\nWork on the Eastern Quay will pause for the Tide Festival, site manager Karin Voss said on Monday.\n")})
	bundleZip := zipWith([]zipEntry{
		{name: "bundle/"},
		{name: "bundle/plain.txt", data: []byte("Island school reopens\n\nThe island school reopened on Monday after repairs to its roof, headteacher Grace Mensah said.\n")},
		{name: "bundle/notes.md", data: []byte("---\ntitle: Fishing quota talks resume\ndate: 2025-02-03\noutlet: Coastal Wire\n---\nTalks on the fishing quota resumed in Port Ellis on Monday, minister Sven Aalto said.\n")},
		{name: "bundle/feeds/mini.rss", data: miniRSS},
		{name: "bundle/page.html.gz", data: gz(quayPage)},
		{name: "bundle/wire.jsonl", data: []byte(`{"id":"zip-wire-1","title":"Dock workers ratify deal","body":"Dock workers ratified the new contract on Friday, union leader Tomas Lindqvist said."}` + "\n\n" + `{"id":"zip-wire-2","title":"Cranes arrive","body":"Two new cranes arrived at the Eastern Quay on Sunday."}` + "\n")},
		{name: "bundle/inner.tar.gz", data: innerTar},
		{name: "__MACOSX/bundle/._plain.txt", data: []byte("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")},
		{name: "bundle/.DS_Store", data: []byte("\x00\x00\x00\x01Bud1")},
		{name: "bundle/photo.png", data: []byte("\x89PNG\r\n\x1a\n")},
	})
	nestedZip := zipWith([]zipEntry{{name: "n.md", data: []byte("Title: Lighthouse gets a new keeper\nOutlet: Harbor Gazette\nDate: 2025-03-01\n\nThe old lighthouse on Gull Point has a new keeper, Astrid Lund, the harbor authority said.\n")}})
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	for _, e := range []struct {
		name string
		typ  byte
		data []byte
	}{
		{"./clips/", tar.TypeDir, nil},
		{"./clips/a.txt", tar.TypeReg, []byte("Bridge reopens to buses\n\nThe Sorrel Crossing reopened to buses on Saturday, city engineer Ruth Abara said.\n")},
		{"./clips/b.html", tar.TypeReg, quayPage},
		{"./clips/photo.jpg", tar.TypeReg, []byte("\xff\xd8\xff\xe0")},
		{"./clips/latest.txt", tar.TypeSymlink, nil},
		{"./clips/nested.zip", tar.TypeReg, nestedZip},
	} {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.data)), ModTime: time.Unix(1750000000, 0)}
		if e.typ == tar.TypeSymlink {
			h.Linkname = "a.txt"
		}
		tw.WriteHeader(h)
		tw.Write(e.data)
	}
	tw.Close()

	truncatedGz := gz([]byte(strings.Repeat("The ferry ran late again today. ", 200)))
	truncatedGz = truncatedGz[:len(truncatedGz)/2]
	return map[string][]byte{
		"warc/crawl.warc.gz":        crawl,
		"warc/small.warc":           small,
		"archives/bundle.zip":       bundleZip,
		"archives/bundle.tar.gz":    gz(tarBuf.Bytes()),
		"feeds/latin1.xml":          latin1(`<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Valley Courier</title><link>https://valleycourier.example/</link><item><title>Crème de la crème at the harvest fair</title><link>https://valleycourier.example/harvest-fair</link><pubDate>Sat, 20 Sep 2025 10:00:00 GMT</pubDate><description>Local baker Renée Dubois won the harvest fair's première prize on Saturday for her apple tart.</description></item></channel></rss>`),
		"bad/binary.txt":            []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"),
		"bad/latin1-undeclared.txt": latin1("Café terraces return to the quay\n\nThe waterfront cafés reopened their terraces on Saturday, owner Élodie Marchand said, after the council's décision to widen the promenade.\n"),
		"bad/cp1252-declared.html": latin1(string(page("Regatta “returns” to the bay", `<meta charset="windows-1252"><meta property="og:site_name" content="Harbor Gazette">`,
			"<p>The regatta returned to the bay on Sunday – for the first time in three years – and skipper Joaquín Ortega won the main race, the organizers said.</p>"))),
		"bad/koi8.txt":         koi8("Новости порта\n\nПорт Эллис принял рекордное число судов в этом году, сообщил директор порта.\n"),
		"bad/truncated.txt.gz": truncatedGz,
	}
}

func koi8(s string) []byte {
	b, err := charmap.KOI8R.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

type zipEntry struct {
	name string
	data []byte
}

func zipWith(entries []zipEntry) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: time.Unix(1750000000, 0)})
		w.Write(e.data)
	}
	zw.Close()
	return out.Bytes()
}

// TestGeneratedSources keeps the generated files of testdata/sources as the
// generator writes them; run with -write-sources to rewrite them.
func TestGeneratedSources(t *testing.T) {
	for name, want := range generatedSources() {
		p := filepath.Join(sourcesDir, filepath.FromSlash(name))
		if *writeSources {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%v: run go test ./ingest -run TestGeneratedSources -write-sources", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator writes: run go test ./ingest -run TestGeneratedSources -write-sources", name)
		}
	}
}

// wantSource is what a test expects of one article read from testdata/sources.
type wantSource struct {
	Title, Outlet, URL, Published, PublishedSource string
	Authors                                        []string
	// BodyHas and Persons are checked for inclusion.
	BodyHas string
	Persons []string
}

func sourceOf(a corpus.Article) wantSource {
	w := wantSource{Title: a.Title, Outlet: a.Outlet, URL: a.URL, PublishedSource: a.PublishedSource, Authors: a.Authors}
	if !a.Published.IsZero() {
		w.Published = a.Published.UTC().Format(time.RFC3339)
	}
	return w
}

// TestSourceFiles ingests every file of testdata/sources with Run, as a user
// would, and checks each article, each rejection and each warning.
func TestSourceFiles(t *testing.T) {
	sink := &collectSink{}
	s, err := Run(context.Background(), Options{Sink: sink, Workers: 3, BatchSize: 4}, sourcesDir)
	if err != nil {
		t.Fatal(err)
	}
	src := func(name string) string { return filepath.Join(sourcesDir, filepath.FromSlash(name)) }
	want := map[string]wantSource{
		src("text/wire-plain.txt"): {Title: "Ferry Strike Ends After Nine Days", Published: "2025-03-03T00:00:00Z", PublishedSource: "dateline",
			BodyHas: "nine-day strike", Persons: []string{"Tomas Lindqvist", "Priya Raman"}},
		src("text/council-header.txt"): {Title: "Council delays vote on the Sorrel Crossing repairs", Outlet: "The Northern Ledger",
			URL: "https://northernledger.example/city/sorrel-crossing-vote-delayed", Published: "2024-09-18T00:00:00Z", PublishedSource: "record",
			Authors: []string{"Mei Tanaka"}, BodyHas: "second inspection", Persons: []string{"Oren Fischer"}},
		src("text/quay-front-matter.md"): {Title: "Eastern Quay berth opens to container ships", Outlet: "Harbor Gazette",
			URL: "https://harborgazette.example/2025/05/12/eastern-quay-berth-opens", Published: "2025-05-12T05:45:00Z", PublishedSource: "record",
			Authors: []string{"Ana Ruiz", "Mei Tanaka"}, BodyHas: "The first container ship docked at the new Eastern Quay berth on Monday, six months after the harbor board approved",
			Persons: []string{"Lucia Ferreira"}},
		src("feeds/harbor.rss") + "[0]": {Title: "Tide festival returns to the old harbor", Outlet: "Harbor Gazette",
			URL: "https://harborgazette.example/2025/06/01/tide-festival-returns", Published: "2025-06-01T06:00:00Z", PublishedSource: "record",
			Authors: []string{"Oliver Grant"}, BodyHas: "boat parade", Persons: []string{"Nadia Haddad"}},
		src("feeds/harbor.rss") + "[1]": {Title: "Water board sets summer rationing rules", Outlet: "Harbor Gazette",
			URL: "https://harborgazette.example/2025/06/02/water-rationing-rules", Published: "2025-06-02T10:15:00Z", PublishedSource: "record",
			Authors: []string{"Ana Ruiz"}, BodyHas: "two evenings a week", Persons: []string{"Samuel Osei"}},
		src("feeds/harbor.rss") + "[2]": {Title: "Ledger: bridge report finds corroded pins", Outlet: "The Northern Ledger",
			URL: "https://northernledger.example/city/bridge-report-corroded-pins", Published: "2025-06-03T06:30:00Z", PublishedSource: "record",
			BodyHas: "preliminary report", Persons: []string{"Ruth Abara"}},
		src("feeds/ledger.atom") + "[0]": {Title: "Norrvik chief David Renshaw steps down", Outlet: "The Northern Ledger",
			URL: "https://northernledger.example/business/norrvik-chief-renshaw-steps-down", Published: "2025-07-15T09:20:00Z", PublishedSource: "record",
			Authors: []string{"Ana Ruiz"}, BodyHas: "Chair Ingrid Holm", Persons: []string{"David Renshaw", "Ingrid Holm"}},
		src("feeds/ledger.atom") + "[1]": {Title: "Kestrel Falls start-up raises new funds", Outlet: "The Northern Ledger",
			URL: "https://northernledger.example/business/kestrel-falls-startup-funds", Published: "2025-07-16T08:30:00Z", PublishedSource: "record",
			Authors: []string{"Ledger business desk"}, BodyHas: "regional investors", Persons: []string{"Amara Nwosu"}},
		src("feeds/ledger-feed.json") + "[0]": {Title: "Lindqvist launches bid for governor", Outlet: "The Northern Ledger",
			URL: "https://northernledger.example/politics/lindqvist-launches-bid", Published: "2025-04-05T15:00:00Z", PublishedSource: "record",
			Authors: []string{"Mei Tanaka"}, BodyHas: "Port Ellis waterfront", Persons: []string{"Tomas Lindqvist"}},
		src("feeds/latin1.xml") + "[0]": {Title: "Crème de la crème at the harvest fair", Outlet: "Valley Courier",
			URL: "https://valleycourier.example/harvest-fair", Published: "2025-09-20T10:00:00Z", PublishedSource: "record",
			BodyHas: "baker Renée Dubois won the harvest fair's première prize", Persons: []string{"Renée Dubois"}},
		src("json/wire.jsonl") + ":1": {Title: "Port traffic hits a record", Outlet: "Coastal Wire", Published: "2025-01-10T12:00:00Z", PublishedSource: "record",
			BodyHas: "record in 2024", Persons: []string{"Priya Raman"}},
		src("json/wire.jsonl") + ":3": {Title: "Ferry timetable restored", Outlet: "Coastal Wire", Published: "2025-03-12T07:00:00Z", PublishedSource: "record",
			BodyHas: "full timetable"},
		src("warc/crawl.warc.gz") + "!https://harborgazette.example/2025/05/20/pilots-train": {Title: "Pilots train on the new Eastern Quay berth", Outlet: "Harbor Gazette",
			URL: "https://harborgazette.example/2025/05/20/pilots-train", Published: "2025-05-20T06:00:00Z", PublishedSource: "meta",
			Authors: []string{"Oliver Grant"}, BodyHas: "chief pilot Jonas Berg", Persons: []string{"Jonas Berg"}},
		src("warc/crawl.warc.gz") + "!https://valleycourier.example/cafes-fear-quay-works": {Title: "Café owners fear the quay works", Outlet: "Valley Courier",
			URL: "https://valleycourier.example/cafes-fear-quay-works", BodyHas: "Café owner Élodie Marchand said", Persons: []string{"Élodie Marchand"}},
		src("warc/crawl.warc.gz") + "!https://coastalwire.example/ferry-fares-rise": {Title: "Ferry fares to rise in autumn", Outlet: "Coastal Wire",
			URL: "https://coastalwire.example/ferry-fares-rise", Published: "2025-08-01T09:00:00Z", PublishedSource: "jsonld", BodyHas: "four percent", Persons: []string{"Priya Raman"}},
		src("warc/small.warc") + "!https://coastalwire.example/port-record": {Title: "Port traffic hits a record", Outlet: "Coastal Wire",
			URL: "https://coastalwire.example/port-record", Published: "2025-01-10T12:00:00Z", PublishedSource: "meta", BodyHas: "crediting the new berths"},
		src("archives/bundle.zip") + "!bundle/plain.txt": {Title: "Island school reopens", BodyHas: "roof", Persons: []string{"Grace Mensah"}},
		src("archives/bundle.zip") + "!bundle/notes.md":  {Title: "Fishing quota talks resume", Outlet: "Coastal Wire", Published: "2025-02-03T00:00:00Z", PublishedSource: "record", BodyHas: "minister Sven Aalto"},
		src("archives/bundle.zip") + "!bundle/feeds/mini.rss[0]": {Title: "Harbor board names a new chair", Outlet: "Coastal Wire", URL: "https://coastalwire.example/harbor-board-chair",
			Published: "2025-07-09T09:00:00Z", PublishedSource: "record", BodyHas: "succeeding Marcus Bell", Persons: []string{"Helena Okafor", "Marcus Bell"}},
		src("archives/bundle.zip") + "!bundle/wire.jsonl:1":             {Title: "Dock workers ratify deal", BodyHas: "ratified"},
		src("archives/bundle.zip") + "!bundle/wire.jsonl:3":             {Title: "Cranes arrive", BodyHas: "Two new cranes"},
		src("archives/bundle.zip") + "!bundle/inner.tar.gz!x/inner.txt": {Title: "Quay works pause for the festival", BodyHas: "Karin Voss"},
		src("archives/bundle.tar.gz") + "!clips/a.txt":                  {Title: "Bridge reopens to buses", BodyHas: "Ruth Abara"},
		// clips/b.html is the same page as bundle.zip!bundle/page.html.gz: one of the two is stored.
		src("archives/bundle.tar.gz") + "!clips/nested.zip!n.md": {Title: "Lighthouse gets a new keeper", Outlet: "Harbor Gazette", Published: "2025-03-01T00:00:00Z", PublishedSource: "record", BodyHas: "Astrid Lund"},
		src("bad/latin1-undeclared.txt"):                         {Title: "Café terraces return to the quay", BodyHas: "council's décision", Persons: []string{"Élodie Marchand"}},
		src("bad/cp1252-declared.html"):                          {Title: "Regatta “returns” to the bay", Outlet: "Harbor Gazette", BodyHas: "Sunday – for the first time", Persons: []string{"Joaquín Ortega"}},
	}
	got := sink.bySource()
	for source, w := range want {
		a, ok := got[source]
		if !ok {
			t.Errorf("%s: not stored", source)
			continue
		}
		g := sourceOf(a)
		w2 := w
		w2.BodyHas, w2.Persons = "", nil
		if w.Title == "" {
			g.Title = ""
		}
		if w.Outlet == "" && w.URL == "" && w.Published == "" && w.Authors == nil {
			g = wantSource{Title: g.Title}
		}
		if diff := cmp.Diff(w2, g); diff != "" {
			t.Errorf("%s (-want +got):\n%s", source, diff)
		}
		if !strings.Contains(strings.Join(strings.Fields(a.Body), " "), w.BodyHas) {
			t.Errorf("%s: body lacks %q:\n%s", source, w.BodyHas, a.Body)
		}
		for _, p := range w.Persons {
			if !slices.Contains(a.Persons, p) {
				t.Errorf("%s: persons %q lack %q", source, a.Persons, p)
			}
		}
	}
	dup1, dup2 := src("archives/bundle.zip")+"!bundle/page.html.gz", src("archives/bundle.tar.gz")+"!clips/b.html"
	if a, ok := got[dup1]; ok == (got[dup2].ID != "") || a.ID == "" && got[dup2].Title != "Pilots train on the new Eastern Quay berth" {
		t.Errorf("want exactly one of %s and %s stored", dup1, dup2)
	}
	delete(got, dup1)
	delete(got, dup2)
	if len(got) != len(want) {
		var extra []string
		for s := range got {
			if _, ok := want[s]; !ok {
				extra = append(extra, s)
			}
		}
		t.Errorf("stored %d articles, want %d; not expected: %q", len(got), len(want), extra)
	}

	wantRejected := map[string]string{
		src("bad/empty.txt"):          "is empty",
		src("bad/blank.md"):           "is empty",
		src("bad/binary.txt"):         "is binary",
		src("bad/koi8.txt"):           "is not valid UTF-8",
		src("bad/nav-only.html"):      "has no article text",
		src("bad/truncated.txt.gz"):   "cannot be read",
		src("json/wire.jsonl") + ":2": "malformed JSON",
		// Its field names are not the built-in ones: see TestFieldMapping.
		src("json/newsroom-export.json") + "[0]":                              "--field body=NAME",
		src("json/newsroom-export.json") + "[1]":                              "--field body=NAME",
		src("warc/crawl.warc.gz") + "!https://harborgazette.example/sections": "has no article text",
	}
	gotRejected := map[string]string{}
	for _, r := range s.Rejected {
		key := r.Source
		if r.Line > 0 {
			key = fmt.Sprintf("%s:%d", r.Source, r.Line)
		}
		gotRejected[key] = r.Reason
	}
	for source, reason := range wantRejected {
		if !strings.Contains(gotRejected[source], reason) {
			t.Errorf("%s: rejected %q, want a reason with %q", source, gotRejected[source], reason)
		}
	}
	if len(gotRejected) != len(wantRejected) {
		t.Errorf("rejected %d inputs, want %d: %v", len(gotRejected), len(wantRejected), s.Rejected)
	}

	wantWarnings := map[string]string{
		src("feeds/harbor.rss") + "[1]":  "summary only",
		src("feeds/ledger.atom") + "[1]": "summary only",
		src("warc/crawl.warc.gz") + "!https://valleycourier.example/cafes-fear-quay-works": "no publication date",
		src("bad/latin1-undeclared.txt"):                         "read as Windows-1252",
		src("archives/bundle.zip") + "!bundle/feeds/mini.rss[0]": "summary only",
		src("feeds/latin1.xml") + "[0]":                          "summary only",
	}
	for _, w := range s.Warnings {
		reason, ok := wantWarnings[w.Source]
		if !ok || !strings.Contains(w.Reason, reason) {
			t.Errorf("unexpected warning %s", w)
		}
	}
	// Ignored: sitemap.xml; in bundle.zip photo.png; in bundle.tar.gz photo.jpg.
	// Ignored WARC records: warcinfo, request, metadata, 301, png, revisit, 404.
	if s.Duplicates != 1 {
		t.Errorf("%d duplicates, want 1 (clips/b.html)", s.Duplicates)
	}
	if s.Ignored != 3 || s.IgnoredRecords != 7 {
		t.Errorf("ignored %d files and %d WARC records, want 3 and 7", s.Ignored, s.IgnoredRecords)
	}
}

// TestFieldMapping ingests an export whose field names the built-in mapping does
// not know, mapped with Options.Fields as --field does.
func TestFieldMapping(t *testing.T) {
	target := func(spec string) (string, string) {
		t.Helper()
		tg, name, err := ParseFieldSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		return tg, name
	}
	fields := map[string][]string{}
	for _, spec := range []string{"id=story_id", "title=headline_text", "published=when", "outlet=desk", "body=copy"} {
		tg, name := target(spec)
		fields[tg] = append(fields[tg], name)
	}
	sink := &collectSink{}
	s, err := Run(context.Background(), Options{Sink: sink, Fields: fields}, filepath.Join(sourcesDir, "json", "newsroom-export.json"))
	if err != nil || len(s.Rejected) > 0 || len(s.Warnings) > 0 {
		t.Fatalf("Run: %v, rejected %v, warnings %v", err, s.Rejected, s.Warnings)
	}
	var got []wantSource
	for _, a := range sink.articles {
		w := sourceOf(a)
		w.Persons = a.Persons
		w.BodyHas = a.ID
		got = append(got, w)
	}
	want := []wantSource{
		{Title: "Growers sue the water board over rationing", Outlet: "Valley Courier", Published: "2025-03-14T16:05:00Z", PublishedSource: "record",
			BodyHas: "nx-1", Persons: []string{"Carmen Ortiz"}},
		{Title: "Judge strikes down the rationing formula", Outlet: "Valley Courier", Published: "2025-04-30T09:00:00Z", PublishedSource: "record",
			BodyHas: "nx-2", Persons: []string{"Rafael Mendes"}},
	}
	slices.SortFunc(got, func(a, b wantSource) int { return strings.Compare(a.BodyHas, b.BodyHas) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
