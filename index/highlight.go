package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// highlighterName is the archive's highlighter: Bleve's HTML highlighter (matches
// in <mark>, the rest escaped) with fragments that start and end on whole words,
// so that a snippet never opens with half a word.
const highlighterName = "archive-html"

// snippetSize is the length of a snippet fragment in characters.
const snippetSize = 220

// Highlighters are Bleve plugins found by name in its registry; registering one is
// done at package load, the way Bleve registers its own.
func init() {
	registry.RegisterHighlighter(highlighterName, func(map[string]any, *registry.Cache) (highlight.Highlighter, error) {
		return simplehighlighter.NewHighlighter(
			wordFragmenter{simple.NewFragmenter(snippetSize)},
			htmlformat.NewFragmentFormatter("<mark>", "</mark>"),
			simplehighlighter.DefaultSeparator), nil
	})
}

// wordFragmenter trims the fragments of another fragmenter to word boundaries,
// never trimming away a match.
type wordFragmenter struct{ highlight.Fragmenter }

func (w wordFragmenter) Fragment(orig []byte, locations highlight.TermLocations) []*highlight.Fragment {
	frags := w.Fragmenter.Fragment(orig, locations)
	for _, f := range frags {
		firstMatch, lastMatch := f.End, f.Start
		for _, l := range locations {
			if l != nil && l.Start >= f.Start && l.End <= f.End {
				firstMatch = min(firstMatch, l.Start)
				lastMatch = max(lastMatch, l.End)
			}
		}
		if f.Start > 0 && !spaceBefore(orig, f.Start) {
			for s := f.Start; s < firstMatch && s < f.End; {
				r, size := utf8.DecodeRune(orig[s:])
				s += size
				if unicode.IsSpace(r) {
					f.Start = s
					break
				}
			}
		}
		if f.End < len(orig) && !spaceBefore(orig[:min(len(orig), f.End+1)], f.End+1) {
			for e := f.End; e > lastMatch && e > f.Start; {
				r, size := utf8.DecodeLastRune(orig[:e])
				e -= size
				if unicode.IsSpace(r) {
					f.End = e
					break
				}
			}
		}
	}
	return frags
}

// spaceBefore tells whether the rune before offset i of b is white space.
func spaceBefore(b []byte, i int) bool {
	r, _ := utf8.DecodeLastRune(b[:i])
	return unicode.IsSpace(r)
}
