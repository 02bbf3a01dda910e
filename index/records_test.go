package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/article-archive/archive/corpus"
)

func article(id, body string) corpus.Article {
	return corpus.Article{ID: id, Title: "Title of " + id, Body: body, Outlet: "Test Wire"}
}

func mustOpen(t *testing.T, dir string) *Index {
	t.Helper()
	ix, err := Open(dir, Options{ExtractorVersion: "test-1"})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func count(t *testing.T, ix *Index) uint64 {
	t.Helper()
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRecordsWithoutIndexAreIndexedOnOpen writes records the way a Put does and
// stops before the index batch, as a crash there would: the next Open indexes them.
func TestRecordsWithoutIndexAreIndexedOnOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := mustOpen(t, dir)
	if _, err := ix.Put(ctx, []corpus.Article{article("a", "harbor quay")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.records.put([]corpus.Article{article("b", "ferry timetable"), article("a", "harbor quay changed")}, nil, ix.persisted.Load()); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = mustOpen(t, dir)
	defer ix.Close()
	if n := count(t, ix); n != 2 {
		t.Errorf("count %d, want 2", n)
	}
	for id, word := range map[string]string{"b": "ferry", "a": "changed"} {
		res, err := ix.Search(ctx, corpus.Query{Text: word})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || res.Hits[0].ID != id {
			t.Errorf("%s: %+v, want %s once", word, res.Hits, id)
		}
	}
	// Sending them again adds nothing.
	out, err := ix.Put(ctx, []corpus.Article{article("b", "ferry timetable")})
	if err != nil || out[0] != corpus.Unchanged {
		t.Errorf("re-sent b: %v %v", out, err)
	}
}

// TestFailedIndexBatchIsRepairedByTheNextPut: records stored whose batch did not
// reach the index go in with the next write.
func TestFailedIndexBatchIsRepairedByTheNextPut(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t, t.TempDir())
	defer ix.Close()
	if _, err := ix.records.put([]corpus.Article{article("lost", "lighthouse keeper")}, nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Put(ctx, []corpus.Article{article("next", "harbor")}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 2 {
		t.Errorf("count %d, want 2", n)
	}
}

// TestStorageFailuresAreClearAndStoreNothing injects a full disk and a read-only
// file system into the record store (tests run as root here, where chmod stops
// nothing; the process test TestDiskFullAndReadOnly uses a real tmpfs).
func TestStorageFailuresAreClearAndStoreNothing(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t, t.TempDir())
	defer ix.Close()
	if _, err := ix.Put(ctx, []corpus.Article{article("a", "harbor")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		errno syscall.Errno
		code  string
		says  string
	}{
		{syscall.ENOSPC, corpus.EStorageFull, "is full"},
		{syscall.EROFS, corpus.EStorageFailed, "cannot be written"},
		{syscall.EIO, corpus.EStorageFailed, "could not store"},
	} {
		ix.records.fail = func() error { return &os.PathError{Op: "write", Path: RecordsFile, Err: c.errno} }
		_, err := ix.Put(ctx, []corpus.Article{article("b", "ferry")})
		if corpus.ErrorCode(err) != c.code || !errors.Is(err, c.errno) {
			t.Errorf("%v: error %v (code %s), want code %s wrapping the cause", c.errno, err, corpus.ErrorCode(err), c.code)
		}
		if msg := corpus.ErrorMessage(err); !strings.Contains(msg, c.says) || !strings.Contains(msg, "searches still work") {
			t.Errorf("%v: message %q", c.errno, msg)
		}
		if n := count(t, ix); n != 1 {
			t.Errorf("%v: count %d after a failed write, want 1", c.errno, n)
		}
		if res, err := ix.Search(ctx, corpus.Query{Text: "harbor"}); err != nil || res.Total != 1 {
			t.Errorf("%v: search during the failure: %v %v", c.errno, res, err)
		}
	}
	ix.records.fail = nil
	out, err := ix.Put(ctx, []corpus.Article{article("b", "ferry")})
	if err != nil || out[0] != corpus.Indexed {
		t.Errorf("after the disk is fixed: %v %v", out, err)
	}
}

// TestRebuildFromRecords rebuilds the index, with and without re-extraction, and
// rebuilds a deleted one on Open.
func TestRebuildFromRecords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := mustOpen(t, dir)
	arts := []corpus.Article{article("a", "harbor quay"), article("b", "ferry timetable"), article("c", "lighthouse")}
	if _, err := ix.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	stats, err := Rebuild(ctx, dir, RebuildOptions{
		Options:   Options{ExtractorVersion: "test-2"},
		ReExtract: func(a *corpus.Article) { a.Persons = []string{"Helena Okafor"} },
	})
	if err != nil || stats.Articles != 3 || stats.ReExtracted != 3 {
		t.Fatalf("rebuild: %+v %v", stats, err)
	}
	ix = mustOpen(t, dir)
	a, err := ix.Article(ctx, "b")
	if err != nil || a.Extractor != "test-2" || len(a.Persons) != 1 {
		t.Errorf("re-extracted b: %+v %v", a, err)
	}
	ix.Close()

	if err := os.RemoveAll(filepath.Join(dir, Dir)); err != nil {
		t.Fatal(err)
	}
	ix = mustOpen(t, dir)
	defer ix.Close()
	if n := count(t, ix); n != 3 {
		t.Errorf("after rebuilding a deleted index: %d articles, want 3", n)
	}
	if res, err := ix.Search(ctx, corpus.Query{Persons: []string{"Helena Okafor"}}); err != nil || res.Total != 3 {
		t.Errorf("person filter after the rebuild: %v %v", res, err)
	}
}

// TestInterruptedSwapIsUndone: a rebuild that moved the old index aside and died
// leaves the old index in place for the next Open.
func TestInterruptedSwapIsUndone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := mustOpen(t, dir)
	if _, err := ix.Put(ctx, []corpus.Article{article("a", "harbor")}); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := os.Rename(filepath.Join(dir, Dir), filepath.Join(dir, oldDir)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, rebuildDir), 0o755); err != nil {
		t.Fatal(err)
	}
	ix = mustOpen(t, dir)
	defer ix.Close()
	if n := count(t, ix); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(dir, rebuildDir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the half-built index is still there: %v", err)
	}
}

// TestIndexFromBeforeTheRecordStoreIsCopiedIntoIt opens an index made without a
// record store.
func TestIndexFromBeforeTheRecordStoreIsCopiedIntoIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// Archives of that time stored the articles in the index.
	m := newMapping().(*mapping.IndexMappingImpl)
	for _, p := range m.DefaultMapping.Properties {
		for _, fm := range p.Fields {
			fm.Store = true
		}
	}
	b, err := bleve.New(filepath.Join(dir, Dir), m)
	if err != nil {
		t.Fatal(err)
	}
	a := article("old", "harbor quay")
	a.Persons = []string{"Helena Okafor", "Marcus Feld"}
	if err := b.Index(a.ID, document(&a)); err != nil {
		t.Fatal(err)
	}
	b.Close()

	ix := mustOpen(t, dir)
	if n, err := ix.records.count(); err != nil || n != 1 {
		t.Fatalf("records after opening an old index: %d %v", n, err)
	}
	// The same article sent again is a duplicate: the copied record matches.
	out, err := ix.Put(ctx, []corpus.Article{a})
	if err != nil || out[0] != corpus.Unchanged {
		t.Errorf("re-sent old article: %v %v", out, err)
	}
	ix.Close()
	if _, err := Rebuild(ctx, dir, RebuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix = mustOpen(t, dir)
	defer ix.Close()
	if got, err := ix.Article(ctx, "old"); err != nil || len(got.Persons) != 2 {
		t.Errorf("after a rebuild: %+v %v", got, err)
	}
}

// TestBackupOpens copies an open archive and opens the copy.
func TestBackupOpens(t *testing.T) {
	ctx := context.Background()
	ix := mustOpen(t, t.TempDir())
	defer ix.Close()
	if _, err := ix.Put(ctx, []corpus.Article{article("a", "harbor"), article("b", "ferry")}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy")
	if err := ix.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := ix.Backup(ctx, dest); err == nil {
		t.Errorf("a backup into a directory that is not empty went ahead")
	}
	cp := mustOpen(t, dest)
	defer cp.Close()
	if n := count(t, cp); n != 2 {
		t.Errorf("the copy holds %d articles, want 2", n)
	}
	if _, err := cp.Put(ctx, []corpus.Article{article("c", "lighthouse")}); err != nil {
		t.Errorf("writing to the copy: %v", err)
	}
}
