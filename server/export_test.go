package server

import "testing"

func TestSpreadsheetSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Harbor":              "Harbor",
		"=1+1":                "'=1+1",
		" =cmd|' /C calc'!A0": "' =cmd|' /C calc'!A0",
		"\t=1":                "'\t=1",
		"a\n=HYPERLINK(x)":    "'a\n=HYPERLINK(x)",
		"-5 points":           "'-5 points",
		"@SUM(A1)":            "'@SUM(A1)",
		"":                    "",
		"well-known":          "well-known",
	} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
