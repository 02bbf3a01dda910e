package server

import (
	"context"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// Explorer is what the exploring features need from an index beyond Searcher: the
// facet value search, related coverage, query terms marked in an article, and the
// export. *index.Index has it; a Searcher without it serves the page without them.
type Explorer interface {
	// FacetValues returns up to n values of facet ("person" or "outlet") among q's
	// hits having a word that starts with prefix, with their counts.
	FacetValues(ctx context.Context, facet string, q corpus.Query, prefix string, n int) ([]corpus.FacetValue, error)
	// Related returns the other copies of an article's story and n similar articles.
	Related(ctx context.Context, id string, n int) (corpus.Related, error)
	// Mark returns an article's title and body with the query text's matches marked.
	Mark(ctx context.Context, id, text string) (corpus.Marked, error)
	// Export calls emit with every hit of q, in order, until emit fails.
	Export(ctx context.Context, q corpus.Query, emit func(corpus.Hit) error) error
}

// explorer returns the Searcher's Explorer, or an error saying the feature is off.
func (s *Server) explorer() (Explorer, error) {
	if ex, ok := s.search.(Explorer); ok {
		return ex, nil
	}
	return nil, corpus.Errorf(corpus.ENotFound, "this archive's engine does not offer facet search, related articles or export")
}

// Facet value search sizes.
const (
	defaultFacetValues = 10
	maxFacetValues     = 100
)

// facetValuesResponse is the JSON answer of GET /api/v1/facets/{facet}.
type facetValuesResponse struct {
	Facet  string          `json:"facet"`
	Prefix string          `json:"prefix"`
	Values []apiFacetValue `json:"values"`
}

// apiFacetValues answers GET /api/v1/facets/{person|outlet}?prefix=bid&size=10 with
// the search parameters of /api/v1/search narrowing the hits counted.
func (s *Server) apiFacetValues(c *gin.Context) (any, error) {
	ex, err := s.explorer()
	if err != nil {
		return nil, err
	}
	v := c.Request.URL.Query()
	n := defaultFacetValues
	if size := strings.TrimSpace(v.Get("size")); size != "" {
		if n, err = strconv.Atoi(size); err != nil || n < 1 || n > maxFacetValues {
			return nil, corpus.Errorf(corpus.EInvalidRequest, "size=%q: ask for 1 to %d values", size, maxFacetValues)
		}
		v.Del("size")
	}
	p, err := parseSearch(v, false)
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimSpace(v.Get("prefix"))
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	values, err := ex.FacetValues(ctx, c.Param("facet"), p.Query, prefix, n)
	if err != nil {
		return nil, err
	}
	return facetValuesResponse{Facet: c.Param("facet"), Prefix: prefix, Values: apiFacetValues(values)}, nil
}

// relatedSimilar is how many similar articles the article page and the API show.
const relatedSimilar = 5

// apiRelated answers GET /api/v1/related/{id}: the other copies of the article's
// story and the most similar other articles.
func (s *Server) apiRelated(c *gin.Context) (any, error) {
	ex, err := s.explorer()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	r, err := ex.Related(ctx, articleID(c), relatedSimilar)
	if err != nil {
		return nil, err
	}
	return apiRelated{Copies: apiHits(r.Copies), Similar: apiHits(r.Similar)}, nil
}
