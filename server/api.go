package server

import (
	"context"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// searchResponse is the JSON answer of GET /api/v1/search.
type searchResponse struct {
	Total  uint64        `json:"total"`
	TookMS float64       `json:"took_ms"`
	Page   int           `json:"page"`
	Size   int           `json:"size"`
	Hits   []apiHit      `json:"hits"`
	Facets corpus.Facets `json:"facets"`
}

// apiHit is a corpus.Hit whose unknown date is an explicit null.
type apiHit struct {
	corpus.Hit
	Published *time.Time `json:"published"`
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
	hits := make([]apiHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = apiHit{Hit: h}
		if !h.Published.IsZero() {
			hits[i].Published = &res.Hits[i].Published
		}
	}
	return searchResponse{
		Total:  res.Total,
		TookMS: float64(res.Took.Microseconds()) / 1000,
		Page:   p.Query.Page,
		Size:   p.Query.Size,
		Hits:   hits,
		Facets: res.Facets,
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
	return a, nil
}

// health is the answer of GET /healthz: "ok", or "degraded" with what is missing
// (corpus.Health), and the count of articles.
type health struct {
	corpus.Health
	Articles uint64 `json:"articles"`
}

func (s *Server) healthz(c *gin.Context) (any, error) {
	n, err := s.search.Count()
	if err != nil {
		return nil, err
	}
	return health{Health: archiveHealth(s.search), Articles: n}, nil
}

// articleID reads the article ID from the path. Records bring their own IDs, which
// may hold slashes, so the route takes the rest of the path.
func articleID(c *gin.Context) string {
	return strings.TrimPrefix(c.Param("id"), "/")
}
