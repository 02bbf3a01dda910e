package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]struct {
		f  format
		gz bool
	}{
		"a.txt": {formatText, false}, "a.MD": {formatMarkdown, false}, "a.markdown.gz": {formatMarkdown, true},
		"a.json": {formatJSON, false}, "a.ndjson.gz": {formatJSONL, true}, "a.htm": {formatHTML, false},
		"a.rss": {formatFeed, false}, "a.atom": {formatFeed, false}, "a.xml": {formatXML, false},
		"a.warc": {formatWARC, false}, "a.warc.gz": {formatWARC, true}, "a.zip": {formatZip, false},
		"a.tar": {formatTar, false}, "a.tar.gz": {formatTar, true}, "a.tgz": {formatTar, true},
		"a.png": {formatUnknown, false}, "a.gz": {formatUnknown, true},
	} {
		f, gz := formatOf(name)
		if f != want.f || gz != want.gz {
			t.Errorf("formatOf(%q) = %v, %v; want %v, %v", name, f, gz, want.f, want.gz)
		}
	}
}

// TestStdin sniffs every format on standard input, compressed or not.
func TestStdin(t *testing.T) {
	for _, f := range tripFormats {
		for _, compress := range []bool{false, true} {
			if compress && strings.HasSuffix(f.file, ".gz") {
				continue
			}
			data := f.write(tripArticle)
			if compress {
				data = gz(data)
			}
			name := f.name
			if compress {
				name += "/gzipped"
			}
			t.Run(name, func(t *testing.T) {
				sink := &collectSink{}
				s, err := Run(context.Background(), Options{Sink: sink, Stdin: bytes.NewReader(data)}, "-")
				if err != nil || len(s.Rejected) > 0 || len(sink.articles) != 1 {
					t.Fatalf("Run: %v, rejected %v, stored %d; want 1 article", err, s.Rejected, len(sink.articles))
				}
				if got := sink.articles[0]; got.Title != tripArticle.Title || !strings.HasPrefix(got.Source, "-") {
					t.Errorf("title %q from %q", got.Title, got.Source)
				}
			})
		}
	}
	for name, data := range map[string][]byte{
		"zip": zipOf(map[string][]byte{"a.txt": article("Zipped")}),
		"tar": tarGzOf(map[string][]byte{"a.txt": article("Tarred")}),
	} {
		t.Run(name, func(t *testing.T) {
			sink := &collectSink{}
			s, err := Run(context.Background(), Options{Sink: sink, Stdin: bytes.NewReader(data)}, "-")
			if err != nil || len(s.Rejected) > 0 || len(sink.articles) != 1 || sink.articles[0].Source != "-!a.txt" {
				t.Fatalf("Run: %v, rejected %v, stored %v", err, s.Rejected, sink.articles)
			}
		})
	}
}

// TestNamedInputs rejects files named on the command line that the archive does
// not read, and ignores them in directories.
func TestNamedInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sitemap := write("d/sitemap.xml", `<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>`)
	photo := write("d/photo.jpg", "\xff\xd8")
	write("d/a.txt.gz", "plain text, not gzip")
	write("d/.hidden/x.txt", "hidden")
	sink := &collectSink{}
	s, err := Run(context.Background(), Options{Sink: sink}, sitemap, photo, filepath.Join(dir, "d"), filepath.Join(dir, "missing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range s.Rejected {
		got = append(got, strings.TrimPrefix(r.String(), dir+string(filepath.Separator)))
	}
	want := []string{
		"d/photo.jpg: " + unsupportedReason,
		"missing.txt: no such file or directory: check the path",
		"d/sitemap.xml: is XML but not an RSS or Atom feed: the archive reads feeds, not other XML",
		"d/a.txt.gz: is named .gz but is not gzip-compressed: rename it or compress it",
	}
	if diff := cmp.Diff(sortedStrings(want), sortedStrings(got)); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}
	// In the directory: photo.jpg ignored when listed, sitemap.xml once sniffed.
	if s.Ignored != 2 {
		t.Errorf("ignored %d, want 2", s.Ignored)
	}
}

