package corpus

import (
	"strings"
	"testing"
	"time"
)

// TestCheckPublished keeps the dates an article can have been published on and
// clears the rest with a warning that names the value.
func TestCheckPublished(t *testing.T) {
	now := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		published time.Time
		warning   string // "" when the date is kept
	}{
		{published: time.Time{}},
		{published: time.Date(2024, 11, 5, 9, 0, 0, 0, time.UTC)},
		{published: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)},
		{published: now.Add(47 * time.Hour)},
		{published: time.Date(1599, 12, 31, 23, 59, 0, 0, time.UTC), warning: "the published date 1599-12-31T23:59:00Z is before 1600: stored undated"},
		{published: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), warning: "0001-01-01T00:00:01Z is before 1600"},
		{published: now.Add(49 * time.Hour), warning: "2025-03-05T13:00:00Z is more than two days in the future"},
		{published: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), warning: "9999-12-31T00:00:00Z is more than two days in the future"},
		{published: time.Date(2500, 6, 1, 0, 0, 0, 0, time.FixedZone("", 3600)), warning: "2500-06-01T00:00:00+01:00"},
	} {
		a := Article{Published: tc.published, PublishedSource: DateFromRecord}
		got := a.CheckPublished(now)
		switch {
		case tc.warning == "" && (got != "" || !a.Published.Equal(tc.published) || a.PublishedSource != DateFromRecord):
			t.Errorf("%v: warning %q, published %v (%s); want it kept", tc.published, got, a.Published, a.PublishedSource)
		case tc.warning != "" && (!strings.Contains(got, tc.warning) || !a.Published.IsZero() || a.PublishedSource != ""):
			t.Errorf("%v: warning %q, published %v (%s); want it undated with a warning %q", tc.published, got, a.Published, a.PublishedSource, tc.warning)
		}
	}
}

func TestCheckID(t *testing.T) {
	for _, tc := range []struct{ id, problem string }{
		{id: "a1"},
		{id: "feed/7?x y"},
		{id: "Ünïcödé-ÏD"},
		{id: strings.Repeat("x", MaxIDBytes)},
		{id: "a\x00b", problem: `its id "a\x00b" holds the control character U+0000`},
		{id: "a\x1b[31mred", problem: "U+001B"},
		{id: "two\nlines", problem: "U+000A"},
		{id: "c1\u0085", problem: "U+0085"},
		{id: "bad\xff", problem: "not valid UTF-8"},
		{id: strings.Repeat("x", MaxIDBytes+1), problem: "longer than 512 bytes"},
	} {
		if got := CheckID(tc.id); !strings.Contains(got, tc.problem) || (tc.problem == "") != (got == "") {
			t.Errorf("CheckID(%q) = %q, want %q", tc.id, got, tc.problem)
		}
	}
}
