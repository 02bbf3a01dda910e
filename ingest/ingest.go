// Package ingest reads the articles a user collects and turns each into a
// corpus.Article for the index: saved web pages, plain text and Markdown (with
// front matter), JSON and JSON Lines exports, RSS, Atom and JSON feeds, WARC web
// archives, and zip and tar archives of any of these, gzipped or not.
//
// Run is a pipeline of three stages: one reader opens every input and splits it
// into items, one per article (a feed item, a JSON line, a WARC record, an archive
// entry); workers read the article from each item (webpage.Read, front matter,
// extract.SplitTitle) and fill in what it does not state with package extract
// (extract.Enrich, and the NameBook of Options.Names); one writer sends batches
// to the Sink. What the stages hold is bounded by bytes (see limits.go), so that
// a run's memory does not grow with its input. A file or record that cannot be
// read is rejected with a reason and the run goes on; the Summary lists every
// rejection.
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
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/extract"
	"github.com/article-archive/archive/webpage"
)

// deferringSink is a Sink that can acknowledge a batch once it is stored and make
// it searchable a moment later (*index.Index does), so that storing the next batch
// overlaps indexing this one. Run flushes it before it returns: every article it
// reports is searchable by then.
type deferringSink interface {
	Sink
	PutDeferred(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error)
	Flush() error
}

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
	// BatchSize is how many articles go to the sink at once; zero means 1000. A
	// batch goes sooner once it holds 4 MiB of text. Larger batches cost the
	// sink less per article (one commit, one index segment per batch) and hold
	// more in memory.
	BatchSize int
	// Workers is how many articles are extracted in parallel; zero means one per CPU.
	Workers int
	// MaxFileBytes rejects larger files (uncompressed), JSON lines, archive
	// entries and WARC records; zero means 64 MiB.
	MaxFileBytes int64
	// MaxArchiveEntries is how many entries of one zip or tar archive are read;
	// zero means 100,000. The rest is rejected.
	MaxArchiveEntries int
	// MaxArchiveBytes bounds what one zip or tar archive may expand to, with the
	// archives inside it; zero means 4 GiB. It stops zip bombs.
	MaxArchiveBytes int64
	// Fields maps article fields (id, url, outlet, published, title, authors,
	// body, persons: see FieldTargets) to the names of record fields that give
	// them, in JSON records and front matter. They are tried before the built-in
	// names, and a name given here is read for no other field. A name may be a
	// path into nested objects ("source.name"). See ParseFieldSpec.
	Fields map[string][]string
	// Names, when set, resolves surname-only persons to the full name the archive
	// uses for them (see extract.NameBook) and learns the full names of every
	// article read.
	Names *extract.NameBook
	// Now stamps IngestedAt, and is the present a published date may not lie
	// more than two days after; nil means time.Now.
	Now func() time.Time
	// Problems, when set, is given each rejected record and each warning as it
	// comes, and the summary's lists stay empty (its counts are kept): a caller
	// that passes them on at once (the write API) holds none of them in memory.
	// It is called from one goroutine at a time.
	Problems func(r Rejection, warning bool)
}

// Progress is how far a run has come.
type Progress struct {
	BytesRead, BytesTotal int64
	Summary               Summary
	Done                  bool
}

// Summary counts what a run did.
type Summary struct {
	// Read counts the articles read: Indexed + Updated + Duplicates + Skipped +
	// the rejected records.
	Read       int `json:"read"`
	Indexed    int `json:"indexed"`
	Updated    int `json:"updated"`
	Duplicates int `json:"duplicates"`
	// Skipped counts the articles not stored because they were deleted from the
	// archive (corpus.Deleted); SkippedList names the first maxSkippedListed,
	// with the reason corpus.DeletedReason, unless Options.Problems is set.
	Skipped     int         `json:"skipped"`
	SkippedList []Rejection `json:"skipped_list,omitempty"`
	// Rejected lists every file or record that could not be ingested, with why.
	Rejected []Rejection `json:"rejected"`
	// Warnings lists records that were ingested with something left out.
	Warnings []Rejection `json:"warnings,omitempty"`
	// RejectedCount and WarningCount count them, also when Options.Problems took
	// them instead of the lists.
	RejectedCount int `json:"-"`
	WarningCount  int `json:"-"`
	// Ignored counts files found in directories and archives that are not of a
	// format the archive reads.
	Ignored int `json:"ignored"`
	// IgnoredRecords counts the WARC records that hold no HTML page: requests,
	// metadata, redirects, error pages, images and the like.
	IgnoredRecords int           `json:"ignored_records"`
	Elapsed        time.Duration `json:"-"`
}

