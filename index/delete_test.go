package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

var wireDay = time.Date(2024, 5, 7, 9, 0, 0, 0, time.UTC)

// syndicated returns the same wire text as run by two outlets, the second 90
// minutes later, without IDs or URLs (the IDs are derived, as ingest does).
func syndicated() (alpha, beta corpus.Article) {
	alpha = corpus.Article{Outlet: "Daily Alpha", Title: "Port plan approved", Body: legacyStory, Published: wireDay}
	beta = corpus.Article{Outlet: "Beta Herald", Title: "Port plan approved", Body: legacyStory, Published: wireDay.Add(90 * time.Minute)}
	alpha.AssignID()
	beta.AssignID()
	return alpha, beta
}

func outletValues(t *testing.T, ix *Index, q corpus.Query) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range res.Facets.Outlet {
		out = append(out, fmt.Sprintf("%s=%d", v.Value, v.Count))
	}
	slices.Sort(out)
	return out
}

// TestSyndicatedCopiesAreKept: the same text from a second outlet on the same day
// is a copy in the story, not a duplicate; from the same outlet (or without an
// outlet, as another without one) it is the same article again.
func TestSyndicatedCopiesAreKept(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t, t.TempDir())
	defer ix.Close()
	alpha, beta := syndicated()
	if alpha.ID == beta.ID {
		t.Fatalf("two outlets' copies got one ID %s", alpha.ID)
	}
	got, err := ix.Put(ctx, []corpus.Article{alpha, beta})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []corpus.Outcome{corpus.Indexed, corpus.Indexed}) {
		t.Errorf("outcomes %v, want both indexed", got)
	}
	again := alpha
	again.ID = "alpha-from-another-feed"
	noOutlet := corpus.Article{ID: "plain-1", Title: "Port", Body: legacyStory}
	noOutlet2 := corpus.Article{ID: "plain-2", Title: "Port", Body: legacyStory}
	got, err = ix.Put(ctx, []corpus.Article{again, noOutlet, noOutlet2})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []corpus.Outcome{corpus.Unchanged, corpus.Indexed, corpus.Unchanged}) {
		t.Errorf("same outlet again, then two without outlet: %v, want duplicate, indexed, duplicate", got)
	}
	if f := outletValues(t, ix, corpus.Query{}); !slices.Equal(f, []string{"Beta Herald=1", "Daily Alpha=1"}) {
		t.Errorf("outlet facet %v, want both outlets", f)
	}
	s, err := ix.Story(ctx, beta.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Copies) != 3 || s.Copies[0].ID != alpha.ID || s.Copies[1].ID != beta.ID {
		t.Fatalf("story copies %+v, want alpha, beta, then the undated one", s.Copies)
	}
	if want := "First ran in Daily Alpha; picked up by 2 outlets within 2 hours (1 copy is undated, listed last and not timed)."; s.Summary != want {
		t.Errorf("summary %q, want %q", s.Summary, want)
	}
	for _, c := range s.Copies {
		if c.AlsoIn != 2 {
			t.Errorf("copy %s (%q): also in %d, want 2", c.ID, c.Outlet, c.AlsoIn)
		}
	}
	res, err := ix.Search(ctx, corpus.Query{Text: "harbor"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.AlsoIn != 2 {
			t.Errorf("hit %s (%q): also in %d, want 2", h.ID, h.Outlet, h.AlsoIn)
		}
	}
}

// legacyDigest is corpus's digest, as the legacy text keys used it.
func legacyDigest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}

