//go:build tagger_train

// The trainer of the person tagger, kept out of normal builds and test runs by
// its build tag. It needs the package's tokenizer, lexicons and rules, so it is a
// test of package extract rather than a program:
//
//	go test -tags tagger_train -run TestTrainTagger -v ./extract
//
// It reads the shippable NER corpora in ../../shared/data/ner-train (BTC,
// WNUT-17, wikigold, CrossNER, Re-DocRED; never CoNLL-2003, Reuters or GMB) and
// writes model/persons.bin.gz.

package extract

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const nerTrainDir = "../../shared/data/ner-train"

// trainDoc is a training document: text and the byte spans of its person names.
type trainDoc struct {
	text  string
	spans [][2]int
}

// docBuilder joins tokens with one space and sentences with a line break,
// recording person spans.
type docBuilder struct {
	b      strings.Builder
	spans  [][2]int
	open   int
	inSpan bool
	fresh  bool
}

func (d *docBuilder) token(tok string, begin, inside bool) {
	if d.inSpan && (begin || !inside) {
		d.spans = append(d.spans, [2]int{d.open, d.b.Len()})
		d.inSpan = false
	}
	if d.b.Len() > 0 && !d.fresh {
		d.b.WriteByte(' ')
	}
	d.fresh = false
	if begin || inside && !d.inSpan {
		d.open, d.inSpan = d.b.Len(), true
	}
	d.b.WriteString(tok)
}

func (d *docBuilder) endSentence() {
	if d.inSpan {
		d.spans = append(d.spans, [2]int{d.open, d.b.Len()})
		d.inSpan = false
	}
	if d.b.Len() > 0 && !d.fresh {
		d.b.WriteByte('\n')
		d.fresh = true
	}
}

func (d *docBuilder) doc() (trainDoc, bool) {
	d.endSentence()
	td := trainDoc{text: d.b.String(), spans: d.spans}
	*d = docBuilder{}
	return td, strings.TrimSpace(td.text) != ""
}

// readColumns reads a token-per-line file: the token first, the tag last. With
// perSentence each sentence is a document; otherwise -DOCSTART- lines divide them.
func readColumns(path string, perSentence bool, isPerson func(string) bool) ([]trainDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []trainDoc
	var d docBuilder
	flush := func() {
		if td, ok := d.doc(); ok {
			docs = append(docs, td)
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "-DOCSTART-") {
			flush()
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			if perSentence {
				flush()
			} else {
				d.endSentence()
			}
			continue
		}
		tag := fields[len(fields)-1]
		prefix, typ, _ := strings.Cut(tag, "-")
		per := isPerson(typ)
		d.token(fields[0], per && prefix == "B", per && prefix == "I")
	}
	flush()
	return docs, sc.Err()
}

func readReDocRED(path string) ([]trainDoc, error) {
	docs, err := decodeReDocRED(path)
	if err != nil {
		return nil, err
	}
	var out []trainDoc
	for _, doc := range docs {
		label := make([][]byte, len(doc.Sents))
		for s := range doc.Sents {
			label[s] = make([]byte, len(doc.Sents[s]))
		}
		for _, v := range doc.VertexSet {
			for _, m := range v {
				if m.Type != "PER" || m.SentID >= len(label) || m.Pos[1] > len(label[m.SentID]) {
					continue
				}
				for k := m.Pos[0]; k < m.Pos[1]; k++ {
					label[m.SentID][k] = 'I'
				}
				label[m.SentID][m.Pos[0]] = 'B'
			}
		}
		var d docBuilder
		for s, toks := range doc.Sents {
			for k, tok := range toks {
				d.token(tok, label[s][k] == 'B', label[s][k] == 'I')
			}
			d.endSentence()
		}
		if td, ok := d.doc(); ok {
			out = append(out, td)
		}
	}
	return out, nil
}

