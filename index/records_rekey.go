package index

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// legacyTextKey starts the text duplicate keys of archives written before the key
// named the outlet: then the same text from a second outlet was a duplicate, and
// dropped. corpus.DuplicateKeyText starts the keys of today.
var legacyTextKey = []byte("text:")

// rekeyDuplicates files the articles of a store written with legacy text keys
// under today's keys (corpus.Article.DuplicateKeys), a batch of migrateBatch keys a
// transaction: each transaction adds the owner's new keys and deletes the old
// ones it read, so a migration cut short goes on at the next open and no key is
// lost between the two. A store without legacy keys costs one seek.
func (r *records) rekeyDuplicates() error {
	if err := inBatches(r.rekeyBatch); err != nil {
		return fmt.Errorf("file the duplicate keys under the outlet: %w", err)
	}
	return nil
}

// rekeyBatch moves up to migrateBatch legacy text keys; it reports whether none is
// left.
func (r *records) rekeyBatch() (done bool, err error) {
	err = r.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDupKeys)
		if b == nil {
			done = true
			return nil
		}
		var keys, owners [][]byte
		c := b.Cursor()
		for k, v := c.Seek(legacyTextKey); k != nil && bytes.HasPrefix(k, legacyTextKey) && len(keys) < migrateBatch; k, v = c.Next() {
			keys, owners = append(keys, bytes.Clone(k)), append(owners, bytes.Clone(v))
		}
		if len(keys) == 0 {
			done = true
			return nil
		}
		for i, k := range keys {
			rec, ok, err := r.getTx(tx, string(owners[i]))
			if err != nil {
				return err
			}
			// An owner without a record (a store that lost it) leaves nothing to
			// file: the key goes.
			if ok {
				for _, nk := range rec.Article.DuplicateKeys() {
					if b.Get([]byte(nk)) == nil {
						if err := b.Put([]byte(nk), owners[i]); err != nil {
							return err
						}
					}
				}
			}
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return done, err
}
