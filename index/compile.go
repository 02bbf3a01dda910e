package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/article-archive/archive/corpus"
	aq "github.com/article-archive/archive/query"
)

// Default expansion limits: how many words of the archive one wildcard, regular
// expression or fuzzy term may stand for, and all of them in one query together.
// Each word is a posting list to read; thousands of them cost seconds and
// gigabytes.
const (
	DefaultMaxExpansions      = 500
	DefaultMaxQueryExpansions = 2000
)

// fieldsOf maps a query field to the indexed fields it searches.
var fieldsOf = map[string]string{
	aq.FieldTitle:  fieldTitle,
	aq.FieldBody:   fieldBody,
	aq.FieldPerson: fieldPersonText,
	aq.FieldOutlet: fieldOutletText,
	aq.FieldAuthor: fieldAuthorText,
	aq.FieldStory:  fieldStory,
}

// compiled is a query text made ready for Bleve.
type compiled struct {
	query   query.Query
	notices []string
	// costly tells the searches that share the per-process budget for expensive
	// queries (wildcards, regular expressions, fuzzy terms, proximity).
	costly bool
}

// parse reads a query's text with the index's limits.
func (ix *Index) parse(text string, op corpus.Operator) (*aq.Parsed, error) {
	return aq.Parse(strings.TrimSpace(text), op, ix.limits.Query)
}

// costly tells whether a parsed query needs the budget for expensive searches.
func costly(p *aq.Parsed) bool {
	found := false
	p.Root.Walk(func(n *aq.Node) {
		found = found || n.Expands() || (n.Kind == aq.Phrase && n.Slop > 0)
	})
	return found
}

// compileText parses text and compiles it to a Bleve query, looking wildcards,
// regular expressions and fuzzy terms up in the term dictionary (within the
// expansion limits). It returns corpus errors for the user's mistakes.
func (ix *Index) compileText(ctx context.Context, text string, op corpus.Operator) (*compiled, error) {
	p, err := ix.parse(text, op)
	if err != nil {
		return nil, err
	}
	return ix.compileParsed(ctx, p)
}

func (ix *Index) compileParsed(ctx context.Context, p *aq.Parsed) (*compiled, error) {
	c := &compiler{ix: ix, ctx: ctx}
	defer c.close()
	pushBoost(p.Root, 1)
	out := &compiled{notices: p.Notices, costly: costly(p)}
	q, err := c.node(p.Root)
	if err != nil {
		return nil, err
	}
	out.notices = append(out.notices, c.dropped.Notices...)
	if q == nil {
		// Only words too common to be indexed: everything matches them.
		out.query = bleve.NewMatchAllQuery()
		return out, nil
	}
	out.query = c.withBonus(p.Root, q)
	return out, nil
}

type compiler struct {
	ix       *Index
	ctx      context.Context
	reader   bleveindex.IndexReader
	expanded int
	dropped  aq.Dropped
}

func (c *compiler) close() {
	if c.reader != nil {
		c.reader.Close()
	}
}

// node compiles n; nil means n constrains nothing (a word the index leaves out).
func (c *compiler) node(n *aq.Node) (query.Query, error) {
	var q query.Query
	var err error
	switch n.Kind {
	case aq.All:
		return bleve.NewMatchAllQuery(), nil
	case aq.And:
		q, err = c.and(n)
	case aq.Or:
		q, err = c.or(n.Children, 1)
	case aq.Not:
		inner, err := c.node(n.Children[0])
		if err != nil || inner == nil {
			return nil, err
		}
		return query.NewBooleanQuery([]query.Query{bleve.NewMatchAllQuery()}, nil, []query.Query{inner}), nil
	case aq.DateRange:
		inclusive, exclusive := true, false
		r := query.NewDateRangeInclusiveQuery(n.From, n.To, &inclusive, &exclusive)
		r.SetField(fieldPublished)
		r.SetBoost(0)
		return r, nil
	default:
		q, err = c.leaf(n)
	}
	return q, err
}

// pushBoost moves the boosts of groups down to their leaves (Bleve scores a
// conjunction or disjunction by its parts and leaves the group's own boost out),
// multiplying boosts on the way.
func pushBoost(n *aq.Node, factor float64) {
	if n.Boost > 0 {
		factor *= n.Boost
	}
	switch n.Kind {
	case aq.And, aq.Or, aq.Not:
		if !n.RankOnly() {
			n.Boost = 0
		}
		for _, c := range n.Children {
			pushBoost(c, factor)
		}
	default:
		if factor != 1 {
			n.Boost = factor
		}
	}
}

