package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// damageArticle is article i of the damage tests; its word is in no other.
func damageArticle(i int) corpus.Article {
	return corpus.Article{
		ID:     fmt.Sprintf("rec-%05d", i),
		Title:  fmt.Sprintf("Harbor board report number %d", i),
		Body:   fmt.Sprintf("The harbor board met on day %d. The marker word is zq%05dx. Councillor Helena Okafor spoke about the quay and the ferry timetable.", i, i),
		Outlet: "Test Wire",
	}
}

// damageFixture is an archive of three writes of damageWrite articles each,
// closed cleanly, made once for every damage test.
const damageWrite = 200

var damageFixture = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "archive-damage-*")
	if err != nil {
		return "", err
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		return "", err
	}
	for w := range 3 {
		var batch []corpus.Article
		for i := w * damageWrite; i < (w+1)*damageWrite; i++ {
			batch = append(batch, damageArticle(i))
		}
		if _, err := ix.Put(context.Background(), batch); err != nil {
			ix.Close()
			return "", err
		}
	}
	return dir, ix.Close()
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := damageFixture(); err == nil && dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// copyTree copies the directory src to dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// flipByte inverts the byte at offset (from the end when negative) of path.
func flipByte(t testing.TB, path string, offset int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if offset < 0 {
		info, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		offset += info.Size()
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, offset); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, offset); err != nil {
		t.Fatal(err)
	}
}

// damagedCopy copies the fixture and flips the byte at offset of file (a path
// relative to the data directory).
func damagedCopy(t testing.TB, file string, offset int64) string {
	t.Helper()
	src, err := damageFixture()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyTree(t, src, dir)
	flipByte(t, filepath.Join(dir, file), offset)
	return dir
}

// outcome is what opening a damaged archive gave.
type outcome string

const (
	refused  outcome = "refused"
	degraded outcome = "degraded"
	healthy  outcome = "healthy"
	rebuilt  outcome = "healthy, index rebuilt"
)

// openDamaged opens the archive in dir and judges it: refused with an error that
// says it is damaged, degraded with the problem named, or healthy with every
// article of the fixture whole and found by its word once, also once every
// record has been checked in the background. Anything else fails t.
func openDamaged(t testing.TB, dir string) (outcome, string) {
	t.Helper()
	ix, err := Open(dir, Options{})
	if err != nil {
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("refused with an error that does not say the archive is damaged: %v", err)
		}
		return refused, err.Error()
	}
	defer ix.Close()
	if h := ix.Health(); h.Degraded() {
		return checkDegraded(t, ix, h)
	}
	ix.VerifyInBackground()
	deadline := time.Now().Add(30 * time.Second)
	for h := ix.Health(); h.Checked == nil || !h.Checked.Done; h = ix.Health() {
		if h.Degraded() || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if h := ix.Health(); h.Degraded() {
		return checkDegraded(t, ix, h)
	}
	// Healthy: then everything acknowledged is there, whole and findable.
	ctx := context.Background()
	if n, err := ix.Count(); err != nil || n != 3*damageWrite {
		t.Errorf("healthy, but the index holds %d articles (%v), want %d", n, err, 3*damageWrite)
	}
	bad := 0
	for i := range 3 * damageWrite {
		want := damageArticle(i)
		a, err := ix.Article(ctx, want.ID)
		if err != nil || a.Title != want.Title || a.Body != want.Body {
			bad++
			if bad <= 3 {
				t.Errorf("healthy, but %s is not whole: %v %+v", want.ID, err, a)
			}
			continue
		}
		if i%7 != 0 {
			continue
		}
		res, err := ix.Search(ctx, corpus.Query{Text: fmt.Sprintf("zq%05dx", i)})
		if err != nil || res.Total != 1 || res.Hits[0].ID != want.ID || res.Hits[0].Title != want.Title {
			bad++
			if bad <= 3 {
				t.Errorf("healthy, but a search for %s's word finds %v (%v)", want.ID, res, err)
			}
		}
	}
	if bad > 3 {
		t.Errorf("... %d problems in all", bad)
	}
	if h := ix.Health(); h.Degraded() {
		t.Errorf("healthy at open, degraded on reading: a silent loss until read: %+v", h)
	}
	if _, err := ix.Put(ctx, []corpus.Article{damageArticle(99999)}); err != nil {
		t.Errorf("healthy, but a write fails: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), Dir+".damaged-") {
			return rebuilt, e.Name()
		}
	}
	return healthy, ""
}

