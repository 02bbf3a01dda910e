// Package opensearch keeps the archive in an OpenSearch cluster: the second engine
// beside package index (Bleve on one machine). It is the only package that imports
// opensearch-go. An *Engine answers what the server and ingest ask of an archive
// (server.Searcher and Explorer, ingest.Sink) from an index of the cluster, and
// holds no state another server would miss: several `archive serve` processes
// on different machines can share one index.
//
// Every article is a document whose ID is the article's ID (so that re-sending it
// adds nothing twice) and whose source is the article itself, with the derived
// fields searches need (folded names, the story's MinHash band keys and
// signature, a fingerprint telling an update from a repeat).
package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	opensearchgo "github.com/opensearch-project/opensearch-go/v4"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/query"
)

// DefaultIndex is the index the archive uses unless told otherwise.
const DefaultIndex = "articles"

// Default expansion limits, as the Bleve engine's: how many words of the archive one
// fuzzy term may stand for.
const DefaultMaxExpansions = 500

// Config says which cluster and index to use.
type Config struct {
	// URLs are the cluster's nodes (http:// or https://).
	URLs []string
	// Index is the index name; "" is DefaultIndex.
	Index string
	// Username and Password are HTTP basic credentials; APIKey, when set, is sent
	// as "Authorization: ApiKey KEY" instead.
	Username, Password, APIKey string
	// CACert is the PEM of the authorities that sign the cluster's certificates.
	CACert []byte
	// Shards and Replicas shape a new index; zero: 1 shard, 0 replicas on a
	// one-node cluster, else 1 replica.
	Shards, Replicas int
	// Logger receives what the engine notes; nil discards it.
	Logger *slog.Logger
	// Query bounds what one query may ask (package query's limits).
	Query query.Limits
	// MaxExpansions bounds the words one fuzzy term may stand for; zero is
	// DefaultMaxExpansions.
	MaxExpansions int
	// RequestTimeout bounds one request to the cluster; zero is 30 s.
	RequestTimeout time.Duration
	// AttentionExact is how many articles a line of an attention timeline may
	// match and still be counted exactly; zero is DefaultAttentionExact.
	AttentionExact int
	// NoCreate: an index that does not exist is a corpus.ENotFound error
	// instead of being made (commands that only read, such as archive check).
	NoCreate bool
}

// Engine is an archive kept in an OpenSearch index. It is safe for concurrent use.
type Engine struct {
	client  *opensearchgo.Client
	index   string
	log     *slog.Logger
	cfg     Config
	timeout time.Duration

	// mu guards up: whether the last request reached the cluster, for the logs.
	mu sync.Mutex
	up bool
	// pending: PutDeferred stored articles that may not be searchable yet.
	pending atomic.Bool
	// ready: the index is known to exist (ensure made or found it).
	ready   atomic.Bool
	readyMu sync.Mutex
	// people: the people edits this server applies (people.go).
	people layerCache
	// sides are the indexes beside the archive's known to exist (ensureSideIndex).
	sides sync.Map
	// onArrivals is told of the articles new to the archive (OnArrivals), and
	// arrived holds those a PutDeferred stored until they are searchable.
	onArrivals atomic.Pointer[func(Arrivals)]
	arrivedMu  sync.Mutex
	arrived    []Arrivals
}

