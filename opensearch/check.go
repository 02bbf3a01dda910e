package opensearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// CheckReport is what Check found of an archive kept in OpenSearch.
type CheckReport struct {
	Index string `json:"index"`
	// Indexes is the index the archive's name stands for (more than one is a problem).
	Indexes []string `json:"indexes"`
	// Health is the cluster's word for the archive's indexes: green, yellow or red.
	Health     string `json:"health"`
	Articles   uint64 `json:"articles"`
	Tombstones int    `json:"tombstones"`
	Keys       int    `json:"keys"`
	// Problems say what is wrong and what to do; Notes what is worth knowing.
	Problems []string      `json:"problems"`
	Notes    []string      `json:"notes,omitempty"`
	Took     time.Duration `json:"took_ns"`
}

// Healthy tells whether Check found no problem.
func (r CheckReport) Healthy() bool { return len(r.Problems) == 0 }

// Check looks the archive over: the health of its indexes (red: shards lost;
// yellow: replicas not placed), the mapping against the one this version makes,
// the copies of each shard against each other (a replica holding another count
// than its primary), the articles that lack what this version derives, deleted
// articles still present, and indexes left by an interrupted reindex. Its
// memory does not grow with the archive: the tombstones are read a page at a
// time. It fails only when the cluster cannot be asked.
func (e *Engine) Check(ctx context.Context) (CheckReport, error) {
	start := time.Now()
	r := CheckReport{Index: e.index, Problems: []string{}}
	problem := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }

	// The name: an index, or an alias of one.
	var aliases map[string]any
	err := e.do(ctx, http.MethodGet, "/_alias/"+e.index, nil, &aliases)
	switch oe, ok := errors.AsType[*osError](err); {
	case ok && oe.Status == http.StatusNotFound:
		if herr := e.do(ctx, http.MethodHead, "/"+e.index, nil, nil); herr != nil {
			if oe, ok := errors.AsType[*osError](herr); ok && oe.Status == http.StatusNotFound {
				problem("there is no index %s in the cluster: ingest or restore into it first (or name the archive's index with --opensearch-index)", e.index)
				r.Took = time.Since(start)
				return r, nil
			}
			return r, herr
		}
		r.Indexes = []string{e.index}
	case err != nil:
		return r, fmt.Errorf("opensearch: check: %w", err)
	default:
		for name := range aliases {
			r.Indexes = append(r.Indexes, name)
		}
		slices.Sort(r.Indexes)
		if len(r.Indexes) > 1 {
			problem("the archive's name %s points at %d indexes (%s): searches count their articles together; point it at one with POST /_aliases, then run archive reindex", e.index, len(r.Indexes), strings.Join(r.Indexes, ", "))
		}
	}

	// Health of every index of the archive.
	var indices []struct {
		Index  string `json:"index"`
		Health string `json:"health"`
		Status string `json:"status"`
	}
	if err := e.do(ctx, http.MethodGet, "/_cat/indices/"+e.index+"*?format=json&h=index,health,status", nil, &indices); err != nil {
		return r, fmt.Errorf("opensearch: check the health: %w", err)
	}
	ours := append(slices.Clone(r.Indexes), e.tombstones(), e.keysIndex(), e.AuditIndex())
	r.Health = "green"
	for _, ix := range indices {
		if !slices.Contains(ours, ix.Index) {
			continue
		}
		switch {
		case ix.Status == "close":
			problem("index %s is closed: nothing in it can be read or written; open it (POST /%s/_open)", ix.Index, ix.Index)
		case ix.Health == "red":
			r.Health = "red"
			problem("index %s is red: some of its shards have no copy on any node, so their articles cannot be searched or written; bring back the nodes that held them, or restore a backup (archive restore) into a new index", ix.Index)
		case ix.Health == "yellow":
			if r.Health == "green" {
				r.Health = "yellow"
			}
			problem("index %s is yellow: some replica shards are not placed on any node, so losing one more node loses data; add a node, or on a one-node cluster set its replicas to 0 (PUT /%s/_settings {\"index.number_of_replicas\":0})", ix.Index, ix.Index)
		}
	}

	if r.Articles, err = e.countOf(ctx, e.index); err != nil {
		return r, err
	}

	// The mapping against this version's.
	var mappings map[string]struct {
		Mappings struct {
			Properties map[string]struct {
				Type string `json:"type"`
			} `json:"properties"`
		} `json:"mappings"`
	}
	if err := e.do(ctx, http.MethodGet, "/"+e.index+"/_mapping", nil, &mappings); err != nil {
		return r, fmt.Errorf("opensearch: check the mapping: %w", err)
	}
	want := e.indexBody(0)["mappings"].(map[string]any)["properties"].(map[string]any)
	for _, idx := range slices.Sorted(maps.Keys(mappings)) {
		have := mappings[idx].Mappings.Properties
		var missing, wrong []string
		for _, field := range slices.Sorted(maps.Keys(want)) {
			wantType := want[field].(map[string]any)["type"].(string)
			got, ok := have[field]
			switch {
			case !ok:
				missing = append(missing, field)
			case got.Type != wantType:
				wrong = append(wrong, fmt.Sprintf("%s is %s, not %s", field, got.Type, wantType))
			}
		}
		if len(missing) > 0 || len(wrong) > 0 {
			problem("index %s was made by another version (its mapping lacks %v%s): searches on those fields miss articles; run archive reindex --opensearch to copy the archive into an index with this version's mapping",
				idx, missing, strings.Join(append([]string{""}, wrong...), "; "))
		}
	}

	// Copies of each shard against each other.
	var shards []struct {
		Index  string `json:"index"`
		Shard  string `json:"shard"`
		Prirep string `json:"prirep"`
		State  string `json:"state"`
		Docs   string `json:"docs"`
		Node   string `json:"node"`
	}
	if err := e.do(ctx, http.MethodGet, "/_cat/shards/"+strings.Join(r.Indexes, ",")+"?format=json&h=index,shard,prirep,state,docs,node", nil, &shards); err != nil {
		return r, fmt.Errorf("opensearch: check the shards: %w", err)
	}
	primary := map[string]string{}
	for _, s := range shards {
		if s.Prirep == "p" && s.State == "STARTED" {
			primary[s.Index+"/"+s.Shard] = s.Docs
		}
	}
	for _, s := range shards {
		if p, ok := primary[s.Index+"/"+s.Shard]; ok && s.Prirep == "r" && s.State == "STARTED" && s.Docs != p {
			r.Notes = append(r.Notes, fmt.Sprintf("shard %s of %s: the replica on %s holds %s documents, the primary %s (normal while writes go on; if it stays, the cluster recovers the replica from the primary)", s.Shard, s.Index, s.Node, s.Docs, p))
		}
	}

	// Articles that lack what this version derives: written by another tool.
	var lacking struct {
		Count int `json:"count"`
	}
	body := dsl{"query": dsl{"bool": dsl{"must_not": []any{dsl{"exists": dsl{"field": fieldFingerprint}}}}}}
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_count", body, &lacking); err != nil {
		return r, fmt.Errorf("opensearch: check the articles: %w", err)
	}
	if lacking.Count > 0 {
		problem("%d articles lack the fingerprint and keys the archive derives (written by another tool than the archive): they are not told apart from their duplicates; run archive reindex --opensearch to derive them", lacking.Count)
	}

	// Deleted articles still present: a deletion cut off between its tombstone
	// and the article's removal.
	var present []string
	var page []string
	lookUp := func() error {
		if len(page) == 0 {
			return nil
		}
		var res struct {
			Docs []struct {
				ID    string `json:"_id"`
				Found bool   `json:"found"`
			} `json:"docs"`
		}
		if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_mget?_source=false", dsl{"ids": page}, &res); err != nil {
			return err
		}
		for _, d := range res.Docs {
			if d.Found {
				present = append(present, d.ID)
			}
		}
		page = page[:0]
		return nil
	}
	err = e.scan(ctx, e.tombstones(), nil, []string{"id"}, func(raw json.RawMessage) error {
		var t corpus.Tombstone
		if json.Unmarshal(raw, &t) == nil {
			r.Tombstones++
			page = append(page, t.ID)
		}
		if len(page) == dumpBatch {
			return lookUp()
		}
		return nil
	}, nil)
	if err == nil {
		err = lookUp()
	}
	if err != nil {
		return r, fmt.Errorf("opensearch: check the tombstones: %w", err)
	}
	if len(present) > 0 {
		problem("%d deleted articles are still in the index (a deletion cut off after its tombstone was written): %s; delete each again (DELETE /api/v1/articles/ID), or bring it back with archive ingest --opensearch … --restore",
			len(present), strings.Join(present[:min(len(present), 10)], ", "))
	}

	// Copies left by an interrupted reindex.
	var left []struct {
		Index string `json:"index"`
	}
	if err := e.do(ctx, http.MethodGet, "/_cat/indices/"+e.index+"-v*?format=json&h=index", nil, &left); err == nil {
		for _, l := range left {
			if !slices.Contains(r.Indexes, l.Index) {
				r.Notes = append(r.Notes, fmt.Sprintf("index %s is not the archive's: a copy left by an interrupted archive reindex (the next reindex replaces it; DELETE /%s frees its space)", l.Index, l.Index))
			}
		}
	}
	if keys, err := e.LoadKeys(ctx); err == nil {
		r.Keys = len(keys)
	}
	r.Took = time.Since(start)
	return r, nil
}
