package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of the indexed document. Search fields are what the query syntax
// names (see fieldAliases); keyword fields carry exact values for filters and facets.
const (
	fieldTitle           = "title"
	fieldBody            = "body"
	fieldURL             = "url"
	fieldOutlet          = "outlet"      // keyword: filters and the outlet facet
	fieldOutletText      = "outlet_text" // analyzed: `outlet:ledger` in a query
	fieldPersons         = "persons"     // keyword: filters and the person facet
	fieldPersonText      = "person_text" // analyzed: `person:trump` in a query
	fieldAuthors         = "authors"
	fieldAuthorText      = "author_text" // analyzed: `author:ruiz` in a query
	fieldPublished       = "published"
	fieldPublishedMonth  = "published_month" // keyword "2024-11": the date facet's first pass
	fieldPublishedSource = "published_source"
	fieldSource          = "source"
	fieldIngestedAt      = "ingested_at"
	fieldFingerprint     = "fingerprint" // stored only: see Put
	fieldStory           = "story"       // keyword: the story an article is a copy of
)

// newMapping is the index's explicit mapping: nothing is indexed that is not named
// here, and Bleve's composite _all field is off, because it serves neither phrase
// queries nor highlighting. Free text is searched through title and body instead.
func newMapping() mapping.IndexMapping {
	text := func(name string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = en.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = true // phrases and highlighting
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keywordField := func(name string, store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Name = name
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	searchable := func(name string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = standard.Name
		f.Store = false
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	storedOnly := func(name string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	date := func(name string, docValues bool) *mapping.FieldMapping {
		f := bleve.NewDateTimeFieldMapping()
		f.Name = name
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	// The record store keeps the text; see text.go.
	doc.AddFieldMappingsAt(fieldTitle, text(fieldTitle, false))
	doc.AddFieldMappingsAt(fieldBody, text(fieldBody, false))
	doc.AddFieldMappingsAt(fieldURL, keywordField(fieldURL, true))
	doc.AddFieldMappingsAt(fieldOutlet, keywordField(fieldOutlet, true), searchable(fieldOutletText))
	doc.AddFieldMappingsAt(fieldPersons, keywordField(fieldPersons, true), searchable(fieldPersonText))
	doc.AddFieldMappingsAt(fieldAuthors, storedOnly(fieldAuthors), searchable(fieldAuthorText))
	doc.AddFieldMappingsAt(fieldPublished, date(fieldPublished, true))
	doc.AddFieldMappingsAt(fieldPublishedMonth, keywordField(fieldPublishedMonth, false))
	doc.AddFieldMappingsAt(fieldPublishedSource, storedOnly(fieldPublishedSource))
	doc.AddFieldMappingsAt(fieldSource, storedOnly(fieldSource))
	doc.AddFieldMappingsAt(fieldIngestedAt, date(fieldIngestedAt, false))
	doc.AddFieldMappingsAt(fieldFingerprint, storedOnly(fieldFingerprint))
	doc.AddFieldMappingsAt(fieldStory, keywordField(fieldStory, true))

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.DefaultField = fieldBody
	return m
}
