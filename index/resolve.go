package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/article-archive/archive/corpus"
)

// suggestionsPerFilter is how many values a filter that matches nothing suggests.
const suggestionsPerFilter = 5

// resolveFilters makes q's person and outlet filters match values of the archive
// without regard to case, accents, spacing and punctuation: a value the archive
// holds as it is stays; one that matches an archive value only once folded
// (corpus.Fold) is replaced by it (the most frequent, for a person; every one, for
// an outlet, since outlets are alternatives); one that matches none is left to
// match nothing, and gets the nearest values as suggestions.
func (ix *Index) resolveFilters(ctx context.Context, q *corpus.Query) ([]corpus.Suggestion, []string, error) {
	edited := ix.personFilters(ctx, q)
	if len(q.Persons)+len(q.NotPersons)+len(q.Outlets)+len(q.NotOutlets) == 0 {
		return nil, edited, nil
	}
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, fmt.Errorf("index: open a reader: %w", err)
	}
	defer r.Close()
	res := resolver{ctx: ctx, r: r}
	for _, f := range []struct {
		param  string
		field  string
		values *[]string
		many   bool
	}{
		{"person", fieldPersons, &q.Persons, false},
		{"not_person", fieldPersons, &q.NotPersons, true},
		{"outlet", fieldOutlet, &q.Outlets, true},
		{"not_outlet", fieldOutlet, &q.NotOutlets, true},
	} {
		if len(*f.values) == 0 {
			continue
		}
		if *f.values, err = res.resolve(f.param, f.field, *f.values, f.many); err != nil {
			return nil, nil, err
		}
	}
	return res.suggestions, append(edited, res.notices...), nil
}

type resolver struct {
	ctx         context.Context
	r           bleveindex.IndexReader
	suggestions []corpus.Suggestion
	notices     []string
}

func (res *resolver) resolve(param, field string, values []string, many bool) ([]string, error) {
	out := make([]string, 0, len(values))
	for _, v := range values {
		n, err := res.count(field, v)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, v)
			continue
		}
		same, near, err := res.scan(field, v)
		if err != nil {
			return nil, err
		}
		switch {
		case len(same) == 0:
			out = append(out, v)
			res.suggestions = append(res.suggestions, corpus.Suggestion{Param: param, Value: v, DidYouMean: near})
		case many:
			out = append(out, same...)
			res.notices = append(res.notices, fmt.Sprintf("%s %q is read as %s", param, v, quoteAll(same)))
		default:
			out = append(out, same[0])
			res.notices = append(res.notices, fmt.Sprintf("%s %q is read as %q", param, v, same[0]))
		}
	}
	return slices.Compact(out), nil
}

func quoteAll(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, " or ")
}

// count returns how many articles hold the exact value.
func (res *resolver) count(field, value string) (uint64, error) {
	tfr, err := res.r.TermFieldReader(res.ctx, []byte(value), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("index: look up %s %q: %w", field, value, err)
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// scan reads every value of field and returns those equal to value once folded,
// most frequent first, and the nearest others, best first.
func (res *resolver) scan(field, value string) (same, near []string, err error) {
	want := corpus.Fold(value)
	dict, err := res.r.FieldDict(field)
	if err != nil {
		return nil, nil, fmt.Errorf("index: read the %s values: %w", field, err)
	}
	defer dict.Close()
	type candidate struct {
		value string
		count uint64
		dist  int
	}
	var equal, close []candidate
	maxDist := max(1, min(3, len(want)/4))
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := res.ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		e, err := dict.Next()
		if err != nil {
			return nil, nil, fmt.Errorf("index: read the %s values: %w", field, err)
		}
		if e == nil {
			break
		}
		got := corpus.Fold(e.Term)
		if got == want {
			equal = append(equal, candidate{e.Term, e.Count, 0})
			continue
		}
		if d, ok := corpus.NameDistance(want, got, maxDist); ok {
			close = append(close, candidate{e.Term, e.Count, d})
		}
	}
	byRank := func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.count, a.count), strings.Compare(a.value, b.value))
	}
	slices.SortFunc(equal, byRank)
	slices.SortFunc(close, byRank)
	for _, c := range equal {
		same = append(same, c.value)
	}
	near = []string{}
	for _, c := range close[:min(len(close), suggestionsPerFilter)] {
		near = append(near, c.value)
	}
	return same, near, nil
}
