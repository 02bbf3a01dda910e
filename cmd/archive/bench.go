package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// benchConfig is what "archive bench" was asked to do.
type benchConfig struct {
	n                     int
	source, out           string
	clients               int
	duration              time.Duration
	skipSQLite, skipBleve bool
	keep                  bool
	searchOnly            bool
	// backend "opensearch" adds the archive on the OpenSearch cluster openSearch
	// (bench_opensearch.go).
	backend, openSearch string
}

// defaultBenchSource is the development corpus beside the checkout.
var defaultBenchSource = filepath.Join("..", "shared", "data", "reuters21578", "articles.jsonl")

// bench builds a corpus, ingests it through the archive's pipeline, serves it and
// searches it over HTTP, and does the same with SQLite FTS5 and bare Bleve, then
// reports the figures side by side. Each phase that holds an index runs as a child
// process of this binary so that its peak RSS is its own.
func (e environment) bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: archive bench [--n N] [--source FILE.jsonl] [--out DIR] [--clients C] [--duration D] [--skip-sqlite] [--skip-bleve] [--search-only]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var c benchConfig
	fs.IntVar(&c.n, "n", 1_000_000, "articles in the corpus; the source is replicated (new ids, dates, outlets, people) when it has fewer")
	fs.StringVar(&c.source, "source", defaultBenchSource, "JSON Lines articles the corpus is made from")
	fs.StringVar(&c.out, "out", "", "directory for the corpus, the indexes, the profiles and the report (default: a new temporary directory)")
	fs.IntVar(&c.clients, "clients", 2, "concurrent search clients")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long each system is searched")
	fs.BoolVar(&c.skipSQLite, "skip-sqlite", false, "leave out SQLite FTS5")
	fs.BoolVar(&c.skipBleve, "skip-bleve", false, "leave out bare Bleve")
	fs.BoolVar(&c.keep, "keep", true, "keep the indexes in --out after the run (the corpus and report are always kept)")
	fs.BoolVar(&c.searchOnly, "search-only", false, "search the archive an earlier run left in --out again, and update its report: the other figures stay those of that run")
	fs.StringVar(&c.backend, "backend", "bleve", "bleve, or opensearch: also ingest and search the archive on the OpenSearch cluster of --opensearch, side by side")
	fs.StringVar(&c.openSearch, "opensearch", e.getenv(envOpenSearch), "the OpenSearch cluster of --backend opensearch (env "+envOpenSearch+")")
	var p phaseFlags
	p.register(fs)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("bench", rest); err != nil {
		return err
	}
	if p.phase != "" {
		return e.benchPhase(ctx, p)
	}
	switch {
	case c.n < 1:
		return fmt.Errorf("%w: --n must be 1 or more", errUsage)
	case c.clients < 1:
		return fmt.Errorf("%w: --clients must be 1 or more", errUsage)
	case c.duration <= 0:
		return fmt.Errorf("%w: --duration must be positive, such as 30s", errUsage)
	case c.backend != "bleve" && c.backend != "opensearch":
		return fmt.Errorf("%w: --backend is bleve or opensearch", errUsage)
	case c.backend == "opensearch" && c.openSearch == "":
		return fmt.Errorf("%w: --backend opensearch needs --opensearch URL[,URL…]", errUsage)
	}
	if c.searchOnly {
		if c.out == "" {
			return fmt.Errorf("%w: --search-only needs --out, the directory of the earlier run", errUsage)
		}
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("bench: find this program to run its phases: %w", err)
		}
		b := &benchRun{env: e, cfg: c, self: self, log: logger(e.stderr, false), args: args}
		return b.searchAgain(ctx)
	}
	if _, err := os.Stat(c.source); err != nil {
		return fmt.Errorf("%w: the source corpus %s is not there (%v): the default is the Reuters-21578 corpus in ../shared/data/reuters21578/ beside the checkout; give any JSON Lines file of articles with --source", errUsage, c.source, err)
	}
	if !c.skipSQLite {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			return fmt.Errorf("%w: the sqlite3 command is not on PATH: install it (apt-get install sqlite3) or pass --skip-sqlite", errUsage)
		}
	}
	if c.out == "" {
		if c.out, err = os.MkdirTemp("", "archive-bench-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: find this program to run its phases: %w", err)
	}
	b := &benchRun{env: e, cfg: c, self: self, log: logger(e.stderr, false), args: args}
	return b.run(ctx)
}

