package index

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// BareBleve is Bleve as a user without this archive would set it up: a plain
// mapping (one analyzed text field of title and body, keyword fields for the
// facets, a date), bleve.New, batches, and searches through the Go API with the
// same three facets and highlighting. It exists only so that "archive bench" can
// compare the archive with it; nothing else uses it. It shares no code with the
// rest of the package on purpose, so that what it measures is stock Bleve.
type BareBleve struct {
	idx bleve.Index
}

// Fields of the bare index.
const (
	bareText      = "text"
	bareTitle     = "title"
	bareOutlet    = "outlet"
	barePersons   = "persons"
	barePublished = "published"
	bareMonth     = "month"
)

// CreateBareBleve makes a new bare index in dir, which must not exist.
func CreateBareBleve(dir string) (*BareBleve, error) {
	doc := bleve.NewDocumentMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	doc.AddFieldMappingsAt(bareText, text)
	title := bleve.NewTextFieldMapping()
	title.Index = false
	title.IncludeInAll = false
	doc.AddFieldMappingsAt(bareTitle, title)
	for _, name := range []string{bareOutlet, barePersons, bareMonth} {
		k := bleve.NewKeywordFieldMapping()
		k.Analyzer = keyword.Name
		k.IncludeInAll = false
		doc.AddFieldMappingsAt(name, k)
	}
	date := bleve.NewDateTimeFieldMapping()
	date.IncludeInAll = false
	doc.AddFieldMappingsAt(barePublished, date)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultField = bareText
	m.DefaultAnalyzer = en.AnalyzerName
	idx, err := bleve.New(dir, m)
	if err != nil {
		return nil, fmt.Errorf("index: create bare bleve in %s: %w", dir, err)
	}
	return &BareBleve{idx: idx}, nil
}

// OpenBareBleve opens a bare index made by CreateBareBleve.
func OpenBareBleve(dir string) (*BareBleve, error) {
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("index: open bare bleve in %s: %w", dir, err)
	}
	return &BareBleve{idx: idx}, nil
}

// Close closes the index.
func (b *BareBleve) Close() error { return b.idx.Close() }

// Put indexes articles in one batch.
func (b *BareBleve) Put(articles []corpus.Article) error {
	batch := b.idx.NewBatch()
	for i := range articles {
		a := &articles[i]
		d := map[string]any{
			bareText:  a.Title + "\n" + a.Body,
			bareTitle: a.Title,
		}
		if a.Outlet != "" {
			d[bareOutlet] = a.Outlet
		}
		if len(a.Persons) > 0 {
			d[barePersons] = a.Persons
		}
		if !a.Published.IsZero() {
			d[barePublished] = a.Published.UTC()
			d[bareMonth] = a.Published.UTC().Format("2006-01")
		}
		if err := batch.Index(a.ID, d); err != nil {
			return fmt.Errorf("index: bare put %s: %w", a.ID, err)
		}
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("index: bare batch of %d: %w", len(articles), err)
	}
	return nil
}

// Search runs q the plain way: Bleve's query string syntax on the text field,
// conjunctive filters, the person, outlet and month facets, highlighting and the
// page's stored fields. It returns the number of hits.
func (b *BareBleve) Search(ctx context.Context, q corpus.Query) (uint64, error) {
	if err := q.Validate(); err != nil {
		return 0, err
	}
	var parts []query.Query
	if t := strings.TrimSpace(q.Text); t != "" {
		parts = append(parts, bleve.NewQueryStringQuery(t))
	}
	for _, p := range q.Persons {
		tq := bleve.NewTermQuery(p)
		tq.SetField(barePersons)
		parts = append(parts, tq)
	}
	if len(q.Outlets) > 0 {
		var any []query.Query
		for _, o := range q.Outlets {
			tq := bleve.NewTermQuery(o)
			tq.SetField(bareOutlet)
			any = append(any, tq)
		}
		parts = append(parts, bleve.NewDisjunctionQuery(any...))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		var from, to time.Time
		if !q.From.IsZero() {
			from = q.From
		}
		if !q.To.IsZero() {
			to = q.To
		}
		inclusive, exclusive := true, false
		dq := bleve.NewDateRangeInclusiveQuery(from, to, &inclusive, &exclusive)
		dq.SetField(barePublished)
		parts = append(parts, dq)
	}
	var bq query.Query
	switch len(parts) {
	case 0:
		bq = bleve.NewMatchAllQuery()
	case 1:
		bq = parts[0]
	default:
		bq = bleve.NewConjunctionQuery(parts...)
	}
	req := bleve.NewSearchRequestOptions(bq, q.Size, q.Offset(), false)
	req.Fields = []string{bareTitle, bareOutlet, barePublished, barePersons}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.AddField(bareText)
	switch q.Sort {
	case corpus.SortNewest:
		req.SortBy([]string{"-" + barePublished, "_id"})
	case corpus.SortOldest:
		req.SortBy([]string{barePublished, "_id"})
	}
	req.AddFacet("person", bleve.NewFacetRequest(barePersons, 15))
	req.AddFacet("outlet", bleve.NewFacetRequest(bareOutlet, 15))
	req.AddFacet("month", bleve.NewFacetRequest(bareMonth, 1200))
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("index: bare search: %w", err)
	}
	return res.Total, nil
}
