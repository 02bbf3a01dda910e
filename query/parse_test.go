package query

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
)

func TestParse(t *testing.T) {
	tests := []struct {
		op         corpus.Operator
		text, want string
	}{
		{"", "", "*:*"},
		{"", "oil", "oil"},
		{"", "oil iran", "(and oil iran)"},
		{corpus.OpOr, "oil iran", "(or oil iran)"},
		{"", "oil AND iran", "(and oil iran)"},
		{"", "oil && iran", "(and oil iran)"},
		{"", "oil OR iran", "(or oil iran)"},
		{"", "oil || iran", "(or oil iran)"},
		{"", "NOT oil", "(not oil)"},
		{"", "!oil", "(not oil)"},
		{"", "-oil", "(not oil)"},
		{"", "oil -iran", "(and oil (not iran))"},
		{"", "oil NOT iran", "(and oil (not iran))"},
		{"", "NOT NOT oil", "oil"},
		{"", "+oil iran", "(and oil iran)"},
		{corpus.OpOr, "+oil iran iraq", "(and oil (or-rank iran iraq))"},
		{corpus.OpOr, "oil iran -iraq", "(and (or oil iran) (not iraq))"},
		{corpus.OpOr, "oil iran AND iraq", "(and (or oil iran) iraq)"},
		// AND binds tighter than OR; side by side words tighter than both.
		{"", "a OR b AND c", "(or a (and b c))"},
		{"", "a b OR c", "(or (and a b) c)"},
		{"", "(a OR b) c", "(and (or a b) c)"},
		{"", "((a))", "a"},
		{"", `"oil price"`, `"oil price"`},
		{"", `"volcker greenspan"~5`, `"volcker greenspan"~5`},
		{"", `title:oil`, `title:oil`},
		{"", `Title:oil`, `title:oil`},
		{"", `person:"Paul Volcker"`, `person:"Paul Volcker"`},
		{"", `outlet:(reuters OR ap)`, `(or outlet:reuters outlet:ap)`},
		{"", `story:abc-123`, `story:abc-123`},
		{"", `oil*`, `oil*`},
		{"", `*`, `*:*`},
		{"", `o?l`, `o?l`},
		{"", `/colou?r/`, `/colou?r/`},
		{"", `harbour~`, `harbour~1`},
		{"", `harbour~2`, `harbour~2`},
		{"", `harbour~0`, `harbour`},
		{"", `oil^3`, `oil^3`},
		{"", `"oil price"^2.5`, `"oil price"^2.5`},
		{"", `(oil OR gas)^2 iran`, `(and (or oil gas)^2 iran)`},
		{"", `published:2024`, `published:[2024-01-01,2025-01-01)`},
		{"", `published:>=2024-03`, `published:[2024-03-01,*)`},
		{"", `published:>2024-03`, `published:[2024-04-01,*)`},
		{"", `published:<2024`, `published:[*,2024-01-01)`},
		{"", `published:<=2024`, `published:[*,2025-01-01)`},
		{"", `published:[2024-01 TO 2024-03]`, `published:[2024-01-01,2024-04-01)`},
		{"", `published:{2024-01 TO 2024-03}`, `published:[2024-02-01,2024-03-01)`},
		{"", `published:[* TO 2024]`, `published:[*,2025-01-01)`},
		{"", `published:"2024-11-05"`, `published:[2024-11-05,2024-11-06)`},
		{"", `oil and gas`, `(and oil and gas)`},
		{"", `10:30 U.S.`, `(and 10:30 U.S.)`},
		{"", `a\:b \(c\)`, `(and a:b (c))`},
		{"", `“oil price”`, `"oil price"`},
	}
	for _, tt := range tests {
		p, err := Parse(tt.text, tt.op, Limits{})
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", tt.text, tt.op, err)
			continue
		}
		if got := p.Root.String(); got != tt.want {
			t.Errorf("Parse(%q, %q) = %s, want %s", tt.text, tt.op, got, tt.want)
		}
	}
}

