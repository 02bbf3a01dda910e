package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// openSearchSystems measures the archive on the OpenSearch engine and a bare
// OpenSearch index fed the same fields, one after the other on the cluster of
// --opensearch, and deletes both indexes from it afterwards.
func (b *benchRun) openSearchSystems(ctx context.Context, corpusPath, extracted string, rawBytes int64) ([]SystemFigures, error) {
	urls := splitURLs(b.cfg.OpenSearch)
	shape, err := b.openSearchShape(ctx, urls)
	if err != nil {
		return nil, err
	}
	b.say("OpenSearch: %s", shape)
	stamp := time.Now().Unix()
	archiveIndex := fmt.Sprintf("bench-%d-%d", b.cfg.N, stamp)
	bareIndex := fmt.Sprintf("bench-bare-%d-%d", b.cfg.N, stamp)
	defer func() {
		// Indexes of 100,000s of articles are not left on a cluster others use.
		// The archive's engine keeps indexes beside its own (tombstones, people
		// edits, keys…), named after it: all of them go.
		names := []string{archiveIndex, bareIndex}
		side, err := newBareOpenSearch(urls, archiveIndex, 1).indexesNamed(context.WithoutCancel(ctx), archiveIndex+"-*")
		if err != nil {
			b.say("OpenSearch: could not list the indexes beside %s: %v", archiveIndex, err)
		}
		for _, name := range append(names, side...) {
			if err := newBareOpenSearch(urls, name, 1).drop(context.WithoutCancel(ctx)); err != nil {
				b.say("OpenSearch: could not delete index %s: %v", name, err)
			}
		}
	}()
	var out []SystemFigures
	s, err := b.openSearchSystem(ctx, urls, shape, archiveIndex, corpusPath, rawBytes)
	if err != nil {
		return out, err
	}
	out = append(out, s)
	s, err = b.bareOpenSearchSystem(ctx, urls, shape, bareIndex, extracted, rawBytes)
	if err != nil {
		return out, err
	}
	return append(out, s), nil
}

