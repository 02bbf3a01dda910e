package corpus

import (
	"fmt"
	"strings"
	"time"
)

// Sort orders search results.
type Sort string

// The orders a search can ask for.
const (
	SortRelevance Sort = "relevance"
	SortNewest    Sort = "newest"
	SortOldest    Sort = "oldest"
	// SortArrived puts the articles that arrived in the archive last first.
	SortArrived Sort = "arrived"
)

// ParseSort returns the Sort named by s ("" means relevance), or an Invalid error.
func ParseSort(s string) (Sort, error) {
	switch Sort(s) {
	case "", SortRelevance:
		return SortRelevance, nil
	case SortNewest, SortOldest, SortArrived:
		return Sort(s), nil
	}
	return "", Errorf(EInvalidRequest, "sort %q is not known: use relevance, newest, oldest or arrived (newest arrival first)", s)
}

// Limits on paging, so that one request can never ask the engine for an unbounded
// amount of work.
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
	// MaxResultWindow bounds page*size: deeper pages cost more than they are worth;
	// narrowing the search with filters is the way there.
	MaxResultWindow = 10000
	// maxPage bounds page numbers even with a cursor, so that offsets never overflow.
	maxPage = 1 << 20
)

// Operator is how the words of a query without AND or OR between them combine.
type Operator string

// The operators a search can ask for.
const (
	// OpAnd, the default, requires every word (as the search engines people use
	// every day do).
	OpAnd Operator = "and"
	// OpOr takes any of the words, ranking articles with more of them first.
	OpOr Operator = "or"
)

// ParseOperator returns the Operator named by s ("" for none: OpAnd), or an Invalid error.
func ParseOperator(s string) (Operator, error) {
	switch Operator(strings.ToLower(s)) {
	case "":
		return "", nil
	case OpAnd:
		return OpAnd, nil
	case OpOr:
		return OpOr, nil
	}
	return "", Errorf(EInvalidRequest, "op=%q is not known: use op=and (every word must match, the default) or op=or (any word)", s)
}

// Query is one search: free text plus filters, an order and a page.
type Query struct {
	// Text uses the query syntax in the README (package query parses it); ""
	// browses everything that matches the filters.
	Text string
	// Op combines the words of Text that have no operator between them; "" is OpAnd.
	Op Operator
	// Persons must all be mentioned in an article.
	Persons []string
	// Outlets: an article from any of them matches.
	Outlets []string
	// NotPersons and NotOutlets exclude the articles that mention any of those
	// people or come from any of those outlets.
	NotPersons, NotOutlets []string
	// Undated keeps only the articles whose date is unknown; From and To must
	// then be zero.
	Undated bool
	// From and To bound the published date, inclusive of From and exclusive of To;
	// the zero time leaves that end open.
	From, To time.Time
	// ArrivedFrom and ArrivedTo bound when an article arrived in the archive
	// (Article.ArrivedAt), inclusive of ArrivedFrom and exclusive of ArrivedTo;
	// the zero time leaves that end open. An article whose arrival is unknown
	// is outside every such range.
	ArrivedFrom, ArrivedTo time.Time
	Sort                   Sort
	// Collapse shows one hit per story (the best-ranked copy) instead of every copy.
	Collapse bool
	// Page counts from 1.
	Page, Size int
	// After is the cursor of the hit before this page (Results.Next of the page
	// before): the search continues from there, at the same cost however deep it
	// is, and Page only numbers the page for display.
	After string
}

