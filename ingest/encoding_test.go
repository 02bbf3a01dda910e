package ingest

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestAsUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, in, declared string
		want, warning      string
		rejection          string
	}{
		{name: "utf-8", in: "café", want: "café"},
		{name: "utf-8 declared latin-1 stays", in: `<meta charset="iso-8859-1"><p>café`, want: `<meta charset="iso-8859-1"><p>café`},
		{name: "meta charset", in: string(latin1(`<meta charset="windows-1252"><p>“café”`)), want: `<meta charset="windows-1252"><p>“café”`},
		{name: "meta http-equiv", in: string(latin1(`<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1"><p>café`)), want: `<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1"><p>café`},
		{name: "xml declaration", in: string(latin1(`<?xml version="1.0" encoding='ISO-8859-1'?><a>é</a>`)), want: `<?xml version="1.0" encoding='ISO-8859-1'?><a>é</a>`},
		{name: "http charset", in: string(latin1("<p>café</p>")), declared: "latin1", want: "<p>café</p>"},
		{name: "declared koi8-r", in: string(koi8("<p>Порт</p>")), declared: "koi8-r", want: "<p>Порт</p>"},
		{name: "guess windows-1252", in: string(latin1("The café’s terrace reopened.")), want: "The café’s terrace reopened.", warning: "read as Windows-1252"},
		{name: "utf-8 mixed with windows-1252", in: "said Helena Okafor \xc3\xa9lue pr\xc3\xa9sidente \x96 Okafor\x92s office", want: "said Helena Okafor élue présidente – Okafor’s office", warning: "mixes UTF-8 with bytes of an encoding it does not declare: those were read as Windows-1252"},
		{name: "windows-1252 pair that is a C1 control in UTF-8", in: "Caf\xe9 \xc2\x93quoted\x94 here, all day long", want: "Café Â“quoted” here, all day long", warning: "read as Windows-1252"},
		{name: "no guess for cyrillic", in: string(koi8("Порт Эллис принял рекордное число судов")), rejection: "not valid UTF-8"},
		{name: "no guess with undefined bytes", in: "abc \x81 def", rejection: "not valid UTF-8"},
		{name: "declared utf-8 but latin-1", in: string(latin1(`<meta charset="utf-8"><p>A café on the quay, open all day.</p>`)), want: `<meta charset="utf-8"><p>A café on the quay, open all day.</p>`, warning: "Windows-1252"},
		{name: "utf-16 LE", in: "\xff\xfeH\x00i\x00", want: "Hi"},
		{name: "utf-16 BE", in: "\xfe\xff\x00H\x00i", want: "Hi"},
		{name: "binary NUL", in: "PNG\x00\x00data", rejection: "is binary"},
		{name: "binary controls", in: strings.Repeat("\x01\x02\x03abc", 10), rejection: "is binary"},
		{name: "empty", in: "", rejection: "is empty"},
		{name: "blank", in: " \n\t\r\n", rejection: "is empty"},
		{name: "utf-16 blank", in: "\xff\xfe \x00", rejection: "is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, warning, rejection := asUTF8([]byte(tc.in), tc.declared)
			if string(got) != tc.want {
				t.Errorf("text %q, want %q", got, tc.want)
			}
			if !strings.Contains(warning, tc.warning) || (tc.warning == "") != (warning == "") {
				t.Errorf("warning %q, want %q", warning, tc.warning)
			}
			if !strings.Contains(rejection, tc.rejection) || (tc.rejection == "") != (rejection == "") {
				t.Errorf("rejection %q, want %q", rejection, tc.rejection)
			}
		})
	}
}

