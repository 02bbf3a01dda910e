package extract

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// The person tagger is an averaged perceptron over the capitalized words of a
// text: for each one it decides whether the word begins a person's name (B),
// continues one (I) or is no part of one (O), left to right, from features of the
// word, its neighbours, the name lexicons and the verdict of the hand-written
// rules. Words that are not capitalized are never names, which keeps it fast and
// keeps the model small.
//
// The model is trained by tagger_train_test.go (build tag tagger_train) on the
// BTC, WNUT-17, wikigold, CrossNER and Re-DocRED person annotations; see
// model/README.md for the sources and their licenses.
//
//go:embed model/persons.bin.gz
var taggerModelData []byte

// Tags of the person tagger.
const (
	tagO = iota
	tagB
	tagI
	numTags
)

// taggerModel maps a feature's hash to its weight for each tag. A model trained
// as a sequence (viterbi) is decoded with the Viterbi algorithm over each run of
// candidate words; otherwise greedily, left to right. The embedded model is
// greedy: a Viterbi one tags better alone but no better inside the extractor
// (model/README.md).
type taggerModel struct {
	weights map[uint64][numTags]float32
	viterbi bool
}

// score sums the weights of the features fs for each tag.
func (m *taggerModel) score(fs []uint64) [numTags]float32 { return sumWeights(m.weights, fs) }

// sumWeights sums the weights of the features fs for each tag, for the model
// and for the trainer's perceptron.
func sumWeights(weights map[uint64][numTags]float32, fs []uint64) (s [numTags]float32) {
	for _, f := range fs {
		if w, ok := weights[f]; ok {
			for t := range numTags {
				s[t] += w[t]
			}
		}
	}
	return s
}

// loadTaggerModel decodes the embedded model once per process. The file is built
// by the trainer and checked by the tests, so a broken one is a build defect and
// panics.
var loadTaggerModel = sync.OnceValue(func() *taggerModel {
	m, err := decodeTaggerModel(taggerModelData)
	if err != nil {
		panic("extract: embedded person model: " + err.Error())
	}
	return m
})

// The model file, gzip-compressed: "PTG1" (greedy) or "PTV1" (Viterbi), a uint32
// feature count, a float32 scale, then per feature its uint64 hash and numTags
// int16 weights, which times scale are the weights.
func decodeTaggerModel(data []byte) (*taggerModel, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if len(raw) < 12 || string(raw[:4]) != "PTG1" && string(raw[:4]) != "PTV1" {
		return nil, io.ErrUnexpectedEOF
	}
	n := int(binary.LittleEndian.Uint32(raw[4:]))
	scale := math.Float32frombits(binary.LittleEndian.Uint32(raw[8:]))
	rec := 8 + 2*numTags
	if len(raw) != 12+n*rec {
		return nil, io.ErrUnexpectedEOF
	}
	m := &taggerModel{weights: make(map[uint64][numTags]float32, n), viterbi: raw[2] == 'V'}
	for k, p := 0, raw[12:]; k < n; k, p = k+1, p[rec:] {
		var w [numTags]float32
		for t := range numTags {
			w[t] = float32(int16(binary.LittleEndian.Uint16(p[8+2*t:]))) * scale
		}
		m.weights[binary.LittleEndian.Uint64(p)] = w
	}
	return m, nil
}

