package main

import (
	"archive/tar"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/extract"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/server"
)

// archiveWriter is the server's Writer: records sent to the API go through the same
// ingest pipeline as files, into the index the server holds.
type archiveWriter struct {
	ix *index.Index
	// engine, when set, stores the records instead of ix: an engine that keeps
	// no data directory (OpenSearch: a Sink and a personRenamer), which has no backup.
	engine       ingest.Sink
	dataDir      string
	log          *slog.Logger
	maxFileBytes int64
	names        *extract.NameBook
	// shared, when set, gives the name book instead of names: a server that
	// shares its cluster reads the book again now and then (sharedNames).
	shared *sharedNames
}

// book is the name book of the next write.
func (w *archiveWriter) book() *extract.NameBook {
	if w.shared != nil {
		return w.shared.Book()
	}
	return w.names
}

var _ server.Writer = (*archiveWriter)(nil)

// writeBatchSize is smaller than a file ingest's, so that the records of a large
// request become searchable batch by batch while it is read.
const writeBatchSize = 200

func (w *archiveWriter) Write(ctx context.Context, name string, body io.Reader, emit func(server.RecordResult)) (server.WriteCounts, error) {
	// The pipeline reads files from an fs.FS; the body is one file of it, streamed,
	// under a stand-in name with the real one's extension (which gives the format).
	// Sources are renamed back before the articles are stored.
	stand := "body" + formatExt(name)
	file := &bodyFS{name: stand, r: body}
	// The sink (storing) and the pipeline (rejecting) report from two goroutines.
	var mu sync.Mutex
	report := func(r server.RecordResult) {
		mu.Lock()
		defer mu.Unlock()
		emit(r)
	}
	var target ingest.Sink = w.ix
	if w.engine != nil {
		target = w.engine
	}
	sink := &recordingSink{ix: target, from: stand, to: name, emit: report}
	book := w.book()
	s, err := ingest.RunFS(ctx, ingest.Options{
		Sink:         sink,
		Logger:       w.log,
		BatchSize:    writeBatchSize,
		MaxFileBytes: w.maxFileBytes,
		Names:        book,
		Problems: func(r ingest.Rejection, warning bool) {
			src, line := splitSource(sink.rename(r.Source))
			status := server.StatusRejected
			if warning {
				status = server.StatusWarning
			}
			report(server.RecordResult{Source: src, Line: cmp.Or(r.Line, line), Status: status, Reason: r.Reason})
		},
	}, file)
	if err == nil {
		var renamer personRenamer = w.ix
		if w.engine != nil {
			renamer = w.engine.(personRenamer)
		}
		err = followNames(ctx, renamer, book, w.log)
	}
	if !file.opened {
		return server.WriteCounts{}, corpus.Errorf(corpus.EInvalidRequest, "%q is not a format the archive reads: name it .json, .jsonl, .ndjson, .html or .txt (optionally .gz), or send a Content-Type of application/json, application/x-ndjson, text/html or text/plain", name)
	}
	return server.WriteCounts{Read: s.Read, Indexed: s.Indexed, Updated: s.Updated, Duplicates: s.Duplicates,
		Skipped: s.Skipped, Rejected: s.RejectedCount, Warned: s.WarningCount}, err
}

// formatExt is the extension of name that tells its format: ".jsonl.gz", ".html".
func formatExt(name string) string {
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	ext := ""
	if strings.HasSuffix(base, ".gz") {
		ext = ".gz"
		base = strings.TrimSuffix(base, ".gz")
	}
	return path.Ext(base) + ext
}

// splitSource splits an article's source "name:12" into the name and the line.
func splitSource(s string) (string, int) {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if n, err := strconv.Atoi(s[i+1:]); err == nil {
			return s[:i], n
		}
	}
	return s, 0
}

// recordingSink stores into the index, renaming sources, and tells what became of
// every article as it is stored.
type recordingSink struct {
	ix       ingest.Sink
	from, to string
	emit     func(server.RecordResult)
}

func (r *recordingSink) rename(source string) string {
	if rest, ok := strings.CutPrefix(source, r.from); ok {
		return r.to + rest
	}
	return source
}

func (r *recordingSink) Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	for i := range articles {
		articles[i].Source = r.rename(articles[i].Source)
	}
	outcomes, err := r.ix.Put(ctx, articles)
	if err != nil {
		return nil, err
	}
	for i, a := range articles {
		src, line := splitSource(a.Source)
		res := server.RecordResult{Source: src, Line: line, ID: a.ID, Status: outcomes[i].String()}
		if outcomes[i] == corpus.Deleted {
			res.Status, res.Reason = server.StatusSkipped, corpus.DeletedReason
		}
		r.emit(res)
	}
	return outcomes, nil
}

