package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/article-archive/archive/corpus"
)

// renameBatch is how many articles one step of RenamePersons rewrites.
const renameBatch = 500

// RenamePersons gives the stored articles that name a person under one of the
// names on the left of renames the name on the right instead ("" drops the name:
// it was a company's). It is how the archive follows, retroactively, what it
// learns later: once "Ronald Reagan" is the name the archive singles out, the
// earlier articles that only said "Reagan" show, filter, count and export as
// Ronald Reagan. Only the articles holding a renamed name are read and written
// again (as updates, through Put), so it costs nothing when there is nothing to
// rename. The names it moved are remembered as the aliases of the names they
// became (the person page lists them, and a page asked for under one leads to
// the person). It returns how many articles changed.
func (ix *Index) RenamePersons(ctx context.Context, renames map[string]string) (int, error) {
	froms := make([]string, 0, len(renames))
	for from, to := range renames {
		if from != to && from != "" {
			froms = append(froms, from)
		}
	}
	slices.Sort(froms)
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return 0, err
	}
	reader, err := adv.Reader()
	if err != nil {
		return 0, fmt.Errorf("index: open a reader: %w", err)
	}
	res := resolver{ctx: ctx, r: reader}
	var held []string
	for _, from := range froms {
		n, err := res.count(fieldPersons, from)
		if err != nil {
			reader.Close()
			return 0, err
		}
		if n > 0 {
			held = append(held, from)
		}
	}
	reader.Close()

	changed := 0
	for _, from := range held {
		ids, err := ix.idsWithPerson(ctx, from)
		if err != nil {
			return changed, err
		}
		for start := 0; start < len(ids); start += renameBatch {
			var batch []corpus.Article
			for _, id := range ids[start:min(start+renameBatch, len(ids))] {
				a, err := ix.storedArticle(ctx, id)
				if err != nil {
					return changed, err
				}
				persons := corpus.RenamePersons(a.Persons, renames)
				if slices.Equal(persons, a.Persons) {
					continue
				}
				a.Persons = persons
				batch = append(batch, a)
			}
			if len(batch) == 0 {
				continue
			}
			if _, err := ix.Put(ctx, batch); err != nil {
				return changed, err
			}
			changed += len(batch)
		}
		ix.log.Info("renamed a person in the articles that named them", "from", from, "to", renames[from])
	}
	if err := ix.records.noteAliases(held, renames); err != nil {
		return changed, err
	}
	return changed, nil
}

// idsWithPerson returns the IDs of the articles that name the person exactly.
func (ix *Index) idsWithPerson(ctx context.Context, name string) ([]string, error) {
	var ids []string
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(termQuery(fieldPersons, name), 1000, 0, false)
		req.SortByCustom(search.SortOrder{&search.SortDocID{}})
		req.SearchAfter = after
		res, err := ix.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("index: find the articles naming %q: %w", name, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < 1000 {
			return ids, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}
