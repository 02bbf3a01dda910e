// Package access keeps who may read and write an archive: API keys with scopes,
// stored as hashes in the data directory (keys.json) or in a Store (the
// OpenSearch engine keeps them in the cluster), the secret that signs
// sign-in sessions, and the audit log of writes, sign-ins and key changes
// (audit.log). The server knows it through small interfaces; cmd/archive wires
// it and gives the keys command.
package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/article-archive/archive/corpus"
)

// KeysFile is the keys' file in the data directory.
const KeysFile = "keys.json"

// keyPrefix starts every key, so that a leaked one is easy to recognise (and to
// search for in code and logs).
const keyPrefix = "aak_"

// Key is one API key as stored: its hash, never its secret.
type Key = corpus.APIKey

// Store keeps the keys somewhere else than a data directory's file: the
// OpenSearch engine keeps them in an index of the cluster, so that every server
// sharing it knows the same keys.
type Store interface {
	// LoadKeys returns every key, revoked ones too, oldest first.
	LoadKeys(ctx context.Context) ([]corpus.APIKey, error)
	// SaveKey writes one key: a new one when create (an existing ID is an
	// error), else the changed one (revoked).
	SaveKey(ctx context.Context, k corpus.APIKey, create bool) error
}

// SharedKeysTTL is how long keys read from a Store are used before they are read
// again: a key revoked on one server opens nothing on the others after at most
// this long. A key unknown to a server is looked up at once (at most once a
// second), so that a key created on one server works on the others right away.
const SharedKeysTTL = 5 * time.Second

// Keys is the keys of one archive: the key file of a data directory, or a Store.
// It is safe for concurrent use, and reads the file again when another process
// (archive keys) has changed it.
type Keys struct {
	path string
	mu   sync.Mutex
	keys []Key
	mod  time.Time
	size int64

	// store, when not nil, keeps the keys instead of the file; loaded is when
	// they were last read from it.
	store  Store
	loaded time.Time
}

// SharedKeys returns the keys kept in store. They are read on first use: a
// store that cannot be read then opens nothing (a private archive stays closed)
// until it can.
func SharedKeys(store Store) *Keys { return &Keys{store: store} }

// KeysUnavailable returns why the keys cannot be read, while a Store has never
// been read (out of reach since the start): whether the archive is private is
// not known then, so a server answers "try again" (corpus.EBusy from the store)
// rather than judge a request. It returns nil for a key file, and once a Store
// was read.
func (k *Keys) KeysUnavailable() error {
	if k.store == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reload()
}

// OpenKeys returns the keys of the data directory dir (none when the file does not
// exist yet).
func OpenKeys(dir string) (*Keys, error) {
	k := &Keys{path: filepath.Join(dir, KeysFile)}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// reload reads the file when it changed since it was last read, or the store
// when SharedKeysTTL has passed. Callers hold mu.
func (k *Keys) reload() error {
	if k.store != nil {
		if k.keys != nil && time.Since(k.loaded) < SharedKeysTTL {
			return nil
		}
		err := k.load()
		if err != nil && k.keys != nil {
			// The store is out of reach: the keys last read stay in force (nobody
			// reaches the store to change them either), and it is asked again in
			// a second.
			k.loaded = time.Now().Add(time.Second - SharedKeysTTL)
			return nil
		}
		return err
	}
	info, err := os.Stat(k.path)
	if errors.Is(err, os.ErrNotExist) {
		k.keys, k.mod, k.size = nil, time.Time{}, 0
		return nil
	}
	if err != nil {
		return fmt.Errorf("access: read %s: %w", k.path, err)
	}
	if info.ModTime().Equal(k.mod) && info.Size() == k.size && k.keys != nil {
		return nil
	}
	data, err := os.ReadFile(k.path)
	if err != nil {
		return fmt.Errorf("access: read %s: %w", k.path, err)
	}
	var keys []Key
	if err := json.Unmarshal(data, &keys); err != nil {
		return fmt.Errorf("access: %s is damaged (%v): restore it from a backup, or move it aside and create the keys again", k.path, err)
	}
	k.keys, k.mod, k.size = keys, info.ModTime(), info.Size()
	if k.keys == nil {
		k.keys = []Key{}
	}
	return nil
}

// load reads the keys from the store. Callers hold mu.
func (k *Keys) load() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys, err := k.store.LoadKeys(ctx)
	if err != nil {
		return fmt.Errorf("access: read the keys: %w", err)
	}
	k.keys, k.loaded = keys, time.Now()
	if k.keys == nil {
		k.keys = []Key{}
	}
	return nil
}

