// Package ostest gives tests a real OpenSearch cluster: the one named by
// OPENSEARCH_URLS, or nodes it starts itself from Maven Central jars with the
// project's launcher (scripts/opensearch), stopped when the test ends. Where Java
// 21+ or Maven are missing, the test is skipped with a message saying what to
// install, so that `go test ./...` passes on a machine with only Go.
package ostest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// EnvURLs names a running cluster (comma-separated URLs) that tests use instead of
// starting their own.
const EnvURLs = "OPENSEARCH_URLS"

// EnvOff, set to 1, skips every test that needs OpenSearch.
const EnvOff = "ARCHIVE_OPENSEARCH_TESTS_OFF"

// Cluster is an OpenSearch cluster a test uses.
type Cluster struct {
	// URLs are the nodes' HTTP addresses.
	URLs []string
	// Own tells whether the test started the cluster (and may kill its nodes).
	Own bool
	// Nodes is the directory of the nodes' config, data, logs and pid files (Own only).
	Nodes string
	env   []string
	dir   string
}

// Start returns a cluster of n nodes for t: OPENSEARCH_URLS when it is set and
// names at least n nodes, else nodes started now and stopped at the end of t. It
// skips t under -short, with ARCHIVE_OPENSEARCH_TESTS_OFF=1, and where Java 21+ or
// Maven (needed once, to fetch the jars) are missing.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	if os.Getenv(EnvOff) == "1" {
		t.Skipf("%s=1: the OpenSearch tests are off", EnvOff)
	}
	if s := os.Getenv(EnvURLs); s != "" {
		urls := strings.Split(s, ",")
		if len(urls) >= n {
			return &Cluster{URLs: urls}
		}
	}
	return StartOwn(t, n)
}

// StartOwn starts n nodes of its own for t, whatever OPENSEARCH_URLS says: for
// tests that kill nodes. It skips as Start does.
func StartOwn(t testing.TB, n int) *Cluster {
	t.Helper()
	if os.Getenv(EnvOff) == "1" {
		t.Skipf("%s=1: the OpenSearch tests are off", EnvOff)
	}
	if testing.Short() {
		t.Skipf("-short: no OpenSearch node is started (set %s to use a running cluster)", EnvURLs)
	}
	dir, err := scriptDir()
	if err != nil {
		t.Skipf("OpenSearch tests skipped: %v", err)
	}
	javaHome, err := findJava()
	if err != nil {
		t.Skipf("OpenSearch tests skipped: %v (or set %s to a running cluster)", err, EnvURLs)
	}
	work := os.Getenv("OS_WORK")
	if work == "" {
		work = filepath.Join(os.TempDir(), "archive-opensearch")
	}
	version := os.Getenv("OS_VERSION")
	if version == "" {
		version = "3.9.0"
	}
	if _, err := os.Stat(filepath.Join(work, "dist-"+version, ".complete")); err != nil {
		if _, err := exec.LookPath("mvn"); err != nil {
			t.Skipf("OpenSearch tests skipped: Maven (mvn) is needed once to fetch OpenSearch %s from Maven Central (apt-get install maven), or set %s", version, EnvURLs)
		}
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(work, 0o755)
	nodes := worldTraversable(t)
	httpBase, transportBase := freePorts(t, n)
	c := &Cluster{Own: true, Nodes: nodes, dir: dir}
	c.env = append(os.Environ(),
		"OS_WORK="+work, "OS_NODES="+nodes, "OS_JAVA_HOME="+javaHome,
		"OS_HTTP_BASE="+strconv.Itoa(httpBase), "OS_TRANSPORT_BASE="+strconv.Itoa(transportBase),
		"OS_CLUSTER=archive-test-"+randomHex(4))
	if os.Getenv("OS_HEAP") == "" {
		c.env = append(c.env, "OS_HEAP=512m")
	}
	// Stop the nodes at the end of t whatever happens, and even when the test
	// binary dies without running cleanups (a timeout, a signal): a detached
	// watchdog stops them once this process has ended.
	t.Cleanup(c.Stop)
	c.startWatchdog(t)

	// The first run lays out the jars (minutes, with network); later runs reuse them.
	c.run(t, 20*time.Minute, "fetch-dist.sh")
	out := c.run(t, 5*time.Minute, "start-cluster.sh", strconv.Itoa(n))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	c.URLs = strings.Split(lines[len(lines)-1], ",")
	t.Logf("OpenSearch: %s (%s)", strings.Join(c.URLs, ","), lines[max(0, len(lines)-2)])
	return c
}

// run runs one of the launcher's scripts and returns its output; it fails t when
// the script fails or runs out of time.
func (c *Cluster) run(t testing.TB, timeout time.Duration, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(c.dir, script), args...)
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("ostest: %s: %v", script, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ostest: %s %s: %v\n%s", script, strings.Join(args, " "), err, tail(out.String(), 4000))
		}
	case <-time.After(timeout):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the script's group; the JVMs are stopped by Stop
		<-done
		t.Fatalf("ostest: %s did not finish in %s\n%s", script, timeout, tail(out.String(), 4000))
	}
	return out.String()
}

