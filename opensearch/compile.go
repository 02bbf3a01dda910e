package opensearch

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/article-archive/archive/corpus"
	aq "github.com/article-archive/archive/query"
)

// fieldsOf maps a query field to the indexed field it searches.
var fieldsOf = map[string]string{
	aq.FieldTitle:  fieldTitle,
	aq.FieldBody:   fieldBody,
	aq.FieldPerson: fieldPersonText,
	aq.FieldOutlet: fieldOutletText,
	aq.FieldAuthor: fieldAuthorText,
	aq.FieldStory:  fieldStory,
}

type dsl = map[string]any

var matchAll = dsl{"match_all": dsl{}}

// compiled is a query text made ready for OpenSearch.
type compiled struct {
	query   dsl // nil: every article
	notices []string
}

// compileText parses text with the engine's limits and compiles it to the query
// DSL. It returns corpus errors for the user's mistakes.
func (e *Engine) compileText(text string, op corpus.Operator) (*compiled, error) {
	p, err := aq.Parse(strings.TrimSpace(text), op, e.cfg.Query)
	if err != nil {
		return nil, err
	}
	c := &compiler{maxExpansions: e.cfg.MaxExpansions}
	q, err := c.node(p.Root)
	if err != nil {
		return nil, err
	}
	out := &compiled{notices: append(p.Notices, c.dropped.Notices...)}
	if q != nil {
		out.query = c.withBonus(p.Root, q)
	}
	return out, nil
}

type compiler struct {
	maxExpansions int
	dropped       aq.Dropped
}

// node compiles n; nil means n constrains nothing (All, or a word the index
// leaves out).
func (c *compiler) node(n *aq.Node) (dsl, error) {
	var q dsl
	var err error
	switch n.Kind {
	case aq.All:
		return nil, nil
	case aq.And:
		q, err = c.and(n)
	case aq.Or:
		q, err = c.or(n.Children, 1)
	case aq.Not:
		inner, err := c.node(n.Children[0])
		if err != nil || inner == nil {
			return nil, err
		}
		return dsl{"bool": dsl{"must_not": []dsl{inner}}}, nil
	case aq.DateRange:
		return dsl{"bool": dsl{"filter": []dsl{dateRange(n.From, n.To)}}}, nil
	default:
		return c.leaf(n)
	}
	if err != nil || q == nil {
		return q, err
	}
	if n.Boost > 0 && n.Boost != 1 {
		q = dsl{"bool": dsl{"must": []dsl{q}, "boost": n.Boost}}
	}
	return q, nil
}

// dateRange is the published date in [from, to), a zero end open.
func dateRange(from, to time.Time) dsl { return fieldRange(fieldPublished, from, to) }

// fieldRange matches the dates of field from from (inclusive) to to (exclusive);
// a zero bound is open.
func fieldRange(field string, from, to time.Time) dsl {
	r := dsl{}
	if !from.IsZero() {
		r["gte"] = from.UTC().Format(time.RFC3339Nano)
	}
	if !to.IsZero() {
		r["lt"] = to.UTC().Format(time.RFC3339Nano)
	}
	return dsl{"range": dsl{field: r}}
}

// and compiles an And: its positive parts must match, its negations must not, and
// a rank-only Or (optional words beside +required ones) adds to the score.
func (c *compiler) and(n *aq.Node) (dsl, error) {
	var must, should, mustNot []dsl
	for _, child := range n.Children {
		switch {
		case child.Kind == aq.Not:
			q, err := c.node(child.Children[0])
			if err != nil {
				return nil, err
			}
			if q != nil {
				mustNot = append(mustNot, q)
			}
		case child.RankOnly():
			for _, g := range child.Children {
				q, err := c.node(g)
				if err != nil {
					return nil, err
				}
				if q != nil {
					should = append(should, q)
				}
			}
		default:
			q, err := c.node(child)
			if err != nil {
				return nil, err
			}
			if q != nil {
				must = append(must, q)
			}
		}
	}
	if len(must) == 0 && len(mustNot) == 0 {
		if len(should) == 0 {
			return nil, nil
		}
		return dsl{"bool": dsl{"should": should, "minimum_should_match": 1}}, nil
	}
	if len(must) == 1 && len(should) == 0 && len(mustNot) == 0 {
		return must[0], nil
	}
	b := dsl{}
	if len(must) > 0 {
		b["must"] = must
	}
	if len(should) > 0 {
		b["should"] = should
		b["minimum_should_match"] = 0
	}
	if len(mustNot) > 0 {
		b["must_not"] = mustNot
	}
	return dsl{"bool": b}, nil
}

