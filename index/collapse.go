package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// Bleve has no field collapsing, so a collapsed search ranks a window of hits by
// story alone (no stored fields beyond the story, no highlighting), keeps the first
// hit of each story, and loads and highlights just the page's hits afterwards. The
// window grows until it holds the page or the results end.

// collapseWindow is the first window for a page at offset: room for each story
// of the page to have a few copies.
func collapseWindow(q corpus.Query, offset int) int {
	return min(corpus.MaxResultWindow, 4*(offset+q.Size)+20)
}

// collapse returns q's page of hits from offset with one hit per story, in rank
// order, loaded and highlighted, and the hit a next page continues after (nil on
// the last page). first is the answer to req, the window search.
//
// The cursor is the last hit before the next page's first story, so the copies of
// this page's stories ranked in between are not shown again. A page reached by a
// cursor also passes over the stories whose best copy ranks before the cursor:
// those were shown on an earlier page.
func (ix *Index) collapse(ctx context.Context, q corpus.Query, offset int, bq query.Query, req *bleve.SearchRequest, first *bleve.SearchResult) ([]*search.DocumentMatch, *search.DocumentMatch, error) {
	res := first
	var page []string
	var next *search.DocumentMatch
	best := map[string]string{} // story -> the ID of its best copy, for cursor pages
	for {
		page, next = page[:0], nil
		seen := map[string]bool{}
		for i, h := range res.Hits {
			story := stringField(h.Fields[fieldStory])
			if story == "" {
				story = h.ID
			}
			if seen[story] {
				continue
			}
			if req.SearchAfter != nil {
				shown, err := ix.shownBefore(ctx, bq, req, story, h.ID, best)
				if err != nil {
					return nil, nil, err
				}
				if shown {
					seen[story] = true
					continue
				}
			}
			if len(page) == offset+q.Size {
				next = res.Hits[i-1]
				break
			}
			seen[story] = true
			page = append(page, h.ID)
		}
		if next != nil || uint64(len(res.Hits)) >= res.Total || len(res.Hits) < req.Size || req.Size >= corpus.MaxResultWindow {
			break
		}
		more := *req
		more.Size = min(corpus.MaxResultWindow, 4*req.Size)
		more.Facets = nil
		req = &more
		var err error
		if res, err = ix.search(ctx, req); err != nil {
			return nil, nil, searchError(err)
		}
	}
	if offset >= len(page) {
		return nil, nil, nil
	}
	page = page[offset:min(len(page), offset+q.Size)]

	// Load the page's hits with their fields and snippets, in the window's order.
	// The query is needed only for where its terms are, to mark them: without
	// query text, a conjunction with it could step through every document.
	var pageQuery query.Query = query.NewDocIDQuery(page)
	if strings.TrimSpace(q.Text) != "" {
		pageQuery = query.NewConjunctionQuery([]query.Query{bq, pageQuery})
	}
	load := bleve.NewSearchRequestOptions(pageQuery, len(page), 0, false)
	load.Fields = pageFields
	requestSnippets(load, q)
	loaded, err := ix.search(ctx, load)
	if err != nil {
		return nil, nil, searchError(err)
	}
	byID := make(map[string]*search.DocumentMatch, len(loaded.Hits))
	for _, h := range loaded.Hits {
		byID[h.ID] = h
	}
	out := make([]*search.DocumentMatch, 0, len(page))
	for _, id := range page {
		if h := byID[id]; h != nil {
			out = append(out, h)
		}
	}
	return out, next, nil
}

// shownBefore tells whether story, met at hit id on a page after a cursor, was
// shown on an earlier page: its best copy under the search (bq in req's order)
// is another article, which ranks before the cursor since the page's search
// did not find it first.
func (ix *Index) shownBefore(ctx context.Context, bq query.Query, req *bleve.SearchRequest, story, id string, best map[string]string) (bool, error) {
	if b, ok := best[story]; ok {
		return b != id, nil
	}
	// The story term scores nothing, so the copies rank as they do in the search.
	inStory := query.NewTermQuery(story)
	inStory.SetField(fieldStory)
	inStory.SetBoost(0)
	r := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{bq, inStory}), 1, 0, false)
	r.Sort = req.Sort
	res, err := ix.bleve.SearchInContext(ctx, r)
	if err != nil {
		return false, searchError(err)
	}
	best[story] = id
	if len(res.Hits) > 0 {
		best[story] = res.Hits[0].ID
	}
	return best[story] != id, nil
}

// countOutlets sets each hit's AlsoIn: how many other outlets in the archive ran
// its story, each copy without an outlet counted as one. Each story of the page is one hit-less search counting the outlet
// facet of its copies.
func (ix *Index) countOutlets(ctx context.Context, hits []corpus.Hit) error {
	outlets := map[string]map[string]bool{}
	unnamed := map[string]int{}
	for _, h := range hits {
		if _, done := outlets[h.Story]; done {
			continue
		}
		req := bleve.NewSearchRequestOptions(termQuery(fieldStory, h.Story), 0, 0, false)
		req.AddFacet(facetOutlet, bleve.NewFacetRequest(fieldOutlet, storyOutletsMax))
		res, err := ix.search(ctx, req)
		if err != nil {
			return fmt.Errorf("index: count copies: %w", err)
		}
		set := map[string]bool{}
		if fr := res.Facets[facetOutlet]; fr != nil {
			if fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					set[t.Term] = true
				}
			}
			// Each copy without an outlet counts as an outlet of its own.
			unnamed[h.Story] = fr.Missing
		}
		outlets[h.Story] = set
	}
	for i := range hits {
		set := outlets[hits[i].Story]
		n := len(set) + unnamed[hits[i].Story]
		if set[hits[i].Outlet] || hits[i].Outlet == "" {
			n-- // the hit's own outlet
		}
		hits[i].AlsoIn = max(0, n)
	}
	return nil
}

// storyOutletsMax bounds the outlets counted for one story; it only guards
// against a pathological group.
const storyOutletsMax = 1000
