package ingest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"github.com/article-archive/archive/corpus"
)

// warnSummaryOnly is the warning on a feed item stored from its summary. Feeds
// that carry the whole article put it in content:encoded (RSS), <content> (Atom)
// or content_html / content_text (JSON Feed); many carry only a teaser.
const warnSummaryOnly = "summary only: the feed item has no full text (content:encoded, Atom content, content_html), so its description is stored as the body"

// isJSONFeed tells whether a .json file is a JSON Feed (jsonfeed.org) rather than
// records.
func isJSONFeed(data []byte) bool {
	if !bytes.Contains(data, []byte("jsonfeed.org/version")) {
		return false
	}
	var top struct {
		Version string `json:"version"`
	}
	return json.Unmarshal(data, &top) == nil && strings.Contains(top.Version, "jsonfeed.org/version")
}

// readFeed sends one item per entry of an RSS, Atom or JSON feed.
func (r *reader) readFeed(name string, data []byte) bool {
	data, encodingWarning, reason := asUTF8(data, "")
	if reason != "" {
		return r.reject(name, reason)
	}
	feed, err := parseFeed(withUTF8Declaration(data))
	if err != nil {
		return r.reject(name, fmt.Sprintf("is not a valid RSS, Atom or JSON feed: %v", err))
	}
	if len(feed.Items) == 0 {
		return r.reject(name, "is a feed without items")
	}
	outlets := itemOutlets(feed)
	feedOutlet := feedTitleOutlet(feed.Title)
	for i, fi := range feed.Items {
		if fi == nil {
			continue
		}
		a := feedItemMeta(feed, fi)
		a.Outlet = cmp.Or(outlets[i], feedOutlet)
		content, warning := fi.Content, ""
		if strings.TrimSpace(content) == "" {
			content = fi.Description
			if strings.TrimSpace(content) != "" {
				warning = warnSummaryOnly
			}
		}
		if encodingWarning != "" {
			warning = strings.TrimPrefix(warning+"; "+encodingWarning, "; ")
		}
		it := item{source: fmt.Sprintf("%s[%d]", name, i), format: formatFeedItem, meta: &a, data: []byte(content), warning: warning}
		if !r.send(it) {
			return false
		}
	}
	return true
}

// parseFeed runs gofeed, turning a panic inside it into an error so that one odd
// feed cannot stop a run.
func parseFeed(data []byte) (feed *gofeed.Feed, err error) {
	defer func() {
		if p := recover(); p != nil {
			feed, err = nil, fmt.Errorf("feed parser failed: %v", p)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	feed, err = p.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return feed, nil
}

// itemOutlets returns, by item, the outlet an item names itself: RSS <source> (as
// news aggregators write it) or Atom <source><title>.
func itemOutlets(feed *gofeed.Feed) []string {
	out := make([]string, len(feed.Items))
	switch orig := feed.OriginalFeed().(type) {
	case *rss.Feed:
		for i, it := range orig.Items {
			if i < len(out) && it != nil && it.Source != nil {
				out[i] = cleanSpace(it.Source.Title)
			}
		}
	case *atom.Feed:
		for i, e := range orig.Entries {
			if i < len(out) && e != nil && e.Source != nil {
				out[i] = cleanSpace(e.Source.Title)
			}
		}
	}
	return out
}

// feedTitleSuffix is what follows a feed title's outlet: "BBC News - World",
// "NYT > Top Stories", "World | The Guardian" keep their first part.
var feedTitleSuffix = regexp.MustCompile(`\s+(?:[-–—|>:»]|::)\s+.*$`)

// feedTitleOutlet makes a feed's title an outlet's name.
func feedTitleOutlet(title string) string {
	title = cleanSpace(htmlFragmentText(title))
	return strings.TrimSpace(feedTitleSuffix.ReplaceAllString(title, ""))
}

// feedItemMeta is what a feed says about one item: title, link, date, authors.
func feedItemMeta(feed *gofeed.Feed, fi *gofeed.Item) corpus.Article {
	a := corpus.Article{Title: cleanSpace(htmlFragmentText(fi.Title))}
	link := strings.TrimSpace(fi.Link)
	if link == "" && isHTTPURL(fi.GUID) {
		link = strings.TrimSpace(fi.GUID) // an RSS guid is a permalink unless it says otherwise
	}
	a.URL = resolveURL(link, cmp.Or(feed.Link, feed.FeedLink))
	switch {
	case fi.PublishedParsed != nil:
		a.Published = fi.PublishedParsed.UTC()
	case fi.UpdatedParsed != nil:
		// An Atom entry needs only <updated>; it is the date the feed gives.
		a.Published = fi.UpdatedParsed.UTC()
	}
	if y := a.Published.Year(); y >= 1900 && y <= 2200 {
		a.PublishedSource = corpus.DateFromRecord
	} else {
		a.Published = time.Time{} // a year 1 or 9999 is the feed's error, not a date
	}
	people := fi.Authors
	if len(people) == 0 && feed.FeedType == "atom" {
		people = feed.Authors // an Atom feed's authors are its entries' unless they name their own
	}
	for _, p := range people {
		if p == nil {
			continue
		}
		for _, n := range nameList(p.Name) {
			if !slices.Contains(a.Authors, n) {
				a.Authors = append(a.Authors, n)
			}
		}
	}
	return a
}

// feedItemArticle completes a feed item's article with its content as the body.
func feedItemArticle(meta *corpus.Article, content []byte) corpus.Article {
	a := *meta
	a.Authors = slices.Clone(meta.Authors)
	body := string(content)
	if strings.ContainsAny(body, "<&") {
		body = htmlFragmentText(body)
	}
	a.Body = strings.TrimSpace(body)
	a.Authors = slices.DeleteFunc(a.Authors, func(s string) bool { return strings.EqualFold(s, a.Outlet) })
	return a
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// resolveURL makes a link absolute against the feed's own address.
func resolveURL(link, base string) string {
	if link == "" || isHTTPURL(link) {
		return link
	}
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil || !b.IsAbs() {
		return link
	}
	u, err := b.Parse(link)
	if err != nil {
		return link
	}
	return u.String()
}
