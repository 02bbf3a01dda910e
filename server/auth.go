package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// KeyChecker knows the archive's API keys (package access keeps them).
type KeyChecker interface {
	// Check returns who holds secret, when it is a key in use.
	Check(secret string) (corpus.Principal, bool)
	// Valid returns the key with this ID when it is still in use.
	Valid(keyID string) (corpus.Principal, bool)
	// HasReadKeys tells whether a read key exists: then every read needs a key.
	HasReadKeys() bool
	// HasKeyFor tells whether a key in use allows what needs scope.
	HasKeyFor(need corpus.Scope) bool
}

// keysReach is a KeyChecker whose keys may be out of reach (kept in a cluster):
// KeysUnavailable says why they cannot be read now, and a read is answered with
// that error (503 and Retry-After) rather than judged by keys not read.
type keysReach interface {
	KeysUnavailable() error
}

// Auditor records who did what (package access writes the audit log).
type Auditor interface {
	Log(who, remote, action, detail string) error
}

// tokenPrincipal is who shows the --token secret: it may do everything.
var tokenPrincipal = corpus.Principal{KeyID: "token", Name: "token", Scope: corpus.ScopeAdmin}

// How a request showed who it is.
const (
	viaBearer = "bearer"
	viaCookie = "cookie"
)

// Gin context keys.
const (
	ctxPrincipal = "archive.principal"
	ctxVia       = "archive.via"
	ctxSession   = "archive.session"
	ctxBadKey    = "archive.badkey"
)

// Sign-in sessions and their limits.
const (
	sessionCookie    = "archive_session"
	sessionLifetime  = 12 * time.Hour
	csrfField        = "csrf"
	csrfHeader       = "X-CSRF-Token"
	signInFailures   = 5 // failed sign-ins from one address within signInWindow
	signInWindow     = time.Minute
	maxSignInTracked = 10000 // addresses whose failures are remembered
)

// authenticate finds who made the request, from an Authorization: Bearer header
// (the scheme in any case) or a sign-in cookie, before anything reads its body.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(strings.TrimSpace(h), " ")
		secret = strings.TrimSpace(secret)
		if p, ok := s.checkSecret(secret); ok && strings.EqualFold(scheme, "bearer") {
			c.Set(ctxPrincipal, p)
			c.Set(ctxVia, viaBearer)
			s.auditKeyUse(c, p)
		} else {
			c.Set(ctxBadKey, true)
			s.audit(c, "key-refused", c.Request.Method+" "+c.Request.URL.Path)
		}
		c.Next()
		return
	}
	if cookie, err := c.Cookie(sessionCookie); err == nil && cookie != "" {
		if p, ok := s.session(cookie); ok {
			c.Set(ctxPrincipal, p)
			c.Set(ctxVia, viaCookie)
			c.Set(ctxSession, cookie)
		}
	}
	c.Next()
}

// keyUseEvery is how often the audit log records that a key is in use: every
// request would drown the log, so a key's use is recorded on its first request
// and then at most once in this long (writes, backups and sign-ins are recorded
// each time).
const keyUseEvery = time.Hour

// auditKeyUse records a key's use, at most once per keyUseEvery.
func (s *Server) auditKeyUse(c *gin.Context, p corpus.Principal) {
	if s.auditor == nil {
		return
	}
	now := time.Now()
	s.keyUseMu.Lock()
	if s.keyUse == nil {
		s.keyUse = map[string]time.Time{}
	}
	last, seen := s.keyUse[p.KeyID]
	due := !seen || now.Sub(last) >= keyUseEvery
	if due {
		s.keyUse[p.KeyID] = now
	}
	s.keyUseMu.Unlock()
	if due {
		s.audit(c, "key-use", c.Request.Method+" "+c.Request.URL.Path)
	}
}

// checkSecret returns who holds a secret: the --token, or a key.
func (s *Server) checkSecret(secret string) (corpus.Principal, bool) {
	if secret == "" {
		return corpus.Principal{}, false
	}
	if s.token != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.token)) == 1 {
		return tokenPrincipal, true
	}
	if s.keys != nil {
		return s.keys.Check(secret)
	}
	return corpus.Principal{}, false
}

