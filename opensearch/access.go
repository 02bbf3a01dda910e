package opensearch

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/article-archive/archive/corpus"
)

// The API keys, the session secret and the audit log of an archive kept in
// OpenSearch live in indexes beside the archive's (<index>-keys,
// <index>-audit), so that every server sharing the cluster knows the same keys,
// accepts the same sign-in sessions and writes one audit log.

// maxKeys bounds the keys LoadKeys reads.
const maxKeys = 10000

// sessionDoc is the document of the keys' index that holds the session secret.
const sessionDoc = "_session_secret"

// keysIndex is the name of the index of the API keys.
func (e *Engine) keysIndex() string { return e.index + SuffixKeys }

// AuditIndex is the name of the index of the audit log.
func (e *Engine) AuditIndex() string { return e.index + SuffixAudit }

func (e *Engine) ensureKeys(ctx context.Context) error {
	keyword := map[string]any{"type": "keyword"}
	return e.ensureSideIndex(ctx, e.keysIndex(), map[string]any{
		"id": keyword, "scope": keyword, "created": map[string]any{"type": "date"}})
}

// LoadKeys returns the archive's API keys (hashes, never secrets), revoked ones
// too, oldest first (access.Store).
func (e *Engine) LoadKeys(ctx context.Context) ([]corpus.APIKey, error) {
	var res struct {
		Hits struct {
			Hits []struct {
				Source corpus.APIKey `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	body := dsl{
		"size":  maxKeys,
		"query": dsl{"bool": dsl{"must_not": []any{dsl{"ids": dsl{"values": []string{sessionDoc}}}}}},
		"sort":  []any{dsl{"created": "asc"}, dsl{"id": "asc"}},
	}
	// An archive without the index has no keys yet: ignore_unavailable.
	if err := e.do(ctx, http.MethodPost, "/"+e.keysIndex()+"/_search?ignore_unavailable=true", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: read the keys in %s: %w", e.keysIndex(), err)
	}
	keys := make([]corpus.APIKey, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		keys = append(keys, h.Source)
	}
	return keys, nil
}

// SaveKey writes one key durably, searchable when it returns (access.Store): a
// new one when create (an ID that exists is an error), else the changed one.
func (e *Engine) SaveKey(ctx context.Context, k corpus.APIKey, create bool) error {
	if k.ID == "" || k.ID == sessionDoc {
		return fmt.Errorf("opensearch: a key needs an ID")
	}
	if err := e.ensureKeys(ctx); err != nil {
		return err
	}
	path := "/" + e.keysIndex() + "/_doc/" + url.PathEscape(k.ID) + "?refresh=wait_for&wait_for_active_shards=1"
	if create {
		path += "&op_type=create"
	}
	if err := e.do(ctx, http.MethodPut, path, k, nil); err != nil {
		return fmt.Errorf("opensearch: write key %s: %w", k.ID, err)
	}
	return nil
}

// SessionSecret returns the secret that signs sign-in sessions, shared by every
// server of the archive, making it on first use (32 random bytes; the first
// server to write it wins).
func (e *Engine) SessionSecret(ctx context.Context) ([]byte, error) {
	read := func() ([]byte, bool, error) {
		var out struct {
			Found  bool `json:"found"`
			Source struct {
				Secret string `json:"secret"`
			} `json:"_source"`
		}
		err := e.do(ctx, http.MethodGet, "/"+e.keysIndex()+"/_doc/"+sessionDoc, nil, &out)
		if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
			return nil, false, nil
		}
		if err != nil || !out.Found {
			return nil, false, err
		}
		b, err := base64.StdEncoding.DecodeString(out.Source.Secret)
		return b, err == nil && len(b) >= 32, err
	}
	if b, ok, err := read(); err != nil || ok {
		return b, err
	}
	if err := e.ensureKeys(ctx); err != nil {
		return nil, err
	}
	b := make([]byte, 32)
	rand.Read(b)
	doc := dsl{"secret": base64.StdEncoding.EncodeToString(b)}
	err := e.do(ctx, http.MethodPut, "/"+e.keysIndex()+"/_doc/"+sessionDoc+"?op_type=create&refresh=wait_for&wait_for_active_shards=1", doc, nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusConflict {
		b, _, err := read() // another server made it a moment ago
		return b, err
	}
	if err != nil {
		return nil, fmt.Errorf("opensearch: write the session secret: %w", err)
	}
	return b, nil
}

// Audit is the audit log of an archive kept in OpenSearch: one document per
// entry in the index AuditIndex, written durably. It satisfies server.Auditor.
type Audit struct{ e *Engine }

// Audit returns the archive's audit log.
func (e *Engine) Audit() *Audit { return &Audit{e} }

// Log records who did what from where, now. It returns once the cluster has
// the entry durably; an error says it could not be written.
func (a *Audit) Log(who, remote, action, detail string) error {
	ctx, cancel := context.WithTimeout(context.Background(), a.e.timeout)
	defer cancel()
	keyword := map[string]any{"type": "keyword"}
	err := a.e.ensureSideIndex(ctx, a.e.AuditIndex(), map[string]any{
		"time": map[string]any{"type": "date"}, "who": keyword, "remote": keyword, "action": keyword,
		"detail": map[string]any{"type": "text"}})
	if err != nil {
		return err
	}
	entry := dsl{"time": time.Now().UTC(), "who": who, "action": action}
	if remote != "" {
		entry["remote"] = remote
	}
	if detail != "" {
		entry["detail"] = detail
	}
	if err := a.e.do(ctx, http.MethodPost, "/"+a.e.AuditIndex()+"/_doc?wait_for_active_shards=1", entry, nil); err != nil {
		return fmt.Errorf("opensearch: write the audit log %s: %w", a.e.AuditIndex(), err)
	}
	return nil
}