// watchCount reports how many articles index holds every two seconds (a log line
// every ten when stderr is no terminal) until the returned func is called, so
// that a long ingest in a child process shows its progress.
func (b *benchRun) watchCount(ctx context.Context, urls []string, index, what string) (stop func()) {
	o := newBareOpenSearch(urls, index, 1)
	progress := b.env.counter(what, int64(b.cfg.N))
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var last int64
		for {
			select {
			case <-done:
				progress(last, true)
				return
			case <-time.After(2 * time.Second):
			}
			var c struct {
				Count int64 `json:"count"`
			}
			if o.doJSON(ctx, http.MethodGet, "/"+index+"/_count", nil, &c) == nil {
				last = c.Count
				progress(last, false)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// splitURLs is the comma-separated list of URLs without blanks or a final /.
func splitURLs(list string) []string {
	var urls []string
	for _, u := range strings.Split(list, ",") {
		if u = strings.TrimSuffix(strings.TrimSpace(u), "/"); u != "" {
			urls = append(urls, u)
		}
	}
	return urls
}

// indexShape is the shards and replicas of the bench's OpenSearch indexes.
type indexShape struct {
	shards, replicas, dataNodes int
}

func (s indexShape) String() string {
	return fmt.Sprintf("%d data node(s); indexes of %d shard(s) with %d replica(s) each", s.dataNodes, s.shards, s.replicas)
}

// openSearchShape is the shape of --opensearch-shards and --opensearch-replicas,
// else 1 shard and no replica on one data node, and 3 shards with 1 replica on
// more.
func (b *benchRun) openSearchShape(ctx context.Context, urls []string) (indexShape, error) {
	var h struct {
		DataNodes int `json:"number_of_data_nodes"`
	}
	if err := newBareOpenSearch(urls, "", 1).doJSON(ctx, http.MethodGet, "/_cluster/health", nil, &h); err != nil {
		return indexShape{}, fmt.Errorf("bench: ask %s for its health: %w", urls[0], err)
	}
	s := indexShape{shards: 1, replicas: 0, dataNodes: h.DataNodes}
	if h.DataNodes > 1 {
		s.shards, s.replicas = 3, 1
	}
	if b.cfg.OpenSearchShards > 0 {
		s.shards = b.cfg.OpenSearchShards
	}
	if b.cfg.OpenSearchReplicas >= 0 {
		s.replicas = b.cfg.OpenSearchReplicas
	}
	return s, nil
}

// openSearchSystem measures the archive on the OpenSearch engine (archive bench
// --backend opensearch --opensearch URL): `archive ingest --opensearch` of the same
// corpus into an index of its own, then `archive serve --opensearch` searched over
// HTTP with the same query mix. RSS counts the archive's process and the peak of
// the cluster's JVMs during the phase (sampled from /proc when the nodes run on
// this machine); disk is the index's store (primaries and replicas) as the
// cluster reports it.
func (b *benchRun) openSearchSystem(ctx context.Context, urls []string, shape indexShape, index, corpusPath string, rawBytes int64) (SystemFigures, error) {
	s := SystemFigures{Name: "Article Archive on OpenSearch"}
	osArgs := []string{"--opensearch", b.cfg.OpenSearch, "--opensearch-index", index}

	b.say("OpenSearch: ingesting through the archive's pipeline into index %s at %s", index, b.cfg.OpenSearch)
	logf, err := os.Create(b.path("opensearch-ingest.log"))
	if err != nil {
		return s, err
	}
	defer logf.Close()
	jvms := b.sampleJVMs(ctx, urls)
	cmd := exec.CommandContext(ctx, b.self, append(append([]string{"ingest"}, osArgs...),
		"--opensearch-shards", fmt.Sprint(shape.shards), "--opensearch-replicas", fmt.Sprint(shape.replicas), "--quiet", corpusPath)...)
	cmd.Env = append(os.Environ(), ChildEnv+"=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	stopWatching := b.watchCount(ctx, urls, index, "articles in the archive's OpenSearch index")
	err = cmd.Run()
	took := time.Since(start)
	stopWatching()
	jvmPeak := jvms.stop()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 3) { // 3: some input rejected
		return s, fmt.Errorf("bench: ingest into OpenSearch: %w (see %s)", err, logf.Name())
	}
	stats, err := clusterStats(ctx, urls[0], index)
	if err != nil {
		return s, err
	}
	s.Ingest = IngestFigures{Articles: stats.docs, Seconds: took.Seconds(), PeakRSSBytes: peakRSS(cmd.ProcessState) + jvmPeak,
		Note: fmt.Sprintf("wall time of archive ingest --opensearch (%s); peak RSS of the archive process (%s) plus %s",
			shape, mib(peakRSS(cmd.ProcessState)), jvms.describe(jvmPeak))}
	s.Ingest.setDisk(stats.storeBytes, rawBytes)
	b.say("OpenSearch ingest: %s", s.Ingest)

	b.say("OpenSearch: searching archive serve --opensearch over HTTP: %d clients for %s", b.cfg.Clients, b.cfg.Duration)
	slog, err := os.Create(b.path("opensearch-serve.log"))
	if err != nil {
		return s, err
	}
	defer slog.Close()
	serve := exec.CommandContext(ctx, b.self, append(append([]string{"serve"}, osArgs...), "--addr", "127.0.0.1:0")...)
	serve.Env = append(os.Environ(), ChildEnv+"=1")
	stderr, err := serve.StderrPipe()
	if err != nil {
		return s, err
	}
	serve.Stdout = slog
	started := time.Now()
	jvms = b.sampleJVMs(ctx, urls)
	if err := serve.Start(); err != nil {
		jvms.stop()
		return s, err
	}
	stop := func() int64 {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
		return peakRSS(serve.ProcessState)
	}
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(slog, sc.Text())
			if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case base <- m[1]:
				default:
				}
			}
		}
	}()
	var url string
	select {
	case url = <-base:
	case <-time.After(5 * time.Minute):
		stop()
		jvms.stop()
		return s, fmt.Errorf("bench: archive serve --opensearch did not start (see %s)", slog.Name())
	}
	startup := time.Since(started)
	fig, first, err := b.searchMix(ctx, url)
	if errors.Is(err, errFirstSearch) {
		stop()
		jvms.stop()
		return s, fmt.Errorf("bench: on OpenSearch, %w (see %s)", err, slog.Name())
	}
	rss := stop()
	jvmPeak = jvms.stop()
	if err != nil {
		return s, err
	}
	fig.StartupSeconds, fig.FirstSearchMs = startup.Seconds(), float64(first.Microseconds())/1000
	fig.PeakRSSBytes = rss + jvmPeak
	fig.Note = fmt.Sprintf("archive serve --opensearch in its own process over HTTP; peak RSS of the server (%s) plus %s", mib(rss), jvms.describe(jvmPeak))
	s.Search = fig
	b.say("OpenSearch search: %s", s.Search)
	return s, nil
}

