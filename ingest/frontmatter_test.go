package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitFrontMatter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		fields map[string]any
		body   string
	}{
		{name: "none", in: "Headline\n\nBody.", body: "Headline\n\nBody."},
		{name: "yaml", in: "---\ntitle: A: B\ndate: 2024-11-05\n---\nBody.", fields: map[string]any{"title": "A: B", "date": "2024-11-05"}, body: "Body."},
		{name: "yaml CRLF and ... end", in: "---\r\ntitle: x\r\n...\r\nBody.", fields: map[string]any{"title": "x"}, body: "Body."},
		{name: "quoted", in: "---\ntitle: \"He said \\\"no\\\"\"\noutlet: 'The Ledger''s'\nurl: https://a.example/x # canonical\n---\n",
			fields: map[string]any{"title": `He said "no"`, "outlet": "The Ledger's", "url": "https://a.example/x"}, body: ""},
		{name: "lists", in: "---\nauthors: [Ana Ruiz, \"Ruiz, Jr.\"]\ntags:\n  - a\n  - b\nauthor:\n  - name: Mei Tanaka\n---\nx",
			fields: map[string]any{"authors": []any{"Ana Ruiz", "Ruiz, Jr."}, "tags": []any{"a", "b"}, "author": []any{map[string]any{"name": "Mei Tanaka"}}}, body: "x"},
		{name: "nested", in: "---\nauthor:\n  name: Ana Ruiz\n  twitter: '@ana'\ndraft: ~\n---\nx",
			fields: map[string]any{"author": map[string]any{"name": "Ana Ruiz", "twitter": "@ana"}, "draft": ""}, body: "x"},
		{name: "block scalars", in: "---\nsummary: >\n  one\n  two\nnote: |\n  a\n  b\n---\nx", fields: map[string]any{"summary": "one two", "note": "a\nb"}, body: "x"},
		{name: "unclosed", in: "---\ntitle: x\nBody without end", body: "---\ntitle: x\nBody without end"},
		{name: "horizontal rule later", in: "Text\n---\nmore", body: "Text\n---\nmore"},
		{name: "header lines", in: "Title: Ferry strike ends\nDate: March 3, 2025\nTags: port\n\nBody.",
			fields: map[string]any{"Title": "Ferry strike ends", "Date": "March 3, 2025", "Tags": "port"}, body: "Body."},
		{name: "header lines need a known key", in: "Update: the ferry runs\nNote: late\n\nBody.", body: "Update: the ferry runs\nNote: late\n\nBody."},
		{name: "header lines need a blank line", in: "Title: x\nThe ferry ran late.", body: "Title: x\nThe ferry ran late."},
		{name: "dateline is not a header", in: "WASHINGTON: The president spoke.\n\nMore.", body: "WASHINGTON: The president spoke.\n\nMore."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields, body, _ := splitFrontMatter(tc.in)
			if diff := cmp.Diff(tc.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if body != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
		})
	}
}

func TestReadText(t *testing.T) {
	m, _ := newFieldMapping(nil)
	for _, tc := range []struct {
		name     string
		in       string
		markdown bool
		want     wantSource
		body     string
	}{
		{name: "front matter title wins", in: "---\ntitle: Real title\n---\nA Headline-Like First Line\n\nBody text.",
			want: wantSource{Title: "Real title"}, body: "A Headline-Like First Line\n\nBody text."},
		{name: "repeated title dropped", in: "---\ntitle: Ferry strike ends\n---\n# Ferry Strike Ends\n\nBody text.", markdown: true,
			want: wantSource{Title: "Ferry strike ends"}, body: "Body text."},
		{name: "markdown cleaned", in: "# Ferry strike ends\n\nThe **union** met [the board](https://x.example/) today. ![crowd](a.jpg)", markdown: true,
			want: wantSource{Title: "Ferry strike ends"}, body: "The union met the board today. crowd"},
		{name: "bad date kept out", in: "Title: x\nDate: next Tuesday\n\nBody.", want: wantSource{Title: "x"}, body: "Body."},
		{name: "author object", in: "---\nauthor:\n  name: Ana Ruiz\n---\nHeadline\n\nBody.", want: wantSource{Title: "Headline", Authors: []string{"Ana Ruiz"}}, body: "Body."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := readText(tc.in, tc.markdown, m)
			if diff := cmp.Diff(tc.want, sourceOf(a)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if a.Body != tc.body {
				t.Errorf("body %q, want %q", a.Body, tc.body)
			}
		})
	}
}
