package server

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// searchResponse is the JSON answer of GET /api/v1/search.
type searchResponse struct {
	Total  uint64    `json:"total"`
	TookMS float64   `json:"took_ms"`
	Page   int       `json:"page"`
	Size   int       `json:"size"`
	Hits   []apiHit  `json:"hits"`
	Facets apiFacets `json:"facets"`
	// Next is the cursor of the next page, to pass back as after=; null on the
	// last page. Following it costs the same however deep it goes, where page
	// numbers stop at corpus.MaxResultWindow results.
	Next        *string         `json:"next"`
	Suggestions []apiSuggestion `json:"suggestions"`
	Notices     []string        `json:"notices"`
}

func (s *Server) apiSearch(c *gin.Context) (any, error) {
	p, err := parseSearch(c.Request.URL.Query(), false)
	if err != nil {
		return nil, err
	}
	res, err := s.runSearch(c, p.Query)
	if err != nil {
		return nil, err
	}
	return searchResponse{
		Total:       res.Total,
		TookMS:      float64(res.Took.Microseconds()) / 1000,
		Page:        p.Query.Page,
		Size:        p.Query.Size,
		Hits:        apiHits(res.Hits),
		Facets:      newAPIFacets(res.Facets),
		Next:        nullable(res.Next),
		Suggestions: apiSuggestions(res.Suggestions),
		Notices:     list(res.Notices),
	}, nil
}

// runSearch runs one search within the server's time limit.
func (s *Server) runSearch(c *gin.Context, q corpus.Query) (*corpus.Results, error) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	return s.search.Search(ctx, q)
}

func (s *Server) apiArticle(c *gin.Context) (any, error) {
	a, err := s.search.Article(c.Request.Context(), articleID(c))
	if err != nil {
		return nil, err
	}
	return newAPIArticle(a), nil
}

// health is the answer of GET /healthz: "ok", or "degraded" with what is missing
// (corpus.Health), and the count of articles. A private archive tells a caller
// without a read key whether it is up, and nothing more (articles is null, and
// the problems are left out).
type health struct {
	corpus.Health
	Articles *uint64 `json:"articles"`
}

func (s *Server) healthz(c *gin.Context) (any, error) {
	if err := s.keysUnavailable(); err != nil {
		return nil, err // a load balancer takes the server out while its keys are away
	}
	if !s.mayRead(c) {
		h := archiveHealth(s.search)
		return health{Health: corpus.Health{Status: h.Status}}, nil
	}
	n, err := s.search.Count()
	if err != nil {
		return nil, err
	}
	return health{Health: archiveHealth(s.search), Articles: &n}, nil
}

// articleID reads the article ID from the path. Records bring their own IDs, which
// may hold slashes, so the route takes the rest of the path.
func articleID(c *gin.Context) string {
	return strings.TrimPrefix(c.Param("id"), "/")
}
