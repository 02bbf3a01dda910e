package opensearch

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Bounds of Matching.
const (
	// MaxMatchIDs bounds the articles one Matching call looks at (the
	// cluster's index.max_result_window, 10,000 by default).
	MaxMatchIDs = 10000
	// matchQueriesPerRequest is how many queries one _msearch carries.
	matchQueriesPerRequest = 100
)

// matchBatches is the index of the batches being matched, beside the archive's.
func (e *Engine) matchBatches() string { return e.index + "-matching" }

// Matching runs each of queries on the articles ids (at most MaxMatchIDs) alone,
// whatever else the archive holds, and calls found with the query's place in
// queries and the IDs it matches, or the error that keeps that query from
// running (the corpus errors of Search). The queries' pages, orders and cursors
// are ignored; their person and outlet filters match the values that fold
// (corpus.Fold) to theirs. Articles not yet searchable are left out. It
// returns an error when the cluster cannot answer, or ctx ends.
//
// The batch's IDs are written once, to a document of an index of their own
// (Engine.matchBatches), and every query reads them from there (a terms
// lookup), so that a request stays small however many queries and articles
// it holds; the queries go 100 to an _msearch. The cost grows with the batch
// and the number of queries, not with the archive.
func (e *Engine) Matching(ctx context.Context, ids []string, queries []corpus.Query, found func(query int, matched []string, err error)) error {
	if len(ids) == 0 || len(queries) == 0 {
		return nil
	}
	if len(ids) > MaxMatchIDs {
		return corpus.Errorf(corpus.EInvalidRequest, "at most %d articles can be matched at once, not %d", MaxMatchIDs, len(ids))
	}
	if err := e.ensure(ctx); err != nil {
		return err
	}
	batch, err := e.writeBatch(ctx, ids)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := e.do(ctx, http.MethodDelete, "/"+e.matchBatches()+"/_doc/"+batch, nil, nil); err != nil {
			e.log.Warn("opensearch: the IDs of a matched batch were not deleted", "index", e.matchBatches(), "id", batch, "err", err)
		}
	}()
	inBatch := dsl{"terms": dsl{"_id": dsl{"index": e.matchBatches(), "id": batch, "path": "ids"}}}
	for start := 0; start < len(queries); start += matchQueriesPerRequest {
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		var asked []int
		for qi := start; qi < min(len(queries), start+matchQueriesPerRequest); qi++ {
			q := queries[qi]
			q.Page, q.Size, q.After, q.Sort, q.Collapse = 1, 1, "", corpus.SortRelevance, false
			if err := q.Validate(); err != nil {
				found(qi, nil, err)
				continue
			}
			c, err := e.compileText(q.Text, q.Op)
			if err != nil {
				found(qi, nil, err)
				continue
			}
			p := &prepared{q: q, text: c.query, folded: true}
			enc.Encode(dsl{"index": e.index})
			enc.Encode(dsl{
				"query":            dsl{"bool": dsl{"must": []dsl{p.filtered(true)}, "filter": []dsl{inBatch}}},
				"size":             len(ids),
				"_source":          false,
				"sort":             []string{"_doc"},
				"track_total_hits": false,
			})
			asked = append(asked, qi)
		}
		if len(asked) == 0 {
			continue
		}
		var res struct {
			Responses []struct {
				Status int `json:"status"`
				Hits   struct {
					Hits []struct {
						ID string `json:"_id"`
					} `json:"hits"`
				} `json:"hits"`
				Error json.RawMessage `json:"error"`
			} `json:"responses"`
		}
		if err := e.do(ctx, http.MethodPost, "/_msearch", body.Bytes(), &res); err != nil {
			return fmt.Errorf("opensearch: match %d articles against %d searches: %w", len(ids), len(asked), err)
		}
		if len(res.Responses) != len(asked) {
			return fmt.Errorf("opensearch: _msearch answered %d searches of %d", len(res.Responses), len(asked))
		}
		for i, r := range res.Responses {
			if r.Status >= 300 || len(r.Error) > 0 {
				found(asked[i], nil, searchError(msearchError(r.Status, r.Error)))
				continue
			}
			matched := make([]string, len(r.Hits.Hits))
			for j, h := range r.Hits.Hits {
				matched[j] = h.ID
			}
			found(asked[i], matched, nil)
		}
	}
	return nil
}

// writeBatch writes ids to a document of the batches' index and returns its ID.
func (e *Engine) writeBatch(ctx context.Context, ids []string) (string, error) {
	if err := e.ensureBatches(ctx); err != nil {
		return "", err
	}
	b := make([]byte, 12)
	rand.Read(b)
	id := hex.EncodeToString(b)
	// A terms lookup reads the document in real time: it need not be refreshed.
	if err := e.do(ctx, http.MethodPut, "/"+e.matchBatches()+"/_doc/"+url.PathEscape(id), dsl{"ids": ids}, nil); err != nil {
		return "", fmt.Errorf("opensearch: write the IDs of a batch to match: %w", err)
	}
	return id, nil
}

func (e *Engine) ensureBatches(ctx context.Context) error {
	if e.batchesReady.Load() {
		return nil
	}
	if err := e.ensureSideIndex(ctx, e.matchBatches(), dsl{}); err != nil {
		return err
	}
	e.batchesReady.Store(true)
	return nil
}

// msearchError is the error of one search of an _msearch, as do makes them.
func msearchError(status int, raw json.RawMessage) error {
	if status == 0 {
		status = http.StatusBadRequest
	}
	return newOSError(status, raw)
}
