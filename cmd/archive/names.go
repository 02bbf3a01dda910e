package main

import (
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
)

// archiveNames returns a name book that knows the full names the archive already
// holds, so that a "Baker" ingested now becomes the "James Baker" of earlier
// stories where the archive singles him out. Every ingest of a process shares it.
func archiveNames(ix *index.Index) (*ingest.NameBook, error) {
	counts, err := ix.PersonCounts()
	if err != nil {
		return nil, err
	}
	book := &ingest.NameBook{}
	for name, n := range counts {
		book.AddCount(name, n)
	}
	return book, nil
}
