package ingest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// FieldTargets are the article fields a record's fields are mapped to, in the
// names Options.Fields and ParseFieldSpec use.
var FieldTargets = []string{"id", "url", "outlet", "published", "title", "authors", "body", "persons"}

// defaultFields lists, for each of FieldTargets in order, the names a JSON record
// (or front matter) may give it, in order of preference; names are matched
// without regard to case, '_', '-' or spaces. They cover the exports of common
// tools: news APIs (publishedAt, source.name), scrapers (maintext, date_publish),
// CMS dumps (headline, byline) and feeds.
var defaultFields = [][]string{
	{"id", "_id", "guid", "uuid", "articleid", "docid"},
	{"url", "link", "canonicalurl", "sourceurl", "href", "uri"},
	{"outlet", "site", "sitename", "source", "sourcename", "publisher", "publication", "newspaper"},
	{"published", "date", "publishedat", "publisheddate", "datepublished", "datepublish", "pubdate", "publishdate", "publicationdate", "time", "timestamp", "created", "createdat"},
	{"title", "headline", "name"},
	{"authors", "author", "byline", "creator", "creators", "writer"},
	{"body", "text", "content", "maintext", "fulltext", "articlebody", "article", "description", "summary"},
	{"persons", "people", "person"},
}

// fieldMapping is, for each article field, the record field names that give it,
// in order of preference: the user's (Options.Fields), then the built-in ones.
type fieldMapping struct {
	id, url, outlet, published, title, authors, body, persons []string
}

// ParseFieldSpec reads a field mapping as a user writes it, "published=pub_date":
// the article field (one of FieldTargets), '=', and the record field's name (a
// path into nested objects with dots: "outlet=source.name"). It returns an error
// saying how to write it when spec is not of that form or names no article field.
func ParseFieldSpec(spec string) (target, name string, err error) {
	target, name, ok := strings.Cut(spec, "=")
	target, name = strings.ToLower(strings.TrimSpace(target)), strings.TrimSpace(name)
	if !ok || target == "" || name == "" {
		return "", "", fmt.Errorf("ingest: field mapping %q: write ARTICLE_FIELD=RECORD_FIELD, e.g. published=pub_date", spec)
	}
	if !slices.Contains(FieldTargets, target) {
		return "", "", fmt.Errorf("ingest: field mapping %q: %q is not an article field: use one of %s", spec, target, strings.Join(FieldTargets, ", "))
	}
	return target, name, nil
}

// newFieldMapping puts the user's names before the built-in ones. A name the user
// maps to one field is dropped from the others: "--field authors=source" means
// that source is no longer the outlet.
func newFieldMapping(user map[string][]string) (*fieldMapping, error) {
	taken := map[string]bool{}
	for target, names := range user {
		if !slices.Contains(FieldTargets, target) {
			return nil, fmt.Errorf("ingest: field mapping: %q is not an article field: use one of %s", target, strings.Join(FieldTargets, ", "))
		}
		for _, n := range names {
			taken[fieldKey(n)] = true
		}
	}
	lists := make([][]string, len(FieldTargets))
	for i, target := range FieldTargets {
		var list []string
		for _, n := range user[target] {
			list = append(list, fieldKey(n))
		}
		for _, n := range defaultFields[i] {
			if !taken[n] {
				list = append(list, n)
			}
		}
		lists[i] = list
	}
	return &fieldMapping{id: lists[0], url: lists[1], outlet: lists[2], published: lists[3],
		title: lists[4], authors: lists[5], body: lists[6], persons: lists[7]}, nil
}

// errNoBody is the reason a record without text is rejected.
const errNoBody = "has no article text: give it in a field named body, text or content (or at least a title), or map yours with --field body=NAME"

// parseRecord turns one JSON object into an article with the fields the record
// states, named as m says. It returns an error for malformed JSON or a record
// without text; a date it cannot read is dropped with a warning rather than
// sinking the record.
func parseRecord(raw []byte, m *fieldMapping) (a corpus.Article, warning string, err error) {
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		return a, "", fmt.Errorf("malformed JSON: %s", jsonErrorText(err))
	}
	a, warning = recordArticle(rec, m, true)
	if a.Body == "" && a.Title == "" {
		return a, warning, fmt.Errorf("%s", errNoBody)
	}
	return a, warning, nil
}

