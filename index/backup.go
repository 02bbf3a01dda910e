package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the archive into dir, which must not exist or
// be empty: the record store and a snapshot of the index, taken while writes wait
// (searches go on). "archive serve --data DIR" serves the copy.
func (ix *Index) Backup(ctx context.Context, dir string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("index: backup: %s is not empty: name a new directory", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("index: backup: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		return fmt.Errorf("index: backup: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	copyable, ok := ix.bleve.(bleve.IndexCopyable)
	if !ok {
		return fmt.Errorf("index: backup: this index cannot be copied while open")
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	// Under mu, once a deferred batch is indexed, no write is half done: the
	// records and the index agree, and the index's applied sequence is the
	// records' last.
	if err := ix.settle(); err != nil {
		return fmt.Errorf("index: backup: %w", err)
	}
	err := ix.records.view(func(tx *bolt.Tx) error {
		return tx.CopyFile(filepath.Join(dir, RecordsFile), 0o600)
	})
	if err != nil {
		return fmt.Errorf("index: back up the records: %w", err)
	}
	if err := copyable.CopyTo(bleve.FileSystemDirectory(filepath.Join(dir, Dir))); err != nil {
		return fmt.Errorf("index: back up the index: %w", err)
	}
	if err := syncTree(dir); err != nil {
		return fmt.Errorf("index: backup: %w", err)
	}
	ix.log.Info("backup written", "dir", dir)
	return nil
}

// syncTree fsyncs every file and directory under dir.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
