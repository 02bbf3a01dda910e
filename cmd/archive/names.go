package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/article-archive/archive/extract"
	"github.com/article-archive/archive/ingest"
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

// namedArchive is an archive whose people the name book is made from and whose
// earlier articles it renames: either engine.
type namedArchive interface {
	personCounter
	personRenamer
}

// ingestNamed runs the ingest of paths into opts.Sink as `archive ingest` does: with a name book
// of the people the archive already holds (opts.Names, unless set), then giving
// earlier articles the names the book learned.
func ingestNamed(ctx context.Context, a namedArchive, opts ingest.Options, log *slog.Logger, paths ...string) (ingest.Summary, error) {
	if opts.Names == nil {
		names, err := archiveNames(a)
		if err != nil {
			return ingest.Summary{}, err
		}
		opts.Names = names
	}
	s, err := ingest.Run(ctx, opts, paths...)
	if err == nil {
		err = followNames(ctx, a, opts.Names, log)
	}
	return s, err
}

// namesOf gives the name book of the next ingest.
type namesOf func() *extract.NameBook

// fixedNames is the one name book of a process that owns its archive.
func fixedNames(b *extract.NameBook) namesOf { return func() *extract.NameBook { return b } }

// sharedNames keeps the name book of a server that shares its cluster with
// other servers and commands: what they ingest teaches names this process did
// not see, so the book is read again from the archive's person counts when it is
// older than every (in the background: an ingest goes on with the book it has).
// A book that could not be read at start (the cluster was down) is read again
// at the next ingest.
type sharedNames struct {
	archive personCounter
	every   time.Duration
	log     *slog.Logger

	mu         sync.Mutex
	book       *extract.NameBook
	read       time.Time
	refreshing bool
}

// namesRefreshEvery is how old a shared name book may grow.
const namesRefreshEvery = 5 * time.Minute

func newSharedNames(archive personCounter, book *extract.NameBook, fresh bool, log *slog.Logger) *sharedNames {
	s := &sharedNames{archive: archive, every: namesRefreshEvery, log: log, book: book}
	if fresh {
		s.read = time.Now()
	}
	return s
}

// Book returns the name book, starting a new reading when it is old.
func (s *sharedNames) Book() *extract.NameBook {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.read) > s.every && !s.refreshing {
		s.refreshing = true
		go func() {
			book, err := archiveNames(s.archive)
			s.mu.Lock()
			defer s.mu.Unlock()
			s.refreshing = false
			if err != nil {
				s.log.Warn("the name book could not be read again from the archive; the one in use stays", "err", err)
				return
			}
			s.book, s.read = book, time.Now()
		}()
	}
	return s.book
}