func loadTrainingDocs(t *testing.T) []trainDoc {
	per := func(typ string) bool { return typ == "PER" }
	person := func(typ string) bool {
		switch typ {
		case "person", "politician", "scientist", "musicalartist", "writer", "researcher":
			return true
		}
		return false
	}
	var all []trainDoc
	add := func(name string, docs []trainDoc, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, d := range docs {
			n += len(d.spans)
		}
		t.Logf("%s: %d documents, %d person mentions", name, len(docs), n)
		all = append(all, docs...)
	}
	docs, err := readColumns(filepath.Join(nerTrainDir, "wikigold/wikigold.conll.txt"), false, per)
	add("wikigold", docs, err)
	for _, dom := range []string{"ai", "literature", "music", "politics", "science"} {
		for _, split := range []string{"train", "dev", "test"} {
			docs, err := readColumns(filepath.Join(nerTrainDir, "crossner", dom, split+".txt"), true, person)
			add("crossner/"+dom+"/"+split, docs, err)
		}
	}
	if os.Getenv("TAGGER_TWEETS") != "0" {
		for _, sec := range []string{"a", "b", "e", "f", "g", "h"} {
			docs, err := readColumns(filepath.Join(nerTrainDir, "btc", sec+".conll"), true, per)
			add("btc/"+sec, docs, err)
		}
		for _, f := range []string{"wnut17train.conll", "emerging.dev.conll", "emerging.test.annotated"} {
			docs, err := readColumns(filepath.Join(nerTrainDir, "wnut17", f), true, func(typ string) bool { return typ == "person" })
			add("wnut17/"+f, docs, err)
		}
	}
	for _, f := range []string{"dev_revised.json", "test_revised.json"} {
		if f == "test_revised.json" && os.Getenv("TAGGER_HOLDOUT") == "re-docred" {
			continue // held out, for TestPersonsReDocRED to measure the tagger on documents it never saw
		}
		docs, err := readReDocRED(filepath.Join(nerTrainDir, "re-docred", f))
		add("re-docred/"+f, docs, err)
	}
	return all
}

// goldTags gives each token of pe the tag the spans imply.
func goldTags(pe *personExtractor, spans [][2]int) []uint8 {
	tags := make([]uint8, len(pe.toks))
	for _, s := range spans {
		first := true
		for i, tk := range pe.toks {
			if tk.start >= s[0] && tk.start < s[1] {
				if first {
					tags[i] = tagB
					first = false
				} else {
					tags[i] = tagI
				}
			}
		}
	}
	return tags
}

// perceptron is an averaged perceptron with lazy averaging.
type perceptron struct {
	w, total map[uint64][numTags]float32
	stamp    map[uint64]int
	step     int
}

func (p *perceptron) score(fs []uint64) [numTags]float32 { return sumWeights(p.w, fs) }

func (p *perceptron) update(fs []uint64, gold, guess int) {
	p.add(fs, gold, 1)
	p.add(fs, guess, -1)
}

// add adds delta to the weights of fs for tag.
func (p *perceptron) add(fs []uint64, tag int, delta float32) {
	for _, f := range fs {
		w, tot := p.w[f], p.total[f]
		elapsed := float32(p.step - p.stamp[f])
		for t := range numTags {
			tot[t] += elapsed * w[t]
		}
		w[tag] += delta
		p.w[f], p.total[f], p.stamp[f] = w, tot, p.step
	}
}

func (p *perceptron) averaged() map[uint64][numTags]float32 {
	out := make(map[uint64][numTags]float32, len(p.w))
	for f, w := range p.w {
		tot := p.total[f]
		elapsed := float32(p.step - p.stamp[f])
		var a [numTags]float32
		keep := false
		for t := range numTags {
			a[t] = (tot[t] + elapsed*w[t]) / float32(p.step)
			if a[t] > 0.002 || a[t] < -0.002 {
				keep = true
			}
		}
		if keep {
			out[f] = a
		}
	}
	return out
}