// persist writes key, new (create) or changed, with the rest of k.keys. Callers
// hold mu.
func (k *Keys) persist(key Key, create bool) error {
	if k.store == nil {
		return k.save()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := k.store.SaveKey(ctx, key, create); err != nil {
		return fmt.Errorf("access: write the key: %w", err)
	}
	k.loaded = time.Time{} // read them back next time
	return nil
}

// save writes the keys atomically (a temporary file renamed over the old one),
// readable by the owner only. Callers hold mu.
func (k *Keys) save() error {
	data, err := json.MarshalIndent(k.keys, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(k.path), ".keys-*.json")
	if err != nil {
		return fmt.Errorf("access: write the keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("access: write the keys: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), k.path); err != nil {
		return fmt.Errorf("access: write the keys: %w", err)
	}
	k.mod = time.Time{} // read it back next time
	return nil
}

// Create makes a key of the scope with a name (optional) and returns its secret,
// which is shown once and stored nowhere.
func (k *Keys) Create(scope corpus.Scope, name string) (secret string, key Key, err error) {
	if _, err := corpus.ParseScope(string(scope)); err != nil {
		return "", Key{}, err
	}
	idBytes, err := random(6)
	if err != nil {
		return "", Key{}, err
	}
	bodyBytes, err := random(24)
	if err != nil {
		return "", Key{}, err
	}
	id, body := hex.EncodeToString(idBytes), base64.RawURLEncoding.EncodeToString(bodyBytes)
	secret = keyPrefix + id + "_" + body
	key = Key{ID: id, Name: strings.TrimSpace(name), Scope: scope, Hash: hash(secret), Created: time.Now().UTC()}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return "", Key{}, err
	}
	k.keys = append(k.keys, key)
	if err := k.persist(key, true); err != nil {
		return "", Key{}, err
	}
	return secret, key, nil
}

// List returns the keys, revoked ones too, oldest first.
func (k *Keys) List() ([]Key, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	return slices.Clone(k.keys), nil
}

// Revoke revokes the key with the ID or name (a name must be one key's). It
// returns a corpus.ENotFound error when none has it.
func (k *Keys) Revoke(idOrName string) (Key, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return Key{}, err
	}
	var found []int
	for i, key := range k.keys {
		if key.Revoked == nil && (key.ID == idOrName || (key.Name != "" && key.Name == idOrName)) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return Key{}, corpus.Errorf(corpus.ENotFound, "no key in use has the ID or name %q: archive keys list shows them", idOrName)
	case 1:
	default:
		return Key{}, corpus.Errorf(corpus.EInvalidRequest, "%d keys are named %q: revoke one by its ID (archive keys list shows them)", len(found), idOrName)
	}
	now := time.Now().UTC()
	k.keys[found[0]].Revoked = &now
	if err := k.persist(k.keys[found[0]], false); err != nil {
		return Key{}, err
	}
	return k.keys[found[0]], nil
}

// Check returns who holds secret, when it is a key in use.
func (k *Keys) Check(secret string) (corpus.Principal, bool) {
	rest, ok := strings.CutPrefix(secret, keyPrefix)
	if !ok {
		return corpus.Principal{}, false
	}
	id, _, ok := strings.Cut(rest, "_")
	if !ok {
		return corpus.Principal{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return corpus.Principal{}, false
	}
	want := hash(secret)
	check := func() (corpus.Principal, bool) {
		for _, key := range k.keys {
			if key.ID == id && key.Revoked == nil && subtle.ConstantTimeCompare([]byte(key.Hash), []byte(want)) == 1 {
				return corpus.Principal{KeyID: key.ID, Name: key.Name, Scope: key.Scope}, true
			}
		}
		return corpus.Principal{}, false
	}
	p, ok := check()
	if !ok && k.store != nil && time.Since(k.loaded) > time.Second && !slices.ContainsFunc(k.keys, func(key Key) bool { return key.ID == id }) {
		// Perhaps made on another server since the keys were read.
		if k.load() == nil {
			p, ok = check()
		}
	}
	return p, ok
}

// Valid tells whether the key with this ID is still in use (a session signed in
// with a key ends when the key is revoked).
func (k *Keys) Valid(id string) (corpus.Principal, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return corpus.Principal{}, false
	}
	for _, key := range k.keys {
		if key.ID == id && key.Revoked == nil {
			return corpus.Principal{KeyID: key.ID, Name: key.Name, Scope: key.Scope}, true
		}
	}
	return corpus.Principal{}, false
}

// HasReadKeys tells whether any key in use exists: then reading needs one too.
func (k *Keys) HasReadKeys() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return true // a damaged key file must not open a private archive
	}
	for _, key := range k.keys {
		if key.Revoked == nil && key.Scope == corpus.ScopeRead {
			return true
		}
	}
	return false
}

// HasKeyFor tells whether a key in use allows what needs scope.
func (k *Keys) HasKeyFor(need corpus.Scope) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return false
	}
	for _, key := range k.keys {
		if key.Revoked == nil && key.Scope.Allows(need) {
			return true
		}
	}
	return false
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("access: random: %w", err)
	}
	return b, nil
}
