package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// SavedSearches keeps the archive's saved searches (package alerts does: in a
// file of the data directory, or in the cluster several servers share, when
// every call may fail with corpus.EBusy).
type SavedSearches interface {
	// Create saves a search and returns it with its webhook secret (shown this
	// once); its errors say what to fix.
	Create(ctx context.Context, n corpus.NewSavedSearch, now time.Time) (corpus.SavedSearch, error)
	// List returns every saved search, without webhook secrets.
	List(ctx context.Context) ([]corpus.SavedSearch, error)
	// Get returns one, or a corpus.ENotFound error.
	Get(ctx context.Context, id string) (corpus.SavedSearch, error)
	// Query returns a saved search's query, parsed.
	Query(ctx context.Context, id string) (corpus.Query, error)
	// Delete removes one, or returns a corpus.ENotFound error.
	Delete(ctx context.Context, id string) error
	// Looked records that a saved search was opened at t, returning when it had
	// been before.
	Looked(ctx context.Context, id string, t time.Time) (time.Time, error)
	// FeedAllowed tells whether token is the saved search's feed token.
	FeedAllowed(ctx context.Context, id, token string) bool
}

// Bounds of the saved-search routes.
const (
	maxSavedSearchBody = 64 << 10
	// FeedSize is how many of its newest matches a saved search's feed lists.
	FeedSize = 50
	// maxSavedOnPage is how many saved searches the page lists, each with a
	// count of what is new (a search each).
	maxSavedOnPage   = 100
	feedSummaryRunes = 400
)

// savedSearchAnswer is a saved search as the API answers it.
type savedSearchAnswer struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Query      string     `json:"query"`
	Webhook    *string    `json:"webhook"`
	Created    time.Time  `json:"created"`
	LastLooked *time.Time `json:"last_looked"`
	LastMatch  *time.Time `json:"last_match"`
	// SearchURL is the search page of the saved search.
	SearchURL string    `json:"search_url"`
	Feeds     feedLinks `json:"feeds"`
	Delivery  *delivery `json:"delivery"`
	// WebhookSecret is only in the answer that creates the search.
	WebhookSecret *string `json:"webhook_secret,omitempty"`
}

type feedLinks struct {
	Atom string `json:"atom"`
	JSON string `json:"json"`
}

// delivery is how a webhook fares; null for a search without one.
type delivery struct {
	Delivered   int        `json:"delivered"`
	LastSuccess *time.Time `json:"last_success"`
	Failures    int        `json:"failures"`
	LastError   *string    `json:"last_error"`
	LastFailure *time.Time `json:"last_failure"`
	Dropped     int        `json:"dropped"`
}

// feedPaths are a saved search's feeds, with its feed token: what a feed reader
// is given, since it cannot send a key.
func feedPaths(ss corpus.SavedSearch) feedLinks {
	q := "?token=" + url.QueryEscape(ss.FeedToken)
	base := "/feeds/" + url.PathEscape(ss.ID)
	return feedLinks{Atom: base + ".atom" + q, JSON: base + ".json" + q}
}

func newSavedSearchAnswer(ss corpus.SavedSearch) savedSearchAnswer {
	a := savedSearchAnswer{ID: ss.ID, Name: ss.Name, Query: ss.Query, Webhook: nullable(ss.Webhook), Created: ss.Created,
		LastLooked: nullableTime(ss.LastLooked), LastMatch: nullableTime(ss.LastMatch), SearchURL: "/?" + ss.Query,
		Feeds: feedPaths(ss), WebhookSecret: nullable(ss.WebhookSecret)}
	if ss.Webhook != "" {
		d := ss.Delivery
		a.Delivery = &delivery{Delivered: d.Delivered, LastSuccess: nullableTime(d.LastSuccess), Failures: d.Failures,
			LastError: nullable(d.LastError), LastFailure: nullableTime(d.LastFailure), Dropped: d.Dropped}
	}
	return a
}

// savedSearches returns the store, or an error saying saved searches are off.
func (s *Server) savedSearches() (SavedSearches, error) {
	if s.saved == nil {
		return nil, corpus.Errorf(corpus.ENotFound, "this server keeps no saved searches")
	}
	return s.saved, nil
}

