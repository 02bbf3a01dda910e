package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

func TestReadHTML(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		pageURL string
		want    corpus.Article
	}{
		{
			name:    "json-ld wins over meta; a date in the text is ignored",
			file:    "jsonld.html",
			pageURL: "https://news.example.org/2019/01/01/ignored",
			want: corpus.Article{
				URL:             "https://www.harborgazette.example/2025/03/03/council-vote",
				Outlet:          "The Harbor Gazette",
				Title:           "Council approves harbor dredging plan",
				Authors:         []string{"Ana Ruiz"},
				Published:       time.Date(2025, 3, 3, 14, 30, 0, 0, time.UTC),
				PublishedSource: corpus.DateFromJSONLD,
			},
		},
		{
			name:    "meta tags only",
			file:    "meta.html",
			pageURL: "https://valleywire.example/story/123",
			want: corpus.Article{
				URL:             "https://valleywire.example/story/123",
				Outlet:          "Valley Wire",
				Title:           "Drought eases across the valley",
				Authors:         []string{"Sam Okafor"},
				Published:       time.Date(2024, 11, 5, 8, 0, 0, 0, time.FixedZone("", -5*3600)),
				PublishedSource: corpus.DateFromMeta,
			},
		},
		{
			name:    "date from the URL, outlet from the host",
			file:    "plain.html",
			pageURL: "https://www.matzav.com/2024/11/16/iran-message/",
			want: corpus.Article{
				URL:             "https://www.matzav.com/2024/11/16/iran-message/",
				Outlet:          "Matzav.com",
				Title:           "Iran sent a message",
				Published:       time.Date(2024, 11, 16, 0, 0, 0, 0, time.UTC),
				PublishedSource: corpus.DateFromURL,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "extract", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ReadHTML(f, tt.pageURL)
			if err != nil {
				t.Fatalf("ReadHTML: %v", err)
			}
			if got.Body == "" || strings.Contains(got.Body, "Subscribe to our newsletter") {
				t.Errorf("body %q: want the article text without the page furniture", got.Body)
			}
			got.Body = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadHTML(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestReadHTMLSamplePages checks the body of every HTML page of the built-in
// sample and of testdata: it starts with the story (or its standfirst), not with
// the section label, the title, the byline or the date the page shows above it.
func TestReadHTMLSamplePages(t *testing.T) {
	pages, _ := filepath.Glob("../corpus/sample/html/*.html")
	more, _ := filepath.Glob("testdata/extract/*.html")
	pages = append(pages, more...)
	if len(pages) != 12 {
		t.Fatalf("found %d pages, want the sample's 9 and testdata's 3", len(pages))
	}
	for _, p := range pages {
		a, err := readHTMLFile(p, "")
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		first, _, _ := strings.Cut(a.Body, "\n")
		if isTitleLine(first, []string{a.Title}) || strings.HasPrefix(corpus.NormalizeText(a.Body), corpus.NormalizeText(a.Title)) {
			t.Errorf("%s: body opens with the title: %.80q", p, a.Body)
		}
		for i, line := range strings.SplitN(a.Body, "\n", 4) {
			if _, ok := parseByline(line, true); ok || len(strings.Fields(line)) < 5 {
				t.Errorf("%s: line %d of the body is a byline, date or label: %q", p, i+1, line)
			}
		}
	}
}

func TestReadHTMLNoText(t *testing.T) {
	_, err := ReadHTML(strings.NewReader("<html><head><title>Index</title></head><body><nav><a href=/>Home</a></nav></body></html>"), "https://example.com/")
	if !errors.Is(err, ErrNoArticleText) {
		t.Fatalf("ReadHTML(empty page) error = %v, want ErrNoArticleText", err)
	}
}

const fixturesDir = "../../shared/data/html_fixtures"

// TestReadHTMLFixtures measures ReadHTML on the real pages of the shared HTML
// fixtures: titles and site names against Readability's expected metadata, and
// publication dates against the htmldate gold. A page without a date counts as a
// miss, never as an error: taking no date is better than taking a wrong one.
func TestReadHTMLFixtures(t *testing.T) {
	if _, err := os.Stat(fixturesDir); err != nil {
		t.Skipf("HTML fixtures not available (%v); they live in ../shared/data beside the checkout", err)
	}
	if testing.Short() {
		t.Skip("reads 100 real pages; skipped in -short mode")
	}

	// Readability: title and site name.
	dirs, _ := filepath.Glob(filepath.Join(fixturesDir, "readability", "*"))
	var titles, titleOK, sites, siteOK int
	for _, dir := range dirs {
		var want struct {
			Title    string `json:"title"`
			SiteName string `json:"siteName"`
		}
		b, err := os.ReadFile(filepath.Join(dir, "expected-metadata.json"))
		if err != nil || json.Unmarshal(b, &want) != nil {
			continue
		}
		a, err := readHTMLFile(filepath.Join(dir, "source.html"), "")
		if err != nil {
			t.Logf("%s: %v", filepath.Base(dir), err)
		}
		if want.Title != "" {
			titles++
			if normalizeTitle(a.Title) == normalizeTitle(want.Title) {
				titleOK++
			} else if testing.Verbose() {
				t.Logf("%s title: want %q got %q", filepath.Base(dir), want.Title, a.Title)
			}
		}
		if want.SiteName != "" {
			sites++
			if strings.EqualFold(strings.TrimSpace(a.Outlet), strings.TrimSpace(want.SiteName)) {
				siteOK++
			} else if testing.Verbose() {
				t.Logf("%s outlet: want %q got %q", filepath.Base(dir), want.SiteName, a.Outlet)
			}
		}
	}

	// htmldate: publication date.
	var dates, dateOK, dateWrong, bodies, bodyOK int
	var bodyF1 float64
	eachJSONL(t, filepath.Join(fixturesDir, "htmldate_mediacloud2020", "expected.jsonl"), func(line []byte) {
		var want struct {
			File, URL     string
			PublishedDate *string `json:"published_date"`
		}
		if json.Unmarshal(line, &want) != nil || want.PublishedDate == nil {
			return
		}
		dates++
		a, err := readHTMLFile(filepath.Join(fixturesDir, "htmldate_mediacloud2020", want.File), want.URL)
		switch {
		case err != nil || a.Published.IsZero():
			if testing.Verbose() {
				t.Logf("%s date: want %s got none", want.File, *want.PublishedDate)
			}
		case a.Published.Format("2006-01-02") == *want.PublishedDate:
			dateOK++
		default:
			dateWrong++
			if testing.Verbose() {
				t.Logf("%s date: want %s got %s (%s)", want.URL, *want.PublishedDate, a.Published, a.PublishedSource)
			}
		}
	})

	// Zyte: the body must be found (any text at all, and the gold's opening words).
	eachJSONL(t, filepath.Join(fixturesDir, "zyte_article_extraction_benchmark", "expected.jsonl"), func(line []byte) {
		var want struct {
			File, URL   string
			ArticleBody string `json:"articleBody"`
		}
		if json.Unmarshal(line, &want) != nil {
			return
		}
		bodies++
		a, err := readHTMLFile(filepath.Join(fixturesDir, "zyte_article_extraction_benchmark", want.File), want.URL)
		if err == nil && containsOpening(a.Body, want.ArticleBody) {
			bodyOK++
		}
		f1 := tokenF1(a.Body, want.ArticleBody)
		bodyF1 += f1
		if testing.Verbose() && f1 < 0.8 {
			t.Logf("%s body token F1 %.2f", want.File, f1)
		}
	})

	rate := func(ok, n int) float64 {
		if n == 0 {
			return 0
		}
		return float64(ok) / float64(n)
	}
	t.Logf("readability titles: %d/%d (%.2f); site names: %d/%d (%.2f)", titleOK, titles, rate(titleOK, titles), siteOK, sites, rate(siteOK, sites))
	t.Logf("htmldate dates: %d/%d right (%.2f), %d wrong, %d missing", dateOK, dates, rate(dateOK, dates), dateWrong, dates-dateOK-dateWrong)
	t.Logf("zyte bodies with the gold opening: %d/%d (%.2f); mean token F1 %.3f", bodyOK, bodies, rate(bodyOK, bodies), bodyF1/float64(max(bodies, 1)))
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"title accuracy", rate(titleOK, titles), 0.85},
		{"site name accuracy", rate(siteOK, sites), 0.85},
		{"date accuracy", rate(dateOK, dates), 0.95},
		{"date error rate (negated)", -rate(dateWrong, dates), -0.03},
		{"body recall", rate(bodyOK, bodies), 0.80},
		{"body token F1", bodyF1 / float64(max(bodies, 1)), 0.93},
	} {
		if c.got < c.want {
			t.Errorf("%s %.2f is below the floor %.2f", c.what, c.got, c.want)
		}
	}
}

func readHTMLFile(path, pageURL string) (corpus.Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return corpus.Article{}, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return corpus.Article{}, err
		}
		r = zr
	}
	return ReadHTML(r, pageURL)
}

