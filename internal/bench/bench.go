// Package bench is the harness of "archive bench": it builds a corpus of news
// articles, ingests it through the archive's pipeline, serves it and searches it
// over HTTP with a fixed query mix, does the same with other systems fed the same
// fields (SQLite FTS5, bare Bleve, the archive on OpenSearch, a bare OpenSearch
// index), and reports ingest rate, disk, latency and peak RSS side by side.
// cmd/archive parses the flags and gives it the program's hooks (Program).
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
)

// Config is what "archive bench" was asked to do.
type Config struct {
	// N is the articles in the corpus, made from the JSON Lines file Source.
	N      int
	Source string
	// Out is the directory of the corpus, the indexes, the profiles and the
	// report; "" makes a temporary one.
	Out      string
	Clients  int
	Duration time.Duration
	// SkipSQLite and SkipBleve leave out SQLite FTS5 and bare Bleve.
	SkipSQLite, SkipBleve bool
	// Keep keeps the indexes in Out after the run.
	Keep bool
	// SearchOnly searches the archive an earlier run left in Out again.
	SearchOnly bool
	// Backend "opensearch" adds the archive on the OpenSearch cluster OpenSearch
	// and a bare OpenSearch index (opensearch.go).
	Backend, OpenSearch string
	// OpenSearchShards and OpenSearchReplicas shape both OpenSearch indexes;
	// 0 and -1: 1 shard and no replica on one data node, 3 shards and 1 replica
	// on more.
	OpenSearchShards, OpenSearchReplicas int
	// Args are the command line's arguments, as the report shows them.
	Args []string
}

// DefaultSource is the development corpus beside the checkout.
var DefaultSource = filepath.Join("..", "shared", "data", "reuters21578", "articles.jsonl")

// ErrUsage marks a mistake in how the bench was asked to run.
var ErrUsage = errors.New("usage")

// Program is what the harness needs of the program it measures, given by
// cmd/archive: each phase that holds an index runs in a child process of the
// same binary ("archive bench --phase …", see Phase), which opens, fills and
// serves the archive the program's way.
type Program struct {
	Stdout, Stderr io.Writer
	Log            *slog.Logger
	// WithIndex opens the archive in dir, runs f with it and closes it.
	WithIndex func(dir string, log *slog.Logger, f func(*index.Index) error) error
	// Serve serves ix on 127.0.0.1:0 until ctx ends, noting its URL in dir.
	Serve func(ctx context.Context, ix *index.Index, dir string, log *slog.Logger) error
	// ServerURL is the URL of the server that holds dir once it answers, else "".
	ServerURL func(dir string) string
	// ServerFile is the file in dir where the server notes its URL.
	ServerFile string
	// IngestProgress draws the ingest phase's progress; nil: a log line every
	// ten seconds.
	IngestProgress func(ingest.Progress)
	// Ingest stores paths in ix as `archive ingest` does (with the archive's name
	// book, earlier articles renamed after what it learned), so that the engine
	// is measured doing the work the OpenSearch side's `archive ingest` does.
	Ingest func(ctx context.Context, ix *index.Index, opts ingest.Options, paths ...string) (ingest.Summary, error)
}

// check tells what is wrong with c, wrapping ErrUsage.
func (c *Config) check() error {
	switch {
	case c.N < 1:
		return fmt.Errorf("%w: --n must be 1 or more", ErrUsage)
	case c.Clients < 1:
		return fmt.Errorf("%w: --clients must be 1 or more", ErrUsage)
	case c.Duration <= 0:
		return fmt.Errorf("%w: --duration must be positive, such as 30s", ErrUsage)
	case c.Backend != "bleve" && c.Backend != "opensearch":
		return fmt.Errorf("%w: --backend is bleve or opensearch", ErrUsage)
	case c.Backend == "opensearch" && c.OpenSearch == "":
		return fmt.Errorf("%w: --backend opensearch needs --opensearch URL[,URL…]", ErrUsage)
	case c.OpenSearchShards < 0 || c.OpenSearchReplicas < -1:
		return fmt.Errorf("%w: --opensearch-shards and --opensearch-replicas are 0 or more", ErrUsage)
	case c.SearchOnly && c.Out == "":
		return fmt.Errorf("%w: --search-only needs --out, the directory of the earlier run", ErrUsage)
	}
	return nil
}

