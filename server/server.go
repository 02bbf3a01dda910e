// Package server serves the archive over HTTP: the search web page and the JSON API.
// It is the only package that imports Gin. It knows the archive only through the
// small Searcher interface, so any engine that answers corpus queries can sit
// behind it.
package server

import (
	"cmp"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// Searcher is what the server needs from an index.
type Searcher interface {
	// Search answers a query; its errors carry corpus error codes.
	Search(ctx context.Context, q corpus.Query) (*corpus.Results, error)
	// Article returns one article, or a corpus.ENotFound error.
	Article(ctx context.Context, id string) (corpus.Article, error)
	// Count returns how many articles the archive holds.
	Count() (uint64, error)
}

// Config is what New needs. Searcher is required.
type Config struct {
	Searcher Searcher
	// Logger receives one line per request and the causes of internal errors; nil
	// discards them.
	Logger *slog.Logger
	// SearchTimeout bounds one search; zero means ten seconds.
	SearchTimeout time.Duration
	// Writer takes articles sent to POST /api/v1/articles and backups; nil, or an
	// empty Token, turns the write API off.
	Writer Writer
	// Token is the Bearer token writes must carry.
	Token string
	// MaxWriteBytes limits a write's request body; zero means 64 MiB.
	MaxWriteBytes int64
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server holds the handlers' dependencies.
type Server struct {
	search  Searcher
	log     *slog.Logger
	timeout time.Duration
	pages   *template.Template

	writer   Writer
	token    string
	maxWrite int64
}

// New returns the archive's HTTP handler: the web page, the JSON API and /healthz.
func New(cfg Config) http.Handler {
	// Gin's debug mode prints every route at start-up and warns on stdout; the
	// archive logs through slog instead. The mode is Gin-wide, so it is set here,
	// where the only engine is made.
	gin.SetMode(gin.ReleaseMode)
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := cfg.SearchTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	s := &Server{
		search:  cfg.Searcher,
		log:     log,
		timeout: timeout,
		pages:   template.Must(template.New("").Funcs(templateFuncs).Funcs(healthFuncs(cfg.Searcher)).ParseFS(templateFS, "templates/*.html")),

		writer:   cfg.Writer,
		token:    cfg.Token,
		maxWrite: cmp.Or(cfg.MaxWriteBytes, defaultMaxWriteBytes),
	}
	engine := gin.New()
	engine.Use(s.logRequests, s.recoverPanics, s.limitURL)
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.routes(engine, http.FS(static))
	return engine
}
