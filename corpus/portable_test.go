package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func portableFile(t *testing.T, write func(*PortableWriter)) string {
	t.Helper()
	var b bytes.Buffer
	w, err := NewPortableWriter(&b, "test", "here")
	if err != nil {
		t.Fatal(err)
	}
	write(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReadPortable(t *testing.T) {
	whole := portableFile(t, func(w *PortableWriter) {
		w.Write(KindArticle, Article{ID: "a1", Title: "One"})
		w.Write("saved_search", map[string]string{"id": "s1"})
		w.Write(KindArticle, Article{ID: "a2", Title: "Two"})
		w.Write(KindTombstone, Tombstone{ID: "gone"})
	})
	lines := strings.SplitAfter(whole, "\n")
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(whole))
	zw.Close()
	for _, c := range []struct {
		name, file string
		read, bad  int
		err        string
	}{
		{name: "whole", file: whole, read: 2},
		{name: "gzip", file: zipped.String(), read: 2},
		{name: "cut off", file: strings.Join(lines[:3], ""), read: 1, err: "cut off after line 3"},
		{name: "a line lost", file: lines[0] + lines[2] + lines[3] + lines[4] + lines[5], read: 1, err: "1 article records where its end counts 2"},
		{name: "a damaged line", file: lines[0] + `{"article":{"id":` + "\n" + strings.Join(lines[1:], ""), read: 2, bad: 1},
		{name: "not a backup", file: `{"id":"a1"}` + "\n", err: "is not a portable backup"},
		{name: "newer", file: strings.Replace(whole, `"version":1`, `"version":9`, 1), err: "version 9, newer"},
		{name: "empty", file: "", err: "is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			bad := 0
			s, err := ReadPortable(strings.NewReader(c.file), []string{KindArticle}, func(kind string, line int, raw json.RawMessage) error {
				var a Article
				json.Unmarshal(raw, &a)
				got = append(got, a.ID)
				return nil
			}, func(*PortableError) { bad++ })
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("err %v, want %q", err, c.err)
			}
			if len(got) != c.read || bad != c.bad {
				t.Errorf("read %v and %d bad lines, want %d and %d", got, bad, c.read, c.bad)
			}
			if c.name == "whole" && (s.Skipped["saved_search"] != 1 || s.Skipped[KindTombstone] != 1 || s.Header.Engine != "test") {
				t.Errorf("summary %+v: want the saved search and the tombstone skipped (not asked for)", s)
			}
		})
	}
}

// TestRestorePortable restores into an archive in memory that refuses one
// article: the others are stored in batches, the refused one is listed with its
// line, and a file cut off stores what it holds and says it was cut off.
func TestRestorePortable(t *testing.T) {
	n := PortableBatch + 20
	file := portableFile(t, func(w *PortableWriter) {
		for i := range n {
			w.Write(KindArticle, Article{ID: fmt.Sprintf("a%d", i), Title: "T"})
		}
		w.Write(KindTombstone, Tombstone{ID: "gone", Keys: []string{"k"}})
		w.Write(KindPersonEdit, map[string]string{"id": "e1"})
	})
	var stored []string
	var stones []Tombstone
	batches := 0
	target := PortableTarget{
		Articles: func(_ context.Context, batch []Article) (map[string]string, error) {
			batches++
			for _, a := range batch {
				stored = append(stored, a.ID)
			}
			return map[string]string{"a7": "refused for the test"}, nil
		},
		Tombstones: func(_ context.Context, batch []Tombstone) (map[string]string, error) {
			stones = append(stones, batch...)
			return nil, nil
		},
	}
	rep, err := RestorePortable(context.Background(), strings.NewReader(file), target)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stored[KindArticle] != int64(n-1) || rep.Stored[KindTombstone] != 1 || len(stones) != 1 || batches != 2 {
		t.Errorf("stored %v in %d batches, want %d articles and the tombstone in 2", rep.Stored, batches, n-1)
	}
	if len(rep.Refused) != 1 || !strings.Contains(rep.Refused[0], "line 9 (article a7): refused for the test") {
		t.Errorf("refused %q, want a7 with its line", rep.Refused)
	}
	if rep.Summary.Skipped[KindPersonEdit] != 1 {
		t.Errorf("skipped %v, want the person edit", rep.Summary.Skipped)
	}

	stored, batches = nil, 0
	lines := strings.SplitAfter(file, "\n")
	rep, err = RestorePortable(context.Background(), strings.NewReader(strings.Join(lines[:11], "")), target)
	if err == nil || !strings.Contains(err.Error(), "cut off") || len(stored) != 10 {
		t.Errorf("a file cut off after 10 articles: stored %d, err %v; want the 10 stored and the cut said", len(stored), err)
	}
}