// Run builds a corpus, ingests it through the archive's pipeline, serves it and
// searches it over HTTP, and does the same with SQLite FTS5 and bare Bleve, then
// reports the figures side by side. Each phase that holds an index runs as a child
// process of this binary so that its peak RSS is its own. Mistakes in c are
// errors wrapping ErrUsage.
func Run(ctx context.Context, c Config, p Program) error {
	if err := c.check(); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: find this program to run its phases: %w", err)
	}
	if c.SearchOnly {
		b := &benchRun{env: p, cfg: c, self: self, log: p.Log, args: c.Args}
		return b.searchAgain(ctx)
	}
	if _, err := os.Stat(c.Source); err != nil {
		return fmt.Errorf("%w: the source corpus %s is not there (%v): the default is the Reuters-21578 corpus in ../shared/data/reuters21578/ beside the checkout; give any JSON Lines file of articles with --source", ErrUsage, c.Source, err)
	}
	if !c.SkipSQLite {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			return fmt.Errorf("%w: the sqlite3 command is not on PATH: install it (apt-get install sqlite3) or pass --skip-sqlite", ErrUsage)
		}
	}
	if c.Out == "" {
		if c.Out, err = os.MkdirTemp("", "archive-bench-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	b := &benchRun{env: p, cfg: c, self: self, log: p.Log, args: c.Args}
	return b.run(ctx)
}

// Phase names a phase of the bench run in a child process. Its flags are
// internal: the parent process passes them.
type Phase struct {
	Name, Data, Source, Extracted, Result, Profile string
	Clients, Articles                              int
	Duration                                       time.Duration
}

// Register defines the phase's flags in fs.
func (p *Phase) Register(fs *flag.FlagSet) {
	fs.StringVar(&p.Name, "phase", "", "internal: run one phase (ingest, export, serve, bare-build, bare-search) in this process")
	fs.StringVar(&p.Data, "phase-data", "", "internal: the phase's index directory")
	fs.StringVar(&p.Source, "phase-source", "", "internal: the phase's corpus")
	fs.StringVar(&p.Extracted, "phase-extracted", "", "internal: the extracted articles")
	fs.StringVar(&p.Result, "phase-result", "", "internal: where the phase writes its figures")
	fs.StringVar(&p.Profile, "phase-profile", "", "internal: where the phase writes its CPU profile")
	fs.IntVar(&p.Clients, "phase-clients", 2, "internal: concurrent clients")
	fs.IntVar(&p.Articles, "phase-n", 0, "internal: the articles in the corpus")
	fs.DurationVar(&p.Duration, "phase-duration", 30*time.Second, "internal: how long to search")
}

// benchRun is one run of the bench in the parent process.
type benchRun struct {
	env  Program
	cfg  Config
	self string
	log  *slog.Logger
	args []string
}

func (b *benchRun) path(name string) string { return filepath.Join(b.cfg.Out, name) }

func (b *benchRun) say(format string, args ...any) {
	fmt.Fprintf(b.env.Stderr, "bench: "+format+"\n", args...)
}

func (b *benchRun) run(ctx context.Context) error {
	r := Report{
		Machine:  describeMachine(),
		Command:  "archive bench " + strings.Join(b.args, " "),
		Source:   b.cfg.Source,
		Clients:  b.cfg.Clients,
		Duration: b.cfg.Duration.String(),
		Started:  time.Now().UTC(),
		Out:      b.cfg.Out,
	}
	b.say("working in %s", b.cfg.Out)

	// 1. The corpus.
	corpusPath := b.path("corpus.jsonl")
	b.say("building a corpus of %d articles from %s", b.cfg.N, b.cfg.Source)
	start := time.Now()
	cs, err := writeCorpus(ctx, b.cfg.Source, corpusPath, b.cfg.N, b.env.counter("corpus", int64(b.cfg.N)))
	if err != nil {
		return err
	}
	r.Corpus = cs
	b.say("corpus: %d articles (%d from the source, the rest copies), %s of title and body text, in %s",
		cs.Articles, cs.SourceArticles, mib(cs.RawTextBytes), time.Since(start).Round(time.Second))

	// 2. Our pipeline: ingest, then export what it extracted for the others.
	ours := SystemFigures{Name: "Article Archive"}
	dataDir := b.path("archive-data")
	if err := os.RemoveAll(dataDir); err != nil {
		return err
	}
	b.say("ingesting through the archive's pipeline (extraction included) into %s", dataDir)
	var ing ingestPhaseResult
	rss, took, err := b.child(ctx, "ingest.log", true, &ing, "--phase", "ingest", "--phase-data", dataDir,
		"--phase-source", corpusPath, "--phase-profile", b.path("ingest.pprof"))
	if err != nil {
		return err
	}
	ours.Ingest = IngestFigures{Articles: ing.Indexed, Seconds: took.Seconds(), PeakRSSBytes: rss,
		Note: fmt.Sprintf("read %d, indexed %d, duplicates %d, rejected %d; wall time of the child process, open to close", ing.Read, ing.Indexed, ing.Duplicates, ing.Rejected)}
	ours.Ingest.setDisk(dirBytes(dataDir), cs.RawTextBytes)
	b.say("ingest: %s", ours.Ingest)

	extracted := b.path("extracted.jsonl")
	if !b.cfg.SkipSQLite || !b.cfg.SkipBleve || b.cfg.Backend == "opensearch" {
		b.say("exporting the extracted articles to %s", extracted)
		if _, _, err := b.child(ctx, "export.log", true, nil, "--phase", "export", "--phase-data", dataDir,
			"--phase-source", corpusPath, "--phase-extracted", extracted); err != nil {
			return err
		}
	}

	// 3. Our server over HTTP.
	b.say("searching the archive's server over HTTP: %d clients for %s", b.cfg.Clients, b.cfg.Duration)
	if ours.Search, err = b.searchServer(ctx, dataDir); err != nil {
		return err
	}
	b.say("search: %s", ours.Search)
	r.Systems = append(r.Systems, ours)
	if b.cfg.Backend == "opensearch" {
		s, err := b.openSearchSystems(ctx, corpusPath, extracted, cs.RawTextBytes)
		if err != nil {
			return err
		}
		r.Systems = append(r.Systems, s...)
	}

	// 4. SQLite FTS5 and bare Bleve on the same extracted articles.
	if !b.cfg.SkipSQLite {
		s, err := b.sqlite(ctx, extracted, cs.RawTextBytes)
		if err != nil {
			return err
		}
		r.Systems = append(r.Systems, s)
	}
	if !b.cfg.SkipBleve {
		s, err := b.bareBleve(ctx, extracted, cs.RawTextBytes)
		if err != nil {
			return err
		}
		r.Systems = append(r.Systems, s)
	}
	if !b.cfg.Keep {
		os.RemoveAll(dataDir)
		os.RemoveAll(b.path("sqlite.db"))
		os.RemoveAll(b.path("bare-bleve"))
	}

	// 5. The report.
	r.Finished = time.Now().UTC()
	return b.report(&r)
}

// report computes r's ratios, writes it to --out and prints it.
func (b *benchRun) report(r *Report) error {
	r.computeRatios()
	if err := r.write(b.cfg.Out); err != nil {
		return err
	}
	fmt.Fprint(b.env.Stdout, r.markdown())
	b.say("report written to %s and %s", b.path("report.json"), b.path("report.md"))
	return nil
}

// searchAgain searches the archive of an earlier run in b.cfg.Out again and
// rewrites its report with the new search figures, so that a change to search
// is measured without ingesting a million articles again.
func (b *benchRun) searchAgain(ctx context.Context) error {
	data, err := os.ReadFile(b.path("report.json"))
	if err != nil {
		return fmt.Errorf("%w: --search-only reads the report of an earlier run in --out: %v", ErrUsage, err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("bench: read %s: %w", b.path("report.json"), err)
	}
	if len(r.Systems) == 0 {
		return fmt.Errorf("bench: %s has no figures", b.path("report.json"))
	}
	b.cfg.N = r.Corpus.Articles
	b.say("searching the archive's server over HTTP again: %d clients for %s", b.cfg.Clients, b.cfg.Duration)
	fig, err := b.searchServer(ctx, b.path("archive-data"))
	if err != nil {
		return err
	}
	b.say("search: %s", fig)
	r.Systems[0].Search = fig
	r.Command += "; searched again with archive bench " + strings.Join(b.args, " ")
	r.Notes = append(r.Notes, fmt.Sprintf("The archive's search figures were measured again at %s (--search-only), on the archive this run ingested; every other figure is from the run itself.", time.Now().UTC().Format(time.RFC3339)))
	return b.report(&r)
}

// searchServer starts "archive bench --phase serve" (serveIndex on 127.0.0.1:0),
// waits for it to answer, runs the query mix against it and stops it.
func (b *benchRun) searchServer(ctx context.Context, dataDir string) (SearchFigures, error) {
	logf, err := os.Create(b.path("serve.log"))
	if err != nil {
		return SearchFigures{}, err
	}
	defer logf.Close()
	os.Remove(filepath.Join(dataDir, b.env.ServerFile))
	cmd := b.command(ctx, "--phase", "serve", "--phase-data", dataDir, "--phase-profile", b.path("search.pprof"))
	cmd.Stdout, cmd.Stderr = logf, logf
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return SearchFigures{}, fmt.Errorf("bench: start the server: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() (int64, error) {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			return peakRSS(cmd.ProcessState), err
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-exited
			return 0, fmt.Errorf("bench: the server did not stop within a minute of SIGTERM")
		}
	}
	url, err := waitForServer(ctx, b.env.ServerURL, dataDir, exited)
	if err != nil {
		stop()
		return SearchFigures{}, fmt.Errorf("%w (see %s)", err, logf.Name())
	}
	startup := time.Since(started)
	fig, first, err := b.searchMix(ctx, url)
	if errors.Is(err, errFirstSearch) {
		stop()
		return SearchFigures{}, fmt.Errorf("bench: %w (see %s)", err, logf.Name())
	}
	fig.StartupSeconds, fig.FirstSearchMs = startup.Seconds(), float64(first.Microseconds())/1000
	rss, stopErr := stop()
	if err != nil {
		return fig, err
	}
	if stopErr != nil {
		return fig, fmt.Errorf("bench: the server failed: %w (see %s)", stopErr, logf.Name())
	}
	fig.PeakRSSBytes = rss
	fig.Note = "the real server (serveIndex) in its own process, queried over HTTP/1.1 keep-alive from the bench process; peak RSS is the server's, including opening the index"
	return fig, nil
}

// errFirstSearch marks the failure of a server's first search.
var errFirstSearch = errors.New("the first search")

// searchMix asks the archive's server at url the broad term once (the first
// search of a freshly started server, facets and all), then the whole mix from
// the configured clients for the configured time. A failed first search is an
// error wrapping errFirstSearch.
func (b *benchRun) searchMix(ctx context.Context, url string) (fig SearchFigures, first time.Duration, err error) {
	client := newHTTPSearcher(url, b.cfg.Clients)
	mix := Mix(b.cfg.N)
	start := time.Now()
	if _, err := client.search(ctx, 0, mix[1]); err != nil {
		return fig, 0, fmt.Errorf("%w: %w", errFirstSearch, err)
	}
	first = time.Since(start)
	fig, err = runLoad(ctx, mix, b.cfg.Clients, b.cfg.Duration, client.search, b.env.counter("requests", 0))
	return fig, first, err
}

// bareBleve builds the bare Bleve index from the extracted articles and searches
// it through the Go API, each in a child process.
func (b *benchRun) bareBleve(ctx context.Context, extracted string, rawBytes int64) (SystemFigures, error) {
	s := SystemFigures{Name: "bare Bleve"}
	dir := b.path("bare-bleve")
	if err := os.RemoveAll(dir); err != nil {
		return s, err
	}
	b.say("bare Bleve: indexing the extracted articles in batches of %d", bareBatch)
	var built ingestPhaseResult
	rss, took, err := b.child(ctx, "bare-build.log", true, &built, "--phase", "bare-build", "--phase-data", dir, "--phase-extracted", extracted)
	if err != nil {
		return s, err
	}
	s.Ingest = IngestFigures{Articles: built.Indexed, Seconds: took.Seconds(), PeakRSSBytes: rss,
		Note: fmt.Sprintf("plain mapping, bleve.New, batches of %d, from extracted.jsonl: no extraction, no record store, no duplicate or story detection", bareBatch)}
	s.Ingest.setDisk(dirBytes(dir), rawBytes)
	b.say("bare Bleve ingest: %s", s.Ingest)
	b.say("bare Bleve: searching through the Go API: %d clients for %s", b.cfg.Clients, b.cfg.Duration)
	var fig SearchFigures
	rss, _, err = b.child(ctx, "bare-search.log", false, &fig, "--phase", "bare-search", "--phase-data", dir,
		"--phase-clients", fmt.Sprint(b.cfg.Clients), "--phase-n", fmt.Sprint(b.cfg.N), "--phase-duration", b.cfg.Duration.String())
	if err != nil {
		return s, err
	}
	fig.PeakRSSBytes = rss
	fig.Note = "Go API in the same process as the clients (no HTTP); person, outlet and month terms facets and HTML highlighting"
	s.Search = fig
	b.say("bare Bleve search: %s", s.Search)
	return s, nil
}

// command is this program with args, for a child phase.
func (b *benchRun) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.self, append([]string{"bench"}, args...)...)
	cmd.Env = append(os.Environ(), ChildEnv+"=1")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = time.Minute
	return cmd
}