// principal returns who made the request, if they showed a key.
func principal(c *gin.Context) (corpus.Principal, bool) {
	v, ok := c.Get(ctxPrincipal)
	if !ok {
		return corpus.Principal{}, false
	}
	p, ok := v.(corpus.Principal)
	return p, ok
}

// keysUnavailable returns why the keys cannot be read now (keysReach), or nil.
func (s *Server) keysUnavailable() error {
	if kr, ok := s.keys.(keysReach); ok {
		return kr.KeysUnavailable()
	}
	return nil
}

// private tells whether reading needs a key: serve --private, or a read key exists.
func (s *Server) private() bool {
	return s.privateMode || (s.keys != nil && s.keys.HasReadKeys())
}

// mayRead tells whether the request may read the archive.
func (s *Server) mayRead(c *gin.Context) bool {
	if !s.private() {
		return true
	}
	p, ok := principal(c)
	return ok && p.Scope.Allows(corpus.ScopeRead)
}

// requireRead lets a read through when the archive is open or the request shows a
// key; otherwise the API answers 401 and a page sends the reader to sign in.
func (s *Server) requireRead(c *gin.Context) {
	if err := s.keysUnavailable(); err != nil {
		s.refuse(c, err)
		return
	}
	if bad, _ := c.Get(ctxBadKey); bad == true {
		s.refuse(c, corpus.Errorf(corpus.EUnauthorized, "the key in the Authorization header is not one of this archive's (or it was revoked): send 'Authorization: Bearer KEY' with a key from archive keys create"))
		return
	}
	if s.mayRead(c) {
		c.Next()
		return
	}
	if !isAPI(c) {
		c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	s.refuse(c, corpus.Errorf(corpus.EUnauthorized, "this archive is private: send 'Authorization: Bearer KEY' with a read key (archive keys create --scope read), or sign in at /signin"))
}

// requireReadUnlessWrite is requireRead for reads; a write (POST, DELETE) is let
// on to its handler, which asks for a write or admin key itself.
func (s *Server) requireReadUnlessWrite(c *gin.Context) {
	if c.Request.Method == http.MethodPost || c.Request.Method == http.MethodDelete {
		c.Next()
		return
	}
	s.requireRead(c)
}

// securityHeaders sets the headers that keep every page to itself: a Content
// Security Policy without inline script or style, no framing, no sniffing, and no
// Referer (an article's link must not tell its outlet what was searched).
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if s.tls {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Next()
}

// dropRefusedBodies closes the connection of a refused request that came with a
// body, once its answer is sent: otherwise Go's server reads what is left of the
// body to keep the connection, and a client that trickles it holds the
// connection until the read timeout.
func (s *Server) dropRefusedBodies(c *gin.Context) {
	c.Next()
	switch c.Writer.Status() {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge:
	default:
		return
	}
	if c.Request.ContentLength == 0 || c.Request.ProtoMajor != 1 {
		return
	}
	c.Writer.Flush()
	// Gin refuses to hijack once a body is written; the connection underneath
	// does not.
	var rw http.ResponseWriter = c.Writer
	if u, ok := rw.(interface{ Unwrap() http.ResponseWriter }); ok {
		rw = u.Unwrap()
	}
	conn, buf, err := http.NewResponseController(rw).Hijack()
	if err != nil {
		return
	}
	buf.Flush()
	conn.Close()
}

// refuse answers err at once and closes the connection, so that a client does not
// hold it by sending a body nobody will read.
func (s *Server) refuse(c *gin.Context, err error) {
	c.Header("Connection", "close")
	if corpus.ErrorCode(err) == corpus.EUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="archive"`)
	}
	if isAPI(c) {
		s.fail(c, err)
	} else {
		s.html(func(*gin.Context) error { return err })(c)
	}
	c.Abort()
}

// authorize lets a request through when it shows a key of the scope needed; a
// request made with a sign-in cookie must carry its CSRF token too. It returns
// corpus errors: EWritesOff when no key could ever allow it, EUnauthorized without
// a valid key, EForbidden with a key of a narrower scope.
func (s *Server) authorize(c *gin.Context, need corpus.Scope) error {
	if s.writer == nil || (s.token == "" && (s.keys == nil || !s.keys.HasKeyFor(need))) {
		return corpus.Errorf(corpus.EWritesOff, "writing through the API is off: start the server with --token SECRET (or ARCHIVE_TOKEN=SECRET), or create a key with archive keys create --scope write, and send the header 'Authorization: Bearer KEY'")
	}
	p, ok := principal(c)
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="archive"`)
		c.Header("Connection", "close")
		return corpus.Errorf(corpus.EUnauthorized, "this needs a key: send the header 'Authorization: Bearer KEY' with the server's --token or a key of scope %s (archive keys create --scope %s)", need, need)
	}
	if !p.Scope.Allows(need) {
		c.Header("Connection", "close")
		return corpus.Errorf(corpus.EForbidden, "the key %s has scope %s; this needs scope %s (archive keys create --scope %s)", p, p.Scope, need, need)
	}
	if via, _ := c.Get(ctxVia); via == viaCookie && !s.csrfOK(c) {
		c.Header("Connection", "close")
		return corpus.Errorf(corpus.EForbidden, "a change made with a sign-in cookie needs the page's CSRF token (the %s form field or the %s header): reload the page and try again", csrfField, csrfHeader)
	}
	return nil
}

