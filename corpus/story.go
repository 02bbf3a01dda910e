package corpus

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Story is the story view of an article: every copy of its story in the archive
// (the same wire text run by several outlets, or run again), the first first, and
// what each copy changed compared with the first.
type Story struct {
	// ID is the story's key (corpus.Article.Story).
	ID string `json:"id"`
	// Summary says in a sentence who ran it first and who picked it up, how fast:
	// "First ran in Daily Alpha; picked up by 2 outlets within 3 hours."
	Summary string `json:"summary"`
	// FirstOutlet is the outlet of the first copy; "" when it has none.
	FirstOutlet string `json:"first_outlet"`
	// Outlets counts the outlets that ran the story, each copy without an
	// outlet counted as one of its own.
	Outlets int `json:"outlets"`
	// PickedUpBy counts the outlets other than the first that ran it.
	PickedUpBy int `json:"picked_up_by"`
	// WithinMinutes is the time from the first copy to the last dated copy of
	// another outlet, in minutes; null when it cannot be told.
	WithinMinutes *int `json:"within_minutes"`
	// Undated counts the copies without a published date: they are listed after
	// the dated ones, in the order they arrived.
	Undated int `json:"undated"`
	// Copies are the story's copies, the first first.
	Copies []StoryCopy `json:"copies"`
	// Truncated says the story has more copies than are listed.
	Truncated bool `json:"truncated"`
}

// StoryCopy is one copy in a Story.
type StoryCopy struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	URL       string    `json:"url,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	Published time.Time `json:"published,omitzero"`
	// First marks the first copy, the one the others are compared with.
	First bool `json:"first"`
	// AlsoIn counts the other outlets of the story (each copy without an outlet
	// counted as one).
	AlsoIn int `json:"also_in"`
	// Changes are what the copy changed compared with the first; nil for the
	// first.
	Changes *WordDiff `json:"changes"`
}

// storyDiffContext is how many words of an unchanged run the story view keeps on
// each side of a change.
const storyDiffContext = 6

// MaxStoryCopies bounds the copies one story view lists and compares.
const MaxStoryCopies = 100

// NewStory orders copies (the articles of one story) by time, the first first,
// and describes them. Dated copies come first, by published date; undated ones
// after, in the order they were ingested. more says the story has copies beyond
// these.
func NewStory(id string, copies []Article, more bool) Story {
	copies = slices.Clone(copies)
	slices.SortStableFunc(copies, func(a, b Article) int {
		if az, bz := a.Published.IsZero(), b.Published.IsZero(); az != bz {
			if az {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Published.Compare(b.Published), a.IngestedAt.Compare(b.IngestedAt), strings.Compare(a.ID, b.ID))
	})
	s := Story{ID: id, Copies: []StoryCopy{}, Truncated: more}
	if len(copies) == 0 {
		return s
	}
	// An outlet is its folded name; each copy without one stands alone.
	outletOf := func(i int) string {
		if o := Fold(copies[i].Outlet); o != "" {
			return "o:" + o
		}
		return fmt.Sprintf("n:%d", i)
	}
	all := map[string]bool{}
	for i := range copies {
		all[outletOf(i)] = true
	}
	first := copies[0]
	s.FirstOutlet, s.Outlets = first.Outlet, len(all)
	s.PickedUpBy = len(all) - 1
	var last time.Time
	for i, a := range copies {
		if a.Published.IsZero() {
			s.Undated++
		} else if i > 0 && outletOf(i) != outletOf(0) && a.Published.After(last) {
			last = a.Published
		}
		c := StoryCopy{ID: a.ID, Title: a.Title, URL: a.URL, Outlet: a.Outlet, Published: a.Published, First: i == 0}
		c.AlsoIn = len(all) - 1
		if i > 0 {
			d := DiffWords(first.Body, a.Body, storyDiffContext)
			c.Changes = &d
		}
		s.Copies = append(s.Copies, c)
	}
	if !first.Published.IsZero() && !last.IsZero() {
		m := int(last.Sub(first.Published).Minutes())
		s.WithinMinutes = &m
	}
	s.Summary = storySummary(s, len(copies))
	return s
}

// storySummary is the story's sentence.
func storySummary(s Story, copies int) string {
	where := s.FirstOutlet
	if where == "" {
		where = "a copy without an outlet"
	}
	var b strings.Builder
	if s.PickedUpBy == 0 {
		if copies == 1 {
			fmt.Fprintf(&b, "Ran only in %s", where)
		} else {
			fmt.Fprintf(&b, "Ran %d times, all in %s", copies, where)
		}
	} else {
		fmt.Fprintf(&b, "First ran in %s; picked up by %s", where, plural(s.PickedUpBy, "outlet", "outlets"))
		if s.WithinMinutes != nil {
			b.WriteString(" within " + span(*s.WithinMinutes))
		}
	}
	switch {
	case s.Undated > 0 && s.Undated == copies:
		b.WriteString(" (no copy is dated: they are in the order they arrived)")
	case s.Undated > 0:
		fmt.Fprintf(&b, " (%s undated, listed last and not timed)", plural(s.Undated, "copy is", "copies are"))
	}
	if s.Truncated {
		fmt.Fprintf(&b, "; only the first %d copies are listed", copies)
	}
	b.WriteString(".")
	return b.String()
}

// span says a number of minutes the way a reader would: minutes under an hour,
// hours under two days, days after; rounded up, as "within" promises.
func span(min int) string {
	switch {
	case min < 1:
		return "a minute"
	case min < 60:
		return plural(min, "minute", "minutes")
	case min < 48*60:
		return plural((min+59)/60, "hour", "hours")
	}
	return plural((min+24*60-1)/(24*60), "day", "days")
}

// plural writes n with the singular or the plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// MaxStoryBodyBytes is how much of each copy's text a story view holds: more
// than the words a diff compares (MaxDiffWords), so that a story of many long
// copies costs a bounded amount of memory on any engine.
const MaxStoryBodyBytes = 256 << 10

// ClipStoryText returns the first MaxStoryBodyBytes of s, cut at a rune's start.
func ClipStoryText(s string) string { return clipText(s, MaxStoryBodyBytes) }

// clipText returns the first n bytes of s, cut at a rune's start.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
