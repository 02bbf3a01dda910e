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

// warcReader reads the records of a WARC stream one after another. After a
// damaged record it takes up again at the next line that starts a record
// ("WARC/1."), so that one bad record never costs the ones after it.
type warcReader struct {
	br    *bufio.Reader
	block *io.LimitedReader // the current record's block, drained by next
	n     int               // records read
	// resync is set after a damaged record: the next record starts at the next
	// line that begins with warcVersionPrefix.
	resync bool
}

// warcVersionPrefix begins the first line of every record of the WARC versions in
// use (1.0 and 1.1): where the reader resynchronises after a damaged record.
const warcVersionPrefix = "WARC/1."

func newWARCReader(r io.Reader) *warcReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &warcReader{br: br}
}

var errTruncated = errors.New("the file ends inside this record: it was cut short")

// damagedRecord is the error of a record that cannot be read but after which
// the stream goes on: the reader resynchronises at the next record.
type damagedRecord struct{ err error }

func (d *damagedRecord) Error() string { return d.err.Error() }
func (d *damagedRecord) Unwrap() error { return d.err }

// damaged marks the stream for resynchronisation and returns err as a
// damagedRecord.
func (w *warcReader) damaged(format string, args ...any) error {
	w.resync = true
	return &damagedRecord{fmt.Errorf(format, args...)}
}

// next returns the next record, io.EOF after the last one, a *damagedRecord for a
// record whose header cannot be read (the following call reads on from the next
// record), or another error when the stream cannot be read from here on (it is
// cut short, or its compression is broken).
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
	// Records are separated by two CRLFs; tolerate more, fewer, or bare LFs. After
	// a damaged record, everything up to the next version line is skipped.
	var line []byte
	for {
		var err error
		line, err = readLine(w.br, maxWARCHeaderLine)
		if errors.Is(err, errLineTooLong) {
			if w.resync {
				continue
			}
			w.n++
			return nil, w.damaged("expected a WARC/1.x version line, found a line over %d KiB", maxWARCHeaderLine>>10)
		}
		if w.resync {
			if bytes.HasPrefix(line, []byte(warcVersionPrefix)) {
				w.resync = false
				break
			}
		} else if len(bytes.TrimSpace(line)) > 0 {
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
		return nil, w.damaged("expected a WARC/1.x version line, found %q", clip(string(line), 40))
	}
	rec := &warcRecord{version: string(line), header: map[string]string{}}
	var last string
	for i := 0; ; i++ {
		if i >= maxWARCHeaderLines {
			return nil, w.damaged("more than %d header lines", maxWARCHeaderLines)
		}
		line, err := readLine(w.br, maxWARCHeaderLine)
		if errors.Is(err, errLineTooLong) {
			return nil, w.damaged("a header line is over %d KiB", maxWARCHeaderLine>>10)
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
			return nil, w.damaged("header line %q has no colon", clip(string(line), 40))
		}
		last = strings.ToLower(strings.TrimSpace(name))
		rec.header[last] = strings.TrimSpace(value)
	}
	length, err := strconv.ParseInt(rec.get("content-length"), 10, 64)
	if err != nil || length < 0 {
		return nil, w.damaged("Content-Length %q is not a length", clip(rec.get("content-length"), 20))
	}
	rec.length = length
	w.block = &io.LimitedReader{R: w.br, N: length}
	rec.block = w.block
	return rec, nil
}

// checkEnd reads the rest of the current record's block and reports a
// *damagedRecord when the record does not end where its Content-Length says: the
// block is followed neither by the blank line that ends a record, nor by the end
// of the stream, nor by the next record. (Bytes that follow a record that ended
// properly are next's to report.) A block cut short by the end of the stream is
// left for next to report too.
func (w *warcReader) checkEnd(rec *warcRecord) error {
	if w.block == nil {
		return nil
	}
	if _, err := io.Copy(io.Discard, w.block); err != nil || w.block.N > 0 {
		return nil
	}
	w.block = nil
	lineEnds := 0
	for {
		b, err := w.br.ReadByte()
		if err != nil {
			return nil // the end of the stream, or an error next reports
		}
		if b == '\n' {
			lineEnds++
		} else if b != '\r' && b != ' ' && b != '\t' {
			w.br.UnreadByte()
			break
		}
	}
	if head, _ := w.br.Peek(len("WARC/")); lineEnds >= 2 || string(head) == "WARC/" {
		return nil
	}
	return w.damaged("the record does not end where its Content-Length (%d) says", rec.length)
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

// readWARC sends one item per HTML page in a WARC stream. A damaged record is
// rejected and reading goes on at the next record.
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
		if _, ok := errors.AsType[*damagedRecord](err); ok {
			if !r.reject(name, fmt.Sprintf("WARC record %d is malformed: %v; it is skipped, and reading goes on at the next record", wr.n, err)) {
				return false
			}
			continue
		}
		if err != nil {
			return r.reject(name, fmt.Sprintf("WARC record %d is malformed: %v; the records before it are read", wr.n, err))
		}
		it, ok := r.warcItem(name, wr.n, rec)
		if err := wr.checkEnd(rec); err != nil {
			if !ok {
				it = item{source: fmt.Sprintf("%s!record %d", name, wr.n)}
			}
			it = item{source: it.source, rejection: err.Error() + ": the record is damaged and skipped; reading goes on at the next record"}
			ok = true
		}
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