// Validate checks the parts of q that do not depend on the engine, filling in the
// default page and size. It returns an Invalid error saying how to fix the query.
func (q *Query) Validate() error {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Size == 0 {
		q.Size = DefaultPageSize
	}
	if q.Sort == "" {
		q.Sort = SortRelevance
	}
	switch {
	case q.Page < 1:
		return Errorf(EInvalidRequest, "page must be 1 or more, not %d", q.Page)
	case q.Size < 1 || q.Size > MaxPageSize:
		return Errorf(EInvalidRequest, "size must be between 1 and %d, not %d", MaxPageSize, q.Size)
	case q.Page > maxPage:
		return Errorf(EInvalidRequest, "page %d is beyond any archive: follow the next links (they carry a cursor, after=) to go deep", q.Page)
	case q.Page > MaxResultWindow/q.Size && q.After == "": // not Page*Size: that overflows
		return Errorf(EPageOutOfRange,
			"page %d of size %d reaches past result %d, the deepest a page number reaches: follow the next links (they carry a cursor, after=) or narrow the search with filters",
			q.Page, q.Size, MaxResultWindow)
	case q.Undated && (!q.From.IsZero() || !q.To.IsZero()):
		return Errorf(EInvalidRequest, "undated=only keeps the articles without a date, so it cannot go with from or to: drop one of them")
	case !q.From.IsZero() && CheckDate("from", q.From) != nil:
		return CheckDate("from="+q.From.Format(time.DateOnly), q.From)
	case !q.To.IsZero() && CheckDate("to", q.To) != nil:
		return CheckDate("to="+q.To.Format(time.DateOnly), q.To)
	case !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To):
		return Errorf(EInvalidDate, "from (%s) must be before to (%s)",
			q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	case !q.ArrivedFrom.IsZero() && CheckDate("arrived_from", q.ArrivedFrom) != nil:
		return CheckDate("arrived_from="+q.ArrivedFrom.Format(time.RFC3339), q.ArrivedFrom)
	case !q.ArrivedTo.IsZero() && CheckDate("arrived_to", q.ArrivedTo) != nil:
		return CheckDate("arrived_to="+q.ArrivedTo.Format(time.RFC3339), q.ArrivedTo)
	case !q.ArrivedFrom.IsZero() && !q.ArrivedTo.IsZero() && !q.ArrivedFrom.Before(q.ArrivedTo):
		return Errorf(EInvalidDate, "arrived_from (%s) must be before arrived_to (%s)",
			q.ArrivedFrom.Format(time.RFC3339), q.ArrivedTo.Format(time.RFC3339))
	}
	return nil
}

// Offset is the number of hits before the first one on q's page.
func (q *Query) Offset() int { return (q.Page - 1) * q.Size }

// Results is the answer to a Query.
type Results struct {
	Total  uint64        `json:"total"`
	Took   time.Duration `json:"-"`
	Hits   []Hit         `json:"hits"`
	Facets Facets        `json:"facets"`
	// Next is the cursor (Query.After) of the page after this one, "" on the last.
	Next string `json:"next,omitempty"`
	// Suggestions name, for each person or outlet filter that matches no value in
	// the archive, the nearest values there are ("did you mean").
	Suggestions []Suggestion `json:"suggestions"`
	// Notices are remarks on how the query was read that the user may not expect,
	// such as lower-case "and" or "or" searched as words.
	Notices []string `json:"notices"`
}

// Suggestion is a filter value that matched nothing, with the nearest values the
// archive holds, best first.
type Suggestion struct {
	// Param is the search parameter: person, outlet, not_person or not_outlet.
	Param string `json:"param"`
	// Value is the value as it was given.
	Value string `json:"value"`
	// DidYouMean are the nearest values, best first; empty when none is near.
	DidYouMean []string `json:"did_you_mean"`
}

// Hit is one article in Results.
type Hit struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	URL       string    `json:"url,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Persons   []string  `json:"persons"`
	// Story is the story the article is a copy of (its own ID when it has no copies).
	Story string `json:"story"`
	// AlsoIn counts the other outlets in the archive that ran the same story.
	AlsoIn int `json:"also_in"`
	// Snippet is HTML: the matched terms inside <mark>, everything else escaped.
	Snippet string `json:"snippet"`
}

// Facets counts the hits of a search by person, outlet and published date.
type Facets struct {
	Person    []FacetValue `json:"person"`
	Outlet    []FacetValue `json:"outlet"`
	Published []DateBucket `json:"published"`
	// DateUnit is the bucket size the published facet was drawn with.
	DateUnit DateUnit `json:"date_unit"`
}

// FacetValue is one value of a facet with the number of hits that carry it.
type FacetValue struct {
	Value    string `json:"value"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
	// Excluded marks a value the query filters out (Query.NotPersons,
	// Query.NotOutlets); its Count is how many hits it would add back.
	Excluded bool `json:"excluded,omitempty"`
}

// UndatedKey is the DateBucket.Key of the articles whose date is unknown.
const UndatedKey = "undated"

