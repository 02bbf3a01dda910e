package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// errTimeout is the code of a search that ran out of time.
const errTimeout = "timeout"

// jsonHandler answers an API request with a value to encode, or an error.
type jsonHandler func(c *gin.Context) (any, error)

// htmlHandler renders a page itself, or returns an error for the error page.
type htmlHandler func(c *gin.Context) error

// json adapts a jsonHandler: errors become the JSON error envelope with the status
// for their code. The answer is encoded before anything is written, so that one
// that cannot be (a date past the year 9999) is a logged 500, never a 200 with an
// empty body.
func (s *Server) json(h jsonHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := h(c)
		var body []byte
		if err == nil {
			if body, err = json.Marshal(v); err != nil {
				err = fmt.Errorf("server: encode the answer: %w", err)
			}
		}
		if err != nil {
			status, code, msg := s.describe(c, err)
			s.writeJSON(c, status, errorBody{Error: detail(err, code, msg)})
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	}
}

// writeJSON encodes v before anything is sent, so that a value that cannot be
// encoded (a time past year 9999, say) is answered 500 internal and logged, never
// 200 with an empty body.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("internal error: the answer cannot be encoded as JSON", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errorBody{Error: detail(nil, corpus.EInternal, "internal error: the answer could not be written; it is logged")})
	}
	c.Data(status, "application/json; charset=utf-8", body)
}

// fail answers an API request with err as the JSON error envelope, for handlers
// that stream their answer and so cannot return it through json.
func (s *Server) fail(c *gin.Context, err error) {
	s.json(func(*gin.Context) (any, error) { return nil, err })(c)
}

// html adapts an htmlHandler: errors become the error page.
func (s *Server) html(h htmlHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			status, _, msg := s.describe(c, err)
			s.render(c, status, "error.html", errorView{Status: status, Title: http.StatusText(status), Message: msg})
		}
	}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

// errorDetail is the JSON error envelope's detail. Like every answer of the API
// (see answers.go) it has all its fields, null where they do not apply.
type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Offset is the character offset in q of an invalid_query problem.
	Offset *int `json:"offset"`
	// Hint says how to fix the problem, where the message alone does not.
	Hint *string `json:"hint"`
}

// detail is the JSON error envelope's detail for err, with the code and message
// describe chose.
func detail(err error, code, msg string) errorDetail {
	d := errorDetail{Code: code, Message: msg}
	if e, ok := errors.AsType[*corpus.Error](err); ok {
		if e.Offset >= 0 && e.Code == corpus.EInvalidQuery {
			off := e.Offset
			d.Offset = &off
		}
		d.Hint = nullable(e.Hint)
	}
	return d
}

// describe maps an error to its HTTP status, code and the message a user sees, in
// this one place. Internal errors are logged with their cause and shown as
// "internal error".
func (s *Server) describe(c *gin.Context, err error) (status int, code, message string) {
	code = corpus.ErrorCode(err)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, errTimeout,
			fmt.Sprintf("the search took longer than %s: narrow it with filters or more specific terms", s.timeout.Round(time.Second))
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		return 499, "canceled", "the request was canceled"
	}
	switch code {
	case corpus.EInvalidRequest, corpus.EInvalidQuery, corpus.EInvalidDate, corpus.EPageOutOfRange, corpus.EQueryTooCostly:
		status = http.StatusBadRequest
	case corpus.EBusy:
		status = http.StatusServiceUnavailable
		retry := 1
		if e, ok := errors.AsType[*corpus.Error](err); ok && e.RetryAfter > 0 {
			retry = e.RetryAfter
		}
		c.Header("Retry-After", strconv.Itoa(retry))
	case corpus.ENotFound:
		status = http.StatusNotFound
	case corpus.EUnauthorized:
		status = http.StatusUnauthorized
	case corpus.EForbidden:
		status = http.StatusForbidden
	case corpus.EWritesOff:
		status = http.StatusForbidden
	case corpus.ETooLarge:
		status = http.StatusRequestEntityTooLarge
	case corpus.EStorageFull, corpus.EStorageFailed:
		status = http.StatusInsufficientStorage
		if code == corpus.EStorageFailed {
			status = http.StatusServiceUnavailable
		}
		s.log.Error("storage failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	default:
		status = http.StatusInternalServerError
		s.log.Error("internal error", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	return status, code, corpus.ErrorMessage(err)
}

// notFound answers unknown paths: JSON under /api, a page elsewhere.
func (s *Server) notFound(c *gin.Context) {
	err := corpus.Errorf(corpus.ENotFound, "there is nothing at %s: the API lives under /api/v1 (search, articles/{id}; described at /api and /api/v1/openapi.json) and the search page at /", c.Request.URL.Path)
	if isAPI(c) {
		s.fail(c, err)
		return
	}
	s.html(func(*gin.Context) error { return err })(c)
}

// isAPI tells the JSON API's paths from the pages' (/api itself is a page: the
// API's description).
func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

// MaxURLBytes bounds a request's query string: the longest query text (4,096
// characters, each up to 9 bytes once URL-encoded) with every filter beside it.
const MaxURLBytes = 48 << 10

// limitURL refuses a query string over MaxURLBytes before anything parses it
// (414), so that an oversize request costs the server next to nothing.
func (s *Server) limitURL(c *gin.Context) {
	if n := len(c.Request.URL.RawQuery); n > MaxURLBytes {
		err := corpus.Errorf(corpus.EQueryTooCostly, "the address is %d bytes long, more than the %d a request may have: search for fewer words", n, MaxURLBytes)
		c.Abort()
		if isAPI(c) {
			s.writeJSON(c, http.StatusRequestURITooLong, errorBody{Error: detail(err, corpus.EQueryTooCostly, err.Message)})
			return
		}
		s.render(c, http.StatusRequestURITooLong, "error.html", errorView{Status: http.StatusRequestURITooLong, Title: http.StatusText(http.StatusRequestURITooLong), Message: err.Message})
		return
	}
	c.Next()
}

// recoverPanics turns a panic in a handler into a logged internal error, so that
// one bad request never takes the server down or leaks a stack trace.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err := fmt.Errorf("panic: %v", p)
			status, code, msg := s.describe(c, err)
			c.Abort()
			if isAPI(c) {
				s.writeJSON(c, status, errorBody{Error: detail(err, code, msg)})
				return
			}
			s.render(c, status, "error.html", errorView{Status: status, Title: http.StatusText(status), Message: msg})
		}
	}()
	c.Next()
}

// logRequests logs one line per request.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log.Info("request", "method", c.Request.Method, "path", c.Request.URL.Path,
		"status", c.Writer.Status(), "took", time.Since(start).Round(time.Microsecond))
}
