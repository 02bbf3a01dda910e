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
)

// format is the kind of content a file holds.
type format int

const (
	formatUnknown format = iota
	formatText
	formatJSON  // one object, an array of objects, or objects one per line
	formatJSONL // one object per line
	formatHTML
)

// formatOf names the format by the file's extension, looking through .gz.
func formatOf(name string) (f format, gzipped bool) {
	name = strings.ToLower(name)
	if strings.HasSuffix(name, ".gz") {
		gzipped = true
		name = strings.TrimSuffix(name, ".gz")
	}
	switch path.Ext(name) {
	case ".txt", ".text", ".md":
		return formatText, gzipped
	case ".json":
		return formatJSON, gzipped
	case ".jsonl", ".ndjson":
		return formatJSONL, gzipped
	case ".html", ".htm", ".xhtml":
		return formatHTML, gzipped
	}
	return formatUnknown, gzipped
}

// sniff guesses the format of unnamed input (standard input) from its first bytes.
func sniff(head []byte) format {
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(head) == 0:
		return formatText
	case head[0] == '{' || head[0] == '[':
		return formatJSON
	case head[0] == '<':
		return formatHTML
	}
	return formatText
}

// input is one file (or standard input) to read.
type input struct {
	name    string // as the user knows it: the path, or "-" for standard input
	size    int64  // bytes on disk, for progress; 0 when unknown
	format  format
	gzipped bool
	open    func() (io.ReadCloser, error)
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
		err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				rejected = append(rejected, Rejection{Source: name, Reason: describeOpenError(err)})
				return nil
			}
			if name != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				rejected = append(rejected, Rejection{Source: name, Reason: describeOpenError(err)})
				return nil
			}
			in, ok := osInput(name, info)
			if !ok {
				ignored++
				return nil
			}
			inputs = append(inputs, in)
			return nil
		})
		if err != nil {
			rejected = append(rejected, Rejection{Source: p, Reason: describeOpenError(err)})
		}
	}
	return inputs, rejected, ignored
}

const unsupportedReason = "not a format the archive reads: use .txt, .md, .json, .jsonl, .ndjson, .html or .htm, optionally gzipped (.gz)"

func osInput(name string, info fs.FileInfo) (input, bool) {
	f, gz := formatOf(name)
	if f == formatUnknown {
		return input{}, false
	}
	return input{name: name, size: info.Size(), format: f, gzipped: gz, open: func() (io.ReadCloser, error) {
		return os.Open(name)
	}}, true
}

// listFS lists the readable files of fsys, for the built-in sample.
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
		inputs = append(inputs, input{name: name, size: info.Size(), format: f, gzipped: gz, open: func() (io.ReadCloser, error) {
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

// openInput opens in for reading its content: decompressed, and with the format
// settled (standard input is sniffed). Bytes read from disk are reported to counted.
func openInput(in input, counted func(int64)) (io.Reader, format, func() error, error) {
	rc, err := in.open()
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s", describeOpenError(err))
	}
	var r io.Reader = countingReader{r: rc, n: counted}
	br := bufio.NewReaderSize(r, 64<<10)
	gzipped := in.gzipped
	if in.name == stdinName {
		head, _ := br.Peek(2)
		gzipped = len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b
	}
	r = br
	if gzipped {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, 0, nil, fmt.Errorf("not a valid gzip file (%v): check that it was fully downloaded", err)
		}
		r = bufio.NewReaderSize(zr, 64<<10)
	}
	f := in.format
	if f == formatUnknown {
		head, _ := r.(*bufio.Reader).Peek(512)
		f = sniff(head)
	}
	return r, f, rc.Close, nil
}
