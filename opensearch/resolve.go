package opensearch

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/article-archive/archive/corpus"
)

// suggestionsPerFilter is how many values a filter that matches nothing suggests.
const suggestionsPerFilter = 5

// suggestScan bounds the values (most frequent first) a filter that matches
// nothing is compared with for suggestions.
const suggestScan = 10000

// resolveFilters makes p's person and outlet filters match values of the archive
// without regard to case, accents, spacing and punctuation, as the Bleve engine
// does: a value the archive holds stays; one that matches archive values once
// folded (corpus.Fold) is replaced by them (the most frequent, for a person; every
// one, for an outlet or an exclusion); one that matches none is kept, to match
// nothing, and gets the nearest values as suggestions.
func (e *Engine) resolveFilters(ctx context.Context, p *prepared) error {
	q := &p.q
	lists := []struct {
		param, field, fold string
		values             *[]string
		many               bool
	}{
		{"person", fieldPersons, fieldPersonsFold, &q.Persons, false},
		{"not_person", fieldPersons, fieldPersonsFold, &q.NotPersons, true},
		{"outlet", fieldOutlet, fieldOutletFold, &q.Outlets, true},
		{"not_outlet", fieldOutlet, fieldOutletFold, &q.NotOutlets, true},
	}
	aggs := dsl{}
	for li, l := range lists {
		for vi, v := range *l.values {
			aggs[fmt.Sprintf("x%d_%d", li, vi)] = dsl{"filter": dsl{"term": dsl{l.field: v}}}
			aggs[fmt.Sprintf("f%d_%d", li, vi)] = dsl{"filter": dsl{"term": dsl{l.fold: corpus.Fold(v)}},
				"aggs": dsl{"values": dsl{"terms": dsl{"field": l.field, "size": 100}}}}
		}
	}
	if len(aggs) == 0 {
		return nil
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", dsl{"size": 0, "aggs": aggs}, &res); err != nil {
		return fmt.Errorf("opensearch: resolve filters: %w", err)
	}
	var got map[string]struct {
		DocCount int      `json:"doc_count"`
		Values   termsAgg `json:"values"`
	}
	if err := json.Unmarshal(res.Aggregations, &got); err != nil {
		return fmt.Errorf("opensearch: read filters: %w", err)
	}
	for li, l := range lists {
		out := make([]string, 0, len(*l.values))
		for vi, v := range *l.values {
			if got[fmt.Sprintf("x%d_%d", li, vi)].DocCount > 0 {
				out = append(out, v)
				continue
			}
			want := corpus.Fold(v)
			var same []string
			for _, b := range got[fmt.Sprintf("f%d_%d", li, vi)].Values.Buckets {
				if s, _ := b.Key.(string); corpus.Fold(s) == want {
					same = append(same, s) // buckets come most frequent first
				}
			}
			if len(same) == 0 && l.field == fieldPersons {
				// A name the name book moved reads as the person it became.
				to, err := e.readAs(ctx, v)
				if err != nil {
					return err
				}
				if to != "" {
					out = append(out, to)
					p.notices = append(p.notices, fmt.Sprintf("person %q is read as %q (the archive reads the name so)", v, to))
					continue
				}
			}
			switch {
			case len(same) == 0:
				out = append(out, v)
				near, err := e.nearValues(ctx, l.field, want)
				if err != nil {
					return err
				}
				p.suggestions = append(p.suggestions, corpus.Suggestion{Param: l.param, Value: v, DidYouMean: near})
			case l.many:
				out = append(out, same...)
				quoted := make([]string, len(same))
				for i, s := range same {
					quoted[i] = fmt.Sprintf("%q", s)
				}
				p.notices = append(p.notices, fmt.Sprintf("%s %q is read as %s", l.param, v, strings.Join(quoted, " or ")))
			default:
				out = append(out, same[0])
				p.notices = append(p.notices, fmt.Sprintf("%s %q is read as %q", l.param, v, same[0]))
			}
		}
		*l.values = slices.Compact(out)
	}
	return nil
}

// nearValues returns the values of field nearest to a folded value, best first
// (corpus.NameDistance), among the suggestScan most frequent.
func (e *Engine) nearValues(ctx context.Context, field, want string) ([]string, error) {
	var res searchResponse
	body := dsl{"size": 0, "aggs": dsl{"values": dsl{"terms": dsl{"field": field, "size": suggestScan}}}}
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: read the %s values: %w", field, err)
	}
	var aggs struct {
		Values termsAgg `json:"values"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, err
	}
	type candidate struct {
		value       string
		count, dist int
	}
	var close []candidate
	maxDist := max(1, min(3, len(want)/4))
	for _, b := range aggs.Values.Buckets {
		v, _ := b.Key.(string)
		if d, ok := corpus.NameDistance(want, corpus.Fold(v), maxDist); ok {
			close = append(close, candidate{v, b.DocCount, d})
		}
	}
	slices.SortFunc(close, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.count, a.count), strings.Compare(a.value, b.value))
	})
	near := []string{}
	for _, c := range close[:min(len(close), suggestionsPerFilter)] {
		near = append(near, c.value)
	}
	return near, nil
}
