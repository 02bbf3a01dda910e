package index

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/article-archive/archive/corpus"
)

// The person page compares a person's counts with the whole archive's: how many
// articles name each person, and how many were published each month. Those are
// one facet over every article (read from the column cache), kept for a while:
// the comparison does not need the last minute's articles, and an edit drops them.

// Person page bounds.
const (
	// personTotalsTTL is how long the archive-wide counts are kept.
	personTotalsTTL = 30 * time.Second
	// maxPersonTotals bounds the names whose archive-wide counts are kept; a
	// name past them counts as rare.
	maxPersonTotals = 500000
)

type personTotals struct {
	all     int
	persons map[string]int
	months  map[time.Time]int
}

type personTotalsCache struct {
	mu   sync.Mutex
	at   time.Time
	docs uint64
	t    *personTotals
}

func (ix *Index) dropPersonTotals() {
	ix.totals.mu.Lock()
	ix.totals.t = nil
	ix.totals.mu.Unlock()
}

// personTotals returns the archive-wide counts, from the cache when they are
// recent and the archive holds as many articles as then.
func (ix *Index) personTotals(ctx context.Context) (*personTotals, error) {
	docs, err := ix.bleve.DocCount()
	if err != nil {
		return nil, fmt.Errorf("index: count: %w", err)
	}
	c := &ix.totals
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t != nil && c.docs == docs && time.Since(c.at) < personTotalsTTL {
		return c.t, nil
	}
	distinct, err := ix.distinctPersons()
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 0, 0, false)
	// Browsing everything by date reads each segment's cached counts.
	req.SortByCustom(sortOrder(corpus.Query{}))
	req.AddFacet(facetPerson, bleve.NewFacetRequest(fieldPersons, max(1, min(distinct, maxPersonTotals))))
	req.AddFacet(facetMonth, bleve.NewFacetRequest(fieldPublishedMonth, monthFacetSize))
	res, err := ix.search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: count every person: %w", err)
	}
	t := &personTotals{all: int(res.Total), persons: map[string]int{}, months: map[time.Time]int{}}
	if fr := res.Facets[facetPerson]; fr != nil && fr.Terms != nil {
		for _, term := range fr.Terms.Terms() {
			t.persons[term.Term] = term.Count
		}
	}
	if fr := res.Facets[facetMonth]; fr != nil && fr.Terms != nil {
		for _, term := range fr.Terms.Terms() {
			if m, err := time.Parse("2006-01", term.Term); err == nil {
				t.months[m] = term.Count
			}
		}
	}
	c.t, c.at, c.docs = t, time.Now(), docs
	return t, nil
}

// distinctPersons counts the values of the person field's dictionary.
func (ix *Index) distinctPersons() (int, error) {
	dict, err := ix.bleve.FieldDict(fieldPersons)
	if err != nil {
		return 0, fmt.Errorf("index: list persons: %w", err)
	}
	defer dict.Close()
	n := 0
	for {
		e, err := dict.Next()
		if err != nil {
			return 0, fmt.Errorf("index: list persons: %w", err)
		}
		if e == nil {
			return n, nil
		}
		n++
	}
}

// PersonProfile returns what the archive knows of the person it shows as name:
// the names merged or renamed into it or moved to it by RenamePersons, how many articles name them, their
// timeline beside the archive's, the outlets naming them most, the people who
// appear with them most unusually (see corpus.CoMentionScore) and their latest
// articles (up to latest). It returns a corpus.ENotFound error for a name the
// archive does not show as a person (LookUpPerson says what became of it).
func (ix *Index) PersonProfile(ctx context.Context, name string, latest, with int) (corpus.PersonProfile, error) {
	latest = max(1, min(latest, corpus.MaxProfileLatest))
	with = max(0, min(with, corpus.MaxProfileWith))
	n, err := ix.personCount(ctx, name)
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	if n == 0 {
		return corpus.PersonProfile{}, corpus.Errorf(corpus.ENotFound, "there is no person named %q in the archive", name)
	}
	res, err := ix.Search(ctx, corpus.Query{Persons: []string{name}, Sort: corpus.SortNewest, Size: latest})
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	totals, err := ix.personTotals(ctx)
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	p := corpus.PersonProfile{Name: name, Aliases: ix.layer().Aliases(name), Articles: int(res.Total),
		Latest: res.Hits, DateUnit: res.Facets.DateUnit, Timeline: []corpus.PersonBucket{}}
	learned, err := ix.records.learnedAliases(ix.layer(), name)
	if err != nil {
		return corpus.PersonProfile{}, fmt.Errorf("index: read the aliases of %q: %w", name, err)
	}
	p.Aliases = append(p.Aliases, learned...)
	if p.Aliases == nil {
		p.Aliases = []corpus.PersonAlias{}
	}
	p.Outlets = res.Facets.Outlet[:min(corpus.ProfileOutlets, len(res.Facets.Outlet))]
	if err := ix.personTimeline(ctx, &p, res.Facets.Published, totals); err != nil {
		return corpus.PersonProfile{}, err
	}
	p.MinTogether = corpus.MinTogether(p.Articles)
	if with > 0 {
		if p.With, err = ix.coMentions(ctx, name, p.Articles, totals, with); err != nil {
			return corpus.PersonProfile{}, err
		}
	}
	return p, nil
}

// personTimeline sets p's timeline from the person's date facet, beside the
// number of all articles per bucket.
func (ix *Index) personTimeline(ctx context.Context, p *corpus.PersonProfile, buckets []corpus.DateBucket, totals *personTotals) error {
	dated, undated := corpus.DatedBuckets(buckets)
	p.Undated += undated
	if len(dated) == 0 {
		return nil
	}
	all := map[string]int{}
	switch p.DateUnit {
	case corpus.Day:
		from, to := corpus.TimelineSpan(dated)
		days, err := ix.dayCounts(ctx, query.NewMatchAllQuery(), from, to)
		if err != nil {
			return err
		}
		for _, d := range days {
			all[d.Key] += d.Count
		}
	default:
		for m, n := range totals.months {
			all[p.DateUnit.Key(p.DateUnit.Start(m))] += n
		}
	}
	p.Timeline = corpus.PersonTimeline(p.DateUnit, dated, all)
	return nil
}

// coMentions returns up to n people named with name in at least
// corpus.MinTogether(articles) articles, most unusual pairing first
// (corpus.RankCoMentions).
func (ix *Index) coMentions(ctx context.Context, name string, articles int, totals *personTotals, n int) ([]corpus.CoMention, error) {
	values, err := ix.FacetValues(ctx, FacetPerson, corpus.Query{Persons: []string{name}}, "", corpus.CoMentionCandidates)
	if err != nil {
		return nil, err
	}
	return corpus.RankCoMentions(articles, totals.all, corpus.CoMentionPairs(name, articles, values), totals.persons, n), nil
}
