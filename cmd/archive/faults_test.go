package main

import (
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size at dir, or skips the test where mounting is
// not allowed (not root, no CAP_SYS_ADMIN). Running as root, chmod cannot make a
// directory read-only or full, so the test needs a real small file system.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root with CAP_SYS_ADMIN): %v %s; index.TestStorageFailuresAreClearAndStoreNothing covers the errors by injection", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v %s", opts, err, out)
	}
}

// TestDiskFullAndReadOnly fills the disk under a running server, then makes it
// read-only: writes fail with a clear error and store nothing, searches go on,
// writes resume when the disk is fixed, and nothing is lost or doubled.
func TestDiskFullAndReadOnly(t *testing.T) {
	bin := buildArchive(t)
	data := t.TempDir()
	mountTmpfs(t, data, "6m")
	p := startProc(t, bin, "--data", data, "--token", testToken)

	const chunk = 300
	acked := 0
	var full string
	for from := 0; from < 200*chunk; from += chunk {
		_, status, err := post(p.url, ndjson(from, from+chunk))
		if status == http.StatusOK {
			acked = from + chunk
			continue
		}
		if status != http.StatusInsufficientStorage {
			t.Fatalf("filling the disk: status %d: %v", status, err)
		}
		full = err.Error()
		break
	}
	if full == "" {
		t.Fatalf("the disk never filled (%d articles acknowledged)", acked)
	}
	t.Logf("the disk filled after %d articles: %s", acked, full)
	if !strings.Contains(full, "storage_full") || !strings.Contains(full, "is full") || !strings.Contains(full, "searches still work") {
		t.Errorf("disk-full message: %s", full)
	}
	// The refused request may have stored its first batches before the disk
	// filled; never more.
	stored := total(t, p.url, "")
	if stored < uint64(acked) || stored >= uint64(acked+chunk) {
		t.Errorf("while the disk is full: %d articles, want the %d acknowledged and part of one request at most", stored, acked)
	}
	if got := total(t, p.url, `"marker word"`); got != stored {
		t.Errorf("phrase search while the disk is full: %d, want %d", got, stored)
	}

	// More room: the refused request goes in, what it stored counted as duplicate.
	remount(t, data, "size=64m")
	if rep, _, err := post(p.url, ndjson(acked, acked+chunk)); err != nil || uint64(rep.Duplicates) != stored-uint64(acked) || rep.Indexed+rep.Duplicates != chunk {
		t.Fatalf("after making room (%d of the refused request stored): %v %d indexed, %d duplicates", stored-uint64(acked), err, rep.Indexed, rep.Duplicates)
	}
	acked += chunk

	// Read-only: a file system cannot be made read-only under files open for
	// writing, so the server is restarted on it, as after a reboot.
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("serve exited with %v\n%s", err, p.stderr)
	}
	remount(t, data, "ro")
	p = startProc(t, bin, "--data", data, "--token", testToken)
	_, status, err := post(p.url, ndjson(acked, acked+chunk))
	if status != http.StatusServiceUnavailable || err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("write to a read-only archive: %d %v", status, err)
	}
	if got := total(t, p.url, ""); got != uint64(acked) {
		t.Errorf("while read-only: %d articles, want %d", got, acked)
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("serve exited with %v\n%s", err, p.stderr)
	}
	remount(t, data, "rw")
	p = startProc(t, bin, "--data", data, "--token", testToken)
	if rep, _, err := post(p.url, ndjson(acked, acked+chunk)); err != nil || rep.Indexed != chunk {
		t.Fatalf("after making it writable: %v %+v", err, rep)
	}
	acked += chunk

	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("serve exited with %v\n%s", err, p.stderr)
	}
	p = startProc(t, bin, "--data", data, "--token", testToken)
	if got := total(t, p.url, ""); got != uint64(acked) {
		t.Errorf("after a restart: %d articles, want %d", got, acked)
	}
	for i := 0; i < acked; i += 101 {
		if _, word, _ := testRecord(i); total(t, p.url, word) != 1 {
			t.Errorf("record %d is not there once", i)
		}
	}
}