// DateBucket counts the hits published in [From, To). The bucket of undated
// articles has Key UndatedKey and zero From and To.
type DateBucket struct {
	Key   string    `json:"key"`
	From  time.Time `json:"from,omitzero"`
	To    time.Time `json:"to,omitzero"`
	Count int       `json:"count"`
}

// DateUnit is the size of a date facet bucket.
type DateUnit string

// The bucket sizes of the published facet.
const (
	Year  DateUnit = "year"
	Month DateUnit = "month"
	Day   DateUnit = "day"
)

// Start returns the start of the bucket of unit u that holds t (in UTC).
func (u DateUnit) Start(t time.Time) time.Time {
	t = t.UTC()
	switch u {
	case Year:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
}

// Next returns the start of the bucket after the one starting at t.
func (u DateUnit) Next(t time.Time) time.Time {
	switch u {
	case Year:
		return t.AddDate(1, 0, 0)
	case Month:
		return t.AddDate(0, 1, 0)
	default:
		return t.AddDate(0, 0, 1)
	}
}

// Key names the bucket starting at t: "2024", "2024-11" or "2024-11-05".
func (u DateUnit) Key(t time.Time) string {
	switch u {
	case Year:
		return t.Format("2006")
	case Month:
		return t.Format("2006-01")
	default:
		return t.Format("2006-01-02")
	}
}

// Most buckets a date facet draws before it moves to a larger unit.
const (
	maxDayBuckets   = 62
	maxMonthBuckets = 36
)

// SpanUnit returns the date facet's unit when q's own dates settle it (both
// ends given), and whether that span is counted per day straight away; else "".
func (q Query) SpanUnit() (DateUnit, bool) {
	if q.From.IsZero() || q.To.IsZero() {
		return "", false
	}
	unit := UnitFor(q.From, q.To)
	return unit, unit == Day
}

// UnitFor picks the bucket size for a date range in view: days for up to two
// months, months for up to three years, years beyond.
func UnitFor(first, last time.Time) DateUnit {
	switch {
	case last.Sub(first) < maxDayBuckets*24*time.Hour:
		return Day
	case monthsBetween(first, last) < maxMonthBuckets:
		return Month
	}
	return Year
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// ParseDate reads a date as a user types it: 2024, 2024-11, 2024-11-05 or RFC 3339.
// It returns an InvalidDate error naming the field and the accepted forms.
func ParseDate(field, s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, Errorf(EInvalidDate,
		"%s=%q is not a date: use 2024-11-05, 2024-11, 2024 or RFC 3339 such as 2024-11-05T14:30:00Z", field, s)
}

// The span of dates a search can filter on: an engine counts time in nanoseconds
// from 1970 in 64 bits, which reaches from 1677 to 2262.
var (
	MinSearchDate = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxSearchDate = time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CheckDate returns an InvalidDate error when t is outside the dates a search can
// filter on ([MinSearchDate, MaxSearchDate]); what names the date as the user
// wrote it (to=9999). The zero time (0001-01-01) is outside too: callers check
// an open end before.
func CheckDate(what string, t time.Time) error {
	if !t.Before(MinSearchDate) && !t.After(MaxSearchDate) {
		return nil
	}
	return Errorf(EInvalidDate, "%s is outside the dates the archive can search (%d to %d): leave that end of the range open instead",
		what, MinSearchDate.Year(), MaxSearchDate.Year()-1)
}

// String describes q for logs.
func (q Query) String() string {
	return fmt.Sprintf("q=%q persons=%q outlets=%q not_persons=%q not_outlets=%q from=%s to=%s arrived_from=%s arrived_to=%s undated=%t sort=%s page=%d size=%d after=%q",
		q.Text, q.Persons, q.Outlets, q.NotPersons, q.NotOutlets, q.From.Format(time.DateOnly), q.To.Format(time.DateOnly),
		q.ArrivedFrom.Format(time.RFC3339), q.ArrivedTo.Format(time.RFC3339), q.Undated, q.Sort, q.Page, q.Size, q.After)
}

// ParseDateEnd reads the end of a date range as a user types it, taking a bare
// date to include all of it: to=2024-11-30 ends at the start of December 1st,
// to=2024-11 at the start of December, to=2024 at the start of 2025. An RFC 3339
// time is taken as it is. Errors are as for ParseDate.
func ParseDateEnd(field, s string) (time.Time, error) {
	t, err := ParseDate(field, s)
	if err != nil {
		return t, err
	}
	switch len(s) {
	case len("2006"):
		return Year.Next(t), nil
	case len("2006-01"):
		return Month.Next(t), nil
	case len("2006-01-02"):
		return Day.Next(t), nil
	}
	return t, nil
}

// Related is the coverage related to one article.
type Related struct {
	// Copies are the same story as run by other outlets (and other copies in the
	// same outlet), oldest first.
	Copies []Hit `json:"copies"`
	// Similar are the other articles most alike in wording, best first; copies of
	// the story are not among them.
	Similar []Hit `json:"similar"`
}

// Marked is an article's title and body as HTML: the terms a query matched in
// <mark>, everything else escaped. Title or Body is "" when the query matched
// nothing in it.
type Marked struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// DateView is what a date facet shows of a search's dated hits, whatever the
// engine: the span in view, from the first month holding a hit to the end of the
// last, narrowed to the query's own range (From, To); the bucket unit for that
// span (see UnitFor); and, for a unit of a month or more, the months' counts
// rolled up into buckets of that unit from the first month on, the empty ones
// between included so that a timeline shows the gaps. For a unit of a day the
// engine counts the days of the span itself (Buckets is nil).
type DateView struct {
	From, To time.Time
	Unit     DateUnit
	Buckets  []DateBucket
}

// ViewDates makes the DateView of a search for q whose dated hits fall in months
// (each month's first instant: its hits); months outside the dates the archive
// keeps are left out. ok is false when no month holds a hit.
func ViewDates(q Query, months map[time.Time]int) (v DateView, ok bool) {
	var first, last time.Time
	for m, n := range months {
		if n == 0 || !Keeps(m) {
			continue
		}
		if first.IsZero() || m.Before(first) {
			first = m
		}
		if m.After(last) {
			last = m
		}
	}
	if first.IsZero() {
		return DateView{}, false
	}
	end := Month.Next(last)
	v.From, v.To = first, end
	if !q.From.IsZero() && q.From.After(v.From) {
		v.From = q.From
	}
	if !q.To.IsZero() && q.To.Before(v.To) {
		v.To = q.To
	}
	v.Unit = UnitFor(v.From, v.To)
	if v.Unit == Day {
		return v, true
	}
	counts := map[time.Time]int{}
	for m, n := range months {
		if !m.Before(first) && m.Before(end) {
			counts[v.Unit.Start(m)] += n
		}
	}
	v.Buckets = SpanBuckets(first, end, v.Unit, counts)
	return v, true
}

// SpanBuckets are the buckets of unit from from to to, the empty ones too, with
// the counts of counts (keyed by each bucket's start).
func SpanBuckets(from, to time.Time, unit DateUnit, counts map[time.Time]int) []DateBucket {
	out := []DateBucket{}
	for t := unit.Start(from); t.Before(to); t = unit.Next(t) {
		out = append(out, DateBucket{Key: unit.Key(t), From: t, To: unit.Next(t), Count: counts[t]})
	}
	return out
}

// TrimEmptyBuckets drops the empty buckets at both ends.
func TrimEmptyBuckets(b []DateBucket) []DateBucket {
	for len(b) > 0 && b[0].Count == 0 {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1].Count == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// Keeps reports whether a date facet counts the instant t among the dates: the
// archive keeps dates from EarliestPublished and searches them before
// MaxSearchDate.
func Keeps(t time.Time) bool { return !t.Before(EarliestPublished) && t.Before(MaxSearchDate) }

// The facets whose values can be listed and searched (FacetValues of each engine).
const (
	FacetPerson = "person"
	FacetOutlet = "outlet"
)

// FacetSelection returns the values q chooses and excludes of facet, the
// filters that the facet's own values are counted beside; a corpus.ENotFound
// error for a facet that is neither person nor outlet.
func FacetSelection(facet string, q Query) (selected, excluded []string, err error) {
	switch facet {
	case FacetPerson:
		return q.Persons, q.NotPersons, nil
	case FacetOutlet:
		return q.Outlets, q.NotOutlets, nil
	}
	return nil, nil, Errorf(ENotFound, "there is no facet %q: ask for person or outlet", facet)
}
