package index

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// reutersPath is the development corpus, read from ../shared beside the checkout.
var reutersPath = filepath.Join("..", "..", "shared", "data", "reuters21578", "articles.jsonl")

// putBenchArticles is how many articles BenchmarkPut writes; ARCHIVE_PUT_N
// changes it. Past the Reuters corpus's 21,578 the articles are copies under new
// IDs and dates, as "archive bench" makes them.
func putBenchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("ARCHIVE_PUT_N")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// readReutersArticles reads n articles of the Reuters corpus as extraction leaves
// them (ID, title, body, outlet, date, persons), skipping b when it is absent.
func readReutersArticles(b testing.TB, n int) []corpus.Article {
	b.Helper()
	f, err := os.Open(reutersPath)
	if err != nil {
		b.Skipf("the Reuters-21578 corpus is not at %s (../shared beside the checkout): %v", reutersPath, err)
	}
	defer f.Close()
	var src []corpus.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			ID, Title, Outlet string
			Body              *string
			Published         time.Time
			Persons           []string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			b.Fatal(err)
		}
		a := corpus.Article{ID: r.ID, Title: r.Title, Outlet: r.Outlet, Published: r.Published,
			PublishedSource: "record", Persons: r.Persons, Source: "articles.jsonl:" + strconv.Itoa(len(src)+1),
			IngestedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
		if r.Body != nil {
			a.Body = *r.Body
		}
		src = append(src, a)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	out := make([]corpus.Article, n)
	for i := range out {
		a := src[i%len(src)]
		if k := i / len(src); k > 0 {
			// A copy is another article of the original's story, as "archive bench"
			// makes them: another ID and day, and a line added to the body.
			a.Body += fmt.Sprintf("\n\n[copy %d of %s]", k, a.ID)
			a.ID = fmt.Sprintf("%s~%d", a.ID, k)
			a.Published = a.Published.AddDate(0, 0, 7*k)
		}
		out[i] = a
	}
	return out
}

// BenchmarkPut writes Reuters articles through Put in batches of 500 (a file
// ingest's; ARCHIVE_PUT_BATCH changes it) into a new archive on disk, and reports articles per second (Open to
// Close, so including Bleve's persisting) and the archive's bytes on disk per
// article, of which the record store's, and their ratio to the title and body text.
//
//	go test ./index -run '^$' -bench '^BenchmarkPut$' -count 6
func BenchmarkPut(b *testing.B) {
	articles := readReutersArticles(b, putBenchArticles())
	var raw int64
	for _, a := range articles {
		raw += int64(len(a.Title) + len(a.Body))
	}
	batch := 500
	if n, err := strconv.Atoi(os.Getenv("ARCHIVE_PUT_BATCH")); err == nil && n > 0 {
		batch = n
	}
	ctx := context.Background()
	var elapsed time.Duration
	var disk, recs int64
	runs := 0
	cpu0 := cpuTime(b)
	for b.Loop() {
		dir := b.TempDir()
		start := time.Now()
		ix, err := Open(dir, Options{ExtractorVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(articles); i += batch {
			if _, err := ix.Put(ctx, articles[i:min(i+batch, len(articles))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		disk += treeSize(b, dir)
		recs += treeSize(b, filepath.Join(dir, RecordsFile))
		runs++
	}
	n := float64(runs * len(articles))
	b.ReportMetric(n/elapsed.Seconds(), "articles/s")
	// CPU time is steadier than elapsed time on a machine others use too.
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/n, "cpu-µs/article")
	b.ReportMetric(float64(disk)/n, "disk-B/article")
	b.ReportMetric(float64(recs)/n, "records-B/article")
	b.ReportMetric(float64(disk)/float64(int64(runs)*raw), "disk/raw")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// treeSize is the bytes of the files at or under path.
func treeSize(b *testing.B, path string) int64 {
	b.Helper()
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += info.Size()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
