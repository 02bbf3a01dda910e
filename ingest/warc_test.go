package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWARCReader reads records one by one, in the forms crawlers write them.
func TestWARCReader(t *testing.T) {
	two := string(warcRec("request", "https://a.example/", fetched, "application/http; msgtype=request", []byte("GET / HTTP/1.1\r\n\r\n"))) +
		string(warcRec("resource", "https://a.example/x", fetched, "text/plain", []byte("hello")))
	type rec struct {
		Type, URI string
		Block     string
	}
	for _, tc := range []struct {
		name    string
		in      string
		want    []rec
		wantErr string // of the record after the last of want
	}{
		{name: "two records", in: two, want: []rec{{"request", "https://a.example/", "GET / HTTP/1.1\r\n\r\n"}, {"resource", "https://a.example/x", "hello"}}},
		{name: "bare LF line ends", in: strings.ReplaceAll("WARC/1.0\nWARC-Type: resource\nWARC-Target-URI: <https://a.example/>\nContent-Length: 2\n\nhi\n\n", "\r\n", "\n"),
			want: []rec{{"resource", "<https://a.example/>", "hi"}}},
		{name: "folded header", in: "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://a.example/\r\n  folded\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
			want: []rec{{"resource", "https://a.example/ folded", ""}}},
		{name: "no trailing CRLF", in: "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 2\r\n\r\nhi", want: []rec{{"resource", "", "hi"}}},
		{name: "empty", in: "\r\n\r\n"},
		{name: "not WARC", in: "<html>", wantErr: "expected a WARC/1.x version line"},
		{name: "no length", in: "WARC/1.0\r\nWARC-Type: resource\r\n\r\n", wantErr: "Content-Length"},
		{name: "negative length", in: "WARC/1.0\r\nContent-Length: -5\r\n\r\n", wantErr: "Content-Length"},
		{name: "header without colon", in: "WARC/1.0\r\nWARC-Type resource\r\n\r\n", wantErr: "no colon"},
		{name: "cut in header", in: "WARC/1.0\r\nWARC-Type: resource\r\nContent-Le", wantErr: "cut short"},
		{name: "cut in block", in: "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 100\r\n\r\nshort", want: []rec{{"resource", "", "short"}}, wantErr: "cut short"},
		{name: "garbage after a record", in: "WARC/1.0\r\nContent-Length: 1\r\n\r\nx\r\n\r\nGET / HTTP/1.1\r\n", want: []rec{{"", "", "x"}}, wantErr: `found "GET / HTTP/1.1"`},
		{name: "long header line", in: "WARC/1.0\r\nX: " + strings.Repeat("a", maxWARCHeaderLine+10) + "\r\n", wantErr: "over 64 KiB"},
		{name: "too many header lines", in: "WARC/1.0\r\n" + strings.Repeat("X: y\r\n", maxWARCHeaderLines+1), wantErr: "more than 512 header lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWARCReader(strings.NewReader(tc.in))
			var got []rec
			var err error
			for {
				var r *warcRecord
				r, err = wr.next()
				if err != nil {
					break
				}
				block, _ := io.ReadAll(r.block)
				got = append(got, rec{r.get("warc-type"), r.get("warc-target-uri"), string(block)})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			switch {
			case tc.wantErr == "" && err != io.EOF:
				t.Errorf("ended with %v, want io.EOF", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("ended with %v, want an error with %q", err, tc.wantErr)
			}
		})
	}
}

// TestWARCItems checks which records become pages and how their payloads are
// decoded.
func TestWARCItems(t *testing.T) {
	page := []byte("<html><body><p>Hello</p></body></html>")
	resp := func(headers []string, body []byte) []byte {
		return warcRec("response", "https://a.example/p", fetched, "application/http; msgtype=response", httpResp("200 OK", headers, body))
	}
	for _, tc := range []struct {
		name      string
		record    []byte
		want      string // the page, "" when the record is ignored
		charset   string
		rejection string
	}{
		{name: "plain", record: resp([]string{"Content-Type: text/html"}, page), want: string(page)},
		{name: "xhtml", record: resp([]string{"Content-Type: application/xhtml+xml"}, page), want: string(page)},
		{name: "chunked", record: resp([]string{"Content-Type: text/html", "Transfer-Encoding: chunked"}, chunk(page, 7)), want: string(page)},
		{name: "chunked header, stored de-chunked", record: resp([]string{"Content-Type: text/html", "Transfer-Encoding: chunked"}, page), want: string(page)},
		{name: "gzip", record: resp([]string{"Content-Type: text/html", "Content-Encoding: gzip"}, gz(page)), want: string(page)},
		{name: "gzip header, stored decoded", record: resp([]string{"Content-Type: text/html", "Content-Encoding: gzip"}, page), want: string(page)},
		{name: "chunked gzip", record: resp([]string{"Content-Type: text/html", "Transfer-Encoding: chunked", "Content-Encoding: gzip"}, chunk(gz(page), 5)), want: string(page)},
		{name: "cut gzip", record: resp([]string{"Content-Type: text/html", "Content-Encoding: gzip"}, gz(page)[:20]), want: "<html><bo"},
		{name: "corrupt gzip", record: resp([]string{"Content-Type: text/html", "Content-Encoding: gzip"}, corrupt(gz(page))), rejection: "compression is broken"},
		{name: "brotli", record: resp([]string{"Content-Type: text/html", "Content-Encoding: br"}, []byte{0x1b, 0x2c, 0x00}), rejection: `compressed with "br"`},
		{name: "brotli header, stored decoded", record: resp([]string{"Content-Type: text/html", "Content-Encoding: br"}, page), want: string(page)},
		{name: "charset", record: resp([]string{"Content-Type: text/html; charset=ISO-8859-1"}, page), want: string(page), charset: "ISO-8859-1"},
		{name: "no content type, sniffed", record: resp(nil, page), want: string(page)},
		{name: "no content type, not HTML", record: resp(nil, []byte("%PDF-1.4")), want: ""},
		{name: "image", record: resp([]string{"Content-Type: image/jpeg"}, []byte{0xff, 0xd8}), want: ""},
		{name: "redirect", record: warcRec("response", "https://a.example/", fetched, "application/http", httpResp("302 Found", []string{"Location: /p"}, nil)), want: ""},
		{name: "dns", record: warcRec("response", "dns:a.example", fetched, "text/dns", []byte("a.example. 300 IN A 10.0.0.1")), want: ""},
		{name: "not HTTP", record: warcRec("response", "https://a.example/", fetched, "application/http", []byte("SSH-2.0\r\n")), rejection: "HTTP response in this record cannot be read"},
		{name: "resource", record: warcRec("resource", "file:///p.html", fetched, "text/html; charset=utf-8", page), want: string(page), charset: "utf-8"},
		{name: "request", record: warcRec("request", "https://a.example/", fetched, "application/http", []byte("GET / HTTP/1.1\r\n\r\n")), want: ""},
		{name: "too large", record: resp([]string{"Content-Type: text/html"}, bytes.Repeat([]byte("<p>x</p>"), 200)), rejection: "larger than the 1000 bytes limit"},
		{name: "too large once decompressed", record: resp([]string{"Content-Type: text/html", "Content-Encoding: gzip"}, gz(bytes.Repeat([]byte("<p>x</p>"), 200))), rejection: "larger than the limit once decompressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := make(chan item, 10)
			rd := &reader{out: items, maxBytes: 1000}
			wr := newWARCReader(bytes.NewReader(tc.record))
			rec, err := wr.next()
			if err != nil {
				t.Fatal(err)
			}
			it, ok := rd.warcItem("w.warc", 1, rec)
			if got := string(it.data); ok && got != tc.want || !ok && tc.want != "" && tc.rejection == "" {
				t.Errorf("page %q (read: %v), want %q", got, ok, tc.want)
			}
			if !strings.Contains(it.rejection, tc.rejection) || (tc.rejection == "") != (it.rejection == "") {
				t.Errorf("rejection %q, want %q", it.rejection, tc.rejection)
			}
			if ok && it.charset != tc.charset {
				t.Errorf("charset %q, want %q", it.charset, tc.charset)
			}
			if ok && (it.pageURL == "" || it.fetched.IsZero()) {
				t.Errorf("pageURL %q, fetched %v: want both", it.pageURL, it.fetched)
			}
		})
	}
}

