package ingest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Every parser that reads outside input is fuzzed here; each keeps its seed corpus
// in testdata/fuzz/<FuzzName>/ beside the seeds added below. Inputs must never
// panic or hang: a fuzz input gets small limits so that a slow path shows up as a
// timeout rather than hiding behind the default 64 MiB.

// readItems runs the reader stage on one input and the extraction stage on every
// item it yields, returning the results.
func readItems(t testing.TB, in input) []result {
	return readInput(t, in, true, false)
}

// readInput runs the reader stage on one input and, when extract is set, the
// extraction stage on every item, but for HTML pages when skipHTML is set (the
// fuzzers do: webpage.Read has a fuzzer of its own and is too slow to share their
// budget). An item not extracted is a result rejected as "not extracted".
func readInput(t testing.TB, in input, extract, skipHTML bool) []result {
	t.Helper()
	items := make(chan item)
	rd := &reader{ctx: context.Background(), out: items, budget: newByteBudget(extractionBudget), maxBytes: 1 << 20, maxEntries: 100, maxArchiveBytes: 8 << 20}
	go func() {
		defer close(items)
		rd.read(in, 0, noCount)
	}()
	m, _ := newFieldMapping(nil)
	ex := extractor{now: time.Now, fields: m}
	var out []result
	for it := range items {
		rd.budget.give(it.charge)
		if !extract || skipHTML && it.format == formatHTML {
			if it.rejection == "" && int64(len(it.data)) > rd.maxBytes {
				t.Errorf("%s: %d bytes passed the %d byte limit", it.source, len(it.data), rd.maxBytes)
			}
			if !strings.HasPrefix(it.source, in.name) {
				t.Errorf("item %q is not named after its input %q", it.source, in.name)
			}
			out = append(out, result{source: it.source, rejection: cmpOrString(it.rejection, "not extracted")})
			continue
		}
		out = append(out, ex.extract(it))
	}
	return out
}

func bytesInput(name string, data []byte) input {
	f, gz := formatOf(name)
	return input{name: name, size: int64(len(data)), format: f, gzipped: gz, found: true, open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(string(data))), nil
	}}
}

// checkResults checks what every result must satisfy, whatever the input.
func checkResults(t *testing.T, results []result) {
	t.Helper()
	for _, r := range results {
		if r.rejection != "" {
			continue
		}
		a := r.article
		if a.ID == "" {
			t.Errorf("%s: stored without an ID", r.source)
		}
		if strings.TrimSpace(a.Title) == "" && strings.TrimSpace(a.Body) == "" {
			t.Errorf("%s: stored without text", r.source)
		}
		for _, s := range []string{a.Title, a.Body, a.Outlet, a.URL} {
			if !utf8.ValidString(s) {
				t.Errorf("%s: invalid UTF-8 stored: %q", r.source, s)
			}
		}
	}
}

func addFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join(sourcesDir, pattern))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

func FuzzWARC(f *testing.F) {
	addFiles(f, "warc/*")
	f.Add([]byte("WARC/1.0\nWARC-Type: response\nContent-Length: 5\n\nHTTP/"))
	f.Add([]byte("WARC/1.1\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 99999999999\r\n\r\n<p>"))
	// A record whose Content-Length lies, then one to resynchronise on.
	f.Add([]byte("WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 10\r\n\r\n<html><p>Lost text</p>\r\n\r\n" +
		"WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\n<p>Found it</p>\r\n\r\n"))
	f.Add([]byte("WARC/1.0\r\nContent-Length: x\r\n\r\nWARC/1.0\nWARC/1.1\r\nContent-Length: 0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkResults(t, readInput(t, bytesInput("f.warc", data), false, true))
	})
}

func FuzzFeed(f *testing.F) {
	addFiles(f, "feeds/*")
	f.Add([]byte(`<rss><channel><item><title>T</title><description>&lt;p&gt;x</description></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"content_text":"x","date_published":"9999-99"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkResults(t, readInput(t, bytesInput("f.rss", data), true, true))
		checkResults(t, readInput(t, bytesInput("f.json", data), true, true))
	})
}

func FuzzFrontMatter(f *testing.F) {
	addFiles(f, "text/*")
	f.Add([]byte("---\ntitle: a\nauthors:\n  - b\n  - name: c\nsummary: |\n  x\n---\nbody"))
	f.Add([]byte("Title: x\nDate: 2024-01-01\n\nbody"))
	f.Add([]byte("---\n[\"\n- -\n:::\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkResults(t, readItems(t, bytesInput("f.md", data)))
		fields, body, ok := splitFrontMatter(string(data))
		if !ok && (fields != nil || body != string(data)) {
			t.Errorf("no front matter, yet fields %v or a body cut to %q", fields, body)
		}
		if ok && !strings.HasSuffix(string(data), body) {
			t.Errorf("body %q is not the end of the text", body)
		}
	})
}

func FuzzJSONRecord(f *testing.F) {
	addFiles(f, "json/*")
	f.Add([]byte(`{"title":"t","date":{"$date":1e300},"author":[{"name":null},3],"source":{"name":{"x":1}}}`))
	f.Add([]byte(`[{"body":"<p>x</p>","published":"2024-02-30"}, 1, null]`))
	m, _ := newFieldMapping(map[string][]string{"outlet": {"a.b.c"}, "published": {"when"}})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkResults(t, readItems(t, bytesInput("f.json", data)))
		checkResults(t, readItems(t, bytesInput("f.jsonl", data)))
		parseRecord(data, m)
	})
}

func FuzzArchive(f *testing.F) {
	addFiles(f, "archives/*")
	f.Add(zipOf(map[string][]byte{"a.txt": []byte("Title\n\nBody text."), "b.zip": zipOf(map[string][]byte{"c.md": []byte("x")})}))
	f.Add(tarGzOf(map[string][]byte{"a.jsonl": []byte("{\"title\":\"t\"}\n")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.zip", "f.tar", "f.tgz"} {
			checkResults(t, readInput(t, bytesInput(name, data), true, true))
		}
	})
}

func FuzzText(f *testing.F) {
	addFiles(f, "bad/*")
	f.Add([]byte("caf\xe9 \x93quoted\x94"))
	f.Add([]byte("\xff\xfeT\x00i\x00t\x00l\x00e\x00"))
	f.Add([]byte(`<?xml version="1.0" encoding="koi8-r"?><p>` + "\xf0\xf2"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, reason := asUTF8(data, "")
		if reason == "" && !utf8.Valid(out) {
			t.Errorf("asUTF8 accepted %q as %q, which is not UTF-8", data, out)
		}
		checkResults(t, readInput(t, bytesInput("-", data), true, true))
	})
}

func cmpOrString(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