// Open connects to the cluster and makes the index (with the archive's mapping)
// when it does not exist. A cluster that cannot be reached is a corpus.EBusy
// error: the caller may retry.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	e, err := connect(cfg)
	if err != nil {
		return nil, err
	}
	if err := e.ensure(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Connect is Open for a server: a cluster that cannot be reached yet is no
// error. Every call answers corpus.EBusy until it can be, and the index is made
// on the first call that reaches it.
func Connect(ctx context.Context, cfg Config) (*Engine, error) {
	e, err := connect(cfg)
	if err != nil {
		return nil, err
	}
	if err := e.ensure(ctx); err != nil {
		if corpus.ErrorCode(err) != corpus.EBusy {
			e.Close()
			return nil, err
		}
		e.log.Warn("the OpenSearch cluster cannot be reached yet: requests are answered 503 until it can", "err", err)
	}
	return e, nil
}

// Dial connects to the cluster without looking for the index or making it: for
// what makes the index another way (RestoreSnapshot).
func Dial(cfg Config) (*Engine, error) { return connect(cfg) }

// ensure makes sure the index exists, once.
func (e *Engine) ensure(ctx context.Context) error {
	if e.ready.Load() {
		return nil
	}
	e.readyMu.Lock()
	defer e.readyMu.Unlock()
	if e.ready.Load() {
		return nil
	}
	if err := e.ensureIndex(ctx); err != nil {
		return err
	}
	e.ready.Store(true)
	return nil
}

func connect(cfg Config) (*Engine, error) {
	if len(cfg.URLs) == 0 {
		return nil, corpus.Errorf(corpus.EInvalidRequest, "no OpenSearch address: give --opensearch http://host:9200[,…]")
	}
	for _, u := range cfg.URLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, corpus.Errorf(corpus.EInvalidRequest, "OpenSearch address %q is not an http:// or https:// URL", u)
		}
	}
	if cfg.Index == "" {
		cfg.Index = DefaultIndex
	}
	if cfg.MaxExpansions <= 0 {
		cfg.MaxExpansions = DefaultMaxExpansions
	}
	if cfg.AttentionExact <= 0 {
		cfg.AttentionExact = DefaultAttentionExact
	}
	e := &Engine{index: cfg.Index, cfg: cfg, log: cfg.Logger, timeout: cfg.RequestTimeout, up: true}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.timeout == 0 {
		e.timeout = 30 * time.Second
	}
	header := http.Header{}
	if cfg.APIKey != "" {
		header.Set("Authorization", "ApiKey "+cfg.APIKey)
	}
	client, err := opensearchgo.NewClient(opensearchgo.Config{
		Addresses: cfg.URLs,
		Username:  cfg.Username, Password: cfg.Password,
		Header: header,
		CACert: cfg.CACert,
		// The client's retries would hide a dead node behind a slow answer, and
		// retry writes the server has its own answer for: a request that fails
		// is answered 503 with Retry-After, and the next one goes to another node.
		DisableRetry:          true,
		HealthCheckMaxRetries: -1,
		DiscoverNodesOnStart:  new(false),
	})
	if err != nil {
		return nil, fmt.Errorf("opensearch: client: %w", err)
	}
	e.client = client
	return e, nil
}

// Close releases the client.
func (e *Engine) Close() error { return e.client.Close() }

// Index returns the index name.
func (e *Engine) Index() string { return e.index }

// unavailable is the error of a cluster that cannot answer now.
func unavailable(cause error) error {
	err := corpus.Errorf(corpus.EBusy, "the archive's OpenSearch cluster cannot answer right now (%s): try again in a few seconds", cause)
	err.RetryAfter = 5
	return err
}

// osError is an error answer of the cluster.
type osError struct {
	Status int
	Type   string
	Reason string
	// Cause is the type of the root cause.
	Cause string
}

func (e *osError) Error() string {
	return fmt.Sprintf("opensearch: %d %s: %s", e.Status, e.Type, e.Reason)
}

// do sends one request to the cluster and decodes the answer into out (when not
// nil). Connection failures, 503 and 429 answers are EBusy (the cluster cannot
// answer now); other error answers are *osError.
func (e *Engine) do(ctx context.Context, method, path string, body any, out any) error {
	return e.doTimeout(ctx, method, path, body, out, e.timeout)
}

