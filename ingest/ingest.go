package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
)

// Sink stores articles. *index.Index satisfies it.
type Sink interface {
	// Put stores a batch and says for each article whether it was new, updated or
	// unchanged.
	Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error)
}

// Options configure a run. Sink is required.
type Options struct {
	Sink Sink
	// Logger receives progress counts and warnings; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called about five times a second and once at the end.
	Progress func(Progress)
	// Stdin is read for the path "-".
	Stdin io.Reader
	// BatchSize is how many articles go to the sink at once; zero means 500.
	BatchSize int
	// Workers is how many articles are extracted in parallel; zero means one per CPU.
	Workers int
	// MaxFileBytes rejects larger files (uncompressed, and JSON lines); zero means 64 MiB.
	MaxFileBytes int64
	// Now stamps IngestedAt; nil means time.Now.
	Now func() time.Time
}

// Progress is how far a run has come.
type Progress struct {
	BytesRead, BytesTotal int64
	Summary               Summary
	Done                  bool
}

// Summary counts what a run did.
type Summary struct {
	// Read counts the articles read: Indexed + Updated + Duplicates + the
	// rejected records.
	Read       int `json:"read"`
	Indexed    int `json:"indexed"`
	Updated    int `json:"updated"`
	Duplicates int `json:"duplicates"`
	// Rejected lists every file or record that could not be ingested, with why.
	Rejected []Rejection `json:"rejected"`
	// Warnings lists records that were ingested with something left out.
	Warnings []Rejection `json:"warnings,omitempty"`
	// Ignored counts files found in directories that are not of a format the
	// archive reads.
	Ignored int           `json:"ignored"`
	Elapsed time.Duration `json:"-"`
}

// Rejection names an input and what is wrong with it.
type Rejection struct {
	Source string `json:"source"`
	// Line is the line of a JSON Lines record, or 0.
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

func (r Rejection) String() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", r.Source, r.Line, r.Reason)
	}
	return fmt.Sprintf("%s: %s", r.Source, r.Reason)
}

// Run ingests the files and directories at paths ("-" is standard input) into the
// sink. Bad files and records are rejected and listed in the summary; the rest of
// the run goes on. It returns an error only when the sink fails or ctx ends, with
// the summary of what was done until then.
func Run(ctx context.Context, opts Options, paths ...string) (Summary, error) {
	inputs, rejected, ignored := listPaths(paths, opts.Stdin)
	s, err := run(ctx, opts, inputs)
	s.Rejected = append(rejected, s.Rejected...)
	s.Ignored = ignored
	return s, err
}

// RunFS ingests every readable file in fsys, as Run does.
func RunFS(ctx context.Context, opts Options, fsys fs.FS) (Summary, error) {
	inputs, err := listFS(fsys)
	if err != nil {
		return Summary{}, err
	}
	return run(ctx, opts, inputs)
}

// item is one article's worth of input on its way to extraction.
type item struct {
	source string
	line   int
	format format
	data   []byte
	// rejection is set for an input that failed before extraction.
	rejection string
}

// result is an item after extraction: an article, or a reason it was rejected.
type result struct {
	article   corpus.Article
	source    string
	line      int
	rejection string
	warning   string
}