// servingAt finds the address in the line archive serve prints when it serves.
var servingAt = regexp.MustCompile(`serving (https?://[^/\s]+)/`)

type clusterFigures struct {
	docs       int
	storeBytes int64
}

// clusterStats waits until every copy of an index is allocated (green), then
// reads its documents (primaries) and store size (primaries and replicas).
func clusterStats(ctx context.Context, url, index string) (clusterFigures, error) {
	var f clusterFigures
	get := func(path string, v any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+path, nil)
		if err != nil {
			return err
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("bench: %s: %w", path, err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("bench: %s: %s", path, res.Status)
		}
		return json.NewDecoder(res.Body).Decode(v)
	}
	var health struct {
		Status string `json:"status"`
	}
	if err := get("/_cluster/health/"+index+"?wait_for_status=green&timeout=10m", &health); err != nil {
		return f, err
	}
	if health.Status != "green" {
		return f, fmt.Errorf("bench: index %s is %s after 10 minutes, not green: some of its shard copies have no node", index, health.Status)
	}
	if res, err := http.Post(url+"/"+index+"/_refresh", "application/json", nil); err == nil {
		res.Body.Close()
	}
	var stats struct {
		All struct {
			Primaries struct {
				Docs struct {
					Count int `json:"count"`
				} `json:"docs"`
			} `json:"primaries"`
			Total struct {
				Store struct {
					Size int64 `json:"size_in_bytes"`
				} `json:"store"`
			} `json:"total"`
		} `json:"_all"`
	}
	if err := get("/"+index+"/_stats/docs,store", &stats); err != nil {
		return f, err
	}
	f.docs, f.storeBytes = stats.All.Primaries.Docs.Count, stats.All.Total.Store.Size
	return f, nil
}

// jvmSampler follows the resident set of the cluster's JVMs that run on this
// machine during one phase, and keeps the peak of their sum. A JVM's own peak
// (VmHWM) counts everything since it started, earlier phases and other users of
// a shared node included, so it is reported beside, not used.
type jvmSampler struct {
	pids []int
	peak atomic.Int64
	done chan struct{}
	wg   sync.WaitGroup
}

// sampleJVMs starts sampling every 100 ms until stop. Nodes that do not run on
// this machine are left out (describe says how many were counted).
func (b *benchRun) sampleJVMs(ctx context.Context, urls []string) *jvmSampler {
	s := &jvmSampler{done: make(chan struct{})}
	var nodes struct {
		Nodes map[string]struct {
			Process struct {
				ID int `json:"id"`
			} `json:"process"`
		} `json:"nodes"`
	}
	if err := newBareOpenSearch(urls, "", 1).doJSON(ctx, http.MethodGet, "/_nodes/process", nil, &nodes); err != nil {
		b.say("OpenSearch: cannot list the nodes' processes, their RSS is not counted: %v", err)
	}
	for _, n := range nodes.Nodes {
		if comm, err := os.ReadFile("/proc/" + strconv.Itoa(n.Process.ID) + "/comm"); err == nil && strings.TrimSpace(string(comm)) == "java" {
			s.pids = append(s.pids, n.Process.ID)
		}
	}
	s.wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var sum int64
			for _, pid := range s.pids {
				sum += procStatus(pid, "VmRSS:")
			}
			if sum > s.peak.Load() {
				s.peak.Store(sum)
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	})
	return s
}

