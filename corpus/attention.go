package corpus

import "time"

// Outlet attention: how much of the archive's coverage a search takes up over
// time, per outlet, in the manner of Media Cloud's "attention" charts. A count
// is of stories, not articles: the copies of one story (the near-duplicates the
// archive groups, Article.Story) in one bucket count once, so that a wire story
// run by five outlets does not weigh five times in the all-outlets line, and an
// outlet that ran two versions of its own story counts it once.

// MaxAttentionOutlets bounds the outlets a timeline may split into; the rest
// are added up as "others".
const MaxAttentionOutlets = 10

// DefaultAttentionOutlets is how many outlets a split shows when not told.
const DefaultAttentionOutlets = 5

// AttentionOptions says how to draw an attention timeline.
type AttentionOptions struct {
	// Outlets splits the search's line by outlet: the Outlets outlets with the
	// most matches, and the rest as "others". Zero: no split.
	Outlets int
	// Compare, when set, adds the line of a second query text, with the search's
	// filters, on the same buckets.
	Compare string
}

// Check returns an EInvalidRequest error for options out of bounds.
func (o AttentionOptions) Check() error {
	if o.Outlets < 0 || o.Outlets > MaxAttentionOutlets {
		return Errorf(EInvalidRequest, "a timeline splits into 1 to %d outlets, not %d", MaxAttentionOutlets, o.Outlets)
	}
	return nil
}

// AttentionBuckets returns the buckets of a timeline whose dated matches run
// from first to last, within the query's dates (from, to; zero: open): the unit
// the span picks (UnitFor) and every bucket from first's to last's.
func AttentionBuckets(first, last, from, to time.Time) (DateUnit, []DateBucket) {
	lo, hi := first, last.Add(time.Nanosecond)
	if !from.IsZero() && from.After(lo) {
		lo = from
	}
	if !to.IsZero() && to.Before(hi) {
		hi = to
	}
	unit := UnitFor(lo, hi)
	var out []DateBucket
	for t := unit.Start(first); !t.After(last); t = unit.Next(t) {
		out = append(out, DateBucket{Key: unit.Key(t), From: t, To: unit.Next(t)})
	}
	return unit, out
}

// The kinds of an AttentionSeries.
const (
	SeriesAll     = "all"     // the search, every outlet
	SeriesCompare = "compare" // the compared query text, every outlet
	SeriesOutlet  = "outlet"  // the search, one outlet
	SeriesOthers  = "others"  // the search, the outlets outside the split
)

// Attention is a timeline of a search's share of the archive: Buckets share one
// date unit; each series has a value per bucket.
type Attention struct {
	Unit DateUnit
	// Approximate is set when some counts are estimates (an engine that counts
	// distinct stories exactly only up to a bound: the OpenSearch engine).
	Approximate bool
	// Buckets are the dated buckets in order; Count is every story of the archive
	// published in the bucket (the all-outlets denominator).
	Buckets []DateBucket
	Series  []AttentionSeries
}

// AttentionSeries is one line: the stories that match per bucket, and the
// stories they are a share of (Totals: the outlet's, or the archive's for the
// all-outlets lines).
type AttentionSeries struct {
	Kind string
	// Outlet names the outlet of a SeriesOutlet line.
	Outlet string
	// Query is the query text of a SeriesAll or SeriesCompare line.
	Query   string
	Matches []int
	Totals  []int
	// Undated counts the matching articles without a date, which no bucket holds.
	Undated int
}

// Share is the series' share of its total in bucket i, 0 when the total is 0.
func (s AttentionSeries) Share(i int) float64 {
	if s.Totals[i] == 0 {
		return 0
	}
	return float64(s.Matches[i]) / float64(s.Totals[i])
}