func TestWithUTF8Declaration(t *testing.T) {
	got := string(withUTF8Declaration([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`)))
	if want := `<?xml version="1.0" encoding="UTF-8"?><rss/>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestUndeclaredWindows1252JSON reads JSON records that are not UTF-8 and declare
// nothing, in every form a JSON export takes, as text files are read: Windows-1252
// with a warning, also where it is mixed into UTF-8 (which once made a person of
// "Helena Okafor Ã": the UTF-8 "é" after her name read as Windows-1252).
func TestUndeclaredWindows1252JSON(t *testing.T) {
	const want = "PORT ELLIS — The vote was final, said Helena Okafor élue présidente. Okafor’s office agreed."
	for _, tc := range []struct{ name, body string }{
		{name: "windows-1252", body: string(latin1(want))},
		{name: "utf-8 with windows-1252", body: strings.Replace(want, "’", "\x92", 1)},
	} {
		record := `{"title":"Harbor vote","body":"` + tc.body + `"}`
		for _, in := range []input{
			bytesInput("r.json", []byte(record)),
			bytesInput("r.json", []byte("["+record+"]")),
			bytesInput("r.jsonl", []byte(record+"\n"+record+"\n")),
			bytesInput("-", []byte(record)),
		} {
			for _, r := range readItems(t, in) {
				if r.rejection != "" {
					t.Errorf("%s %s: rejected: %s", tc.name, r.source, r.rejection)
					continue
				}
				if r.article.Body != want || !slices.Equal(r.article.Persons, []string{"Helena Okafor"}) || !strings.Contains(r.warning, "Windows-1252") {
					t.Errorf("%s %s: body %q, persons %q, warning %q; want %q, Helena Okafor and a warning", tc.name, r.source, r.article.Body, r.article.Persons, r.warning, want)
				}
			}
		}
	}
}

// TestControlCharacters refuses a record whose ID holds a control character (a
// NUL byte once made an ID no link could name) and strips the stray ones from
// the text fields, with a warning.
func TestControlCharacters(t *testing.T) {
	lead := strings.Repeat("The harbor board met again. ", 400) // past the bytes looked at to tell binary from text
	for _, tc := range []struct {
		name, in  string
		rejection string
		title     string
		bodyEnd   string
		warning   string
	}{
		{name: "NUL in the id", in: `{"id":"a\u0000b","title":"Harbor vote","body":"The board voted."}`, rejection: `its id "a\x00b" holds the control character U+0000`},
		{name: "escape in the id", in: `{"id":"a\u001b[2Jb","title":"Harbor vote","body":"The board voted."}`, rejection: "U+001B"},
		{name: "line break in the id", in: `{"id":"a\nb","title":"Harbor vote","body":"The board voted."}`, rejection: "U+000A"},
		{name: "NUL and escape in the title and text", in: `{"id":"c1","title":"Harbor\u0000 vote\u001b","body":"The board\u0000 voted.\u0085\n\tIt met at\u000cnoon."}`,
			title: "Harbor vote", bodyEnd: "The board voted.\u0085\n\tIt met at\u000cnoon.", warning: "control characters (U+0000 and any others) removed from the title, text"},
		{name: "soft hyphens and zero-width spaces", in: `{"id":"c2","title":"Vladi\u00admir Putin\u200b speaks","body":"Russian President Vladi\u00admir Putin met him.\u2060 Joiners stay: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645."}`,
			title: "Vladimir Putin speaks", bodyEnd: "Russian President Vladimir Putin met him. Joiners stay: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645."},
		{name: "NUL in a text file", in: "Harbor vote\n\n" + lead + "It met\x00 at noon.", title: "Harbor vote", bodyEnd: "It met at noon.", warning: "removed from the text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := "r.json"
			if !strings.HasPrefix(tc.in, "{") {
				name = "r.txt"
			}
			results := readItems(t, bytesInput(name, []byte(tc.in)))
			if len(results) != 1 {
				t.Fatalf("%d results, want 1", len(results))
			}
			r := results[0]
			if !strings.Contains(r.rejection, tc.rejection) || (tc.rejection == "") != (r.rejection == "") {
				t.Fatalf("rejection %q, want %q", r.rejection, tc.rejection)
			}
			if tc.rejection != "" {
				return
			}
			if r.article.Title != tc.title || !strings.HasSuffix(r.article.Body, tc.bodyEnd) || !strings.Contains(r.warning, tc.warning) {
				t.Errorf("title %q, body ending %q, warning %q; want %q, %q, %q", r.article.Title, r.article.Body[max(0, len(r.article.Body)-40):], r.warning, tc.title, tc.bodyEnd, tc.warning)
			}
		})
	}
}

// TestMayHoldControlMissesNone: the byte scan finds every stray control character.
func TestMayHoldControlMissesNone(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isStrayControl(r) && !mayHoldControl("a"+string(r)+"b") {
			t.Errorf("%U is not found", r)
		}
	}
}
