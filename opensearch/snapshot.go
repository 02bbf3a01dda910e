package opensearch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// SnapshotInfo is what a snapshot of the archive holds.
type SnapshotInfo struct {
	Repo, Name string
	// Indexes are the indexes it holds: the archive's and those beside it.
	Indexes []string
	// Shards counts the shards copied, Failed those that could not be.
	Shards, Failed int
	Took           time.Duration
}

// snapshotAnswer is what the cluster answers of a snapshot or a restore it
// waited for.
type snapshotAnswer struct {
	Snapshot struct {
		Shards struct {
			Total  int `json:"total"`
			Failed int `json:"failed"`
		} `json:"shards"`
	} `json:"snapshot"`
}

// sideIndexes are the indexes beside the archive's, by their suffix.
var sideIndexes = []string{"-deleted", "-keys", "-audit"}

// Snapshot takes a snapshot named name of the archive's indexes (the articles,
// tombstones, keys and audit log) into the cluster's snapshot repository repo,
// and waits until it is complete. A repository the cluster does not know is a
// corpus.EInvalidRequest error saying how to register one.
func (e *Engine) Snapshot(ctx context.Context, repo, name string) (SnapshotInfo, error) {
	start := time.Now()
	info := SnapshotInfo{Repo: repo, Name: name}
	if err := e.checkRepo(ctx, repo); err != nil {
		return info, err
	}
	concrete, _, err := e.concreteIndex(ctx)
	if err != nil {
		return info, err
	}
	info.Indexes = []string{concrete}
	for _, suffix := range sideIndexes {
		if err := e.do(ctx, http.MethodHead, "/"+e.index+suffix, nil, nil); err == nil {
			info.Indexes = append(info.Indexes, e.index+suffix)
		}
	}
	var res snapshotAnswer
	body := dsl{"indices": info.Indexes, "include_global_state": false}
	path := "/_snapshot/" + url.PathEscape(repo) + "/" + url.PathEscape(name) + "?wait_for_completion=true"
	if err := e.doLong(ctx, http.MethodPut, path, body, &res); err != nil {
		return info, fmt.Errorf("opensearch: snapshot %s/%s: %w", repo, name, err)
	}
	info.Shards, info.Failed = res.Snapshot.Shards.Total, res.Snapshot.Shards.Failed
	info.Took = time.Since(start)
	if info.Failed > 0 {
		return info, fmt.Errorf("opensearch: snapshot %s/%s: %d of %d shards could not be copied (a red index?): run archive check", repo, name, info.Failed, info.Shards)
	}
	return info, nil
}

// RestoreSnapshot restores a snapshot of an archive (Snapshot) as this engine's
// archive: its article index as <index>-v1 with the engine's name an alias of
// it, and the indexes beside it under this engine's name. The archive must not
// exist yet: a snapshot is restored into a new name.
func (e *Engine) RestoreSnapshot(ctx context.Context, repo, name string) (SnapshotInfo, error) {
	start := time.Now()
	info := SnapshotInfo{Repo: repo, Name: name}
	if err := e.checkRepo(ctx, repo); err != nil {
		return info, err
	}
	if err := e.do(ctx, http.MethodHead, "/"+e.index, nil, nil); err == nil {
		return info, corpus.Errorf(corpus.EInvalidRequest, "index %s exists: restore the snapshot under a new name (--opensearch-index NEW)", e.index)
	}
	var snaps struct {
		Snapshots []struct {
			Indices []string `json:"indices"`
			State   string   `json:"state"`
		} `json:"snapshots"`
	}
	snapPath := "/_snapshot/" + url.PathEscape(repo) + "/" + url.PathEscape(name)
	err := e.do(ctx, http.MethodGet, snapPath, nil, &snaps)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return info, corpus.Errorf(corpus.EInvalidRequest, "repository %s has no snapshot %s (GET /_snapshot/%s/_all lists them)", repo, name, repo)
	}
	if err != nil {
		return info, fmt.Errorf("opensearch: read snapshot %s/%s: %w", repo, name, err)
	}
	if len(snaps.Snapshots) != 1 || snaps.Snapshots[0].State != "SUCCESS" {
		return info, corpus.Errorf(corpus.EInvalidRequest, "snapshot %s/%s is not a complete snapshot", repo, name)
	}
	indices := snaps.Snapshots[0].Indices
	// The article index is the one not named as an index beside it.
	var articles string
	for _, ix := range indices {
		if !slices.ContainsFunc(sideIndexes, func(suffix string) bool { return strings.HasSuffix(ix, suffix) }) {
			articles = ix
		}
	}
	if articles == "" {
		return info, corpus.Errorf(corpus.EInvalidRequest, "snapshot %s/%s holds no archive (indexes %v)", repo, name, indices)
	}
	base := articles
	if m := versionSuffix.FindStringSubmatch(articles); m != nil {
		base = articles[:len(articles)-len(m[0])]
	}
	restore := func(from, to string) error {
		body := dsl{"indices": from, "include_aliases": false, "include_global_state": false,
			"rename_pattern": "^(.*)$", "rename_replacement": to}
		var res snapshotAnswer
		if err := e.doLong(ctx, http.MethodPost, snapPath+"/_restore?wait_for_completion=true", body, &res); err != nil {
			return fmt.Errorf("opensearch: restore %s of snapshot %s/%s as %s: %w", from, repo, name, to, err)
		}
		info.Indexes = append(info.Indexes, to)
		info.Shards += res.Snapshot.Shards.Total
		info.Failed += res.Snapshot.Shards.Failed
		return nil
	}
	target := e.index + "-v1"
	if err := restore(articles, target); err != nil {
		return info, err
	}
	for _, suffix := range sideIndexes {
		if slices.Contains(indices, base+suffix) {
			if err := restore(base+suffix, e.index+suffix); err != nil {
				return info, err
			}
		}
	}
	actions := []any{dsl{"add": dsl{"index": target, "alias": e.index, "is_write_index": true}}}
	if err := e.do(ctx, http.MethodPost, "/_aliases", dsl{"actions": actions}, nil); err != nil {
		return info, fmt.Errorf("opensearch: name %s after the restored %s: %w", e.index, target, err)
	}
	e.ready.Store(false) // the index exists now: learn it again
	info.Took = time.Since(start)
	if info.Failed > 0 {
		return info, fmt.Errorf("opensearch: %d of %d shards of the snapshot could not be restored", info.Failed, info.Shards)
	}
	return info, nil
}

// checkRepo says how to register repo when the cluster does not know it.
func (e *Engine) checkRepo(ctx context.Context, repo string) error {
	err := e.do(ctx, http.MethodGet, "/_snapshot/"+url.PathEscape(repo), nil, nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return corpus.Errorf(corpus.EInvalidRequest, "the cluster has no snapshot repository %s: register one first (PUT /_snapshot/%s {\"type\":\"fs\",\"settings\":{\"location\":\"DIR\"}}, DIR under the nodes' path.repo), or write a portable backup instead (archive backup --opensearch URL FILE)", repo, repo)
	}
	if err != nil {
		return fmt.Errorf("opensearch: look up snapshot repository %s: %w", repo, err)
	}
	return nil
}

// doLong is do for requests that wait for a long operation (snapshots).
func (e *Engine) doLong(ctx context.Context, method, path string, body, out any) error {
	return e.doTimeout(ctx, method, path, body, out, 6*time.Hour)
}
