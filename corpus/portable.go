package corpus

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// The portable backup: an archive as NDJSON (optionally gzip'd) that either
// engine writes and reads, so that an archive moves between a data directory
// and an OpenSearch cluster both ways. Every line is one JSON object with one
// member naming its kind:
//
//	{"header":{"format":"article-archive-backup","version":1,"engine":"opensearch",…}}
//	{"article":{…corpus.Article…}}
//	{"tombstone":{"id":…,"dup_keys":[…],"deleted_at":…}}
//	{"person_edit":{…corpus.PersonEdit…}}
//	{"end":{"counts":{"article":2,"tombstone":1}}}
//
// The header comes first and the end last: a file without its end was cut off,
// and the end's counts must match what was read. Kinds a reader does not know
// (written by a newer version, or by an engine that keeps more) are counted and
// skipped; a kind a writer does not keep is simply absent. Derived data (story
// band keys, fingerprints, folded names) is not written: the reading engine
// derives it again from the article, which carries its story and arrival time.
const (
	PortableFormat  = "article-archive-backup"
	PortableVersion = 1
)

// Kinds of the portable backup's records.
const (
	KindArticle     = "article"
	KindTombstone   = "tombstone"
	KindPersonEdit  = "person_edit"
	KindSavedSearch = "saved_search"
	kindHeader      = "header"
	kindEnd         = "end"
)

// MaxPortableLine bounds one line of a portable backup: an article keeps at most
// 1 MiB of text, which JSON escaping may grow a few times.
const MaxPortableLine = 16 << 20

// PortableHeader is the first line of a portable backup.
type PortableHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Engine is the engine that wrote it ("bleve" or "opensearch"), From the
	// archive (data directory or index), for the reader's messages.
	Engine  string    `json:"engine"`
	From    string    `json:"from,omitempty"`
	Created time.Time `json:"created"`
}

// Tombstone is what an archive keeps of a deleted article, in either engine: its
// ID and duplicate keys, so that the same article sent again stays deleted.
type Tombstone struct {
	ID        string    `json:"id"`
	Keys      []string  `json:"dup_keys,omitempty"`
	DeletedAt time.Time `json:"deleted_at"`
	By        string    `json:"by,omitempty"`
	// What the article was, where an engine keeps it (the Bleve engine does).
	Title  string `json:"title,omitempty"`
	Outlet string `json:"outlet,omitempty"`
	Story  string `json:"story,omitempty"`
}

// PortableWriter writes a portable backup. Close writes the end line; a backup
// whose writer was not closed reads as cut off.
type PortableWriter struct {
	w      *bufio.Writer
	enc    *json.Encoder
	counts map[string]int64
	closed bool
}

// NewPortableWriter writes the header to w and returns the writer of the rest.
// Engine names the engine writing, from the archive (for the reader's messages).
func NewPortableWriter(w io.Writer, engine, from string) (*PortableWriter, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	p := &PortableWriter{w: bw, enc: json.NewEncoder(bw), counts: map[string]int64{}}
	p.enc.SetEscapeHTML(false)
	h := PortableHeader{Format: PortableFormat, Version: PortableVersion, Engine: engine, From: from, Created: time.Now().UTC()}
	if err := p.enc.Encode(map[string]any{kindHeader: h}); err != nil {
		return nil, fmt.Errorf("corpus: write the backup's header: %w", err)
	}
	return p, nil
}

// Write writes one record of kind (KindArticle, KindTombstone, …).
func (p *PortableWriter) Write(kind string, v any) error {
	if p.closed {
		return errors.New("corpus: write to a closed backup")
	}
	if err := p.enc.Encode(map[string]any{kind: v}); err != nil {
		return fmt.Errorf("corpus: write a %s to the backup: %w", kind, err)
	}
	p.counts[kind]++
	return nil
}

// Counts returns how many records of each kind were written so far.
func (p *PortableWriter) Counts() map[string]int64 { return maps.Clone(p.counts) }

// Close writes the end line with the counts and flushes; it does not close the
// underlying writer.
func (p *PortableWriter) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	if err := p.enc.Encode(map[string]any{kindEnd: map[string]any{"counts": p.counts}}); err != nil {
		return fmt.Errorf("corpus: write the backup's end: %w", err)
	}
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("corpus: write the backup: %w", err)
	}
	return nil
}

// PortableSummary is what reading a portable backup met.
type PortableSummary struct {
	Header PortableHeader
	// Counts are the records of each kind read and handed on.
	Counts map[string]int64
	// Skipped counts records of kinds the reader does not know, by kind.
	Skipped map[string]int64
}

