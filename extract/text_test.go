package extract

import (
	"strings"
	"testing"
)

// wire is hard-wrapped at 64 columns, paragraphs indented, as wire copy is.
const wire = `HARBOR BOARD CHIEF SEES SLOWER GROWTH
Harbor Board Chairwoman Helena
Okafor said on Tuesday that freight volumes would grow more
slowly this year than last, citing weaker demand for grain and
a strike at two terminals.
    "We expect a modest year," Okafor told reporters after the
board met in Port Ellis. She said the board would review fees.
    Terminal volumes (thousands of tonnes)
    Grain      412     398
    Coal       120     131
`

func TestWrapWidth(t *testing.T) {
	if got := wrapWidth(measureLines(wire, nil)); got < 60 || got > 64 {
		t.Errorf("wrapWidth(measureLines(wire, nil)) = %d, want the longest prose line (60 to 64)", got)
	}
	for _, text := range []string{
		// One sentence a line, as CoNLL and extracted web text have it.
		"Helena Okafor said on Tuesday that volumes would grow.\nThe board met in Port Ellis on Monday and agreed to review fees for grain.\nShe said the strike had ended.\nTalks resume next week.",
		// A results list: short lines of similar length.
		"Results on Saturday:\nPort Ellis 2 Verran City 1\nKestrel Falls 0 Dock Rovers 3\nHalden 1 Sorrel Valley 1\nNorth Harbor 4 Brightwater 0",
		"too short\nto tell",
	} {
		if got := wrapWidth(measureLines(text, nil)); got != 0 {
			t.Errorf("wrapWidth(%.40q) = %d, want 0 (not hard-wrapped)", text, got)
		}
	}
}

func TestTokenizeJoinsWrappedLines(t *testing.T) {
	toks, _ := tokenize(wire, nil, nil)
	starts := map[string]bool{}
	for _, tk := range toks {
		if tk.newline {
			starts[tk.text] = true
		}
	}
	for _, w := range []string{"Harbor", "\"", "Terminal", "Grain", "Coal"} {
		if !starts[w] {
			t.Errorf("%q does not start a line; want a hard break before it", w)
		}
	}
	for _, w := range []string{"Okafor", "slowly", "board"} {
		if starts[w] {
			t.Errorf("%q starts a line; want the wrapped line joined", w)
		}
	}
}

func TestLineShape(t *testing.T) {
	tests := []struct {
		line string
		kind lineKind
	}{
		{"", lineBlank},
		{"    ", lineBlank},
		{"Harbor Board Chairwoman Helena", lineProse},
		{"The rate fell.  Volumes rose.", lineProse},
		{"HARBOR BOARD CHIEF SEES SLOWER GROWTH", lineCaps},
		{"    Grain      412     398", lineTable},
		{"Govts bought outright....193,374", lineTable},
		{"Shr 72 cts vs 71 cts", lineTable},
		{"Port Ellis 2 Verran City 1", lineTable},
	}
	for _, tt := range tests {
		if _, _, _, kind := lineShape(tt.line); kind != tt.kind {
			t.Errorf("lineShape(%q) kind = %d, want %d", tt.line, kind, tt.kind)
		}
	}
	indent, length, first, _ := lineShape("    \"We expect a modest year,\"  ")
	if indent != 4 || length != 30 || first != 3 {
		t.Errorf("lineShape: indent %d length %d first %d, want 4 30 3", indent, length, first)
	}
}

func TestExtractPersonsWrapped(t *testing.T) {
	got := Persons(wire)
	if strings.Join(got, "|") != "Helena Okafor" {
		t.Errorf("Persons(wire) = %q, want [Helena Okafor]", got)
	}
}
