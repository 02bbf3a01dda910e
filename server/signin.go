package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// signInView is the sign-in page.
type signInView struct {
	Principal string
	Scope     corpus.Scope
	CSRF      string
	Next      string
	Problem   string
}

// signInPage is GET /signin: the form, or who is signed in with a sign-out button.
func (s *Server) signInPage(c *gin.Context) error {
	v := signInView{Next: safeNext(c.Query("next"))}
	if p, ok := principal(c); ok {
		v.Principal, v.Scope = p.String(), p.Scope
		if sess, ok := c.Get(ctxSession); ok {
			v.CSRF = s.csrfToken(sess.(string))
		}
	}
	s.render(c, http.StatusOK, "signin.html", v)
	return nil
}

// signIn is POST /signin: a key for a session cookie. Failures are rate-limited
// by address and audited.
func (s *Server) signIn(c *gin.Context) error {
	now := time.Now()
	addr := remoteHost(c.Request)
	v := signInView{Next: safeNext(c.PostForm("next"))}
	if wait := s.signIns.wait(addr, now); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		v.Problem = "Too many failed sign-ins from this address: wait a minute and try again."
		s.render(c, http.StatusTooManyRequests, "signin.html", v)
		return nil
	}
	p, ok := s.checkSecret(strings.TrimSpace(c.PostForm("key")))
	if !ok || !p.Scope.Allows(corpus.ScopeRead) || len(s.sessionSecret) == 0 {
		s.signIns.fail(addr, now)
		s.audit(c, "sign-in-failed", "")
		v.Problem = "That key is not one of this archive's, or it was revoked."
		s.render(c, http.StatusUnauthorized, "signin.html", v)
		return nil
	}
	cookie, err := s.newSession(p)
	if err != nil {
		return err
	}
	c.Set(ctxPrincipal, p)
	s.audit(c, "sign-in", "")
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: cookie, Path: "/", MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, Secure: s.tls, SameSite: http.SameSiteStrictMode})
	c.Redirect(http.StatusSeeOther, cmpOr(v.Next, "/"))
	return nil
}

// signOut is POST /signout: it ends the session (with its CSRF token).
func (s *Server) signOut(c *gin.Context) error {
	if via, _ := c.Get(ctxVia); via == viaCookie {
		if !s.csrfOK(c) {
			return corpus.Errorf(corpus.EForbidden, "signing out needs the page's CSRF token: reload the sign-in page and press Sign out again")
		}
		s.audit(c, "sign-out", "")
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.tls, SameSite: http.SameSiteStrictMode})
	c.Redirect(http.StatusSeeOther, "/signin")
	return nil
}

// safeNext keeps a page to go back to after signing in only when it is a path of
// this site (never another host: "//evil.example" or "https://…").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