func corrupt(b []byte) []byte {
	b = bytes.Clone(b)
	for i := 10; i < len(b)-8; i++ {
		b[i] = 0xff
	}
	return b
}

// TestWARCResynchronises reads on after a damaged record: a record whose
// Content-Length lies (shorter or longer than its block) or whose header is
// malformed is rejected, and the reader takes up again at the next "WARC/1."
// line, so that one bad record never costs the records after it.
func TestWARCResynchronises(t *testing.T) {
	page := func(n int) []byte {
		a := tripArticle
		a.URL = fmt.Sprintf("https://harborgazette.example/story-%d", n)
		a.Title = fmt.Sprintf("Harbor board story number %d", n)
		return warcRec("response", a.URL, fetched, "application/http; msgtype=response",
			httpResp("200 OK", []string{"Content-Type: text/html; charset=utf-8"}, writeHTML(a)))
	}
	lying := func(n int, length string) []byte {
		rec := page(n)
		i := bytes.Index(rec, []byte("Content-Length: "))
		j := i + bytes.Index(rec[i:], []byte("\r\n"))
		return append(append(append([]byte{}, rec[:i]...), "Content-Length: "+length...), rec[j:]...)
	}
	for _, tc := range []struct {
		name    string
		records [][]byte
		want    []string // URLs of the pages read
		reasons []string // of the rejections, in order
	}{
		{name: "Content-Length too short", records: [][]byte{page(1), lying(2, "10"), page(3)},
			want: []string{"story-1", "story-3"}, reasons: []string{"does not end where its Content-Length (10) says"}},
		{name: "Content-Length too long", records: [][]byte{page(1), lying(2, "2000"), page(3), page(4)},
			want: []string{"story-1", "story-4"}, reasons: []string{"does not end where its Content-Length (2000) says"}},
		{name: "malformed header", records: [][]byte{page(1), []byte("WARC/1.0\r\nContent-Length: zzz\r\n\r\n<p>lost</p>\r\n\r\n"), page(3)},
			want: []string{"story-1", "story-3"}, reasons: []string{"WARC record 2 is malformed: Content-Length"}},
		{name: "garbage between records", records: [][]byte{page(1), []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), page(3)},
			want: []string{"story-1", "story-3"}, reasons: []string{`expected a WARC/1.x version line, found "GET / HTTP/1.1"`}},
		{name: "malformed last record", records: [][]byte{page(1), []byte("WARC/1.0\r\nContent-Length: zzz\r\n\r\n")},
			want: []string{"story-1"}, reasons: []string{"WARC record 2 is malformed"}},
	} {
		for _, compressed := range []bool{false, true} {
			name, data := "w.warc", bytes.Join(tc.records, nil)
			if compressed {
				name, data = "w.warc.gz", warcGz(tc.records...)
			}
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				var got, reasons []string
				for _, r := range readInput(t, bytesInput(name, data), false, false) {
					if r.rejection != "not extracted" {
						reasons = append(reasons, r.rejection)
						continue
					}
					got = append(got, r.source[strings.LastIndexByte(r.source, '/')+1:])
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("pages read (-want +got):\n%s", diff)
				}
				if len(reasons) != len(tc.reasons) {
					t.Fatalf("rejections %q, want %d like %q", reasons, len(tc.reasons), tc.reasons)
				}
				for i, want := range tc.reasons {
					if !strings.Contains(reasons[i], want) {
						t.Errorf("rejection %q, want one with %q", reasons[i], want)
					}
				}
			})
		}
	}
}
