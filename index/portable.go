package index

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// EachTombstone calls fn with every deleted article the archive remembers, in
// the order of their IDs, for a portable backup (corpus.PortableWriter). It reads
// one state of the record store.
func (ix *Index) EachTombstone(fn func(corpus.Tombstone) error) error {
	return ix.records.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTombstones)
		if b == nil {
			return nil
		}
		return b.ForEach(func(id, v []byte) error {
			var stone tombstone
			if err := json.Unmarshal(v, &stone); err != nil {
				return fmt.Errorf("index: tombstone %q: %w", id, err)
			}
			return fn(corpus.Tombstone{ID: string(id), Keys: stone.Keys, DeletedAt: stone.DeletedAt, By: stone.By,
				Title: stone.Title, Outlet: stone.Outlet, Story: stone.Story})
		})
	})
}

// RestoreTombstones files the tombstones of a backup, so that the articles it
// deleted stay deleted: Put skips them, PutRestoring brings them back. A
// tombstone of an article the archive holds is refused (returned by ID with the
// reason), as is one without an ID; the others are written in one transaction.
func (ix *Index) RestoreTombstones(ctx context.Context, stones []corpus.Tombstone) (map[string]string, error) {
	if err := cmp.Or(ctx.Err(), ix.writable()); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	refused := map[string]string{}
	err := ix.records.update(func(tx *bolt.Tx) error {
		ids, stonesB, tkeys := tx.Bucket(bucketIDs), tx.Bucket(bucketTombstones), tx.Bucket(bucketTombstoneKeys)
		for _, t := range stones {
			switch {
			case t.ID == "":
				refused[t.ID] = "a tombstone without an ID"
				continue
			case ids.Get([]byte(t.ID)) != nil:
				refused[t.ID] = "the archive holds this article: its tombstone would hide nothing (restore the backup into a new archive)"
				continue
			}
			js, err := json.Marshal(tombstone{DeletedAt: t.DeletedAt, By: t.By, Title: t.Title, Outlet: t.Outlet, Story: t.Story, Keys: t.Keys})
			if err != nil {
				return err
			}
			if err := stonesB.Put([]byte(t.ID), js); err != nil {
				return err
			}
			for _, k := range t.Keys {
				if err := tkeys.Put([]byte(k), []byte(t.ID)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index: restore tombstones: %w", err)
	}
	return refused, nil
}
