package index

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	blevedoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// Bleve indexes articles but stores none of what a page shows: the record store
// holds every article whole, and keeping a second copy in the index made it half
// again as large. A search reads its page's hits from the record store, and
// Bleve's highlighter is given their text with the match locations the search
// found.

// isRecordField tells whether the value of field f comes from the record store.
func isRecordField(f string) bool {
	switch f {
	case fieldTitle, fieldBody, fieldURL, fieldOutlet, fieldPersons, fieldAuthors, fieldPublished:
		return true
	}
	return false
}

// recordRequest splits off what the record store answers from req: it returns a
// copy of req that asks Bleve for the other fields and, where terms are to be
// marked, for their locations; the record fields req asked for; and its highlight.
func recordRequest(req *bleve.SearchRequest) (*bleve.SearchRequest, []string, *bleve.HighlightRequest) {
	var text []string
	for _, f := range req.Fields {
		if isRecordField(f) {
			text = append(text, f)
		}
	}
	if len(text) == 0 && req.Highlight == nil {
		return req, nil, nil
	}
	r := *req
	r.Fields = slices.DeleteFunc(slices.Clone(req.Fields), isRecordField)
	r.Highlight = nil
	return &r, text, req.Highlight
}

// marks tells whether a search for q has terms to mark.
func marks(q query.Query, hl *bleve.HighlightRequest) bool {
	_, all := q.(*query.MatchAllQuery)
	return hl != nil && !all
}

// addRecordFields sets the fields of hits that the record store holds, and
// their marked snippets.
func (ix *Index) addRecordFields(hits []*search.DocumentMatch, fields []string, hl *bleve.HighlightRequest) error {
	if len(hits) == 0 || (len(fields) == 0 && hl == nil) {
		return nil
	}
	var highlighter highlight.Highlighter
	if hl != nil {
		style := highlighterName
		if hl.Style != nil {
			style = *hl.Style
		}
		h, err := bleve.Config.Cache.HighlighterNamed(style)
		if err != nil {
			return fmt.Errorf("index: highlighter %s: %w", style, err)
		}
		highlighter = h
	}
	for _, h := range hits {
		a, err := ix.record(h.ID)
		if err != nil {
			return err
		}
		for _, f := range fields {
			if h.Fields == nil {
				h.Fields = map[string]any{}
			}
			h.Fields[f] = fieldValue(a, f)
		}
		if highlighter == nil || len(h.Locations) == 0 {
			continue
		}
		doc := blevedoc.NewDocument(h.ID)
		doc.AddField(blevedoc.NewTextField(fieldTitle, nil, []byte(a.Title)))
		doc.AddField(blevedoc.NewTextField(fieldBody, nil, []byte(a.Body)))
		for _, f := range hl.Fields {
			highlighter.BestFragmentsInField(h, doc, f, 1)
		}
	}
	return nil
}

// fieldValue is field f of a in the form Bleve gives stored fields: a string, a
// list of strings, a date in RFC 3339.
func fieldValue(a corpus.Article, f string) any {
	switch f {
	case fieldTitle:
		return a.Title
	case fieldBody:
		return a.Body
	case fieldURL:
		return a.URL
	case fieldOutlet:
		return a.Outlet
	case fieldPersons, fieldAuthors:
		names := a.Persons
		if f == fieldAuthors {
			names = a.Authors
		}
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = n
		}
		return out
	case fieldPublished:
		if a.Published.IsZero() {
			return nil
		}
		return a.Published.UTC().Format(time.RFC3339Nano)
	}
	return nil
}

// lostTitle stands for the title of a hit whose record is lost, so that a damaged
// archive never shows one as if it were an article without a title.
const lostTitle = "[record lost: the record store is damaged]"

// record returns article id, a hit of a search, from the record store. A hit whose
// record is gone or cannot be read (it cannot happen short of damage) shows as
// lostTitle, and the archive is degraded.
func (ix *Index) record(id string) (corpus.Article, error) {
	rec, ok, err := ix.records.get(id)
	if err != nil || !ok {
		ix.recordGone(id, err)
		return corpus.Article{ID: id, Title: lostTitle}, nil
	}
	a := rec.Article
	a.Persons = ix.layer().Apply(a.Persons)
	return a, nil
}

// searchBleve runs req on Bleve's own collector, with the record fields and
// snippets from the record store.
func (ix *Index) searchBleve(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	r, fields, hl := recordRequest(req)
	r.IncludeLocations = r.IncludeLocations || marks(r.Query, hl)
	res, err := ix.bleve.SearchInContext(ctx, r)
	if err != nil {
		return nil, err
	}
	res.Request = req
	if err := ix.addRecordFields(res.Hits, fields, hl); err != nil {
		return nil, err
	}
	return res, nil
}
