package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/article-archive/archive/corpus"
)

// bareOpenSearch is OpenSearch as a user without this archive would set it up:
// an index with a minimal mapping of the fields the archive's engine indexes
// (title and body as english text, outlet and persons as keywords, the
// published date), loaded with _bulk, and searched with the query DSL straight
// over HTTP: a simple_query_string on title^2 and body, term filters, the person
// and outlet terms aggregations and a monthly date histogram, and highlighting.
// It is the counterpart of bare Bleve (index.BareBleve). It speaks plain JSON
// over net/http, so that what it measures is the cluster and nothing of ours.
type bareOpenSearch struct {
	urls   []string
	index  string
	client *http.Client
	next   atomic.Uint64 // round robin over urls
}

// bareBulkDocs is how many documents one _bulk request carries.
const bareBulkDocs = 1000

// bareBulkWorkers is how many _bulk requests are in flight at once: one per core
// of this machine, as the usual advice for a bulk load goes.
const bareBulkWorkers = 2

func newBareOpenSearch(urls []string, index string, clients int) *bareOpenSearch {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(clients, bareBulkWorkers) + 1
	return &bareOpenSearch{urls: urls, index: index, client: &http.Client{Transport: tr, Timeout: 5 * time.Minute}}
}

// statusError is an answer of the cluster other than 2xx.
type statusError struct {
	Status int
	Body   string
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d: %.300s", e.Status, e.Body) }

// do sends a request to the next node and decodes the answer into out when it is
// not nil. A 429 (the cluster pushing back on a bulk load) is sent again after a
// pause, up to ten times.
func (o *bareOpenSearch) do(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	for attempt := 0; ; attempt++ {
		base := o.urls[o.next.Add(1)%uint64(len(o.urls))]
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		if body != nil {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := o.client.Do(req)
		if err != nil {
			return err
		}
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode == http.StatusTooManyRequests && attempt < 10 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt+1) * 500 * time.Millisecond):
			}
			continue
		}
		if res.StatusCode/100 != 2 {
			return &statusError{Status: res.StatusCode, Body: string(data)}
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(data, out)
	}
}

func (o *bareOpenSearch) doJSON(ctx context.Context, method, path string, body, out any) error {
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return err
		}
	}
	return o.do(ctx, method, path, "application/json", data, out)
}

// create makes the index with the minimal mapping; it fails when it exists.
func (o *bareOpenSearch) create(ctx context.Context, shards, replicas int) error {
	text := map[string]any{"type": "text", "analyzer": "english"}
	body := map[string]any{
		"settings": map[string]any{"number_of_shards": shards, "number_of_replicas": replicas},
		"mappings": map[string]any{
			"dynamic": false,
			"properties": map[string]any{
				"title":     text,
				"body":      text,
				"outlet":    map[string]any{"type": "keyword"},
				"persons":   map[string]any{"type": "keyword"},
				"published": map[string]any{"type": "date"},
			},
		},
	}
	if err := o.doJSON(ctx, http.MethodPut, "/"+o.index, body, nil); err != nil {
		return fmt.Errorf("bench: create the bare OpenSearch index %s: %w", o.index, err)
	}
	return nil
}

// drop deletes the index; one that is not there is no error.
func (o *bareOpenSearch) drop(ctx context.Context) error {
	err := o.doJSON(ctx, http.MethodDelete, "/"+o.index, nil, nil)
	if se, ok := errors.AsType[*statusError](err); ok && se.Status == http.StatusNotFound {
		return nil
	}
	return err
}

// indexesNamed lists the indexes whose names match pattern (a wildcard).
func (o *bareOpenSearch) indexesNamed(ctx context.Context, pattern string) ([]string, error) {
	var rows []struct {
		Index string `json:"index"`
	}
	if err := o.doJSON(ctx, http.MethodGet, "/_cat/indices/"+pattern+"?format=json&h=index&expand_wildcards=all", nil, &rows); err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Index)
	}
	return out, nil
}

// bareDocument is an article as the bare index holds it.
type bareDocument struct {
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Outlet    string    `json:"outlet,omitempty"`
	Persons   []string  `json:"persons,omitempty"`
	Published time.Time `json:"published,omitzero"`
}