// PortableError is a record of a backup that could not be read or stored: the
// reader goes on with the next.
type PortableError struct {
	Line int
	Kind string
	ID   string
	Err  error
}

func (e *PortableError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (%s %s): %v", e.Line, e.Kind, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *PortableError) Unwrap() error { return e.Err }

// ReadPortable reads a portable backup from r (gzip'd or not), calling handle
// with each record of the kinds in kinds (the raw JSON of its value) in the order
// of the file, and counting the others as skipped. A line that is not JSON, or a
// record handle refuses with a *PortableError, is reported to bad (when not
// nil) and reading goes on; any other error from handle stops it. It returns an
// error when the file is not a portable backup, is of a newer version, or was
// cut off (no end line, or counts that do not match).
func ReadPortable(r io.Reader, kinds []string, handle func(kind string, line int, raw json.RawMessage) error, bad func(*PortableError)) (PortableSummary, error) {
	s := PortableSummary{Counts: map[string]int64{}, Skipped: map[string]int64{}}
	br := bufio.NewReaderSize(r, 256<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return s, fmt.Errorf("corpus: read the backup: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 1<<20), MaxPortableLine)
	line, seen := 0, map[string]int64{}
	var end *struct {
		Counts map[string]int64 `json:"counts"`
	}
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(text, &rec); err != nil || len(rec) != 1 {
			if line == 1 {
				return s, notPortable("is not a portable backup of the archive (its first line is not the header): 'archive backup' writes one")
			}
			if err == nil {
				err = fmt.Errorf("a record has exactly one member naming its kind, this one has %d", len(rec))
			}
			if bad != nil {
				bad(&PortableError{Line: line, Err: fmt.Errorf("malformed: %w", err)})
			}
			continue
		}
		var kind string
		var raw json.RawMessage
		for k, v := range rec {
			kind, raw = k, v
		}
		if line == 1 {
			if kind != kindHeader || json.Unmarshal(raw, &s.Header) != nil || s.Header.Format != PortableFormat {
				return s, notPortable("is not a portable backup of the archive (its first line is not the header): 'archive backup' writes one")
			}
			if s.Header.Version > PortableVersion {
				return s, notPortable(fmt.Sprintf("is a backup of version %d, newer than this archive reads (%d): restore it with a newer archive", s.Header.Version, PortableVersion))
			}
			continue
		}
		if end != nil {
			if bad != nil {
				bad(&PortableError{Line: line, Err: errors.New("a record after the end line is ignored")})
			}
			continue
		}
		switch {
		case kind == kindEnd:
			end = &struct {
				Counts map[string]int64 `json:"counts"`
			}{}
			if err := json.Unmarshal(raw, end); err != nil {
				return s, fmt.Errorf("corpus: the backup's end line (line %d) is damaged: %w", line, err)
			}
			continue
		case kind == kindHeader:
			return s, fmt.Errorf("corpus: line %d: a second header: the file joins two backups; restore each on its own", line)
		}
		seen[kind]++
		if !slices.Contains(kinds, kind) {
			s.Skipped[kind]++
			continue
		}
		err := handle(kind, line, raw)
		if pe, ok := errors.AsType[*PortableError](err); ok {
			if bad != nil {
				bad(pe)
			}
			continue
		}
		if err != nil {
			return s, err
		}
		s.Counts[kind]++
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return s, fmt.Errorf("corpus: line %d of the backup is longer than %d MiB: the file is damaged", line+1, MaxPortableLine>>20)
		}
		return s, fmt.Errorf("corpus: read the backup after line %d: %w (the file is damaged or cut off)", line, err)
	}
	if line == 0 {
		return s, notPortable("is empty: 'archive backup' writes a portable backup")
	}
	if end == nil {
		return s, Errorf(EInvalidRequest, "the backup is cut off after line %d (it has no end line): what was read is restored; take the backup again", line)
	}
	var short []string
	for kind, n := range end.Counts {
		if seen[kind] != n {
			short = append(short, fmt.Sprintf("%d %s records where its end counts %d", seen[kind], kind, n))
		}
	}
	if len(short) > 0 {
		slices.Sort(short)
		return s, Errorf(EInvalidRequest, "the backup is damaged: it holds %s", strings.Join(short, ", "))
	}
	return s, nil
}

func notPortable(what string) error { return Errorf(EInvalidRequest, "the file %s", what) }

// Restore batches: a write of a restore carries PortableBatch records, or
// PortableBatchBytes of their JSON, whichever comes first.
const (
	PortableBatch      = 500
	PortableBatchBytes = 8 << 20
)

// PortableTarget is an archive a portable backup is restored into: an engine's
// writes of a batch of each kind it keeps, each returning the records it
// refused, by ID with the reason (the others are stored), or an error when it
// could store nothing.
type PortableTarget struct {
	Articles func(ctx context.Context, batch []Article) (map[string]string, error)
	// Tombstones is nil for an engine that keeps none from a backup.
	Tombstones func(ctx context.Context, batch []Tombstone) (map[string]string, error)
	// Progress, when not nil, is called with the records stored so far.
	Progress func(stored int64)
}

// PortableRestore is what RestorePortable did.
type PortableRestore struct {
	Summary PortableSummary
	// Stored counts the records stored, by kind.
	Stored map[string]int64
	// Refused says which records were not stored, and why: a line each.
	Refused []string
}

// RestorePortable reads a portable backup from r into t, in batches, in the
// order of the file. A record the target refuses, or a malformed line, is
// listed in Refused and the others go on. The error is ReadPortable's (a file
// cut off or damaged: EInvalidRequest, with what was read before stored all the
// same) or the target's when it could store nothing of a batch.
func RestorePortable(ctx context.Context, r io.Reader, t PortableTarget) (PortableRestore, error) {
	rep := PortableRestore{Stored: map[string]int64{}}
	kinds := []string{KindArticle}
	if t.Tombstones != nil {
		kinds = append(kinds, KindTombstone)
	}
	var articles []Article
	var stones []Tombstone
	lines := map[string]int{} // kind and ID -> line, for Refused
	size := 0
	var targetErr error // the target could store nothing of a batch
	refuse := func(kind, id, why string) {
		rep.Refused = append(rep.Refused, fmt.Sprintf("line %d (%s %s): %s", lines[kind+"\x00"+id], kind, id, why))
	}
	flush := func() error {
		if len(articles) > 0 {
			failed, err := t.Articles(ctx, articles)
			if err != nil {
				return fmt.Errorf("after %d articles: %w", rep.Stored[KindArticle], err)
			}
			for _, a := range articles {
				if why, ok := failed[a.ID]; ok {
					refuse(KindArticle, a.ID, why)
				} else {
					rep.Stored[KindArticle]++
				}
			}
		}
		if len(stones) > 0 {
			failed, err := t.Tombstones(ctx, stones)
			if err != nil {
				return fmt.Errorf("the tombstones: %w", err)
			}
			for _, s := range stones {
				if why, ok := failed[s.ID]; ok {
					refuse(KindTombstone, s.ID, why)
				} else {
					rep.Stored[KindTombstone]++
				}
			}
		}
		articles, stones, size = articles[:0], stones[:0], 0
		clear(lines)
		if t.Progress != nil {
			t.Progress(rep.Stored[KindArticle] + rep.Stored[KindTombstone])
		}
		return nil
	}
	handle := func(kind string, line int, raw json.RawMessage) error {
		switch kind {
		case KindArticle:
			var a Article
			if err := json.Unmarshal(raw, &a); err != nil {
				return &PortableError{Line: line, Kind: kind, Err: err}
			}
			if why := CheckID(a.ID); why != "" {
				return &PortableError{Line: line, Kind: kind, ID: a.ID, Err: errors.New(why)}
			}
			articles = append(articles, a)
			lines[kind+"\x00"+a.ID] = line
		case KindTombstone:
			var s Tombstone
			if err := json.Unmarshal(raw, &s); err != nil || s.ID == "" {
				return &PortableError{Line: line, Kind: kind, Err: fmt.Errorf("malformed tombstone: %v", err)}
			}
			stones = append(stones, s)
			lines[kind+"\x00"+s.ID] = line
		}
		size += len(raw)
		if len(articles)+len(stones) >= PortableBatch || size >= PortableBatchBytes {
			targetErr = flush()
			return targetErr
		}
		return nil
	}
	var err error
	rep.Summary, err = ReadPortable(r, kinds, handle, func(pe *PortableError) {
		rep.Refused = append(rep.Refused, pe.Error())
	})
	if targetErr != nil {
		return rep, fmt.Errorf("corpus: restore: %w", targetErr)
	}
	// What was read before a cut-off or damaged end is stored all the same.
	if ferr := flush(); ferr != nil {
		return rep, fmt.Errorf("corpus: restore: %w", ferr)
	}
	return rep, err
}