// audit records what p did, logging a failure to write it.
func (s *Server) audit(c *gin.Context, action, detail string) {
	if s.auditor == nil {
		return
	}
	who := "anonymous"
	if p, ok := principal(c); ok {
		who = p.String()
	}
	if err := s.auditor.Log(who, c.ClientIP(), action, detail); err != nil {
		s.log.Error("audit log", "err", err)
	}
}

// A session cookie is "keyID.expiry.nonce.mac": the key it was signed in with,
// when it ends (Unix seconds), a random nonce, and the HMAC of the rest with the
// archive's session secret. It holds no secret; revoking the key ends it.
func (s *Server) newSession(p corpus.Principal) (string, error) {
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	body := p.KeyID + "." + strconv.FormatInt(time.Now().Add(sessionLifetime).Unix(), 10) + "." + hex.EncodeToString(nonce)
	return body + "." + s.mac("session|"+body), nil
}

func (s *Server) session(cookie string) (corpus.Principal, bool) {
	if len(s.sessionSecret) == 0 {
		return corpus.Principal{}, false
	}
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 || !hmac.Equal([]byte(cookie[i+1:]), []byte(s.mac("session|"+cookie[:i]))) {
		return corpus.Principal{}, false
	}
	parts := strings.Split(cookie[:i], ".")
	if len(parts) != 3 {
		return corpus.Principal{}, false
	}
	if exp, err := strconv.ParseInt(parts[1], 10, 64); err != nil || time.Now().Unix() > exp {
		return corpus.Principal{}, false
	}
	if parts[0] == tokenPrincipal.KeyID {
		return tokenPrincipal, s.token != ""
	}
	if s.keys == nil {
		return corpus.Principal{}, false
	}
	return s.keys.Valid(parts[0])
}

func (s *Server) mac(msg string) string {
	m := hmac.New(sha256.New, s.sessionSecret)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken is the CSRF token of a sign-in session: the forms of the page carry it.
func (s *Server) csrfToken(session string) string {
	if session == "" {
		return ""
	}
	return s.mac("csrf|" + session)
}

func (s *Server) csrfOK(c *gin.Context) bool {
	session, _ := c.Get(ctxSession)
	sess, _ := session.(string)
	want := s.csrfToken(sess)
	got := c.GetHeader(csrfHeader)
	if got == "" {
		got = c.PostForm(csrfField)
	}
	return want != "" && hmac.Equal([]byte(got), []byte(want))
}

// signInLimiter remembers failed sign-ins by address, so that keys cannot be
// guessed at speed.
type signInLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

// wait returns how long the address must wait before it may try again (0: now).
func (l *signInLimiter) wait(addr string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(addr, now)
	if len(recent) < signInFailures {
		return 0
	}
	return recent[0].Add(signInWindow).Sub(now)
}

func (l *signInLimiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failures == nil || len(l.failures) > maxSignInTracked {
		l.failures = map[string][]time.Time{}
	}
	l.failures[addr] = append(l.recent(addr, now), now)
}

// recent returns the address's failures within the window. Callers hold mu.
func (l *signInLimiter) recent(addr string, now time.Time) []time.Time {
	var out []time.Time
	for _, t := range l.failures[addr] {
		if now.Sub(t) < signInWindow {
			out = append(out, t)
		}
	}
	return out
}

// remoteHost is the client's address without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