// mayChangeSaved lets a change to the saved searches through: in an archive with
// keys (or a --token) it needs a write key, and a CSRF token with a sign-in
// cookie; an archive without any key is open to its users.
func (s *Server) mayChangeSaved(c *gin.Context) error {
	if s.token == "" && !s.privateMode && (s.keys == nil || !s.keys.HasKeyFor(corpus.ScopeRead)) {
		return nil
	}
	p, ok := principal(c)
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="archive"`)
		return corpus.Errorf(corpus.EUnauthorized, "saving or deleting a search needs a key: send 'Authorization: Bearer KEY' with a key of scope write (archive keys create --scope write)")
	}
	if !p.Scope.Allows(corpus.ScopeWrite) {
		return corpus.Errorf(corpus.EForbidden, "the key %s has scope %s; saving or deleting a search needs scope write (archive keys create --scope write)", p, p.Scope)
	}
	if via, _ := c.Get(ctxVia); via == viaCookie && !s.csrfOK(c) {
		return corpus.Errorf(corpus.EForbidden, "a change made with a sign-in cookie needs the page's CSRF token (the %s form field or the %s header): reload the page and try again", csrfField, csrfHeader)
	}
	return nil
}

// createSavedSearch validates n's query as a search (running it once, so that
// query text that does not parse is refused too) and saves it.
func (s *Server) createSavedSearch(c *gin.Context, n corpus.NewSavedSearch) (corpus.SavedSearch, error) {
	store, err := s.savedSearches()
	if err != nil {
		return corpus.SavedSearch{}, err
	}
	if err := s.mayChangeSaved(c); err != nil {
		return corpus.SavedSearch{}, err
	}
	raw := strings.TrimPrefix(strings.TrimSpace(n.Query), "?")
	q, err := ParseSearchQuery(raw)
	if err != nil {
		return corpus.SavedSearch{}, err
	}
	q.Page, q.Size = 1, 1
	if _, err := s.runSearch(c, q); err != nil {
		return corpus.SavedSearch{}, err
	}
	n.Query = raw
	ss, err := store.Create(c.Request.Context(), n, time.Now())
	if err != nil {
		return corpus.SavedSearch{}, err
	}
	s.audit(c, "search-saved", ss.ID)
	return ss, nil
}

// apiCreateSearch answers POST /api/v1/searches: 201 with the saved search and
// its webhook secret.
func (s *Server) apiCreateSearch(c *gin.Context) {
	var n corpus.NewSavedSearch
	err := s.mayChangeSaved(c)
	if err == nil {
		body, rerr := io.ReadAll(io.LimitReader(c.Request.Body, maxSavedSearchBody+1))
		switch {
		case rerr != nil:
			err = corpus.Errorf(corpus.EInvalidRequest, "the body cannot be read: %v", rerr)
		case len(body) > maxSavedSearchBody:
			err = corpus.Errorf(corpus.ETooLarge, "a saved search is at most %d bytes of JSON", maxSavedSearchBody)
		default:
			dec := json.NewDecoder(strings.NewReader(string(body)))
			dec.DisallowUnknownFields()
			if derr := dec.Decode(&n); derr != nil {
				err = corpus.Errorf(corpus.EInvalidRequest, `the body is not a saved search (%v): send {"name": "Harbor strike", "query": "q=harbor+strike", "webhook": "https://…"} (webhook optional)`, derr)
			}
		}
	}
	var ss corpus.SavedSearch
	if err == nil {
		ss, err = s.createSavedSearch(c, n)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/searches/"+url.PathEscape(ss.ID))
	s.writeJSON(c, http.StatusCreated, newSavedSearchAnswer(ss))
}

// savedSearchList is the answer of GET /api/v1/searches.
type savedSearchList struct {
	Searches []savedSearchAnswer `json:"searches"`
}

func (s *Server) apiListSearches(c *gin.Context) (any, error) {
	store, err := s.savedSearches()
	if err != nil {
		return nil, err
	}
	out := savedSearchList{Searches: []savedSearchAnswer{}}
	all, err := store.List(c.Request.Context())
	if err != nil {
		return nil, err
	}
	for _, ss := range all {
		out.Searches = append(out.Searches, newSavedSearchAnswer(ss))
	}
	return out, nil
}

func (s *Server) apiGetSearch(c *gin.Context) (any, error) {
	store, err := s.savedSearches()
	if err != nil {
		return nil, err
	}
	ss, err := store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	return newSavedSearchAnswer(ss), nil
}

// deletedAnswer is the answer of DELETE /api/v1/searches/{id}.
type deletedAnswer struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func (s *Server) apiDeleteSearch(c *gin.Context) (any, error) {
	if err := s.deleteSavedSearch(c, c.Param("id")); err != nil {
		return nil, err
	}
	return deletedAnswer{ID: c.Param("id"), Deleted: true}, nil
}

func (s *Server) deleteSavedSearch(c *gin.Context, id string) error {
	store, err := s.savedSearches()
	if err != nil {
		return err
	}
	if err := s.mayChangeSaved(c); err != nil {
		return err
	}
	if err := store.Delete(c.Request.Context(), id); err != nil {
		return err
	}
	s.audit(c, "search-deleted", id)
	return nil
}

// feedMatches runs the saved search id for its feed: its newest matches by
// arrival, with their articles.
func (s *Server) feedMatches(c *gin.Context, id string) (corpus.SavedSearch, []corpus.Article, error) {
	store, err := s.savedSearches()
	if err != nil {
		return corpus.SavedSearch{}, nil, err
	}
	ss, err := store.Get(c.Request.Context(), id)
	if err != nil {
		return ss, nil, err
	}
	q, err := store.Query(c.Request.Context(), id)
	if err != nil {
		return ss, nil, err
	}
	q.Sort, q.Page, q.Size, q.After, q.Collapse = corpus.SortArrived, 1, FeedSize, "", false
	res, err := s.runSearch(c, q)
	if err != nil {
		return ss, nil, err
	}
	articles := make([]corpus.Article, 0, len(res.Hits))
	for _, h := range res.Hits {
		a, err := s.search.Article(c.Request.Context(), h.ID)
		if err != nil {
			if corpus.ErrorCode(err) == corpus.ENotFound {
				continue
			}
			return ss, nil, err
		}
		articles = append(articles, a)
	}
	return ss, articles, nil
}

// feed answers /feeds/{id}.atom (Atom 1.0) and /feeds/{id}.json (JSON Feed 1.1).
// A feed reader cannot send a key, so in a private archive the saved search's
// feed token opens its feeds (?token=); it opens nothing else. Only the path is
// logged, never the token.
func (s *Server) feed(c *gin.Context) {
	file := c.Param("file")
	id, kind := file, ""
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		id, kind = file[:i], file[i+1:]
	}
	fail := func(err error) {
		if kind == "json" {
			s.fail(c, err)
			return
		}
		status, code, msg := s.describe(c, err)
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.String(status, "%s: %s\n", code, msg)
	}
	for name := range c.Request.URL.Query() {
		if name != "token" {
			fail(corpus.Errorf(corpus.EInvalidRequest, "a feed takes no parameter %q: only token", name))
			return
		}
	}
	if kind != "atom" && kind != "json" {
		fail(corpus.Errorf(corpus.ENotFound, "there is no feed %q: a saved search's feeds are /feeds/ID.atom and /feeds/ID.json", file))
		return
	}
	if !s.mayRead(c) {
		if s.saved == nil || !s.saved.FeedAllowed(c.Request.Context(), id, c.Query("token")) {
			c.Header("WWW-Authenticate", `Bearer realm="archive"`)
			fail(corpus.Errorf(corpus.EUnauthorized, "this archive is private: open the feed with its token (?token=, listed with the saved search) or send 'Authorization: Bearer KEY' with a read key"))
			return
		}
	}
	ss, articles, err := s.feedMatches(c, id)
	if err != nil {
		fail(err)
		return
	}
	base := s.baseURL(c)
	if kind == "json" {
		out, err := json.Marshal(jsonFeed(ss, articles, base))
		if err != nil {
			fail(fmt.Errorf("server: write the JSON feed: %w", err))
			return
		}
		c.Data(http.StatusOK, "application/feed+json; charset=utf-8", out)
		return
	}
	out, err := atomFeed(ss, articles, base)
	if err != nil {
		fail(err)
		return
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", out)
}

// baseURL is the server's address as the request reached it, for the absolute
// links feeds need.
func (s *Server) baseURL(c *gin.Context) string {
	scheme := "http"
	if s.tls || c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// feedSummary is the start of an article's text.
func feedSummary(a corpus.Article) string {
	return lead(a.Body, feedSummaryRunes)
}

// lead returns about n runes from the start of s, at a word boundary.
func lead(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return cut + " …"
}

// The Atom 1.0 document (RFC 4287).
type atomDoc struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string       `xml:"id"`
	Title     string       `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published,omitempty"`
	Links     []atomLink   `xml:"link"`
	Authors   []atomPerson `xml:"author"`
	Category  []atomCat    `xml:"category"`
	Summary   string       `xml:"summary,omitempty"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func atomFeed(ss corpus.SavedSearch, articles []corpus.Article, base string) ([]byte, error) {
	self := base + "/feeds/" + url.PathEscape(ss.ID) + ".atom"
	updated := ss.Created
	doc := atomDoc{ID: self, Title: ss.Name + " · Article Archive",
		Subtitle: "The newest articles to arrive in the archive that match the saved search " + ss.Query,
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/?" + ss.Query}},
		Author: atomPerson{Name: "Article Archive"}, Generator: "Article Archive"}
	for _, a := range articles {
		arrived := a.ArrivedAt()
		if arrived.IsZero() {
			arrived = ss.Created
		}
		if arrived.After(updated) {
			updated = arrived
		}
		page := base + "/articles/" + url.PathEscape(a.ID)
		e := atomEntry{ID: page, Title: a.Title, Updated: atomTime(arrived), Summary: feedSummary(a),
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: page}}}
		if e.Title == "" {
			e.Title = "(untitled)"
		}
		if u := corpus.NormalizeURL(a.URL); u != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Href: a.URL})
		}
		if !a.Published.IsZero() {
			e.Published = atomTime(a.Published)
		}
		for _, au := range a.Authors {
			e.Authors = append(e.Authors, atomPerson{Name: au})
		}
		if a.Outlet != "" {
			e.Category = append(e.Category, atomCat{Term: a.Outlet})
		}
		doc.Entries = append(doc.Entries, e)
	}
	doc.Updated = atomTime(updated)
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("server: write the Atom feed: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

// The JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).
type jsonFeedDoc struct {
	Version     string         `json:"version"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Description string         `json:"description"`
	Items       []jsonFeedItem `json:"items"`
}

type jsonFeedItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	ExternalURL   string           `json:"external_url,omitempty"`
	Title         string           `json:"title"`
	ContentText   string           `json:"content_text"`
	DatePublished string           `json:"date_published,omitempty"`
	DateModified  string           `json:"date_modified,omitempty"`
	Authors       []jsonFeedAuthor `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	// Archive is the archive's own extension: when the article arrived.
	Archive jsonFeedExtension `json:"_archive"`
}

type jsonFeedAuthor struct {
	Name string `json:"name"`
}

type jsonFeedExtension struct {
	About   string     `json:"about"`
	Arrived *time.Time `json:"arrived"`
	Outlet  *string    `json:"outlet"`
}

func jsonFeed(ss corpus.SavedSearch, articles []corpus.Article, base string) jsonFeedDoc {
	doc := jsonFeedDoc{Version: "https://jsonfeed.org/version/1.1", Title: ss.Name + " · Article Archive",
		HomePageURL: base + "/?" + ss.Query, FeedURL: base + "/feeds/" + url.PathEscape(ss.ID) + ".json",
		Description: "The newest articles to arrive in the archive that match the saved search " + ss.Query,
		Items:       []jsonFeedItem{}}
	for _, a := range articles {
		page := base + "/articles/" + url.PathEscape(a.ID)
		it := jsonFeedItem{ID: page, URL: page, Title: a.Title, ContentText: feedSummary(a),
			Archive: jsonFeedExtension{About: base + "/api",
				Arrived: nullableTime(a.ArrivedAt()), Outlet: nullable(a.Outlet)}}
		if corpus.NormalizeURL(a.URL) != "" {
			it.ExternalURL = a.URL
		}
		if !a.Published.IsZero() {
			it.DatePublished = atomTime(a.Published)
		}
		if t := a.ArrivedAt(); !t.IsZero() {
			it.DateModified = atomTime(t)
		}
		for _, au := range a.Authors {
			it.Authors = append(it.Authors, jsonFeedAuthor{Name: au})
		}
		if a.Outlet != "" {
			it.Tags = []string{a.Outlet}
		}
		doc.Items = append(doc.Items, it)
	}
	return doc
}

// newSince counts the matches of q that arrived at or after since.
func (s *Server) newSince(ctx context.Context, q corpus.Query, since time.Time) (uint64, error) {
	if since.After(q.ArrivedFrom) {
		q.ArrivedFrom = since
	}
	q.Page, q.Size, q.After, q.Collapse, q.Sort = 1, 1, "", false, corpus.SortArrived
	if err := q.Validate(); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.search.Search(ctx, q)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}
