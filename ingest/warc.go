package ingest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"time"
)

// A WARC file (ISO 28500, WARC/1.0 and 1.1) is a sequence of records, each a
// version line, header lines, a blank line, a block of Content-Length bytes and
// two CRLFs. A .warc.gz holds one gzip member per record, which gzip.Reader reads
// as one stream. The archive reads the "response" records that carry an HTML
// page, and "resource" records of type text/html; every other record (warcinfo,
// request, metadata, revisit, images, redirects, error pages) is counted as
// ignored.

// Limits of the WARC reader, so that a hostile file cannot make it hold a huge
// header in memory or loop without reading.
const (
	maxWARCHeaderLine  = 64 << 10
	maxWARCHeaderLines = 512
)

// warnFetchedUndated is the warning on an article from a WARC record whose page
// states no publication date.
const warnFetchedUndated = "the page states no publication date: kept undated (the WARC fetch date is not taken as one)"

// warcRecord is one WARC record: its header fields (names lower-cased) and its
// content block.
type warcRecord struct {
	version string
	header  map[string]string
	length  int64
	block   io.Reader
}

func (r *warcRecord) get(name string) string { return r.header[name] }

// warcReader reads the records of a WARC stream one after another.
type warcReader struct {
	br    *bufio.Reader
	block *io.LimitedReader // the current record's block, drained by next
	n     int               // records read
}

func newWARCReader(r io.Reader) *warcReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &warcReader{br: br}
}

var errTruncated = errors.New("the file ends inside this record: it was cut short")

