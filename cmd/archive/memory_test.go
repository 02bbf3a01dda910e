package main

// Memory of ingest, measured on a real process: the peak resident set (VmHWM) of
// an "archive ingest" child, read from /proc while it runs.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ingestMaxRSS is the most any ingest of input within the limits may hold.
const ingestMaxRSS = 1 << 30

// TestIngestMemoryIsBounded ingests a zip of 40 text entries of 60 MiB each (a
// few MB compressed): the ingest peaks under 1 GiB. It peaked at 7.4 GiB when
// the pipeline queued whole entries by count and batched a thousand articles
// whatever their size, and one 60 MiB text alone took 2.9 GiB and seven minutes
// before an article's text was cut at 1 MiB.
func TestIngestMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 2.4 GB of text: not with -short")
	}
	if _, _, err := procMemory(os.Getpid()); err != nil {
		t.Skipf("the test reads the ingest's memory from /proc, which cannot be read here: %v", err)
	}
	bin := buildArchive(t)
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "big.zip")
	if err := os.WriteFile(zipPath, bigTextZip(t, 40, 60<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(zipPath)

	cmd := exec.Command(bin, "ingest", "--quiet", "--data", filepath.Join(dir, "data"), zipPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	var runErr error
	for running := true; running; {
		select {
		case runErr = <-done:
			running = false
		case <-time.After(20 * time.Millisecond):
			rss, hwm, err := procMemory(cmd.Process.Pid)
			if err != nil {
				continue // it is exiting
			}
			peak = max(peak, hwm)
			if rss > 2*ingestMaxRSS { // the watchdog: the machine is shared
				cmd.Process.Kill()
				t.Errorf("killed at %s of resident memory", mibOf(rss))
			}
		}
	}
	t.Logf("ingest of a %s zip of 40 × 60 MiB text entries: peak RSS (VmHWM) %s, %s", mibOf(info.Size()), mibOf(peak), time.Since(start).Round(time.Second))
	if runErr != nil {
		t.Fatalf("archive ingest: %v\n%s", runErr, out.String())
	}
	if peak >= ingestMaxRSS {
		t.Errorf("peak RSS %s, want under %s", mibOf(peak), mibOf(ingestMaxRSS))
	}
	if !strings.Contains(out.String(), "read 40 articles") || !strings.Contains(out.String(), "only its first 1 MiB is kept") {
		t.Errorf("the summary does not report 40 articles cut to 1 MiB:\n%s", out.String())
	}
}

// bigTextZip builds a zip of n text entries of size bytes each: a headline and a
// line of its own, then a block of prose repeated. The repeated body is
// compressed once and copied into every entry after its own start (deflate
// streams join at a flushed block), so that building it costs next to nothing.
func bigTextZip(t *testing.T, n, size int) []byte {
	t.Helper()
	block := proseBlock(16 << 10) // under deflate's 32 KiB window, so that its repeats compress
	body := bytes.Repeat(block, size/len(block))
	var zbody bytes.Buffer
	fw, _ := flate.NewWriter(&zbody, flate.BestCompression)
	fw.Write(body)
	fw.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := range n {
		head := fmt.Appendf(nil, "Harbor expansion goes ahead, part %d\n\nPart %d of the series on the harbor.\n\n", i+1, i+1)
		var entry bytes.Buffer
		hw, _ := flate.NewWriter(&entry, flate.BestCompression)
		hw.Write(head)
		hw.Flush() // ends on a byte boundary, without a final block: the body's stream follows
		entry.Write(zbody.Bytes())
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: fmt.Sprintf("series/part-%02d.txt", i+1), Method: zip.Deflate,
			CRC32:            crc32.Update(crc32.ChecksumIEEE(head), crc32.IEEETable, body),
			CompressedSize64: uint64(entry.Len()), UncompressedSize64: uint64(len(head) + len(body)),
		})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(entry.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// proseBlock is about size bytes of sentences of everyday news words, the same
// every time.
func proseBlock(size int) []byte {
	words := strings.Fields("the harbor council said on tuesday that the expansion of the container quay would go ahead " +
		"despite objections from the fishing cooperative which called the decision a betrayal of the oldest trade in town " +
		"and the budget vote comes next month after a long debate about dredging costs tides jobs and the marsh")
	var b bytes.Buffer
	seed := uint32(1)
	next := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	for b.Len() < size {
		for i, k := 0, 8+next(16); i < k; i++ {
			w := words[next(len(words))]
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteString(". ")
		if next(6) == 0 {
			b.WriteString("\n\n")
		}
	}
	return b.Bytes()
}
