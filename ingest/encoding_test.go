package ingest

import (
	"strings"
	"testing"
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