// stop ends the sampling and returns the peak of the JVMs' summed RSS.
func (s *jvmSampler) stop() int64 {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.wg.Wait()
	return s.peak.Load()
}

// describe says what a peak counts, for the report's notes.
func (s *jvmSampler) describe(peak int64) string {
	var hwm int64
	for _, pid := range s.pids {
		hwm += procStatus(pid, "VmHWM:")
	}
	return fmt.Sprintf("the %d JVM(s) on this machine (%s, the peak of their summed RSS sampled every 100 ms during the phase; their own peak since they started, VmHWM, is %s)",
		len(s.pids), mib(peak), mib(hwm))
}

// procStatus is a field in kB of a process's /proc status (VmRSS:, VmHWM:), in
// bytes; 0 when the process is not on this machine.
func procStatus(pid int, field string) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// bareOpenSearchSystem loads extracted.jsonl into a bare OpenSearch index (see
// bareOpenSearch) and searches it with the query mix from this process.
func (b *benchRun) bareOpenSearchSystem(ctx context.Context, urls []string, shape indexShape, index, extracted string, rawBytes int64) (SystemFigures, error) {
	s := SystemFigures{Name: "bare OpenSearch"}
	o := newBareOpenSearch(urls, index, b.cfg.Clients)
	if err := o.create(ctx, shape.shards, shape.replicas); err != nil {
		return s, err
	}
	b.say("bare OpenSearch: loading the extracted articles into index %s with _bulk (%d a request, %d at once)", index, bareBulkDocs, bareBulkWorkers)
	jvms := b.sampleJVMs(ctx, urls)
	start := time.Now()
	n, err := o.load(ctx, extracted, b.env.counter("loaded into bare OpenSearch", 0))
	took := time.Since(start)
	jvmPeak := jvms.stop()
	if err != nil {
		return s, err
	}
	stats, err := clusterStats(ctx, urls[0], index)
	if err != nil {
		return s, err
	}
	if stats.docs != n {
		return s, fmt.Errorf("bench: bare OpenSearch took %d articles but its index %s holds %d", n, index, stats.docs)
	}
	s.Ingest = IngestFigures{Articles: n, Seconds: took.Seconds(), PeakRSSBytes: jvmPeak,
		Note: fmt.Sprintf("_bulk of extracted.jsonl from the bench process (%s): minimal mapping (title and body english text, outlet and persons keywords, published date), default settings, no extraction, no duplicate or story detection; peak RSS is %s",
			shape, jvms.describe(jvmPeak))}
	s.Ingest.setDisk(stats.storeBytes, rawBytes)
	b.say("bare OpenSearch ingest: %s", s.Ingest)

	b.say("bare OpenSearch: searching with the query DSL over HTTP: %d clients for %s", b.cfg.Clients, b.cfg.Duration)
	jvms = b.sampleJVMs(ctx, urls)
	fig, err := runLoad(ctx, Mix(b.cfg.N), b.cfg.Clients, b.cfg.Duration, o.search, b.env.counter("requests", 0))
	jvmPeak = jvms.stop()
	if err != nil {
		return s, err
	}
	fig.PeakRSSBytes = jvmPeak
	fig.Note = "query DSL straight from the bench process over HTTP: simple_query_string on title^2 and body, term filters, person and outlet terms aggregations, a monthly date histogram, highlighting of the body; peak RSS is " + jvms.describe(jvmPeak)
	s.Search = fig
	b.say("bare OpenSearch search: %s", s.Search)
	return s, nil
}
