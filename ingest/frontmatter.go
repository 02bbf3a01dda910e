package ingest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/extract"
)

// Limits that keep a hostile header cheap to read.
const (
	maxFrontMatterLines = 200
	maxHeaderFieldLines = 30
)

// readText reads a plain-text or Markdown article. Metadata stated in front matter
// (a YAML block between "---" lines, or "Key: value" header lines followed by a
// blank line) wins over what extraction would find; without a title there, the
// first line is the title when it reads as a headline.
func readText(text string, markdown bool, m *fieldMapping) (a corpus.Article, warning string) {
	text = strings.TrimPrefix(text, "\ufeff")
	fm, body, ok := splitFrontMatter(text)
	if ok {
		a, warning = recordArticle(fm, m, false)
	}
	if markdown {
		body = markdownText(body)
	}
	if a.Title == "" {
		a.Title, a.Body = extract.SplitTitle(body)
		return a, warning
	}
	// The text often repeats the title as its first line (a Markdown heading).
	a.Body = strings.TrimSpace(body)
	first, rest, _ := strings.Cut(a.Body, "\n")
	if corpus.NormalizeText(first) == corpus.NormalizeText(a.Title) {
		a.Body = strings.TrimSpace(rest)
	}
	return a, warning
}

// splitFrontMatter separates the metadata at the head of a text from its body.
// It reports false, with body the whole text, when the text has none.
func splitFrontMatter(text string) (fields map[string]any, body string, ok bool) {
	if fields, body, ok := yamlFrontMatter(text); ok {
		return fields, body, true
	}
	if fields, body, ok := headerLines(text); ok {
		return fields, body, true
	}
	return nil, text, false
}

// yamlFrontMatter reads a "---" block as Jekyll and Hugo write it, with the YAML
// subset front matter uses: "key: value" with plain, 'single' or "double" quoted
// scalars, [flow, lists], block lists ("- item") and one level of nested keys
// ("author:\n  name: …"). Anything else in the block is skipped, never an error.
func yamlFrontMatter(text string) (map[string]any, string, bool) {
	first, rest, ok := strings.Cut(text, "\n")
	if !ok || strings.TrimRight(first, " \t\r") != "---" {
		return nil, text, false
	}
	var lines []string
	for i := 0; ; i++ {
		if i >= maxFrontMatterLines || rest == "" {
			return nil, text, false
		}
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimRight(line, " \t\r")
		if line == "---" || line == "..." {
			break
		}
		lines = append(lines, line)
	}
	return parseYAMLSubset(lines), rest, true
}

func parseYAMLSubset(lines []string) map[string]any {
	fields := map[string]any{}
	var key string // the last top-level key, when its value follows on indented lines
	var list []any
	var nested map[string]any
	var block []string // a | or > block scalar's lines
	var folded bool
	finish := func() {
		switch {
		case key == "":
		case block != nil:
			sep := "\n"
			if folded {
				sep = " "
			}
			fields[key] = strings.Join(block, sep)
		case list != nil:
			fields[key] = list
		case nested != nil:
			fields[key] = nested
		}
		key, list, nested, block = "", nil, nil, nil
	}
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		if indented || strings.HasPrefix(line, "- ") || line == "-" {
			if key == "" {
				continue
			}
			switch {
			case block != nil:
				block = append(block, trimmed)
			case strings.HasPrefix(trimmed, "- ") || trimmed == "-":
				item := strings.TrimSpace(strings.TrimPrefix(trimmed, "-"))
				if k, v, ok := yamlPair(item); ok {
					// "- name: A" : a list of objects
					list = append(list, map[string]any{k: v})
				} else if item != "" {
					list = append(list, yamlScalar(item))
				}
			default:
				if k, v, ok := yamlPair(trimmed); ok {
					if nested == nil {
						nested = map[string]any{}
					}
					nested[k] = v
				}
			}
			continue
		}
		finish()
		k, v, ok := yamlPair(trimmed)
		if !ok {
			continue
		}
		raw := strings.TrimSpace(trimmed[strings.Index(trimmed, ":")+1:])
		switch {
		case raw == "":
			key = k
		case raw == "|" || raw == "|-" || raw == ">" || raw == ">-":
			key, block, folded = k, []string{}, raw[0] == '>'
		default:
			fields[k] = v
		}
	}
	finish()
	return fields
}

// yamlPair reads "key: value"; the value is a scalar or a flow list.
func yamlPair(s string) (key string, value any, ok bool) {
	i := strings.Index(s, ":")
	if i <= 0 {
		return "", nil, false
	}
	key = strings.Trim(strings.TrimSpace(s[:i]), `"'`)
	rest := s[i+1:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", nil, false // "http://…" is not a key
	}
	if key == "" || len(key) > 60 {
		return "", nil, false
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]") {
		var list []any
		for _, part := range splitFlow(rest[1 : len(rest)-1]) {
			if part = strings.TrimSpace(part); part != "" {
				list = append(list, yamlScalar(part))
			}
		}
		return key, list, true
	}
	return key, yamlScalar(rest), true
}

// splitFlow splits a flow list's inside at commas outside quotes.
func splitFlow(s string) []string {
	var parts []string
	var quote rune
	start := 0
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == ',':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// yamlScalar reads a plain or quoted scalar as a string.
func yamlScalar(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s[1 : len(s)-1]
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if s == "~" || s == "null" {
		return ""
	}
	return s
}

// headerKey matches a "Key: value" header line.
var headerKey = regexp.MustCompile(`^([A-Za-z][A-Za-z_ -]{0,24}):(?:[ \t]+(.*))?$`)

// headerFields are the keys that make leading "Key: value" lines a header: a text
// whose first line is "Update: …" or "WASHINGTON: …" has none of them.
var headerFields = map[string]bool{
	"title": true, "headline": true, "date": true, "published": true, "pubdate": true,
	"outlet": true, "source": true, "publication": true, "publisher": true, "site": true,
	"url": true, "link": true, "author": true, "authors": true, "byline": true, "id": true,
}

// headerLines reads leading "Key: value" lines (as in email or MultiMarkdown):
// every line of the block must be one, at least one key must name an article
// field, and a blank line must end the block.
func headerLines(text string) (map[string]any, string, bool) {
	fields := map[string]any{}
	known := false
	rest := text
	for i := 0; ; i++ {
		if i > maxHeaderFieldLines || rest == "" {
			return nil, text, false
		}
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			if i == 0 || !known {
				return nil, text, false
			}
			return fields, rest, true
		}
		m := headerKey.FindStringSubmatch(line)
		if m == nil {
			return nil, text, false
		}
		k := fieldKey(m[1])
		if headerFields[k] {
			known = true
		}
		fields[m[1]] = strings.TrimSpace(m[2])
	}
}

var (
	mdImage    = regexp.MustCompile(`!\[([^\]\n]*)\]\([^)\n]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]\n]+)\]\([^)\n]*\)`)
	mdHeading  = regexp.MustCompile(`(?m)^#{1,6}[ \t]+`)
	mdEmphasis = regexp.MustCompile(`\*\*|__`)
)

// markdownText takes the markup out of Markdown that would otherwise be indexed
// as words or clutter snippets: heading marks, link targets, images and bold
// marks. The text stays as it is written.
func markdownText(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdHeading.ReplaceAllString(s, "")
	return mdEmphasis.ReplaceAllString(s, "")
}
