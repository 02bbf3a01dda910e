package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes lists every route the archive serves. openapi.json describes each of
// them (a test holds the two lists to each other).
func (s *Server) routes(r *gin.Engine, static http.FileSystem) {
	r.GET("/", s.html(s.searchPage))
	r.GET("/articles/*id", s.html(s.articlePage))
	r.StaticFS("/static", static)
	r.GET("/api", s.html(s.apiPage))

	// Every route of the API turns away parameters it does not take; openapi.json
	// lists the ones each takes.
	api := r.Group("/api/v1", s.checkParameters)
	api.GET("", s.json(s.apiIndexPage))
	api.GET("/openapi.json", s.json(s.openAPI))
	api.GET("/search", s.json(s.apiSearch))
	api.GET("/articles/*id", s.json(s.apiArticle))
	api.GET("/related/*id", s.json(s.apiRelated))
	api.GET("/facets/:facet", s.json(s.apiFacetValues))
	api.GET("/export", s.apiExport)
	api.POST("/articles", s.json(s.apiWrite))
	api.POST("/backup", s.apiBackup)

	r.GET("/healthz", s.json(s.healthz))
	r.NoRoute(s.notFound)
}
