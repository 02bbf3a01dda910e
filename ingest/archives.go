package ingest

import (
	"archive/tar"
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxArchiveDepth is how deep archives nest: an archive inside an archive is
// read, one inside that is not.
const maxArchiveDepth = 2

// errArchiveBudget is returned by reads past Options.MaxArchiveBytes.
var errArchiveBudget = errors.New("archive expands beyond the limit")

// budgetReader charges what is read through it to the archive being read, and
// fails once the archive has expanded beyond its limit: a zip bomb stops there.
type budgetReader struct {
	r   io.Reader
	rdr *reader
}

func (b budgetReader) Read(p []byte) (int, error) {
	left := b.rdr.archiveLeft
	if left < 0 {
		return 0, errArchiveBudget
	}
	if int64(len(p)) > left+1 {
		p = p[:left+1]
	}
	n, err := b.r.Read(p)
	b.rdr.archiveLeft -= int64(n)
	if b.rdr.archiveLeft < 0 {
		return n, errArchiveBudget
	}
	return n, err
}

type budgetReadCloser struct {
	budgetReader
	io.Closer
}

func (r *reader) budgetReason() string {
	return fmt.Sprintf("expands to more than %s: the rest of it is not read (a zip bomb, or raise the limit)", gib(r.maxArchiveBytes))
}

func gib(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return mib(n)
}

// streamed tells the formats read piece by piece, to which the size limit of a
// file applies per line, record or entry rather than to the whole.
func streamed(f format) bool {
	return f == formatJSONL || f == formatWARC || f == formatTar
}

// entryInput makes the input for one entry of an archive, or reports false for an
// entry to skip: a hidden file, a folder, a link, or (counted as ignored) a file of
// a kind the archive does not read.
func (r *reader) entryInput(archive, name string, open func() (io.ReadCloser, error)) (input, bool) {
	clean := strings.TrimPrefix(path.Clean("/"+name), "/")
	if clean == "" || hiddenEntry(clean) {
		return input{}, false
	}
	f, gz := formatOf(clean)
	if f == formatUnknown {
		r.ignored.Add(1)
		return input{}, false
	}
	return input{name: archive + "!" + clean, format: f, gzipped: gz, found: true, open: open}, true
}

// hiddenEntry tells entries a directory listing would hide: dot files and macOS
// resource forks (__MACOSX/, ._name).
func hiddenEntry(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			return true
		}
	}
	return false
}

// readZipInPlace reads a zip file that can be read at random (a file on disk)
// without loading it; it reports handled false when the input cannot be, and must
// be loaded into memory.
func (r *reader) readZipInPlace(in input, depth int, counted func(int64)) (more, handled bool) {
	if in.size <= 0 {
		return true, false
	}
	rc, err := in.open()
	if err != nil {
		return r.reject(in.name, describeOpenError(err)), true
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		return true, false
	}
	return r.readZip(in.name, countingReaderAt{r: ra, n: counted}, in.size, depth), true
}

// readZip reads every entry of a zip archive as the file it holds.
func (r *reader) readZip(name string, ra io.ReaderAt, size int64, depth int) bool {
	if depth >= maxArchiveDepth {
		return r.reject(name, "is an archive inside an archive inside an archive: unpack it first")
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return r.reject(name, fmt.Sprintf("is not a valid zip archive (%v): check that it was fully downloaded", err))
	}
	if depth == 0 {
		r.archiveLeft = r.maxArchiveBytes
	}
	if len(zr.File) == 0 {
		return r.reject(name, "is an empty zip archive")
	}
	for i, f := range zr.File {
		if i >= r.maxEntries {
			return r.reject(name, fmt.Sprintf("has more than %d entries: the rest are not read", r.maxEntries))
		}
		if !f.Mode().IsRegular() {
			continue
		}
		in, ok := r.entryInput(name, f.Name, func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return budgetReadCloser{budgetReader{rc, r}, rc}, nil
		})
		if !ok {
			continue
		}
		if next, ret := r.readEntry(name, in, int64(min(f.UncompressedSize64, 1<<62)), depth); !next {
			return ret
		}
	}
	return true
}

// readEntry reads one entry of the archive called name, rejecting it when its
// stated size is over the limit for a file read whole. next says whether to go on
// with the archive's next entry; when not, ret is what reading the archive returns
// (false when ctx ended; the archive is rejected when its budget of expanded bytes
// ran out).
func (r *reader) readEntry(name string, in input, size int64, depth int) (next, ret bool) {
	if !streamed(in.format) && !in.gzipped && size > r.maxBytes {
		sent := r.reject(in.name, r.tooLarge())
		return sent, sent
	}
	if !in.gzipped {
		in.expanded = size
	}
	if !r.read(in, depth+1, noCount) {
		return false, false
	}
	if r.archiveLeft < 0 {
		return false, r.reject(name, r.budgetReason())
	}
	return true, true
}

// readTar reads every regular file of a tar stream as the file it holds.
func (r *reader) readTar(name string, src io.Reader, depth int) bool {
	if depth >= maxArchiveDepth {
		return r.reject(name, "is an archive inside an archive inside an archive: unpack it first")
	}
	if depth == 0 {
		r.archiveLeft = r.maxArchiveBytes
		src = budgetReader{src, r}
	}
	tr := tar.NewReader(src)
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			if n == 0 {
				return r.reject(name, "is an empty tar archive")
			}
			return true
		}
		if errors.Is(err, errArchiveBudget) || r.archiveLeft < 0 {
			return r.reject(name, r.budgetReason())
		}
		if err != nil {
			return r.reject(name, fmt.Sprintf("is not a valid tar archive from entry %d on (%v): check that it was fully downloaded", n+1, err))
		}
		if n >= r.maxEntries {
			return r.reject(name, fmt.Sprintf("has more than %d entries: the rest are not read", r.maxEntries))
		}
		if !hdr.FileInfo().Mode().IsRegular() {
			continue
		}
		in, ok := r.entryInput(name, hdr.Name, func() (io.ReadCloser, error) { return io.NopCloser(tr), nil })
		if !ok {
			continue
		}
		if next, ret := r.readEntry(name, in, hdr.Size, depth); !next {
			return ret
		}
	}
}
