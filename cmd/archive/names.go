package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/article-archive/archive/extract"
)

// archiveNames returns a name book that knows the full names the archive already
// holds, so that a "Baker" ingested now becomes the "James Baker" of earlier
// stories where the archive singles him out. Every ingest of a process shares it.
func archiveNames(ix personCounter) (*extract.NameBook, error) {
	counts, err := ix.PersonCounts()
	if err != nil {
		return nil, err
	}
	book := &extract.NameBook{}
	for name, n := range counts {
		book.AddCount(name, n)
	}
	return book, nil
}

// followNames rewrites the stored articles that name a person under a name the
// book has since learned better (a bare surname it now resolves, a company's
// name), so that the facet, filters and exports follow at once. It runs after
// every ingest: only the articles holding such a name are written again.
func followNames(ctx context.Context, ix personRenamer, book *extract.NameBook, log *slog.Logger) error {
	if book == nil {
		return nil
	}
	n, err := ix.RenamePersons(ctx, book.Aliases())
	if err != nil {
		return fmt.Errorf("give earlier articles the names the archive knows now: %w", err)
	}
	if n > 0 {
		log.Info("earlier articles now name people as the archive knows them", "articles", n)
	}
	return nil
}
