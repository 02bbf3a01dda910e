package server

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// exportFlushEvery is how many rows an export writes between flushes, so that a
// client sees rows arrive while the archive pages through the results.
const exportFlushEvery = 500

// exportStall is how long an export waits for a client that reads nothing.
const exportStall = time.Minute

// exportColumns are the CSV columns, and the NDJSON fields, of an export.
var exportColumns = []string{"id", "title", "url", "outlet", "published", "persons", "story", "also_in"}

// apiExport answers GET /api/v1/export?format=csv|ndjson with every hit of the
// search that the other parameters (those of /api/v1/search less page, size and
// after, which checkParameters turns away) describe, streamed as it is read, with no cap on the rows. Errors before the
// first row are the JSON error envelope; an error after it cuts the response off,
// so that a truncated export cannot pass for a complete one.
func (s *Server) apiExport(c *gin.Context) {
	v := c.Request.URL.Query()
	format := v.Get("format")
	if format != "csv" && format != "ndjson" {
		s.fail(c, corpus.Errorf(corpus.EInvalidRequest, "format=%q is not known: use format=csv or format=ndjson", format))
		return
	}
	p, err := parseSearch(v, false)
	if err != nil {
		s.fail(c, err)
		return
	}
	ex, err := s.explorer()
	if err != nil {
		s.fail(c, err)
		return
	}
	w := c.Writer
	buf := bufio.NewWriterSize(w, 64<<10)
	var emit func(corpus.Hit) error
	var cw *csv.Writer
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw = csv.NewWriter(buf)
		emit = func(h corpus.Hit) error {
			published := ""
			if !h.Published.IsZero() {
				published = h.Published.Format(time.RFC3339)
			}
			row := []string{h.ID, h.Title, h.URL, h.Outlet, published, strings.Join(h.Persons, "; "), h.Story, strconv.Itoa(h.AlsoIn)}
			for i := range row {
				row[i] = spreadsheetSafe(row[i])
			}
			return cw.Write(row)
		}
		cw.Write(exportColumns) // into buf, which cannot fail before it flushes
	default:
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		emit = func(h corpus.Hit) error { return enc.Encode(newExportRow(h)) }
	}
	w.Header().Set("Content-Disposition", `attachment; filename="archive-export.`+format+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	// An export streams for as long as it takes, within its own limits: the whole
	// export ends at s.exportTimeout, and a client that reads nothing for
	// exportStall is cut off (the server's write timeout is for ordinary answers).
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.exportTimeout)
	defer cancel()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(exportStall))
	flush := func() error {
		_ = rc.SetWriteDeadline(time.Now().Add(exportStall))
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
		}
		if err := buf.Flush(); err != nil {
			return err
		}
		w.Flush()
		return nil
	}
	rows := 0
	err = ex.Export(ctx, p.Query, func(h corpus.Hit) error {
		if err := emit(h); err != nil {
			return err
		}
		if rows++; rows%exportFlushEvery == 0 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		s.log.Error("export cut off", "rows", rows, "query", p.Query.String(), "err", err)
		panic(http.ErrAbortHandler)
	}
}

// spreadsheetSafe keeps a spreadsheet from running a cell as a formula: a value
// starting with = + - @ or a tab or carriage return gets a leading apostrophe
// (OWASP's advice on CSV injection). NDJSON is left as it is.
//
// Spreadsheets skip leading spaces and control characters before they look for
// the sign, and read a quote-less "=" after a newline inside a cell, so the guard
// looks at the first character of every line that is not blank.
func spreadsheetSafe(s string) string {
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.TrimLeft(line, " \t\r\v\f\x00")
		if trimmed != "" && strings.ContainsRune("=+-@", rune(trimmed[0])) || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "\r") {
			return "'" + s
		}
	}
	return s
}