func TestParseFieldSpec(t *testing.T) {
	for spec, want := range map[string][2]string{
		"published=pub_date":     {"published", "pub_date"},
		" Outlet = source.name ": {"outlet", "source.name"},
		"body=a=b":               {"body", "a=b"},
	} {
		target, name, err := ParseFieldSpec(spec)
		if err != nil || target != want[0] || name != want[1] {
			t.Errorf("ParseFieldSpec(%q) = %q, %q, %v; want %q", spec, target, name, err, want)
		}
	}
	for spec, wantErr := range map[string]string{
		"published":     "write ARTICLE_FIELD=RECORD_FIELD",
		"=pub_date":     "write ARTICLE_FIELD=RECORD_FIELD",
		"date=pub_date": `"date" is not an article field: use one of id, url, outlet`,
		"published=":    "write ARTICLE_FIELD=RECORD_FIELD",
	} {
		if _, _, err := ParseFieldSpec(spec); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseFieldSpec(%q) error %v, want %q", spec, err, wantErr)
		}
	}
	if _, err := Run(context.Background(), Options{Sink: &collectSink{}, Fields: map[string][]string{"headline": {"x"}}}); err == nil {
		t.Error("Run with a field mapping to no article field: no error")
	}
}

// TestFieldMappingRecords maps nested and taken names in JSON records.
func TestFieldMappingRecords(t *testing.T) {
	m, err := newFieldMapping(map[string][]string{"outlet": {"meta.paper"}, "authors": {"source"}, "published": {"Print Date"}})
	if err != nil {
		t.Fatal(err)
	}
	rec := `{"title":"T","body":"B","source":"Ana Ruiz","meta":{"Paper":"The Ledger"},"print_date":"2024-11-05","date":"1999-01-01"}`
	a, warning, err := parseRecord([]byte(rec), m)
	if err != nil || warning != "" {
		t.Fatalf("parseRecord: %v, %q", err, warning)
	}
	got := sourceOf(a)
	want := wantSource{Title: "T", Outlet: "The Ledger", Authors: []string{"Ana Ruiz"}, Published: "2024-11-05T00:00:00Z", PublishedSource: "record"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFeedTitleOutlet(t *testing.T) {
	for in, want := range map[string]string{
		"Harbor Gazette":                   "Harbor Gazette",
		"BBC News - World":                 "BBC News",
		"NYT > Top Stories":                "NYT",
		"The Northern Ledger | Business":   "The Northern Ledger",
		"Reuters: World News":              "Reuters: World News",
		"  Valley   Courier &amp; Times  ": "Valley Courier & Times",
		"Port-Ellis Daily":                 "Port-Ellis Daily",
	} {
		if got := feedTitleOutlet(in); got != want {
			t.Errorf("feedTitleOutlet(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReadLineLimit keeps the lines around one that is too long.
func TestReadLineLimit(t *testing.T) {
	br := bufio.NewReaderSize(strings.NewReader("short\n"+strings.Repeat("x", 100)+"\nafter"), 16)
	var got []string
	for {
		line, err := readLine(br, 20)
		if err == errLineTooLong {
			got = append(got, "(too long)")
			continue
		}
		got = append(got, string(line))
		if err != nil {
			break
		}
	}
	if diff := cmp.Diff([]string{"short", "(too long)", "after"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

const fixturesRoot = "../../shared/data/html_fixtures"

// TestFixturesThroughPipeline ingests every page of the shared HTML fixtures with
// Run, as saved pages, and the same pages packed in a WARC file and a zip
// archive: every page gives the same article whichever way it comes, and a page
// is stored or rejected with a reason, never lost.
func TestFixturesThroughPipeline(t *testing.T) {
	if _, err := os.Stat(fixturesRoot); err != nil {
		t.Skipf("HTML fixtures not available (%v); they live in ../shared/data beside the checkout", err)
	}
	if testing.Short() {
		t.Skip("reads about 100 real pages; skipped in -short mode")
	}
	var pages []string
	for _, pattern := range []string{"readability/*/source.html", "htmldate_mediacloud2020/pages/*", "zyte_article_extraction_benchmark/html/*.html.gz"} {
		m, _ := filepath.Glob(filepath.Join(fixturesRoot, pattern))
		pages = append(pages, m...)
	}
	if len(pages) < 50 {
		t.Fatalf("found %d fixture pages, want about 100", len(pages))
	}
	sink := &collectSink{}
	s, err := Run(context.Background(), Options{Sink: sink}, pages...)
	if err != nil {
		t.Fatal(err)
	}
	if s.Read != len(pages) {
		t.Errorf("read %d of %d pages", s.Read, len(pages))
	}
	for _, r := range s.Rejected {
		t.Logf("rejected %s", r)
		if strings.Contains(r.Reason, "UTF-8") {
			t.Errorf("%s: the fixtures' legacy encodings are declared and must be converted", r)
		}
	}
	for _, w := range s.Warnings {
		t.Logf("warning %s", w)
	}
	if stored := len(sink.articles) + s.Duplicates; stored < len(pages)*9/10 {
		t.Errorf("stored %d of %d pages, want 90%%", stored, len(pages))
	}

	// The same pages in a WARC file, with their URLs as targets, and in a zip.
	urls := fixtureURLs(t)
	var records [][]byte
	zipped := map[string][]byte{}
	for _, p := range pages {
		data, err := readMaybeGz(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(fixturesRoot, p)
		zipped[strings.TrimSuffix(filepath.ToSlash(rel), ".gz")] = data
		u := urls[filepath.Base(p)]
		if u == "" {
			u = "https://fixtures.example/" + filepath.ToSlash(rel)
		}
		records = append(records, warcRec("response", u, fetched, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html", "Content-Encoding: gzip"}, gz(data))))
	}
	dir := t.TempDir()
	warcPath, zipPath := filepath.Join(dir, "fixtures.warc.gz"), filepath.Join(dir, "fixtures.zip")
	os.WriteFile(warcPath, warcGz(records...), 0o644)
	os.WriteFile(zipPath, zipOf(zipped), 0o644)
	for _, p := range []string{warcPath, zipPath} {
		sink2 := &collectSink{}
		s2, err := Run(context.Background(), Options{Sink: sink2}, p)
		if err != nil {
			t.Fatal(err)
		}
		if s2.Read != len(pages) || len(s2.Rejected) != len(s.Rejected) {
			t.Errorf("%s: read %d, rejected %d; as files: %d and %d", filepath.Base(p), s2.Read, len(s2.Rejected), s.Read, len(s.Rejected))
		}
		titles := map[string]int{}
		for _, a := range sink.articles {
			titles[a.Title]++
		}
		for _, a := range sink2.articles {
			titles[a.Title]--
		}
		for title, n := range titles {
			if n > 0 {
				t.Errorf("%s: title %q found in the files but not here", filepath.Base(p), title)
			}
		}
	}
}

// fixtureURLs maps fixture file names to their pages' URLs, where the fixtures
// record them.
func fixtureURLs(t *testing.T) map[string]string {
	urls := map[string]string{}
	for _, name := range []string{"htmldate_mediacloud2020/expected.jsonl", "zyte_article_extraction_benchmark/expected.jsonl"} {
		b, err := os.ReadFile(filepath.Join(fixturesRoot, name))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			var rec struct{ File, URL string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.URL != "" {
				urls[filepath.Base(rec.File)] = rec.URL
			}
		}
	}
	return urls
}

func readMaybeGz(p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	if err != nil || !strings.HasSuffix(p, ".gz") {
		return b, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
