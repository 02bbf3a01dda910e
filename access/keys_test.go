package access

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	k, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.HasReadKeys() || k.HasKeyFor(corpus.ScopeRead) {
		t.Errorf("no keys yet, but some are reported")
	}
	writer, wk, err := k.Create(corpus.ScopeWrite, "newsroom bot")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(writer, keyPrefix) || wk.Hash == "" || strings.Contains(wk.Hash, writer) {
		t.Errorf("key %q stored as %+v", writer, wk)
	}
	data, err := os.ReadFile(filepath.Join(dir, KeysFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), writer) {
		t.Errorf("the key file holds the secret")
	}
	if info, _ := os.Stat(filepath.Join(dir, KeysFile)); info.Mode().Perm() != 0o600 {
		t.Errorf("the key file is %v, want readable by its owner only", info.Mode().Perm())
	}
	if k.HasReadKeys() || !k.HasKeyFor(corpus.ScopeRead) || !k.HasKeyFor(corpus.ScopeWrite) || k.HasKeyFor(corpus.ScopeAdmin) {
		t.Errorf("a write key: read keys %v, for read %v, write %v, admin %v", k.HasReadKeys(), k.HasKeyFor(corpus.ScopeRead), k.HasKeyFor(corpus.ScopeWrite), k.HasKeyFor(corpus.ScopeAdmin))
	}

	// Another process (archive keys create while serve runs) adds a key: the
	// first Keys sees it.
	other, err := OpenKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	reader, rk, err := other.Create(corpus.ScopeRead, "")
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := k.Check(reader); !ok || p.KeyID != rk.ID || p.Scope != corpus.ScopeRead {
		t.Errorf("a key made by another process: %+v %v", p, ok)
	}
	if !k.HasReadKeys() {
		t.Errorf("a read key exists, yet HasReadKeys says no")
	}
	for _, bad := range []string{"", writer + "x", strings.Replace(writer, wk.ID, rk.ID, 1), "Bearer " + writer, keyPrefix} {
		if p, ok := k.Check(bad); ok {
			t.Errorf("Check(%q) = %+v, want refused", bad, p)
		}
	}
	if _, err := other.Revoke("newsroom bot"); err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Check(writer); ok {
		t.Errorf("a revoked key still opens")
	}
	if _, ok := k.Valid(wk.ID); ok {
		t.Errorf("a revoked key is still valid for its sessions")
	}
	if _, err := k.Revoke("nobody"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("revoke an unknown key: %v", err)
	}
	list, err := k.List()
	if err != nil || len(list) != 2 || list[0].Revoked == nil || list[1].Revoked != nil {
		t.Errorf("list: %+v %v", list, err)
	}

	// A damaged key file fails closed: the archive stays private.
	if err := os.WriteFile(filepath.Join(dir, KeysFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !k.HasReadKeys() {
		t.Errorf("a damaged key file opened a private archive")
	}
	if _, err := OpenKeys(dir); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening a damaged key file: %v", err)
	}
}

func TestScopes(t *testing.T) {
	for _, c := range []struct {
		have, need corpus.Scope
		ok         bool
	}{
		{corpus.ScopeRead, corpus.ScopeRead, true},
		{corpus.ScopeRead, corpus.ScopeWrite, false},
		{corpus.ScopeWrite, corpus.ScopeRead, true},
		{corpus.ScopeWrite, corpus.ScopeAdmin, false},
		{corpus.ScopeAdmin, corpus.ScopeWrite, true},
		{"", corpus.ScopeRead, false},
		{corpus.ScopeAdmin, "", false},
	} {
		if got := c.have.Allows(c.need); got != c.ok {
			t.Errorf("%q allows %q: %v, want %v", c.have, c.need, got, c.ok)
		}
	}
}

// memStore is a Store in memory that can be made unreachable, standing in for
// the cluster (whose own tests run against a real node in cmd/archive).
type memStore struct {
	keys  []corpus.APIKey
	down  bool
	loads int
}

var errDown = corpus.Errorf(corpus.EBusy, "the store cannot answer")

func (m *memStore) LoadKeys(context.Context) ([]corpus.APIKey, error) {
	m.loads++
	if m.down {
		return nil, errDown
	}
	return slices.Clone(m.keys), nil
}

func (m *memStore) SaveKey(_ context.Context, k corpus.APIKey, create bool) error {
	if m.down {
		return errDown
	}
	i := slices.IndexFunc(m.keys, func(x corpus.APIKey) bool { return x.ID == k.ID })
	switch {
	case create && i >= 0:
		return errors.New("exists")
	case i >= 0:
		m.keys[i] = k
	default:
		m.keys = append(m.keys, k)
	}
	return nil
}

// TestSharedKeys: keys kept in a Store are seen by every Keys over it (a key made
// by one is known to another at once), a store out of reach keeps the keys last
// read in force, and one never read says so (KeysUnavailable) instead of
// opening or closing the archive.
func TestSharedKeys(t *testing.T) {
	store := &memStore{}
	a, b := SharedKeys(store), SharedKeys(store)
	if err := b.KeysUnavailable(); err != nil || b.HasReadKeys() {
		t.Fatalf("an empty store: %v, private %v", err, b.HasReadKeys())
	}
	secret, key, err := a.Create(corpus.ScopeRead, "desk")
	if err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.loaded = time.Now().Add(-2 * time.Second) // read more than a second ago, within the TTL
	b.mu.Unlock()
	if p, ok := b.Check(secret); !ok || p.KeyID != key.ID {
		t.Errorf("a key made through another Keys is refused: %v %+v", ok, p)
	}
	store.down = true
	b.mu.Lock()
	b.loaded = time.Time{} // due to be read again
	b.mu.Unlock()
	if _, ok := b.Check(secret); !ok || !b.HasReadKeys() || b.KeysUnavailable() != nil {
		t.Errorf("with the store out of reach the keys last read are not kept in force")
	}
	c := SharedKeys(store)
	if err := c.KeysUnavailable(); corpus.ErrorCode(err) != corpus.EBusy {
		t.Errorf("keys never read from a store out of reach: %v, want an EBusy error", err)
	}
	if !c.HasReadKeys() {
		t.Errorf("keys never read count as open: a private archive would be read without a key")
	}
	if _, ok := c.Check(secret); ok {
		t.Errorf("a key is accepted from keys never read")
	}
	store.down = false
	if _, err := a.Revoke("desk"); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.loaded = time.Now().Add(-SharedKeysTTL)
	b.mu.Unlock()
	if _, ok := b.Check(secret); ok {
		t.Errorf("a revoked key is accepted after SharedKeysTTL")
	}
}
