// Package alerts keeps the archive's saved searches and alerts of them: the
// store of saved searches (Store, a JSON file in the data directory; or
// SharedStore, documents that several servers share in a cluster), the
// watcher that checks each batch of new articles against them, and the sender
// that posts the new matches to their webhooks, signed and retried. It knows
// the archive only through the small interfaces it declares (Searches,
// Documents, Matcher, Articles), and the search's own parameters only through
// the Parse function it is given.
package alerts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/internal/atomicfile"
)

// FileName is the store's file in the data directory. It holds the feed tokens
// and webhook secrets, so it is readable by its owner only.
const FileName = "searches.json"

// Bounds on what the store keeps, so that neither the file nor a check of new
// articles against every saved search can grow without limit.
const (
	MaxSearches     = 1000
	MaxNameBytes    = 200
	MaxQueryBytes   = 16 << 10
	MaxWebhookBytes = 2048
)

// Parse reads a saved search's query (its URL parameters) into a corpus.Query,
// validated as every search is; it returns corpus errors saying what is wrong.
type Parse func(raw string) (corpus.Query, error)

// Store keeps the saved searches in FileName, rewriting the file whole (to a
// temporary file, synced, then renamed) on every change, so that a crash leaves
// the old file or the new one.
type Store struct {
	path  string
	parse Parse
	// max is MaxSearches (tests lower it).
	max int

	mu       sync.Mutex
	searches []*entry // in the order they were created
	// changed is set when webhook statuses or matches changed since the file
	// was written (see flush).
	changed bool
}

type entry struct {
	s corpus.SavedSearch
	// q is s.Query parsed; bad is why it no longer parses (then it matches
	// nothing and its feeds say so).
	q   corpus.Query
	bad error
}

// storeFile is the file's content.
type storeFile struct {
	Searches []corpus.SavedSearch `json:"searches"`
}

// Open reads the store in dataDir (none yet is an empty store). It returns an
// error when the file cannot be read or is not the store's.
func Open(dataDir string, parse Parse) (*Store, error) {
	s := &Store{path: filepath.Join(dataDir, FileName), parse: parse, max: MaxSearches}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("alerts: read %s: %w", s.path, err)
	}
	var f storeFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("alerts: %s is damaged (%v): restore it from a backup, or move it aside to start without saved searches", s.path, err)
	}
	for _, ss := range f.Searches {
		e := &entry{s: ss}
		e.q, e.bad = parse(ss.Query)
		s.searches = append(s.searches, e)
	}
	return s, nil
}

// Create saves a search and returns it with its webhook secret, which is shown
// this once. It returns an EInvalidRequest (or the parser's) error saying what
// to fix: no name, a query that does not parse, a webhook that is not an http
// or https URL, or the store full.
func (s *Store) Create(_ context.Context, n corpus.NewSavedSearch, now time.Time) (corpus.SavedSearch, error) {
	ss, q, err := newSearch(n, now, s.parse)
	if err != nil {
		return corpus.SavedSearch{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.searches) >= s.max {
		return corpus.SavedSearch{}, storeFull(s.max)
	}
	s.searches = append(s.searches, &entry{s: ss, q: q})
	if err := s.save(); err != nil {
		s.searches = s.searches[:len(s.searches)-1]
		return corpus.SavedSearch{}, err
	}
	return ss, nil
}

// newSearch validates n and makes the saved search it asks for, with a new ID,
// feed token and (with a webhook) webhook secret: what every store saves.
func newSearch(n corpus.NewSavedSearch, now time.Time, parse Parse) (corpus.SavedSearch, corpus.Query, error) {
	name := strings.TrimSpace(n.Name)
	raw := strings.TrimPrefix(strings.TrimSpace(n.Query), "?")
	hook := strings.TrimSpace(n.Webhook)
	switch {
	case name == "":
		return corpus.SavedSearch{}, corpus.Query{}, corpus.Errorf(corpus.EInvalidRequest, `a saved search needs a name: send {"name": "Harbor strike", "query": "q=harbor+strike"}`)
	case len(name) > MaxNameBytes:
		return corpus.SavedSearch{}, corpus.Query{}, corpus.Errorf(corpus.EInvalidRequest, "the name is longer than %d bytes: give a shorter one", MaxNameBytes)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return corpus.SavedSearch{}, corpus.Query{}, corpus.Errorf(corpus.EInvalidRequest, "the name holds a control character or is not UTF-8: a name is one line of text")
	case len(raw) > MaxQueryBytes:
		return corpus.SavedSearch{}, corpus.Query{}, corpus.Errorf(corpus.EInvalidRequest, "the query is longer than %d bytes: save a shorter search", MaxQueryBytes)
	}
	q, err := parse(raw)
	if err != nil {
		return corpus.SavedSearch{}, corpus.Query{}, err
	}
	if err := CheckWebhook(hook); err != nil {
		return corpus.SavedSearch{}, corpus.Query{}, err
	}
	ss := corpus.SavedSearch{ID: "s" + randomHex(8), Name: name, Query: raw, Webhook: hook,
		Created: now.UTC().Truncate(time.Second), FeedToken: randomToken()}
	if hook != "" {
		ss.WebhookSecret = "whsec_" + randomHex(24)
	}
	return ss, q, nil
}

func storeFull(max int) error {
	return corpus.Errorf(corpus.EInvalidRequest, "the archive keeps at most %d saved searches: delete one first", max)
}

// CheckWebhook returns an EInvalidRequest error when hook is neither "" nor an
// absolute http or https URL of at most MaxWebhookBytes.
func CheckWebhook(hook string) error {
	if hook == "" {
		return nil
	}
	if len(hook) > MaxWebhookBytes {
		return corpus.Errorf(corpus.EInvalidRequest, "the webhook URL is longer than %d bytes", MaxWebhookBytes)
	}
	u, err := url.Parse(hook)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return corpus.Errorf(corpus.EInvalidRequest, "the webhook %q is not an http or https URL: give one such as https://hooks.example.org/archive", hook)
	}
	if u.User != nil {
		return corpus.Errorf(corpus.EInvalidRequest, "the webhook URL holds a user name or password: deliveries are signed instead (X-Archive-Signature), so leave them out")
	}
	return nil
}

