package index

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/article-archive/archive/corpus"
)

// Deep pages are reached with Bleve's SearchAfter: a page holds the sort values of
// its last hit, and the next page asks for the hits after them. The engine then
// keeps only a page's worth of hits in its queue, however deep the page, where
// From/Size keeps From+Size of them and is capped by corpus.MaxResultWindow.

// encodeCursor returns the cursor of the page after h. A score is written as the
// number (Bleve's sort value for it is a placeholder); dates are kept as their raw
// sort terms, which also covers the missing date of an undated hit.
func encodeCursor(h *search.DocumentMatch) string {
	b, _ := json.Marshal(afterValues(h)) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// afterValues are the SearchAfter values of the page after h.
func afterValues(h *search.DocumentMatch) []string {
	values := make([]string, len(h.Sort))
	for i, v := range h.Sort {
		if v == "_score" {
			v = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
		values[i] = v
	}
	return values
}

// decodeCursor reads q.After, or returns nil when there is none. It returns an
// EInvalidRequest error for a cursor that does not fit q's sort order.
func decodeCursor(q corpus.Query) ([]string, error) {
	if q.After == "" {
		return nil, nil
	}
	bad := corpus.Errorf(corpus.EInvalidRequest,
		"after=%q is not a cursor of this search: follow the next link of a results page, or drop after= to start from the first page", q.After)
	b, err := base64.RawURLEncoding.DecodeString(q.After)
	if err != nil {
		return nil, bad
	}
	var values []string
	if json.Unmarshal(b, &values) != nil {
		return nil, bad
	}
	order := sortOrder(q)
	if len(values) != len(order) {
		return nil, bad
	}
	for i, s := range order {
		if _, isScore := s.(*search.SortScore); isScore {
			if _, err := strconv.ParseFloat(values[i], 64); err != nil {
				return nil, bad
			}
		}
	}
	return values, nil
}
