package corpus

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// What a person page shows, the same on both engines: how co-mentions are
// scored and ranked, and how the timeline is laid out. The engines count; these
// functions decide.

// Person page bounds.
const (
	// MinCoMentions is how many articles two people must share before the
	// person page ranks the pair; more for a person in many articles
	// (MinTogether).
	MinCoMentions = 2
	// CoMentionCandidates bounds the people counted with one person.
	CoMentionCandidates = 2000
	// Most latest articles and co-mentions a profile lists, and the outlets it shows.
	MaxProfileLatest = 50
	MaxProfileWith   = 100
	ProfileOutlets   = 10
	// MaxPersonTimeline bounds a timeline: years 1600 to 2260 at the most.
	MaxPersonTimeline = 700
	// coMentionZ is the normal quantile of the one-sided bound on a pair's
	// count (97.5%).
	coMentionZ = 1.96
)

// MinTogether is how many articles a person in articles must share with
// another before the pair is ranked: MinCoMentions, or a quarter of the square
// root of articles when that is more (3 at 118 articles, 5 at 391), so that
// the pairs of one or two chance meetings with rare names do not crowd a
// frequent person's list.
func MinTogether(articles int) int {
	return max(MinCoMentions, int(math.Ceil(math.Sqrt(float64(articles))/4)))
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

// CoMentionPairs returns the values of the person facet under a filter on
// name (together: the articles naming both) that may be ranked: not name, and
// sharing at least MinTogether(articles) articles.
func CoMentionPairs(name string, articles int, together []FacetValue) []FacetValue {
	least := MinTogether(articles)
	var out []FacetValue
	for _, v := range together {
		if v.Value != name && v.Count >= least {
			out = append(out, v)
		}
	}
	return out
}

// RankCoMentions scores the pairs of CoMentionPairs (theirs: the articles
// naming each; all: the archive's articles) and returns the first n, most
// unusual pairing first, then most shared, then by name.
func RankCoMentions(articles, all int, pairs []FacetValue, theirs map[string]int, n int) []CoMention {
	out := []CoMention{}
	for _, v := range pairs {
		b := max(theirs[v.Value], v.Count)
		score, expected := CoMentionScore(v.Count, articles, b, all)
		out = append(out, CoMention{Name: v.Value, Together: v.Count, Articles: b, Expected: expected, Score: score})
	}
	slices.SortFunc(out, func(a, b CoMention) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Together, a.Together), strings.Compare(a.Name, b.Name))
	})
	return out[:min(n, len(out))]
}

// DatedBuckets splits a person's date facet into its dated buckets and the
// count of undated articles.
func DatedBuckets(buckets []DateBucket) (dated []DateBucket, undated int) {
	for _, b := range buckets {
		if b.Key == UndatedKey {
			undated += b.Count
			continue
		}
		dated = append(dated, b)
	}
	return dated, undated
}

// PersonTimeline lays out a person's timeline in unit: every bucket from the
// first dated one to the last, the empty ones too (so that the timeline shows
// the gaps), with the person's count, all (the archive's articles per bucket
// key) and the share; at most MaxPersonTimeline buckets.
func PersonTimeline(unit DateUnit, dated []DateBucket, all map[string]int) []PersonBucket {
	out := []PersonBucket{}
	if len(dated) == 0 {
		return out
	}
	counts := map[string]int{}
	for _, b := range dated {
		counts[b.Key] += b.Count
	}
	for t := unit.Start(dated[0].From); t.Before(dated[len(dated)-1].To) && len(out) < MaxPersonTimeline; t = unit.Next(t) {
		key := unit.Key(t)
		pb := PersonBucket{Key: key, From: t, To: unit.Next(t), Count: counts[key], All: all[key]}
		if pb.All > 0 {
			pb.Share = float64(pb.Count) / float64(pb.All)
		}
		out = append(out, pb)
	}
	return out
}

// TimelineSpan is the dates a timeline of dated buckets covers.
func TimelineSpan(dated []DateBucket) (from, to time.Time) {
	return dated[0].From, dated[len(dated)-1].To
}