// doTimeout is do with a bound of its own on the request.
func (e *Engine) doTimeout(ctx context.Context, method, path string, body any, out any, timeout time.Duration) error {
	var rd io.Reader
	var ndjson bool
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ndjson = bytes.NewReader(b), true
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("opensearch: encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(data)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, path, rd)
	if err != nil {
		return err
	}
	if rd != nil {
		req.Header = http.Header{}
		if ndjson {
			req.Header.Set("Content-Type", "application/x-ndjson")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	res, err := e.client.Stream(req)
	if err != nil {
		if parent.Err() != nil {
			// The caller gave up (its deadline, or it went away): not the cluster's fault.
			return fmt.Errorf("opensearch: %s %s: %w", method, path, parent.Err())
		}
		e.setUp(false, err)
		var ne net.Error
		if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "connection") {
			return unavailable(errors.New("no node answers"))
		}
		return unavailable(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		e.setUp(false, err)
		return unavailable(errors.New("the answer was cut off"))
	}
	e.setUp(true, nil)
	if res.StatusCode >= 300 {
		var env struct {
			Error json.RawMessage `json:"error"`
		}
		var oe *osError
		if json.Unmarshal(data, &env) == nil && len(env.Error) > 0 {
			oe = newOSError(res.StatusCode, env.Error)
		} else {
			oe = &osError{Status: res.StatusCode, Reason: string(data[:min(len(data), 300)])}
		}
		switch {
		case res.StatusCode == http.StatusServiceUnavailable || res.StatusCode == http.StatusTooManyRequests ||
			res.StatusCode == http.StatusGatewayTimeout || res.StatusCode == http.StatusBadGateway:
			return unavailable(fmt.Errorf("%d %s", res.StatusCode, oe.Type))
		case oe.Type == "cluster_block_exception" && strings.Contains(oe.Reason, "index write"):
			// archive reindex holds writes for the moment it takes to catch up and
			// point the archive's name at the new index.
			return unavailable(errors.New("the index is being reindexed: writes wait for a few seconds"))
		}
		return oe
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("opensearch: decode %s %s: %w", method, path, err)
		}
	}
	return nil
}

// newOSError reads the cluster's error object (its type, reason, root cause
// and cause) of an answer with status.
func newOSError(status int, raw json.RawMessage) *osError {
	oe := &osError{Status: status}
	var e struct {
		Type      string `json:"type"`
		Reason    string `json:"reason"`
		RootCause []struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"root_cause"`
		CausedBy struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"caused_by"`
	}
	if json.Unmarshal(raw, &e) != nil {
		oe.Reason = string(raw[:min(len(raw), 300)])
		return oe
	}
	oe.Type, oe.Reason = e.Type, e.Reason
	if len(e.RootCause) > 0 {
		oe.Cause = e.RootCause[0].Type
		oe.Reason += " (" + e.RootCause[0].Reason + ")"
	}
	if e.CausedBy.Type != "" {
		oe.Cause += " " + e.CausedBy.Type
		oe.Reason += " (" + e.CausedBy.Reason + ")"
	}
	return oe
}

func (e *Engine) setUp(up bool, cause error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if up != e.up {
		if up {
			e.log.Info("the OpenSearch cluster answers again")
		} else {
			e.log.Warn("the OpenSearch cluster does not answer", "err", cause)
		}
	}
	e.up = up
}

// Count returns how many articles the index holds.
func (e *Engine) Count() (uint64, error) {
	var out struct {
		Count uint64 `json:"count"`
	}
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	if err := e.ensure(ctx); err != nil {
		return 0, err
	}
	if err := e.do(ctx, http.MethodGet, "/"+e.index+"/_count", nil, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

// Article returns one article, or a corpus.ENotFound error.
func (e *Engine) Article(ctx context.Context, id string) (corpus.Article, error) {
	var out struct {
		Found  bool     `json:"found"`
		Source document `json:"_source"`
	}
	if err := e.ensure(ctx); err != nil {
		return corpus.Article{}, err
	}
	err := e.do(ctx, http.MethodGet, "/"+e.index+"/_doc/"+url.PathEscape(id), nil, &out)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return corpus.Article{}, corpus.Errorf(corpus.ENotFound, "there is no article %q in the archive", id)
	}
	if err != nil {
		return corpus.Article{}, err
	}
	return out.Source.Article, nil
}

// Refresh makes everything written so far searchable.
func (e *Engine) Refresh(ctx context.Context) error {
	if err := e.ensure(ctx); err != nil {
		return err
	}
	return e.do(ctx, http.MethodPost, "/"+e.index+"/_refresh", nil, nil)
}

// Delete removes the archive's index (the one its name stands for when a
// reindex made the name an alias), with its tombstones and people edits (tests,
// and a migration started over). The keys and the audit log stay.
func (e *Engine) Delete(ctx context.Context) error {
	e.people.mu.Lock()
	e.people.layer = nil
	e.people.mu.Unlock()
	name, _, err := e.concreteIndex(ctx)
	if err != nil {
		return err
	}
	for _, index := range []string{name, e.tombstones(), e.peopleEdits()} {
		e.sides.Delete(index)
		if err := e.dropIndex(ctx, index); err != nil {
			return err
		}
	}
	return nil
}

// notSupported is the answer for what the OpenSearch engine does not do yet.
func notSupported(what string) error {
	return corpus.Errorf(corpus.EInvalidRequest, "%s is not supported on the OpenSearch engine yet: run the archive on its own index (without --opensearch) for it", what)
}

// Suffixes of the indexes an archive keeps beside its articles' (named
// INDEX+suffix): tombstones, people edits, saved searches, API keys and the
// audit log. Whoever removes an archive from a cluster removes these too.
const (
	SuffixDeleted     = "-deleted"
	SuffixPeopleEdits = "-people-edits"
	SuffixSearches    = "-searches"
	SuffixKeys        = "-keys"
	SuffixAudit       = "-audit"
)

// SideSuffixes lists them.
var SideSuffixes = []string{SuffixDeleted, SuffixPeopleEdits, SuffixSearches, SuffixKeys, SuffixAudit}
