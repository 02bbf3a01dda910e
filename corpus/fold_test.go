package corpus

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Paul Volcker":  "paul volcker",
		"PAUL  VOLCKER": "paul volcker",
		" paul volcker": "paul volcker",
		"Müller":        "muller",
		"José-María":    "jose maria",
		"E.F. Hutton":   "ef hutton",
		"O'Brien":       "obrien",
		"Reuters":       "reuters",
		"":              "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
