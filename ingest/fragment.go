package ingest

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// looksLikeHTML tells whether a record's text field carries markup (many exports
// keep the article's HTML in "content").
func looksLikeHTML(s string) bool {
	for _, tag := range []string{"<p>", "<p ", "<br", "</p>", "</div>", "<div", "</a>", "<em>", "<strong>"} {
		if strings.Contains(s, tag) {
			return true
		}
	}
	return false
}

// htmlFragmentText turns an HTML fragment into plain text, one line per block, so
// that markup never reaches the index as words.
func htmlFragmentText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0 // inside <script> or <style>
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(collapseLines(b.String()))
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				skip++
			case atom.Br, atom.P, atom.Div, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.Blockquote, atom.Tr:
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				skip = max(0, skip-1)
			case atom.P, atom.Div, atom.Li, atom.H1, atom.H2, atom.H3, atom.H4, atom.Blockquote, atom.Tr:
				b.WriteByte('\n')
			}
		}
	}
}

// collapseLines trims each line, folds runs of spaces and drops empty lines.
// Package webpage has its twin for whole pages.
func collapseLines(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
