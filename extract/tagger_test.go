package extract

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTaggerModelRoundTrip(t *testing.T) {
	m := loadTaggerModel()
	if len(m.weights) < 1000 {
		t.Fatalf("embedded model has %d features; rebuild it (see model/README.md)", len(m.weights))
	}
	var buf bytes.Buffer
	if err := encodeTaggerModel(&buf, m); err != nil {
		t.Fatal(err)
	}
	back, err := decodeTaggerModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(back.weights) != len(m.weights) || back.viterbi != m.viterbi {
		t.Fatalf("round trip: %d features, want %d", len(back.weights), len(m.weights))
	}
	if _, err := decodeTaggerModel([]byte("not a model")); err == nil {
		t.Error("decodeTaggerModel accepted garbage")
	}
}

func TestExtractMentions(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Foreign Minister Abbas Araghchi met Mr. Hook. Araghchi's aides said Brian Hook agreed.",
			[]string{"Abbas Araghchi=Abbas Araghchi", "Hook=Brian Hook", "Araghchi=Abbas Araghchi", "Brian Hook=Brian Hook"}},
		// A headline in capitals spells out the full name the body uses.
		{"ORIOLES' MANAGER DAVEY JOHNSON IN HOSPITAL\nBaltimore manager Davey Johnson will miss the game.",
			[]string{"DAVEY JOHNSON=Davey Johnson", "Davey Johnson=Davey Johnson"}},
	} {
		got := Mentions(tt.text)
		var spans []string
		for _, m := range got {
			spans = append(spans, tt.text[m.Start:m.End]+"="+m.Name)
		}
		if diff := cmp.Diff(tt.want, spans); diff != "" {
			t.Errorf("Mentions(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func FuzzExtractMentions(f *testing.F) {
	f.Add("President Trump said on Monday. Later, Donald Trump's aides met Mr. Trump.")
	f.Add("FISCHLER SAYS\nFranz Fischler 's plan")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range Mentions(s) {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End || m.Name == "" {
				t.Fatalf("bad mention %+v in %q", m, s)
			}
		}
	})
}
