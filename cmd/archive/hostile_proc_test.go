package main

// A server process under watch for the hostile-query test: its memory and CPU
// time read from /proc, and a watchdog that kills it before a runaway query takes
// the memory of the machine (which other tests and people share).

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// procMemory returns the resident set size of process pid and its high-water mark
// (VmRSS and VmHWM of /proc/PID/status), in bytes.
func procMemory(pid int) (rss, hwm int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	found := 0
	for line := range strings.Lines(string(data)) {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status: %s: %w", pid, line, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
		found++
	}
	if found < 2 {
		return 0, 0, fmt.Errorf("/proc/%d/status has no VmRSS and VmHWM (the process has exited)", pid)
	}
	return rss, hwm, nil
}

// clockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ, which
// Linux fixes at 100 for user space on every architecture Go runs on.
const clockTick = 10 * time.Millisecond

// procCPU returns the CPU time process pid has used, user and system.
func procCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: count the
	// fields after its closing parenthesis. utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name in %q", pid, data)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the command name", pid, len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// procDemand returns the time the threads of process pid have run or waited to
// run (on a run queue), from /proc/PID/task/*/schedstat. A process that works
// shows it here even when the machine is too busy to run it, where its CPU time
// would stand still.
func procDemand(pid int) (time.Duration, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, task := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, task.Name()))
		if err != nil {
			continue // the thread has just ended
		}
		f := strings.Fields(string(data))
		if len(f) < 2 {
			return 0, fmt.Errorf("/proc/%d/task/%s/schedstat: %q", pid, task.Name(), data)
		}
		for _, s := range f[:2] {
			ns, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/task/%s/schedstat: %w", pid, task.Name(), err)
			}
			total += time.Duration(ns)
		}
	}
	return total, nil
}

func mibOf(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// procExited reports whether p has exited, leaving its exit status for others.
func procExited(p *proc) bool {
	select {
	case err := <-p.done:
		p.done <- err
		return true
	default:
		return false
	}
}

// watchedServer is "archive serve" on an archive, restarted when it dies or
// wedges, with every process's memory watched.
type watchedServer struct {
	t         *testing.T
	bin, data string
	// killAbove is the resident size at which the watchdog kills the server.
	killAbove int64

	p        *proc
	stop     chan struct{} // ends p's watchdog
	watching sync.WaitGroup

	peak       atomic.Int64 // highest VmHWM of any of the server processes
	windowPeak atomic.Int64 // highest VmRSS sampled since resetWindow
	killedAt   atomic.Int64 // VmRSS at which the watchdog killed p; 0 while it lives

	restarts []string // why the server was restarted, in order
}

// startWatched starts the server on data and watches it until the test ends.
func startWatched(t *testing.T, bin, data string, killAbove int64) *watchedServer {
	w := &watchedServer{t: t, bin: bin, data: data, killAbove: killAbove}
	w.start()
	t.Cleanup(w.stopWatching)
	return w
}

func (w *watchedServer) start() {
	w.t.Helper()
	// The check of every record after start-up works in the background, which
	// would pass for a search that goes on after its client left.
	w.p = startProc(w.t, w.bin, "--data", w.data, "--verify=false")
	w.killedAt.Store(0)
	w.stop = make(chan struct{})
	p, stop := w.p, w.stop
	w.watching.Go(func() { w.watch(p, stop) })
}

// watch samples p's memory every 20 ms until stop is closed or p ends, and kills
// p when it grows over killAbove.
func (w *watchedServer) watch(p *proc, stop <-chan struct{}) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	pid := p.cmd.Process.Pid
	for {
		rss, hwm, err := procMemory(pid)
		if err != nil {
			return // it has exited
		}
		storeMax(&w.peak, hwm)
		storeMax(&w.windowPeak, rss)
		if rss > w.killAbove {
			w.killedAt.Store(rss)
			p.cmd.Process.Kill()
			return
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

func storeMax(v *atomic.Int64, n int64) {
	for {
		old := v.Load()
		if n <= old || v.CompareAndSwap(old, n) {
			return
		}
	}
}

func (w *watchedServer) stopWatching() {
	close(w.stop)
	w.watching.Wait()
}

func (w *watchedServer) url() string { return w.p.url }
func (w *watchedServer) pid() int    { return w.p.cmd.Process.Pid }

// alive reports whether the server process runs and the watchdog has not killed
// it.
func (w *watchedServer) alive() bool { return w.killedAt.Load() == 0 && !procExited(w.p) }

// restart kills the server if it runs and starts it again, noting why.
func (w *watchedServer) restart(why string) {
	w.t.Helper()
	w.p.cmd.Process.Kill()
	err := <-w.p.done
	w.p.done <- err
	w.stopWatching()
	w.restarts = append(w.restarts, why)
	w.start()
}

// resetWindow starts a new window for windowPeak, at the current size.
func (w *watchedServer) resetWindow() {
	rss, _, _ := procMemory(w.pid())
	w.windowPeak.Store(rss)
}

// death says why the server is not running: killed over the memory cap, or
// exited on its own (with the end of its log).
func (w *watchedServer) death() string {
	if rss := w.killedAt.Load(); rss > 0 {
		return fmt.Sprintf("killed by the test at %s resident (cap %s)", mibOf(rss), mibOf(w.killAbove))
	}
	log := w.p.stderr.String()
	if len(log) > 2000 {
		log = "…" + log[len(log)-2000:]
	}
	return "exited on its own:\n" + log
}

// quiet waits until the server's threads run or wait to run for at most 10 ms in
// a 100 ms window, for at most limit; it returns how long that took and whether
// it happened. Idle, the server hardly runs; a search still running after its
// client left does, and waits to run when other processes take the cores.
func (w *watchedServer) quiet(limit time.Duration) (time.Duration, bool) {
	const window, most = 100 * time.Millisecond, 10 * time.Millisecond
	start := time.Now()
	pid := w.pid()
	prev, err := procDemand(pid)
	if err != nil {
		return time.Since(start), false
	}
	tick := time.NewTicker(window)
	defer tick.Stop()
	for time.Since(start) < limit {
		windowStart := time.Now()
		<-tick.C
		demand, err := procDemand(pid)
		if err != nil {
			return time.Since(start), false
		}
		if demand-prev <= most {
			return windowStart.Sub(start), true
		}
		prev = demand
	}
	return time.Since(start), false
}
