package opensearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/article-archive/archive/corpus"
)

// ReindexOptions say what Reindex does besides copying.
type ReindexOptions struct {
	// Transform, when not nil, changes each article before it is written to the
	// new index (archive reindex --re-extract redoes the extraction with it).
	Transform func(*corpus.Article)
	// Progress, when not nil, is called with the articles copied so far.
	Progress func(copied int64)
}

// ReindexStats is what Reindex did.
type ReindexStats struct {
	// From is the index the archive's name pointed at, To the new one.
	From, To string
	// Copied articles, of which CaughtUp were written or changed during the
	// copy; Removed were deleted during it.
	Copied, CaughtUp int64
	Removed          int
	Elapsed          time.Duration
}

// catchUpMargin is how far before the copy began the catch-up looks for
// articles written: the clocks of servers differ a little.
const catchUpMargin = 10 * time.Second

// oldIndexGrace is how long the old index lives on after the switch, for the
// searches that were sent to it just before.
const oldIndexGrace = 3 * time.Second

// reindexBatch is how many articles one write of the copy carries.
const reindexBatch = 500

// Reindex copies the archive into a new index made with today's mapping and
// analysis (and the shards of Config), then points the archive's name at it: an
// alias, so that searches go to the old index until the new one is complete,
// and to the new one from one request to the next. Writes go on during the copy;
// for the moment of the catch-up (what was written or deleted since the copy
// began) and the switch, the old index refuses writes, which servers answer
// with 503 and Retry-After. The new index is named <name>-vN; the old one is
// deleted a few seconds after the name points away from it. An archive whose
// name is an index (not yet an alias) becomes an alias by this: the index goes
// in the same step as the alias comes, so a search in flight at that instant
// may fail (503, Retry-After); later reindexes fail none. A copy left by an interrupted
// reindex (an index <name>-vN the name does not point at) is deleted and made
// again.
func (e *Engine) Reindex(ctx context.Context, opts ReindexOptions) (ReindexStats, error) {
	start := time.Now()
	if err := e.ensure(ctx); err != nil {
		return ReindexStats{}, err
	}
	old, aliased, err := e.concreteIndex(ctx)
	if err != nil {
		return ReindexStats{}, err
	}
	st := ReindexStats{From: old, To: nextVersion(e.index, old)}
	if err := e.dropIndex(ctx, st.To); err != nil {
		return st, err
	}
	replicas, err := e.replicasOf(ctx, old)
	if err != nil {
		return st, err
	}
	if err := e.do(ctx, http.MethodPut, "/"+st.To+"?wait_for_active_shards=1", e.indexBody(replicas), nil); err != nil {
		return st, fmt.Errorf("opensearch: create index %s: %w", st.To, err)
	}
	fail := func(err error) (ReindexStats, error) {
		// The old index serves on; the half-made copy goes.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		e.blockWrites(cctx, old, false)
		e.dropIndex(cctx, st.To)
		return st, err
	}
	began := time.Now().Add(-catchUpMargin)
	if err := e.copyArticles(ctx, old, st.To, nil, opts, &st.Copied); err != nil {
		return fail(err)
	}
	// Hold writes, copy what came or changed since the copy began, and drop what
	// was deleted since.
	if err := e.blockWrites(ctx, old, true); err != nil {
		return fail(err)
	}
	if err := e.Refresh(ctx); err != nil {
		return fail(err)
	}
	since := began.UTC().Format(time.RFC3339Nano)
	// What was written since the copy began, by any server (written_at), or by
	// one of a version before written_at was kept (ingested_at, arrived).
	recent := dsl{"bool": dsl{"should": []any{
		dsl{"range": dsl{fieldWritten: dsl{"gte": since}}},
		dsl{"bool": dsl{
			"must_not": []any{dsl{"exists": dsl{"field": fieldWritten}}},
			"should": []any{
				dsl{"range": dsl{"ingested_at": dsl{"gte": since}}},
				dsl{"range": dsl{fieldArrived: dsl{"gte": since}}},
			},
			"minimum_should_match": 1,
		}},
	}}}
	before := st.Copied
	if err := e.copyArticles(ctx, old, st.To, recent, opts, &st.Copied); err != nil {
		return fail(err)
	}
	st.CaughtUp = st.Copied - before
	if st.Removed, err = e.dropDeletedSince(ctx, st.To, since); err != nil {
		return fail(err)
	}
	if err := e.do(ctx, http.MethodPost, "/"+st.To+"/_refresh", nil, nil); err != nil {
		return fail(err)
	}
	want, err := e.countOf(ctx, old)
	if err != nil {
		return fail(err)
	}
	got, err := e.countOf(ctx, st.To)
	if err != nil {
		return fail(err)
	}
	if got != want {
		return fail(fmt.Errorf("opensearch: reindex: the new index %s holds %d articles, the archive %d: nothing was changed; run reindex again", st.To, got, want))
	}
	actions := []any{dsl{"add": dsl{"index": st.To, "alias": e.index, "is_write_index": true}}}
	if aliased {
		actions = append(actions, dsl{"remove": dsl{"index": old, "alias": e.index}})
	} else {
		actions = append(actions, dsl{"remove_index": dsl{"index": old}})
	}
	if err := e.do(ctx, http.MethodPost, "/_aliases", dsl{"actions": actions}, nil); err != nil {
		return fail(fmt.Errorf("opensearch: point %s at %s: %w", e.index, st.To, err))
	}
	if aliased {
		// Searches sent to the old index just before the switch finish first.
		select {
		case <-ctx.Done():
		case <-time.After(oldIndexGrace):
		}
		if err := e.dropIndex(context.WithoutCancel(ctx), old); err != nil {
			e.log.Warn("the old index could not be deleted: delete it by hand", "index", old, "err", err)
		}
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// copyArticles copies the articles of from (those query matches, when not nil)
// into to, counting them in copied.
func (e *Engine) copyArticles(ctx context.Context, from, to string, query any, opts ReindexOptions, copied *int64) error {
	var batch []corpus.Article
	var written []time.Time
	flush := func() error {
		failed, err := e.restoreInto(ctx, to, batch, written)
		if err != nil {
			return fmt.Errorf("opensearch: reindex: copy into %s: %w", to, err)
		}
		if len(failed) > 0 {
			return fmt.Errorf("opensearch: reindex: %w", &BulkError{Failed: failed})
		}
		*copied += int64(len(batch))
		batch, written = batch[:0], written[:0]
		if opts.Progress != nil {
			opts.Progress(*copied)
		}
		return nil
	}
	// The copy keeps when each document was written, so that the next reindex
	// catches up on what was written during its own copy only.
	source := dsl{"excludes": slices.DeleteFunc(slices.Clone(derivedFields), func(f string) bool { return f == fieldWritten })}
	err := e.scan(ctx, from, query, source, func(raw json.RawMessage) error {
		var d struct {
			corpus.Article
			WrittenAt time.Time `json:"written_at"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("read an article of %s: %w", from, err)
		}
		a := d.Article
		if opts.Transform != nil {
			opts.Transform(&a)
		}
		batch, written = append(batch, a), append(written, d.WrittenAt)
		if len(batch) == reindexBatch {
			return flush()
		}
		return nil
	}, nil)
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("opensearch: reindex %s: %w", from, err)
	}
	return nil
}

// dropDeletedSince removes from index the articles whose tombstones were written
// since the time since (RFC 3339), and returns how many it removed.
func (e *Engine) dropDeletedSince(ctx context.Context, index, since string) (int, error) {
	var res struct {
		Deleted int `json:"deleted"`
	}
	var ids []string
	err := e.scan(ctx, e.tombstones(), dsl{"range": dsl{"deleted_at": dsl{"gte": since}}}, []string{"id"}, func(raw json.RawMessage) error {
		var t corpus.Tombstone
		if err := json.Unmarshal(raw, &t); err == nil {
			ids = append(ids, t.ID)
		}
		return nil
	}, nil)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	body := dsl{"query": dsl{"ids": dsl{"values": ids}}}
	if err := e.do(ctx, http.MethodPost, "/"+index+"/_delete_by_query?refresh=true", body, &res); err != nil {
		return 0, fmt.Errorf("opensearch: reindex: drop the articles deleted during the copy: %w", err)
	}
	return res.Deleted, nil
}

// concreteIndex returns the index the archive's name stands for, and whether
// the name is an alias.
func (e *Engine) concreteIndex(ctx context.Context) (string, bool, error) {
	var aliases map[string]any
	err := e.do(ctx, http.MethodGet, "/_alias/"+e.index, nil, &aliases)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return e.index, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("opensearch: read the alias %s: %w", e.index, err)
	}
	if len(aliases) != 1 {
		names := make([]string, 0, len(aliases))
		for n := range aliases {
			names = append(names, n)
		}
		return "", false, corpus.Errorf(corpus.EInvalidRequest, "the archive's name %s points at %d indexes (%v): point it at one (POST /_aliases) and run reindex again", e.index, len(aliases), names)
	}
	for name := range aliases {
		return name, true, nil
	}
	return "", false, nil
}

var versionSuffix = regexp.MustCompile(`-v(\d+)$`)

// nextVersion names the index after current: <name>-v2 after <name>, -v3 after -v2.
func nextVersion(name, current string) string {
	n := 1
	if m := versionSuffix.FindStringSubmatch(current); m != nil && current == name+m[0] {
		n, _ = strconv.Atoi(m[1])
	}
	return name + "-v" + strconv.Itoa(n+1)
}

// dropIndex deletes index when it exists.
func (e *Engine) dropIndex(ctx context.Context, index string) error {
	err := e.do(ctx, http.MethodDelete, "/"+index, nil, nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opensearch: delete index %s: %w", index, err)
	}
	return nil
}

// blockWrites makes index refuse writes (on) or take them again.
func (e *Engine) blockWrites(ctx context.Context, index string, on bool) error {
	var v any = on
	if !on {
		v = nil
	}
	if err := e.do(ctx, http.MethodPut, "/"+index+"/_settings", dsl{"index.blocks.write": v}, nil); err != nil {
		return fmt.Errorf("opensearch: set the write block of %s: %w", index, err)
	}
	return nil
}

// replicasOf returns the number of replicas of index.
func (e *Engine) replicasOf(ctx context.Context, index string) (int, error) {
	var settings map[string]struct {
		Settings struct {
			Index struct {
				Replicas string `json:"number_of_replicas"`
			} `json:"index"`
		} `json:"settings"`
	}
	if err := e.do(ctx, http.MethodGet, "/"+index+"/_settings/index.number_of_replicas", nil, &settings); err != nil {
		return 0, fmt.Errorf("opensearch: read the replicas of %s: %w", index, err)
	}
	for _, s := range settings {
		n, _ := strconv.Atoi(s.Settings.Index.Replicas)
		return n, nil
	}
	return 0, nil
}

// countOf returns how many documents index holds.
func (e *Engine) countOf(ctx context.Context, index string) (uint64, error) {
	var out struct {
		Count uint64 `json:"count"`
	}
	if err := e.do(ctx, http.MethodGet, "/"+index+"/_count", nil, &out); err != nil {
		return 0, fmt.Errorf("opensearch: count %s: %w", index, err)
	}
	return out.Count, nil
}
