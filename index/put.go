package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// Each article carries its corpus.Fingerprint in a stored field, so that telling a
// re-ingested article from an update costs one lookup per batch. (Bleve's internal
// key-value space would be simpler, but scorch rewrites all of it on every persist.)

// Put stores articles in one batch: all of it is written or none. It reports for
// each article whether it was new, updated, or unchanged (then it is not rewritten).
// Articles must carry an ID (corpus.Article.AssignID). Later copies of an ID within
// the same call win.
func (ix *Index) Put(ctx context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	outcomes := make([]corpus.Outcome, len(articles))
	batch := ix.bleve.NewBatch()
	stored, err := ix.fingerprints(ctx, articles)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]string, len(articles)) // id -> fingerprint in this batch
	var write []*corpus.Article                    // the new and updated articles
	var fingerprints []string
	for i := range articles {
		a := &articles[i]
		if a.ID == "" {
			return nil, fmt.Errorf("index: put %s: article has no ID", a.Source)
		}
		fp := a.Fingerprint()
		old, inBatch := seen[a.ID]
		if !inBatch {
			old = stored[a.ID]
		}
		switch {
		case old == fp:
			outcomes[i] = corpus.Unchanged
			continue
		case old == "":
			outcomes[i] = corpus.Indexed
		default:
			outcomes[i] = corpus.Updated
		}
		seen[a.ID] = fp
		write = append(write, a)
		fingerprints = append(fingerprints, fp)
	}
	if len(write) == 0 {
		return outcomes, nil
	}
	sigs, err := ix.assignStories(ctx, write)
	if err != nil {
		return nil, err
	}
	for i, a := range write {
		d := document(a, fingerprints[i])
		addStoryFields(d, a.Story, sigs[i])
		if err := batch.Index(a.ID, d); err != nil {
			return nil, fmt.Errorf("index: put %s: %w", a.ID, err)
		}
	}
	start := time.Now()
	if err := ix.bleve.Batch(batch); err != nil {
		return nil, fmt.Errorf("index: write batch of %d: %w", len(articles), err)
	}
	ix.log.Debug("batch written", "articles", len(articles), "took", time.Since(start))
	return outcomes, nil
}

// document is the indexed form of an article: a map, so that exactly the mapped
// fields reach Bleve.
func document(a *corpus.Article, fingerprint string) map[string]any {
	d := map[string]any{
		fieldFingerprint: fingerprint,
		fieldTitle:       a.Title,
		fieldBody:        a.Body,
		fieldSource:      a.Source,
	}
	if a.URL != "" {
		d[fieldURL] = a.URL
	}
	if a.Outlet != "" {
		d[fieldOutlet] = a.Outlet
	}
	if len(a.Persons) > 0 {
		d[fieldPersons] = a.Persons
	}
	if len(a.Authors) > 0 {
		d[fieldAuthors] = a.Authors
	}
	if !a.Published.IsZero() {
		d[fieldPublished] = a.Published.UTC()
		d[fieldPublishedMonth] = corpus.Month.Key(a.Published.UTC())
		d[fieldPublishedSource] = a.PublishedSource
	}
	if !a.IngestedAt.IsZero() {
		d[fieldIngestedAt] = a.IngestedAt.UTC()
	}
	return d
}

// fingerprints returns the stored fingerprints of the articles' IDs that are in the
// index already, with one search.
func (ix *Index) fingerprints(ctx context.Context, articles []corpus.Article) (map[string]string, error) {
	ids := make([]string, 0, len(articles))
	for _, a := range articles {
		ids = append(ids, a.ID)
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{fieldFingerprint}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: look up %d articles: %w", len(ids), err)
	}
	out := make(map[string]string, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = stringField(h.Fields[fieldFingerprint])
	}
	return out, nil
}
