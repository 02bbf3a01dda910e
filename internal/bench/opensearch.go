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
	"syscall"
	"time"
)

// openSearchSystem measures the archive on the OpenSearch engine (archive bench
// --backend opensearch --opensearch URL): `archive ingest --opensearch` of the same
// corpus into an index of its own, then `archive serve --opensearch` searched over
// HTTP with the same query mix. RSS counts the archive's process and the cluster's
// JVMs (their peak, VmHWM, read from /proc when the nodes run on this machine);
// disk is the index's store (primaries and replicas) as the cluster reports it.
func (b *benchRun) openSearchSystem(ctx context.Context, corpusPath string, rawBytes int64) (SystemFigures, error) {
	s := SystemFigures{Name: "Article Archive on OpenSearch"}
	urls := strings.Split(b.cfg.OpenSearch, ",")
	index := fmt.Sprintf("bench-%d-%d", b.cfg.N, time.Now().Unix())
	osArgs := []string{"--opensearch", b.cfg.OpenSearch, "--opensearch-index", index}

	b.say("OpenSearch: ingesting through the archive's pipeline into index %s at %s", index, b.cfg.OpenSearch)
	logf, err := os.Create(b.path("opensearch-ingest.log"))
	if err != nil {
		return s, err
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, b.self, append(append([]string{"ingest"}, osArgs...), "--quiet", corpusPath)...)
	cmd.Env = append(os.Environ(), ChildEnv+"=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 3) { // 3: some input rejected
		return s, fmt.Errorf("bench: ingest into OpenSearch: %w (see %s)", err, logf.Name())
	}
	stats, err := clusterStats(ctx, urls[0], index)
	if err != nil {
		return s, err
	}
	s.Ingest = IngestFigures{Articles: stats.docs, Seconds: took.Seconds(), PeakRSSBytes: peakRSS(cmd.ProcessState) + stats.jvmPeakRSS,
		Note: fmt.Sprintf("wall time of archive ingest --opensearch; peak RSS of the archive process (%s) plus the %d JVM(s) (%s, peak since they started)",
			mib(peakRSS(cmd.ProcessState)), stats.nodes, mib(stats.jvmPeakRSS))}
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
	if err := serve.Start(); err != nil {
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
		return s, fmt.Errorf("bench: archive serve --opensearch did not start (see %s)", slog.Name())
	}
	startup := time.Since(started)
	client := newHTTPSearcher(url, b.cfg.Clients)
	mix := Mix(b.cfg.N)
	firstStart := time.Now()
	if _, err := client.search(ctx, 0, mix[1]); err != nil {
		stop()
		return s, fmt.Errorf("bench: the first search on OpenSearch: %w (see %s)", err, slog.Name())
	}
	first := time.Since(firstStart)
	fig, err := runLoad(ctx, mix, b.cfg.Clients, b.cfg.Duration, client.search, b.env.counter("requests", 0))
	rss := stop()
	if err != nil {
		return s, err
	}
	after, err := clusterStats(ctx, urls[0], index)
	if err != nil {
		return s, err
	}
	fig.StartupSeconds, fig.FirstSearchMs = startup.Seconds(), float64(first.Microseconds())/1000
	fig.PeakRSSBytes = rss + after.jvmPeakRSS
	fig.Note = fmt.Sprintf("archive serve --opensearch in its own process over HTTP; peak RSS of the server (%s) plus the JVM(s) (%s)", mib(rss), mib(after.jvmPeakRSS))
	s.Search = fig
	b.say("OpenSearch search: %s", s.Search)
	return s, nil
}

// servingAt finds the address in the line archive serve prints when it serves.
var servingAt = regexp.MustCompile(`serving (https?://[^/\s]+)/`)

type clusterFigures struct {
	docs, nodes int
	storeBytes  int64
	jvmPeakRSS  int64
}

// clusterStats reads an index's documents and store size, and the peak RSS of
// the cluster's JVMs that run on this machine.
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
	var nodes struct {
		Nodes map[string]struct {
			Process struct {
				ID int `json:"id"`
			} `json:"process"`
		} `json:"nodes"`
	}
	if err := get("/_nodes/process", &nodes); err != nil {
		return f, err
	}
	for _, n := range nodes.Nodes {
		f.nodes++
		f.jvmPeakRSS += procPeakRSS(n.Process.ID)
	}
	return f, nil
}

// procPeakRSS is a running process's peak resident set (VmHWM), 0 when it is not
// on this machine.
func procPeakRSS(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