// Stop stops the nodes the cluster started (SIGTERM, then SIGKILL after 30 s).
func (c *Cluster) Stop() {
	if !c.Own {
		return
	}
	cmd := exec.Command(filepath.Join(c.dir, "stop-cluster.sh"))
	cmd.Env = c.env
	cmd.Run()
}

// KillNode kills node i (1-based) with SIGKILL, as a crash would.
func (c *Cluster) KillNode(t testing.TB, i int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.Nodes, fmt.Sprintf("node-%d", i), "pid"))
	if err != nil {
		t.Fatalf("ostest: node %d has no pid file: %v", i, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("ostest: kill node %d (pid %d): %v", i, pid, err)
	}
}

// StartNode (re)starts node i of n on its existing data, without waiting for it.
func (c *Cluster) StartNode(t testing.TB, i, n int) {
	t.Helper()
	c.run(t, time.Minute, "start-node.sh", strconv.Itoa(i), strconv.Itoa(n))
}

func (c *Cluster) startWatchdog(t testing.TB) {
	log, err := os.Create(filepath.Join(c.Nodes, "watchdog.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(filepath.Join(c.dir, "watchdog.sh"), strconv.Itoa(os.Getpid()))
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("ostest: start the watchdog: %v", err)
	}
	cmd.Process.Release()
}

// scriptDir finds scripts/opensearch in the module holding the working directory.
func scriptDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(d, "scripts", "opensearch")
			if _, err := os.Stat(filepath.Join(s, "start-cluster.sh")); err != nil {
				return "", fmt.Errorf("no launcher at %s", s)
			}
			return s, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

var jdkMajor = regexp.MustCompile(`-(\d+)(-|\.|$)`)

// findJava returns a JDK home of Java 21 or later: OS_JAVA_HOME, else one under
// /usr/lib/jvm, else the java on PATH.
func findJava() (string, error) {
	if h := os.Getenv("OS_JAVA_HOME"); h != "" {
		if _, err := os.Stat(filepath.Join(h, "bin", "java")); err != nil {
			return "", fmt.Errorf("OS_JAVA_HOME=%s has no bin/java", h)
		}
		return h, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/jvm/*")
	best, bestMajor := "", 0
	for _, d := range dirs {
		m := jdkMajor.FindStringSubmatch(filepath.Base(d))
		if m == nil {
			continue
		}
		major, _ := strconv.Atoi(m[1])
		if _, err := os.Stat(filepath.Join(d, "bin", "java")); err == nil && major >= 21 && major > bestMajor {
			best, bestMajor = d, major
		}
	}
	if best != "" {
		return best, nil
	}
	if java, err := exec.LookPath("java"); err == nil {
		out, _ := exec.Command(java, "-XshowSettings:properties", "-version").CombinedOutput()
		if m := regexp.MustCompile(`java\.specification\.version = (\d+)`).FindSubmatch(out); m != nil {
			if major, _ := strconv.Atoi(string(m[1])); major >= 21 {
				real, _ := filepath.EvalSymlinks(java)
				return filepath.Dir(filepath.Dir(real)), nil
			}
		}
	}
	return "", fmt.Errorf("OpenSearch 3 needs Java 21 or later, and none was found (set OS_JAVA_HOME)")
}

// worldTraversable returns a new temporary directory that the nodes' user (nobody)
// can reach and write: t.TempDir makes it and its parent mode 700.
func worldTraversable(t testing.TB) string {
	d := t.TempDir()
	for _, p := range []string{filepath.Dir(d), d} {
		if err := os.Chmod(p, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	nodes := filepath.Join(d, "cluster")
	if err := os.Mkdir(nodes, 0o755); err != nil {
		t.Fatal(err)
	}
	return nodes
}

// freePorts returns the first of n free consecutive HTTP ports and of n free
// transport ports.
func freePorts(t testing.TB, n int) (httpBase, transportBase int) {
	t.Helper()
	free := func(base int) bool {
		var ls []net.Listener
		defer func() {
			for _, l := range ls {
				l.Close()
			}
		}()
		for p := base; p < base+n; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				return false
			}
			ls = append(ls, l)
		}
		return true
	}
	for range 200 {
		var b [2]byte
		rand.Read(b[:])
		base := 20000 + (int(b[0])<<8|int(b[1]))%20000
		if free(base) && free(base+20000) {
			return base, base + 20000
		}
	}
	t.Fatal("ostest: no free ports")
	return 0, 0
}

// IndexName returns an index name of its own for t, so that tests sharing a
// cluster never see each other's articles.
func IndexName(t testing.TB) string {
	name := strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
	if len(name) > 60 {
		name = name[:60]
	}
	return "test-" + strings.Trim(name, "-") + "-" + randomHex(4)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