// writeLegacyTextKeys rewrites the store's text duplicate keys in the form
// written before keys named the outlet ("text:" day ":" digest of the text),
// plus extra keys naming owner (none of which the store can file anew) and one
// naming an article that is not there.
func writeLegacyTextKeys(t *testing.T, dir string, extra int, owner string) {
	t.Helper()
	recs, err := openRecords(dir, time.Second, false)
	if err != nil {
		t.Fatal(err)
	}
	defer recs.close()
	err = recs.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDupKeys)
		var drop [][]byte
		b.ForEach(func(k, _ []byte) error {
			if strings.HasPrefix(string(k), corpus.DuplicateKeyText) {
				drop = append(drop, []byte(string(k)))
			}
			return nil
		})
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketIDs).ForEach(func(k, _ []byte) error {
			rec, _, err := recs.getTx(tx, string(k))
			if err != nil {
				return err
			}
			a := rec.Article
			day := ""
			if !a.Published.IsZero() {
				day = a.Published.UTC().Format(time.DateOnly)
			}
			return b.Put([]byte("text:"+day+":"+legacyDigest(corpus.NormalizeText(a.Body))), k)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = recs.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDupKeys)
		for i := range extra {
			if err := b.Put(fmt.Appendf(nil, "text::%06d", i), []byte(owner)); err != nil {
				return err
			}
		}
		return b.Put([]byte("text::lost"), []byte("no-such-article"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func dupKeys(t *testing.T, ix *Index) (legacy, current int) {
	t.Helper()
	ix.records.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDupKeys).ForEach(func(k, _ []byte) error {
			switch {
			case strings.HasPrefix(string(k), "text:"):
				legacy++
			case strings.HasPrefix(string(k), corpus.DuplicateKeyText):
				current++
			}
			return nil
		})
	})
	return legacy, current
}

// TestLegacyTextKeysAreRekeyed opens an archive whose duplicate keys were written
// the old way (the same text from any outlet was a duplicate): the keys are filed
// anew under the outlet, a migration cut short goes on at the next open, and then
// the second outlet's copy is stored while the same outlet's is a duplicate.
func TestLegacyTextKeysAreRekeyed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := mustOpen(t, dir)
	alpha, beta := syndicated()
	grain := corpus.Article{ID: "grain", Outlet: "Ledger", Title: "Wheat", Body: otherStory, Published: wireDay}
	put := []corpus.Article{alpha, grain}
	if _, err := ix.Put(ctx, put); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	writeLegacyTextKeys(t, dir, migrateBatch+5, "grain")

	// Under the old keys, the second outlet's copy was a duplicate.
	recs, err := openRecords(dir, time.Second, false)
	if err != nil {
		t.Fatal(err)
	}
	oldKey := "text:" + wireDay.Format(time.DateOnly) + ":" + legacyDigest(corpus.NormalizeText(beta.Body))
	owners, err := recs.duplicateOwners([]string{oldKey})
	if err != nil || owners[oldKey] != alpha.ID {
		t.Fatalf("the legacy key of the text is owned by %q (%v), want %s", owners[oldKey], err, alpha.ID)
	}
	// One batch, as an open cut short after it would leave it.
	if done, err := recs.rekeyBatch(); err != nil || done {
		t.Fatalf("first batch: done %v, %v", done, err)
	}
	recs.close()

	ix = mustOpen(t, dir)
	defer ix.Close()
	legacy, current := dupKeys(t, ix)
	if legacy != 0 || current != 2 {
		t.Errorf("after the migration: %d legacy text keys and %d current ones, want 0 and 2", legacy, current)
	}
	again := alpha
	again.ID = "alpha-again"
	got, err := ix.Put(ctx, []corpus.Article{again, beta})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []corpus.Outcome{corpus.Unchanged, corpus.Indexed}) {
		t.Errorf("the same outlet's copy, then another outlet's: %v, want duplicate, indexed", got)
	}
	b, err := ix.Article(ctx, beta.ID)
	if err != nil || b.Story != alpha.ID {
		t.Errorf("the second outlet's copy: story %q (%v), want %s's", b.Story, err, alpha.ID)
	}
}

