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
	pages.GET("/searches", s.html(s.searchesPage))
	pages.POST("/searches", s.html(s.saveSearchFromPage))
	pages.GET("/searches/:id/open", s.html(s.openSavedSearch))
	pages.POST("/searches/:id/delete", s.html(s.deleteSearchFromPage))
	pages.GET("/people/*name", s.html(s.personPage))
	pages.POST("/people/edits", s.html(s.personEditForm))

	// Every route of the API turns away parameters it does not take; openapi.json
	// lists the ones each takes. Writes check their own keys (a write key, or an
	// admin key for backups) before they read a byte of the body.
	api := r.Group("/api/v1", s.checkParameters, s.requireReadUnlessWrite)
	api.GET("", s.json(s.apiIndexPage))
	api.GET("/openapi.json", s.json(s.openAPI))
	api.GET("/search", s.json(s.apiSearch))
	api.GET("/articles/*id", s.json(s.apiArticle))
	api.GET("/related/*id", s.json(s.apiRelated))
	api.GET("/story/*id", s.json(s.apiStoryOf))
	api.GET("/facets/:facet", s.json(s.apiFacetValues))
	api.GET("/export", s.apiExport)
	api.GET("/timeline", s.json(s.apiTimeline))
	api.POST("/articles", s.apiWrite)
	api.DELETE("/articles/*id", s.apiDelete)
	api.POST("/backup", s.apiBackup)
	api.POST("/searches", s.apiCreateSearch)
	api.GET("/searches", s.json(s.apiListSearches))
	api.GET("/searches/:id", s.json(s.apiGetSearch))
	api.DELETE("/searches/:id", s.json(s.apiDeleteSearch))
	api.GET("/people/edits", s.json(s.apiPersonEdits))
	api.POST("/people/edits", s.apiEditPeople)
	api.DELETE("/people/edits/:id", s.json(s.apiUndoPersonEdit))
	api.GET("/people/:name", s.apiPersonPage)

	// A saved search's feeds check their own token: a feed reader cannot send a key.
	r.GET("/feeds/:file", s.feed)
	r.GET("/healthz", s.json(s.healthz))
	r.NoRoute(s.notFound)
}
