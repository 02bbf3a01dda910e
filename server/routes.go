package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes lists every route the archive serves. openapi.json describes each of
// them (a test holds the two lists to each other).
func (s *Server) routes(r *gin.Engine, static http.FileSystem) {
	r.StaticFS("/static", static)
	r.GET("/signin", s.html(s.signInPage))
	r.POST("/signin", s.html(s.signIn))
	r.POST("/signout", s.html(s.signOut))

	// Everything below reads the archive: in a private archive it needs a key
	// (or a sign-in).
	pages := r.Group("", s.requireRead)
	pages.GET("/", s.html(s.searchPage))
	pages.GET("/articles/*id", s.html(s.articlePage))
	pages.GET("/api", s.html(s.apiPage))

	// Every route of the API turns away parameters it does not take; openapi.json
	// lists the ones each takes. Writes check their own keys (a write key, or an
	// admin key for backups) before they read a byte of the body.
	api := r.Group("/api/v1", s.checkParameters, s.requireReadUnlessWrite)
	api.GET("", s.json(s.apiIndexPage))
	api.GET("/openapi.json", s.json(s.openAPI))
	api.GET("/search", s.json(s.apiSearch))
	api.GET("/articles/*id", s.json(s.apiArticle))
	api.GET("/related/*id", s.json(s.apiRelated))
	api.GET("/facets/:facet", s.json(s.apiFacetValues))
	api.GET("/export", s.apiExport)
	api.GET("/timeline", s.json(s.apiTimeline))
	api.POST("/articles", s.apiWrite)
	api.POST("/backup", s.apiBackup)

	r.GET("/healthz", s.json(s.healthz))
	r.NoRoute(s.notFound)
}