// checkDegraded checks that a degraded archive says what is wrong, refuses
// writes, and serves no lost article as if it were one.
func checkDegraded(t testing.TB, ix *Index, h corpus.Health) (outcome, string) {
	t.Helper()
	if len(h.Problems) == 0 || !h.WritesRefused {
		t.Errorf("degraded without a problem named or with writes allowed: %+v", h)
	}
	ctx := context.Background()
	if _, err := ix.Put(ctx, []corpus.Article{damageArticle(99999)}); corpus.ErrorCode(err) != corpus.EStorageFailed || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a write to a degraded archive: %v", err)
	}
	if h.Missing != nil {
		for _, id := range h.Missing.IDs {
			a, err := ix.Article(ctx, id)
			if err == nil {
				t.Errorf("%s is named missing but served: %+v", id, a)
			} else if corpus.ErrorCode(err) != corpus.ENotFound || !strings.Contains(corpus.ErrorMessage(err), "record store is damaged") {
				t.Errorf("%s is missing; its error does not say the record store is damaged: %v", id, err)
			}
		}
	}
	return degraded, strings.Join(h.Problems, "; ")
}

// Outcomes of a repair.
const (
	repairedWhole outcome = "repaired, nothing lost"
	repairedLoss  outcome = "repaired without the lost articles"
	unrepairable  outcome = "cannot be repaired"
)

// repairDamaged repairs the archive in dir: without AcceptLoss it recovers
// everything or stops with the lost articles listed; with it the archive is
// whole again without them, and every other article is there, whole.
func repairDamaged(t testing.TB, dir string) outcome {
	t.Helper()
	ctx := context.Background()
	rep, err := Repair(ctx, dir, RepairOptions{})
	lost := map[string]bool{}
	result := repairedWhole
	switch {
	case err == nil:
		if !rep.After.Healthy() {
			t.Errorf("repair returned no error but left problems: %q", rep.After.Problems)
		}
	case errors.Is(err, ErrWouldLose):
		if rep.Unrecoverable.N == 0 || rep.LostList == "" {
			t.Errorf("repair would lose articles but names none: %v %+v", err, rep)
		}
		data, rerr := os.ReadFile(rep.LostList)
		if rerr != nil {
			t.Fatal(rerr)
		}
		for line := range strings.Lines(string(data)) {
			id, _, _ := strings.Cut(line, "\t")
			lost[id] = true
		}
		if len(lost) != rep.Unrecoverable.N {
			t.Errorf("repair counts %d lost, its list names %d", rep.Unrecoverable.N, len(lost))
		}
		if rep, err = Repair(ctx, dir, RepairOptions{AcceptLoss: true}); err != nil || !rep.After.Healthy() {
			t.Fatalf("repair --accept-loss: %v %q", err, rep.After.Problems)
		}
		result = repairedLoss
	case errors.Is(err, ErrDamaged) && strings.Contains(err.Error(), "cannot be read at all"):
		t.Logf("cannot be repaired: %v", err)
		return unrepairable
	default:
		t.Fatalf("repair: %v", err)
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("open after the repair: %v", err)
	}
	defer ix.Close()
	if h := ix.Health(); h.Degraded() || len(h.Problems) > 0 {
		t.Errorf("after the repair: %+v", h)
	}
	kept := 0
	for i := range 3 * damageWrite {
		want := damageArticle(i)
		a, err := ix.Article(ctx, want.ID)
		switch {
		case lost[want.ID]:
			if err == nil || strings.Contains(err.Error(), "damaged") {
				t.Errorf("lost %s after the repair: %v", want.ID, err)
			}
		case err != nil || a.Title != want.Title || a.Body != want.Body:
			t.Errorf("%s after the repair: %v %+v", want.ID, err, a)
		default:
			kept++
		}
	}
	if n, _ := ix.Count(); n != uint64(kept) {
		t.Errorf("after the repair the index holds %d articles, the records %d", n, kept)
	}
	t.Logf("%s: %d kept, %d lost", result, kept, len(lost))
	return result
}