// load sends extracted.jsonl to the index with _bulk, bareBulkDocs articles a
// request and bareBulkWorkers requests at once, then refreshes it. It returns how
// many articles the cluster took; a refused article fails the load, naming it.
func (o *bareOpenSearch) load(ctx context.Context, extracted string, progress func(int64, bool)) (int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	bodies := make(chan []byte, bareBulkWorkers)
	var loaded atomic.Int64
	var wg sync.WaitGroup
	for range bareBulkWorkers {
		wg.Go(func() {
			for body := range bodies {
				n, err := o.bulk(ctx, body)
				if err != nil {
					cancel(err)
					continue // drain, so that the reader never blocks
				}
				progress(loaded.Add(int64(n)), false)
			}
		})
	}
	var buf bytes.Buffer
	docs := 0
	send := func() error {
		if docs == 0 {
			return nil
		}
		select {
		case bodies <- bytes.Clone(buf.Bytes()):
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		buf.Reset()
		docs = 0
		return nil
	}
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := readExtracted(extracted, func(a extractedArticle) error {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		if err := enc.Encode(map[string]any{"index": map[string]string{"_index": o.index, "_id": a.ID}}); err != nil {
			return err
		}
		if err := enc.Encode(bareDocument{Title: a.Title, Body: a.Body, Outlet: a.Outlet, Persons: a.Persons, Published: a.Published}); err != nil {
			return err
		}
		if docs++; docs == bareBulkDocs {
			return send()
		}
		return nil
	})
	if err == nil {
		err = send()
	}
	close(bodies)
	wg.Wait()
	progress(loaded.Load(), true)
	if cause := context.Cause(ctx); err == nil && cause != nil {
		err = cause
	}
	if err != nil {
		return int(loaded.Load()), fmt.Errorf("bench: bulk load into %s: %w", o.index, err)
	}
	if err := o.doJSON(ctx, http.MethodPost, "/"+o.index+"/_refresh", nil, nil); err != nil {
		return int(loaded.Load()), fmt.Errorf("bench: refresh %s: %w", o.index, err)
	}
	return int(loaded.Load()), nil
}

// bulk sends one _bulk body and returns how many documents it indexed.
func (o *bareOpenSearch) bulk(ctx context.Context, body []byte) (int, error) {
	var res struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			ID     string          `json:"_id"`
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"items"`
	}
	if err := o.do(ctx, http.MethodPost, "/_bulk", "application/x-ndjson", body, &res); err != nil {
		return 0, err
	}
	if res.Errors {
		for _, item := range res.Items {
			for _, r := range item {
				if r.Status/100 != 2 {
					return 0, fmt.Errorf("the cluster refused article %s (HTTP %d): %s", r.ID, r.Status, r.Error)
				}
			}
		}
	}
	return len(res.Items), nil
}

// search runs q the plain way and returns how many articles matched.
func (o *bareOpenSearch) search(ctx context.Context, _ int, bq Query) (uint64, error) {
	q := bq.Query
	if err := q.Validate(); err != nil {
		return 0, err
	}
	var must, filter []any
	if t := strings.TrimSpace(q.Text); t != "" {
		op := "and"
		if q.Op == corpus.OpOr {
			op = "or"
		}
		must = append(must, map[string]any{"simple_query_string": map[string]any{
			"query": t, "fields": []string{"title^2", "body"}, "default_operator": op}})
	}
	for _, p := range q.Persons {
		filter = append(filter, map[string]any{"term": map[string]any{"persons": p}})
	}
	if len(q.Outlets) > 0 {
		filter = append(filter, map[string]any{"terms": map[string]any{"outlet": q.Outlets}})
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		r := map[string]any{}
		if !q.From.IsZero() {
			r["gte"] = q.From.UTC().Format(time.RFC3339)
		}
		if !q.To.IsZero() {
			r["lt"] = q.To.UTC().Format(time.RFC3339)
		}
		filter = append(filter, map[string]any{"range": map[string]any{"published": r}})
	}
	query := map[string]any{"match_all": map[string]any{}}
	if len(must)+len(filter) > 0 {
		b := map[string]any{}
		if len(must) > 0 {
			b["must"] = must
		}
		if len(filter) > 0 {
			b["filter"] = filter
		}
		query = map[string]any{"bool": b}
	}
	body := map[string]any{
		"query":            query,
		"from":             q.Offset(),
		"size":             q.Size,
		"track_total_hits": true,
		"_source":          []string{"title", "outlet", "published", "persons"},
		"highlight":        map[string]any{"fields": map[string]any{"body": map[string]any{}}},
		"aggs": map[string]any{
			"person": map[string]any{"terms": map[string]any{"field": "persons", "size": 15}},
			"outlet": map[string]any{"terms": map[string]any{"field": "outlet", "size": 15}},
			"month":  map[string]any{"date_histogram": map[string]any{"field": "published", "calendar_interval": "month", "min_doc_count": 1}},
		},
	}
	switch q.Sort {
	case corpus.SortNewest:
		body["sort"] = []any{map[string]any{"published": "desc"}}
	case corpus.SortOldest:
		body["sort"] = []any{map[string]any{"published": "asc"}}
	}
	var res struct {
		Hits struct {
			Total struct {
				Value uint64 `json:"value"`
			} `json:"total"`
		} `json:"hits"`
	}
	if err := o.doJSON(ctx, http.MethodPost, "/"+o.index+"/_search", body, &res); err != nil {
		return 0, err
	}
	return res.Hits.Total.Value, nil
}