// TestDeleteKeepsATombstone: a deleted article leaves search, facets, stories,
// related articles and exports; ingesting it again skips it, under its ID or
// another with the same URL or text; a rebuild and a backup keep it deleted; and
// restoring brings it back.
func TestDeleteKeepsATombstone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := mustOpen(t, dir)
	alpha, beta := syndicated()
	beta.URL = "https://beta.example/port"
	beta.Persons = []string{"Marcus Brandt"}
	grain := corpus.Article{ID: "grain", Outlet: "Ledger", Title: "Wheat", Body: otherStory, Published: wireDay}
	if _, err := ix.Put(ctx, []corpus.Article{alpha, beta, grain}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Delete(ctx, "no-such-id", "test"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("deleting an unknown ID: %v, want not_found", err)
	}
	gone, err := ix.Delete(ctx, beta.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if gone.Outlet != "Beta Herald" {
		t.Errorf("deleted %+v, want the Beta Herald copy", gone)
	}
	if _, err := ix.Delete(ctx, beta.ID, "test"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("deleting twice: %v, want not_found", err)
	}
	check := func(ix *Index, when string) {
		t.Helper()
		if n := count(t, ix); n != 2 {
			t.Errorf("%s: %d articles, want 2", when, n)
		}
		if f := outletValues(t, ix, corpus.Query{Text: "harbor"}); !slices.Equal(f, []string{"Daily Alpha=1"}) {
			t.Errorf("%s: outlet facet %v, want Daily Alpha only", when, f)
		}
		if _, err := ix.Article(ctx, beta.ID); corpus.ErrorCode(err) != corpus.ENotFound {
			t.Errorf("%s: the deleted article reads back: %v", when, err)
		}
		s, err := ix.Story(ctx, alpha.ID)
		if err != nil || len(s.Copies) != 1 || s.Summary != "Ran only in Daily Alpha." {
			t.Errorf("%s: story %+v %v, want alpha alone", when, s, err)
		}
		rel, err := ix.Related(ctx, alpha.ID, 5)
		if err != nil || len(rel.Copies) != 0 {
			t.Errorf("%s: related copies %+v %v, want none", when, rel.Copies, err)
		}
		var exported []string
		if err := ix.Export(ctx, corpus.Query{}, func(h corpus.Hit) error { exported = append(exported, h.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(exported, beta.ID) || len(exported) != 2 {
			t.Errorf("%s: exported %v", when, exported)
		}
		byURL := beta
		byURL.ID = "beta-from-another-feed"
		byText := beta
		byText.ID, byText.URL = "beta-scraped", ""
		got, err := ix.Put(ctx, []corpus.Article{beta, byURL, byText})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []corpus.Outcome{corpus.Deleted, corpus.Deleted, corpus.Deleted}) {
			t.Errorf("%s: ingesting the deleted article again (its ID, its URL, its text): %v, want skipped", when, got)
		}
		if people, err := ix.PersonCounts(); err != nil || people["Marcus Brandt"] != 0 {
			t.Errorf("%s: person counts %v %v, want none for the deleted article's person", when, people, err)
		}
		if n, err := ix.Tombstones(); err != nil || n != 1 {
			t.Errorf("%s: %d tombstones (%v), want 1", when, n, err)
		}
	}
	check(ix, "after the delete")
	backup := filepath.Join(t.TempDir(), "copy")
	if err := ix.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	ix = mustOpen(t, dir)
	check(ix, "reopened")
	ix.Close()
	if _, err := Rebuild(ctx, dir, RebuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix = mustOpen(t, dir)
	check(ix, "after a rebuild")
	cp := mustOpen(t, backup)
	check(cp, "in the backup")
	cp.Close()

	got, err := ix.PutRestoring(ctx, []corpus.Article{beta})
	if err != nil || !slices.Equal(got, []corpus.Outcome{corpus.Indexed}) {
		t.Fatalf("restoring: %v %v, want indexed", got, err)
	}
	if f := outletValues(t, ix, corpus.Query{Text: "harbor"}); !slices.Equal(f, []string{"Beta Herald=1", "Daily Alpha=1"}) {
		t.Errorf("restored: outlet facet %v", f)
	}
	if n, _ := ix.Tombstones(); n != 0 {
		t.Errorf("restored: %d tombstones left", n)
	}
	if got, _ := ix.Put(ctx, []corpus.Article{beta}); !slices.Equal(got, []corpus.Outcome{corpus.Unchanged}) {
		t.Errorf("the restored article sent again: %v, want duplicate", got)
	}
	ix.Close()
	ix = mustOpen(t, dir)
	defer ix.Close()
	if n := count(t, ix); n != 3 {
		t.Errorf("reopened after the restore: %d articles, want 3", n)
	}
}

// TestDeletionLoggedButNotIndexedIsAppliedOnOpen: a crash after the deletion's
// commit and before its index batch leaves the document; the next open removes it.
func TestDeletionLoggedButNotIndexedIsAppliedOnOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := mustOpen(t, dir)
	if _, err := ix.Put(ctx, []corpus.Article{article("a", "harbor quay"), article("b", "ferry timetable")}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := ix.records.delete("a", "test", time.Now(), ix.persisted.Load()); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix = mustOpen(t, dir)
	defer ix.Close()
	if n := count(t, ix); n != 1 {
		t.Errorf("%d articles after the open, want 1", n)
	}
	if res, err := ix.Search(ctx, corpus.Query{Text: "harbor"}); err != nil || res.Total != 0 {
		t.Errorf("search for the deleted article: %+v %v", res, err)
	}
	if h := ix.Health(); h.Degraded() {
		t.Errorf("degraded: %+v", h)
	}
	var nf *corpus.Error
	if _, err := ix.Article(ctx, "a"); !errors.As(err, &nf) || nf.Code != corpus.ENotFound {
		t.Errorf("the deleted article: %v", err)
	}
}

// withDeletedCopy returns an archive holding the syndicated copies, the second
// deleted.
func withDeletedCopy(t *testing.T) (dir string, ix *Index, alpha, beta corpus.Article) {
	t.Helper()
	dir = t.TempDir()
	ix = mustOpen(t, dir)
	alpha, beta = syndicated()
	if _, err := ix.Put(context.Background(), []corpus.Article{alpha, beta}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Delete(context.Background(), beta.ID, "test"); err != nil {
		t.Fatal(err)
	}
	return dir, ix, alpha, beta
}

// TestTombstonesOutlastCheckAndSalvage: an archive with a deleted article checks
// healthy, and a salvage of its record store (archive repair) keeps the
// tombstone.
func TestTombstonesOutlastCheckAndSalvage(t *testing.T) {
	ctx := context.Background()
	dir, ix, alpha, beta := withDeletedCopy(t)
	ix.Close()
	rep, err := Check(ctx, dir, CheckOptions{})
	if err != nil || !rep.Healthy() {
		t.Fatalf("check after a delete: %+v %v", rep, err)
	}
	if n, _, err := salvage(ctx, dir, time.Second, nil, 1); err != nil || n != 1 {
		t.Fatalf("salvage: %d records, %v; want 1", n, err)
	}
	ix = mustOpen(t, dir)
	defer ix.Close()
	if got, err := ix.Put(ctx, []corpus.Article{alpha, beta}); err != nil || !slices.Equal(got, []corpus.Outcome{corpus.Unchanged, corpus.Deleted}) {
		t.Errorf("after the salvage, the file again: %v %v; want duplicate, skipped", got, err)
	}
}

// TestRestoreUnderAnotherID: a deleted article's text brought back under another
// ID (with --restore) is stored; the deleted ID keeps its tombstone, so that the
// log's record of the deletion stays readable and the old ID stays deleted.
func TestRestoreUnderAnotherID(t *testing.T) {
	ctx := context.Background()
	dir, ix, _, beta := withDeletedCopy(t)
	again := beta
	again.ID = "beta-from-the-feed"
	if got, err := ix.Put(ctx, []corpus.Article{again}); err != nil || !slices.Equal(got, []corpus.Outcome{corpus.Deleted}) {
		t.Fatalf("the deleted text under another ID: %v %v, want skipped", got, err)
	}
	if got, err := ix.PutRestoring(ctx, []corpus.Article{again}); err != nil || !slices.Equal(got, []corpus.Outcome{corpus.Indexed}) {
		t.Fatalf("restored under another ID: %v %v, want indexed", got, err)
	}
	ix.Close()
	ix = mustOpen(t, dir)
	defer ix.Close()
	if n, _ := ix.Tombstones(); n != 1 {
		t.Errorf("%d tombstones, want the deleted ID's", n)
	}
	if got, _ := ix.Put(ctx, []corpus.Article{beta, again}); !slices.Equal(got, []corpus.Outcome{corpus.Deleted, corpus.Unchanged}) {
		t.Errorf("the deleted ID and the restored copy again: %v, want skipped, duplicate", got)
	}
	if n := count(t, ix); n != 2 {
		t.Errorf("%d articles, want 2", n)
	}
}
