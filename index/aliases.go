package index

import (
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
func (r *records) learnedAliases(l *personLayer, name string) ([]corpus.PersonAlias, error) {
	var out []corpus.PersonAlias
	err := r.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPersonAliases)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if l.shown(string(v)) == name && string(k) != name {
				out = append(out, corpus.PersonAlias{Name: string(k), Via: "name book"})
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b corpus.PersonAlias) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}