// phaseFlags name a phase of the bench run in a child process. They are internal:
// the parent process passes them.
type phaseFlags struct {
	phase, data, source, extracted, result, profile string
	clients, articles                               int
	duration                                        time.Duration
}

func (p *phaseFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.phase, "phase", "", "internal: run one phase (ingest, export, serve, bare-build, bare-search) in this process")
	fs.StringVar(&p.data, "phase-data", "", "internal: the phase's index directory")
	fs.StringVar(&p.source, "phase-source", "", "internal: the phase's corpus")
	fs.StringVar(&p.extracted, "phase-extracted", "", "internal: the extracted articles")
	fs.StringVar(&p.result, "phase-result", "", "internal: where the phase writes its figures")
	fs.StringVar(&p.profile, "phase-profile", "", "internal: where the phase writes its CPU profile")
	fs.IntVar(&p.clients, "phase-clients", 2, "internal: concurrent clients")
	fs.IntVar(&p.articles, "phase-n", 0, "internal: the articles in the corpus")
	fs.DurationVar(&p.duration, "phase-duration", 30*time.Second, "internal: how long to search")
}

// benchRun is one run of the bench in the parent process.
type benchRun struct {
	env  environment
	cfg  benchConfig
	self string
	log  *slog.Logger
	args []string
}

func (b *benchRun) path(name string) string { return filepath.Join(b.cfg.out, name) }

func (b *benchRun) say(format string, args ...any) {
	fmt.Fprintf(b.env.stderr, "bench: "+format+"\n", args...)
}

func (b *benchRun) run(ctx context.Context) error {
	r := benchReport{
		Machine:  describeMachine(),
		Command:  "archive bench " + strings.Join(b.args, " "),
		Source:   b.cfg.source,
		Clients:  b.cfg.clients,
		Duration: b.cfg.duration.String(),
		Started:  time.Now().UTC(),
		Out:      b.cfg.out,
	}
	b.say("working in %s", b.cfg.out)

	// 1. The corpus.
	corpusPath := b.path("corpus.jsonl")
	b.say("building a corpus of %d articles from %s", b.cfg.n, b.cfg.source)
	start := time.Now()
	cs, err := writeCorpus(ctx, b.cfg.source, corpusPath, b.cfg.n, b.env.counter("corpus", int64(b.cfg.n)))
	if err != nil {
		return err
	}
	r.Corpus = cs
	b.say("corpus: %d articles (%d from the source, the rest copies), %s of title and body text, in %s",
		cs.Articles, cs.SourceArticles, mib(cs.RawTextBytes), time.Since(start).Round(time.Second))

	// 2. Our pipeline: ingest, then export what it extracted for the others.
	ours := systemFigures{Name: "Article Archive"}
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
	ours.Ingest = ingestFigures{Articles: ing.Indexed, Seconds: took.Seconds(), PeakRSSBytes: rss,
		Note: fmt.Sprintf("read %d, indexed %d, duplicates %d, rejected %d; wall time of the child process, open to close", ing.Read, ing.Indexed, ing.Duplicates, ing.Rejected)}
	ours.Ingest.setDisk(dirBytes(dataDir), cs.RawTextBytes)
	b.say("ingest: %s", ours.Ingest)

	extracted := b.path("extracted.jsonl")
	if !b.cfg.skipSQLite || !b.cfg.skipBleve {
		b.say("exporting the extracted articles to %s", extracted)
		if _, _, err := b.child(ctx, "export.log", true, nil, "--phase", "export", "--phase-data", dataDir,
			"--phase-source", corpusPath, "--phase-extracted", extracted); err != nil {
			return err
		}
	}

	// 3. Our server over HTTP.
	b.say("searching the archive's server over HTTP: %d clients for %s", b.cfg.clients, b.cfg.duration)
	if ours.Search, err = b.searchServer(ctx, dataDir); err != nil {
		return err
	}
	b.say("search: %s", ours.Search)
	r.Systems = append(r.Systems, ours)
	if b.cfg.backend == "opensearch" {
		s, err := b.openSearchSystem(ctx, corpusPath, cs.RawTextBytes)
		if err != nil {
			return err
		}
		r.Systems = append(r.Systems, s)
	}

	// 4. SQLite FTS5 and bare Bleve on the same extracted articles.
	if !b.cfg.skipSQLite {
		s, err := b.sqlite(ctx, extracted, cs.RawTextBytes)
		if err != nil {
			return err
		}
		r.Systems = append(r.Systems, s)
	}
	if !b.cfg.skipBleve {
		s, err := b.bareBleve(ctx, extracted, cs.RawTextBytes)
		if err != nil {
			return err
		}
		r.Systems = append(r.Systems, s)
	}
	if !b.cfg.keep {
		os.RemoveAll(dataDir)
		os.RemoveAll(b.path("sqlite.db"))
		os.RemoveAll(b.path("bare-bleve"))
	}

	// 5. The report.
	r.Finished = time.Now().UTC()
	return b.report(&r)
}

