package webpage

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/article-archive/archive/corpus"
)

func TestTextDate(t *testing.T) {
	tests := []struct {
		line string
		want string // "" for no date
	}{
		{"August 06, 2019", "2019-08-06"},
		{"Apr. 16th, 2015 8:02 pm UTC", "2015-04-16"},
		{"18 NOV 2019", "2019-11-18"},
		{"Tue, 14 Jan 2020", "2020-01-14"},
		{"News24 13 Jan 2020, 22:11 GMT+10", "2020-01-13"},
		{"تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", "2020-04-24"},
		{"24 كانون الثاني 2020", "2020-01-24"},
		{"2 إبريل 2020", "2020-04-02"},
		{"24 de abril de 2020", "2020-04-24"},
		{"23 de març de 2020", "2020-03-23"},
		{"23 d'abril de 2020", "2020-04-23"},
		{"24. April 2020, 10:15 Uhr", "2020-04-24"},
		{"24 avril 2020", "2020-04-24"},
		{"29 декабря 2020, 16:19", "2020-12-29"},
		{"3 грудня 2020", "2020-12-03"},
		{"31 stycznia 2020", "2020-01-31"},
		{"24 Nisan 2020", "2020-04-24"},
		{"2020/04/17 01:43:09", "2020-04-17"},
		{"2020-04-17T09:22:00+03:00", "2020-04-17"},
		{"2020年8月27日 20:27", "2020-08-27"},
		{"2020년 8월 27일", "2020-08-27"},
		{"17.04.2020 12:00", "2020-04-17"},
		{"13/01/2020", "2020-01-13"},
		{"01/13/2020", "2020-01-13"},
		{"Published March 3, 2020, updated March 5, 2020", "2020-03-03"},
		// Not dates: no year, no month, an impossible day, a numeric date that
		// reads as two different days.
		{"03/04/2020", ""},
		{"March 3", ""},
		{"May 2020", ""},
		{"24 hours 2020", ""},
		{"30 February 2020", ""},
		{"Copyright 1999-2020", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d, start, end := textDate(tt.line)
		got := ""
		if start >= 0 {
			got = d.Format("2006-01-02")
			if start >= end || end > len(tt.line) {
				t.Errorf("textDate(%q) span [%d:%d] out of the line", tt.line, start, end)
			}
		}
		if got != tt.want {
			t.Errorf("textDate(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestMonthNames checks that no word names two months: a word spelled alike in two
// languages must mean the same month in both, or it cannot be in the table.
func TestMonthNames(t *testing.T) {
	seen := map[string]int{}
	for mo, names := range monthNameLists {
		for _, w := range strings.Fields(names) {
			if prev, ok := seen[w]; ok && prev != mo {
				t.Errorf("%q names month %d and month %d", w, prev+1, mo+1)
			}
			seen[w] = mo
		}
	}
}

func TestURLDate(t *testing.T) {
	tests := []struct {
		url  string
		want string
	}{
		{"https://www.matzav.com/2024/11/16/iran-message/", "2024-11-16"},
		{"https://chicago.suntimes.com/2020/6/24/21302329/trump-judges", "2020-06-24"},
		{"https://news.chosun.com/site/data/html_dir/2020/08/27/2020082704301.html", "2020-08-27"},
		{"https://example.com/news/2020-05-21_council-vote", "2020-05-21"},
		{"https://example.com/world/australian-megablaze-brought-under-control-20200113", "2020-01-13"},
		{"https://example.com/hidden-heroines-of-chaos-20190520/", "2019-05-20"},
		{"https://example.com/bs-ed-media-year-20201223-cnvrlhkhnrb-story", "2020-12-23"},
		// An article number is not a date, nor is a date in the query.
		{"https://example.com/news/263700449/australian-megablaze", ""},
		{"https://example.com/story-20191234-x/2020-05-21", "2020-05-21"},
		{"https://example.com/article?date=20200113", ""},
		{"https://example.com/2099/01/01/from-the-future", ""},
		{"not a url", ""},
	}
	for _, tt := range tests {
		got := ""
		if d := urlDate(tt.url); !d.IsZero() {
			got = d.Format("2006-01-02")
		}
		if got != tt.want {
			t.Errorf("urlDate(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestIsRevisionURL(t *testing.T) {
	for url, want := range map[string]bool{
		"https://wiki.example.org/index.php?title=Park_Ye_Jin&diff=591343&oldid=588001": true,
		"https://en.wikipedia.org/w/index.php?title=Go&diff=12&oldid=11":                true,
		"https://wiki.example.org/Park_Ye_Jin":                                          false,
		"https://example.com/compare?diff=side-by-side":                                 false,
		"https://example.com/2020/05/21/story":                                          false,
	} {
		if got := isRevisionURL(url); got != want {
			t.Errorf("isRevisionURL(%q) = %v, want %v", url, got, want)
		}
	}
}

// storyText is enough text for Read to find an article.
const storyText = `<p>The harbor commission voted on Tuesday night to approve the long debated
dredging plan, which will deepen the eastern channel so that larger container ships can reach
the new quay without waiting for high tide, officials said after the meeting ended.</p>
<p>Opponents said the plan would harm the wetlands north of the port and promised to appeal
the decision to the state environmental board before the work begins next spring.</p>`

// articlePage builds an article page: a masthead, the headline, what the header shows
// under it, and the story.
func articlePage(title, header, story string) string {
	return `<html><head><title>` + title + ` | Harbor Gazette</title>
<meta property="og:site_name" content="Harbor Gazette"></head><body>
<div class="masthead"><h1>Harbor Gazette</h1><div class="today">Wednesday, August 19, 2020</div></div>
<article><h1>` + title + `</h1>` + header + `<div class="story">` + story + `</div></article>
<footer>Posted March 1, 2019</footer></body></html>`
}

func TestReadHTMLDates(t *testing.T) {
	const title = "Commission approves harbor dredging plan"
	tests := []struct {
		name, html, pageURL string
		want                string // the day, "" for none
		source              string
		// orGuess: the page states no date, so that htmldate's finding, marked
		// as such, may stand in for the want of one.
		orGuess bool
	}{
		{
			name: "date line under the headline",
			html: articlePage(title, `<ul><li><a href="/by/ana">Ana Ruiz</a></li></ul>
				<p class="standfirst">The port will be deepened to take larger ships.</p>
				<ul><li><div>August 06, 2019</div></li></ul>`, storyText),
			want: "2019-08-06", source: corpus.DateFromPage,
		},
		{
			name: "labelled date line in Arabic",
			html: articlePage(title, `<div class="article_created">تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً</div>`, storyText),
			want: "2020-04-24", source: corpus.DateFromPage,
		},
		{
			name: "date written by an inline script",
			html: articlePage(title, `<table><tr><td><script>showDate("2020/04/17 01:43:09 01:43:09")</script> views 7</td></tr></table>`, storyText),
			want: "2020-04-17", source: corpus.DateFromPage,
		},
		{
			name: "the update line is passed over",
			html: articlePage(title, `<p>Updated March 5, 2020 9:30 a.m.</p><p>Published March 3, 2020 8:00 a.m.</p>`, storyText),
			want: "2020-03-03", source: corpus.DateFromPage,
		},
		{
			name:    "a date in the story is not a date the page states",
			html:    articlePage(title, `<p>By Ana Ruiz</p>`, `<p>The vote came on March 3, 2020.</p>`+storyText+`<p>March 4, 2020</p>`),
			orGuess: true,
		},
		{
			name: "the date line wins over a date in the story",
			html: articlePage(title, `<p>By Ana Ruiz</p><p>August 06, 2019</p>`, `<p>The vote came on March 3, 2020.</p>`+storyText),
			want: "2019-08-06", source: corpus.DateFromPage,
		},
		{
			name:    "a date in a sentence under the headline is not a date line",
			html:    articlePage(title, `<p class="standfirst">The plan was filed on March 3, 2020.</p>`, storyText),
			orGuess: true,
		},
		{
			name: "the date under the site's name is the day the page was fetched",
			html: `<html><head><title>Harbor Gazette</title><meta property="og:site_name" content="Harbor Gazette"></head><body>
				<h1>Harbor Gazette</h1><div class="today">Wednesday, August 19, 2020</div>` + storyText + `</body></html>`,
			orGuess: true,
		},
		{
			name: "htmldate's finding when the page states no date",
			html: articlePage(title, `<p>By Ana Ruiz</p>`, storyText+`<div class="entry-meta"><span class="date">03/03/2020</span></div>`),
			want: "2020-03-03", source: corpus.DateFromHTMLDate,
		},
		{
			name: "a <time datetime> in the header wins over a date line and the story",
			html: articlePage(title, `<p>By Ana Ruiz <time datetime="2020-03-03T08:00:00-05:00">Tuesday</time></p><p>March 5, 2020</p>`,
				`<p>The vote came on March 4, 2020.</p>`+storyText),
			want: "2020-03-03", source: corpus.DateFromPage,
		},
		{
			name: "a <time> marked as the update is passed over",
			html: articlePage(title, `<p>Updated: <time datetime="2020-03-05T09:30:00Z">5 March</time></p>
				<p><time class="dateline" datetime="2020-03-03T08:00:00Z">3 March</time></p>`, storyText),
			want: "2020-03-03", source: corpus.DateFromPage,
		},
		{
			name: "JSON-LD with a raw line break in a string wins over the story",
			html: `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"` + title + `",
				"description":"The plan.
Deepened.","datePublished":"2020-03-03T08:00:00-05:00"}</script></head><body><h1>` + title + `</h1>
				<p>March 5, 2020</p><p>The vote came on March 4, 2020.</p>` + storyText + `</body></html>`,
			want: "2020-03-03", source: corpus.DateFromJSONLD,
		},
		{
			name: "the article as a web page's main entity",
			html: `<html><head><script type="application/ld+json">{"@type":"ItemPage","mainEntity":{"@type":"NewsArticle",
				"headline":"` + title + `","datePublished":"2020-03-03T08:00:00-05:00"}}</script></head><body><h1>` + title + `</h1>` + storyText + `</body></html>`,
			want: "2020-03-03", source: corpus.DateFromJSONLD,
		},
		{
			name: "the article's own URL in the page's links: its AMP version",
			html: strings.Replace(articlePage(title, `<p>By Ana Ruiz</p>`, storyText), "</head>",
				`<link rel="amphtml" href="https://harborgazette.example/amp/2020/03/03/dredging-plan"></head>`, 1),
			want: "2020-03-03", source: corpus.DateFromURL,
		},
		{
			name: "the article's own URL in the page's links: a share button's target spells the headline",
			html: articlePage(title, `<p>By Ana Ruiz</p><a href="https://www.facebook.com/sharer.php?u=https%3A%2F%2Fharborgazette.example%2F2020%2F03%2F03%2Fcommission-approves-harbor-dredging-plan">Share</a>`, storyText),
			want: "2020-03-03", source: corpus.DateFromURL,
		},
		{
			name:    "a link to another story is not the article's own",
			html:    articlePage(title, `<p>By Ana Ruiz</p>`, storyText+`<p>See also <a href="/2019/05/01/commission-rejects-ferry-fares">the fares vote</a>.</p>`),
			orGuess: true,
		},
		{
			name: "two links spelling the headline with different days: neither is the article's own",
			html: articlePage(title, `<p>By Ana Ruiz</p>`, storyText+`<p><a href="/2020/03/03/commission-approves-harbor-dredging-plan">a</a>
				<a href="/2021/03/03/commission-approves-harbor-dredging-plan">b</a></p>`),
			orGuess: true,
		},
		{
			name:    "the URL before the date line",
			html:    articlePage(title, `<span class="date">Tue, 14 Jan 2020</span>`, storyText),
			pageURL: "https://www.example.com/world/harbor-dredging-20200113",
			want:    "2020-01-13", source: corpus.DateFromURL,
		},
		{
			name: "a timestamp's day is the publisher's, not UTC's",
			html: `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"` + title + `",
				"datePublished":"2020-08-15T20:53:24-04:00"}</script></head><body><h1>` + title + `</h1>` + storyText + `</body></html>`,
			want: "2020-08-15", source: corpus.DateFromJSONLD,
		},
		{
			name: "a wiki revision was published when it was saved",
			html: `<html><head><script type="application/ld+json">{"@type":"Article","headline":"Park Ye Jin",
				"datePublished":"2005-07-26T16:22:26-07:00","dateModified":"2020-04-07T12:33:32-07:00"}</script></head>
				<body><h1>Park Ye Jin</h1><div>Revision as of 07:47, 28 March 2020</div>` + storyText + `</body></html>`,
			pageURL: "https://wiki.example.org/index.php?title=Park_Ye_Jin&diff=591343&oldid=588001",
			want:    "2020-04-07", source: corpus.DateFromJSONLD,
		},
		{
			name: "the same wiki page is dated by its creation",
			html: `<html><head><script type="application/ld+json">{"@type":"Article","headline":"Park Ye Jin",
				"datePublished":"2005-07-26T16:22:26-07:00","dateModified":"2020-04-07T12:33:32-07:00"}</script></head>
				<body><h1>Park Ye Jin</h1>` + storyText + `</body></html>`,
			pageURL: "https://wiki.example.org/Park_Ye_Jin",
			want:    "2005-07-26", source: corpus.DateFromJSONLD,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, err := Read(strings.NewReader(tt.html), tt.pageURL)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			got := ""
			if !a.Published.IsZero() {
				got = a.Published.Format("2006-01-02")
			}
			if tt.orGuess && a.PublishedSource == corpus.DateFromHTMLDate {
				got, a.PublishedSource = "", ""
			}
			if got != tt.want || a.PublishedSource != tt.source {
				t.Errorf("published %q from %q, want %q from %q", got, a.PublishedSource, tt.want, tt.source)
			}
		})
	}
}

// TestHTMLDateBounds checks that a page full of dates (a list, or a hostile page)
// is read in go-htmldate's fast mode: in extensive mode each of them would cost a
// call of go-dateparser, seconds in all.
func TestHTMLDateBounds(t *testing.T) {
	page := func(n int) *html.Node {
		var b strings.Builder
		b.WriteString(`<html lang="fr"><body><h1>Les dates</h1>`)
		for i := range n {
			fmt.Fprintf(&b, `<p>le %d mars de l'année dernière, à 10h</p>`, 10+i%18)
		}
		doc, err := html.Parse(strings.NewReader(b.String() + `</body></html>`))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	if _, dates := pageSize(page(20)); dates != 20 {
		t.Errorf("a page of 20 dates counts %d", dates)
	}
	if _, dates := pageSize(page(5000)); dates <= htmlDateMaxCandidates {
		t.Errorf("a page of 5000 dates counts %d, not more than %d: it would be read in extensive mode", dates, htmlDateMaxCandidates)
	}
	start := time.Now()
	htmlDate(page(5000), "", dateLanguages("fr"))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("go-htmldate took %v on a page of 5000 dates", d)
	}
}

func TestDateLanguages(t *testing.T) {
	for _, tt := range []struct {
		tags []string
		want []string
	}{
		{[]string{"pt-BR", "pt"}, []string{"en", "pt"}},
		{[]string{"fr_FR", ""}, []string{"en", "fr"}},
		{[]string{"xx-YY", "EN"}, []string{"en"}},
		{[]string{"french", "f", "c4"}, []string{"en"}},
		{nil, []string{"en"}},
	} {
		if got := dateLanguages(tt.tags...); !slices.Equal(got, tt.want) {
			t.Errorf("dateLanguages(%q) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}

func FuzzTextDate(f *testing.F) {
	f.Add("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً")
	f.Add("Apr. 16th, 2015 8:02 pm UTC")
	f.Add("2020年8月27日 13/01/2020 24 d'abril de 2020")
	f.Fuzz(func(t *testing.T, s string) {
		d, start, end := textDate(s)
		if start < 0 {
			return
		}
		if start >= end || end > len(s) {
			t.Fatalf("textDate(%q) span [%d:%d] out of the line", s, start, end)
		}
		if d.Year() < 1900 || d.Year() > 2099 || d.Location() != time.UTC {
			t.Errorf("textDate(%q) = %v, not a day of this era in UTC", s, d)
		}
	})
}