func TestTrainTagger(t *testing.T) {
	docs := loadTrainingDocs(t)
	pe := &personExtractor{lx: loadLexicon()}
	type prepared struct {
		toks    []token
		classes []uint32
		lower   [len(pe.lowerSeen)]uint64
		rules   []uint8
		gold    []uint8
	}
	var data []prepared
	for _, d := range docs {
		_, ms, who := pe.extract(d.text)
		rules := pe.ruleVerdicts(ms, who, nil)
		data = append(data, prepared{toks: append([]token(nil), pe.toks...), classes: append([]uint32(nil), pe.classes...),
			lower: pe.lowerSeen, rules: rules, gold: goldTags(pe, d.spans)})
	}
	p := &perceptron{w: map[uint64][numTags]float32{}, total: map[uint64][numTags]float32{}, stamp: map[uint64]int{}}
	// TAGGER_SEED=n shuffles the documents otherwise, to see how much a figure
	// owes to the order of training.
	seed, _ := strconv.ParseUint(os.Getenv("TAGGER_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(1+seed, 2))
	viterbi := os.Getenv("TAGGER_DECODE") == "viterbi"
	epochs := 8
	if e, err := strconv.Atoi(os.Getenv("TAGGER_EPOCHS")); err == nil {
		epochs = e
	}
	for epoch := range epochs {
		rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
		errs, n := 0, 0
		for _, d := range data {
			pe.toks, pe.classes, pe.lowerSeen = d.toks, d.classes, d.lower
			hashes := make([]uint64, len(d.toks))
			for i := range d.toks {
				hashes[i] = wordHash(d.toks[i].text)
			}
			if viterbi {
				e, c := p.trainRuns(pe, d.rules, d.gold, hashes)
				errs, n = errs+e, n+c
				continue
			}
			prev := tagO
			for i := range d.toks {
				if d.toks[i].newline {
					prev = tagO
				}
				if !pe.isCandidate(i) {
					prev = tagO
					continue
				}
				fs := pe.tokenFeatures(nil, i, prev, d.rules, hashes)
				s := p.score(fs)
				guess := tagO
				for tg := 1; tg < numTags; tg++ {
					if tg == tagI && prev == tagO {
						continue
					}
					if s[tg] > s[guess] {
						guess = tg
					}
				}
				p.step++
				gold := int(d.gold[i])
				if guess != gold {
					p.update(fs, gold, guess)
					errs++
				}
				n++
				prev = guess
			}
		}
		t.Logf("epoch %d: %d/%d candidate tokens wrong", epoch+1, errs, n)
	}
	weights := p.averaged()
	out := "model/persons.bin.gz"
	if o := os.Getenv("TAGGER_OUT"); o != "" {
		out = o // try a model without replacing the embedded one
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := encodeTaggerModel(f, &taggerModel{weights: weights, viterbi: viterbi}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d features", out, len(weights))
}

// trainRuns is one structured-perceptron step on each run of candidate words of a
// document: it decodes the run with the current weights as decodeRun does and,
// where the best sequence differs from the gold one, moves the weights towards
// the gold sequence's features and away from the guessed one's. It returns the
// candidate words tagged wrong and the candidate words seen.
func (p *perceptron) trainRuns(pe *personExtractor, rules, gold []uint8, hashes []uint64) (errs, n int) {
	toks := pe.toks
	pe.wordHashes = hashes
	pe.tags = growZero(pe.tags, len(toks))
	pe.margins = growZero(pe.margins, len(toks))
	m := &taggerModel{weights: p.w, viterbi: true}
	for a := 0; a < len(toks); {
		if !pe.isCandidate(a) {
			a++
			continue
		}
		b := a + 1
		for b < len(toks) && !toks[b].newline && pe.isCandidate(b) {
			b++
		}
		pe.decodeRun(m, a, b, rules)
		// The gold sequence must be one the decoder can produce: a name whose
		// first word is no candidate ("de la Cruz") begins at its first candidate.
		want := make([]int, b-a)
		for k := range want {
			want[k] = int(gold[a+k])
			if want[k] == tagI && (k == 0 || want[k-1] == tagO) {
				want[k] = tagB
			}
		}
		wrong := false
		for k := range want {
			if int(pe.tags[a+k]) != want[k] {
				errs++
				wrong = true
			}
		}
		n += b - a
		p.step += b - a
		if wrong {
			var fs []uint64
			for k := range want {
				i := a + k
				got := int(pe.tags[i])
				wantPrev, gotPrev := tagO, tagO
				if k > 0 {
					wantPrev, gotPrev = want[k-1], int(pe.tags[i-1])
				}
				if got == want[k] && gotPrev == wantPrev {
					continue
				}
				if got != want[k] {
					fs = pe.staticFeatures(fs[:0], i, rules, hashes)
					p.update(fs, want[k], got)
				}
				fs = pe.prevTagFeatures(fs[:0], i, wantPrev, rules, hashes)
				p.add(fs, want[k], 1)
				fs = pe.prevTagFeatures(fs[:0], i, gotPrev, rules, hashes)
				p.add(fs, got, -1)
			}
		}
		a = b
	}
	return errs, n
}

// TAGGER_MODEL=path makes the tests of this build use the model at path instead
// of the embedded one, to compare a trial model with it. Run them with
// -count=1: go test's cache does not see a variable read by init, and would
// replay the embedded model's figures.
func init() {
	path := os.Getenv("TAGGER_MODEL")
	if path == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	m, err := decodeTaggerModel(data)
	if err != nil {
		panic(err)
	}
	loadTaggerModel = func() *taggerModel { return m }
}

// TestTaggerSpans measures the tagger's own spans (before the rules and the
// lexicons have their say) against the person gold of the evaluation sets:
// exact spans, every sentence or document.
func TestTaggerSpans(t *testing.T) {
	sets := map[string][]labelledDoc{}
	for _, path := range []string{"../../shared/data/conll2003/eng.train", "../../shared/data/conll2003/eng.testa"} {
		docs, err := readCoNLLDocs(path)
		if err != nil {
			t.Skip(err)
		}
		sets["conll"] = append(sets["conll"], docs...)
	}
	gmb, err := readGMB("../../shared/data/ner-train/gmb-kaggle/ner_dataset.conll")
	if err != nil {
		t.Skip(err)
	}
	sets["gmb"] = gmb
	for _, name := range []string{"en_ewt-ud-dev.iob2", "en_ewt-ud-test.iob2", "en_pud-ud-test.iob2"} {
		d, err := readUNER("../../shared/data/ner-train/uner-english/" + name)
		if err != nil {
			t.Skip(err)
		}
		sets["uner"] = append(sets["uner"], d...)
	}
	pe := &personExtractor{lx: loadLexicon()}
	m := loadTaggerModel()
	for _, name := range []string{"conll", "gmb", "uner"} {
		var all, confident prf
		for _, d := range sets[name] {
			_, ms, who := pe.extract(d.text)
			pe.rules = pe.ruleVerdicts(ms, who, pe.rules)
			tags := pe.tag(m, pe.rules)
			var got, sure []Mention
			for i := 0; i < len(tags); i++ {
				if tags[i] != tagB {
					continue
				}
				j := i + 1
				for j < len(tags) && tags[j] == tagI {
					j++
				}
				mn := Mention{Start: pe.toks[i].start, End: pe.toks[j-1].end()}
				got = append(got, mn)
				if pe.margins[i] > taggerMinMargin {
					sure = append(sure, mn)
				}
				i = j - 1
			}
			all.add(mentionScore(d.spans, got))
			confident.add(mentionScore(d.spans, sure))
		}
		t.Logf("%s: tagger spans %s; margin over %d: %s", name, all, taggerMinMargin, confident)
		// Floors just below the embedded model's spans: a trial model that
		// tags worse on its own fails here before it is compared further.
		if _, _, f1 := all.scores(); f1 < spanFloors[name] {
			t.Errorf("%s: tagger span F1 %.3f is below the floor %.2f", name, f1, spanFloors[name])
		}
	}
}

var spanFloors = map[string]float64{"conll": 0.76, "gmb": 0.73, "uner": 0.71}

// TestPersonsCrossNER measures the rules alone (the tagger is trained on
// CrossNER, so it is left out) on CrossNER's domains, dev and test: Wikipedia
// paragraphs, each a document. Politics speaks of parties, legislatures and
// office holders; literature of works, characters and authors: both were looked
// at to write rules (session 7), so their figures are development figures.
// Music, science and AI were not, and are not to be: they measure how the
// rules carry to text they were not written against. The floors hold what each
// reached.
func TestPersonsCrossNER(t *testing.T) {
	person := func(typ string) bool {
		switch typ {
		case "person", "politician", "scientist", "musicalartist", "writer", "researcher":
			return true
		}
		return false
	}
	for _, set := range []struct {
		domain             string
		floor, peopleFloor float64
	}{{"politics", 0.80, 0.82}, {"literature", 0.70, 0.72},
		// Held out: music, science and AI were never looked at to write a rule.
		// Keep it so: this test prints no errors for them.
		{"music", 0.65, 0.69}, {"science", 0.82, 0.84}, {"ai", 0.77, 0.80}} {
		var docs []labelledDoc
		for _, split := range []string{"dev", "test"} {
			td, err := readColumns(filepath.Join(nerTrainDir, "crossner", set.domain, split+".txt"), true, person)
			if err != nil {
				t.Skipf("CrossNER not available (%v); it lives in ../shared/data beside the checkout", err)
			}
			for _, d := range td {
				ld := labelledDoc{text: d.text, spans: d.spans}
				for _, s := range d.spans {
					ld.names = append(ld.names, d.text[s[0]:s[1]])
				}
				docs = append(docs, ld)
			}
		}
		mentions, people := scoreLabelled(docs, false)
		t.Logf("CrossNER %s dev+test, rules alone: people per document %s; mentions %s", set.domain, people, mentions)
		checkFloors(t, "CrossNER "+set.domain, mentions, people, set.floor, set.peopleFloor)
	}
}
