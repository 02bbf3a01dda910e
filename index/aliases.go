package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// The names RenamePersons moved (a bare surname the name book resolved, a case
// variant) are gone from the articles once they are moved; the record store
// remembers what each became, so that the person page can list them as aliases
// and a page asked for under one leads to the person.

// bucketPersonAliases maps a name RenamePersons moved to the name it became.
var bucketPersonAliases = []byte("person_aliases")

// maxPersonAliases bounds the names remembered.
const maxPersonAliases = 200000

// noteAliases remembers, for each of froms, the name renames gave it.
func (r *records) noteAliases(froms []string, renames map[string]string) error {
	if len(froms) == 0 {
		return nil
	}
	err := r.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPersonAliases)
		if err != nil {
			return err
		}
		for _, from := range froms {
			to := renames[from]
			if to == "" || len(from) > corpus.MaxPersonNameBytes || b.Stats().KeyN >= maxPersonAliases {
				continue
			}
			if err := b.Put([]byte(from), []byte(to)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index: remember the names moved: %w", err)
	}
	return nil
}

// learnedAlias returns the name RenamePersons gave name, or "".
func (r *records) learnedAlias(name string) (string, error) {
	var to string
	err := r.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketPersonAliases); b != nil {
			to = string(b.Get([]byte(name)))
		}
		return nil
	})
	return to, err
}

// learnedAliases returns the names RenamePersons moved to a name the layer shows
// as name.
func (r *records) learnedAliases(l *corpus.PersonLayer, name string) ([]corpus.PersonAlias, error) {
	var out []corpus.PersonAlias
	err := r.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPersonAliases)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if l.Shown(string(v)) == name && string(k) != name {
				out = append(out, corpus.PersonAlias{Name: string(k), Via: "name book"})
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b corpus.PersonAlias) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// salvagePeople copies what can be read of the people edits and the names
// RenamePersons moved from a damaged store into a new one (Repair), so that a
// repaired archive keeps its curation.
func salvagePeople(old *rawBolt, dst *records) error {
	for _, name := range [][]byte{bucketPersonEdits, bucketPersonAliases} {
		var keys, values [][]byte
		old.each(string(name), func(k, v []byte) error {
			keys, values = append(keys, slices.Clone(k)), append(values, slices.Clone(v))
			return nil
		})
		if len(keys) == 0 {
			continue
		}
		err := dst.update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			for i, k := range keys {
				if err := b.Put(k, values[i]); err != nil {
					return err
				}
			}
			if string(name) != string(bucketPersonEdits) {
				return nil
			}
			// New edits are numbered after the last one kept.
			var last uint64
			for _, k := range keys {
				if len(k) == 8 {
					last = max(last, binary.BigEndian.Uint64(k))
				}
			}
			return b.SetSequence(last)
		})
		if err != nil {
			return fmt.Errorf("index: salvage the people edits: %w", err)
		}
	}
	return nil
}

// personFilters reads the person filters of q through the people edits and the
// names RenamePersons moved: "Reagan", merged or moved into Ronald Reagan,
// filters by Ronald Reagan. It returns what it changed, for the notices.
func (ix *Index) personFilters(ctx context.Context, q *corpus.Query) []string {
	l := ix.layer()
	notices := l.FilterNames(q)
	for _, names := range []*[]string{&q.Persons, &q.NotPersons} {
		for i, n := range *names {
			to, err := ix.records.learnedAlias(n)
			if err != nil || to == "" {
				continue
			}
			if to = l.Shown(to); to == "" || to == n {
				continue
			}
			// Only a name no live article holds any more: it may be someone's
			// again since.
			if c, err := ix.personCount(ctx, n); err != nil || c > 0 {
				continue
			}
			(*names)[i] = to
			notices = append(notices, fmt.Sprintf("person %q is read as %q (the archive reads the name so)", n, to))
		}
		*names = slices.Compact(*names)
	}
	return notices
}
