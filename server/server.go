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
	"sync"
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
	// Keys are the archive's API keys; nil: only Token opens writes, and reads
	// are open unless Private.
	Keys KeyChecker
	// Private makes every read need a read key, even before one exists.
	Private bool
	// SessionSecret signs sign-in cookies; without it nobody can sign in on the
	// page (keys still work in the Authorization header).
	SessionSecret []byte
	// Audit records writes, backups and sign-ins; nil records nothing.
	Audit Auditor
	// ExportTimeout bounds one export; zero means 30 minutes.
	ExportTimeout time.Duration
	// TLS says the server is reached over HTTPS: cookies are then Secure and
	// browsers are told to keep to HTTPS.
	TLS bool
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
	// doc is the API's description, which also lists each route's parameters.
	doc *apiDoc

	writer   Writer
	token    string
	maxWrite int64

	keys          KeyChecker
	privateMode   bool
	sessionSecret []byte
	auditor       Auditor
	tls           bool
	signIns       signInLimiter
	exportTimeout time.Duration
	// keyUse is when the audit log last recorded each key's use.
	keyUseMu sync.Mutex
	keyUse   map[string]time.Time
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
	doc, err := parseAPIDoc(openAPIJSON)
	if err != nil {
		panic(err) // the embedded document is fixed at build time, and tested
	}
	s := &Server{
		doc:     doc,
		search:  cfg.Searcher,
		log:     log,
		timeout: timeout,
		pages:   template.Must(template.New("").Funcs(templateFuncs).Funcs(healthFuncs(cfg.Searcher)).ParseFS(templateFS, "templates/*.html")),

		writer:   cfg.Writer,
		token:    cfg.Token,
		maxWrite: cmp.Or(cfg.MaxWriteBytes, defaultMaxWriteBytes),

		keys:          cfg.Keys,
		privateMode:   cfg.Private,
		sessionSecret: cfg.SessionSecret,
		auditor:       cfg.Audit,
		tls:           cfg.TLS,
		exportTimeout: cmp.Or(cfg.ExportTimeout, 30*time.Minute),
	}
	engine := gin.New()
	engine.Use(s.logRequests, s.recoverPanics, s.securityHeaders, s.limitURL, s.dropRefusedBodies, s.authenticate)
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.routes(engine, http.FS(static))
	return engine
}