// or compiles the parts of an Or, of which min must match.
func (c *compiler) or(children []*aq.Node, min int) (dsl, error) {
	var any []dsl
	for _, child := range children {
		q, err := c.node(child)
		if err != nil {
			return nil, err
		}
		if q == nil && child.Kind == aq.All {
			return nil, nil // anything OR everything
		}
		if q != nil {
			any = append(any, q)
		}
	}
	switch {
	case len(any) == 0:
		return nil, nil
	case len(any) == 1 && min > 0:
		return any[0], nil
	}
	return dsl{"bool": dsl{"should": any, "minimum_should_match": min}}, nil
}

// leaf compiles a term, phrase, wildcard, regular expression or fuzzy term in its
// field; a leaf without a field searches the title (boosted) and the body.
func (c *compiler) leaf(n *aq.Node) (dsl, error) {
	boost := 1.0
	if n.Boost > 0 {
		boost = n.Boost
	}
	if n.Field != aq.FieldDefault {
		return c.leafIn(n, fieldsOf[n.Field], boost)
	}
	inTitle, err := c.leafIn(n, fieldTitle, aq.TitleBoost*boost)
	if err != nil || inTitle == nil {
		return nil, err
	}
	inBody, err := c.leafIn(n, fieldBody, boost)
	if err != nil {
		return nil, err
	}
	return dsl{"bool": dsl{"should": []dsl{inTitle, inBody}, "minimum_should_match": 1}}, nil
}

// english tells whether a field is analyzed with the english analysis (stop words).
func english(field string) bool { return field == fieldTitle || field == fieldBody }

// words splits text the way the analyzers do, roughly: letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// allStopWords tells whether every word of text is a stop word of the english analysis.
func allStopWords(text string) bool {
	ws := words(text)
	for _, w := range ws {
		if !slices.Contains(stopWords, w) {
			return false
		}
	}
	return true
}

func (c *compiler) leafIn(n *aq.Node, field string, boost float64) (dsl, error) {
	if field == fieldStory {
		return dsl{"term": dsl{fieldStory: dsl{"value": n.Text, "boost": boost}}}, nil
	}
	switch n.Kind {
	case aq.Term:
		if english(field) && allStopWords(n.Text) {
			c.dropped.Drop(n.Text)
			return nil, nil
		}
		// match_phrase: a word the analyzer splits (U.S., e-mail) is its parts in order.
		return dsl{"match_phrase": dsl{field: dsl{"query": n.Text, "boost": boost}}}, nil
	case aq.Phrase:
		if english(field) && allStopWords(n.Text) {
			c.dropped.Drop(n.Text)
			return nil, nil
		}
		if n.Slop > 0 {
			// All the words within a window of their number plus Slop, in any
			// order, as the Bleve engine's proximity search.
			return dsl{"intervals": dsl{field: dsl{"match": dsl{"query": n.Text, "max_gaps": n.Slop, "ordered": false}, "boost": boost}}}, nil
		}
		return dsl{"match_phrase": dsl{field: dsl{"query": n.Text, "boost": boost}}}, nil
	case aq.Wildcard:
		// scoring_boolean expands to one clause per word, so that a pattern
		// standing for too many words fails (too_many_clauses: query_too_costly)
		// instead of running.
		return dsl{"wildcard": dsl{field: dsl{"value": strings.ToLower(n.Text), "boost": boost, "rewrite": "scoring_boolean"}}}, nil
	case aq.Regexp:
		return dsl{"regexp": dsl{field: dsl{"value": n.Text, "boost": boost, "rewrite": "scoring_boolean", "flags": "NONE"}}}, nil
	case aq.Fuzzy:
		ws := words(n.Text)
		if len(ws) != 1 {
			return nil, corpus.QueryErrorf(n.Offset, "make a fuzzy term one plain word, as harbour~1",
				"%s~%d at character %d is not one word the archive indexes", n.Text, n.Edits, n.Offset+1)
		}
		return dsl{"fuzzy": dsl{field: dsl{"value": ws[0], "fuzziness": n.Edits, "transpositions": false,
			"prefix_length": 0, "max_expansions": c.maxExpansions, "boost": boost}}}, nil
	}
	return nil, fmt.Errorf("opensearch: compile: unknown node kind %s", n.Kind)
}

// withBonus adds the bonus phrase of the query (aq.BonusPhrase) to q as an
// optional clause.
func (c *compiler) withBonus(root *aq.Node, q dsl) dsl {
	phrase := aq.BonusPhrase(root)
	if phrase == nil {
		return q
	}
	bonus, err := c.leaf(phrase)
	if err != nil || bonus == nil {
		return q
	}
	return dsl{"bool": dsl{"must": []dsl{q}, "should": []dsl{bonus}}}
}
