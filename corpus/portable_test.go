package corpus

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
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
