package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/article-archive/archive/corpus"
)

// PersonProfile returns what the archive knows of the person it shows as name,
// as the Bleve engine does (the scores and layout are package corpus's): the
// names the people edits merged or renamed into it or the name book moved to it, how many articles name
// them, their timeline beside the archive's, the outlets naming them most, the
// people who appear with them most unusually (corpus.RankCoMentions) and their
// latest articles (up to latest). Every count is an aggregation of bounded size:
// no request reads more than corpus.CoMentionCandidates names or
// corpus.MaxPersonTimeline buckets. It returns a corpus.ENotFound error for a
// name the archive does not show as a person (LookUpPerson says what became of
// it).
func (e *Engine) PersonProfile(ctx context.Context, name string, latest, with int) (corpus.PersonProfile, error) {
	latest = max(1, min(latest, corpus.MaxProfileLatest))
	with = max(0, min(with, corpus.MaxProfileWith))
	n, err := e.PersonCount(ctx, name)
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	if n == 0 {
		return corpus.PersonProfile{}, corpus.Errorf(corpus.ENotFound, "there is no person named %q in the archive", name)
	}
	res, err := e.Search(ctx, corpus.Query{Persons: []string{name}, Sort: corpus.SortNewest, Size: latest})
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	l, _, err := e.layer(ctx)
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	p := corpus.PersonProfile{Name: name, Aliases: l.Aliases(name), Articles: int(res.Total),
		Latest: res.Hits, DateUnit: res.Facets.DateUnit, MinTogether: corpus.MinTogether(int(res.Total))}
	learned, err := e.learnedAliases(ctx, l, name)
	if err != nil {
		return corpus.PersonProfile{}, err
	}
	p.Aliases = append(p.Aliases, learned...)
	if p.Aliases == nil {
		p.Aliases = []corpus.PersonAlias{}
	}
	p.Outlets = res.Facets.Outlet[:min(corpus.ProfileOutlets, len(res.Facets.Outlet))]
	dated, undated := corpus.DatedBuckets(res.Facets.Published)
	p.Undated = undated
	all := map[string]int{}
	if len(dated) > 0 {
		from, to := corpus.TimelineSpan(dated)
		if all, err = e.countPerUnit(ctx, p.DateUnit, from, to); err != nil {
			return corpus.PersonProfile{}, err
		}
	}
	p.Timeline = corpus.PersonTimeline(p.DateUnit, dated, all)
	if with > 0 {
		if p.With, err = e.coMentions(ctx, name, p.Articles, with); err != nil {
			return corpus.PersonProfile{}, err
		}
	}
	return p, nil
}

// calendarInterval is a date unit as a date histogram's interval.
func calendarInterval(unit corpus.DateUnit) string {
	switch unit {
	case corpus.Year:
		return "year"
	case corpus.Month:
		return "month"
	}
	return "day"
}

// countPerUnit counts all the archive's articles per bucket of unit in [from, to).
func (e *Engine) countPerUnit(ctx context.Context, unit corpus.DateUnit, from, to time.Time) (map[string]int, error) {
	body := dsl{
		"size": 0, "query": dateRange(from, to),
		"aggs": dsl{"dates": dsl{"date_histogram": dsl{"field": fieldPublished, "calendar_interval": calendarInterval(unit), "min_doc_count": 1}}},
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: count the archive's articles per %s: %w", unit, err)
	}
	var aggs struct {
		Dates termsAgg `json:"dates"`
	}
	if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
		return nil, fmt.Errorf("opensearch: read the archive's articles per %s: %w", unit, err)
	}
	out := map[string]int{}
	for t, n := range histogram(aggs.Dates) {
		out[unit.Key(unit.Start(t))] += n
	}
	return out, nil
}

// coMentions returns up to n people named with name, most unusual pairing
// first: the person facet under a filter on name gives the pairs, and one
// terms aggregation over the archive, of those names only, their own counts.
func (e *Engine) coMentions(ctx context.Context, name string, articles, n int) ([]corpus.CoMention, error) {
	values, err := e.FacetValues(ctx, FacetPerson, corpus.Query{Persons: []string{name}}, "", corpus.CoMentionCandidates)
	if err != nil {
		return nil, err
	}
	pairs := corpus.CoMentionPairs(name, articles, values)
	names := make([]string, len(pairs))
	for i, v := range pairs {
		names[i] = v.Value
	}
	body := dsl{"size": 0, "track_total_hits": true}
	if len(names) > 0 {
		body["aggs"] = dsl{"theirs": dsl{"terms": dsl{"field": fieldPersons, "include": names, "size": len(names)}}}
	}
	var res searchResponse
	if err := e.do(ctx, http.MethodPost, "/"+e.index+"/_search", body, &res); err != nil {
		return nil, fmt.Errorf("opensearch: count the people named with %q: %w", name, err)
	}
	theirs := map[string]int{}
	if len(names) > 0 {
		var aggs struct {
			Theirs termsAgg `json:"theirs"`
		}
		if err := json.Unmarshal(res.Aggregations, &aggs); err != nil {
			return nil, fmt.Errorf("opensearch: read the people named with %q: %w", name, err)
		}
		for _, b := range aggs.Theirs.Buckets {
			if s, ok := b.Key.(string); ok {
				theirs[s] = b.DocCount
			}
		}
	}
	return corpus.RankCoMentions(articles, int(res.Hits.Total.Value), pairs, theirs, n), nil
}
