package index

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// wholeTextHighlighter marks matches in the whole of a field: its one fragment is
// as long as the longest text it marks, so it covers the field from its start.
const wholeTextHighlighter = "archive-whole"

// wholeTextRunes is the longest text Mark marks; longer bodies are shown unmarked.
const wholeTextRunes = 1 << 20

func init() {
	registry.RegisterHighlighter(wholeTextHighlighter, func(map[string]any, *registry.Cache) (highlight.Highlighter, error) {
		return simplehighlighter.NewHighlighter(
			simple.NewFragmenter(wholeTextRunes),
			htmlformat.NewFragmentFormatter("<mark>", "</mark>"),
			simplehighlighter.DefaultSeparator), nil
	})
}

// Mark returns the title and body of article id with the terms that the query text
// matches in <mark>, so that the article page shows why it was found. The
// marks come from the engine's own highlighter, so they follow its analysis
// (stemming, phrases). It returns an empty Marked when the query does not parse or
// does not match the article, and a corpus.ENotFound error for an unknown id.
func (ix *Index) Mark(ctx context.Context, id, text string) (corpus.Marked, error) {
	if strings.TrimSpace(text) == "" {
		return corpus.Marked{}, nil
	}
	// Any of the words marks: the article page shows why an article was found,
	// whether all words or any were asked for.
	c, err := ix.compileText(ctx, text, corpus.OpOr)
	if err != nil {
		return corpus.Marked{}, nil
	}
	tq := c.query
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery([]string{id}), tq}), 1, 0, false)
	req.Fields = []string{fieldTitle, fieldBody}
	req.Highlight = bleve.NewHighlightWithStyle(wholeTextHighlighter)
	req.Highlight.AddField(fieldTitle)
	req.Highlight.AddField(fieldBody)
	res, err := ix.search(ctx, req)
	if err != nil {
		return corpus.Marked{}, nil // a query that fails to run marks nothing
	}
	if len(res.Hits) == 0 {
		return corpus.Marked{}, nil
	}
	h := res.Hits[0]
	return corpus.Marked{
		Title: whole(h.Fragments[fieldTitle], stringField(h.Fields[fieldTitle])),
		Body:  whole(h.Fragments[fieldBody], stringField(h.Fields[fieldBody])),
	}, nil
}

// whole returns the one fragment when it is all of text, marked and escaped, and ""
// otherwise.
func whole(frags []string, text string) string {
	if len(frags) != 1 {
		return ""
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frags[0])
	if plain != html.EscapeString(text) {
		return ""
	}
	return frags[0]
}

// Tuning of the more-like-this query.
const (
	similarTerms   = 25 // the article's terms the query is made of
	similarMinDocs = 2  // a term only this article has finds nothing else
	similarMinRune = 3  // shorter terms are mostly noise
	copiesMax      = 50
)

// Related returns the other copies of article id's story and the n articles most
// similar to it. Similarity is Lucene's more-like-this: the article's terms
// weighted by tf-idf (their count in it times the log of how rare they are in the
// archive), the top ones joined in one query boosted by weight. It returns a
// corpus.ENotFound error for an unknown id.
func (ix *Index) Related(ctx context.Context, id string, n int) (corpus.Related, error) {
	a, err := ix.Article(ctx, id)
	if err != nil {
		return corpus.Related{}, err
	}
	out := corpus.Related{Copies: []corpus.Hit{}, Similar: []corpus.Hit{}}
	notThis := []query.Query{query.NewDocIDQuery([]string{id})}
	if a.Story != "" {
		notThis = append(notThis, termQuery(fieldStory, a.Story))
		copies := query.NewBooleanQuery([]query.Query{termQuery(fieldStory, a.Story)}, nil, []query.Query{query.NewDocIDQuery([]string{id})})
		req := bleve.NewSearchRequestOptions(copies, copiesMax, 0, false)
		req.Fields = hitFields
		req.SortByCustom(sortOrder(corpus.Query{Sort: corpus.SortOldest}))
		res, err := ix.search(ctx, req)
		if err != nil {
			return out, fmt.Errorf("index: copies of %s: %w", id, err)
		}
		for _, h := range res.Hits {
			out.Copies = append(out.Copies, hit(h))
		}
	}
	if n <= 0 {
		return out, nil
	}
	terms, err := ix.topTerms(ctx, a.Title+"\n"+a.Body)
	if err != nil {
		return out, err
	}
	if len(terms) == 0 {
		return out, nil
	}
	var should []query.Query
	for _, t := range terms {
		tq := query.NewTermQuery(t.term)
		tq.SetField(fieldBody)
		tq.SetBoost(t.weight)
		should = append(should, tq)
	}
	similar := query.NewBooleanQuery(nil, should, notThis)
	req := bleve.NewSearchRequestOptions(similar, n, 0, false)
	req.Fields = hitFields
	res, err := ix.search(ctx, req)
	if err != nil {
		return out, fmt.Errorf("index: similar to %s: %w", id, err)
	}
	for _, h := range res.Hits {
		out.Similar = append(out.Similar, hit(h))
	}
	if err := ix.countOutlets(ctx, out.Similar); err != nil {
		return out, err
	}
	return out, nil
}

type weightedTerm struct {
	term   string
	weight float64
}

// topTerms analyzes text as the body is indexed and returns its terms with the
// highest tf-idf.
func (ix *Index) topTerms(ctx context.Context, text string) ([]weightedTerm, error) {
	analyzer := ix.bleve.Mapping().AnalyzerNamed(en.AnalyzerName)
	if analyzer == nil {
		return nil, fmt.Errorf("index: no %s analyzer", en.AnalyzerName)
	}
	tf := map[string]int{}
	for _, tok := range analyzer.Analyze([]byte(text)) {
		t := string(tok.Term)
		if len([]rune(t)) < similarMinRune || !strings.ContainsFunc(t, unicode.IsLetter) {
			continue
		}
		tf[t]++
	}
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index: similar terms: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index: similar terms: %w", err)
	}
	defer r.Close()
	docs, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("index: similar terms: %w", err)
	}
	var out []weightedTerm
	for t, n := range tf {
		tfr, err := r.TermFieldReader(ctx, []byte(t), fieldBody, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("index: similar terms: %w", err)
		}
		df := tfr.Count()
		tfr.Close()
		if df < similarMinDocs {
			continue
		}
		out = append(out, weightedTerm{term: t, weight: float64(n) * math.Log(float64(docs+1)/float64(df))})
	}
	slices.SortFunc(out, func(a, b weightedTerm) int {
		return cmp.Or(cmp.Compare(b.weight, a.weight), strings.Compare(a.term, b.term))
	})
	out = out[:min(similarTerms, len(out))]
	if len(out) > 0 {
		top := out[0].weight
		for i := range out {
			out[i].weight = math.Max(out[i].weight/top, 0.01)
		}
	}
	return out, nil
}
