package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// fieldAliases maps the field names of the query syntax to indexed fields. Only
// these may be named in a query: anything else is the user's typo and gets a
// message rather than silently matching nothing.
var fieldAliases = map[string]string{
	"title":     fieldTitle,
	"body":      fieldBody,
	"text":      fieldBody,
	"person":    fieldPersonText,
	"persons":   fieldPersonText,
	"outlet":    fieldOutletText,
	"author":    fieldAuthorText,
	"authors":   fieldAuthorText,
	"published": fieldPublished,
	"date":      fieldPublished,
	"story":     fieldStory,
}

// maxFuzziness is the most edits a fuzzy term may allow: Bleve's limit.
const maxFuzziness = 2

// titleBoost ranks a match in the title above the same match in the body.
const titleBoost = 2.0

// parseText turns the user's query text into a Bleve query. The syntax is Bleve's
// query string syntax (terms, "phrases", +must, -must-not, field:value, boosts,
// fuzzy~, wildcards, published:>="2024-01-01"), with two changes: a term or phrase
// without a field searches the title and the body, not Bleve's _all field (which
// serves neither phrases nor highlighting), and field names are checked.
// It returns a corpus.EInvalidQuery error saying what to fix.
func parseText(text string) (query.Query, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return bleve.NewMatchAllQuery(), nil
	}
	parsed, err := bleve.NewQueryStringQuery(text).Parse()
	if err != nil {
		return nil, corpus.Errorf(corpus.EInvalidQuery,
			"the query %q does not parse (%s): close every quote, put a term after each + or -, and write fields as person:\"Jane Doe\"; wrap text in quotes to search it literally",
			text, cleanParseError(err))
	}
	q, err := rewrite(parsed)
	if err != nil {
		return nil, err
	}
	return q, nil
}

// cleanParseError trims Bleve's parser message to the part a user can read.
func cleanParseError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "parse error: ")
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg[:i], "syntax error") {
		msg = msg[:i]
	}
	return msg
}

// rewrite walks a parsed query, sending field-less leaves to title and body and
// mapping field names through fieldAliases.
func rewrite(q query.Query) (query.Query, error) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		for _, part := range []*query.Query{&q.Must, &q.Should, &q.MustNot, &q.Filter} {
			if *part == nil {
				continue
			}
			r, err := rewrite(*part)
			if err != nil {
				return nil, err
			}
			*part = simplest(r)
		}
		// Every layer of searchers costs time per hit: a query of "should"
		// clauses alone is their disjunction.
		if q.Must == nil && q.MustNot == nil && q.Filter == nil && q.Should != nil {
			return q.Should, nil
		}
		return q, nil
	case *query.ConjunctionQuery:
		return q, rewriteAll(q.Conjuncts)
	case *query.DisjunctionQuery:
		// The parser writes a bare number as "this term, or this numeric value";
		// the archive has no numeric fields, so the term is what is meant.
		if len(q.Disjuncts) == 2 {
			if m, ok := q.Disjuncts[0].(*query.MatchQuery); ok {
				if _, ok := q.Disjuncts[1].(*query.NumericRangeQuery); ok {
					return rewrite(m)
				}
			}
		}
		return q, rewriteAll(q.Disjuncts)
	case *query.NumericRangeQuery:
		return nil, corpus.Errorf(corpus.EInvalidQuery,
			"%s: compares numbers, and the archive has no numeric fields: for dates write published:>=\"2024-01-01\"", q.FieldVal)
	case query.FieldableQuery:
		if m, ok := q.(*query.MatchQuery); ok && m.Fuzziness > maxFuzziness {
			return nil, corpus.Errorf(corpus.EInvalidQuery, "%s~%d: fuzzy matches allow at most %d edits, as in harbour~2", m.Match, m.Fuzziness, maxFuzziness)
		}
		if q.Field() == "" {
			return titleOrBody(q), nil
		}
		field, ok := fieldAliases[strings.ToLower(q.Field())]
		if !ok {
			return nil, corpus.Errorf(corpus.EInvalidQuery,
				"%q is not a field you can search: use title, body, person, outlet, author, published or story (or leave the field out to search title and body)",
				q.Field())
		}
		if _, isDate := q.(*query.DateRangeQuery); isDate != (field == fieldPublished) {
			if isDate {
				return nil, corpus.Errorf(corpus.EInvalidQuery, "%s: only published takes a date range, as in published:>=\"2024-01-01\"", q.Field())
			}
			return nil, corpus.Errorf(corpus.EInvalidQuery, "published: takes a date range such as published:>=\"2024-01-01\" or published:<\"2025\"")
		}
		if field == fieldStory {
			// A story ID is one keyword: match it whole, quoted or not.
			return termQuery(fieldStory, leafText(q)), nil
		}
		q.SetField(field)
		return q, nil
	}
	return q, nil
}

// simplest returns a conjunction or disjunction of one query as that query (a
// disjunction only when it asks for no more than one match).
func simplest(q query.Query) query.Query {
	switch c := q.(type) {
	case *query.ConjunctionQuery:
		if len(c.Conjuncts) == 1 {
			return simplest(c.Conjuncts[0])
		}
	case *query.DisjunctionQuery:
		if len(c.Disjuncts) == 1 && c.Min <= 1 {
			return simplest(c.Disjuncts[0])
		}
	}
	return q
}

func rewriteAll(qs []query.Query) error {
	for i, q := range qs {
		r, err := rewrite(q)
		if err != nil {
			return err
		}
		qs[i] = r
	}
	return nil
}

// titleOrBody matches a field-less leaf against the title (boosted) or the body.
func titleOrBody(q query.FieldableQuery) query.Query {
	inTitle, inBody := clone(q), clone(q)
	if inTitle == nil {
		q.SetField(fieldBody)
		return q
	}
	inTitle.SetField(fieldTitle)
	if b, ok := inTitle.(query.BoostableQuery); ok {
		boost := titleBoost
		if old := b.Boost(); old > 0 {
			boost *= old
		}
		b.SetBoost(boost)
	}
	inBody.SetField(fieldBody)
	return query.NewDisjunctionQuery([]query.Query{inTitle, inBody})
}

// clone copies the leaf queries the query string parser makes, and returns nil for
// any other kind.
func clone(q query.FieldableQuery) query.FieldableQuery {
	switch q := q.(type) {
	case *query.MatchQuery:
		c := *q
		return &c
	case *query.MatchPhraseQuery:
		c := *q
		return &c
	case *query.WildcardQuery:
		c := *q
		return &c
	case *query.RegexpQuery:
		c := *q
		return &c
	}
	return nil
}

// leafText is the text a match or phrase leaf searches for.
func leafText(q query.FieldableQuery) string {
	switch q := q.(type) {
	case *query.MatchQuery:
		return q.Match
	case *query.MatchPhraseQuery:
		return q.MatchPhrase
	case *query.WildcardQuery:
		return q.Wildcard
	}
	return ""
}
