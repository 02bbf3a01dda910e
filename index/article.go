package index

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/article-archive/archive/corpus"
)

// Article returns the stored article with the given ID, or a corpus.ENotFound error:
// one that says the record store is damaged when the index lists the article but
// its record is gone or cannot be read (then the archive is degraded: Health).
// The people edits in force apply to its persons.
func (ix *Index) Article(ctx context.Context, id string) (corpus.Article, error) {
	a, err := ix.storedArticle(ctx, id)
	if err != nil {
		return a, err
	}
	a.Persons = ix.layer().Apply(a.Persons)
	return a, nil
}

// storedArticle is Article as the record store holds it: with the persons
// extraction found, before the people edits.
func (ix *Index) storedArticle(ctx context.Context, id string) (corpus.Article, error) {
	if err := ctx.Err(); err != nil {
		return corpus.Article{}, err
	}
	rec, ok, err := ix.records.get(id)
	if err != nil {
		if ix.indexed(id) {
			return corpus.Article{}, ix.recordGone(id, err)
		}
		return corpus.Article{}, fmt.Errorf("index: load %s: %w", id, err)
	}
	if ok {
		a := rec.Article
		a.ID, a.Story = id, cmp.Or(a.Story, id)
		return a, nil
	}
	if ix.indexed(id) {
		return corpus.Article{}, ix.recordGone(id, nil)
	}
	return corpus.Article{}, ix.notFound(id)
}

// notFound is the corpus.ENotFound error for an ID the archive does not hold: it
// says when the article was deleted, if it was.
func (ix *Index) notFound(id string) error {
	if stone, ok := ix.records.tombstone(id); ok {
		return corpus.Errorf(corpus.ENotFound, "there is no article with id %q: it was deleted from the archive on %s (ingesting it with archive ingest --restore brings it back)", id, stone.DeletedAt.Format("2 Jan 2006 15:04 UTC"))
	}
	return corpus.Errorf(corpus.ENotFound, "there is no article with id %q: search for it instead", id)
}

// indexed tells whether the index holds a document with id.
func (ix *Index) indexed(id string) bool {
	doc, err := ix.bleve.Document(id)
	return err == nil && doc != nil
}

// Fields that indexes made before the record store stored, and only they.
const (
	legacyURL             = "url"
	legacyAuthors         = "authors"
	legacyPublishedSource = "published_source"
	legacySource          = "source"
	legacyIngestedAt      = "ingested_at"
)

// legacyArticle reads article id from the fields an index made before the
// record store stored (see migrate), or returns a corpus.ENotFound error.
func (ix *Index) legacyArticle(id string) (corpus.Article, error) {
	doc, err := ix.bleve.Document(id)
	if err != nil {
		return corpus.Article{}, fmt.Errorf("index: load %s: %w", id, err)
	}
	if doc == nil {
		return corpus.Article{}, corpus.Errorf(corpus.ENotFound, "there is no article with id %q: search for it instead", id)
	}
	a := corpus.Article{ID: id}
	doc.VisitFields(func(f bleveindex.Field) {
		switch f.Name() {
		case fieldTitle:
			a.Title = string(f.Value())
		case fieldBody:
			a.Body = string(f.Value())
		case legacyURL:
			a.URL = string(f.Value())
		case fieldOutlet:
			a.Outlet = string(f.Value())
		case fieldPersons:
			a.Persons = append(a.Persons, string(f.Value()))
		case legacyAuthors:
			a.Authors = append(a.Authors, string(f.Value()))
		case legacyPublishedSource:
			a.PublishedSource = string(f.Value())
		case legacySource:
			a.Source = string(f.Value())
		case fieldStory:
			a.Story = string(f.Value())
		case fieldPublished:
			a.Published = dateValue(f)
		case legacyIngestedAt:
			a.IngestedAt = dateValue(f)
		}
	})
	return a, nil
}

func dateValue(f bleveindex.Field) time.Time {
	if d, ok := f.(bleveindex.DateTimeField); ok {
		if t, _, err := d.DateTime(); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// PersonCounts returns every person in the index with the number of articles that
// name them. (The term dictionary cannot say: across segments its counts are not
// the articles', so the counts are a facet over every article.)
func (ix *Index) PersonCounts() (map[string]int, error) {
	dict, err := ix.bleve.FieldDict(fieldPersons)
	if err != nil {
		return nil, fmt.Errorf("index: list persons: %w", err)
	}
	distinct := 0
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, fmt.Errorf("index: list persons: %w", err)
		}
		if e == nil {
			break
		}
		distinct++
	}
	dict.Close()
	out := map[string]int{}
	if distinct == 0 {
		return out, nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 0, 0, false)
	// Browsing everything by date reads each segment's cached counts (see
	// collectAll) instead of stepping through every article.
	req.SortByCustom(sortOrder(corpus.Query{}))
	req.AddFacet(facetPerson, bleve.NewFacetRequest(fieldPersons, distinct))
	res, err := ix.search(context.Background(), req)
	if err != nil {
		return nil, fmt.Errorf("index: count persons: %w", err)
	}
	if fr := res.Facets[facetPerson]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			out[t.Term] = t.Count
		}
	}
	return out, nil
}