func eachJSONL(t *testing.T, path string, fn func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Errorf("%s: %v", path, err)
	}
}

func normalizeTitle(s string) string { return corpus.NormalizeText(s) }

// containsOpening reports whether body holds the first words of the gold body.
func containsOpening(body, gold string) bool {
	words := strings.Fields(corpus.NormalizeText(gold))
	if len(words) > 12 {
		words = words[:12]
	}
	return len(words) > 0 && strings.Contains(corpus.NormalizeText(body), strings.Join(words, " "))
}

// tokenF1 compares the words of an extracted body with the gold body as bags of
// words (lower case, punctuation ignored): the harmonic mean of the share of the
// extracted words that are in the gold and of the gold words extracted.
func tokenF1(got, gold string) float64 {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.Fields(corpus.NormalizeText(s)) {
			m[w]++
		}
		return m
	}
	g, w := count(got), count(gold)
	common, ng, nw := 0, 0, 0
	for k, n := range g {
		ng += n
		common += min(n, w[k])
	}
	for _, n := range w {
		nw += n
	}
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(ng), float64(common)/float64(nw)
	return 2 * p * r / (p + r)
}

// BenchmarkReadHTML reads every page of the shared HTML fixtures (about 100 real
// article pages, 17 MB) with ReadHTML: page parsing, text extraction, metadata and
// the publication date. Its MB/s is the speed of reading saved pages.
func BenchmarkReadHTML(b *testing.B) {
	pages := fixturePages(b)
	size := 0
	for _, p := range pages {
		size += len(p.data)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range pages {
			_, _ = ReadHTML(bytes.NewReader(p.data), p.url)
		}
	}
}

// fixturePage is one page of the shared HTML fixtures, read into memory.
type fixturePage struct {
	name, url string
	data      []byte
}

// fixturePages reads every page of the shared HTML fixtures, skipping the test
// when they are not there.
func fixturePages(tb testing.TB) []fixturePage {
	tb.Helper()
	if _, err := os.Stat(fixturesDir); err != nil {
		tb.Skipf("HTML fixtures not available (%v); they live in ../shared/data beside the checkout", err)
	}
	var pages []fixturePage
	read := func(path, url string) {
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				tb.Fatal(err)
			}
			r = zr
		}
		data, err := io.ReadAll(r)
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, fixturePage{name: path, url: url, data: data})
	}
	dirs, _ := filepath.Glob(filepath.Join(fixturesDir, "readability", "*", "source.html"))
	for _, p := range dirs {
		read(p, "")
	}
	for _, set := range []string{"htmldate_mediacloud2020", "zyte_article_extraction_benchmark"} {
		dir := filepath.Join(fixturesDir, set)
		f, err := os.Open(filepath.Join(dir, "expected.jsonl"))
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var line struct{ File, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				read(filepath.Join(dir, line.File), line.URL)
			}
		}
		f.Close()
	}
	return pages
}
