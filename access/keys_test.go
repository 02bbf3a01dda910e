package access

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
