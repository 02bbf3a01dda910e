package index

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// migrateBatch is how many legacy records one transaction of the migration moves.
const migrateBatch = 1000

// migrate moves a record store in the legacy layout (every article's JSON keyed
// by ID, story tables keyed by ID) into the current one (records_format.go,
// records_story.go). Each transaction moves a batch of records and deletes them
// from the legacy buckets, so a migration cut short goes on at the next open and
// a record is never in both. The log, the duplicate keys and the sequence stay as
// they are. A store without legacy buckets costs one read transaction.
func (r *records) migrate() error {
	var legacy bool
	if err := r.view(func(tx *bolt.Tx) error {
		legacy = tx.Bucket(bucketLegacyArticles) != nil || tx.Bucket(bucketLegacyStories) != nil || tx.Bucket(bucketLegacyBands) != nil
		return nil
	}); err != nil || !legacy {
		return err
	}
	if err := inBatches(r.migrateBatch); err != nil {
		return fmt.Errorf("migrate the records to the compressed layout: %w", err)
	}
	return nil
}

// inBatches calls batch, one transaction of a migration, until it reports the
// migration done or fails.
func inBatches(batch func() (done bool, err error)) error {
	for {
		done, err := batch()
		if err != nil || done {
			return err
		}
	}
}

// migrateBatch moves up to migrateBatch legacy records, and drops the legacy
// buckets once they are empty; it reports whether the migration is done.
func (r *records) migrateBatch() (done bool, err error) {
	err = r.update(func(tx *bolt.Tx) error {
		legacy, legacyStories := tx.Bucket(bucketLegacyArticles), tx.Bucket(bucketLegacyStories)
		var keys [][]byte
		var articles []corpus.Article
		var fingerprints []string
		var sigs []storySignature
		if legacy != nil {
			c := legacy.Cursor()
			for k, v := c.First(); k != nil && len(keys) < migrateBatch; k, v = c.Next() {
				var rec storedRecord
				if err := json.Unmarshal(v, &rec); err != nil {
					return fmt.Errorf("record %q: %w", k, err)
				}
				var sig storySignature
				if legacyStories != nil {
					if story, s, ok := bytes.Cut(legacyStories.Get(k), []byte{0}); ok {
						sig.sig, sig.ok = corpus.ParseSignature(string(s))
						if sig.ok && rec.Article.Story == "" {
							rec.Article.Story = string(story)
						}
					}
				}
				keys = append(keys, bytes.Clone(k))
				articles = append(articles, rec.Article)
				fingerprints = append(fingerprints, rec.Fingerprint)
				sigs = append(sigs, sig)
			}
		}
		if len(keys) == 0 {
			done = true
			for _, name := range [][]byte{bucketLegacyArticles, bucketLegacyStories, bucketLegacyBands} {
				if tx.Bucket(name) == nil {
					continue
				}
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
			return nil
		}
		encoded, err := r.encode(articles, fingerprints)
		if err != nil {
			return err
		}
		if err := putRecords(tx, articles, encoded, sigs); err != nil {
			return err
		}
		for _, k := range keys {
			if err := legacy.Delete(k); err != nil {
				return err
			}
			if legacyStories != nil {
				if err := legacyStories.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return done, err
}