// ChildEnv is set for the child processes, so that a test binary standing in
// for this program knows to run main (see TestMain).
const ChildEnv = "ARCHIVE_BENCH_CHILD"

// child runs a phase to its end and returns its peak RSS and wall time; the phase
// writes its figures as JSON, decoded into result when it is not nil. Its logs go
// to a file in --out, and its stderr to ours too when showProgress.
func (b *benchRun) child(ctx context.Context, logName string, showProgress bool, result any, args ...string) (int64, time.Duration, error) {
	resultPath := b.path(strings.TrimSuffix(logName, ".log") + ".result.json")
	os.Remove(resultPath)
	logf, err := os.Create(b.path(logName))
	if err != nil {
		return 0, 0, err
	}
	defer logf.Close()
	cmd := b.command(ctx, append(args, "--phase-result", resultPath)...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	if showProgress {
		cmd.Stderr = b.env.Stderr
	}
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	if err != nil {
		return 0, took, fmt.Errorf("bench: phase %s failed: %w (see %s)", args[1], err, logf.Name())
	}
	if result != nil {
		data, err := os.ReadFile(resultPath)
		if err != nil {
			return 0, took, fmt.Errorf("bench: phase %s wrote no figures: %w", args[1], err)
		}
		if err := json.Unmarshal(data, result); err != nil {
			return 0, took, fmt.Errorf("bench: phase %s: %w", args[1], err)
		}
	}
	return peakRSS(cmd.ProcessState), took, nil
}

// peakRSS is a finished process's peak resident set (its VmHWM), in bytes.
func peakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // kilobytes on Linux
	}
	return 0
}

// dirBytes is the size on disk of the files under dir.
func dirBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512 // allocated, as du counts: sparse files count what they hold
			} else {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