// and compiles an And: its positive parts must match, its negations must not,
// and a rank-only Or (optional words beside +required ones) adds to the score.
func (c *compiler) and(n *aq.Node) (query.Query, error) {
	var must, should, mustNot []query.Query
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
			q, err := c.or(child.Children, 0)
			if err != nil {
				return nil, err
			}
			if q != nil {
				should = append(should, q)
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
		return query.NewDisjunctionQuery(should), nil
	}
	if len(must) == 0 {
		must = []query.Query{bleve.NewMatchAllQuery()}
	}
	if len(should) == 0 && len(mustNot) == 0 {
		if len(must) == 1 {
			return must[0], nil
		}
		return query.NewConjunctionQuery(must), nil
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if len(must) == 1 {
		b.Must = must[0]
	} else {
		b.Must = query.NewConjunctionQuery(must)
	}
	if len(should) > 0 {
		d := query.NewDisjunctionQuery(should)
		d.SetMin(0)
		b.Should = d
	}
	if len(mustNot) > 0 {
		b.MustNot = query.NewDisjunctionQuery(mustNot)
	}
	return b, nil
}

// or compiles the parts of an Or, of which min must match.
func (c *compiler) or(children []*aq.Node, min float64) (query.Query, error) {
	var any []query.Query
	for _, child := range children {
		q, err := c.node(child)
		if err != nil {
			return nil, err
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
	d := query.NewDisjunctionQuery(any)
	d.SetMin(min)
	return d, nil
}

// leaf compiles a term, phrase, wildcard, regular expression or fuzzy term in its
// field; a leaf without a field searches the title (boosted) and the body.
func (c *compiler) leaf(n *aq.Node) (query.Query, error) {
	boost := 1.0
	if n.Boost > 0 {
		boost = n.Boost
	}
	if n.Field != aq.FieldDefault {
		q, err := c.leafIn(n, fieldsOf[n.Field])
		setBoost(q, boost)
		return q, err
	}
	inTitle, err := c.leafIn(n, fieldTitle)
	if err != nil {
		return nil, err
	}
	inBody, err := c.leafIn(n, fieldBody)
	if err != nil || inTitle == nil || inBody == nil {
		return inBody, err
	}
	setBoost(inTitle, aq.TitleBoost*boost)
	setBoost(inBody, boost)
	return query.NewDisjunctionQuery([]query.Query{inTitle, inBody}), nil
}

// setBoost sets the boost of a compiled leaf: of each term an expansion stands for.
func setBoost(q query.Query, boost float64) {
	if boost == 1 || q == nil {
		return
	}
	if d, ok := q.(*query.DisjunctionQuery); ok {
		for _, part := range d.Disjuncts {
			setBoost(part, boost)
		}
		return
	}
	if b, ok := q.(query.BoostableQuery); ok {
		b.SetBoost(boost)
	}
}

func (c *compiler) leafIn(n *aq.Node, field string) (query.Query, error) {
	if field == fieldStory {
		// A story ID is one keyword: it is matched whole.
		return termQuery(fieldStory, n.Text), nil
	}
	switch n.Kind {
	case aq.Term:
		tokens := c.ix.analyze(field, n.Text)
		switch len(tokens) {
		case 0:
			c.dropped.Drop(n.Text)
			return nil, nil
		case 1:
			return termQuery(field, tokens[0]), nil
		}
		// Words the analyzer splits (U.S., e-mail, 9/11) are their parts in order.
		return phraseQuery(field, n.Text), nil
	case aq.Phrase:
		if len(c.ix.analyze(field, n.Text)) == 0 {
			c.dropped.Drop(n.Text)
			return nil, nil
		}
		if n.Slop > 0 {
			return c.ix.nearQuery(field, n.Text, n.Slop), nil
		}
		return phraseQuery(field, n.Text), nil
	case aq.Wildcard:
		return c.expand(n, field, aq.WildcardRegexp(strings.ToLower(n.Text)), 0)
	case aq.Regexp:
		return c.expand(n, field, n.Text, 0)
	case aq.Fuzzy:
		tokens := c.ix.analyze(field, n.Text)
		if len(tokens) == 0 {
			// A word too common to index: its neighbours may not be.
			tokens = []string{strings.ToLower(n.Text)}
		}
		if len(tokens) != 1 {
			return nil, corpus.QueryErrorf(n.Offset, "make a fuzzy term one plain word, as harbour~1",
				"%s~%d at character %d is not one word the archive indexes", n.Text, n.Edits, n.Offset+1)
		}
		return c.expand(n, field, tokens[0], n.Edits)
	}
	return nil, fmt.Errorf("index: compile: unknown node kind %s", n.Kind)
}

// expand looks up the words of the archive that a wildcard or regular expression
// (edits 0) or a fuzzy term (edits > 0) stands for, within the expansion limits,
// and returns the query for any of them.
func (c *compiler) expand(n *aq.Node, field, pattern string, edits int) (query.Query, error) {
	if c.reader == nil {
		adv, err := c.ix.bleve.Advanced()
		if err != nil {
			return nil, err
		}
		if c.reader, err = adv.Reader(); err != nil {
			return nil, fmt.Errorf("index: open a reader: %w", err)
		}
	}
	var dict bleveindex.FieldDict
	var err error
	if edits > 0 {
		fr, ok := c.reader.(bleveindex.IndexReaderFuzzy)
		if !ok {
			return nil, fmt.Errorf("index: the reader cannot look up fuzzy terms")
		}
		dict, err = fr.FieldDictFuzzy(field, pattern, edits, "")
	} else {
		rr, ok := c.reader.(bleveindex.IndexReaderRegexp)
		if !ok {
			return nil, fmt.Errorf("index: the reader cannot look up regular expressions")
		}
		dict, err = rr.FieldDictRegexp(field, pattern)
	}
	if err != nil {
		return nil, corpus.QueryErrorf(n.Offset, "simplify the pattern: it always matches one whole word",
			"the pattern at character %d cannot be run: %v", n.Offset+1, err)
	}
	defer dict.Close()
	perTerm, perQuery := c.ix.limits.MaxExpansions, c.ix.limits.MaxQueryExpansions
	var terms []query.Query
	for i := 0; ; i++ {
		if i%256 == 0 {
			if err := c.ctx.Err(); err != nil {
				return nil, err
			}
		}
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("index: expand %s: %w", n, err)
		}
		if e == nil {
			break
		}
		if len(terms) == perTerm {
			how := "more letters before the first * or ?, or a narrower pattern"
			if edits > 0 {
				how = "allow fewer edits (~1) or search the exact word"
			}
			return nil, corpus.Errorf(corpus.EQueryTooCostly,
				"%s at character %d stands for more than %d different words in the archive: make it more specific (%s)", n, n.Offset+1, perTerm, how)
		}
		c.expanded++
		if c.expanded > perQuery {
			return nil, corpus.Errorf(corpus.EQueryTooCostly,
				"the wildcards, patterns and fuzzy terms of the query stand for more than %d words in the archive together: use fewer of them, or make them more specific", perQuery)
		}
		terms = append(terms, termQuery(field, e.Term))
	}
	switch len(terms) {
	case 0:
		return query.NewMatchNoneQuery(), nil
	case 1:
		return terms[0], nil
	}
	return query.NewDisjunctionQuery(terms), nil
}

// phraseQuery matches text as a phrase in field, analyzed as the field is.
func phraseQuery(field, text string) *query.MatchPhraseQuery {
	p := query.NewMatchPhraseQuery(text)
	p.SetField(field)
	p.Analyzer = fieldAnalyzers[field] // "" for the others: the mapping's
	return p
}

// analyze returns the tokens the field's analyzer makes of text.
func (ix *Index) analyze(field, text string) []string {
	m := ix.bleve.Mapping()
	name, ok := fieldAnalyzers[field]
	if !ok {
		name = m.AnalyzerNameForPath(field)
	}
	a := m.AnalyzerNamed(name)
	if a == nil {
		return []string{text}
	}
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

// withBonus adds the bonus phrase of the query (aq.BonusPhrase) to q as an
// optional clause.
func (c *compiler) withBonus(root *aq.Node, q query.Query) query.Query {
	phrase := aq.BonusPhrase(root)
	if phrase == nil {
		return q
	}
	bonus, err := c.leaf(phrase)
	if err != nil || bonus == nil {
		return q
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	b.Must = q
	should := query.NewDisjunctionQuery([]query.Query{bonus})
	should.SetMin(0)
	b.Should = should
	return b
}