// encodeTaggerModel writes m in the format decodeTaggerModel reads.
func encodeTaggerModel(w io.Writer, m *taggerModel) error {
	weights := m.weights
	var maxAbs float32
	for _, v := range weights {
		for _, x := range v {
			maxAbs = max(maxAbs, x, -x)
		}
	}
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	keys := make([]uint64, 0, len(weights))
	for k := range weights {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	hdr := make([]byte, 12)
	copy(hdr, "PTG1")
	if m.viterbi {
		copy(hdr, "PTV1")
	}
	binary.LittleEndian.PutUint32(hdr[4:], uint32(len(keys)))
	binary.LittleEndian.PutUint32(hdr[8:], math.Float32bits(scale))
	zw.Write(hdr)
	rec := make([]byte, 8+2*numTags)
	for _, k := range keys {
		binary.LittleEndian.PutUint64(rec, k)
		v := weights[k]
		for t := range numTags {
			binary.LittleEndian.PutUint16(rec[8+2*t:], uint16(int16(math.Round(float64(v[t]/scale)))))
		}
		if _, err := zw.Write(rec); err != nil {
			return err
		}
	}
	return zw.Close()
}

// Feature templates. Each feature is the hash of a template number and a value.
const (
	fBias = iota + 1
	fWord
	fSuffix3
	fShape
	fClass
	fPrevWord
	fNextWord
	fPrevClass
	fNextClass
	fPrevShape
	fNextShape
	fPrev2Word
	fNext2Word
	fPrevTag
	fPrevTagShape
	fPrevTagClass
	fLineStart
	fSeenLower
	fRule
	fRulePrevTag
	fPoss
	fRunPos
	fPrevTagRule
	fWordPrevTag
)

// Rule verdicts on a token, from the hand-written extractor.
const (
	ruleNone       = iota
	ruleFirst      // first word of a mention the rules resolved to a person
	ruleInner      // a later word of one
	ruleUnresolved // a word of a candidate the rules did not take
	ruleCaps       // a word in capitals the rules matched to a person
)

func featHash(tmpl int, v uint64) uint64 {
	h := (uint64(tmpl) + 0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	h ^= v + 0x94d049bb133111eb + (h << 6) + (h >> 2)
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// shapeOf summarizes how a token is written: its kind, capitals, periods, hyphens,
// digits and length.
func shapeOf(t *token) uint64 {
	var s uint64
	switch t.kind {
	case tokNumber:
		return 1
	case tokPunct:
		return 2 + uint64(t.text[0])<<8
	}
	s = 3
	if t.upper {
		s |= 1 << 2
	}
	if t.allCaps {
		s |= 1 << 3
	}
	if t.initial {
		s |= 1 << 4
	}
	if bytes.IndexByte([]byte(t.text), '.') >= 0 {
		s |= 1 << 5
	}
	if bytes.IndexByte([]byte(t.text), '-') >= 0 {
		s |= 1 << 6
	}
	n := utf8.RuneCountInString(t.text)
	switch {
	case n <= 2:
		s |= 1 << 7
	case n <= 4:
		s |= 2 << 7
	case n <= 8:
		s |= 3 << 7
	}
	if t.poss {
		s |= 1 << 9
	}
	return s
}

// isCandidate reports whether token i may be part of a person's name.
func (pe *personExtractor) isCandidate(i int) bool {
	t := &pe.toks[i]
	if t.kind != tokWord {
		return false
	}
	if t.upper || isArabicArticle(t.text) {
		return true
	}
	// A particle inside a capitalized run: "van der Pas".
	return pe.classes[i]&wParticle != 0 && i > 0 && pe.toks[i-1].upper && pe.nameContinues(i)
}

// tokenFeatures appends the hashes of the features of token i, given the tag of
// the token before, to fs.
func (pe *personExtractor) tokenFeatures(fs []uint64, i int, prevTag int, rules []uint8, wordHashes []uint64) []uint64 {
	fs = pe.staticFeatures(fs, i, rules, wordHashes)
	return pe.prevTagFeatures(fs, i, prevTag, rules, wordHashes)
}

// prevTagFeatures appends the features of token i that pair it with the tag of
// the token before: the transition weights (fPrevTag) and its word, shape,
// classes and rule verdict under that tag.
func (pe *personExtractor) prevTagFeatures(fs []uint64, i int, prevTag int, rules []uint8, wordHashes []uint64) []uint64 {
	w := wordHashes[i]
	shape := shapeOf(&pe.toks[i])
	fs = append(fs, featHash(fPrevTag, uint64(prevTag)), featHash(fPrevTagShape, uint64(prevTag)<<32|shape),
		featHash(fWordPrevTag, w^uint64(prevTag+1)*0x9e3779b97f4a7c15))
	c := pe.classes[i]
	for b := uint32(0); c>>b != 0; b++ {
		if c&(1<<b) != 0 {
			fs = append(fs, featHash(fPrevTagClass, uint64(prevTag)<<8|uint64(b)))
		}
	}
	if c == 0 {
		fs = append(fs, featHash(fPrevTagClass, uint64(prevTag)<<8|99))
	}
	return append(fs, featHash(fRulePrevTag, uint64(rules[i])<<8|uint64(prevTag)))
}

// staticFeatures appends the features of token i that do not depend on the tag
// of the token before.
func (pe *personExtractor) staticFeatures(fs []uint64, i int, rules []uint8, wordHashes []uint64) []uint64 {
	toks, cls := pe.toks, pe.classes
	t := &toks[i]
	w := wordHashes[i]
	shape := shapeOf(t)
	fs = append(fs, featHash(fBias, 0), featHash(fWord, w), featHash(fShape, shape))
	if n := len(t.text); n >= 3 {
		fs = append(fs, featHash(fSuffix3, wordHash(t.text[n-3:])))
	}
	c := cls[i]
	for b := uint32(0); c>>b != 0; b++ {
		if c&(1<<b) != 0 {
			fs = append(fs, featHash(fClass, uint64(b)))
		}
	}
	if c == 0 {
		fs = append(fs, featHash(fClass, 99))
	}
	lineStart := i == 0 || t.newline
	if !lineStart {
		switch toks[i-1].text {
		case ".", "?", "!", ":", "\"", "“", "'", "(", "-", "—":
			lineStart = true
		}
	}
	if lineStart {
		fs = append(fs, featHash(fLineStart, 1))
	}
	if pe.seenLower(t.text) {
		fs = append(fs, featHash(fSeenLower, 1))
	}
	if t.poss {
		fs = append(fs, featHash(fPoss, 1))
	}
	fs = append(fs, featHash(fRule, uint64(rules[i])))
	// Position in the capitalized run.
	before := i > 0 && !t.newline && toks[i-1].kind == tokWord && toks[i-1].upper
	after := i+1 < len(toks) && !toks[i+1].newline && toks[i+1].kind == tokWord && toks[i+1].upper && !t.poss
	run := uint64(0)
	if before {
		run |= 1
	}
	if after {
		run |= 2
	}
	fs = append(fs, featHash(fRunPos, run))
	// Neighbours.
	if i > 0 && !t.newline {
		p := i - 1
		fs = append(fs, featHash(fPrevWord, wordHashes[p]), featHash(fPrevShape, shapeOf(&toks[p])))
		for pc, b := cls[p], uint32(0); pc>>b != 0; b++ {
			if pc&(1<<b) != 0 {
				fs = append(fs, featHash(fPrevClass, uint64(b)))
			}
		}
		if p > 0 && !toks[p].newline {
			fs = append(fs, featHash(fPrev2Word, wordHashes[p-1]))
		}
	} else {
		fs = append(fs, featHash(fPrevWord, 0))
	}
	if n := i + 1; n < len(toks) && !toks[n].newline {
		fs = append(fs, featHash(fNextWord, wordHashes[n]), featHash(fNextShape, shapeOf(&toks[n])))
		for nc, b := cls[n], uint32(0); nc>>b != 0; b++ {
			if nc&(1<<b) != 0 {
				fs = append(fs, featHash(fNextClass, uint64(b)))
			}
		}
		if n+1 < len(toks) && !toks[n+1].newline {
			fs = append(fs, featHash(fNext2Word, wordHashes[n+1]))
		}
	} else {
		fs = append(fs, featHash(fNextWord, 0))
	}
	return fs
}

// ruleVerdicts marks each token with what the rule-based pass made of it.
func (pe *personExtractor) ruleVerdicts(mentions []mention, who []int, out []uint8) []uint8 {
	out = growZero(out, len(pe.toks))
	k := 0
	for mi, m := range mentions {
		if m.caps && m.multi {
			continue // a headline's words in capitals, each also a mention of its own
		}
		for k > 0 && pe.toks[k-1].start >= m.pos {
			k--
		}
		for k < len(pe.toks) && pe.toks[k].start < m.pos {
			k++
		}
		for j := k; j < len(pe.toks) && pe.toks[j].start < m.end; j++ {
			v := uint8(ruleUnresolved)
			switch {
			case who[mi] >= 0 && m.caps:
				v = ruleCaps
			case who[mi] >= 0 && j == k:
				v = ruleFirst
			case who[mi] >= 0:
				v = ruleInner
			}
			out[j] = v
		}
	}
	return out
}

func growZero[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// tag runs the tagger over the extractor's tokens and returns the tag of each.
func (pe *personExtractor) tag(m *taggerModel, rules []uint8) []uint8 {
	toks := pe.toks
	pe.wordHashes = growZero(pe.wordHashes, len(toks))
	for i := range toks {
		pe.wordHashes[i] = wordHash(toks[i].text)
	}
	pe.tags = growZero(pe.tags, len(toks))
	pe.margins = growZero(pe.margins, len(toks))
	if m.viterbi {
		for i := 0; i < len(toks); {
			if !pe.isCandidate(i) {
				i++
				continue
			}
			j := i + 1
			for j < len(toks) && !toks[j].newline && pe.isCandidate(j) {
				j++
			}
			pe.decodeRun(m, i, j, rules)
			i = j
		}
		return pe.tags
	}
	prev := tagO
	for i := range toks {
		if toks[i].newline {
			prev = tagO
		}
		if !pe.isCandidate(i) {
			prev = tagO
			continue
		}
		pe.feats = pe.tokenFeatures(pe.feats[:0], i, prev, rules, pe.wordHashes)
		score := m.score(pe.feats)
		best := tagO
		for t := 1; t < numTags; t++ {
			if t == tagI && prev == tagO {
				continue
			}
			if score[t] > score[best] {
				best = t
			}
		}
		pe.tags[i] = uint8(best)
		if best == tagB {
			pe.margins[i] = score[tagB] - score[tagO]
		}
		prev = best
	}
	return pe.tags
}

// viterbiCell is one token of a run in the Viterbi lattice: the score of each
// tag after each tag before it, the best score of a path that ends in each tag
// here (alpha) and of the rest of the run after each tag here (beta), and the
// tag before that alpha's path takes (back).
type viterbiCell struct {
	score       [numTags][numTags]float32
	alpha, beta [numTags]float32
	back        [numTags]uint8
}

var negInf = float32(math.Inf(-1))

// decodeRun tags the run of candidate words toks[a:b] with the best sequence of
// tags under m, the run starting after an O. The margin of a name's first word
// is how much better the best sequence with B there scores than the best one with O.
func (pe *personExtractor) decodeRun(m *taggerModel, a, b int, rules []uint8) {
	if b == a+1 {
		// A word alone, after an O: the best sequence is its best tag.
		pe.feats = pe.staticFeatures(pe.feats[:0], a, rules, pe.wordHashes)
		pe.feats = pe.prevTagFeatures(pe.feats, a, tagO, rules, pe.wordHashes)
		s := m.score(pe.feats)
		if s[tagB] > s[tagO] {
			pe.tags[a] = tagB
			pe.margins[a] = s[tagB] - s[tagO]
		}
		return
	}
	var buf [8]viterbiCell
	cells := buf[:0]
	if n := b - a; n > len(buf) {
		cells = make([]viterbiCell, n)
	} else {
		cells = buf[:n]
	}
	for k := range cells {
		c, i := &cells[k], a+k
		pe.feats = pe.staticFeatures(pe.feats[:0], i, rules, pe.wordHashes)
		static := m.score(pe.feats)
		for p := range numTags {
			if k == 0 && p != tagO {
				c.score[p] = [numTags]float32{negInf, negInf, negInf}
				continue
			}
			pe.feats = pe.prevTagFeatures(pe.feats[:0], i, p, rules, pe.wordHashes)
			edge := m.score(pe.feats)
			for t := range numTags {
				c.score[p][t] = static[t] + edge[t]
			}
			if p == tagO {
				c.score[p][tagI] = negInf
			}
		}
		for t := range numTags {
			if k == 0 {
				c.alpha[t] = c.score[tagO][t]
				continue
			}
			c.alpha[t], c.back[t] = negInf, tagO
			for p := range numTags {
				if s := cells[k-1].alpha[p] + c.score[p][t]; s > c.alpha[t] {
					c.alpha[t], c.back[t] = s, uint8(p)
				}
			}
		}
	}
	last := &cells[len(cells)-1]
	last.beta = [numTags]float32{}
	for k := len(cells) - 2; k >= 0; k-- {
		next := &cells[k+1]
		for t := range numTags {
			cells[k].beta[t] = negInf
			for u := range numTags {
				cells[k].beta[t] = max(cells[k].beta[t], next.score[t][u]+next.beta[u])
			}
		}
	}
	best := tagO
	for t := range numTags {
		if last.alpha[t] > last.alpha[best] {
			best = t
		}
	}
	for k := len(cells) - 1; k >= 0; k-- {
		pe.tags[a+k] = uint8(best)
		if best == tagB {
			c := &cells[k]
			pe.margins[a+k] = c.alpha[tagB] + c.beta[tagB] - c.alpha[tagO] - c.beta[tagO]
		}
		best = int(cells[k].back[best])
	}
}

// extractTagged finds the people of text with the rules and the tagger together:
// the rules' verdicts are features of the tagger, whose spans are then resolved
// into people as the rules' mentions are.
func (pe *personExtractor) extractTagged(text string) ([]*person, []mention, []int) {
	_, ruleMentions, who := pe.extract(text)
	pe.rules = pe.ruleVerdicts(ruleMentions, who, pe.rules)
	tags := pe.tag(loadTaggerModel(), pe.rules)
	pe.tagged = pe.taggedMentions(tags, pe.tagged[:0])
	if end := pe.titleCaseLine(); end > 0 {
		pe.headlineOnly(pe.tagged, pe.toks[end].start)
	}
	// The rules' mentions stand; the tagger adds the names they missed, but not a
	// single word that the text also uses inside the name of a thing ("Halden"
	// of "Halden Civil Works").
	things := pe.thingWords(tags)
	var added []mention
	for _, m := range pe.tagged {
		if m.notName || !m.multi && things[strings.ToLower(m.parts[0])] {
			continue
		}
		if pe.nounCaps && !m.multi {
			continue // "Pfund", "Propaganda": a German noun, to a tagger that learnt English
		}
		overlap := false
		for k, r := range ruleMentions {
			if r.pos < m.end && m.pos < r.end && who[k] >= 0 {
				overlap = true
				break
			}
		}
		if !overlap && m.score > taggerMinMargin {
			added = append(added, m)
		}
	}
	// A word the rules left unresolved inside a name the tagger adds ("Henry" of
	// "Henry IV") is part of that name, not a mention of its own.
	combined := slices.DeleteFunc(append([]mention(nil), ruleMentions...), func(r mention) bool {
		if r.weak || r.caps {
			return false // what the archive may resolve (see NameBook.ResolveWeak)
		}
		for _, m := range added {
			if r.pos < m.end && m.pos < r.end && (r.pos != m.pos || r.end != m.end) {
				return true
			}
		}
		return false
	})
	combined = append(combined, added...)
	slices.SortStableFunc(combined, func(a, b mention) int { return a.pos - b.pos })
	pe.tagged = dropNameless(combined)
	people, whoTagged := resolvePersons(pe.tagged, &pe.orgs)
	return people, pe.tagged, whoTagged
}

// taggerMinMargin is how far the tagger's score for a name must exceed its score
// for no name before a span the rules did not find is taken. Measured on
// CoNLL-2003 and GMB: lower adds more false names than missed ones.
const taggerMinMargin = 10

// taggedMentions turns the tagger's spans into mentions, then adds each
// capitalized word standing alone that repeats the surname of a tagged full name
// or a tagged single name: within one article, "Fischler" names the same person
// every time.
func (pe *personExtractor) taggedMentions(tags []uint8, out []mention) []mention {
	toks := pe.toks
	for i := 0; i < len(toks); {
		if tags[i] != tagB {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && tags[j] == tagI {
			j++
		}
		out = append(out, pe.spanMention(i, j))
		i = j
	}
	if len(out) == 0 {
		return out
	}
	known := map[string]bool{}
	for _, m := range out {
		if w := m.parts[len(m.parts)-1]; len(w) > 1 {
			known[strings.ToLower(w)] = true
		}
	}
	for i := range toks {
		if tags[i] != tagO || !toks[i].upper || toks[i].initial || pe.classes[i]&wNotName != 0 ||
			!known[strings.ToLower(toks[i].text)] {
			continue
		}
		// Standing alone: not part of a longer capitalized run.
		if i > 0 && !toks[i].newline && toks[i-1].kind == tokWord && (toks[i-1].upper || tags[i-1] != tagO) && !toks[i-1].poss {
			continue
		}
		if i+1 < len(toks) && !toks[i+1].newline && toks[i+1].kind == tokWord && toks[i+1].upper && !toks[i].poss {
			continue
		}
		out = append(out, pe.spanMention(i, i+1))
	}
	slices.SortFunc(out, func(a, b mention) int { return a.pos - b.pos })
	return out
}

// pluralVerbs after a single capitalized word make it a group's name.
var pluralVerbs = map[string]bool{"are": true, "were": true, "have": true, "'re": true}

// spanMention makes the mention of the tagged span toks[i:j].
func (pe *personExtractor) spanMention(i, j int) mention {
	toks := pe.toks
	for j > i+1 && !toks[j-1].upper && pe.classes[j-1]&wParticle != 0 {
		j-- // "Carlos Queiroz de" of "Carlos Queiroz de la Selección"
	}
	m := mention{pos: toks[i].start, end: toks[j-1].end(), parts: make([]string, 0, j-i), person: true, evidence: true, caps: true, score: pe.margins[i]}
	words := 0
	for k := i; k < j; k++ {
		m.parts = append(m.parts, toks[k].text)
		if pe.classes[k]&wParticle == 0 || toks[k].upper {
			words++
		}
		if !toks[k].allCaps && !toks[k].initial {
			m.caps = false
		}
	}
	m.multi = words >= 2
	// A run in capitals is a headline: like the rules' words in capitals, it may
	// only repeat a person the text names otherwise.
	m.person = !m.caps
	// The lexicons overrule the tagger on words that are never a name: a company's
	// suffix anywhere (Symantec Corp.), a title at the end (Vice-Chancellor), and
	// for a single word a place, nationality, month or title (Jordan, Commissioner).
	last := pe.classes[j-1]
	for k := i; k < j; k++ {
		if pe.classes[k]&wOrgSuffix != 0 {
			m.notName = true
		}
	}
	if last&wTitle != 0 && !toks[j-1].initial || !m.multi && last&(wNotName|wTitle) != 0 {
		m.notName = true
	}
	if s, e := pe.knownThing(i, j); m.multi && pe.ordinaryFirst(i) || e > s {
		m.notName = true
	}
	for k := i; k < j; k++ {
		if gluedWords(toks[k].text) || adjectiveTail(toks[k].text) {
			m.notName = true // "LucasNolan", "Mercer Island-based Dana F. Besecker Company", "Jack Adams-winning"
		}
	}
	if m.multi && last&(wOrg|wHead) != 0 && !(j-i == 2 && orgSurnames[strings.ToLower(toks[j-1].text)]) {
		m.notName = true // "Dana F. Besecker Company": the name of a company
	}
	// A single word that only opens sentences has no capital of its own to show
	// it is a name ("Concerned, his doctor called", "Concrete information"):
	// the name lists must know it, the text write it so elsewhere, or a verb
	// of speech or headlines or a possessive follow it ("Musharraf says",
	// "Obama admits", "Musharraf's").
	if !m.multi && pe.sentenceStart(i) && pe.classes[i]&(wFirst|wLast) == 0 && !toks[i].poss &&
		!(j < len(toks) && (pe.classes[j]&wSpeech != 0 || !toks[j].upper && headlineVerbs[toks[j].text])) &&
		!pe.capitalizedInside(i) {
		m.notName = true
	}
	for k := i + 1; k < j && m.multi; k++ {
		if c := pe.classes[k]; c&(wNationality|wPlace) != 0 && c&(wFirst|wLast) == 0 {
			m.notName = true // "Washington D.C.", "Roman Catholic"
		}
	}
	// An article opening the span opens the name of a thing ("Les Halles", "La
	// Florida", "Le Ventre de Paris"), as in the rules; "Le Pen" alone, a
	// surname, is left to them.
	if m.multi && isArticle(toks[i].text) && (i == 0 || !toks[i-1].upper || toks[i-1].newline) &&
		pe.classes[i+1]&wLast == 0 {
		m.notName = true
	}
	// A line of its own whose words the text also writes in lower case is a
	// heading, as in the rules: "Featured Slide Shows".
	if first := pe.classes[i]; m.multi && pe.lineAlone(i, j) && pe.anySeenLower(i, j) &&
		!(first&wFirst != 0 && first&(wAmbiguous|wNotName) == 0) {
		m.notName = true
	}
	// A noun after the span makes it the name of a thing, as in the rules:
	// "the Abu Ghraib scandal", "Tamil Tiger rebels".
	if j < len(toks) && !toks[j-1].poss && toks[j].kind == tokWord && !toks[j].upper && pe.classes[j]&wThing != 0 {
		m.notName = true
	}
	// One word that a plural verb follows names a group, not a person: "Rich are
	// paying more", "Democrats were". "Smith and Jones are" is two people.
	if !m.multi && j < len(toks) && !toks[j-1].poss && pluralVerbs[toks[j].text] &&
		!(i > 0 && (toks[i-1].text == "and" || toks[i-1].text == "&" || toks[i-1].text == ",")) {
		m.notName = true
	}
	// The end of a longer capitalized run that the rules took for a thing: "Jones
	// Industrial Average" of "Dow Jones Industrial Average", "Loan Marketing" of
	// "The Student Loan Marketing Association".
	if p := i - 1; p >= 0 && !toks[i].newline && toks[p].kind == tokWord && toks[p].upper && !toks[p].poss &&
		!toks[p].allCaps && !toks[p].initial && pe.classes[p]&(wTitle|wTitleMod|wNationality|wPlace|wStop|wRole|wFirst) == 0 {
		m.notName = true
	}
	return m
}

// capitalizedInside reports whether the text writes toks[i] capitalized
// somewhere other than at the start of a sentence.
func (pe *personExtractor) capitalizedInside(i int) bool {
	for k := range pe.toks {
		if k != i && pe.toks[k].text == pe.toks[i].text && !pe.sentenceStart(k) {
			return true
		}
	}
	return false
}

// thingWords returns the lower-case words of the capitalized runs of two words or
// more that neither the tagger nor the rules take for a person.
func (pe *personExtractor) thingWords(tags []uint8) map[string]bool {
	toks := pe.toks
	var out map[string]bool
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].kind == tokWord && toks[j].upper && !toks[j].allCaps &&
			(j == i || !toks[j].newline && !toks[j-1].poss) {
			j++
		}
		if j-i >= 2 {
			person := false
			for k := i; k < j; k++ {
				if tags[k] != tagO || pe.rules[k] == ruleFirst || pe.rules[k] == ruleInner {
					person = true
				}
			}
			if !person {
				if out == nil {
					out = map[string]bool{}
				}
				for k := i; k < j; k++ {
					out[strings.ToLower(toks[k].text)] = true
				}
			}
		}
		i = max(j, i+1)
	}
	return out
}
