package index

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

const legacyStory = `The Harbor Authority approved a plan on Tuesday to double the capacity of the
port of Port Ellis by 2030, adding four deep-water berths on the eastern shore and
dredging the main channel to sixteen meters. The plan, which will cost about 1.2
billion dollars, must still win the approval of the city council, where several
members have raised concerns about traffic on Dock Street and the loss of the old
fish market.`

const otherStory = `Grain traders in Rotterdam said wheat prices fell for a third week as
cargoes from the Black Sea arrived early and mills in Germany and the Netherlands
bought less than they did a year ago, waiting for the new harvest. Maize was steady,
and the price of barley for brewing rose a little on a smaller crop in France, where
a dry spring cut yields in the north.`

// writeLegacyRecords rewrites the record store in dataDir in the layout written
// before records were compressed and numbered (as index/records.go had it): every
// article's JSON keyed by ID, story signatures keyed by ID, band keys as text with
// the IDs \x00-separated. The log, duplicate keys and sequence are kept.
func writeLegacyRecords(t *testing.T, dataDir string) {
	t.Helper()
	path := filepath.Join(dataDir, RecordsFile)
	src, err := openRecords(dataDir, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	type legacy struct {
		rec storedRecord
		sig storySignature
	}
	var all []legacy
	copied := map[string]map[string][]byte{}
	err = src.db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"log", "meta", "dup_keys"} {
			copied[name] = map[string][]byte{}
			tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				copied[name][string(k)] = append([]byte(nil), v...)
				return nil
			})
		}
		return tx.Bucket(bucketIDs).ForEach(func(k, _ []byte) error {
			rec, _, err := src.getTx(tx, string(k))
			if err != nil {
				return err
			}
			sig, ok := corpus.NewSignature(rec.Article.Body)
			all = append(all, legacy{rec: rec, sig: storySignature{sig: sig, ok: ok}})
			return nil
		})
	})
	src.close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"articles", "log", "meta", "story_bands", "story_sigs", "dup_keys"} {
			b, err := tx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			for k, v := range copied[name] {
				if err := b.Put([]byte(k), v); err != nil {
					return err
				}
			}
		}
		seq := binary.BigEndian.Uint64(copied["meta"]["last_seq"])
		for _, l := range all {
			a := l.rec.Article
			v, err := json.Marshal(storedRecord{Fingerprint: a.Fingerprint(), Seq: seq, Article: a})
			if err != nil {
				return err
			}
			if err := tx.Bucket([]byte("articles")).Put([]byte(a.ID), v); err != nil {
				return err
			}
			if !l.sig.ok {
				continue
			}
			if err := tx.Bucket([]byte("story_sigs")).Put([]byte(a.ID), []byte(a.Story+"\x00"+l.sig.sig.String())); err != nil {
				return err
			}
			bands := tx.Bucket([]byte("story_bands"))
			for _, key := range l.sig.sig.Bands() {
				v := append([]byte(nil), bands.Get([]byte(key))...)
				if len(v) > 0 {
					v = append(v, 0)
				}
				if err := bands.Put([]byte(key), append(v, a.ID...)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func legacyArchive(t *testing.T) (string, []corpus.Article) {
	t.Helper()
	dir := t.TempDir()
	articles := []corpus.Article{
		{ID: "harbor", Title: "Port plan approved", Body: legacyStory, Outlet: "Ledger", URL: "https://ledger.example/harbor"},
		{ID: "harbor-copy", Title: "Port Ellis to double", Body: legacyStory + " Reporting by the wire.", Outlet: "Courier"},
		{ID: "grain", Title: "Wheat falls", Body: otherStory, Outlet: "Ledger"},
		{ID: "brief", Title: "Fed sets repurchase", Body: "The Fed set customer repurchase agreements.", Outlet: "Wire"},
	}
	ix := mustOpen(t, dir)
	if _, err := ix.Put(context.Background(), articles); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	writeLegacyRecords(t, dir)
	return dir, articles
}

// TestLegacyRecordStoreIsMigratedOnOpen opens an archive whose record store has the
// layout of before compressed records: it opens, its articles read back whole,
// sending them again changes nothing, a new copy joins an old article's story, and
// the legacy buckets are gone.
func TestLegacyRecordStoreIsMigratedOnOpen(t *testing.T) {
	ctx := context.Background()
	dir, articles := legacyArchive(t)
	ix := mustOpen(t, dir)
	defer ix.Close()

	err := ix.records.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketLegacyArticles, bucketLegacyStories, bucketLegacyBands} {
			if tx.Bucket(name) != nil {
				t.Errorf("legacy bucket %s is still there", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ix.records.count(); err != nil || n != len(articles) {
		t.Errorf("records: %d %v, want %d", n, err, len(articles))
	}
	for _, want := range articles {
		rec, ok, err := ix.records.get(want.ID)
		if err != nil || !ok {
			t.Fatalf("record %s: %v %v", want.ID, ok, err)
		}
		if rec.Article.Body != want.Body || rec.Article.Title != want.Title || rec.Fingerprint != want.Fingerprint() {
			t.Errorf("record %s: %+v, want the body, title and fingerprint put", want.ID, rec)
		}
	}
	out, err := ix.Put(ctx, articles)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if o != corpus.Unchanged {
			t.Errorf("%s sent again: %v, want unchanged", articles[i].ID, o)
		}
	}
	harbor, err := ix.Article(ctx, "harbor")
	if err != nil {
		t.Fatal(err)
	}
	copy3 := corpus.Article{ID: "harbor-3", Title: "Harbor to grow", Body: "PORT ELLIS - " + legacyStory, Outlet: "Gazette"}
	if _, err := ix.Put(ctx, []corpus.Article{copy3}); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Article(ctx, "harbor-3")
	if err != nil {
		t.Fatal(err)
	}
	if got.Story == "" || got.Story != harbor.Story {
		t.Errorf("a new copy of a migrated story has story %q, want %q", got.Story, harbor.Story)
	}
	grain, err := ix.Article(ctx, "grain")
	if err != nil {
		t.Fatal(err)
	}
	if grain.Story == harbor.Story {
		t.Errorf("another story shares the harbor story %q", harbor.Story)
	}
	res, err := ix.Search(ctx, corpus.Query{Text: "wheat"})
	if err != nil || res.Total != 1 {
		t.Errorf("search wheat: %+v %v, want 1 hit", res, err)
	}
}

// TestLegacyRecordStoreRebuildsAMissingIndex: a legacy store without its index
// is migrated, then the index is rebuilt from it.
func TestLegacyRecordStoreRebuildsAMissingIndex(t *testing.T) {
	dir, articles := legacyArchive(t)
	if err := os.RemoveAll(filepath.Join(dir, Dir)); err != nil {
		t.Fatal(err)
	}
	ix := mustOpen(t, dir)
	defer ix.Close()
	if n := count(t, ix); n != uint64(len(articles)) {
		t.Errorf("count %d after the rebuild, want %d", n, len(articles))
	}
	a, err := ix.Article(context.Background(), "grain")
	if err != nil || !strings.Contains(a.Body, "Rotterdam") {
		t.Errorf("grain: %+v %v", a, err)
	}
}