// recordArticle maps the fields of a record (a JSON object, or front matter) to
// an article; withBody says whether the record carries the text.
func recordArticle(rec map[string]any, m *fieldMapping, withBody bool) (a corpus.Article, warning string) {
	fields := make(map[string]any, len(rec))
	for k, v := range rec {
		fields[fieldKey(k)] = v
	}
	pick := func(names []string) any {
		for _, n := range names {
			if v := lookupField(fields, n); v != nil {
				return v
			}
		}
		return nil
	}
	a.ID = strings.TrimSpace(scalarText(pick(m.id)))
	a.URL = strings.TrimSpace(scalarText(pick(m.url)))
	a.Outlet = nameOf(pick(m.outlet))
	a.Title = cleanSpace(scalarText(pick(m.title)))
	a.Authors = nameList(pick(m.authors))
	if withBody {
		a.Body = strings.TrimSpace(scalarText(pick(m.body)))
	}
	a.Persons = properNames(nameList(pick(m.persons)))
	a.Authors = slices.DeleteFunc(a.Authors, func(s string) bool { return strings.EqualFold(s, a.Outlet) })
	if looksLikeHTML(a.Body) {
		a.Body = htmlFragmentText(a.Body)
	}
	if v := pick(m.published); v != nil {
		if t, ok := parseRecordDate(v); ok {
			a.Published, a.PublishedSource = t, corpus.DateFromRecord
		} else {
			warning = fmt.Sprintf("date %q is not a date the archive reads (use RFC 3339 such as 2024-11-05T14:30:00Z); the article is kept without a date", scalarText(v))
		}
	}
	return a, warning
}

// lookupField finds a field by its normalized name, or by a dotted path into
// nested objects ("source.name").
func lookupField(fields map[string]any, name string) any {
	if v, ok := fields[name]; ok && v != nil {
		return v
	}
	head, rest, ok := strings.Cut(name, ".")
	if !ok {
		return nil
	}
	obj, _ := fields[head].(map[string]any)
	if obj == nil {
		return nil
	}
	nested := make(map[string]any, len(obj))
	for k, v := range obj {
		nested[fieldKey(k)] = v
	}
	return lookupField(nested, rest)
}

// fieldKey normalizes a field name: "Published_At", "published-at" and
// "publishedAt" are one field.
func fieldKey(k string) string {
	return keySeparators.Replace(strings.ToLower(k))
}

// keySeparators is built once: a Replacer is costly to build and safe to share,
// and fieldKey runs for every field of every record.
var keySeparators = strings.NewReplacer("_", "", "-", "", " ", "")

// jsonErrorText makes encoding/json's messages read as advice.
func jsonErrorText(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	if _, ok := err.(*json.UnmarshalTypeError); ok {
		return "expected a JSON object {...} with the article's fields"
	}
	return err.Error()
}

// scalarText renders a string or number field as text.
func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		// {"rendered": "..."} (WordPress) or {"value": "..."}
		for _, k := range []string{"rendered", "value", "text", "name"} {
			if s, ok := v[k].(string); ok {
				return s
			}
		}
	}
	return ""
}

// nameOf reads an outlet given as a string or as an object with a name.
func nameOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		for _, k := range []string{"name", "title", "id"} {
			if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
				return cleanSpace(s)
			}
		}
		return ""
	}
	return cleanSpace(scalarText(v))
}

// nameList reads a list of people given as a string ("A and B", "A, B"), a list of
// strings, or a list of objects with a name.
func nameList(v any) []string {
	var out []string
	add := func(s string) {
		s = cleanSpace(strings.TrimPrefix(strings.TrimSpace(s), "By "))
		if s != "" {
			out = append(out, s)
		}
	}
	switch v := v.(type) {
	case string:
		for _, part := range strings.Split(strings.ReplaceAll(v, " and ", ","), ",") {
			add(part)
		}
	case []any:
		for _, x := range v {
			add(nameOf(x))
		}
	case map[string]any:
		add(nameOf(v))
	}
	return out
}

func cleanSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// recordDateLayouts are the date forms found in exports, tried in order.
var recordDateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05 -0700", // Jekyll front matter
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	time.RFC822Z,
	time.RFC822,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 January 2006",
	"January 2, 2006",
	"Jan 2, 2006",
	"2006/01/02",
	"02-Jan-2006 15:04:05",
}

// parseRecordDate reads a record's date: a string in a common layout, or a Unix
// time in seconds or milliseconds.
func parseRecordDate(v any) (time.Time, bool) {
	switch v := v.(type) {
	case float64:
		return unixTime(v)
	case string:
		s := strings.TrimSpace(v)
		if n, err := strconv.ParseFloat(s, 64); err == nil && len(s) >= 9 {
			return unixTime(n)
		}
		for _, layout := range recordDateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), true
			}
		}
	case map[string]any:
		return parseRecordDate(v["$date"]) // MongoDB extended JSON
	}
	return time.Time{}, false
}

func unixTime(n float64) (time.Time, bool) {
	switch {
	case n <= 0:
		return time.Time{}, false
	case n > 1e11: // milliseconds
		return time.UnixMilli(int64(n)).UTC(), true
	}
	return time.Unix(int64(n), 0).UTC(), true
}

// properNames keeps a record's list of people only when it holds names: index
// codes such as Reuters' "james-baker" or "reagan" are not names to show in a
// facet, and the people are then found in the text instead.
func properNames(list []string) []string {
	for _, s := range list {
		if strings.ToLower(s) == s {
			return nil
		}
	}
	return list
}
