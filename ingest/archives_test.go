package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func article(title string) []byte {
	return []byte(title + "\n\nThe harbor board met on Tuesday to discuss " + title + ".\n")
}

// TestArchiveLimits checks the limits that stop zip bombs and the nesting of
// archives.
func TestArchiveLimits(t *testing.T) {
	// big is 1 MiB of text that deflates to about 1 KiB.
	big := func(title string) []byte {
		return append(article(title), bytes.Repeat([]byte("and again "), 1<<17)...)[:1<<20]
	}
	many := map[string][]byte{}
	for i := range 30 {
		many[strings.Repeat("x", i+1)+".txt"] = article(strings.Repeat("y", i+1))
	}
	for _, tc := range []struct {
		name     string
		fsys     fstest.MapFS
		opts     Options
		stored   int
		rejected []string // source: reason part
	}{
		{name: "entry count", fsys: fstest.MapFS{"a.zip": {Data: zipOf(many)}}, opts: Options{MaxArchiveEntries: 10},
			stored: 10, rejected: []string{"a.zip: has more than 10 entries"}},
		{name: "entry count tar", fsys: fstest.MapFS{"a.tgz": {Data: tarGzOf(many)}}, opts: Options{MaxArchiveEntries: 10},
			stored: 10, rejected: []string{"a.tgz: has more than 10 entries"}},
		{name: "expansion", fsys: fstest.MapFS{"a.zip": {Data: zipOf(map[string][]byte{"1.txt": big("One"), "2.txt": big("Two"), "3.txt": big("Three"), "4.txt": big("Four")})}},
			opts: Options{MaxArchiveBytes: 2<<20 + 100}, stored: 2,
			rejected: []string{"a.zip!3.txt: cannot be read: archive expands beyond the limit", "a.zip: expands to more than 2 MiB"}},
		{name: "expansion tar.gz", fsys: fstest.MapFS{"a.tar.gz": {Data: tarGzOf(map[string][]byte{"1.txt": big("One"), "2.txt": big("Two"), "3.txt": big("Three")})}},
			opts: Options{MaxArchiveBytes: 2 << 20}, stored: 1, rejected: []string{"a.tar.gz!2.txt: cannot be read", "a.tar.gz: expands to more than 2 MiB"}},
		{name: "entry size", fsys: fstest.MapFS{"a.zip": {Data: zipOf(map[string][]byte{"big.txt": big("Big"), "small.txt": article("Small")})}},
			opts: Options{MaxFileBytes: 1 << 19}, stored: 1, rejected: []string{"a.zip!big.txt: is larger than the 524288 bytes limit"}},
		{name: "nested twice is read", fsys: fstest.MapFS{"a.zip": {Data: zipOf(map[string][]byte{"b.tar.gz": tarGzOf(map[string][]byte{"c.txt": article("Deep")})})}},
			stored: 1},
		{name: "nested three times is not", fsys: fstest.MapFS{"a.zip": {Data: zipOf(map[string][]byte{"b.zip": zipOf(map[string][]byte{"c.zip": zipOf(map[string][]byte{"d.txt": article("Deeper")})})})}},
			rejected: []string{"a.zip!b.zip!c.zip: is an archive inside an archive inside an archive"}},
		{name: "not a zip", fsys: fstest.MapFS{"a.zip": {Data: []byte("PK\x03\x04 broken")}}, rejected: []string{"a.zip: is not a valid zip archive"}},
		{name: "not a tar", fsys: fstest.MapFS{"a.tar": {Data: bytes.Repeat([]byte("x"), 1024)}}, rejected: []string{"a.tar: is not a valid tar archive from entry 1 on"}},
		{name: "empty zip", fsys: fstest.MapFS{"a.zip": {Data: zipOf(nil)}}, rejected: []string{"a.zip: is an empty zip archive"}},
		{name: "zip in gzip", fsys: fstest.MapFS{"a.zip.gz": {Data: gz(zipOf(map[string][]byte{"x.txt": article("Gzipped zip")}))}}, stored: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink, s := runFS(t, tc.fsys, tc.opts)
			if len(sink.articles) != tc.stored {
				t.Errorf("stored %d, want %d", len(sink.articles), tc.stored)
			}
			var got []string
			for _, r := range s.Rejected {
				got = append(got, r.String())
			}
			if len(got) != len(tc.rejected) {
				t.Fatalf("rejected %q, want %q", got, tc.rejected)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.rejected[i]) {
					t.Errorf("rejected %q, want %q", got[i], tc.rejected[i])
				}
			}
		})
	}
}

// TestZipOnDisk reads a zip file in place (as a file on disk is), counting its
// bytes for progress.
func TestZipOnDisk(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "clips.zip")
	if err := os.WriteFile(p, zipOf(map[string][]byte{"a.txt": article("Alpha"), "b.md": article("Beta"), "c.bin": {0, 1}}), 0o644); err != nil {
		t.Fatal(err)
	}
	sink := &collectSink{}
	var last Progress
	s, err := Run(context.Background(), Options{Sink: sink, Progress: func(p Progress) { last = p }}, p)
	if err != nil || len(s.Rejected) > 0 {
		t.Fatalf("Run: %v, rejected %v", err, s.Rejected)
	}
	var got []string
	for _, a := range sink.articles {
		got = append(got, a.Source+" "+a.Title)
	}
	want := []string{p + "!a.txt Alpha", p + "!b.md Beta"}
	if diff := cmp.Diff(want, sortedStrings(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s.Ignored != 1 {
		t.Errorf("ignored %d, want 1 (c.bin)", s.Ignored)
	}
	if last.BytesRead == 0 || last.BytesTotal == 0 {
		t.Errorf("progress %d of %d bytes, want both counted", last.BytesRead, last.BytesTotal)
	}
}

func sortedStrings(s []string) []string {
	s = append([]string(nil), s...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
