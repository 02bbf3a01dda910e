package extract

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
)

const seedsDir = "../../shared/seeds"

// TestSeeds checks the two articles the archive was commissioned with: the outlet
// is named only in a closing credit, the quoted newspapers are sources, not the
// outlet, and no date is stated, so none may come out.
func TestSeeds(t *testing.T) {
	tests := []struct {
		file string
		want corpus.Article
	}{
		{
			file: "matzav-iran-message.txt",
			want: corpus.Article{
				Outlet: "Matzav.com",
				Persons: []string{"Donald Trump", "Qassem Soleimani", "Mike Pompeo", "Brian Hook",
					"John Bolton", "Abbas Araghchi"},
			},
		},
		{
			file: "dailycaller-iran-message.txt",
			want: corpus.Article{
				Outlet: "Daily Caller News Foundation",
				// Alex Wong is the photographer credited in a caption, "(Photo by
				// Alex Wong/Getty Images)": a credit, not a person mentioned, and not
				// an author either.
				Persons: []string{"Donald Trump", "Qassem Soleimani", "Joe Biden",
					"Massoud Pezeshkian", "Ali Khamenei", "Richard Nephew"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(seedsDir, tt.file))
			if err != nil {
				t.Skipf("seed article not available (%v); the seeds live in ../shared/seeds beside the checkout", err)
			}
			title, body := SplitTitle(string(b))
			if title != "" {
				t.Errorf("title = %q, want none: the seeds open with a sentence", title)
			}
			got := corpus.Article{Title: title, Body: body}
			Enrich(&got)
			if got.TitleSource != corpus.TitleDerived || !strings.HasPrefix(body, strings.TrimSuffix(got.Title, "…")) {
				t.Errorf("title %q from %q, want the first words of the text, derived", got.Title, got.TitleSource)
			}
			got.Body, got.Title, got.TitleSource = "", "", ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Enrich(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestEnrich(t *testing.T) {
	recorded := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   corpus.Article
		want corpus.Article
	}{
		{
			name: "dateline with date and outlet",
			in:   corpus.Article{Body: "PORT ELLIS, Mar. 3, 2025 (Valley Wire) — Mayor Elena Brandt said the harbor would reopen."},
			want: corpus.Article{
				Outlet: "Valley Wire", Published: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
				PublishedSource: corpus.DateFromDateline, Persons: []string{"Elena Brandt"},
			},
		},
		{
			name: "dateline with a full month name and a closing credit",
			in: corpus.Article{Body: "PORT ELLIS, March 3, 2025 — Fishermen welcomed the plan.\n" +
				"— Reported by Ana Ruiz for The Northern Ledger"},
			want: corpus.Article{
				Outlet: "The Northern Ledger", Published: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
				PublishedSource: corpus.DateFromDateline, Authors: []string{"Ana Ruiz"},
			},
		},
		{
			name: "a reporter credited and also quoted in the story stays a person",
			in: corpus.Article{Body: "By Mei Tanaka\nThe ferry ran late, said Mayor Helena Okafor.\n" +
				"Mei Tanaka, who rode it, said the queue was an hour long."},
			want: corpus.Article{Authors: []string{"Mei Tanaka"}, Persons: []string{"Helena Okafor", "Mei Tanaka"}},
		},
		{
			name: "a photo credit is neither an author nor a person mentioned",
			in:   corpus.Article{Body: "Helena Okafor opens the bridge. (Photo by Alex Wong/Getty Images)"},
			want: corpus.Article{Persons: []string{"Helena Okafor"}},
		},
		{
			name: "Reuters dateline has no year: no date",
			in:   corpus.Article{Body: "LONDON, March 3 - Sterling fell on Tuesday, dealers said."},
			want: corpus.Article{},
		},
		{
			name: "first appeared in",
			in:   corpus.Article{Body: "The ferry will run twice a day.\n\nThis article first appeared in The Harbor Gazette."},
			want: corpus.Article{Outlet: "The Harbor Gazette"},
		},
		{
			name: "a date in the text is a mention, not the publication date",
			in:   corpus.Article{Body: "The treaty was signed on November 13, 2024, in Geneva."},
			want: corpus.Article{},
		},
		{
			name: "outlet from the URL host",
			in:   corpus.Article{URL: "https://www.nytimes.com/2024/11/15/world/iran.html", Body: "Text."},
			want: corpus.Article{Outlet: "The New York Times"},
		},
		{
			name: "an untitled article gets its first words as its title, marked as derived",
			in:   corpus.Article{Body: "WASHINGTON, March 3 - Sterling fell on Tuesday as dealers sold it. Nothing else moved."},
			want: corpus.Article{Title: "Sterling fell on Tuesday as dealers sold it", TitleSource: corpus.TitleDerived},
		},
		{
			name: "a stated title is kept",
			in:   corpus.Article{Title: "Sterling falls", Body: "Sterling fell on Tuesday as dealers sold it."},
			want: corpus.Article{Title: "Sterling falls"},
		},
		{
			name: "record fields are kept and its persons normalized",
			in: corpus.Article{Outlet: "Reuters", Published: recorded, PublishedSource: corpus.DateFromRecord,
				Body:    "WASHINGTON, March 3, 2025 (AP) — Mr. Baker met Ronald Reagan.",
				Persons: []string{"reagan", "james baker", "Baker"}},
			want: corpus.Article{Outlet: "Reuters", Published: recorded, PublishedSource: corpus.DateFromRecord,
				Persons: []string{"Reagan", "James Baker"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			Enrich(&got)
			got.Body, got.URL = "", ""
			if tt.want.TitleSource == "" && got.TitleSource == corpus.TitleDerived {
				// Titles derived from the text are TestLeadWords's business.
				got.Title, got.TitleSource = tt.in.Title, ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Enrich mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeadWords(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"a short first sentence", "The ferry ran late on Monday. The council met.", "The ferry ran late on Monday"},
		{"a question stays one", "Who pays for the new quay? The council will decide.", "Who pays for the new quay?"},
		{"a long sentence is cut with an ellipsis",
			"Federal Reserve Board Chairman Paul Volcker said on Tuesday that the bank would hold rates steady.",
			"Federal Reserve Board Chairman Paul Volcker said on Tuesday that the bank…"},
		{"an abbreviation does not end the sentence", "Officials in the U.S. said on Tuesday that talks went well.", "Officials in the U.S. said on Tuesday that talks went well"},
		{"hard-wrapped lines of one paragraph are joined", "Sterling fell\nagainst the dollar.\n\nDealers said.", "Sterling fell against the dollar"},
		{"the dateline is left out", "PORT ELLIS, March 3, 2025 (Valley Wire) — The harbor reopened on Monday.", "The harbor reopened on Monday"},
		{"a byline before the story is left out", "By Ana Ruiz\nThe harbor reopened on Monday.", "The harbor reopened on Monday"},
		{"nothing to take", " \n\n ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := leadWords(tt.body); got != tt.want {
				t.Errorf("leadWords(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestSplitTitle(t *testing.T) {
	tests := []struct {
		name, text, title, body string
	}{
		{"headline", "Iran Says It Will Not Target Trump\n\nIran conveyed a message.", "Iran Says It Will Not Target Trump", "Iran conveyed a message."},
		{"short sentence-case headline", "Council approves dredging plan\nThe council voted on Monday.", "Council approves dredging plan", "The council voted on Monday."},
		{"first sentence is no title", "Iran conveyed in a written message that it had no intention of targeting Trump.\nMore text.", "", "Iran conveyed in a written message that it had no intention of targeting Trump.\nMore text."},
		{"dateline is no title", "PORT ELLIS, March 3, 2025 — The council voted.\nMore.", "", "PORT ELLIS, March 3, 2025 — The council voted.\nMore."},
		{"single line", "Just one line", "", "Just one line"},
		{"headline ending in an abbreviation", "Iran warns U.S.\nText follows.", "Iran warns U.S.", "Text follows."},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, body := SplitTitle(tt.text)
			if diff := cmp.Diff([2]string{tt.title, tt.body}, [2]string{title, body}); diff != "" {
				t.Errorf("SplitTitle(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestExtractOutlet(t *testing.T) {
	tests := []struct {
		name string
		a    corpus.Article
		want string
	}{
		{"braces credit before a comments footer", corpus.Article{Body: "Text.\n{Matzav.com}\nRecent Comments"}, "Matzav.com"},
		{"syndication notice", corpus.Article{Body: "Text.\nAll content produced by the Daily Caller News Foundation, an independent, nonpartisan news distribution service, is available free of charge."}, "Daily Caller News Foundation"},
		{"quoted newspaper is not the outlet", corpus.Article{Body: "A U.S. official told The Wall Street Journal.\nIn this week's New York Times."}, ""},
		{"agency in a dateline", corpus.Article{Body: "WASHINGTON (AP) — The Senate voted."}, "Associated Press"},
		{"unknown host", corpus.Article{URL: "https://www.matzav.com/some-story/"}, "Matzav.com"},
		{"copyright line", corpus.Article{Body: "Text.\n© 2025 The Harbor Gazette. All rights reserved."}, "The Harbor Gazette"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Outlet(&tt.a); got != tt.want {
				t.Errorf("Outlet = %q, want %q", got, tt.want)
			}
		})
	}
}

const reutersPath = "../../shared/data/reuters21578/articles.jsonl"

// BenchmarkEnrich measures all of Enrich's extraction (outlet, dateline, persons)
// in MB of article text per second, on the first 2,000 Reuters-21578 bodies.
//
//	go test ./extract -run '^$' -bench Enrich -benchtime 3x
func BenchmarkEnrich(b *testing.B) {
	f, err := os.Open(reutersPath)
	if err != nil {
		b.Skipf("Reuters-21578 not available (%v); it lives in ../shared/data beside the checkout", err)
	}
	defer f.Close()
	var articles []corpus.Article
	size := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() && len(articles) < 2000 {
		var r struct{ Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			b.Fatal(err)
		}
		if strings.TrimSpace(r.Body) == "" {
			continue
		}
		articles = append(articles, corpus.Article{Title: r.Title, Body: r.Body})
		size += len(r.Title) + len(r.Body)
	}
	loadLexicon()
	loadTaggerModel()
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, a := range articles {
			Enrich(&a)
		}
	}
}

func FuzzSplitTitle(f *testing.F) {
	f.Add("Iran Says It Will Not Target Trump\n\nIran conveyed a message.")
	f.Add("PORT ELLIS, Mar. 3, 2025 (Valley Wire) — text")
	f.Add("\n\n\ufeff  \n")
	f.Add("U.S.\nx")
	f.Fuzz(func(t *testing.T, s string) {
		title, body := SplitTitle(s)
		if strings.Contains(title, "\n") {
			t.Errorf("title %q spans lines", title)
		}
		if title != "" && body == "" {
			t.Errorf("title %q without a body", title)
		}
		Dateline(s)
	})
}

func FuzzExtractPersons(f *testing.F) {
	f.Add("President-elect Donald Trump's aides met Mr. Pezeshkian, said Smith.")
	f.Add("Nikolaus van der Pas , al-Assad 's O'Brien-Smith J. R. R. Tolkien Jr.")
	f.Add("A\u2019s \u00c9mile Zola\u2028Ch\u00e2teau 'S '")
	f.Add("{Matzav.com}\nAll content produced by the X, an independent")
	f.Add("Abu Mohammad al-Julani (Arabic: أبو; born 1981) met Prime Minister KISHIDA Fumio, who boarded USS Carl Vinson; Xi Jinping, bin")
	f.Fuzz(func(t *testing.T, s string) {
		got := Persons(s)
		seen := map[string]bool{}
		for _, p := range got {
			if p == "" || seen[p] {
				t.Errorf("Persons(%q) = %q: empty or repeated name", s, got)
			}
			seen[p] = true
		}
		a := corpus.Article{Body: s, URL: s}
		Enrich(&a)
	})
}
