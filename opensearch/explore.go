package opensearch

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Facet names FacetValues knows.
const (
	FacetPerson = corpus.FacetPerson
	FacetOutlet = corpus.FacetOutlet
)

const (
	// facetValuesScan bounds the distinct values one FacetValues search counts.
	facetValuesScan = 5000
	// copiesMax bounds the copies of a story Related lists.
	copiesMax = 50
	// similarTerms is how many of an article's terms the similar-articles query uses.
	similarTerms = 25
	// exportBatch is how many hits one step of an export reads.
	exportBatch = 500
	// pitKeepAlive is how long a point in time lives between two steps of an export.
	pitKeepAlive = "2m"
)

// FacetValues returns up to n values of a facet (FacetPerson or FacetOutlet) among
// q's hits with their counts, most frequent first, keeping those where a word of
// the value starts with prefix, case-insensitively ("bid" finds Joe Biden, "joe b"
// too). The outlet facet is counted as the search page counts it, without the
// outlet filters. It returns corpus errors for a bad query or an unknown facet.
func (e *Engine) FacetValues(ctx context.Context, facet string, q corpus.Query, prefix string, n int) ([]corpus.FacetValue, error) {
	selected, excluded, err := corpus.FacetSelection(facet, q)
	if err != nil {
		return nil, err
	}
	keyField, textField := fieldPersons, fieldPersonText
	if facet == FacetOutlet {
		keyField, textField = fieldOutlet, fieldOutletText
	}
	q.Page, q.After = 1, ""
	p, err := e.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	if facet == FacetPerson {
		selected, excluded = p.q.Persons, p.q.NotPersons
	} else {
		selected, excluded = p.q.Outlets, p.q.NotOutlets
	}
	base := p.filtered(facet != FacetOutlet)
	ws := corpus.NameWords(prefix)
	size := n + len(selected)
	if len(ws) > 0 {
		must := []dsl{base}
		for i, w := range ws {
			if i == len(ws)-1 {
				must = append(must, dsl{"prefix": dsl{textField: w}})
			} else {
				must = append(must, dsl{"term": dsl{textField: w}})
			}
		}
		base = dsl{"bool": dsl{"filter": must}}
		size = facetValuesScan
	}
	body := dsl{"size": 0, "query": base, "aggs": dsl{"values": dsl{"terms": dsl{"field": keyField, "size": size}}}}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, searchError(err)
	}
	var aggs struct {
		Values termsAgg `json:"values"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, err
	}
	out := []corpus.FacetValue{}
	for _, v := range termFacet(aggs.Values, nil, nil) {
		if corpus.MatchesWords(v.Value, ws) {
			v.Selected, v.Excluded = slices.Contains(selected, v.Value), slices.Contains(excluded, v.Value)
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b corpus.FacetValue) int {
		return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value))
	})
	return out[:min(n, len(out))], nil
}

// Related returns the other copies of an article's story, oldest first, and up to
// n articles most alike in wording (more_like_this on the title and body), copies
// left out. It returns a corpus.ENotFound error for an unknown article.
func (e *Engine) Related(ctx context.Context, id string, n int) (corpus.Related, error) {
	a, err := e.Article(ctx, id)
	if err != nil {
		return corpus.Related{}, err
	}
	out := corpus.Related{Copies: []corpus.Hit{}, Similar: []corpus.Hit{}}
	notThis := []dsl{{"ids": dsl{"values": []string{id}}}}
	if a.Story != "" {
		notThis = append(notThis, dsl{"term": dsl{fieldStory: a.Story}})
		body := dsl{
			"size": copiesMax, "_source": hitSource,
			"query": dsl{"bool": dsl{"filter": []dsl{{"term": dsl{fieldStory: a.Story}}},
				"must_not": []dsl{{"ids": dsl{"values": []string{id}}}}}},
			"sort": sortOrder(corpus.Query{Sort: corpus.SortOldest}),
		}
		var res searchResponse
		if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
			return out, fmt.Errorf("opensearch: copies of %s: %w", id, err)
		}
		for _, h := range res.Hits.Hits {
			out.Copies = append(out.Copies, toHit(h, false))
		}
	}
	if n <= 0 {
		return out, nil
	}
	body := dsl{
		"size": n, "_source": hitSource,
		"query": dsl{"bool": dsl{
			"must": []dsl{{"more_like_this": dsl{
				"fields":          []string{fieldTitle, fieldBody},
				"like":            []dsl{{"_index": e.index, "_id": id}},
				"max_query_terms": similarTerms, "min_term_freq": 1, "min_doc_freq": 2, "min_word_length": 3,
				"minimum_should_match": "1",
			}}},
			"must_not": notThis,
		}},
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return out, fmt.Errorf("opensearch: similar to %s: %w", id, err)
	}
	for _, h := range res.Hits.Hits {
		out.Similar = append(out.Similar, toHit(h, false))
	}
	return out, e.countOutlets(ctx, out.Similar)
}

// Mark returns an article's title and body with the query text's matches marked
// (the words of text taken with op=or); "" where nothing matched. A query that
// does not parse or run marks nothing.
func (e *Engine) Mark(ctx context.Context, id, text string) (corpus.Marked, error) {
	if strings.TrimSpace(text) == "" {
		return corpus.Marked{}, nil
	}
	if err := e.ensure(ctx); err != nil {
		return corpus.Marked{}, err
	}
	c, err := e.compileText(text, corpus.OpOr)
	if err != nil || c.query == nil {
		return corpus.Marked{}, nil
	}
	body := dsl{
		"size": 1, "_source": []string{fieldTitle, fieldBody},
		"query": dsl{"bool": dsl{"filter": []dsl{{"ids": dsl{"values": []string{id}}}}, "must": []dsl{c.query}}},
		"highlight": dsl{
			"pre_tags": []string{"<mark>"}, "post_tags": []string{"</mark>"}, "encoder": "html",
			"fields": dsl{fieldTitle: dsl{"number_of_fragments": 0}, fieldBody: dsl{"number_of_fragments": 0}},
		},
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		if errors.Is(err, context.Canceled) || corpus.ErrorCode(err) == corpus.EBusy {
			return corpus.Marked{}, err
		}
		return corpus.Marked{}, nil
	}
	if len(res.Hits.Hits) == 0 {
		return corpus.Marked{}, nil
	}
	h := res.Hits.Hits[0]
	return corpus.Marked{
		Title: whole(h.Highlight[fieldTitle], h.Source.Title),
		Body:  whole(h.Highlight[fieldBody], h.Source.Body),
	}, nil
}

// whole returns the one fragment of a whole field when it is the whole text,
// marked; else "".
func whole(frags []string, text string) string {
	if len(frags) != 1 {
		return ""
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frags[0])
	if plain != html.EscapeString(text) {
		return ""
	}
	return frags[0]
}

// Export calls emit with every hit of q in q's order, without snippets, paging
// with search_after on a point in time so that the export sees one state of the
// index and each step costs the same however deep it is; q's page, size and
// cursor are ignored. With q.Collapse only the first hit of each story is
// emitted. It stops at the first error from emit or ctx.
func (e *Engine) Export(ctx context.Context, q corpus.Query, emit func(corpus.Hit) error) error {
	q.Page, q.Size, q.After = 1, 1, ""
	p, err := e.prepare(ctx, q)
	if err != nil {
		return err
	}
	var pit struct {
		PitID string `json:"pit_id"`
	}
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search/point_in_time?keep_alive="+pitKeepAlive, nil, &pit); err != nil {
		return fmt.Errorf("opensearch: open a point in time: %w", err)
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		e.do(closeCtx, http.MethodDelete, "/_search/point_in_time", dsl{"pit_id": []string{pit.PitID}}, nil)
	}()
	var stories map[string]bool
	if q.Collapse {
		stories = map[string]bool{}
	}
	var after []json.RawMessage
	for {
		body := dsl{
			"size": exportBatch, "_source": hitSource, "track_total_hits": false,
			"query": p.filtered(true),
			"sort":  sortOrder(p.q),
			"pit":   dsl{"id": pit.PitID, "keep_alive": pitKeepAlive},
		}
		if after != nil {
			body["search_after"] = after
		}
		var res searchResponse
		if err := e.do(ctx, http.MethodPost, "/_search", body, &res); err != nil {
			return searchError(err)
		}
		if res.PitID != "" {
			pit.PitID = res.PitID
		}
		hits := make([]corpus.Hit, 0, len(res.Hits.Hits))
		for _, h := range res.Hits.Hits {
			out := toHit(h, false)
			if stories != nil {
				if stories[out.Story] {
					continue
				}
				stories[out.Story] = true
			}
			hits = append(hits, out)
		}
		if err := e.countOutlets(ctx, hits); err != nil {
			return err
		}
		for _, h := range hits {
			if err := emit(h); err != nil {
				return err
			}
		}
		if len(res.Hits.Hits) < exportBatch {
			return nil
		}
		after = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
	}
}

// maxPersonCounts bounds the names PersonCounts reads.
const maxPersonCounts = 1 << 20

// PersonCounts returns how many articles name each person, for the name book
// that resolves bare surnames at ingest (at most maxPersonCounts names, read in
// pages of a composite aggregation).
func (e *Engine) PersonCounts() (map[string]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := e.ensure(ctx); err != nil {
		return nil, err
	}
	out := map[string]int{}
	var after dsl
	for len(out) < maxPersonCounts {
		comp := dsl{"size": 10000, "sources": []dsl{{"p": dsl{"terms": dsl{"field": fieldPersons}}}}}
		if after != nil {
			comp["after"] = after
		}
		var res searchResponse
		if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", dsl{"size": 0, "aggs": dsl{"persons": dsl{"composite": comp}}}, &res); err != nil {
			return nil, fmt.Errorf("opensearch: count persons: %w", err)
		}
		var aggs struct {
			Persons struct {
				AfterKey dsl `json:"after_key"`
				Buckets  []struct {
					Key      struct{ P string } `json:"key"`
					DocCount int                `json:"doc_count"`
				} `json:"buckets"`
			} `json:"persons"`
		}
		if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
			return nil, err
		}
		for _, b := range aggs.Persons.Buckets {
			out[b.Key.P] = b.DocCount
		}
		if len(aggs.Persons.Buckets) == 0 || aggs.Persons.AfterKey == nil {
			return out, nil
		}
		after = aggs.Persons.AfterKey
	}
	return out, nil
}

// renameBatch is how many articles one step of RenamePersons reads and rewrites.
const renameBatch = 500

// maxRenameTerms bounds the names one search of RenamePersons looks for.
const maxRenameTerms = 10000

// RenamePersons gives the stored articles that name a person under one of the
// names on the left of renames the name on the right instead ("" drops the
// name), as the Bleve engine does: only the articles holding a renamed name are
// read and written again (as updates, through Put), and the names moved are
// remembered (aliases.go). It returns how many changed.
func (e *Engine) RenamePersons(ctx context.Context, renames map[string]string) (int, error) {
	var froms []string
	for from, to := range renames {
		if from != to && from != "" {
			froms = append(froms, from)
		}
	}
	slices.Sort(froms)
	changed := 0
	moved := map[string]string{} // the names some article held
	for start := 0; start < len(froms); start += maxRenameTerms {
		names := froms[start:min(start+maxRenameTerms, len(froms))]
		var after []json.RawMessage
		for {
			body := dsl{
				"size":  renameBatch,
				"query": namingAny(names),
				"sort":  []any{dsl{fieldID: "asc"}},
			}
			if after != nil {
				body["search_after"] = after
			}
			var res searchResponse
			if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
				return changed, fmt.Errorf("opensearch: find the articles naming %d renamed people: %w", len(names), err)
			}
			var batch []corpus.Article
			for _, h := range res.Hits.Hits {
				a := h.Source.Article
				a.Persons = h.Source.extracted()
				for _, p := range a.Persons {
					if to, ok := renames[p]; ok && to != p && to != "" {
						moved[p] = to
					}
				}
				persons := corpus.RenamePersons(a.Persons, renames)
				if !slices.Equal(persons, a.Persons) {
					a.Persons = persons
					batch = append(batch, a)
				}
			}
			if len(batch) > 0 {
				if _, err := e.Put(ctx, batch); err != nil {
					return changed, err
				}
				changed += len(batch)
			}
			if len(res.Hits.Hits) < renameBatch {
				break
			}
			after = res.Hits.Hits[len(res.Hits.Hits)-1].Sort
		}
	}
	return changed, e.noteAliases(ctx, moved)
}