// damageCase is a byte to flip.
type damageCase struct {
	file   string
	offset int64
}

// damageCases are bytes of every kind of file of the data directory: the record
// store's meta pages (magic, version, transaction, checksum) and data pages
// (page headers and contents); each index segment's footer, dictionary and data;
// the index's root files.
func damageCases(t testing.TB, all bool) []damageCase {
	t.Helper()
	src, err := damageFixture()
	if err != nil {
		t.Fatal(err)
	}
	// A sample, or every page with more bytes in each.
	pageStep, inPage := int64(12), []int64{10, 300}
	segmentOffsets := func(size int64) []int64 { return []int64{-1, -20, -60, 100, size / 2} }
	if all {
		pageStep, inPage = 1, []int64{8, 10, 16, 300, 2000}
		segmentOffsets = func(size int64) []int64 {
			return []int64{-1, -5, -9, -13, -20, -28, -36, -44, -52, -60, -100, -1000, 0, 10, 100, size / 3, size / 2, 2 * size / 3}
		}
	}
	var cases []damageCase
	for _, off := range []int64{16, 20, 24, 40, 64, 72, 4096 + 16, 4096 + 20, 4096 + 64, 4096 + 72} {
		cases = append(cases, damageCase{RecordsFile, off})
	}
	info, err := os.Stat(filepath.Join(src, RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	pages := info.Size() / 4096
	for p := int64(2); p < pages; p += max(1, min(pageStep, pages/pageStep)) {
		for _, in := range inPage {
			cases = append(cases, damageCase{RecordsFile, p*4096 + in})
		}
	}
	segments, _ := filepath.Glob(filepath.Join(src, Dir, "store", "*.zap"))
	sort.Strings(segments)
	for _, seg := range segments {
		rel, _ := filepath.Rel(src, seg)
		info, _ := os.Stat(seg)
		for _, off := range segmentOffsets(info.Size()) {
			cases = append(cases, damageCase{rel, off})
		}
	}
	for _, off := range []int64{5, 20, -3} {
		cases = append(cases, damageCase{filepath.Join(Dir, "index_meta.json"), off})
	}
	root := filepath.Join(Dir, "store", "root.bolt")
	info, err = os.Stat(filepath.Join(src, root))
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{20, 72, 4096 + 20, 4096 + 72} {
		cases = append(cases, damageCase{root, off})
	}
	for p := int64(2); p < info.Size()/4096; p += max(1, pageStep/2) {
		for _, in := range inPage {
			cases = append(cases, damageCase{root, p*4096 + in})
		}
	}
	return cases
}

// TestDamageIsNeverSilent flips a byte in every kind of file of a data
// directory and opens it: never a panic, never a silent loss. Set
// ARCHIVE_DAMAGE_ALL=1 to flip bytes in every page rather than a sample.
func TestDamageIsNeverSilent(t *testing.T) {
	all := os.Getenv("ARCHIVE_DAMAGE_ALL") != ""
	cases := damageCases(t, all)
	tally := map[outcome]int{}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s@%d", strings.ReplaceAll(c.file, "/", "_"), c.offset), func(t *testing.T) {
			dir := damagedCopy(t, c.file, c.offset)
			got, why := openDamaged(t, dir)
			tally[got]++
			t.Logf("%s: %s", got, why)
			if got == refused || got == degraded {
				tally[repairDamaged(t, dir)]++
			}
		})
	}
	t.Logf("%d bytes flipped: %v", len(cases), tally)
}
