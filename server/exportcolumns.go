package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
)

// exportCell is what one row of an export is drawn from: the hit, and the
// article's record when a chosen column needs it.
type exportCell struct {
	hit     corpus.Hit
	article *corpus.Article
	base    string // the archive's own address, for the link column
}

// exportColumn is one column an export may have: its name, its CSV text and its
// NDJSON value (nil for null).
type exportColumn struct {
	name string
	// fromRecord: the column is read from the article's record, one read per row.
	fromRecord bool
	text       func(exportCell) string
	json       func(exportCell) any
}

// exportSnippetRunes is how much of the body the snippet column holds.
const exportSnippetRunes = 240

// exportColumns are the columns an export may choose, in the order the API's
// description lists them.
var exportColumns = []exportColumn{
	{name: "id", text: func(x exportCell) string { return x.hit.ID }, json: func(x exportCell) any { return x.hit.ID }},
	{name: "title", text: func(x exportCell) string { return x.hit.Title }, json: func(x exportCell) any { return nullable(x.hit.Title) }},
	{name: "url", text: func(x exportCell) string { return x.hit.URL }, json: func(x exportCell) any { return nullable(x.hit.URL) }},
	{name: "outlet", text: func(x exportCell) string { return x.hit.Outlet }, json: func(x exportCell) any { return nullable(x.hit.Outlet) }},
	{name: "published", text: func(x exportCell) string {
		if x.hit.Published.IsZero() {
			return ""
		}
		return x.hit.Published.Format(time.RFC3339)
	}, json: func(x exportCell) any { return nullableTime(x.hit.Published) }},
	{name: "persons", text: func(x exportCell) string { return strings.Join(x.hit.Persons, "; ") }, json: func(x exportCell) any { return list(x.hit.Persons) }},
	{name: "story", text: func(x exportCell) string { return x.hit.Story }, json: func(x exportCell) any { return x.hit.Story }},
	{name: "also_in", text: func(x exportCell) string { return strconv.Itoa(x.hit.AlsoIn) }, json: func(x exportCell) any { return x.hit.AlsoIn }},
	{name: "authors", fromRecord: true, text: func(x exportCell) string { return strings.Join(x.article.Authors, "; ") }, json: func(x exportCell) any { return list(x.article.Authors) }},
	{name: "snippet", fromRecord: true, text: exportSnippet, json: func(x exportCell) any { return exportSnippet(x) }},
	{name: "body", fromRecord: true, text: func(x exportCell) string { return x.article.Body }, json: func(x exportCell) any { return nullable(x.article.Body) }},
	{name: "date_source", fromRecord: true, text: func(x exportCell) string { return x.article.PublishedSource }, json: func(x exportCell) any { return nullable(x.article.PublishedSource) }},
	{name: "link", text: exportLink, json: func(x exportCell) any { return exportLink(x) }},
}

// defaultExportColumns are an export's columns when it does not choose.
var defaultExportColumns = []string{"id", "title", "url", "outlet", "published", "persons", "story", "also_in"}

// maxExportColumns bounds the list a request may send (a column may repeat).
const maxExportColumns = 32

// exportSnippet is the start of the body, as plain text on one line: an export
// has no matches to mark.
func exportSnippet(x exportCell) string {
	body := strings.Join(strings.Fields(x.article.Body), " ")
	if utf8.RuneCountInString(body) <= exportSnippetRunes {
		return body
	}
	r := []rune(body)[:exportSnippetRunes]
	if cut := strings.LastIndexByte(string(r), ' '); cut > exportSnippetRunes/2 {
		return string(r)[:cut] + " …"
	}
	return string(r) + "…"
}

// exportLink is the article's page in this archive.
func exportLink(x exportCell) string {
	return x.base + "/articles/" + url.PathEscape(x.hit.ID)
}

// parseExportColumns reads columns=id,title,…; empty means the default columns. An
// unknown column is an invalid_request error that lists the known ones.
func parseExportColumns(raw string) ([]exportColumn, error) {
	names := defaultExportColumns
	if strings.TrimSpace(raw) != "" {
		names = strings.Split(raw, ",")
	}
	if len(names) > maxExportColumns {
		return nil, corpus.Errorf(corpus.EInvalidRequest, "columns= lists %d columns: ask for at most %d", len(names), maxExportColumns)
	}
	out := make([]exportColumn, 0, len(names))
	for _, name := range names {
		name = strings.TrimSpace(name)
		found := false
		for _, c := range exportColumns {
			if c.name == name {
				out, found = append(out, c), true
				break
			}
		}
		if !found {
			known := make([]string, len(exportColumns))
			for i, c := range exportColumns {
				known[i] = c.name
			}
			return nil, corpus.Errorf(corpus.EInvalidRequest, "columns=: %q is not a column; choose from %s (comma-separated, e.g. columns=id,title,published)",
				name, strings.Join(known, ","))
		}
	}
	return out, nil
}

// maxFileNameRunes bounds the part of an export's file name taken from the search.
const maxFileNameRunes = 80

// exportFileName names an export after its search: the query text, then each
// filter, as lower-case words joined by hyphens ("harbor-person-helena-okafor-
// 2024"); "archive-export" for a search of everything. Letters of every script
// are kept (contentDisposition gives an ASCII fallback).
func exportFileName(p searchParams) string {
	q := p.Query
	parts := []string{q.Text}
	add := func(label string, values []string) {
		for _, v := range values {
			parts = append(parts, label, v)
		}
	}
	add("person", q.Persons)
	add("outlet", q.Outlets)
	add("not-person", q.NotPersons)
	add("not-outlet", q.NotOutlets)
	switch {
	case q.Undated:
		parts = append(parts, "undated")
	case p.From != "" || p.To != "":
		parts = append(parts, dateRangeLabel(p.From, p.To))
	}
	var b strings.Builder
	n := 0
	dash := false
	for _, r := range strings.ToLower(strings.Join(parts, " ")) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if n+2 > maxFileNameRunes {
				break
			}
			if dash && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			b.WriteRune(r)
			n++
			dash = false
			continue
		}
		dash = true
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		return "archive-export"
	}
	return "archive-" + name
}

// contentDisposition makes the attachment header for name.ext: a plain ASCII
// filename (other letters become "_"), and RFC 6266's filename* in UTF-8 when the
// name has any.
func contentDisposition(name, ext string) string {
	file := name + "." + ext
	ascii := strings.Map(func(r rune) rune {
		if r < 0x80 && r != '"' && r != '\\' && unicode.IsPrint(r) {
			return r
		}
		return '_'
	}, file)
	h := fmt.Sprintf("attachment; filename=%q", ascii)
	if ascii != file {
		// RFC 5987's attr-char: letters, digits and !#$&+-.^_`|~ go as they are.
		var enc strings.Builder
		for _, c := range []byte(file) {
			if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
				enc.WriteByte(c)
			} else {
				fmt.Fprintf(&enc, "%%%02X", c)
			}
		}
		h += "; filename*=UTF-8''" + enc.String()
	}
	return h
}