// run is the pipeline: one reader splits inputs into items, workers extract an
// article from each, and one writer sends batches to the sink.
func run(ctx context.Context, opts Options, inputs []input) (Summary, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	batchSize := cmpOr(opts.BatchSize, 500)
	workers := cmpOr(opts.Workers, runtime.GOMAXPROCS(0))
	maxBytes := cmpOr(opts.MaxFileBytes, 64<<20)
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	var total, read atomic.Int64
	for _, in := range inputs {
		total.Add(in.size)
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan item, 4*workers)
	results := make(chan result, 4*workers)

	go func() {
		defer close(items)
		for _, in := range inputs {
			if !readInput(ctx, in, maxBytes, func(n int64) { read.Add(n) }, items) {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				r := extract(it, now)
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var s Summary
	var batch []corpus.Article
	// A batch read before an interrupt is still stored: the writer's context is
	// not canceled by it.
	w := startWriter(context.WithoutCancel(parent), opts.Sink, cancel)
	flush := func() {
		if len(batch) > 0 {
			w.batches <- batch
			batch = make([]corpus.Article, 0, batchSize)
		}
	}
	report := func(done bool) {
		if opts.Progress != nil {
			w.tally(&s)
			opts.Progress(Progress{BytesRead: read.Load(), BytesTotal: total.Load(), Summary: s, Done: done})
		}
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	lastLog := time.Now()
	for more := true; more; {
		select {
		case r, ok := <-results:
			if !ok {
				more = false
				break
			}
			s.Read++
			if r.warning != "" {
				s.Warnings = append(s.Warnings, Rejection{Source: r.source, Line: r.line, Reason: r.warning})
				log.Warn("ingest warning", "source", r.source, "line", r.line, "warning", r.warning)
			}
			if r.rejection != "" {
				s.Rejected = append(s.Rejected, Rejection{Source: r.source, Line: r.line, Reason: r.rejection})
				log.Warn("rejected", "source", r.source, "line", r.line, "reason", r.rejection)
				continue
			}
			batch = append(batch, r.article)
			if len(batch) >= batchSize {
				flush()
			}
		case <-tick.C:
			report(false)
			if time.Since(lastLog) >= 5*time.Second {
				lastLog = time.Now()
				log.Info("ingest progress", "read", s.Read, "indexed", s.Indexed, "updated", s.Updated,
					"duplicates", s.Duplicates, "rejected", len(s.Rejected), "bytes", read.Load(), "of", total.Load())
			}
		}
	}
	flush()
	sinkErr := w.close()
	w.tally(&s)
	s.Elapsed = time.Since(start)
	report(true)
	if sinkErr != nil {
		return s, fmt.Errorf("ingest: store articles: %w", sinkErr)
	}
	if err := parent.Err(); err != nil {
		// What was read until then is stored; the caller learns the run was cut short.
		return s, fmt.Errorf("ingest: interrupted after %d articles: %w", s.Read, err)
	}
	return s, nil
}

func cmpOr[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// readInput splits one input into items and sends them; it reports false when ctx
// ended and the reader should stop.
func readInput(ctx context.Context, in input, maxBytes int64, counted func(int64), out chan<- item) bool {
	send := func(it item) bool {
		select {
		case out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	reject := func(reason string) bool { return send(item{source: in.name, rejection: reason}) }

	r, f, closeFn, err := openInput(in, counted)
	if err != nil {
		return reject(err.Error())
	}
	defer closeFn()

	if f == formatJSONL {
		return readLines(ctx, in.name, r, maxBytes, send)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return reject(fmt.Sprintf("cannot be read: %v", err))
	}
	if int64(len(data)) > maxBytes {
		return reject(fmt.Sprintf("is larger than the %d MiB limit: split it, or raise the limit", maxBytes>>20))
	}
	if f == formatJSON {
		return readJSON(ctx, in.name, data, send)
	}
	return send(item{source: in.name, format: f, data: data})
}

// readLines sends one item per non-empty line of JSON Lines input.
func readLines(ctx context.Context, name string, r io.Reader, maxBytes int64, send func(item) bool) bool {
	br := bufio.NewReaderSize(r, 256<<10)
	for line := 1; ; line++ {
		data, err := readLine(br, maxBytes)
		if errors.Is(err, errLineTooLong) {
			if !send(item{source: name, line: line, rejection: fmt.Sprintf("line is longer than the %d MiB limit", maxBytes>>20)}) {
				return false
			}
			continue
		}
		if len(bytes.TrimSpace(data)) > 0 {
			if !send(item{source: name, line: line, format: formatJSON, data: data}) {
				return false
			}
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return send(item{source: name, line: line, rejection: fmt.Sprintf("reading stopped here: %v", err)})
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline, discarding the rest of a line
// longer than max.
func readLine(br *bufio.Reader, max int64) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if int64(len(line)+len(chunk)) > max {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// readJSON sends the records of a .json file: an array of objects, one object, or
// objects one per line (a .json file that is really JSON Lines).
func readJSON(ctx context.Context, name string, data []byte, send func(item) bool) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var records []json.RawMessage
		if err := json.Unmarshal(trimmed, &records); err != nil {
			return send(item{source: name, rejection: fmt.Sprintf("is not a valid JSON array: %s", jsonErrorText(err))})
		}
		for i, rec := range records {
			if !send(item{source: fmt.Sprintf("%s[%d]", name, i), format: formatJSON, data: rec}) {
				return false
			}
		}
		return true
	}
	if json.Valid(trimmed) {
		return send(item{source: name, format: formatJSON, data: trimmed})
	}
	return readLines(ctx, name, bytes.NewReader(data), int64(len(data))+1, send)
}

// extract turns an item into an article: parse its format, fill in the metadata
// the input did not state, and give it its ID.
func extract(it item, now func() time.Time) result {
	r := result{source: it.source, line: it.line, rejection: it.rejection}
	if r.rejection != "" {
		return r
	}
	if reason := badText(it.data); reason != "" {
		r.rejection = reason
		return r
	}
	var a corpus.Article
	var err error
	switch it.format {
	case formatJSON:
		a, r.warning, err = parseRecord(it.data)
	case formatHTML:
		a, err = ReadHTML(bytes.NewReader(it.data), "")
	default:
		a.Title, a.Body = SplitTitle(string(it.data))
	}
	if err != nil {
		r.rejection = err.Error()
		return r
	}
	Enrich(&a)
	if strings.TrimSpace(a.Body) == "" && strings.TrimSpace(a.Title) == "" {
		r.rejection = "has no article text"
		return r
	}
	a.Source = it.source
	if it.line > 0 {
		a.Source = fmt.Sprintf("%s:%d", it.source, it.line)
	}
	a.IngestedAt = now().UTC()
	a.AssignID()
	r.article = a
	return r
}

// badText says why data cannot be an article's text, or "".
func badText(data []byte) string {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return "is empty"
	case bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0:
		return "is binary, not text: the archive reads text, JSON and HTML files"
	case !utf8.Valid(data):
		return "is not valid UTF-8 text: convert it to UTF-8 (e.g. iconv -f windows-1252 -t utf-8)"
	}
	return ""
}

// writer stores batches on a goroutine of its own, so that reading and extraction
// go on while the sink writes.
type writer struct {
	batches                      chan []corpus.Article
	done                         chan struct{}
	indexed, updated, duplicates atomic.Int64
	err                          error // read only after done is closed
}

// startWriter starts storing the batches sent to w.batches into sink; on the first
// error it calls failed and drops the rest.
func startWriter(ctx context.Context, sink Sink, failed func()) *writer {
	w := &writer{batches: make(chan []corpus.Article, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for batch := range w.batches {
			if w.err != nil {
				continue
			}
			outcomes, err := sink.Put(ctx, batch)
			if err != nil {
				w.err = err
				failed()
				continue
			}
			for _, o := range outcomes {
				switch o {
				case corpus.Indexed:
					w.indexed.Add(1)
				case corpus.Updated:
					w.updated.Add(1)
				case corpus.Unchanged:
					w.duplicates.Add(1)
				}
			}
		}
	}()
	return w
}

// close waits for the batches sent so far and returns the first error.
func (w *writer) close() error {
	close(w.batches)
	<-w.done
	return w.err
}

// tally copies the counts so far into s.
func (w *writer) tally(s *Summary) {
	s.Indexed = int(w.indexed.Load())
	s.Updated = int(w.updated.Load())
	s.Duplicates = int(w.duplicates.Load())
}
