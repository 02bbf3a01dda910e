package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
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

// apiExport answers GET /api/v1/export?format=csv|ndjson with every hit of the
// search that the other parameters (those of /api/v1/search less page, size and
// after, which checkParameters turns away) describe, streamed as it is read, with
// no cap on the rows: the columns chosen with columns= (exportColumns), a UTF-8
// byte order mark first with bom=1, and an attachment named after the search.
// Errors before the first row are the JSON error envelope; an error after it cuts
// the response off, so that a truncated export cannot pass for a complete one.
func (s *Server) apiExport(c *gin.Context) {
	v := c.Request.URL.Query()
	format := v.Get("format")
	if format != "csv" && format != "ndjson" {
		s.fail(c, corpus.Errorf(corpus.EInvalidRequest, "format=%q is not known: use format=csv or format=ndjson", format))
		return
	}
	cols, err := parseExportColumns(v.Get("columns"))
	if err != nil {
		s.fail(c, err)
		return
	}
	bom := false
	switch b := v.Get("bom"); b {
	case "", "0":
	case "1":
		bom = true
	default:
		s.fail(c, corpus.Errorf(corpus.EInvalidRequest, "bom=%q is not known: write bom=1 to start the file with a UTF-8 byte order mark (for spreadsheets), or leave it out", b))
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
	// Columns the hits do not carry are read from each article's record.
	needRecord := slices.ContainsFunc(cols, func(c exportColumn) bool { return c.fromRecord })
	base := "http://" + c.Request.Host
	if s.tls {
		base = "https://" + c.Request.Host
	}
	w := c.Writer
	buf := bufio.NewWriterSize(w, 64<<10)
	if bom {
		buf.WriteString("\uFEFF") // into buf, which cannot fail before it flushes
	}
	var emit func(exportCell) error
	var cw *csv.Writer
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw = csv.NewWriter(buf)
		row := make([]string, len(cols))
		emit = func(x exportCell) error {
			for i, col := range cols {
				row[i] = spreadsheetSafe(col.text(x))
			}
			return cw.Write(row)
		}
		header := make([]string, len(cols))
		for i, col := range cols {
			header[i] = col.name
		}
		cw.Write(header) // into buf, which cannot fail before it flushes
	default:
		w.Header().Set("Content-Type", "application/x-ndjson")
		var line []byte
		emit = func(x exportCell) error {
			line = append(line[:0], '{')
			for i, col := range cols {
				if i > 0 {
					line = append(line, ',')
				}
				line = strconv.AppendQuote(line, col.name) // column names are ASCII
				line = append(line, ':')
				val, err := marshalJSON(col.json(x))
				if err != nil {
					return err
				}
				line = append(line, val...)
			}
			line = append(line, '}', '\n')
			_, err := buf.Write(line)
			return err
		}
	}
	w.Header().Set("Content-Disposition", contentDisposition(exportFileName(p), format))
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
		x := exportCell{hit: h, base: base}
		if needRecord {
			a, err := s.search.Article(ctx, h.ID)
			if err != nil {
				return err
			}
			x.article = &a
		}
		if err := emit(x); err != nil {
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

func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
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
