// Package index keeps the archive's articles in a Bleve index on disk and answers
// searches with hits, highlighted snippets and person, outlet and date facets. It is
// the only package that imports Bleve: every engine detail (mapping, query syntax,
// facet requests, storage layout) stays here, behind the corpus types.
package index

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Dir is the index's directory inside the archive's data directory.
const Dir = "index"

// ErrLocked is returned by Open when another process holds the index for writing.
var ErrLocked = errors.New("the index is in use by another process")

// Options tune an Index. The zero value is usable.
type Options struct {
	// Logger receives the index's own logs; nil discards them.
	Logger *slog.Logger
	// LockTimeout is how long Open waits for another process to release the index
	// before it returns ErrLocked; zero means one second.
	LockTimeout time.Duration
}

// Index is an archive's search index. It is safe for concurrent use: searches go on
// while a batch is written.
type Index struct {
	bleve bleve.Index
	path  string
	log   *slog.Logger
}

// Open opens the index in dataDir, creating it (and dataDir) when there is none. It
// returns an error wrapping ErrLocked when another process has the index open.
func Open(dataDir string, opts Options) (*Index, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	path := filepath.Join(dataDir, Dir)
	config := map[string]any{"bolt_timeout": timeout.String()}

	var b bleve.Index
	var err error
	if _, statErr := os.Stat(filepath.Join(path, "index_meta.json")); statErr == nil {
		b, err = bleve.OpenUsing(path, config)
	} else {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("index: create data directory: %w", err)
		}
		b, err = bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, config)
	}
	if err != nil {
		if isLockTimeout(err) {
			return nil, fmt.Errorf("index: open %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	log.Debug("index opened", "path", path)
	return &Index{bleve: b, path: path, log: log}, nil
}

// isLockTimeout tells whether err is bbolt's "timeout" from waiting for the file lock
// another process holds.
func isLockTimeout(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "timeout" {
			return true
		}
	}
	return false
}

// Close flushes and closes the index.
func (ix *Index) Close() error {
	if err := ix.bleve.Close(); err != nil {
		return fmt.Errorf("index: close %s: %w", ix.path, err)
	}
	return nil
}

// Count returns the number of articles in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.bleve.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}