// Rejection names an input and what is wrong with it.
type Rejection struct {
	// Source is the path as the user gave it. Entries of an archive are named
	// "archive.zip!path/in/archive", items of a feed and records of a JSON array
	// "feed.rss[3]" (counting from 0), records of a WARC file by their URL,
	// "crawl.warc.gz!https://…".
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

// loggedProblems is how many rejections (and as many warnings) a run logs as
// warnings; the rest go to the debug log, so that a million bad lines do not fill
// the log (the summary counts them all).
const loggedProblems = 20

func logProblem(log *slog.Logger, n int, msg string, args ...any) {
	switch {
	case n <= loggedProblems:
		log.Warn(msg, args...)
	case n == loggedProblems+1:
		log.Warn(msg+" (the rest of this run's are logged at debug level)", args...)
	default:
		log.Debug(msg, args...)
	}
}

// Run ingests the files and directories at paths ("-" is standard input) into the
// sink. Bad files and records are rejected and listed in the summary; the rest of
// the run goes on. It returns an error only when the sink fails or ctx ends, with
// the summary of what was done until then.
//
// It returns an error before reading anything when opts.Fields names a field
// that is not an article's.
func Run(ctx context.Context, opts Options, paths ...string) (Summary, error) {
	if _, err := newFieldMapping(opts.Fields); err != nil {
		return Summary{}, err
	}
	inputs, rejected, ignored := listPaths(paths, opts.Stdin)
	s, err := run(ctx, opts, inputs)
	s.Rejected = append(rejected, s.Rejected...)
	s.RejectedCount += len(rejected)
	s.Ignored += ignored
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
	// meta holds what the container states about the article (a feed item's
	// title, link, date, authors and outlet); it wins over extraction.
	meta *corpus.Article
	// pageURL is where an HTML page was fetched from (a WARC record's target).
	pageURL string
	// charset is the encoding the container declares (an HTTP Content-Type's).
	charset string
	// fetched is when a WARC record was fetched: never a publication date.
	fetched time.Time
	// warning is something the reader noticed that the user should know.
	warning string
	// rejection is set for an input that failed before extraction.
	rejection string
	// cut says the reader held only the start of a text (textReadBytes).
	cut bool
	// charge is what the reader took from the extraction budget for the item.
	charge int64
}

// result is an item after extraction: an article, or a reason it was rejected.
type result struct {
	article   corpus.Article
	source    string
	line      int
	rejection string
	warning   string
	fetched   time.Time
	// charge is what the worker took from the result budget for the article.
	charge int64
}

// run is the pipeline: one reader splits inputs into items, workers extract an
// article from each, and one writer sends batches to the sink.
func run(ctx context.Context, opts Options, inputs []input) (Summary, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	fields, err := newFieldMapping(opts.Fields)
	if err != nil {
		return Summary{}, err
	}
	batchSize := cmpOr(opts.BatchSize, 1000)
	workers := cmpOr(opts.Workers, runtime.GOMAXPROCS(0))
	ex := extractor{now: opts.Now, fields: fields, names: opts.Names}
	if ex.now == nil {
		ex.now = time.Now
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
	extracting, extracted := newByteBudget(extractionBudget), newByteBudget(resultBudget)

	rd := &reader{
		ctx:             ctx,
		out:             items,
		budget:          extracting,
		maxBytes:        cmpOr(opts.MaxFileBytes, 64<<20),
		maxEntries:      cmpOr(opts.MaxArchiveEntries, 100_000),
		maxArchiveBytes: cmpOr(opts.MaxArchiveBytes, 4<<30),
	}
	// run returns only once the reader is done: it may be reading a request body
	// that is gone after run returns.
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer close(items)
		for _, in := range inputs {
			if !rd.read(in, 0, func(n int64) { read.Add(n) }) {
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
				r := ex.extract(it)
				extracting.give(it.charge)
				var ok bool
				if r.charge, ok = extracted.take(ctx, textBytes(&r.article)); !ok {
					return
				}
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
	var batchBytes int64
	// A batch read before an interrupt is still stored: the writer's context is
	// not canceled by it.
	w := startWriter(context.WithoutCancel(parent), opts.Sink, cancel, opts.Problems == nil)
	flush := func() {
		if len(batch) > 0 {
			w.batches <- batch
			batch = make([]corpus.Article, 0, batchSize)
			batchBytes = 0
		}
	}
	report := func(done bool) {
		if opts.Progress != nil {
			w.tally(&s)
			s.Ignored, s.IgnoredRecords = int(rd.ignored.Load()), int(rd.ignoredRecords.Load())
			opts.Progress(Progress{BytesRead: read.Load(), BytesTotal: total.Load(), Summary: s, Done: done})
		}
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	lastLog := time.Now()
	// problem counts a rejection or a warning and hands it to opts.Problems, or
	// lists it in the summary; the first few of a run are logged as warnings.
	problem := func(list *[]Rejection, count *int, r Rejection, warning bool) {
		*count++
		if opts.Problems != nil {
			opts.Problems(r, warning)
		} else {
			*list = append(*list, r)
		}
		msg := "rejected"
		if warning {
			msg = "ingest warning"
		}
		logProblem(log, *count, msg, "source", r.Source, "line", r.Line, "reason", r.Reason)
	}
	for more := true; more; {
		select {
		case r, ok := <-results:
			if !ok {
				more = false
				break
			}
			extracted.give(r.charge)
			s.Read++
			if r.warning != "" {
				problem(&s.Warnings, &s.WarningCount, Rejection{Source: r.source, Line: r.line, Reason: r.warning}, true)
			}
			if !r.fetched.IsZero() && r.article.Published.IsZero() && r.rejection == "" {
				log.Debug("undated page: its WARC fetch date is not taken as its publication date",
					"source", r.source, "fetched", r.fetched.Format(time.RFC3339))
			}
			if r.rejection != "" {
				problem(&s.Rejected, &s.RejectedCount, Rejection{Source: r.source, Line: r.line, Reason: r.rejection}, false)
				continue
			}
			batch = append(batch, r.article)
			if batchBytes += textBytes(&r.article); len(batch) >= batchSize || batchBytes >= batchTextBytes {
				flush()
			}
		case <-tick.C:
			report(false)
			if time.Since(lastLog) >= 5*time.Second {
				lastLog = time.Now()
				log.Info("ingest progress", "read", s.Read, "indexed", s.Indexed, "updated", s.Updated,
					"duplicates", s.Duplicates, "rejected", s.RejectedCount, "bytes", read.Load(), "of", total.Load())
			}
		}
	}
	flush()
	sinkErr := w.close()
	cancel() // a reader still going (the sink failed) stops; one that finished is not affected
	<-readerDone
	w.tally(&s)
	s.Ignored, s.IgnoredRecords = int(rd.ignored.Load()), int(rd.ignoredRecords.Load())
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

// reader is the pipeline's first stage: it opens every input and splits it into
// items, one per article, on one goroutine.
type reader struct {
	ctx                     context.Context
	out                     chan<- item
	budget                  *byteBudget // what the items handed on may hold (see extractionCost)
	maxBytes                int64
	maxEntries              int
	maxArchiveBytes         int64
	ignored, ignoredRecords atomic.Int64
	archiveLeft             int64 // bytes the archive being read may still expand to
}

// send passes an item on once the extraction budget allows; it reports false
// when the run was canceled.
func (r *reader) send(it item) bool {
	var ok bool
	if it.charge, ok = r.budget.take(r.ctx, extractionCost(it)); !ok {
		return false
	}
	select {
	case r.out <- it:
		return true
	case <-r.ctx.Done():
		r.budget.give(it.charge)
		return false
	}
}

func (r *reader) reject(source, reason string) bool {
	return r.send(item{source: source, rejection: reason})
}

func (r *reader) tooLarge() string {
	return fmt.Sprintf("is larger than the %s limit: split it, or raise the limit (--max-file-mib)", mib(r.maxBytes))
}

func mib(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// read splits one input into items and sends them; depth is how deep in archives
// the input sits. It reports false when the run was canceled and reading should
// stop.
func (r *reader) read(in input, depth int, counted func(int64)) bool {
	if in.format == formatZip && !in.gzipped {
		if more, handled := r.readZipInPlace(in, depth, counted); handled {
			return more
		}
	}
	br, closeFn, err := openInput(in, counted)
	if err != nil {
		return r.reject(in.name, err.Error())
	}
	defer closeFn()
	f := in.format
	head, _ := br.Peek(4096)
	switch f {
	case formatUnknown:
		f = sniff(head)
	case formatXML:
		if !isXMLFeed(head) {
			if in.found {
				r.ignored.Add(1)
				return true
			}
			return r.reject(in.name, "is XML but not an RSS or Atom feed: the archive reads feeds, not other XML")
		}
		f = formatFeed
	}
	switch f {
	case formatJSONL:
		return r.readLines(in.name, br)
	case formatWARC:
		return r.readWARC(in.name, br)
	case formatTar:
		return r.readTar(in.name, br, depth)
	case formatText, formatMarkdown:
		return r.readText(in, br, f)
	}
	data, err := readAll(br, in.expanded, r.maxBytes+1)
	if err != nil {
		return r.reject(in.name, fmt.Sprintf("cannot be read: %v", err))
	}
	if int64(len(data)) > r.maxBytes {
		return r.reject(in.name, r.tooLarge())
	}
	switch f {
	case formatZip:
		return r.readZip(in.name, bytes.NewReader(data), int64(len(data)), depth)
	case formatFeed:
		return r.readFeed(in.name, data)
	case formatJSON:
		if isJSONFeed(data) {
			return r.readFeed(in.name, data)
		}
		return r.readJSON(in.name, data)
	}
	return r.send(item{source: in.name, format: f, data: data})
}

// textReadBytes is how much of a text file is held: an article keeps
// maxArticleText of text, and its metadata and title come first.
const textReadBytes = maxArticleText + 64<<10

// readText sends a text or Markdown file as one item, holding only its first
// textReadBytes: the rest is read past (the file size limit still applies) and
// the item marked as cut.
func (r *reader) readText(in input, br io.Reader, f format) bool {
	data, err := readAll(br, in.expanded, textReadBytes)
	if err != nil {
		return r.reject(in.name, fmt.Sprintf("cannot be read: %v", err))
	}
	rest, err := io.Copy(io.Discard, io.LimitReader(br, r.maxBytes+1-int64(len(data))))
	if err != nil {
		return r.reject(in.name, fmt.Sprintf("cannot be read: %v", err))
	}
	if int64(len(data))+rest > r.maxBytes {
		return r.reject(in.name, r.tooLarge())
	}
	it := item{source: in.name, format: f, data: data}
	if rest > 0 {
		it.data, it.cut = trimPartialRune(data), true
	}
	return r.send(it)
}

// trimPartialRune drops the end of a character that text cut at a byte count
// leaves (the last code unit of UTF-16 text, the start of a UTF-8 sequence), so
// that the rest decodes as the whole did.
func trimPartialRune(data []byte) []byte {
	if utf16BOM(data) != nil {
		return data[:len(data)&^1]
	}
	i := len(data) - 1
	for i > 0 && len(data)-i < utf8.UTFMax && !utf8.RuneStart(data[i]) {
		i--
	}
	if i >= 0 && !utf8.FullRune(data[i:]) {
		return data[:i]
	}
	return data
}

// readAll reads r up to limit bytes into one buffer sized for expanded, the size
// the input states (0 when unknown), so that a large entry is not copied over
// and over as io.ReadAll grows its buffer. A size that lies costs a copy, or a
// buffer of up to limit bytes.
func readAll(r io.Reader, expanded, limit int64) ([]byte, error) {
	if expanded <= 0 {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	r = io.LimitReader(r, limit)
	buf := make([]byte, 0, min(expanded, limit)+1) // +1: room to see the end without growing
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// readLines sends one item per non-empty line of JSON Lines input.
func (r *reader) readLines(name string, rd io.Reader) bool {
	br := bufio.NewReaderSize(rd, 256<<10)
	for line := 1; ; line++ {
		data, err := readLine(br, r.maxBytes)
		if errors.Is(err, errLineTooLong) {
			if !r.send(item{source: name, line: line, rejection: fmt.Sprintf("line is longer than the %s limit", mib(r.maxBytes))}) {
				return false
			}
			continue
		}
		if len(bytes.TrimSpace(data)) > 0 {
			if !r.send(item{source: name, line: line, format: formatJSON, data: data}) {
				return false
			}
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return r.send(item{source: name, line: line, rejection: fmt.Sprintf("reading stopped here: %v", err)})
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
func (r *reader) readJSON(name string, data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var records []json.RawMessage
		if err := json.Unmarshal(trimmed, &records); err != nil {
			return r.reject(name, fmt.Sprintf("is not a valid JSON array: %s", jsonErrorText(err)))
		}
		for i, rec := range records {
			if !r.send(item{source: fmt.Sprintf("%s[%d]", name, i), format: formatJSON, data: rec}) {
				return false
			}
		}
		return true
	}
	if json.Valid(trimmed) {
		return r.send(item{source: name, format: formatJSON, data: trimmed})
	}
	return r.readLines(name, bytes.NewReader(data))
}

// extractor is the pipeline's second stage, run by each worker.
type extractor struct {
	now    func() time.Time
	fields *fieldMapping
	names  *extract.NameBook
}

// extract turns an item into an article: parse its format, fill in the metadata
// the input did not state, and give it its ID.
func (ex extractor) extract(it item) result {
	r := result{source: it.source, line: it.line, rejection: it.rejection, fetched: it.fetched}
	if r.rejection != "" {
		return r
	}
	var warnings []string
	warn := func(w string) {
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	warn(it.warning)
	data := it.data
	if it.format != formatFeedItem {
		var w, reason string
		data, w, reason = asUTF8(it.data, it.charset)
		if reason != "" {
			r.rejection = reason
			return r
		}
		warn(w)
	}
	var a corpus.Article
	var err error
	switch it.format {
	case formatJSON:
		var w string
		a, w, err = parseRecord(data, ex.fields)
		warn(w)
	case formatHTML:
		var w string
		a, w, err = webpage.Read(bytes.NewReader(data), it.pageURL)
		warn(w)
		if errors.Is(err, webpage.ErrNoArticleText) {
			err = errors.New(reasonNoHTMLText)
		}
	case formatFeedItem:
		a = feedItemArticle(it.meta, data)
	case formatMarkdown, formatText:
		var w string
		a, w = readText(string(data), it.format == formatMarkdown, ex.fields)
		warn(w)
	}
	if err != nil {
		r.rejection = err.Error()
		return r
	}
	warn(boundArticle(&a, it.cut))
	// A record's own ID that cannot be one is refused before any more work.
	if reason := corpus.CheckID(strings.TrimSpace(a.ID)); reason != "" {
		r.rejection = reason
		return r
	}
	warn(stripControls(&a))
	stripInvisible(&a)
	// A date the archive does not keep (see corpus.Article.CheckPublished) is
	// dropped before extract.Enrich, which may then find the dateline's; one from the
	// dateline is checked too.
	now := ex.now()
	warn(a.CheckPublished(now))
	if ex.names != nil {
		ex.names.Enrich(&a)
	} else {
		extract.Enrich(&a)
	}
	warn(a.CheckPublished(now))
	if strings.TrimSpace(a.Body) == "" && strings.TrimSpace(a.Title) == "" {
		r.rejection = "has no article text"
		return r
	}
	if !it.fetched.IsZero() && a.Published.IsZero() {
		warn(warnFetchedUndated)
	}
	a.Source = it.source
	if it.line > 0 {
		a.Source = fmt.Sprintf("%s:%d", it.source, it.line)
	}
	a.IngestedAt = now.UTC()
	a.AssignID()
	r.article = a
	r.warning = strings.Join(warnings, "; ")
	return r
}

// reasonNoHTMLText is why a page without article text is rejected.
const reasonNoHTMLText = "has no article text: the page holds no story and does not say it is an article (an index, error, consent or bot-check page)"

// writer stores batches on a goroutine of its own, so that reading and extraction
// go on while the sink writes.
type writer struct {
	batches                               chan []corpus.Article
	done                                  chan struct{}
	indexed, updated, duplicates, skipped atomic.Int64
	// skippedList names the first skipped articles; listSkipped says to keep it.
	skippedMu   sync.Mutex
	skippedList []Rejection
	listSkipped bool
	err         error // read only after done is closed
}

// maxSkippedListed is how many skipped (deleted) articles a summary names.
const maxSkippedListed = 1000

// startWriter starts storing the batches sent to w.batches into sink; on the first
// error it calls failed and drops the rest.
func startWriter(ctx context.Context, sink Sink, failed func(), listSkipped bool) *writer {
	w := &writer{batches: make(chan []corpus.Article, 1), done: make(chan struct{}), listSkipped: listSkipped}
	go func() {
		defer close(w.done)
		put := sink.Put
		if d, ok := sink.(deferringSink); ok {
			put = d.PutDeferred
			defer func() {
				if err := d.Flush(); err != nil && w.err == nil {
					w.err = err
				}
			}()
		}
		for batch := range w.batches {
			if w.err != nil {
				continue
			}
			outcomes, err := put(ctx, batch)
			if err != nil {
				w.err = err
				failed()
				continue
			}
			for i, o := range outcomes {
				switch o {
				case corpus.Deleted:
					w.skipped.Add(1)
					w.skippedMu.Lock()
					if w.listSkipped && len(w.skippedList) < maxSkippedListed {
						w.skippedList = append(w.skippedList, Rejection{Source: batch[i].Source, Reason: corpus.DeletedReason})
					}
					w.skippedMu.Unlock()
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
	s.Skipped = int(w.skipped.Load())
	w.skippedMu.Lock()
	s.SkippedList = slices.Clone(w.skippedList)
	w.skippedMu.Unlock()
}