// next returns the next record, io.EOF after the last one, or an error saying why
// the stream is not WARC from here on.
func (w *warcReader) next() (*warcRecord, error) {
	if w.block != nil {
		if _, err := io.Copy(io.Discard, w.block); err != nil {
			return nil, err
		}
		if w.block.N > 0 {
			return nil, errTruncated
		}
		w.block = nil
	}
	// Records are separated by two CRLFs; tolerate more, fewer, or bare LFs.
	var line []byte
	for {
		var err error
		line, err = readLine(w.br, maxWARCHeaderLine)
		if errors.Is(err, errLineTooLong) {
			return nil, fmt.Errorf("expected a WARC/1.x version line, found a line over %d KiB", maxWARCHeaderLine>>10)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
	}
	w.n++
	line = bytes.TrimSpace(line)
	if !bytes.HasPrefix(line, []byte("WARC/")) {
		return nil, fmt.Errorf("expected a WARC/1.x version line, found %q", clip(string(line), 40))
	}
	rec := &warcRecord{version: string(line), header: map[string]string{}}
	var last string
	for i := 0; ; i++ {
		if i >= maxWARCHeaderLines {
			return nil, fmt.Errorf("more than %d header lines", maxWARCHeaderLines)
		}
		line, err := readLine(w.br, maxWARCHeaderLine)
		if errors.Is(err, errLineTooLong) {
			return nil, fmt.Errorf("a header line is over %d KiB", maxWARCHeaderLine>>10)
		}
		if len(line) == 0 && err == nil {
			break
		}
		if err != nil {
			if err == io.EOF {
				return nil, errTruncated
			}
			return nil, err
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" { // a folded header line
			rec.header[last] += " " + string(bytes.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok {
			return nil, fmt.Errorf("header line %q has no colon", clip(string(line), 40))
		}
		last = strings.ToLower(strings.TrimSpace(name))
		rec.header[last] = strings.TrimSpace(value)
	}
	length, err := strconv.ParseInt(rec.get("content-length"), 10, 64)
	if err != nil || length < 0 {
		return nil, fmt.Errorf("Content-Length %q is not a length", clip(rec.get("content-length"), 20))
	}
	rec.length = length
	w.block = &io.LimitedReader{R: w.br, N: length}
	rec.block = w.block
	return rec, nil
}

// clip shortens s for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// readWARC sends one item per HTML page in a WARC stream.
func (r *reader) readWARC(name string, br *bufio.Reader) bool {
	wr := newWARCReader(br)
	for {
		rec, err := wr.next()
		if err == io.EOF {
			if wr.n == 0 {
				return r.reject(name, "has no WARC records")
			}
			return true
		}
		if err != nil {
			return r.reject(name, fmt.Sprintf("WARC record %d is malformed: %v; the records before it are read", wr.n, err))
		}
		it, ok := r.warcItem(name, wr.n, rec)
		if !ok {
			r.ignoredRecords.Add(1)
			continue
		}
		if !r.send(it) {
			return false
		}
	}
}

// warcItem makes an item of a record that holds an HTML page; it reports false for
// a record to ignore. A page that cannot be decoded is an item carrying its
// rejection.
func (r *reader) warcItem(name string, n int, rec *warcRecord) (item, bool) {
	target := strings.Trim(rec.get("warc-target-uri"), "<> ")
	it := item{source: fmt.Sprintf("%s!record %d", name, n), format: formatHTML, pageURL: target}
	if target != "" {
		it.source = name + "!" + target
	}
	if t, err := time.Parse(time.RFC3339Nano, rec.get("warc-date")); err == nil {
		it.fetched = t.UTC()
	}
	if tr := rec.get("warc-truncated"); tr != "" {
		it.warning = fmt.Sprintf("the crawler cut this page short (WARC-Truncated: %s)", tr)
	}
	var contentType string
	var body []byte
	switch strings.ToLower(rec.get("warc-type")) {
	case "response":
		if ct := strings.ToLower(rec.get("content-type")); ct != "" && !strings.HasPrefix(ct, "application/http") {
			return item{}, false // dns:, whois: and other non-HTTP responses
		}
		hb := bufio.NewReaderSize(rec.block, 64<<10)
		status, header, err := readHTTPHead(hb)
		if err != nil {
			it.rejection = fmt.Sprintf("the HTTP response in this record cannot be read: %v", err)
			return it, true
		}
		if status < 200 || status > 299 {
			return item{}, false // redirects, not-modified, error pages
		}
		contentType = header["content-type"]
		if contentType != "" && !isHTMLType(contentType) {
			return item{}, false
		}
		body, err = io.ReadAll(io.LimitReader(hb, r.maxBytes+1))
		if err != nil {
			it.rejection = fmt.Sprintf("cannot be read: %v", err)
			return it, true
		}
		if int64(len(body)) > r.maxBytes {
			it.rejection = "the page " + r.tooLarge()
			return it, true
		}
		var warning string
		body, warning, err = decodeHTTPBody(body, header, r.maxBytes)
		if err != nil {
			it.rejection = err.Error()
			return it, true
		}
		if warning != "" {
			it.warning = strings.TrimPrefix(it.warning+"; "+warning, "; ")
		}
	case "resource":
		contentType = rec.get("content-type")
		if !isHTMLType(contentType) {
			return item{}, false
		}
		if rec.length > r.maxBytes {
			it.rejection = "the page " + r.tooLarge()
			return it, true
		}
		var err error
		body, err = io.ReadAll(rec.block)
		if err != nil {
			it.rejection = fmt.Sprintf("cannot be read: %v", err)
			return it, true
		}
	default:
		return item{}, false
	}
	if contentType == "" && !strings.HasPrefix(http.DetectContentType(body), "text/html") {
		return item{}, false
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		it.charset = params["charset"]
	}
	it.data = body
	return it, true
}

// isHTMLType tells whether a Content-Type is that of an HTML page.
func isHTMLType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(ct), ";")
		mt = strings.TrimSpace(mt)
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// readHTTPHead reads an HTTP response's status line and header (names
// lower-cased), leaving br at the start of the body.
func readHTTPHead(br *bufio.Reader) (status int, header map[string]string, err error) {
	line, err := readLine(br, maxWARCHeaderLine)
	if len(line) == 0 || (err != nil && err != io.EOF) {
		return 0, nil, fmt.Errorf("no status line")
	}
	proto, rest, _ := strings.Cut(string(line), " ")
	code, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	status, cerr := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/") || cerr != nil || len(code) != 3 {
		return 0, nil, fmt.Errorf("status line %q is not HTTP's", clip(string(line), 40))
	}
	header = map[string]string{}
	for i := 0; ; i++ {
		if i >= maxWARCHeaderLines {
			return 0, nil, fmt.Errorf("more than %d header lines", maxWARCHeaderLines)
		}
		line, err := readLine(br, maxWARCHeaderLine)
		if len(line) == 0 {
			if err != nil && err != io.EOF {
				return 0, nil, err
			}
			return status, header, nil // a blank line, or a response without body
		}
		if name, value, ok := strings.Cut(string(line), ":"); ok {
			name = strings.ToLower(strings.TrimSpace(name))
			if header[name] != "" {
				header[name] += ", " + strings.TrimSpace(value)
			} else {
				header[name] = strings.TrimSpace(value)
			}
		}
		if err != nil {
			return status, header, nil
		}
	}
}

// decodeHTTPBody undoes the transfer and content encodings a response states. A
// body that the crawler stored already decoded (some do, keeping the headers) is
// taken as it is; one cut short keeps what decodes, with a warning.
func decodeHTTPBody(body []byte, header map[string]string, max int64) (_ []byte, warning string, _ error) {
	if strings.Contains(strings.ToLower(header["transfer-encoding"]), "chunked") {
		out, err := io.ReadAll(io.LimitReader(httputil.NewChunkedReader(bytes.NewReader(body)), max+1))
		switch {
		case int64(len(out)) > max:
			return nil, "", errors.New("the page is larger than the limit once its chunks are joined")
		case err == nil:
			body = out
		case len(out) > 0:
			body, warning = out, "the page's chunked transfer ends early: the chunks before are kept"
		}
	}
	codings := strings.Split(strings.ToLower(header["content-encoding"]), ",")
	for i := len(codings) - 1; i >= 0; i-- {
		var zr io.Reader
		var err error
		switch c := strings.TrimSpace(codings[i]); c {
		case "", "identity", "none":
			continue
		case "gzip", "x-gzip":
			if !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
				continue // stored decoded
			}
			zr, err = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			zr, err = zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				zr, err = flate.NewReader(bytes.NewReader(body)), nil
			}
		default:
			if looksLikeHTMLBytes(body) {
				continue // stored decoded
			}
			return nil, "", fmt.Errorf("the page is compressed with %q, which the archive cannot decode: re-crawl without it, or store pages decoded", c)
		}
		name := strings.TrimSpace(codings[i])
		if err != nil {
			return nil, "", fmt.Errorf("the page's %s compression is broken: %v", name, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, max+1))
		switch {
		case int64(len(out)) > max:
			return nil, "", errors.New("the page is larger than the limit once decompressed")
		case errors.Is(err, io.ErrUnexpectedEOF) && len(out) > 0:
			warning = fmt.Sprintf("the page's %s data ends early: what decodes is kept", name)
		case err != nil:
			return nil, "", fmt.Errorf("the page's %s compression is broken: %v", name, err)
		}
		body = out
	}
	return body, warning, nil
}

// looksLikeHTMLBytes tells whether a body starts as markup does.
func looksLikeHTMLBytes(b []byte) bool {
	b = bytes.TrimLeft(b[:min(len(b), 512)], " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '<'
}
