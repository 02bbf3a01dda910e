package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mmcdole/gofeed"
)

// format is the kind of content a file holds.
type format int

const (
	formatUnknown format = iota
	formatText
	formatMarkdown
	formatJSON  // one object, an array of objects, objects one per line, or a JSON Feed
	formatJSONL // one object per line
	formatHTML
	formatFeed // RSS, Atom or JSON Feed
	formatXML  // a feed when it is one (sniffed), else not read
	formatWARC
	formatZip
	formatTar
	// formatFeedItem is one item of a feed: its metadata in item.meta, its
	// content (HTML or text) in item.data.
	formatFeedItem
)

// formatOf names the format by the file's extension, looking through .gz.
func formatOf(name string) (f format, gzipped bool) {
	name = strings.ToLower(name)
	if strings.HasSuffix(name, ".tgz") {
		return formatTar, true
	}
	if strings.HasSuffix(name, ".gz") {
		gzipped = true
		name = strings.TrimSuffix(name, ".gz")
	}
	switch path.Ext(name) {
	case ".txt", ".text":
		return formatText, gzipped
	case ".md", ".markdown":
		return formatMarkdown, gzipped
	case ".json":
		return formatJSON, gzipped
	case ".jsonl", ".ndjson":
		return formatJSONL, gzipped
	case ".html", ".htm", ".xhtml":
		return formatHTML, gzipped
	case ".rss", ".atom":
		return formatFeed, gzipped
	case ".xml":
		return formatXML, gzipped
	case ".warc":
		return formatWARC, gzipped
	case ".zip":
		return formatZip, gzipped
	case ".tar":
		return formatTar, gzipped
	}
	return formatUnknown, gzipped
}

// readableKinds lists the formats for messages.
const readableKinds = ".txt, .md, .json, .jsonl, .ndjson, .html, .htm, .rss, .atom, .xml feeds, .warc, .zip, .tar and .tgz, and their .gz"

// sniff guesses the format of unnamed input (standard input) from its first bytes,
// already decompressed.
func sniff(head []byte) format {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return formatZip
	}
	if len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")) {
		return formatTar
	}
	if bytes.HasPrefix(head, []byte("WARC/")) {
		return formatWARC
	}
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(head) == 0:
		return formatText
	case head[0] == '{' || head[0] == '[':
		return formatJSON
	case head[0] == '<':
		if isXMLFeed(head) {
			return formatFeed
		}
		return formatHTML
	}
	return formatText
}

// isXMLFeed tells whether a document's root element is that of an RSS or Atom
// feed, from its first few KiB.
func isXMLFeed(head []byte) bool {
	switch gofeed.DetectFeedType(bytes.NewReader(head)) {
	case gofeed.FeedTypeRSS, gofeed.FeedTypeAtom:
		return true
	}
	return false
}

// input is one file (or standard input, or an entry of an archive) to read.
type input struct {
	name    string // as the user knows it: the path, "-" for standard input, "a.zip!dir/x.html" for an entry
	size    int64  // bytes on disk, for progress; 0 when unknown
	format  format
	gzipped bool
	// found is set for files found in a directory or an archive rather than named
	// by the user: one that turns out not to be of a readable kind is ignored, not
	// rejected.
	found bool
	open  func() (io.ReadCloser, error)
	// expanded is the size the input states it holds once decompressed (an
	// archive entry's header, a file's size), which sizes the buffer it is read
	// into; 0 when unknown. It may lie.
	expanded int64
}

// stdinName is how standard input is named in paths and in the summary.
const stdinName = "-"

// listPaths expands the paths a user named: files as they are, directories
// recursively (hidden files and folders left out), and "-" for stdin. Files of a
// kind the archive does not read are counted in ignored when found in a directory,
// and rejected when named.
func listPaths(paths []string, stdin io.Reader) (inputs []input, rejected []Rejection, ignored int) {
	for _, p := range paths {
		if p == stdinName {
			inputs = append(inputs, input{name: stdinName, open: func() (io.ReadCloser, error) {
				if stdin == nil {
					return io.NopCloser(strings.NewReader("")), nil
				}
				return io.NopCloser(stdin), nil
			}})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			rejected = append(rejected, Rejection{Source: p, Reason: describeOpenError(err)})
			continue
		}
		if !info.IsDir() {
			in, ok := osInput(p, info)
			if !ok {
				rejected = append(rejected, Rejection{Source: p, Reason: unsupportedReason})
				continue
			}
			inputs = append(inputs, in)
			continue
		}
		err = WalkFiles(p, func(name string, info fs.FileInfo, err error) {
			if err != nil {
				rejected = append(rejected, Rejection{Source: name, Reason: describeOpenError(err)})
				return
			}
			in, ok := osInput(name, info)
			if !ok {
				ignored++
				return
			}
			in.found = true
			inputs = append(inputs, in)
		})
		if err != nil {
			rejected = append(rejected, Rejection{Source: p, Reason: describeOpenError(err)})
		}
	}
	return inputs, rejected, ignored
}

// WalkFiles calls visit for every regular file under root, recursively, leaving
// out hidden files and folders (names starting with "."), as ingest and the
// watcher read directories. A file that cannot be examined is visited with its
// error; WalkFiles returns an error only when root itself cannot be walked.
func WalkFiles(root string, visit func(path string, info fs.FileInfo, err error)) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			visit(path, nil, err)
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		visit(path, info, err)
		return nil
	})
}

const unsupportedReason = "not a format the archive reads: use " + readableKinds

func osInput(name string, info fs.FileInfo) (input, bool) {
	f, gz := formatOf(name)
	if f == formatUnknown {
		return input{}, false
	}
	in := input{name: name, size: info.Size(), format: f, gzipped: gz, open: func() (io.ReadCloser, error) {
		return os.Open(name)
	}}
	if !gz {
		in.expanded = in.size
	}
	return in, true
}

// listFS lists the readable files of fsys, for the built-in sample and tests.
func listFS(fsys fs.FS) ([]input, error) {
	var inputs []input
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, gz := formatOf(name)
		if d.IsDir() || f == formatUnknown {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		inputs = append(inputs, input{name: name, size: info.Size(), format: f, gzipped: gz, found: true, open: func() (io.ReadCloser, error) {
			return fsys.Open(name)
		}})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: list files: %w", err)
	}
	return inputs, nil
}

func describeOpenError(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file or directory: check the path"
	case os.IsPermission(err):
		return "permission denied: make the file readable for this user"
	}
	return err.Error()
}

// countingReader counts the bytes read through it, for the progress bar.
type countingReader struct {
	r io.Reader
	n func(int64)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n(int64(n))
	return n, err
}

// countingReaderAt counts the bytes read through it, for a zip file on disk.
type countingReaderAt struct {
	r io.ReaderAt
	n func(int64)
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n(int64(n))
	return n, err
}

func noCount(int64) {}

// openInput opens in for reading its content, decompressed: a .gz name, or gzip
// magic at the start of any input, is gunzipped. Bytes read from disk are reported
// to counted.
func openInput(in input, counted func(int64)) (*bufio.Reader, func() error, error) {
	rc, err := in.open()
	if err != nil {
		return nil, nil, fmt.Errorf("%s", describeOpenError(err))
	}
	br := bufio.NewReaderSize(countingReader{r: rc, n: counted}, 64<<10)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, nil, fmt.Errorf("not a valid gzip file (%v): check that it was fully downloaded", err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	} else if in.gzipped {
		rc.Close()
		return nil, nil, fmt.Errorf("is named .gz but is not gzip-compressed: rename it or compress it")
	}
	return br, rc.Close, nil
}
