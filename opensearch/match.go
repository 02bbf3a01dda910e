package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Bounds of Matching.
const (
	// MaxMatchIDs bounds the articles one Matching call looks at (the
	// cluster's index.max_result_window, 10,000 by default).
	MaxMatchIDs = 10000
	// matchGroup is how many queries one search of Matching runs together: the
	// leaves of 100 saved searches of a few words stay under the cluster's
	// clause limit (1,024); a group over it runs again one query at a time.
	matchGroup = 100
	// matchSearchesPerRequest is how many searches one _msearch carries.
	matchSearchesPerRequest = 100
)

// Matching runs each of queries on the articles ids (at most MaxMatchIDs) alone,
// whatever else the archive holds, and calls found with the query's place in
// queries and the IDs it matches, or the error that keeps that query from
// running (the corpus errors of Search). The queries' pages, orders and cursors
// are ignored; their person and outlet filters match the values that fold
// (corpus.Fold) to theirs. Articles not yet searchable, and articles that
// were there before (an update keeps its first arrival), are left out. It
// returns an error when the cluster cannot answer, or ctx ends.
//
// Every article of a batch arrives at the same instant, so the articles of a
// check have a few arrival times: they are read first (one _mget), and the
// queries are restricted to them (a terms filter on the arrival date, which the
// cluster answers from its points at little cost, where a filter of thousands
// of IDs is looked up in every segment for every query); what else arrived at
// those instants is left out by ID. The queries run 100 to a search, each a
// named clause of it, and each hit names the queries it matches
// (matched_queries), so that a check costs a search for 100 saved searches; a
// group that fails (a query over the clause limit) runs again one query to a
// search, so that only the faulty query fails. The cost grows with the batch
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
	have, err := e.storedOf(ctx, ids)
	if err != nil {
		return err
	}
	inBatch := make(map[string]bool, len(ids))
	var times []string
	seen := map[time.Time]bool{}
	for _, id := range ids {
		st, ok := have[id]
		if !ok || st.Arrived.IsZero() {
			continue // deleted meanwhile
		}
		inBatch[id] = true
		if t := st.Arrived.UTC().Truncate(time.Millisecond); !seen[t] {
			seen[t] = true
			times = append(times, t.Format(time.RFC3339Nano))
		}
	}
	// The queries that compile, by their place in queries.
	var ready []int
	compiled := make([]dsl, len(queries))
	for qi, q := range queries {
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
		if len(times) == 0 {
			found(qi, nil, nil)
			continue
		}
		compiled[qi] = (&prepared{q: q, text: c.query, folded: true}).filtered(true)
		ready = append(ready, qi)
	}
	arrived := dsl{"terms": dsl{fieldArrived: times}}
	var groups [][]int
	for start := 0; start < len(ready); start += matchGroup {
		groups = append(groups, ready[start:min(len(ready), start+matchGroup)])
	}
	var alone []int // the queries of the groups that failed
	err = e.matchSearches(ctx, groups, func(group []int) dsl {
		should := make([]dsl, len(group))
		for i, qi := range group {
			should[i] = dsl{"bool": dsl{"must": []dsl{compiled[qi]}, "_name": strconv.Itoa(qi)}}
		}
		return dsl{"bool": dsl{"should": should, "minimum_should_match": 1, "filter": []dsl{arrived}}}
	}, func(group []int, hits []matchHit, err error) {
		if err != nil {
			e.log.Info("opensearch: saved searches matched together failed; running them one by one", "searches", len(group), "err", err)
			alone = append(alone, group...)
			return
		}
		matched := map[int][]string{}
		for _, h := range hits {
			if !inBatch[h.ID] {
				continue
			}
			for _, name := range h.MatchedQueries {
				if qi, err := strconv.Atoi(name); err == nil {
					matched[qi] = append(matched[qi], h.ID)
				}
			}
		}
		for _, qi := range group {
			found(qi, matched[qi], nil)
		}
	})
	if err != nil || len(alone) == 0 {
		return err
	}
	singles := make([][]int, len(alone))
	for i, qi := range alone {
		singles[i] = []int{qi}
	}
	return e.matchSearches(ctx, singles, func(group []int) dsl {
		return dsl{"bool": dsl{"must": []dsl{compiled[group[0]]}, "filter": []dsl{arrived}}}
	}, func(group []int, hits []matchHit, err error) {
		if err != nil {
			found(group[0], nil, err)
			return
		}
		var matched []string
		for _, h := range hits {
			if inBatch[h.ID] {
				matched = append(matched, h.ID)
			}
		}
		found(group[0], matched, nil)
	})
}

// matchHit is a hit of a search of Matching.
type matchHit struct {
	ID             string   `json:"_id"`
	MatchedQueries []string `json:"matched_queries"`
}

// matchSearches runs a search for each group (its query made by query), 100
// to an _msearch, and tells done of its hits (at most MaxMatchIDs) or of the
// error that kept it from running. It returns an error when the cluster cannot
// answer.
func (e *Engine) matchSearches(ctx context.Context, groups [][]int, query func([]int) dsl, done func(group []int, hits []matchHit, err error)) error {
	for start := 0; start < len(groups); start += matchSearchesPerRequest {
		part := groups[start:min(len(groups), start+matchSearchesPerRequest)]
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		for _, g := range part {
			enc.Encode(dsl{"index": e.index})
			if err := enc.Encode(dsl{"query": query(g), "size": MaxMatchIDs, "_source": false,
				"sort": []string{"_doc"}, "track_total_hits": false}); err != nil {
				return fmt.Errorf("opensearch: encode a match: %w", err)
			}
		}
		var res struct {
			Responses []struct {
				Status int `json:"status"`
				Hits   struct {
					Hits []matchHit `json:"hits"`
				} `json:"hits"`
				Error json.RawMessage `json:"error"`
			} `json:"responses"`
		}
		if err := e.do(ctx, http.MethodPost, "/_msearch", body.Bytes(), &res); err != nil {
			return fmt.Errorf("opensearch: match new articles against %d searches: %w", len(part), err)
		}
		if len(res.Responses) != len(part) {
			return fmt.Errorf("opensearch: _msearch answered %d searches of %d", len(res.Responses), len(part))
		}
		for i, r := range res.Responses {
			if r.Status >= 300 || len(r.Error) > 0 {
				done(part[i], nil, searchError(msearchError(r.Status, r.Error)))
				continue
			}
			if len(r.Hits.Hits) == MaxMatchIDs {
				e.log.Warn("opensearch: a match found as many articles as it may list: some may be left out", "articles", MaxMatchIDs)
			}
			done(part[i], r.Hits.Hits, nil)
		}
	}
	return nil
}

// msearchError is the error of one search of an _msearch, as do makes them.
func msearchError(status int, raw json.RawMessage) error {
	if status == 0 {
		status = http.StatusBadRequest
	}
	return newOSError(status, raw)
}