// bodyFS is a file system of one file, a request body read once as a stream.
type bodyFS struct {
	name   string
	r      io.Reader
	opened bool
}

func (b *bodyFS) Open(name string) (fs.File, error) {
	switch name {
	case ".":
		return &bodyDir{fsys: b}, nil
	case b.name:
		if b.opened {
			return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("the request body was read already")}
		}
		b.opened = true
		return &bodyFile{fsys: b}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (b *bodyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return []fs.DirEntry{fs.FileInfoToDirEntry(bodyInfo{name: b.name})}, nil
}

type bodyFile struct{ fsys *bodyFS }

func (f *bodyFile) Read(p []byte) (int, error) { return f.fsys.r.Read(p) }
func (f *bodyFile) Stat() (fs.FileInfo, error) { return bodyInfo{name: f.fsys.name}, nil }
func (f *bodyFile) Close() error               { return nil }

type bodyDir struct{ fsys *bodyFS }

func (d *bodyDir) Read([]byte) (int, error) { return 0, errors.New("is a directory") }
func (d *bodyDir) Stat() (fs.FileInfo, error) {
	return bodyInfo{name: ".", dir: true}, nil
}
func (d *bodyDir) Close() error { return nil }
func (d *bodyDir) ReadDir(int) ([]fs.DirEntry, error) {
	return d.fsys.ReadDir(".")
}

// bodyInfo describes the body (size unknown: 0) or the root.
type bodyInfo struct {
	name string
	dir  bool
}

func (i bodyInfo) Name() string       { return i.name }
func (i bodyInfo) Size() int64        { return 0 }
func (i bodyInfo) ModTime() time.Time { return time.Time{} }
func (i bodyInfo) IsDir() bool        { return i.dir }
func (i bodyInfo) Sys() any           { return nil }
func (i bodyInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

var _ server.Deleter = (*archiveWriter)(nil)

// Delete removes an article from the index the server holds, keeping its
// tombstone (index.Index.Delete).
func (w *archiveWriter) Delete(ctx context.Context, id, by string) (corpus.Article, error) {
	if w.engine != nil {
		d, ok := w.engine.(articleDeleter)
		if !ok {
			return corpus.Article{}, errNoDelete
		}
		return d.DeleteArticle(ctx, id, by)
	}
	return w.ix.Delete(ctx, id, by)
}

// Backup writes a consistent copy of the archive to out as a tar stream: the index
// copies itself into a hidden directory beside the archive, which is streamed and
// removed.
func (w *archiveWriter) Backup(ctx context.Context, out io.Writer) error {
	if w.engine != nil {
		return errNoBackup
	}
	tmp, err := os.MkdirTemp(w.dataDir, ".backup-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	copyDir := filepath.Join(tmp, "archive")
	if err := w.ix.Backup(ctx, copyDir); err != nil {
		return err
	}
	if err := alerts.CopyTo(w.dataDir, copyDir); err != nil {
		return err
	}
	return writeTar(out, copyDir)
}

// writeTar writes the files under dir to out, then server.BackupCompleteEntry.
func writeTar(out io.Writer, dir string) error {
	tw := tar.NewWriter(out)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: write the copy: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: server.BackupCompleteEntry, Mode: 0o644, Typeflag: tar.TypeReg, ModTime: time.Now()}); err != nil {
		return err
	}
	return tw.Close()
}

// readTar unpacks a backup stream into dir, which must not exist or be empty, and
// fails unless the stream ends with server.BackupCompleteEntry.
func readTar(r io.Reader, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tr := tar.NewReader(r)
	complete := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("the backup stream broke off: %w", err)
		}
		if hdr.Name == server.BackupCompleteEntry {
			complete = true
			continue
		}
		name := filepath.FromSlash(path.Clean(hdr.Name))
		if !filepath.IsLocal(name) {
			return fmt.Errorf("the backup stream names %q, outside the copy", hdr.Name)
		}
		target := filepath.Join(dir, name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeFileFrom(target, tr); err != nil {
				return err
			}
		}
	}
	if !complete {
		return errors.New("the backup stream ended early (the server failed or the connection broke): the copy is incomplete; run the backup again")
	}
	return syncTreeDir(dir)
}

func writeFileFrom(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncTreeDir fsyncs the directories under dir, so that the files written into
// them stay after a crash.
func syncTreeDir(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
