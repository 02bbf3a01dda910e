package index

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of the indexed document. Search fields are what the query syntax
// names (see fieldAliases); keyword fields carry exact values for filters and facets.
const (
	fieldTitle          = "title"
	fieldBody           = "body"
	fieldURL            = "url"         // from the record store only (see text.go)
	fieldOutlet         = "outlet"      // keyword: filters and the outlet facet
	fieldOutletText     = "outlet_text" // analyzed: `outlet:ledger` in a query
	fieldPersons        = "persons"     // keyword: filters and the person facet
	fieldPersonText     = "person_text" // analyzed: `person:trump` in a query
	fieldAuthors        = "authors"
	fieldAuthorText     = "author_text" // analyzed: `author:ruiz` in a query
	fieldPublished      = "published"
	fieldPublishedMonth = "published_month" // keyword "2024-11": the date facet's first pass
	fieldStory          = "story"           // keyword: the story an article is a copy of
	fieldArrived        = "arrived"         // date: when the article arrived (corpus.Article.ArrivedAt)
)

// fieldAnalyzers names the analyzer of the name fields: names are lowercased
// words, never stemmed ("James" is "james", not "jame"). Queries analyze their
// words for these fields with the same analyzer (analyze in compile.go): a
// field set inside another property (persons → person_text) is not found by its
// path in the mapping, which would give the default English analyzer instead.
var fieldAnalyzers = map[string]string{
	fieldPersonText: standard.Name,
	fieldOutletText: standard.Name,
	fieldAuthorText: standard.Name,
}

// newMapping is the index's explicit mapping: nothing is indexed that is not named
// here, and Bleve's composite _all field is off, because it serves neither phrase
// queries nor highlighting. Free text is searched through title and body instead.
//
// The index stores nothing but the story: the record store holds every article
// whole, and a page of results reads its hits from there (text.go), so a second
// copy in the index would only make it larger and slower to write and merge.
// The story is kept because a collapsed search reads it for a window of hits.
func newMapping() mapping.IndexMapping {
	text := func(name string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = en.AnalyzerName
		f.Store = false
		f.IncludeTermVectors = true // phrases and highlighting
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keywordField := func(name string, docValues, store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Name = name
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	searchable := func(name string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = fieldAnalyzers[name]
		f.Store = false
		f.IncludeTermVectors = true // person:"Jane Doe" is a phrase
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Name = fieldPublished
	date.Store = false
	date.IncludeInAll = false
	date.DocValues = true // the columns read it (columns.go)

	arrived := bleve.NewDateTimeFieldMapping()
	arrived.Name = fieldArrived
	arrived.Store = false
	arrived.IncludeInAll = false
	arrived.DocValues = true // the columns read it (columns.go)

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(fieldTitle))
	doc.AddFieldMappingsAt(fieldBody, text(fieldBody))
	doc.AddFieldMappingsAt(fieldOutlet, keywordField(fieldOutlet, true, false), searchable(fieldOutletText))
	doc.AddFieldMappingsAt(fieldPersons, keywordField(fieldPersons, true, false), searchable(fieldPersonText))
	doc.AddFieldMappingsAt(fieldAuthors, searchable(fieldAuthorText))
	doc.AddFieldMappingsAt(fieldPublished, date)
	doc.AddFieldMappingsAt(fieldPublishedMonth, keywordField(fieldPublishedMonth, false, false))
	doc.AddFieldMappingsAt(fieldStory, keywordField(fieldStory, false, true))
	doc.AddFieldMappingsAt(fieldArrived, arrived)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.DefaultField = fieldBody
	return m
}

// upgradeMapping gives an index made before a field was added to newMapping the
// current mapping, so that the articles written from now on have the new field
// (the arrival time, say); those it holds already lack it until a reindex. Bleve
// keeps an index's mapping inside it and offers no way to add a field, so the
// mapping is replaced where Bleve keeps it, and the index opened again. Fields
// are only ever added: a changed analyzer would need a rebuild instead.
func upgradeMapping(b bleve.Index, path string, timeout time.Duration, log *slog.Logger) (bleve.Index, error) {
	stored, ok := b.Mapping().(*mapping.IndexMappingImpl)
	want := newMapping().(*mapping.IndexMappingImpl)
	if !ok || stored.DefaultMapping == nil {
		return b, nil
	}
	var missing []string
	for name := range want.DefaultMapping.Properties {
		if _, has := stored.DefaultMapping.Properties[name]; !has {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return b, nil
	}
	data, err := json.Marshal(want)
	if err != nil {
		return nil, fmt.Errorf("index: encode the mapping: %w", err)
	}
	if err := setInternalDurably(b, mappingKey, data); err != nil {
		b.Close()
		return nil, fmt.Errorf("index: add the fields %v to the mapping of %s: %w", missing, path, err)
	}
	if err := b.Close(); err != nil {
		return nil, fmt.Errorf("index: close %s: %w", path, err)
	}
	log.Info("the index's mapping gained fields; the articles it holds get them at the next 'archive reindex'", "fields", missing)
	return openBleve(path, true, timeout, true)
}

// mappingKey is where Bleve keeps an index's mapping among its internal values.
var mappingKey = []byte("_mapping")

// setInternalDurably sets an internal value of b and waits until Bleve has
// written it to disk: Close does not wait for the last batch to persist.
func setInternalDurably(b bleve.Index, key, val []byte) error {
	batch := b.NewBatch()
	batch.SetInternal(key, val)
	persisted := make(chan error, 1)
	batch.SetPersistedCallback(func(err error) { persisted <- err })
	if err := b.Batch(batch); err != nil {
		return err
	}
	select {
	case err := <-persisted:
		return err
	case <-time.After(time.Minute):
		return fmt.Errorf("index: the index did not reach the disk within a minute")
	}
}