// List returns every saved search, oldest first, without webhook secrets.
func (s *Store) List(context.Context) ([]corpus.SavedSearch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]corpus.SavedSearch, len(s.searches))
	for i, e := range s.searches {
		out[i] = e.s
		out[i].WebhookSecret = ""
	}
	return out, nil
}

// Saved returns every saved search with its webhook secret, oldest first, for
// a copy of the store (archive migrate).
func (s *Store) Saved() []corpus.SavedSearch {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]corpus.SavedSearch, len(s.searches))
	for i, e := range s.searches {
		out[i] = e.s
	}
	return out
}

// Get returns the saved search id without its webhook secret, or an ENotFound
// error.
func (s *Store) Get(_ context.Context, id string) (corpus.SavedSearch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(id)
	if e == nil {
		return corpus.SavedSearch{}, notFound(id)
	}
	out := e.s
	out.WebhookSecret = ""
	return out, nil
}

// Query returns the saved search id's query parsed, or the error that keeps it
// from parsing (ENotFound when there is no such search).
func (s *Store) Query(_ context.Context, id string) (corpus.Query, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(id)
	if e == nil {
		return corpus.Query{}, notFound(id)
	}
	return e.q, e.bad
}

// FeedAllowed tells whether token is the feed token of the saved search id,
// comparing in constant time.
func (s *Store) FeedAllowed(_ context.Context, id, token string) bool {
	if token == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(id)
	return e != nil && subtle.ConstantTimeCompare([]byte(e.s.FeedToken), []byte(token)) == 1
}

// Delete removes the saved search id, or returns an ENotFound error.
func (s *Store) Delete(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.searches {
		if e.s.ID == id {
			s.searches = append(s.searches[:i:i], s.searches[i+1:]...)
			if err := s.save(); err != nil {
				s.searches = append(s.searches[:i:i], append([]*entry{e}, s.searches[i:]...)...)
				return err
			}
			return nil
		}
	}
	return notFound(id)
}

// Looked records that the saved search id was opened at t, and returns when it
// had been opened before (zero: never).
func (s *Store) Looked(_ context.Context, id string, t time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(id)
	if e == nil {
		return time.Time{}, notFound(id)
	}
	before := e.s.LastLooked
	e.s.LastLooked = t.UTC()
	if err := s.save(); err != nil {
		e.s.LastLooked = before
		return time.Time{}, err
	}
	return before, nil
}

// Watching returns the saved searches whose queries parse, with their
// webhook secrets.
func (s *Store) Watching(context.Context) ([]Watched, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Watched, 0, len(s.searches))
	for _, e := range s.searches {
		if e.bad == nil {
			out = append(out, Watched{Search: e.s, Query: e.q})
		}
	}
	return out, nil
}

// Change changes the saved search id, if it is still there. The change is seen
// at once, and written by the next Flush: a busy webhook would otherwise
// rewrite the file for every delivery.
func (s *Store) Change(id string, change func(*corpus.SavedSearch)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.find(id); e != nil {
		change(&e.s)
		s.changed = true
	}
}

// Flush writes the store when webhook statuses or matches changed since it was
// last written.
func (s *Store) Flush(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.changed {
		return nil
	}
	return s.save()
}

func (s *Store) find(id string) *entry {
	for _, e := range s.searches {
		if e.s.ID == id {
			return e
		}
	}
	return nil
}

// save writes the store's file whole: a temporary file, synced, renamed over the
// old one, and the directory synced. Callers hold mu.
func (s *Store) save() error {
	f := storeFile{Searches: make([]corpus.SavedSearch, len(s.searches))}
	for i, e := range s.searches {
		f.Searches[i] = e.s
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("alerts: encode the saved searches: %w", err)
	}
	if err := atomicfile.Write(s.path, data, 0o600); err != nil {
		return corpus.Errorf(corpus.EStorageFailed, "the saved searches cannot be written to %s: %v", s.path, err)
	}
	s.changed = false
	return nil
}

// CopyTo copies the store's file from dataDir into dir (a backup), if there is
// one.
func CopyTo(dataDir, dir string) error {
	src, err := os.Open(filepath.Join(dataDir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("alerts: back up the saved searches: %w", err)
	}
	defer src.Close()
	data, err := io.ReadAll(io.LimitReader(src, 64<<20))
	if err != nil {
		return fmt.Errorf("alerts: back up the saved searches: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, FileName), data, 0o600); err != nil {
		return fmt.Errorf("alerts: back up the saved searches: %w", err)
	}
	return nil
}

func notFound(id string) error {
	return corpus.Errorf(corpus.ENotFound, "there is no saved search with id %q: GET /api/v1/searches lists them", id)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
