package corpus

import (
	"testing"
	"time"
)

func TestNewStorySummary(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2024, 3, 5, h, m, 0, 0, time.UTC) }
	body := "The council voted on Tuesday to close the old bridge to traffic until repairs are done."
	tests := []struct {
		name   string
		copies []Article
		want   string
		first  string
		alsoIn []int
	}{
		{"one copy", []Article{{ID: "a", Outlet: "Daily Alpha", Published: at(9, 0), Body: body}},
			"Ran only in Daily Alpha.", "a", []int{0}},
		{"hours, the original given last", []Article{
			{ID: "c", Outlet: "Gamma Times", Published: at(11, 50), Body: body},
			{ID: "b", Outlet: "Beta Herald", Published: at(9, 40), Body: body},
			{ID: "a", Outlet: "Daily Alpha", Published: at(9, 0), Body: body},
		}, "First ran in Daily Alpha; picked up by 2 outlets within 3 hours.", "a", []int{2, 2, 2}},
		{"minutes, one outlet", []Article{
			{ID: "a", Outlet: "Daily Alpha", Published: at(9, 0), Body: body},
			{ID: "b", Outlet: "Beta Herald", Published: at(9, 45), Body: body},
		}, "First ran in Daily Alpha; picked up by 1 outlet within 45 minutes.", "a", []int{1, 1}},
		{"a copy without an outlet counts, an undated one is said", []Article{
			{ID: "a", Outlet: "Daily Alpha", Published: at(9, 0), Body: body},
			{ID: "b", Published: at(10, 0), Body: body},
			{ID: "c", Outlet: "Beta Herald", Body: body},
		}, "First ran in Daily Alpha; picked up by 2 outlets within 1 hour (1 copy is undated, listed last and not timed).", "a", []int{2, 2, 2}},
		{"the same outlet twice is one outlet", []Article{
			{ID: "a", Outlet: "Daily Alpha", Published: at(9, 0), Body: body},
			{ID: "b", Outlet: "DAILY ALPHA", Published: at(11, 0), Body: body},
			{ID: "c", Outlet: "Beta Herald", Published: at(9, 30), Body: body},
		}, "First ran in Daily Alpha; picked up by 1 outlet within 30 minutes.", "a", []int{1, 1, 1}},
		{"all undated", []Article{
			{ID: "b", Outlet: "Beta Herald", Body: body, IngestedAt: at(2, 0)},
			{ID: "a", Outlet: "Daily Alpha", Body: body, IngestedAt: at(1, 0)},
		}, "First ran in Daily Alpha; picked up by 1 outlet (no copy is dated: they are in the order they arrived).", "a", []int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStory("s", tt.copies, false)
			if s.Summary != tt.want {
				t.Errorf("summary\n got %q\nwant %q", s.Summary, tt.want)
			}
			if s.Copies[0].ID != tt.first || !s.Copies[0].First || s.Copies[0].Changes != nil {
				t.Errorf("first copy %+v; want %s, marked first, without changes", s.Copies[0], tt.first)
			}
			for i, c := range s.Copies {
				if c.AlsoIn != tt.alsoIn[i] {
					t.Errorf("copy %s: also in %d; want %d", c.ID, c.AlsoIn, tt.alsoIn[i])
				}
				if i > 0 && (c.Changes == nil || c.Changes.Inserted+c.Changes.Deleted != 0) {
					t.Errorf("copy %s: changes %+v; want none", c.ID, c.Changes)
				}
			}
		})
	}
}

func TestClipTextCutsAtARune(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"héllo", 2, "h"}, {"héllo", 3, "hé"}, {"abc", 5, "abc"}, {"日本", 4, "日"}} {
		if got := clipText(c.in, c.n); got != c.want {
			t.Errorf("clipText(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
