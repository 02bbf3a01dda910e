package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
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
	// coMentionCandidates bounds the people counted with one person.
	coMentionCandidates = 2000
	// MinCoMentions is how many articles two people must share before the
	// person page ranks the pair; more for a person in many articles
	// (MinTogether).
	MinCoMentions = 2
	// coMentionZ is the normal quantile of the one-sided bound on a pair's
	// count (97.5%).
	coMentionZ = 1.96
	// Most latest articles and co-mentions a profile lists.
	MaxProfileLatest = 50
	MaxProfileWith   = 100
	profileOutlets   = 10
	// maxTimelineBuckets bounds a timeline: years 1600 to 2260 at the most.
	maxTimelineBuckets = 700
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
// appear with them most unusually (see CoMentionScore) and their latest
// articles (up to latest). It returns a corpus.ENotFound error for a name the
// archive does not show as a person (LookUpPerson says what became of it).
func (ix *Index) PersonProfile(ctx context.Context, name string, latest, with int) (corpus.PersonProfile, error) {
	latest = max(1, min(latest, MaxProfileLatest))
	with = max(0, min(with, MaxProfileWith))
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
	p := corpus.PersonProfile{Name: name, Aliases: ix.layer().aliases(name), Articles: int(res.Total),
		Latest: res.Hits, DateUnit: res.Facets.DateUnit, Timeline: []corpus.PersonBucket{}}
	learned, err := ix.records.learnedAliases(ix.layer(), name)
	if err != nil {
		return corpus.PersonProfile{}, fmt.Errorf("index: read the aliases of %q: %w", name, err)
	}
	p.Aliases = append(p.Aliases, learned...)
	if p.Aliases == nil {
		p.Aliases = []corpus.PersonAlias{}
	}
	p.Outlets = res.Facets.Outlet[:min(profileOutlets, len(res.Facets.Outlet))]
	if err := ix.personTimeline(ctx, &p, res.Facets.Published, totals); err != nil {
		return corpus.PersonProfile{}, err
	}
	p.MinTogether = MinTogether(p.Articles)
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
	var dated []corpus.DateBucket
	for _, b := range buckets {
		if b.Key == corpus.UndatedKey {
			p.Undated += b.Count
			continue
		}
		dated = append(dated, b)
	}
	if len(dated) == 0 {
		return nil
	}
	all := map[string]int{}
	switch p.DateUnit {
	case corpus.Day:
		days, err := ix.dayCounts(ctx, query.NewMatchAllQuery(), dated[0].From, dated[len(dated)-1].To)
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
	// Every bucket from the first to the last, the empty ones too (the day facet
	// leaves them out), so that the timeline shows the gaps.
	counts := map[string]int{}
	for _, b := range dated {
		counts[b.Key] += b.Count
	}
	unit := p.DateUnit
	for t := unit.Start(dated[0].From); t.Before(dated[len(dated)-1].To) && len(p.Timeline) < maxTimelineBuckets; t = unit.Next(t) {
		key := unit.Key(t)
		pb := corpus.PersonBucket{Key: key, From: t, To: unit.Next(t), Count: counts[key], All: all[key]}
		if pb.All > 0 {
			pb.Share = float64(pb.Count) / float64(pb.All)
		}
		p.Timeline = append(p.Timeline, pb)
	}
	return nil
}

// MinTogether is how many articles a person in articles must share with
// another before the pair is ranked: MinCoMentions, or a quarter of the square
// root of articles when that is more (3 at 118 articles, 5 at 391), so that
// the pairs of one or two chance meetings with rare names do not crowd a
// frequent person's list.
func MinTogether(articles int) int {
	return max(MinCoMentions, int(math.Ceil(math.Sqrt(float64(articles))/4)))
}

// coMentions returns up to n people named with name in at least
// MinTogether(articles) articles, most unusual pairing first (CoMentionScore).
func (ix *Index) coMentions(ctx context.Context, name string, articles int, totals *personTotals, n int) ([]corpus.CoMention, error) {
	least := MinTogether(articles)
	values, err := ix.FacetValues(ctx, FacetPerson, corpus.Query{Persons: []string{name}}, "", coMentionCandidates)
	if err != nil {
		return nil, err
	}
	out := []corpus.CoMention{}
	for _, v := range values {
		if v.Value == name || v.Count < least {
			continue
		}
		theirs := max(totals.persons[v.Value], v.Count)
		score, expected := CoMentionScore(v.Count, articles, theirs, totals.all)
		out = append(out, corpus.CoMention{Name: v.Value, Together: v.Count, Articles: theirs, Expected: expected, Score: score})
	}
	slices.SortFunc(out, func(a, b corpus.CoMention) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Together, a.Together), strings.Compare(a.Name, b.Name))
	})
	return out[:min(n, len(out))], nil
}

// CoMentionScore ranks a pair of people by how much more often they appear
// together than chance would have it, without letting a pair seen once or
// twice top the list: it is log2(low / expected), where expected =
// a*b/all is how many of all articles would name both if the a articles naming
// one and the b naming the other were independent, and low is the lower end of
// the 95% range of a Poisson count of together (Byar's approximation), so that a
// ratio measured on few articles counts for less. It returns the score in bits
// and expected.
func CoMentionScore(together, a, b, all int) (score, expected float64) {
	if together <= 0 || a <= 0 || b <= 0 || all <= 0 {
		return math.Inf(-1), 0
	}
	expected = float64(a) * float64(b) / float64(all)
	k := float64(together)
	low := k * math.Pow(1-1/(9*k)-coMentionZ/(3*math.Sqrt(k)), 3)
	if low <= 0 {
		return math.Inf(-1), expected
	}
	return math.Log2(low / expected), expected
}
