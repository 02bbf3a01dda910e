package extract

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
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
		// The name before an adjective's hyphen repeats a person, and only one
		// the text names; a tagged name takes in the unresolved word inside it.
		{"Donald Trump spoke. The Trump-backed candidate won. A Hamas-led government formed. Henry IV of France converted.",
			[]string{"Donald Trump=Donald Trump", "Trump=Donald Trump", "Henry IV=Henry IV"}},
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

// TestDecodeRunFindsBestSequence checks the Viterbi decoder against every
// sequence of tags of each run, under a model of random weights.
func TestDecodeRunFindsBestSequence(t *testing.T) {
	text := "Mary Anne Smith met John Paul Jones Jr. in New York City.\nPRIME MINISTER JOHN MAJOR SAID"
	pe := &personExtractor{lx: loadLexicon()}
	_, ms, who := pe.extract(text)
	rules := pe.ruleVerdicts(ms, who, nil)
	hashes := make([]uint64, len(pe.toks))
	for i := range pe.toks {
		hashes[i] = wordHash(pe.toks[i].text)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	m := &taggerModel{weights: map[uint64][numTags]float32{}, viterbi: true}
	var fs []uint64
	for i := range pe.toks {
		fs = pe.staticFeatures(fs[:0], i, rules, hashes)
		for p := range numTags {
			fs = pe.prevTagFeatures(fs, i, p, rules, hashes)
		}
		for _, f := range fs {
			m.weights[f] = [numTags]float32{rng.Float32()*4 - 2, rng.Float32()*4 - 2, rng.Float32()*4 - 2}
		}
	}
	tags := slices.Clone(pe.tag(m, rules))
	runs := 0
	for a := 0; a < len(pe.toks); {
		if !pe.isCandidate(a) {
			a++
			continue
		}
		b := a + 1
		for b < len(pe.toks) && !pe.toks[b].newline && pe.isCandidate(b) {
			b++
		}
		runs++
		best, bestScore := []int(nil), float32(math.Inf(-1))
		seq := make([]int, b-a)
		var walk func(k int, score float32)
		walk = func(k int, score float32) {
			if k == len(seq) {
				if score > bestScore {
					best, bestScore = slices.Clone(seq), score
				}
				return
			}
			prev := tagO
			if k > 0 {
				prev = seq[k-1]
			}
			fs = pe.staticFeatures(fs[:0], a+k, rules, hashes)
			fs = pe.prevTagFeatures(fs, a+k, prev, rules, hashes)
			s := m.score(fs)
			for tg := range numTags {
				if tg == tagI && prev == tagO {
					continue
				}
				seq[k] = tg
				walk(k+1, score+s[tg])
			}
		}
		walk(0, 0)
		for k, tg := range best {
			if int(tags[a+k]) != tg {
				t.Errorf("run %q: Viterbi tags %v, best sequence %v", text[pe.toks[a].start:pe.toks[b-1].end()], tags[a:b], best)
				break
			}
		}
		a = b
	}
	if runs < 3 {
		t.Fatalf("only %d runs of candidate words; the test text should have more", runs)
	}
}