func TestParseNotices(t *testing.T) {
	p, err := Parse("oil and gas or coal and", "", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Notices) != 2 || !strings.Contains(p.Notices[0], `"and"`) || !strings.Contains(p.Notices[1], `"or"`) {
		t.Errorf("notices = %q, want one for and, one for or", p.Notices)
	}
	if p, _ := Parse("title:and", "", Limits{}); len(p.Notices) != 0 {
		t.Errorf("a field value is never an operator, yet noticed: %q", p.Notices)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		text   string
		code   string
		offset int // -1: no offset
	}{
		{`"oil price`, corpus.EInvalidQuery, 0},
		{`oil (iran`, corpus.EInvalidQuery, 4},
		{`oil)`, corpus.EInvalidQuery, 3},
		{`oil AND`, corpus.EInvalidQuery, 4},
		{`AND oil`, corpus.EInvalidQuery, 0},
		{`oil OR OR gas`, corpus.EInvalidQuery, 4},
		{`oil -`, corpus.EInvalidQuery, 4},
		{`()`, corpus.EInvalidQuery, 0},
		{`colour:red`, corpus.EInvalidQuery, 0},
		{`title: oil`, corpus.EInvalidQuery, 6},
		{`/[a/`, corpus.EInvalidQuery, 0},
		{`/^oil/`, corpus.EInvalidQuery, 0},
		{`oil^x`, corpus.EInvalidQuery, 3},
		{`"a b"~x`, corpus.EInvalidQuery, 5},
		{`"a b"~1000`, corpus.EInvalidQuery, 5},
		{`published:[2024 2025]`, corpus.EInvalidQuery, 16},
		{`published:soon`, corpus.EInvalidDate, -1},
		{`published:9999`, corpus.EInvalidDate, -1},
		{`published:[2025 TO 2024]`, corpus.EInvalidDate, -1},
		{`oil~5`, corpus.EQueryTooCostly, -1},
		{`/.{0,1000}/`, corpus.EQueryTooCostly, -1},
		{`/(a|b|c|d|e|f){0,500}/`, corpus.EQueryTooCostly, -1},
		{strings.Repeat("(", 10000) + "a" + strings.Repeat(")", 10000), corpus.EQueryTooCostly, -1},
		{strings.Repeat("-", 10000) + "a", corpus.EQueryTooCostly, -1},
		{strings.Repeat("a ", 300), corpus.EQueryTooCostly, -1},
		{strings.Repeat("harbour~1 ", 33), corpus.EQueryTooCostly, -1},
		{strings.Repeat("ha* ", 33), corpus.EQueryTooCostly, -1},
		{`/(.*e.*){50}/`, corpus.EQueryTooCostly, -1},
		{strings.Repeat("x", 900_000), corpus.EQueryTooCostly, -1},
	}
	for _, tt := range tests {
		_, err := Parse(tt.text, "", Limits{})
		var e *corpus.Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%.40q) = %v, want a %s error", tt.text, err, tt.code)
			continue
		}
		if e.Code != tt.code || e.Offset != tt.offset {
			t.Errorf("Parse(%.40q): code %s offset %d (%s), want %s offset %d", tt.text, e.Code, e.Offset, e.Message, tt.code, tt.offset)
		}
		if e.Code == corpus.EInvalidQuery && e.Hint == "" {
			t.Errorf("Parse(%.40q): %s has no hint", tt.text, e.Message)
		}
	}
}

// FuzzParse: any text parses or fails with a corpus error, never panics, and an
// error's offset lies within the text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`oil AND (iran OR "persian gulf"~3) -title:war^2`, `published:[2024 TO *}`, `/a.*b/ c* d~2 +e !f`, `((`, `"\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text, corpus.OpOr, Limits{})
		if err != nil {
			var e *corpus.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): %v is not a corpus error", text, err)
			}
			if e.Offset > len([]rune(text)) {
				t.Fatalf("Parse(%q): offset %d past the end", text, e.Offset)
			}
			return
		}
		_ = p.Root.String()
	})
}

// BenchmarkParse shows parse time growing linearly with the query's length.
func BenchmarkParse(b *testing.B) {
	unit := `(oil OR "crude price"~3) AND title:opec^2 -iran* `
	for _, size := range []int{1 << 10, 10 << 10, 100 << 10} {
		text := strings.Repeat(unit, size/len(unit))
		lim := Limits{MaxLength: size, MaxClauses: size, MaxDepth: 64}
		b.Run(byteSize(size), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := Parse(text, "", lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func byteSize(n int) string { return strconv.Itoa(n>>10) + "KB" }