// report computes r's ratios, writes it to --out and prints it.
func (b *benchRun) report(r *benchReport) error {
	r.computeRatios()
	if err := r.write(b.cfg.out); err != nil {
		return err
	}
	fmt.Fprint(b.env.stdout, r.markdown())
	b.say("report written to %s and %s", b.path("report.json"), b.path("report.md"))
	return nil
}

// searchAgain searches the archive of an earlier run in b.cfg.out again and
// rewrites its report with the new search figures, so that a change to search
// is measured without ingesting a million articles again.
func (b *benchRun) searchAgain(ctx context.Context) error {
	data, err := os.ReadFile(b.path("report.json"))
	if err != nil {
		return fmt.Errorf("%w: --search-only reads the report of an earlier run in --out: %v", errUsage, err)
	}
	var r benchReport
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("bench: read %s: %w", b.path("report.json"), err)
	}
	if len(r.Systems) == 0 {
		return fmt.Errorf("bench: %s has no figures", b.path("report.json"))
	}
	b.cfg.n = r.Corpus.Articles
	b.say("searching the archive's server over HTTP again: %d clients for %s", b.cfg.clients, b.cfg.duration)
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
func (b *benchRun) searchServer(ctx context.Context, dataDir string) (searchFigures, error) {
	logf, err := os.Create(b.path("serve.log"))
	if err != nil {
		return searchFigures{}, err
	}
	defer logf.Close()
	os.Remove(filepath.Join(dataDir, serverFile))
	cmd := b.command(ctx, "--phase", "serve", "--phase-data", dataDir, "--phase-profile", b.path("search.pprof"))
	cmd.Stdout, cmd.Stderr = logf, logf
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return searchFigures{}, fmt.Errorf("bench: start the server: %w", err)
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
	url, err := waitForServer(ctx, dataDir, exited)
	if err != nil {
		stop()
		return searchFigures{}, fmt.Errorf("%w (see %s)", err, logf.Name())
	}
	startup := time.Since(started)
	client := newHTTPSearcher(url, b.cfg.clients)
	// The first search of a freshly opened archive: the broad term, facets and all.
	mix := benchMix(b.cfg.n)
	firstStart := time.Now()
	if _, err := client.search(ctx, 0, mix[1]); err != nil {
		stop()
		return searchFigures{}, fmt.Errorf("bench: the first search: %w (see %s)", err, logf.Name())
	}
	first := time.Since(firstStart)
	fig, err := runLoad(ctx, mix, b.cfg.clients, b.cfg.duration, client.search, b.env.counter("requests", 0))
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

// bareBleve builds the bare Bleve index from the extracted articles and searches
// it through the Go API, each in a child process.
func (b *benchRun) bareBleve(ctx context.Context, extracted string, rawBytes int64) (systemFigures, error) {
	s := systemFigures{Name: "bare Bleve"}
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
	s.Ingest = ingestFigures{Articles: built.Indexed, Seconds: took.Seconds(), PeakRSSBytes: rss,
		Note: fmt.Sprintf("plain mapping, bleve.New, batches of %d, from extracted.jsonl: no extraction, no record store, no duplicate or story detection", bareBatch)}
	s.Ingest.setDisk(dirBytes(dir), rawBytes)
	b.say("bare Bleve ingest: %s", s.Ingest)
	b.say("bare Bleve: searching through the Go API: %d clients for %s", b.cfg.clients, b.cfg.duration)
	var fig searchFigures
	rss, _, err = b.child(ctx, "bare-search.log", false, &fig, "--phase", "bare-search", "--phase-data", dir,
		"--phase-clients", fmt.Sprint(b.cfg.clients), "--phase-n", fmt.Sprint(b.cfg.n), "--phase-duration", b.cfg.duration.String())
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
	cmd.Env = append(os.Environ(), benchChildEnv+"=1")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = time.Minute
	return cmd
}

// benchChildEnv is set for the child processes, so that a test binary standing in
// for this program knows to run main (see TestMain).
const benchChildEnv = "ARCHIVE_BENCH_CHILD"

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
		cmd.Stderr = b.env.stderr
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
