// Package progress shows how far a long operation has come: a bar when the
// output is a terminal, else a log line every ten seconds and at the end, so
// that a run in a pipe or a CI log is never silent for long.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Counter returns the function a long operation calls with how many items it has
// done (done at the end). total 0 means unknown. Log lines start with prefix
// ("archive", "bench") and name what is counted.
func Counter(w io.Writer, prefix, what string, total int64) func(n int64, done bool) {
	var mu sync.Mutex
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		max := total
		if max == 0 {
			max = -1
		}
		bar := progressbar.NewOptions64(max, progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
			progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(), progressbar.OptionSetPredictTime(total > 0))
		return func(n int64, done bool) {
			mu.Lock()
			defer mu.Unlock()
			_ = bar.Set64(n)
			if done {
				_ = bar.Finish()
			}
		}
	}
	last := time.Now()
	start := last
	return func(n int64, done bool) {
		mu.Lock()
		defer mu.Unlock()
		if !done && time.Since(last) < 10*time.Second {
			return
		}
		last = time.Now()
		rate := float64(n) / time.Since(start).Seconds()
		if total > 0 {
			fmt.Fprintf(w, "%s: %s %d of %d (%.0f/s)\n", prefix, what, n, total, rate)
		} else {
			fmt.Fprintf(w, "%s: %s %d (%.0f/s)\n", prefix, what, n, rate)
		}
	}
}
