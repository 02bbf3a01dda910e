package extract

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindCredits(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		authors []string
		credits []string // the text of each span
	}{
		{
			name:    "byline at the top",
			text:    "By Mei Tanaka\nThe bridge fell on Monday.",
			authors: []string{"Mei Tanaka"},
			credits: []string{"By Mei Tanaka"},
		},
		{
			name:    "closing credit with the outlet",
			text:    "The bridge fell.\n\n— Reported by Ana Ruiz for The Northern Ledger",
			authors: []string{"Ana Ruiz"},
			credits: []string{"— Reported by Ana Ruiz for The Northern Ledger"},
		},
		{
			name:    "two authors, a role and an agency",
			text:    "By Jane Doe and John Roe, Staff writers\nBy Peter Torday, Reuters\nText.",
			authors: []string{"Jane Doe", "John Roe", "Peter Torday"},
			credits: []string{"By Jane Doe and John Roe, Staff writers", "By Peter Torday, Reuters"},
		},
		{
			name:    "role before and after the name",
			text:    "Staff writer David Renshaw\nAna Ruiz, Staff writer\nText.",
			authors: []string{"David Renshaw", "Ana Ruiz"},
			credits: []string{"Staff writer David Renshaw", "Ana Ruiz, Staff writer"},
		},
		{
			name:    "photo credit in a caption: a credit, not an author",
			text:    "Joe Biden meets Donald Trump on November 13, 2024. (Photo by Alex Wong/Getty Images)\nText.",
			credits: []string{"(Photo by Alex Wong/Getty Images)"},
		},
		{
			name:    "caption credit after a colon",
			text:    "Exposed banks at the reservoir. Photo: Jane Doe/Reuters\nText.",
			credits: []string{"Photo: Jane Doe/Reuters"},
		},
		{
			name:    "wire credits: reporters are authors, editors are not",
			text:    "Shares fell 3 percent. (Reporting by Jane Doe in London and John Roe; Editing by Sam Poe)",
			authors: []string{"Jane Doe", "John Roe"},
			credits: []string{"(Reporting by Jane Doe in London and John Roe; Editing by Sam Poe)"},
		},
		{
			name: "a sentence that starts with By is no byline",
			text: "By Monday, the council had voted.\nBy the end of the year, Mayor Helena Okafor said, the port would open.",
		},
		{
			name: "a name alone on a line is not a byline in running text",
			text: "Players:\nPete Sampras\nAndre Agassi",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := FindCredits(tt.text)
			var spans []string
			for _, s := range c.Spans {
				spans = append(spans, tt.text[s[0]:s[1]])
			}
			if diff := cmp.Diff(tt.authors, c.Authors); diff != "" {
				t.Errorf("FindCredits(%q).Authors mismatch (-want +got):\n%s", tt.text, diff)
			}
			if diff := cmp.Diff(tt.credits, spans); diff != "" {
				t.Errorf("FindCredits(%q) spans mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func FuzzFindCredits(f *testing.F) {
	f.Add("By Mei Tanaka\nText.\n— Reported by Ana Ruiz for The Northern Ledger")
	f.Add("Caption. (Photo by Alex Wong/Getty Images)\n(Reporting by A B; Editing by C D)")
	f.Add("Staff writer David Renshaw\n, Staff writer\nPublished Oct. 9, 2023 · Updated 6:05 p.m.")
	f.Fuzz(func(t *testing.T, s string) {
		c := FindCredits(s)
		for _, sp := range c.Spans {
			if sp[0] < 0 || sp[0] > sp[1] || sp[1] > len(s) {
				t.Fatalf("FindCredits(%q): span %v out of the text", s, sp)
			}
		}
		if m := maskSpans(s, c.Spans); len(m) != len(s) {
			t.Fatalf("maskSpans changed the length of %q", s)
		}
		parseByline(s, true)
	})
}
