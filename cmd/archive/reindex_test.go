package main

import (
	"testing"

	"github.com/article-archive/archive/corpus"
)

// TestReExtract checks what reindex --re-extract redoes with a record: a title
// made of the first words is made again (the rules that make it may have
// changed), a stated one is kept.
func TestReExtract(t *testing.T) {
	tests := []struct {
		name string
		in   corpus.Article
		want string
	}{
		{"a derived title is derived again",
			corpus.Article{Title: "The ferry ran late on Monday. The council…", TitleSource: corpus.TitleDerived, Body: "The ferry ran late on Monday. The council met."},
			"The ferry ran late on Monday"},
		{"a stated title is kept",
			corpus.Article{Title: "Ferry late", Body: "The ferry ran late on Monday. The council met."},
			"Ferry late"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.in
			reExtract(&a)
			if a.Title != tt.want || a.TitleSource != tt.in.TitleSource {
				t.Errorf("title %q (%q), want %q (%q)", a.Title, a.TitleSource, tt.want, tt.in.TitleSource)
			}
		})
	}
}
