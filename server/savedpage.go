package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// savedPageView is what searches.html shows: the saved searches, each with how
// many of its matches arrived since it was last opened from the page.
type savedPageView struct {
	Searches []savedRow
	// More counts the saved searches past the ones listed.
	More  int
	CSRF  string
	Saved string // the name of the search just saved, to confirm it
}

type savedRow struct {
	corpus.SavedSearch
	// New counts the matches that arrived since LastLooked (or since the search
	// was saved); NewURL lists them.
	New      uint64
	NewURL   string
	OpenURL  string
	Feeds    feedLinks
	Since    string
	Problem  string
	Delivery string
}

// sessionCSRF is the CSRF token the page's forms carry for a signed-in reader.
func (s *Server) sessionCSRF(c *gin.Context) string {
	if sess, ok := c.Get(ctxSession); ok {
		return s.csrfToken(sess.(string))
	}
	return ""
}

// searchesPage is GET /searches: the saved searches.
func (s *Server) searchesPage(c *gin.Context) error {
	store, err := s.savedSearches()
	if err != nil {
		return err
	}
	all, err := store.List(c.Request.Context())
	if err != nil {
		return err
	}
	v := savedPageView{CSRF: s.sessionCSRF(c), Searches: []savedRow{}}
	if len(all) > maxSavedOnPage {
		v.More = len(all) - maxSavedOnPage
		all = all[len(all)-maxSavedOnPage:] // the newest
	}
	for i := len(all) - 1; i >= 0; i-- { // newest first
		ss := all[i]
		row := savedRow{SavedSearch: ss, Feeds: feedPaths(ss),
			OpenURL: "/searches/" + url.PathEscape(ss.ID) + "/open"}
		since := ss.LastLooked
		row.Since = "you last looked"
		if since.IsZero() {
			since, row.Since = ss.Created, "it was saved"
		}
		row.NewURL = row.OpenURL + "?new=1"
		q, err := store.Query(c.Request.Context(), ss.ID)
		if err == nil {
			row.New, err = s.newSince(c.Request.Context(), q, since)
		}
		if err != nil {
			if status, _, msg := s.describe(c, err); status >= 500 && status != http.StatusServiceUnavailable {
				return err
			} else {
				row.Problem = msg
			}
		}
		if ss.Webhook != "" {
			d := ss.Delivery
			switch {
			case d.Failures > 0:
				row.Delivery = "webhook failing: " + d.LastError
			case !d.LastSuccess.IsZero():
				row.Delivery = "webhook delivered " + d.LastSuccess.Format("2006-01-02 15:04 MST")
			default:
				row.Delivery = "webhook: nothing sent yet"
			}
		}
		v.Searches = append(v.Searches, row)
	}
	s.render(c, http.StatusOK, "searches.html", v)
	return nil
}

// saveSearchFromPage is POST /searches: the search page's "Save this search".
func (s *Server) saveSearchFromPage(c *gin.Context) error {
	n := corpus.NewSavedSearch{Name: c.PostForm("name"), Query: c.PostForm("query")}
	if _, err := s.createSavedSearch(c, n); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/searches")
	return nil
}

// openSavedSearch is GET /searches/{id}/open: it records that the search was
// looked at, and goes to it; with new=1, to the matches that arrived since it
// was last looked at, newest first.
func (s *Server) openSavedSearch(c *gin.Context) error {
	store, err := s.savedSearches()
	if err != nil {
		return err
	}
	id := c.Param("id")
	ss, err := store.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	before, err := store.Looked(c.Request.Context(), id, time.Now())
	if err != nil {
		return err
	}
	target := "/?" + ss.Query
	if c.Query("new") == "1" {
		if before.IsZero() {
			before = ss.Created
		}
		v, _ := url.ParseQuery(ss.Query)
		v.Set("arrived_from", before.UTC().Format(time.RFC3339Nano))
		v.Set("sort", string(corpus.SortArrived))
		target = "/?" + v.Encode()
	}
	c.Redirect(http.StatusSeeOther, target)
	return nil
}

// deleteSearchFromPage is POST /searches/{id}/delete.
func (s *Server) deleteSearchFromPage(c *gin.Context) error {
	if err := s.deleteSavedSearch(c, c.Param("id")); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/searches")
	return nil
}

// saveForm is the search page's form that saves the search shown.
type saveForm struct {
	// Query is the search's parameters, without its page.
	Query string
	CSRF  string
}

func (s *Server) saveForm(c *gin.Context, p searchParams) *saveForm {
	if s.saved == nil {
		return nil
	}
	return &saveForm{Query: p.with(func(*searchParams) {}).values().Encode(), CSRF: s.sessionCSRF(c)}
}

// arrivalLabel names an arrival filter for its chip: "arrived since 2026-12-06 09:30 UTC".
func arrivalLabel(q corpus.Query) string {
	const layout = "2006-01-02 15:04 MST"
	switch {
	case q.ArrivedTo.IsZero():
		return "arrived since " + q.ArrivedFrom.UTC().Format(layout)
	case q.ArrivedFrom.IsZero():
		return "arrived before " + q.ArrivedTo.UTC().Format(layout)
	}
	return "arrived " + q.ArrivedFrom.UTC().Format(layout) + " to " + q.ArrivedTo.UTC().Format(layout)
}
