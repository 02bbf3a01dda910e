package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// Deleter removes articles. The Writer cmd/archive gives has it; a Writer without
// it answers a delete with EWritesOff.
type Deleter interface {
	// Delete removes article id from the archive, keeping a tombstone so that
	// ingesting it again does not bring it back; by names who asked. It returns
	// the deleted article, a corpus.ENotFound error for an unknown id, or a
	// storage error.
	Delete(ctx context.Context, id, by string) (corpus.Article, error)
}

// apiDeleted is the answer of DELETE /api/v1/articles/{id}.
type apiDeleted struct {
	ID        string    `json:"id"`
	Title     *string   `json:"title"`
	Outlet    *string   `json:"outlet"`
	Story     string    `json:"story"`
	DeletedAt time.Time `json:"deleted_at"`
	Message   string    `json:"message"`
}

// apiDelete is DELETE /api/v1/articles/{id}: it needs a write key, like a write.
func (s *Server) apiDelete(c *gin.Context) {
	if err := s.authorize(c, corpus.ScopeWrite); err != nil {
		s.fail(c, err)
		return
	}
	d, ok := s.writer.(Deleter)
	if !ok {
		s.fail(c, corpus.Errorf(corpus.EWritesOff, "this archive cannot delete articles: its writer does not offer it"))
		return
	}
	id := articleID(c)
	if id == "" {
		s.fail(c, corpus.Errorf(corpus.EInvalidRequest, "name the article to delete: DELETE /api/v1/articles/{id}, with the id of GET /api/v1/search"))
		return
	}
	if why := corpus.CheckID(id); why != "" {
		s.fail(c, corpus.Errorf(corpus.EInvalidRequest, "this is not an article id: %s", why))
		return
	}
	who := "anonymous"
	if p, ok := principal(c); ok {
		who = p.String()
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	a, err := d.Delete(ctx, id, who)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, "delete", fmt.Sprintf("%s (%s: %q)", id, cmp.Or(a.Outlet, "no outlet"), a.Title))
	s.writeJSON(c, http.StatusOK, apiDeleted{ID: id, Title: nullable(a.Title), Outlet: nullable(a.Outlet), Story: cmp.Or(a.Story, id),
		DeletedAt: time.Now().UTC(), Message: "deleted: it is gone from search, facets, stories and exports; ingesting it again skips it, unless with archive ingest --restore"})
}

// deleteToken is the CSRF token the article page's delete button sends, when the
// reader signed in with a key that may write and the archive can delete; "" (no
// button) otherwise.
func (s *Server) deleteToken(c *gin.Context) string {
	if _, ok := s.writer.(Deleter); !ok {
		return ""
	}
	p, ok := principal(c)
	if via, _ := c.Get(ctxVia); !ok || via != viaCookie || !p.Scope.Allows(corpus.ScopeWrite) {
		return ""
	}
	sess, _ := c.Get(ctxSession)
	id, _ := sess.(string)
	return s.csrfToken(id)
}
