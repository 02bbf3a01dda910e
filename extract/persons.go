package extract

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Persons returns the distinct people mentioned in text, as canonical full
// names in order of first mention. "President Trump", "Trump's" and "Mr. Trump"
// become the full name the text uses elsewhere ("Donald Trump"); titles and
// possessives are dropped. A surname that never appears with a given name is kept
// only when the text shows it is a person's ("Mr. Smith", "said Smith").
//
// It tags capitalized word runs with name lexicons and context cues (titles, role
// nouns, speech verbs) in one pass; it never returns organizations, places or
// pronouns on purpose, but a rule-based tagger does make mistakes.
func Persons(text string) []string {
	persons, _, _ := extractPeople(text)
	return persons
}

// extractPeople is Persons, and also returns the names of the companies
// the text shows ("merrill lynch" of "Merrill Lynch and Co Inc"), lower case,
// for the archive to learn which names are companies' where no text says so,
// and the weak names: words a headline or a speech verb shows to be someone's
// name that the text names no one by ("VOLCKER SAYS" in a story of one line),
// for the archive to resolve if it knows whom they mean.
func extractPeople(text string) (persons, firms, weak []string) {
	pe := personsPool.Get().(*personExtractor)
	defer personsPool.Put(pe)
	people, mentions, who := pe.extractTagged(text)
	for _, n := range pe.orgs.names {
		if len(n) > 0 {
			firms = append(firms, strings.Join(n, " "))
		}
	}
	for i, m := range mentions {
		if !m.weak || who[i] >= 0 {
			continue
		}
		parts := make([]string, len(m.parts))
		for k, p := range m.parts {
			parts[k] = strings.ToLower(p)
		}
		if pe.orgs.covers(parts) {
			continue
		}
		name := strings.Join(m.parts, " ")
		if m.caps {
			for k, p := range parts {
				parts[k] = capitalize(p)
			}
			name = strings.Join(parts, " ")
		}
		if !slices.Contains(weak, name) {
			weak = append(weak, name)
		}
	}
	return personNames(people), firms, weak
}

// Mention is one place where text names a person: the byte span [Start, End) of
// the name as written (titles and a possessive 's left out) and the canonical name
// of the person it refers to, as Persons returns it.
type Mention struct {
	Start, End int
	Name       string
}

// Mentions returns every mention of a person in text, in order of
// position: full names, and surnames or given names that refer to a person the
// text names in full or shows to be a person. It finds the same people as
// Persons.
func Mentions(text string) []Mention {
	return extractMentions(text, true)
}

// extractMentions is Mentions, with the tagger or with the rules alone.
func extractMentions(text string, tagged bool) []Mention {
	pe := personsPool.Get().(*personExtractor)
	defer personsPool.Put(pe)
	people, mentions, who := pe.extract(text)
	if tagged {
		people, mentions, who = pe.extractTagged(text)
	}
	var out []Mention
	for i, m := range mentions {
		if who[i] >= 0 {
			out = append(out, Mention{Start: m.pos, End: m.end, Name: people[who[i]].name})
		}
	}
	slices.SortFunc(out, func(a, b Mention) int { return a.Start - b.Start })
	// A span the rules and the tagger both found is one mention.
	return slices.Compact(out)
}

// personExtractor holds the buffers of one extraction, reused through a pool so
// that tagging a stream of articles allocates little.
type personExtractor struct {
	lx *lexicon
	// lowerSeen is a Bloom-like bit set of the words the text writes in lower case:
	// a capitalized word that also appears in lower case is an ordinary word at the
	// start of a sentence or in a name of a thing, not a person's name.
	lowerSeen [1 << 14 / 64]uint64
	// nounCaps: the text is German, which capitalizes every noun ("seit neun
	// Jahren Krieg", "der Wert der Währung"): a capitalized word shows nothing,
	// and only a given name, a title or a role makes words a person's name.
	nounCaps bool
	toks     []token
	lines    []lineInfo
	classes  []uint32
	mentions []mention
	buf      [64]byte
	orgs     organizations // what the text shows to be companies and places
	teams    [][2]int      // capitalized runs that a results line shows to be teams, by token
	// slavic: whether the text is in Czech, Slovak or Polish, 0 until a name
	// needs to know (see slavicText); capWords then holds its capitalized words.
	slavic   int8
	capWords map[string]bool

	// The tagger's buffers (see tagger.go).
	rules      []uint8
	tags       []uint8
	margins    []float32
	wordHashes []uint64
	feats      []uint64
	tagged     []mention
}

var personsPool = sync.Pool{New: func() any { return &personExtractor{lx: loadLexicon()} }}

// mention is one candidate name in the text.
type mention struct {
	pos   int      // byte offset, for ordering by first mention
	end   int      // byte offset just past the name's last word (its possessive left out)
	parts []string // the name's words as written, possessive cut off
	// multi: a given name and a surname (or more); otherwise a single word.
	multi bool
	// person: the words alone show a person (a known given name, a title, a role);
	// evidence: the context does (said, Mr., an age), for words the lexicons lack.
	person, evidence bool
	caps             bool // set in capitals (a headline): only matched, never a person alone
	// weak: a headline or a speech verb shows the words to be someone's name, but
	// no lexicon knows them ("VOLCKER SAYS", "Sumita says"): unless the text
	// names the person, only the archive can tell whom they mean (see
	// NameBook.ResolveWeak).
	weak    bool
	titled  bool    // a title comes before a single word: "Mr. Sharon", "Senator Kerry"
	royal   string  // the title of a monarch or a cleric before a single word: "King" of "King Fahd"
	notName bool    // a tagger's span the lexicons rule out (Symantec Corp., Jordan)
	score   float32 // the tagger's margin for a mention it found, else 0
}

const maxNameWords = 4

func (pe *personExtractor) extract(text string) ([]*person, []mention, []int) {
	pe.toks, pe.lines = tokenize(text, pe.toks[:0], pe.lines)
	toks := pe.toks
	pe.classes = slices.Grow(pe.classes[:0], len(toks))[:len(toks)]
	german := 0
	for i := range toks {
		pe.classes[i] = 0
		if toks[i].kind != tokWord {
			continue
		}
		if toks[i].initial && i > 0 && toks[i-1].kind == tokNumber && toks[i-1].end() == toks[i].start {
			toks[i].initial = false // "4K.": a unit, no initial
		}
		c := pe.classify(toks[i].text)
		if c&wGerman != 0 {
			// Counted here, kept out of the classes the rules and the tagger read.
			if !toks[i].upper {
				german++
			}
			c &^= wGerman
		}
		switch {
		case toks[i].initial:
			// "A." and "I." are initials, not the stop words "a" and "i".
			c &= wTitle
		case c == 0 && toks[i].allCaps && initials(toks[i].text):
			toks[i].initial = true // I.K. Gujral, F.W. de Klerk; U.S. and U.N. are in the lexicon
		}
		pe.classes[i] = c
	}
	for i := range toks {
		if c := pe.classes[i]; c&wMonth != 0 && toks[i].upper && !toks[i].allCaps && pe.givenNotMonth(i) &&
			(c&wFirst != 0 || monthAbbrev[strings.ToLower(toks[i].text)] && (pe.speechAround(i, i+2) || pe.roleAfter(i+2))) {
			// "Jan Siemerink", "April Ryan"; "said Mar Hicks", "Mar Hicks, a
			// historian": a month's abbreviation is a given name before a
			// surname the text shows to be someone's.
			pe.classes[i] = c &^ wMonth
		}
	}
	pe.lowerSeen = [len(pe.lowerSeen)]uint64{}
	lower := 0
	for i := range toks {
		if toks[i].kind == tokWord && !toks[i].upper {
			h := wordHash(toks[i].text)
			pe.lowerSeen[h/64%uint64(len(pe.lowerSeen))] |= 1 << (h % 64)
			lower++
		}
	}
	// In German prose a tenth of the lower-case words or more are these; an
	// English story quoting a German phrase has a handful.
	pe.nounCaps = german >= 6 && german*10 >= lower
	pe.mentions = pe.mentions[:0]
	pe.teams = pe.teams[:0]
	pe.slavic = 0
	pe.orgs = organizations{places: pe.scanLines()}
	for i := 0; i < len(toks); {
		if !pe.nameStart(i) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && !toks[j-1].poss && !toks[j].newline && pe.nameContinues(j) && !pe.pairedNames(i, j) {
			j++
		}
		if len(pe.teams) > 0 && pe.isTeam(i, j) {
			i = j
			continue
		}
		if a, b := pe.span(i, j); b > a {
			pe.addOrg(a, b)
		}
		i = j
	}
	pe.joinNicknames()
	pe.partners()
	pe.quotedAlone()
	if end := pe.titleCaseLine(); end > 0 {
		pe.headlineOnly(pe.mentions, toks[end].start)
	}
	pe.mentions = dropNameless(pe.mentions)
	pe.orgs.menus = pe.menuLines()
	people, who := resolvePersons(pe.mentions, &pe.orgs)
	return people, pe.mentions, who
}

// titleCaseLine returns the number of tokens of the text's first line when it
// is a headline in title case ("Yahoo's Sale to Verizon Leaves Shareholders With
// Little Say") above a body of its own; else 0. Every word of such a line is
// capitalized, so a capital there shows nothing.
func (pe *personExtractor) titleCaseLine() int {
	toks := pe.toks
	end := 0
	for k := 1; k < len(toks); k++ {
		if toks[k].newline {
			end = k
			break
		}
	}
	if end == 0 || len(toks)-end < 20 {
		return 0
	}
	long, allCaps := 0, 0
	for k := 0; k < end; k++ {
		t := &toks[k]
		if t.kind != tokWord || len(t.text) < 4 || !plainWord(t.text) {
			continue
		}
		if !t.upper {
			return 0
		}
		long++
		if t.allCaps {
			allCaps++
		}
	}
	if long < 4 || allCaps*2 > long {
		return 0 // a sentence, or a headline in capitals, which span reads as such
	}
	return end
}

// headlineOnly makes the mentions that start before the byte offset end (in a
// headline in title case) like words of a headline in capitals: they may only
// repeat a person the text names otherwise.
func (pe *personExtractor) headlineOnly(mentions []mention, end int) {
	for i := range mentions {
		if m := &mentions[i]; m.pos < end {
			m.caps, m.person, m.evidence, m.weak = true, false, false, false
		}
	}
}

// partners records as a firm two words that the text writes (headlines in
// capitals aside) only as a pair joined by "and", at least twice, neither a
// given name: "Duff and Phelps", "Procter and Gamble". People paired so
// ("Reagan and Gorbachev") are named apart too.
func (pe *personExtractor) partners() {
	toks := pe.toks
	single := func(k int) bool {
		t := &toks[k]
		return t.kind == tokWord && t.upper && !t.allCaps && !t.initial && pe.classes[k]&(wFirst|wNotName|wTitle) == 0 &&
			(k == 0 || toks[k-1].kind != tokWord || !toks[k-1].upper || t.newline || toks[k-1].poss)
	}
	var pairs map[[2]string]int
	for k := 0; k+2 < len(toks); k++ {
		if toks[k+1].text != "and" || toks[k].poss || !single(k) || !single(k+2) {
			continue
		}
		if k+3 < len(toks) && toks[k+3].kind == tokWord && toks[k+3].upper && !toks[k+2].poss && !toks[k+3].newline {
			continue // "Duff and Phelps Corp" is counted by its suffix; "and Phelps Dodge" is no pair
		}
		if pairs == nil {
			pairs = map[[2]string]int{}
		}
		pairs[[2]string{strings.ToLower(toks[k].text), strings.ToLower(toks[k+2].text)}]++
	}
	for p, n := range pairs {
		if n < 2 {
			continue
		}
		seen := 0
		for k := range toks {
			if toks[k].kind == tokWord && toks[k].upper && !toks[k].allCaps &&
				(strings.EqualFold(toks[k].text, p[0]) || strings.EqualFold(toks[k].text, p[1])) {
				seen++
			}
		}
		if seen > 2*n {
			continue // one of them also stands alone: two people
		}
		pe.orgs.addWord(p[0])
		pe.orgs.addWord(p[1])
		pe.orgs.names = append(pe.orgs.names, []string{p[0], p[1]})
	}
}

// organizations is what a text shows to be the names of organizations and
// places rather than people's.
type organizations struct {
	// places are the words of a dateline: never part of a person's name.
	places map[string]bool
	// words never stand alone for a person in the text: "Zenith" of "Zenith
	// Electronics Corp".
	words map[string]bool
	// names are the companies' names, lower case, hyphenated words split: "Dean
	// Witter" of "Dean Witter Reynolds Inc" is the firm.
	names [][]string
	// menus are the byte spans of the lines that list links (see menuLines):
	// their names may only repeat a person the text names elsewhere.
	menus [][2]int
	// works are the words of titles of works (see workTitle) and of the
	// characters of plays and films (see character), lower case: "super lucky"
	// of "Super Lucky's Tale".
	works [][]string
}

// addOrg records the company named by toks[a:b].
func (pe *personExtractor) addOrg(a, b int) {
	name := make([]string, 0, b-a)
	for k := a; k < b; k++ {
		if !pe.toks[k].upper {
			continue // the punctuation and "and" of "Goldman, Sachs and Co"
		}
		w := strings.ToLower(pe.toks[k].text)
		name = append(name, strings.Split(w, "-")...)
		// Every word of a company's name: "Zenith" of "Zenith Electronics Corp",
		// "Salomon" of "Salomon Brothers Inc" is the company wherever it stands
		// alone.
		pe.orgs.addWord(w)
	}
	pe.orgs.names = append(pe.orgs.names, name)
}

// covers reports whether a person of these lower-case name parts is one of the
// organizations or places: a word of one standing alone, a name ending in a
// dateline's place, words of a company's name in its order ("Dean Witter"), or
// a name ending in a company's word whose first word is no given name ("SoCal
// Edison" of "Southern California Edison Co"). "Henry Ford" is not "Ford Motor
// Co".
func (o *organizations) covers(parts []string) bool {
	if o == nil {
		return false
	}
	last := parts[len(parts)-1]
	if len(parts) == 1 {
		return o.words[last] || o.places[last] || slices.ContainsFunc(o.works, func(w []string) bool { return len(w) == 1 && w[0] == last })
	}
	if o.places[last] || o.words[last] && loadLexicon().words[parts[0]]&wFirst == 0 || o.product(parts) {
		return true
	}
	for _, names := range [...][][]string{o.names, o.works} {
		for _, n := range names {
			for k := 0; k+len(parts) <= len(n); k++ {
				if slices.Equal(n[k:k+len(parts)], parts) {
					return true
				}
			}
		}
	}
	return false
}

// product reports whether a name of two words opens with the whole name of a
// company the text names by one word: "Dolby Vision" where the text speaks of
// "Dolby's" technology, "Microsoft Office" beside "Microsoft said": the firm's
// product, as a word after a firm's name is, not a person whose given name a
// firm bears.
func (o *organizations) product(parts []string) bool {
	if len(parts) != 2 || !o.words[parts[0]] {
		return false
	}
	for _, n := range o.names {
		if len(n) == 1 && n[0] == parts[0] {
			return true
		}
	}
	return false
}

// scanLines reads the lines of the text for names that the layout shows not to be
// people's. A dateline ("BONN 1996-08-22", "WASHINGTON (AP) -") names a place:
// the words it returns are never a person in this text. A results line ("Bayer
// Leverkusen 2 Arminia Bielefeld 0") names two teams; their runs are recorded in
// pe.teams, and the same run elsewhere in the text is a team too.
func (pe *personExtractor) scanLines() map[string]bool {
	toks := pe.toks
	var places map[string]bool
	for i := 0; i < len(toks); {
		j := i + 1
		for j < len(toks) && !toks[j].newline {
			j++
		}
		// Dateline: one to three words in capitals opening the line, then a date that
		// ends it ("BONN 1996-08-22") or the agency in parentheses ("WASHINGTON (AP)").
		k := i
		for k < j && k-i < 3 && toks[k].kind == tokWord && toks[k].allCaps && pe.classes[k]&wNotName&^wPlace == 0 {
			k++
		}
		if k > i && (k < j && toks[k].kind == tokNumber && onlyDate(toks[k:j]) ||
			k+2 < j && toks[k].text == "(" && toks[k+1].kind == tokWord && toks[k+1].upper && toks[k+2].text == ")") {
			if places == nil {
				places = map[string]bool{}
			}
			for m := i; m < k; m++ {
				places[strings.ToLower(toks[m].text)] = true
			}
		}
		// Results line: run, (country), score, (scorers), run, (country), score.
		if r1, n1 := pe.capRun(i, j); n1 > r1 && pe.skipCountry(n1, j) < j && isScore(&toks[pe.skipCountry(n1, j)]) {
			k := pe.skipCountry(n1, j) + 1
			if k < j && toks[k].text == "(" {
				for k < j && toks[k].text != ")" {
					k++
				}
				k++
			}
			if r2, n2 := pe.capRun(k, j); n2 > r2 && pe.skipCountry(n2, j) < j && isScore(&toks[pe.skipCountry(n2, j)]) {
				pe.teams = append(pe.teams, [2]int{r1, n1}, [2]int{r2, n2})
			}
		}
		// Standings: a run opening the line, then only small numbers, six or more,
		// some under ten (played, won, drawn, lost, goals, points), unlike a golfer's
		// rounds.
		if r1, n1 := pe.capRun(i, j); n1 > r1 && r1 == i && j-n1 >= 6 {
			small := 0
			for k := n1; k < j; k++ {
				if !isScore(&toks[k]) {
					small = -1
					break
				}
				if len(toks[k].text) == 1 {
					small++
				}
			}
			if small >= 3 {
				pe.teams = append(pe.teams, [2]int{r1, n1})
			}
		}
		i = j
	}
	return places
}

// onlyDate reports whether toks hold nothing but a date: a few numbers, month
// names and punctuation.
func onlyDate(toks []token) bool {
	if len(toks) > 6 {
		return false
	}
	for _, t := range toks {
		if t.kind == tokWord && loadLexicon().words[strings.ToLower(t.text)]&wMonth == 0 {
			return false
		}
	}
	return true
}

// capRun returns the capitalized run of words starting at toks[i], before to.
func (pe *personExtractor) capRun(i, to int) (int, int) {
	j := i
	for j < to && pe.toks[j].kind == tokWord && (pe.toks[j].upper || j > i && pe.classes[j]&wParticle != 0) {
		j++
	}
	return i, j
}

// skipCountry returns the index after a country in parentheses at toks[k] that
// results give after a club ("Hearts ( Scotland ) 1"), or k.
func (pe *personExtractor) skipCountry(k, to int) int {
	if k+2 < to && pe.toks[k].text == "(" && pe.toks[k+2].text == ")" && pe.toks[k+1].upper {
		return k + 3
	}
	return k
}

// isScore reports whether t is a number of one or two digits.
func isScore(t *token) bool {
	return t.kind == tokNumber && len(t.text) <= 2
}

// isTeam reports whether the capitalized run toks[i:j] is written as a run that a
// results line shows to be a team.
func (pe *personExtractor) isTeam(i, j int) bool {
	for _, t := range pe.teams {
		if t[1]-t[0] != j-i {
			continue
		}
		same := true
		for k := 0; k < j-i && same; k++ {
			same = pe.toks[t[0]+k].text == pe.toks[i+k].text
		}
		if same {
			return true
		}
	}
	return false
}

// wordHash is FNV-1a over the ASCII-lowered bytes of w.
func wordHash(w string) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// seenLower reports whether the text also writes w in lower case.
func (pe *personExtractor) seenLower(w string) bool {
	h := wordHash(w)
	return pe.lowerSeen[h/64%uint64(len(pe.lowerSeen))]&(1<<(h%64)) != 0
}

// classify returns the word classes of w, trying its lower-case form, then the
// form without a final period, then the part before a hyphen (for Jean-Claude).
// Short ASCII words are lowered into the extractor's buffer, and the map is indexed
// with string(bytes), which Go does without allocating.
func (pe *personExtractor) classify(w string) uint32 {
	b, ok := pe.lowerASCII(w)
	if !ok {
		return classifyLower(pe.lx, strings.ToLower(w))
	}
	if c, ok := pe.lx.words[string(b)]; ok {
		return c
	}
	if n := len(b); n > 1 && b[n-1] == '.' {
		if c, ok := pe.lx.words[string(b[:n-1])]; ok {
			return c
		}
	}
	if i := bytes.IndexByte(b, '-'); i > 0 {
		tailWord := b[bytes.LastIndexByte(b, '-')+1:]
		head, tail := pe.lx.words[string(b[:i])], pe.lx.words[string(tailWord)]
		return head&(wFirst|wLast|wPlace|wNationality) | tail&(wTitle|wPlace|wNationality|wOrg) | titleSuffix(head, string(tailWord))
	}
	if intlTitleTail(pe.lx, b) {
		return wTitle // Finanzminister, Regierungssprecher
	}
	return 0
}

func classifyLower(lx *lexicon, lower string) uint32 {
	if c, ok := lx.words[lower]; ok {
		return c
	}
	if rest, ok := strings.CutSuffix(lower, "."); ok {
		if c, ok := lx.words[rest]; ok {
			return c
		}
	}
	if i := strings.IndexByte(lower, '-'); i > 0 {
		tailWord := lower[strings.LastIndexByte(lower, '-')+1:]
		head, tail := lx.words[lower[:i]], lx.words[tailWord]
		return head&(wFirst|wLast|wPlace|wNationality) | tail&(wTitle|wPlace|wNationality|wOrg) | titleSuffix(head, tailWord)
	}
	if intlTitleTail(lx, lower) {
		return wTitle // Vizepräsident, Bundestagspräsidentin
	}
	return 0
}

// titleSuffix returns wTitle for a title with a suffix that keeps it one
// (Minister-designate, Governor-elect), else 0.
func titleSuffix(head uint32, tail string) uint32 {
	switch tail {
	case "designate", "elect", "general":
		return head & wTitle
	}
	return 0
}

// lowerASCII lowers w into the extractor's buffer; ok is false when w is not short
// ASCII. The bytes are valid until the next call.
func (pe *personExtractor) lowerASCII(w string) ([]byte, bool) {
	if len(w) > len(pe.buf) {
		return nil, false
	}
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		pe.buf[k] = c
	}
	return pe.buf[:len(w)], true
}

func (pe *personExtractor) nameStart(i int) bool {
	t := &pe.toks[i]
	return t.kind == tokWord && (t.upper || isArabicArticle(t.text) || pe.patronymStart(i))
}

// patronymStart reports whether toks[i] is "bin" or "ibn" before a capitalized
// word, as a surname is written alone: "bin Laden's battle".
func (pe *personExtractor) patronymStart(i int) bool {
	t := &pe.toks[i]
	return (t.text == "bin" || t.text == "ibn") && !t.poss && i+1 < len(pe.toks) && pe.toks[i+1].kind == tokWord &&
		pe.toks[i+1].upper && !pe.toks[i+1].allCaps && !pe.toks[i+1].newline
}

// nameContinues reports whether token j extends the capitalized run before it: a
// capitalized word, or a particle (van, de, bin) followed by one.
func (pe *personExtractor) nameContinues(j int) bool {
	t := &pe.toks[j]
	if t.kind != tokWord {
		return false
	}
	if t.upper || isArabicArticle(t.text) {
		return true
	}
	// Particles may chain: "van der Pas", "de la Hoya".
	for k := j; k < len(pe.toks) && k < j+3; k++ {
		n := &pe.toks[k]
		if n.kind != tokWord || (k > j && n.newline) {
			return false
		}
		if n.upper {
			return k > j // "Osama bin Laden's" too
		}
		if n.poss {
			return false
		}
		if pe.classes[k]&wParticle == 0 {
			return false
		}
		if pe.nounCaps && germanArticle(n.text) && (k == 0 || !strings.HasPrefix(pe.toks[k-1].text, "v")) {
			return false // "Wert der Währung", but "von der Leyen"
		}
	}
	return false
}

// afterName reports whether the run at toks[i] follows "and" or a comma after
// a name the text gives, as people are listed: "the opening pair of
// Jayasuriya and Romesh Kaluwitharana".
func (pe *personExtractor) afterName(i int) bool {
	if i < 2 || len(pe.mentions) == 0 || (pe.toks[i-1].text != "and" && pe.toks[i-1].text != ",") {
		return false
	}
	p := i - 2 // the end of the name before
	if pe.toks[i-1].text == "and" && pe.toks[p].text == "," && p > 0 {
		p-- // "Merab Kakulia, and Archil Gegeshidze"
	}
	n := len(pe.mentions) - 1
	last := &pe.mentions[n]
	if last.caps || last.end != pe.toks[p].end() {
		return false
	}
	if last.person || last.evidence {
		return true
	}
	// A surname alone: someone's, when the text named them in full before
	// ("Sanath Jayasuriya ... Jayasuriya and Romesh Kaluwitharana"), not a
	// place ("Kerala and Andhra Pradesh").
	for _, m := range pe.mentions[:n] {
		if !last.multi && m.multi && m.person && strings.EqualFold(m.parts[len(m.parts)-1], last.parts[0]) {
			return true
		}
	}
	return false
}

// compoundName reports whether w is a South Asian name joined by the Arabic
// article ("Inzamam-ul-Haq", "Ata-ur-Rehman", "Moin-ud-Din"), not the name of a
// movement or a party written so ("Harkat-ul-Mujahideen", "Jamaat-ud-Dawa").
func compoundName(w string) bool {
	a, rest, ok := strings.Cut(w, "-")
	if !ok || len(a) < 2 || a[0] < 'A' || a[0] > 'Z' {
		return false
	}
	art, b, ok := strings.Cut(rest, "-")
	if !ok || len(b) < 2 || b[0] < 'A' || b[0] > 'Z' || strings.Contains(b, "-") {
		return false
	}
	switch art {
	case "ul", "ur", "ud", "uz", "us", "un":
	default:
		return false
	}
	switch strings.ToLower(a) {
	case "harkat", "harakat", "hizb", "jamaat", "jamiat", "markaz", "lashkar", "tehreek", "tehrik", "jaish",
		"sipah", "ansar", "ahl", "majlis", "idara", "anjuman", "daar", "dar", "bab", "bait", "baitul":
		return false
	}
	return true
}

// monthAbbrev are months' abbreviations, which are given names too (Mar Hicks).
var monthAbbrev = wordSet(`jan feb mar apr jun jul aug sep sept oct nov dec`)

// givenNotMonth reports whether toks[i], a month that is also a given name, is
// the given name: a surname follows it, and no preposition of dates comes
// before it ("in May Theresa May", "since June").
func (pe *personExtractor) givenNotMonth(i int) bool {
	toks := pe.toks
	if i+1 >= len(toks) || toks[i+1].newline || toks[i+1].kind != tokWord || !toks[i+1].upper || toks[i+1].allCaps ||
		strings.HasSuffix(toks[i].text, ".") || pe.classes[i+1]&(wMonth|wNotName|wTitle) != 0 {
		return false
	}
	if i+2 < len(toks) && toks[i+2].kind == tokNumber {
		return false // "May Day 1 parade"
	}
	switch strings.ToLower(toks[i].text) {
	case "february", "march", "september", "october", "november", "december":
		return false // "December Euromark futures": months that name few people
	}
	if i > 0 && toks[i-1].kind == tokWord {
		switch strings.ToLower(toks[i-1].text) {
		case "in", "on", "since", "until", "till", "by", "of", "from", "last", "next", "early", "late", "mid",
			"during", "through", "before", "after", "this", "that", "each", "every", "to":
			return false
		}
	}
	return true
}

// byAuthor reports whether the run at toks[i] follows "by" after a verb of
// work that people do and companies do not ("directed by Wataru Takeishi",
// "written and performed by Dolly Parton"); "published by", "developed by" and
// "produced by" are left out, since firms do those.
func (pe *personExtractor) byAuthor(i int) bool {
	if i < 2 || pe.toks[i-1].text != "by" || pe.toks[i-2].kind != tokWord {
		return false
	}
	return authorVerbs[strings.TrimPrefix(pe.toks[i-2].text, "co-")]
}

var authorVerbs = wordSet(`written directed composed painted sung performed narrated illustrated
	choreographed sculpted photographed authored voiced portrayed drawn penned translated sketched
	coached conducted scored`)

// isAThing reports whether the run ending at toks[end-1] is said to be a
// thing, as encyclopedias open their articles: "Clark Lake is a lake in
// Gogebic County", "Tangerine Dream is a German electronic band", "Kitchen
// Confidential was an American sitcom". A noun only people are, met first,
// says the opposite ("is a former member of the band").
func (pe *personExtractor) isAThing(end int) bool {
	toks := pe.toks
	if end+2 >= len(toks) || toks[end-1].poss {
		return false
	}
	switch toks[end].text {
	case "is", "was", "are", "were":
	default:
		return false
	}
	m := end + 1
	switch toks[m].text {
	case "a", "an", "the", "one":
		m++
	default:
		return false
	}
	for n := 0; n < 5 && m < len(toks); n, m = n+1, m+1 {
		t := &toks[m]
		if t.kind != tokWord || t.poss {
			return false // "is the country's president"
		}
		switch {
		case personNouns[t.text]:
			return false
		case thingNouns[t.text]:
			return true
		}
		switch t.text {
		case "of", "in", "who", "that", "which", "from", "and", "with", "for", "by", "to", "at":
			return false
		}
	}
	return false
}

// thingNouns are what encyclopedias say places, bodies and works are.
var thingNouns = wordSet(`lake river creek mountain peak peaks range ranges hill island islands village
	town city municipality county district province region suburb neighbourhood neighborhood settlement
	hamlet community park forest wilderness reserve zoo museum school university college hospital church
	cathedral temple mosque monastery building bridge dam station airport railway railroad highway road
	street band duo trio quartet orchestra choir ensemble album single song film movie documentary novel
	novella book magazine newspaper series sitcom show programme program opera musical play poem painting
	sculpture game company corporation firm brand label team club species genus plant tree bird fish
	insect disease ship vessel aircraft locomotive rifle tank missile satellite festival tournament award
	prize competition party organization organisation agency newspaper website software language
	dialect dynasty empire kingdom state country genre style`)

// lineAlone reports whether the capitalized run toks[i:j] is a line of its own.
func (pe *personExtractor) lineAlone(i, j int) bool {
	return (i == 0 || pe.toks[i].newline) && (j == len(pe.toks) || pe.toks[j].newline)
}

// anySeenLower reports whether the text writes one of the words toks[k:end]
// in lower case too.
func (pe *personExtractor) anySeenLower(k, end int) bool {
	for m := k; m < end; m++ {
		if pe.toks[m].upper && pe.seenLower(pe.toks[m].text) {
			return true
		}
	}
	return false
}

// germanArticle reports whether w is a German article that is also a particle
// of names (van der, de).
func germanArticle(w string) bool {
	switch w {
	case "der", "den", "dem", "des":
		return true
	}
	return false
}

// isArabicArticle matches "al-Assad", "el-Sisi": lower case, yet part of a name.
func isArabicArticle(w string) bool {
	if len(w) < 4 || w[2] != '-' || !(w[0] == 'a' && w[1] == 'l' || w[0] == 'e' && w[1] == 'l') {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w[3:])
	return unicode.IsUpper(r)
}

// knownThing returns the tokens [s, e) of a name of names/things.txt that the
// run toks[i:j] holds (a firm, club, band, award or product that reads like a
// person's name), or 0, 0. A name of one word must be the whole run.
func (pe *personExtractor) knownThing(i, j int) (int, int) {
	lx := pe.lx
	var buf [64]byte
	for s := i; s < j; s++ {
		b := buf[:0]
		for e := s; e < j && e-s < lx.thingWords; e++ {
			w := pe.toks[e].text
			if pe.toks[e].poss {
				w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			}
			if e > s {
				b = append(b, ' ')
			}
			for k := 0; k < len(w); k++ {
				c := w[k]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				b = append(b, c)
			}
			if (e > s || j-i == 1) && lx.things[string(b)] {
				return s, e + 1
			}
			if pe.toks[e].poss {
				break
			}
		}
	}
	return 0, 0
}

// hyphenGiven reports whether toks[k] is a Korean or Chinese surname and
// toks[k+1] a given name of two syllables joined by a hyphen, as these names are
// romanized: "Park Geun-hye", "Ma Ying-jeou", but not "Hong Kong-based".
func (pe *personExtractor) hyphenGiven(k int) bool {
	if k+1 >= len(pe.toks) || pe.toks[k].poss || !pe.lx.eastAsian[strings.ToLower(pe.toks[k].text)] {
		return false
	}
	first, second, ok := strings.Cut(pe.toks[k+1].text, "-")
	if !ok || len(first) < 2 || len(first) > 6 || len(second) < 1 || len(second) > 5 ||
		first[0] < 'A' || first[0] > 'Z' || pe.lx.placePairs[strings.ToLower(pe.toks[k].text+" "+first)] {
		return false
	}
	for i := 1; i < len(first); i++ {
		if first[i] < 'a' || first[i] > 'z' {
			return false
		}
	}
	for i := 0; i < len(second); i++ {
		if second[i] < 'a' || second[i] > 'z' {
			return false
		}
	}
	switch second {
	case "based", "born", "led", "run", "made", "owned", "style", "era", "area", "wide", "bound", "type", "like", "backed":
		return false
	}
	return true
}

// pinyinGiven reports whether toks[k] is a Chinese surname and toks[k+1] a
// given name of two or three syllables of Hanyu Pinyin written as one word, as
// mainland names are romanized: "Xi Jinping", "Li Keqiang", "Mao Zedong".
// Ordinary English words that also split into syllables (Line, Bone) are
// written in lower case elsewhere or known to the lexicons.
func (pe *personExtractor) pinyinGiven(k int) bool {
	if k+1 >= len(pe.toks) || pe.toks[k].poss || !pe.lx.eastAsian[strings.ToLower(pe.toks[k].text)] {
		return false
	}
	g := &pe.toks[k+1]
	w := g.text
	if g.kind != tokWord || !g.upper || g.allCaps || len(w) < 4 || len(w) > 12 ||
		pe.classes[k+1]&^(wFirst|wLast|wGiven) != 0 || pe.seenLower(w) {
		return false
	}
	n := pinyinSyllables(strings.ToLower(w))
	return n >= 2 && n <= 3
}

// arabicName reports whether toks[k:end] is an Arabic name of two or three
// words that ends in a family name with its article ("Khayrat el-Shater",
// "Saadoun al-Dulaimi"): the words before it plain capitalized words that no
// lexicon knows as anything but a name and the text never writes in lower
// case. The nouns that open names of places and groups (Bab, Ansar, Jaish,
// Wadi) are organization words of the lexicon.
func (pe *personExtractor) arabicName(k, end int) bool {
	if end-k < 2 || end-k > 3 || !isArabicArticle(pe.toks[end-1].text) || pe.placeBefore(k) {
		return false // "near Hamam al-Alil": a place
	}
	if k > 0 {
		switch pe.toks[k-1].text {
		case "from", "to", "into", "toward", "towards", "of":
			return false
		}
	}
	for m := k; m < end-1; m++ {
		t := &pe.toks[m]
		if !t.upper || t.allCaps || t.poss || !plainWord(t.text) || lowerTail(t.text) || pe.classes[m]&^(wFirst|wLast|wGiven) != 0 ||
			pe.seenLower(t.text) {
			return false
		}
	}
	return true
}

// shipPrefixes open the names of ships and of military exercises: USS Carl
// Vinson, HMS Queen Elizabeth, Exercise Saber Strike.
var shipPrefixes = wordSet("USS USNS HMS HMAS HMCS HMNZS INS RFS ARA HNLMS FS TCG ROKS JS Exercise")

// shipNouns come before the name of a ship or an exercise: "the carrier
// Admiral Kuznetsov", "the exercise, code-named Vigilant Eagle".
var shipNouns = wordSet("carrier destroyer frigate cruiser submarine warship ship vessel tanker corvette battleship exercise codenamed code-named")

// shipName reports whether the run at toks[i], whose name part starts at k,
// names a ship: a ship's prefix opens it, or one or a kind of ship comes right
// before it.
func (pe *personExtractor) shipName(i, k int) bool {
	for m := i; m <= k; m++ {
		if shipPrefixes[pe.toks[m].text] {
			return true
		}
	}
	if i == 0 || pe.toks[i-1].kind != tokWord {
		return false
	}
	p := pe.toks[i-1].text
	return shipPrefixes[p] || shipNouns[p]
}

// alArticle reports whether toks[k], "Al", is the Arabic article of a place or
// a body (Al Qaim, Al Jazeera, Al Udeid) rather than the given name of Al Gore:
// the word after it is no known surname.
//
// A text that also writes Al alone uses it as a given name ("Al, see you at
// lunch. Al Arfsten").
func (pe *personExtractor) alArticle(k, end int) bool {
	if pe.toks[k].text != "Al" || k+1 >= end || pe.classes[k+1]&wLast != 0 {
		return false
	}
	for m := range pe.toks {
		if m != k && pe.toks[m].text == "Al" && (m+1 == len(pe.toks) || !pe.toks[m+1].upper) {
			return false
		}
	}
	return true
}

// capsFamilyName records the mention of a name the run toks[i:j] writes as
// Japanese and Korean official releases do, the family name first and in
// capitals: "Prime Minister KISHIDA Fumio", "President YOON Suk Yeol". Before
// it come titles, their modifiers or the words of an office; after it one or
// two capitalized words, the first a known given name unless the family name
// is a known surname. A title must come first unless the family name is Korean
// or Chinese ("KIM Jong Il"): an acronym before a word ("SIMEX Brent", "NATO
// Secretary") is none.
func (pe *personExtractor) capsFamilyName(i, j int) bool {
	toks, cls := pe.toks, pe.classes
	p, titled := i, false
	for p < j && !toks[p].allCaps && cls[p]&(wTitle|wTitleMod|wNationality|wPlace|wOrg|wHead) != 0 {
		titled = titled || cls[p]&(wTitle|wTitleMod) != 0
		p++ // "Minister for Foreign Affairs HAYASHI Yoshimasa"
	}
	if n := j - p - 1; n < 1 || n > 2 {
		return false
	}
	fam := &toks[p]
	if !fam.allCaps || fam.initial || fam.poss || len(fam.text) < 2 || !plainWord(fam.text) ||
		!strings.ContainsAny(fam.text, "AEIOUY") || cls[p]&^(wFirst|wLast|wGiven) != 0 {
		return false
	}
	for m := p + 1; m < j; m++ {
		t := &toks[m]
		if t.allCaps || !t.upper || t.initial || t.poss && m < j-1 || cls[m]&^(wFirst|wLast|wGiven) != 0 ||
			!plainWord(t.text) || lowerTail(t.text) {
			return false
		}
	}
	if !titled && !pe.lx.eastAsian[strings.ToLower(fam.text)] ||
		cls[p+1]&wFirst == 0 && cls[p]&wLast == 0 && !pe.lx.eastAsian[strings.ToLower(fam.text)] {
		return false // "SIMEX Brent", "OM Gruppen": an acronym before a word
	}
	mn := mention{pos: fam.start, end: toks[j-1].end(), parts: append([]string{capitalize(fam.text)}, pe.words(p+1, j)...), multi: true, person: true}
	pe.mentions = append(pe.mentions, mn)
	return true
}

// syllableName reports whether toks[k:end] is a Korean or Vietnamese name of
// three words of one syllable each, the family name first: "Choe Son Hui",
// "Ho Chi Minh", "Nguyen Tan Dung".
func (pe *personExtractor) syllableName(k, end int) bool {
	if end-k != 3 || !pe.lx.eastAsian[strings.ToLower(pe.toks[k].text)] {
		return false
	}
	for m := k; m < end; m++ {
		t := &pe.toks[m]
		if t.kind != tokWord || !t.upper || t.allCaps || t.poss && m < end-1 || len(t.text) > 6 || !plainWord(t.text) ||
			strings.ContainsAny(t.text, "-'") || pe.classes[m]&(wNotName|wTitle) != 0 {
			return false
		}
	}
	return true
}

// pinyinSyllables returns the fewest syllables of Hanyu Pinyin (tones left out)
// that w, lower case, is written with, or 0 when it is no such word.
func pinyinSyllables(w string) int {
	// best[i] is the fewest syllables that spell w[:i], 0 when none do (and for
	// the empty w[:0]).
	var best [13]int
	if len(w) >= len(best) {
		return 0
	}
	for i := 1; i <= len(w); i++ {
		for n := 1; n <= 6 && n <= i; n++ {
			if (n == i || best[i-n] > 0) && pinyin[w[i-n:i]] && (best[i] == 0 || best[i-n]+1 < best[i]) {
				best[i] = best[i-n] + 1
			}
		}
	}
	return best[len(w)]
}

// pinyin holds the syllables of Hanyu Pinyin, without tones.
var pinyin = wordSet(`a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
	ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
	chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dian
	diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai
	gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen
	heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan
	jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao
	le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv lve ma mai man mang mao me
	mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang
	niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao
	pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re
	ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she
	shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta
	tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen
	weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying
	yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen
	zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo`)

// gluedWords reports whether w is two words that lost the space between them,
// as text taken from a web page's markup may ("LucasNolan", "SmithReporter"):
// a capital after four lower-case letters or more. Names with a capital inside
// have it after a short prefix (McCain, MacArthur, LeBron, DiCaprio, FitzGerald
// is the exception kept).
func gluedWords(w string) bool {
	lower := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower++
		case 'A' <= c && c <= 'Z':
			if lower >= 4 && !strings.HasPrefix(w, "Fitz") {
				return true
			}
			lower = 0
		default:
			lower = 0
		}
	}
	return false
}

// kunya reports whether toks[k:end] is an Arabic name that opens with a kunya
// ("Abu Ayyub al-Masri", "Umm Hassan bint Ali"): Abu or Umm, a name, and a
// later part with al- or bin, which places (Abu Dhabi) and groups (Abu Sayyaf)
// lack.
func (pe *personExtractor) kunya(k, end int) bool {
	if end-k < 3 {
		return false
	}
	switch strings.ToLower(pe.toks[k].text) {
	case "abu", "abou", "umm", "abū":
	default:
		return false
	}
	for m := k + 2; m < end; m++ {
		w := pe.toks[m].text
		if isArabicArticle(w) || isArabicArticle(strings.ToLower(w[:1])+w[1:]) {
			return true
		}
		switch w {
		case "bin", "ibn", "bint":
			return true
		}
	}
	return false
}

// span tags the capitalized run toks[i:j]. It records at most one mention, and
// returns the tokens [a, b) of the name of the company the run names instead.
func (pe *personExtractor) span(i, j int) (a, b int) {
	toks, cls := pe.toks, pe.classes
	allCaps := true
	for k := i; k < j; k++ {
		if !toks[k].allCaps && !toks[k].initial {
			allCaps = false
		}
	}
	if allCaps {
		// A headline in capitals: its words may repeat a name the body spells out.
		// Those a headline shows as someone's ("VOLCKER SAYS", "TREASURY'S BAKER
		// SEES", "... - SUBROTO") are weak: the archive may know whom they mean.
		ws, we := pe.headlineName(i, j)
		for k := i; k < j; k++ {
			if toks[k].allCaps && cls[k]&wNotName == 0 {
				pe.mentions = append(pe.mentions, mention{pos: toks[k].start, end: toks[k].end(), parts: []string{toks[k].text}, caps: true,
					weak: ws == k && we == k+1})
			}
		}
		// "DAVEY JOHNSON": two or three words that may spell out a full name.
		for k := i; k < j; k++ {
			for n := 2; n <= 3 && k+n <= j && !toks[k+n-2].poss; n++ {
				if cls[k]&wNotName != 0 || cls[k+n-1]&wNotName != 0 {
					continue
				}
				mn := mention{pos: toks[k].start, end: toks[k+n-1].end(), parts: make([]string, n), multi: true, caps: true,
					weak: ws == k && we == k+n}
				for m := range n {
					mn.parts[m] = toks[k+m].text
				}
				pe.mentions = append(pe.mentions, mn)
			}
		}
		return 0, 0
	}

	// "Oscar-winning Tom Hanks", "London-born Sadiq Khan": the name starts after
	// an adjective made with a hyphen; "Jack Adams-winning" is all adjective.
	for m := i; m < j; m++ {
		if adjectiveTail(toks[m].text) {
			if m == j-1 {
				// "the Trump-backed candidate": the name before the hyphen may
				// repeat a person the text names ("Donald Trump"), and no more.
				pre := toks[m].text[:strings.LastIndexByte(toks[m].text, '-')]
				a := i
				for a < m && pe.classes[a]&(wStop|wTitle|wTitleMod|wNationality|wPlace) != 0 {
					a++ // "The Trump-backed", "U.S. Trump-backed"
				}
				if r, _ := utf8.DecodeRuneInString(pre); unicode.IsUpper(r) && !strings.Contains(pre, "-") {
					pe.mentions = append(pe.mentions, mention{pos: toks[a].start, end: toks[m].start + len(pre),
						parts: append(pe.words(a, m), pre), caps: true, multi: m > a})
				}
				return 0, 0
			}
			i = m + 1
		}
	}
	if j-i >= 2 && (toks[i].text == "Best" || toks[i].text == "Outstanding" || toks[i].text == "Top" && j-i >= 3) {
		return 0, 0 // "Best Original Song", "Outstanding Lead Actor", "Top Female Vocalist": an award's category
	}
	if pe.capsFamilyName(i, j) {
		return 0, 0 // "Prime Minister KISHIDA Fumio"
	}
	if s, e := pe.knownThing(i, j); e > s {
		return s, e // "Morgan Stanley", "Aston Villa", "Tesla Model Y": known as a firm's or a thing's
	}
	if pe.workTitle(i, j) || !toks[j-1].poss && pe.inWorkList(i, j) || pe.afterWorkNoun(i) {
		pe.orgs.addWork(toks[i:j])
		return 0, 0
	}
	// Strip what comes before the name: "U.S. President-elect", "Foreign Minister",
	// "The", "Iran envoy"; a title anywhere in the run moves the start past it.
	k, titled := pe.stripLeading(i, j, false)
	opener := false
	if k == i && j-i >= 2 && pe.sentenceOpener(i) {
		k, opener = i+1, cls[i]&wRole != 0
		k, titled = pe.stripLeading(k, j, false)
	}
	for t := pe.titleAfter(k, j); t >= 0 && !pe.titleInName(k, t, j) && !(t == k && titled && givenTitle(toks[t].text)); t = pe.titleAfter(k, j) {
		k, titled = pe.stripLeading(t+1, j, true)
	}
	if pe.regnalName(i, k, j, titled) || !titled && pe.untitledRegnal(k, j) {
		// "Queen Elizabeth II", "King Carol I", "Pope John Paul II": a monarch's
		// or a pope's numeral is part of the name, and the title is not.
		pe.mentions = append(pe.mentions, mention{pos: toks[k].start, end: toks[j-1].end(), parts: pe.words(k, j), multi: true, person: true})
		return 0, 0
	}
	end := j
	for end > k+1 && (cls[end-1]&wSuffix != 0 || cls[end-1]&(wMonth|wFirst) == wMonth) {
		end--
	}
	// "Amy Katz Narrates", "Jane Doe Reports": a credit line in title case ends
	// with its verb.
	if end > k+2 && !toks[end-1].allCaps && cls[end-1]&(wFirst|wLast) == 0 &&
		(headlineVerbs[strings.ToLower(toks[end-1].text)] || creditVerbs[strings.ToLower(toks[end-1].text)]) {
		end--
	}
	if k >= end {
		return 0, 0
	}
	next := end
	if next+2 < len(toks) && toks[next].text == "(" && !toks[end-1].poss {
		// "James Capel (Far East) Ltd": a suffix after a parenthesis.
		for m := next + 1; m < len(toks) && m < next+5; m++ {
			if toks[m].text == ")" {
				next = m + 1
				break
			}
		}
	}
	if next < len(toks) && !toks[end-1].poss && (toks[next].text == "&" ||
		(toks[next].upper && cls[next]&wOrgSuffix != 0) ||
		(toks[next].text == "and" && next+1 < len(toks) && toks[next+1].upper && cls[next+1]&wOrgSuffix != 0)) {
		return k, end
	}
	// A company's suffix inside the run ("Nomura International Ltd", "Ford Motor
	// Co") or before it ("NV Philips").
	for m := i; m < end; m++ {
		if pe.orgSuffix(m) {
			if m < k {
				return k, end
			}
			if m > k {
				return k, m
			}
		}
	}
	if b := pe.firmChain(end); b > end || !titled && pe.firmCue(i, end) {
		return k, max(b, end)
	}
	// "Frenchman Frank LeBoeuf", "Near Eastern Affairs Robert Pelletreau": words
	// before a known given name that no rule stripped are not part of the name.
	// A kunya opens the name it stands before ("Abu Mohammad al-Julani"), and
	// al-Ahmad is no given name that could start one.
	for m := k + 1; m < end-1 && !pe.kunya(k, end) && !pe.foreignGiven(i, k) && !pe.syllableName(k, end); m++ {
		if c := cls[m]; c&wFirst != 0 && c&(wAmbiguous|wNotName|wParticle) == 0 && cls[k]&wFirst == 0 && !toks[k].initial &&
			!isArabicArticle(toks[m].text) {
			if !pe.namedWithout(k, m, end) {
				k = m
			}
			break
		}
	}
	start := pe.nameAfterOrg(k, end)
	afterOrg := start > k
	k = start
	// "Ben Gurion airport", "Tamil Tiger rebels", "the town of Bou Haroun": the
	// run names a thing or a place.
	if end < len(toks) && !toks[end-1].poss && toks[end].kind == tokWord && !toks[end].upper && cls[end]&wThing != 0 {
		// Unless the text names a person so elsewhere: "the Clinton campaign".
		// Like a name in capitals, it may only repeat a person found elsewhere.
		if end-k <= 3 && cls[k]&wNotName == 0 && cls[end-1]&wNotName == 0 {
			pe.mentions = append(pe.mentions, mention{pos: toks[k].start, end: toks[end-1].end(), parts: pe.words(k, end), multi: end-k > 1, caps: true})
		}
		return 0, 0
	}
	if i > 1 && toks[i-1].text == "of" && toks[i-2].kind == tokWord && !toks[i-2].upper && cls[i-2]&wThing != 0 &&
		!ledBy[toks[i-2].text] {
		return 0, 0
	}
	if !titled && k == i && i >= 3 && toks[i-1].text == "the" && toks[i-2].text == "of" && toks[i-3].kind == tokWord &&
		toks[i-3].upper && !toks[i-3].allCaps && cls[i-3]&(wTitle|wTitleMod|wRole) == 0 {
		return 0, 0 // "Killers of the Flower Moon", "Bank of the West": the end of a title or a name
	}
	if pe.shipName(i, k) {
		return k, end // "USS Carl Vinson", "the carrier Admiral Kuznetsov": a ship, no one
	}
	if !titled && pe.indefiniteBefore(k) {
		return 0, 0 // "a used Ford Focus", "a Margaret Hamilton Lego minifigure": a thing
	}
	if !titled && pe.isAThing(end) {
		return k, end // "Clark Lake is a lake": the name of a thing wherever it stands
	}
	if pe.placeAppositive(end) {
		return 0, 0 // "Musa Qala, a town in southern Helmand": a place
	}
	for end-k >= 3 && !titled && pe.ordinaryFirst(k) {
		k++ // "Broker Khurshid Alam said", where the text speaks of a broker
	}
	nom := pe.nominative(k, end)
	if nom != nil && pe.lx.things[strings.ToLower(strings.Join(nom, " "))] {
		return k, end // "Aston Villy", of the club Aston Villa
	}
	firstClass := cls[k]
	if !titled && end-k >= 2 && isArticle(toks[k].text) && cls[k+1]&wLast == 0 {
		return k, end // "Les Halles", "Le Ventre de Paris": an article opens the name of a thing
	}
	if !titled && pe.alArticle(k, end) {
		return k, end // Al Jazeera, Al Qaim: a body or a place, no one
	}
	// An article opening the run (Le Monde, La Jornada) is no given name, though
	// Le is one in Vietnam.
	strongFirst := firstClass&wFirst != 0 && firstClass&(wAmbiguous|wNotName) == 0 && !isArticle(toks[k].text) ||
		k+2 < end && pe.foreignGiven(i, k) // "Izzat Ibrahim al-Douri": a given name before a known one
	eastAsian := end-k == 2 && (pe.hyphenGiven(k) || pe.pinyinGiven(k))
	words := 0
	for m := k; m < end; m++ {
		c := cls[m]
		switch {
		case eastAsian:
			// Park Geun-hye: the surname may be a word of places (park) or a
			// stop word (Moon, Sun).
		case pe.orgSuffix(m):
			return k, max(m, k+1)
		case c&wOrg != 0 && !(m > k && strongFirst && orgSurnames[strings.ToLower(toks[m].text)]):
			return 0, 0
		case toks[m].allCaps && !toks[m].initial && !isRoman(toks[m].text), gluedWords(toks[m].text):
			return 0, 0
		case c&wStop != 0 && c&(wFirst|wLast) == 0 && !(m > k && toks[m].text[0] >= 'a'):
			return 0, 0
		case m > k && c&(wNationality|wPlace) != 0 && c&(wFirst|wLast) == 0:
			return 0, 0 // Roman Catholic, Cleveland Browns
		}
		if c&wParticle == 0 || toks[m].upper {
			words++
		}
	}
	if words > maxNameWords || !titled && !afterOrg && pe.namesThing(i, k, end, strongFirst) {
		return 0, 0
	}
	if !titled && end-k >= 2 && (pe.acronymAfter(k, end) ||
		!strongFirst && (cls[k]&wFirst == 0 || cls[end-1]&wLast == 0) && pe.listedWithOrg(i, end)) {
		return k, end // "Forza Italia (FI)", "the Ulster Unionist Party and Sinn Féin": a body
	}
	if end-k >= 2 && end == j && pe.quoted(i, j) || pe.inQuotedTitle(i, j) {
		return 0, 0 // "Gone With The Wind", "You Loved Me Like a Distant Star": the title of a work
	}

	if end-k == 1 && cls[k]&(wFirst|wLast) == 0 && (ordinaryEnding(toks[k].text) || participle(toks[k].text)) &&
		pe.sentenceStart(k) && end < len(toks) && toks[end].text == "," {
		return 0, 0 // "Personally, I", "Concerned, his doctor": no name
	}
	for m := i; m+1 < j; m++ {
		if pe.lx.placePairs[strings.ToLower(toks[m].text+" "+toks[m+1].text)] {
			return 0, 0 // "Sierra Leone", "Costa Rica"
		}
	}
	if !titled && !strongFirst && k > i && cls[k-1]&wPlace != 0 && cls[k-1]&(wNationality|wTitle|wFirst) == 0 && !toks[k-1].allCaps &&
		!(k == i+1 && pe.officeOf(i) && end-k >= 2 && cls[k]&wFirst != 0) { // not "Governor of Oregon Mark Hatfield"
		return 0, 0 // "Canada Savings Bonds", "Texas Instruments": a place opens the name of a thing
	}

	if !titled && !strongFirst && k == i && end-k >= 2 && i >= 2 && toks[i-1].text == "of" && toks[i-2].kind == tokWord &&
		toks[i-2].upper && !toks[i-2].allCaps && !toks[i-2].poss && cls[i-2]&(wTitle|wTitleMod|wRole|wFirst|wLast) == 0 &&
		cls[k]&wFirst == 0 { // not "The Complete Plays of Jean Racine"
		return 0, 0 // "Advancement of Colored People", "Museum of Fine Arts": the end of a body's name
	}
	if !titled && !strongFirst && !eastAsian && k == i && i > 0 && toks[i-1].kind == tokWord && !toks[i-1].upper &&
		groupNounsBefore[toks[i-1].text] {
		return k, end // "the militant organisation Hamas", "the rock band Pink Floyd": a body
	}
	if !titled && !strongFirst && !eastAsian && pe.groupMemberAfter(k, end) {
		// "Boko Haram leader Abubakar Shekau", "Jaish al-Islam's leader": the run
		// names a group; one word may repeat a person found elsewhere ("Clinton
		// spokesman Joe Lockhart").
		if end-k >= 2 && cls[k]&wFirst == 0 {
			for m := k; m < end; m++ {
				if isArabicArticle(toks[m].text) {
					pe.addOrgWord(toks[m].text) // "al-Islam" of "Jaish al-Islam", which addOrg leaves out
				}
			}
			return k, end
		}
		pe.onlyRepeats(k, end)
		return 0, 0
	}
	role := opener || pe.roleBefore(i) || pe.roleAfter(end) && !pe.roleOfNext(end) || pe.aliasOf(i) ||
		pe.lifeAfter(end) && (end-k > 1 || pe.lifeSubject(k)) || end-k > 1 && pe.whoAfter(end) || pe.kinAfter(end)
	speech := pe.speechAround(i, end)
	sports := pe.sportsCue(i, end)
	if pe.character(i, end) {
		pe.orgs.addWork(toks[k:end])
		return 0, 0 // "Jeff Goldblum, playing the chaos theorist Ian Malcolm": a role
	}
	mn := mention{pos: toks[k].start, end: toks[end-1].end(), parts: nom}
	if nom == nil {
		mn.parts = pe.words(k, end)
	}
	// "Lucas Nolan22 Jan": the markup glued a date to the name.
	mn.parts[len(mn.parts)-1] = withoutDigits(mn.parts[len(mn.parts)-1])
	lastClass := cls[end-1]
	if words >= 2 && !titled && !role && pe.ordinaryFirst(k) {
		return 0, 0 // "Credit Lyonnais" where the text speaks of credit
	}
	if words >= 2 {
		mn.multi = true
		switch {
		case titled || role || strongFirst:
			mn.person = true
		case firstClass&wFirst != 0 && firstClass&wNotName == 0 &&
			(lastClass&wLast != 0 || lastClass&wNotName == 0 && surnameEnding(toks[end-1].text)):
			mn.person = true // Bill Clinton, Grace Lindqvist: an ambiguous given name before a surname
		case pe.kunya(k, end), eastAsian, pe.syllableName(k, end) && !pe.seenLower(toks[k+1].text):
			mn.person = true // Abu Ayyub al-Masri, Park Geun-hye, Choe Son Hui
		case toks[k].initial && lastClass&(wLast|wNotName) == wLast:
			mn.person = true
		case toks[k].initial && words == 2 && end-k == 2 && pe.nameShaped(k+1, end, false):
			mn.person = true // M. Lathwell: an initial before a word that is nothing else
		case speech && (firstClass|lastClass)&(wFirst|wLast) != 0 && (firstClass|lastClass)&wNotName == 0:
			mn.person = true
		case words <= 3 && pe.nameShaped(k, end, !speech && !sports && !pe.listedWithCountry(end) && !pe.afterName(i) && !pe.byAuthor(i)):
			mn.person = true
		case k > i && pe.officeOf(i) && words <= 3 && pe.nameShaped(k, end, false):
			mn.person = true // "Minister of Defense Hazem Shaalan"
		case pe.arabicName(k, end), pe.patronymName(k, end):
			mn.person = true // Khayrat el-Shater, Wael al-Rubaei, Usamah Bin Laden
		}
		mn.evidence = speech || sports && mn.person
		if titled && k > i && royalTitle(toks[k-1].text) && pe.allGiven(k, end) && !pe.fullArabicName(k-1, end) {
			// "Pope John Paul", "Crown Prince Abdullah bin Abdul": given names
			// alone name a monarch or a cleric with the title.
			mn.parts = append([]string{toks[k-1].text}, mn.parts...)
		}
	} else {
		if firstClass&wNotName != 0 || toks[k].initial || !titled && religions[strings.ToLower(toks[k].text)] {
			return 0, 0 // "converted to Islam": a faith, though Islam is a surname too
		}
		if titled || role {
			// "Time for Dr. Sherlock": a subheading plays with a title.
			titled, role = titled && !pe.subheading(k), role && !pe.subheading(k)
		}
		occupation := pe.occupationBefore(k)
		mn.evidence = titled || role || occupation || compoundName(toks[k].text) || (speech && firstClass&(wFirst|wLast) != 0 && !pe.seenLower(toks[k].text)) ||
			sports && firstClass&wAmbiguous == 0 && pe.nameShaped(k, end, false)
		mn.weak = !mn.evidence && speech && firstClass == 0 && plainWord(toks[k].text) && !pe.seenLower(toks[k].text)
		// "recording artist Rihanna", "striker Neymar": an occupation before one
		// word shows a person known by one name, even a word that is a given
		// name too; a relative ("his wife Mary") or a friend is named so only
		// in passing.
		mn.titled = titled || occupation
		if titled && k > i && royalTitle(toks[k-1].text) {
			// "King Fahd", "Prince Charles", "Mullah Omar": the name of a monarch
			// or a cleric known by one name is the title and the name, unless
			// the text gives the name in full.
			mn.royal = toks[k-1].text
		}
	}
	if words >= 2 && !titled && !role && !strongFirst && !eastAsian && !pe.kunya(k, end) && pe.lineAlone(i, j) && pe.anySeenLower(k, end) {
		// "Featured Slide Shows", "Summer Reading": the heading of a page's
		// section, words the text also writes in lower case, unless it names a
		// person so elsewhere. (A byline on its own line, "Gopal Sharma", has
		// no such word.)
		mn.caps, mn.person, mn.evidence, mn.weak = true, false, false, false
	}
	if pe.nounCaps && !titled && !role && !strongFirst && !eastAsian && !pe.kunya(k, end) {
		// "Jahren Krieg", "Pfund": German nouns, unless they repeat a name
		// the text gives in full ("Bassiki" of "Mohammed Bassiki").
		mn.caps, mn.person, mn.evidence, mn.weak = true, false, false, false
	}
	pe.mentions = append(pe.mentions, mn)
	return 0, 0
}

// words returns the texts of toks[a:b], a name's words as written.
func (pe *personExtractor) words(a, b int) []string {
	out := make([]string, 0, b-a)
	for _, t := range pe.toks[a:b] {
		out = append(out, t.text)
	}
	return out
}

// foreignGiven reports whether toks[k], which no lexicon knows, reads as a
// given name of its own before a known one ("Umaru Musa Yar'Adua", "Izzat
// Ibrahim al-Douri") rather than a word that describes the person
// ("Frenchman", "Spaniard", "Incumbent", "Administrator", "Affairs"): a plain
// word the text never writes in lower case that does not end as English
// demonyms, nouns of office, plurals and adjectives do.
//
// The word must open the name right after the run's start or a title, and
// come before a known given name; a word after a place or after "and" in the
// name of a body is that body's ("Drugs and Crime Antonio Maria Costa", "Iraq
// Reconstruction Stuart Bowen"). German capitalizes every noun ("der Ökonom
// Danny Makki"), so in German text no word is one.
func (pe *personExtractor) foreignGiven(i, k int) bool {
	toks, cls := pe.toks, pe.classes
	w := toks[k].text
	if pe.nounCaps || cls[k] != 0 || !plainWord(w) || strings.ContainsAny(w, "-'’") || pe.seenLower(w) || len(w) < 4 || toks[k].allCaps ||
		k+1 >= len(toks) || !toks[k+1].upper || cls[k+1]&wFirst == 0 || cls[k+1]&(wAmbiguous|wNotName|wParticle) != 0 {
		return false
	}
	if k > i && cls[k-1]&(wTitle|wTitleMod|wNationality) == 0 {
		return false
	}
	if k == i && i >= 2 && (toks[i-1].text == "and" || toks[i-1].text == "of" || toks[i-1].text == "&") && toks[i-2].upper ||
		k == i && i >= 1 && toks[i-1].text == "for" {
		return false // "Drugs and Crime Antonio Maria Costa", "Under Secretary for Policy Colin Kahl"
	}
	l := strings.ToLower(w)
	for _, e := range []string{"s", "man", "men", "an", "ese", "ish", "ic", "al", "ed", "er", "ist", "ard", "ent", "ant",
		"ary", "or", "aut", "ce", "ing", "le", "ive", "ty", "ion", "ure", "ism", "cy", "ate", "ics", "ogy", "ment", "ness",
		"ship", "hood", "dom"} {
		if strings.HasSuffix(l, e) {
			return false
		}
	}
	return true
}

// officeOf reports whether the run at toks[i] completes the name of an office
// after a title and "of" or "for" ("Minister of Defense Hazem Shaalan",
// "Secretary for Foreign Affairs"): plain words after the office's words name
// the holder.
func (pe *personExtractor) officeOf(i int) bool {
	if i < 2 || pe.toks[i-2].kind != tokWord || pe.classes[i-2]&wTitle == 0 || pe.toks[i-2].allCaps {
		return false
	}
	switch pe.toks[i-1].text {
	case "of", "for":
		return true
	}
	return false
}

// patronymName reports whether toks[k:end] has a patronymic particle between
// two capitalized words, as Arabic names do ("Usamah Bin Laden", "Hamad bin
// Isa Al Khalifa").
func (pe *personExtractor) patronymName(k, end int) bool {
	for m := k + 1; m+1 < end; m++ {
		switch strings.ToLower(pe.toks[m].text) {
		case "bin", "ibn", "bint":
			return pe.toks[m+1].upper && pe.toks[k].upper && pe.classes[k]&wNotName == 0 && pe.classes[end-1]&wNotName == 0
		}
	}
	return false
}

// nameAfterOrg returns where a name starts in toks[k:end] when the run opens
// with the name of an office or a body that ends in its head noun and goes on
// with a given name, even one that is also a word: "European and Eurasian
// Affairs Victoria Nuland", "Minister for the Armed Forces Penny Mordaunt".
func (pe *personExtractor) nameAfterOrg(k, end int) int {
	for m := k + 1; m+1 < end; m++ {
		if c := pe.classes[m-1]; c&(wOrg|wHead) != 0 && c&(wFirst|wLast) == 0 && !pe.toks[m-1].poss &&
			pe.classes[m]&wFirst != 0 && pe.classes[m]&wNotName == 0 && pe.classes[m+1]&wNotName == 0 {
			return m
		}
	}
	return k
}

// roleOfNext reports whether the appositive after the run ending at end
// introduces the name after it rather than describing the run: "During the
// Siege of Kobani, YPG commander Narin Afrin led".
func (pe *personExtractor) roleOfNext(end int) bool {
	toks := pe.toks
	for m := end + 1; m < len(toks) && m < end+5; m++ {
		if toks[m].kind != tokWord {
			return false
		}
		if !toks[m].upper && pe.classes[m]&wRole != 0 {
			return m+1 < len(toks) && toks[m+1].kind == tokWord && toks[m+1].upper
		}
	}
	return false
}

// lifeAfter reports whether what follows the run ending at end tells of a
// person's life, as encyclopedias and obituaries do: a birth date or a lifespan
// in parentheses ("(born 25 March 1954)", "(1921 – 2008)"), a verb that only
// people are the subject of ("died", "was assassinated", "was sworn in"), or a
// copula before a noun that only people are ("is an Afghan politician", "was
// the second President of").
func (pe *personExtractor) lifeAfter(end int) bool {
	toks := pe.toks
	if end >= len(toks) || toks[end-1].poss {
		return false
	}
	w := toks[end].text
	if w == "(" {
		// "(Arabic: بشار حافظ الأسد; born 11 September 1965)": the name in its
		// own script comes first.
		native := end+2 < len(toks) && toks[end+1].upper && toks[end+2].text == ":"
		if end+1 < len(toks) && toks[end+1].kind != tokNumber && !native {
			switch toks[end+1].text {
			case "born", "b.", "née", "nee", "c.", "circa":
			default:
				return false // "Anuradhapura ( kingdom from 377 BC to 1017 )"
			}
		}
		years := 0
		for m := end + 1; m < len(toks) && m < end+40 && toks[m].text != ")"; m++ {
			t := toks[m].text
			if (m == end+1 || native) && (t == "born" || t == "b." || t == "née" || t == "nee") {
				return true
			}
			if toks[m].kind == tokNumber && len(t) == 4 && (t[0] == '1' || t[0] == '2') {
				years++
			}
		}
		return years >= 2
	}
	if toks[end].kind != tokWord || toks[end].upper {
		return false
	}
	switch w {
	case "died":
		return true
	case "was", "is":
		if end+1 < len(toks) && lifePassives[toks[end+1].text] {
			return true
		}
		if end+2 < len(toks) && toks[end+1].text == "sworn" && toks[end+2].text == "in" {
			return true
		}
	}
	if w == "served" || w == "serves" {
		if end+1 >= len(toks) || toks[end+1].text != "as" {
			return false
		}
		end++
	} else if w != "is" && w != "was" && w != "became" && w != "becomes" {
		return false
	}
	m := end + 1
	if m < len(toks) {
		switch toks[m].text {
		case "a", "an", "the":
			m++
		}
	}
	for n := 0; n < 4 && m < len(toks) && toks[m].kind == tokWord; n, m = n+1, m+1 {
		t := toks[m].text
		if toks[m].upper && pe.classes[m]&wTitle != 0 || !toks[m].upper && personNouns[t] {
			return true
		}
		if toks[m].upper && pe.classes[m]&(wNationality|wPlace|wTitleMod) == 0 || strings.HasSuffix(t, "ing") {
			return false // "is blaming President Bush"
		}
		switch t {
		case "of", "in", "and", "or", "that", "which", "who", "to", "for", "with", "by", "on", "at", "where", "when":
			return false
		}
	}
	return false
}

// whoAfter reports whether a relative clause about a person follows the run
// ending at end: "Rauf Denktash, who led the community". Not after a plural
// ("Ethnic Albanians, who"); the caller asks it of names of two words or more,
// since teams are written so too ("Ajax, who").
func (pe *personExtractor) whoAfter(end int) bool {
	toks := pe.toks
	return end+1 < len(toks) && !toks[end-1].poss && toks[end].text == "," && toks[end+1].text == "who" &&
		!strings.HasSuffix(toks[end-1].text, "s")
}

// aliasOf reports whether the run at toks[i] is another name of the person
// just named: "Igor Girkin, also known as Strelkov", "Mohamed Abdullahi
// Mohamed, known as Farmajo".
func (pe *personExtractor) aliasOf(i int) bool {
	toks := pe.toks
	p := i - 1
	if p < 2 || toks[p].text != "as" || toks[p-1].text != "known" {
		return false
	}
	p -= 2
	for p > 0 && toks[p].kind == tokWord && !toks[p].upper && strings.HasSuffix(toks[p].text, "ly") || p > 0 && toks[p].text == "also" {
		p-- // "also", "commonly", "mononymously"
	}
	if p < 1 || toks[p].text != "," || len(pe.mentions) == 0 {
		return false
	}
	last := pe.mentions[len(pe.mentions)-1]
	return last.end == toks[p-1].end() && last.multi && last.person
}

// kinNouns name a person's family: only people have them.
var kinNouns = wordSet(`son sons daughter daughters wife husband widow brother brothers sister sisters father
	mother nephew niece cousin grandson granddaughter son-in-law daughter-in-law brother-in-law`)

// kinAfter reports whether the run ending at end is a possessive before a
// member of a family: "Suharto's daughter", "Assad's brother".
func (pe *personExtractor) kinAfter(end int) bool {
	toks := pe.toks
	if end >= len(toks) || !toks[end-1].poss {
		return false
	}
	m := end
	if m+1 < len(toks) && toks[m].kind == tokWord && !toks[m].upper && englishAdjective(toks[m].text) {
		m++ // "Suharto's eldest son"
	}
	return toks[m].kind == tokWord && !toks[m].upper && kinNouns[toks[m].text]
}

// lifeSubject reports whether the single word toks[k], which lifeAfter tells of,
// may be a person's name: not a count of people ("114 Somalis died",
// "Hundreds died"), not a place ("a woman from Fayyum died") and not a
// demonym's noun ("a U.S. Marine died").
func (pe *personExtractor) lifeSubject(k int) bool {
	w := pe.toks[k].text
	if !plainWord(w) || pe.seenLower(w) {
		return false
	}
	switch strings.ToLower(w) {
	case "hundreds", "thousands", "dozens", "millions", "scores", "many", "several", "most", "others":
		return false
	}
	if k == 0 {
		return true
	}
	p := &pe.toks[k-1]
	if p.kind == tokNumber || pe.classes[k-1]&(wNationality|wPlace) != 0 {
		return false
	}
	switch strings.ToLower(p.text) {
	case "from", "of", "in", "at", "near", "million", "thousand", "hundred", "billion",
		"another", "a", "an", "the", "one", "each", "every", "no", "his", "her", "their", "its":
		return false
	}
	return true
}

// lifePassives are the participles after "was" that only people are the
// subject of.
var lifePassives = map[string]bool{
	"born": true, "assassinated": true, "executed": true, "hanged": true, "killed": true,
	"jailed": true, "imprisoned": true, "kidnapped": true, "abducted": true, "murdered": true,
	"sentenced": true, "convicted": true, "indicted": true, "knighted": true, "widowed": true,
	"buried": true, "baptized": true, "baptised": true, "ordained": true, "crowned": true,
}

// personNouns are nouns that only people are: "is an Afghan politician".
var personNouns = wordSet(`politician statesman stateswoman diplomat general commander officer soldier
	journalist cleric businessman businesswoman lawyer activist militant jihadist warlord guerrilla
	insurgent terrorist dictator monarch president minister premier king queen prince princess emir sultan
	founder spokesman spokeswoman son daughter wife husband brother sister father mother nephew niece
	grandson granddaughter cousin widow writer author poet novelist journalist singer actor actress
	footballer cricketer economist scientist engineer physician surgeon imam priest bishop rabbi
	theologian philosopher historian judge senator congressman congresswoman governor mayor ambassador
	admiral colonel lieutenant sergeant businessperson entrepreneur banker investor
	industrialist philanthropist scholar academic professor physicist chemist mathematician architect
	painter sculptor composer musician rapper screenwriter playwright explorer
	aviator astronaut chairman chairwoman director executive commissioner secretary adviser advisor
	analyst researcher student teacher doctor nurse coach manager captain striker goalkeeper
	midfielder pitcher boxer athlete cyclist golfer swimmer wrestler jockey farmer reporter
	correspondent editor columnist photographer presenter comedian dancer chef designer inventor pilot
	monk nun pastor preacher missionary cardinal archbishop lawmaker legislator councillor councilor
	deputy envoy negotiator prosecutor detective inspector spy suspect defendant prisoner detainee
	refugee`)

// joinNicknames makes one mention of a given name and a surname written with
// a nickname in quotation marks between them: Gen. Michael "Erik" Kurilla,
// Ernesto "Che" Guevara. The mention spans the nickname; the name leaves it
// out.
func (pe *personExtractor) joinNicknames() {
	toks := pe.toks
	for t := 1; t+3 < len(toks); t++ {
		if !openQuote(toks[t].text) || toks[t-1].kind != tokWord || !toks[t-1].upper || toks[t-1].poss {
			continue
		}
		c := t + 2
		if c < len(toks) && toks[c].kind == tokWord && toks[c].upper {
			c++ // a nickname of two words: Joaquín "El Chapo" Guzmán
		}
		if c+1 >= len(toks) || !closeQuote(toks[c].text) || toks[t+1].kind != tokWord || !toks[t+1].upper ||
			toks[c+1].kind != tokWord || !toks[c+1].upper || toks[c+1].allCaps {
			continue
		}
		a, b := -1, -1
		for n, m := range pe.mentions {
			if m.end == toks[t-1].end() && !m.caps {
				a = n
			}
			if m.pos == toks[c+1].start && !m.caps {
				b = n
			}
		}
		if a < 0 || b < 0 || pe.lx.words[strings.ToLower(pe.mentions[a].parts[0])]&wFirst == 0 {
			continue
		}
		ma, mb := &pe.mentions[a], pe.mentions[b]
		ma.parts = append(ma.parts, mb.parts...)
		ma.end, ma.multi, ma.person = mb.end, true, true
		ma.titled, ma.royal = false, ""
		start, end := ma.pos, ma.end
		pe.mentions = slices.DeleteFunc(pe.mentions, func(m mention) bool {
			return m.pos >= start && m.end <= end && m.pos != start
		})
	}
}

// openQuote and closeQuote report whether w opens or closes a quotation.
func openQuote(w string) bool  { return w == "\"" || w == "“" }
func closeQuote(w string) bool { return w == "\"" || w == "”" }

// groupMembers are the lower-case nouns that, right after a capitalized run,
// show it to name a group, a movement, a party or an army: "Boko Haram leader",
// "Taliban spokesman", "al-Shabaab commander", "Sinn Féin politician".
var groupMembers = map[string]bool{
	"leader": true, "leaders": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"commander": true, "commanders": true, "chief": true, "founder": true, "co-founder": true,
	"emir": true, "militants": true, "militant": true, "fighters": true, "gunmen": true,
	"insurgents": true, "members": true, "member": true, "operatives": true, "ideologue": true,
	"official": true, "officials": true, "politician": true, "politicians": true, "candidate": true,
	"candidates": true, "councillor": true, "councillors": true, "councilor": true, "councilors": true,
	"lawmaker": true, "lawmakers": true, "legislator": true, "legislators": true, "supporters": true,
	"activists": true, "voters": true, "frontman": true, "frontwoman": true, "guitarist": true,
	"drummer": true, "bassist": true, "keyboardist": true,
}

// groupNounsBefore, in lower case right before a capitalized run, show it to
// name a body: "the Islamist movement Hamas", "the rock band Nirvana".
var groupNounsBefore = wordSet(`organisation organization group movement militia party band faction network
	alliance coalition outfit`)

// groupMemberAfter reports whether a group member's noun follows the run ending
// at end (see groupMembers).
func (pe *personExtractor) groupMemberAfter(k, end int) bool {
	toks := pe.toks
	if end >= len(toks) || toks[end].kind != tokWord || toks[end].upper || !groupMembers[toks[end].text] {
		return false
	}
	// A possessive of two words or more too ("Jaish al-Islam's leader"), but not
	// a kunya's ("Abu Bakr al-Baghdadi's spokesman").
	return !toks[end-1].poss || end-k >= 2 && !pe.kunya(k, end)
}

// addOrgWord records w as a word of an organization's name.
func (pe *personExtractor) addOrgWord(w string) { pe.orgs.addWord(strings.ToLower(w)) }

// addWord records the lower-case word w as a word of an organization's name.
func (o *organizations) addWord(w string) {
	if o.words == nil {
		o.words = map[string]bool{}
	}
	o.words[w] = true
}

// onlyRepeats records the run toks[k:end] as a mention that may only repeat a
// person the text names elsewhere, as a name in capitals does.
func (pe *personExtractor) onlyRepeats(k, end int) {
	if end-k > 3 || pe.classes[k]&wNotName != 0 || pe.classes[end-1]&wNotName != 0 {
		return
	}
	mn := mention{pos: pe.toks[k].start, end: pe.toks[end-1].end(), parts: make([]string, 0, end-k), multi: end-k > 1, caps: true}
	for m := k; m < end; m++ {
		mn.parts = append(mn.parts, pe.toks[m].text)
	}
	pe.mentions = append(pe.mentions, mn)
}

// orgSuffix reports whether toks[k] is a company's suffix: Inc, Corp, Co, Ltd,
// or one of two letters in capitals or with periods (SA, N.V.), since "Sa" and
// "Ag" are also words of people's names.
func (pe *personExtractor) orgSuffix(k int) bool {
	t := &pe.toks[k]
	return pe.classes[k]&wOrgSuffix != 0 && t.upper && (len(t.text) > 2 || t.allCaps || t.text == "Co")
}

// firmChain returns the end of the partners' names that follow the run ending
// at end when they end in a company's suffix: "Goldman[, Sachs and Co]",
// "Merrill Lynch[, Pierce, Fenner and Smith Inc]", "Kidder[, Peabody and Co
// Inc]"; else end.
func (pe *personExtractor) firmChain(end int) int {
	toks, cls := pe.toks, pe.classes
	k := end
	for n := 0; n < 4 && k+1 < len(toks) && !toks[k-1].poss; n++ {
		switch {
		case toks[k].text == "," || toks[k].text == "and" || toks[k].text == "&":
			and := toks[k].text != ","
			k++
			if k < len(toks) && toks[k].text == "and" && !and {
				k, and = k+1, true // ", and"
			}
			m := k
			for m < len(toks) && toks[m].kind == tokWord && toks[m].upper && cls[m]&(wTitle|wStop) == 0 {
				if pe.orgSuffix(m) {
					return m
				}
				m++
				if toks[m-1].poss {
					break
				}
			}
			if m == k || and {
				return end // a partner names must follow; "and" ends the list
			}
			k = m
		default:
			return end
		}
	}
	return end
}

// firmCue reports whether the context shows the capitalized run toks[i:end] to
// name a company: a possessive that is no one's, as the name of a firm is
// ("Moody's said", "rated by Standard and Poor's and", "Poor's Corp"); a
// financial occupation after it ("Merrill Lynch analyst") or before it with
// "with", "at" or "by" ("an economist with Smith Barney", "co-managed by
// Salomon"); the manager of a bond issue ("lead manager Nomura"); "X said its"
// and "X, which", where a person would be "his" or "who"; a noun for a firm or
// a thing before it ("the brokerage firm Morgan Stanley") or after it ("the
// Tanjug news agency"); a company joined to it by a slash ("Royal Dutch/Shell
// Group"); a person before it with "of" ("Caroline Levy of E.F. Hutton"); a word
// built as a company's (Citicorp).
func (pe *personExtractor) firmCue(i, end int) bool {
	toks, cls := pe.toks, pe.classes
	var next, next2 *token
	if end < len(toks) {
		next = &toks[end]
	}
	if end+1 < len(toks) {
		next2 = &toks[end+1]
	}
	if toks[end-1].poss {
		if end-i > 1 {
			return false // "Rupert Murdoch's": a person's
		}
		switch {
		case next == nil:
			return true
		case next.kind == tokPunct:
			// Not ")": "his (Reagan's) recollection".
			switch next.text {
			case ",", ".", ";":
				return true
			}
		case next.kind == tokWord && next.upper:
			return pe.orgSuffix(end) // "Standard and Poor's Corp"
		case next.kind == tokWord && !next.upper:
			if cls[end]&wSpeech != 0 {
				return true
			}
			switch next.text {
			case "and", "or":
				// "Moody's and Standard and Poor's", but not "Makinen's and
				// Mitsubishi's positions".
				return next2 == nil || !(end+2 < len(toks) && toks[end+1].upper && toks[end+1].poss)
			case "is", "was", "has", "had", "will", "would", "also", "did", "does":
				return true
			}
		}
		return false
	}
	if next != nil && next.kind == tokWord && !next.upper && firmRoles[next.text] {
		return true
	}
	if next != nil && next2 != nil && next.kind == tokWord && !next.upper && cls[end]&(wStop|wSpeech|wRole) == 0 &&
		!strings.HasSuffix(next.text, "ed") && !strings.HasSuffix(next.text, "s") &&
		next2.kind == tokWord && !next2.upper && firmRoles[next2.text] {
		return true // "Goddard planetary scientist Avi Mandell", not "Reagan nominated economist Alan Greenspan"
	}
	if next != nil && next2 != nil && next.kind == tokWord && !next.upper && next2.kind == tokWord && !next2.upper &&
		cls[end]&(wStop|wSpeech) == 0 && cls[end+1]&wThing != 0 {
		return true // "the official Tanjug news agency"
	}
	if next != nil && next2 != nil && next2.text == "its" && (next.text == "said" || next.text == "says") {
		return true
	}
	if next != nil && next2 != nil && next.text == "," && next2.text == "which" {
		return true
	}
	if i >= 2 && (toks[i-1].text == "with" || toks[i-1].text == "at") && firmStaff[toks[i-2].text] {
		return true
	}
	if i >= 2 && toks[i-1].text == "by" && firmStaff[toks[i-2].text] && !toks[i-2].upper {
		return true // "co-managed by", "underwritten by"
	}
	if i >= 1 && toks[i-1].kind == tokWord && firmNouns[strings.ToLower(toks[i-1].text)] &&
		(!toks[i-1].upper || pe.sentenceStart(i-1)) {
		return true // "the brokerage firm Merrill Lynch", "Stockbrokers James Capel said"
	}
	if next != nil && next2 != nil && next.text == "/" && next2.upper {
		// "Royal Dutch/Shell Group": a name joined to a company's.
		for m := end + 1; m < len(toks) && m < end+5 && toks[m].kind == tokWord && toks[m].upper; m++ {
			if pe.orgSuffix(m) || companyHeads[strings.ToLower(toks[m].text)] {
				return true
			}
		}
	}
	if i >= 3 && toks[i-1].text == "of" && len(pe.mentions) > 0 {
		// "Caroline Levy of E.F. Hutton": a person's affiliation.
		if m := pe.mentions[len(pe.mentions)-1]; m.multi && m.person && m.end == toks[i-2].end() {
			return true
		}
	}
	if end-i == 1 && corporateWord(toks[i].text) {
		return true // Citicorp, Bancorp, Citibank
	}
	if i >= 1 && bondManagers[strings.ToLower(toks[i-1].text)] {
		return true
	}
	return i >= 2 && (toks[i-1].text == "manager" || toks[i-1].text == "managers") &&
		(toks[i-2].text == "lead" || toks[i-2].text == "sole" || toks[i-2].text == "joint")
}

// firmOccupations are the people a firm employs, named with it: "Merrill
// Lynch analyst", "an analyst with Smith Barney".
const firmOccupations = `analyst analysts economist economists strategist strategists trader traders
	dealer dealers broker brokers scientist scientists researcher researchers engineer engineers
	professor professors`

// firmRoles follow the name of a firm, not of a person: "Merrill Lynch
// analyst", "the Salomon unit", "Chrysler shares".
var firmRoles = wordSet(firmOccupations, `unit units subsidiary subsidiaries affiliate shares stock
	stockholders shareholders co-managed co-manage co-manages lead-managed lead-manages`)

// firmStaff work "with" or "at" a firm, or manage an issue "by" it: "an analyst
// with Smith Barney", "a professor at Cornell", "co-managed by Salomon".
var firmStaff = wordSet(firmOccupations, `partner partners director executive executives official
	officials spokesman spokeswoman spokesperson vice-president president chairman manager managers
	banker bankers specialist consultant consultants fellow lecturer student students co-managed
	lead-managed underwritten solely`)

// wordSet returns the set of the words of the lists.
func wordSet(lists ...string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			out[w] = true
		}
	}
	return out
}

// bondManagers come before the name of the bank that leads a bond issue.
var bondManagers = map[string]bool{
	"co-manager": true, "co-managers": true, "co-lead": true, "underwriter": true, "underwriters": true,
	"lead-manager": true, "lead-managers": true,
}

// firmNouns come before the name of a firm, not of a person: "the investment
// firm Morgan Stanley", "brokers James Capel". (A broker, an insurer, a
// broadcaster or a centre in the singular may be a person's occupation.)
var firmNouns = map[string]bool{
	"firm": true, "firms": true, "company": true, "brokerage": true, "brokerages": true, "brokers": true,
	"stockbrokers": true, "bank": true, "banks": true, "conglomerate": true, "consortium": true,
	"concern": true, "insurers": true, "underwriters": true, "partnership": true, "carrier": true,
	"airline": true, "newspaper": true, "daily": true, "weekly": true, "magazine": true,
}

// companyHeads end the names of companies (but not of parliaments or
// councils): "Royal Dutch/Shell Group", not "the Gingrich/Dole Congress".
var companyHeads = map[string]bool{
	"group": true, "holdings": true, "industries": true, "corporation": true, "company": true,
	"companies": true, "enterprises": true, "partners": true, "bancorp": true,
}

// corporateWord reports whether a single word is built as a company's name
// is: Citicorp, Bancorp, Citibank.
func corporateWord(w string) bool {
	w = strings.ToLower(w)
	for _, e := range []string{"corp", "bank"} {
		if len(w) > len(e)+2 && strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// sentenceStart reports whether toks[i] opens a sentence or a line.
func (pe *personExtractor) sentenceStart(i int) bool {
	return i == 0 || pe.toks[i].newline || sentenceBoundary(pe.toks[i-1].text) || pe.unitEnds(i-1)
}

// unitEnds reports whether toks[p] is a unit glued to a number that ends a
// sentence with its period: "in 1080p. Personally, I", "ran 5km. Then".
func (pe *personExtractor) unitEnds(p int) bool {
	t := &pe.toks[p]
	return p > 0 && t.kind == tokWord && !t.upper && strings.HasSuffix(t.text, ".") &&
		pe.toks[p-1].kind == tokNumber && pe.toks[p-1].end() == t.start
}

// sentenceOpener reports whether toks[i], capitalized only because it opens a
// sentence, is an ordinary word before a name: a role noun ("Spokesman Glyn
// Davies", "Actor Christopher Reeve"), an adverb or a participle ("Regrettably
// Jimmy", "Joining Chang") that no name list knows.
func (pe *personExtractor) sentenceOpener(i int) bool {
	t := &pe.toks[i]
	if t.allCaps || !(i == 0 || t.newline || sentenceBoundary(pe.toks[i-1].text)) {
		return false
	}
	c := pe.classes[i]
	if c&(wFirst|wLast|wNotName) != 0 {
		return false
	}
	if c&wRole != 0 {
		return true
	}
	w := t.text
	return c == 0 && len(w) > 5 && (strings.HasSuffix(w, "ly") || strings.HasSuffix(w, "ing"))
}

// sentenceBoundary reports whether a token ends a sentence or opens a quotation,
// so that the word after it is capitalized whatever it is.
func sentenceBoundary(w string) bool {
	switch w {
	case ".", "?", "!", ":", ";", "\"", "“", "'", "(", "-", "--", "—",
		"¿", "¡", "–", "«", "„", "…": // Spanish questions, dialogue dashes, guillemets
		return true
	}
	return false
}

// namesThing reports whether the capitalized run toks[i:end], whose name part
// starts at k, names a place or an organization rather than a person:
//
//   - its last word is the head noun of such a name: "Dock Street", "Kestrel
//     Falls", "Halden Civil Works", "the Harbor Workers" (a surname like Hall or
//     Court after a known given name is let through: "Stuart Hall");
//   - it follows "the": "the Sorrel Valley", "the Lindqvist campaign";
//   - it completes an "X of Y" name whose X is an organization or a place: "Bank
//     of Verran", "University of Verran".
//
// A title before the name overrides all three ("the Rev. Jesse Jackson"); the
// caller checks that.
func (pe *personExtractor) namesThing(i, k, end int, strongFirst bool) bool {
	toks, cls := pe.toks, pe.classes
	if last := end - 1; cls[last]&wHead != 0 && !toks[last].initial {
		w := strings.ToLower(strings.TrimSuffix(toks[last].text, "."))
		if end-k == 1 || !(end-k == 2 && strongFirst && orgSurnames[w]) || pe.placeBefore(k) {
			return true // "at Trent Bridge": a place, though Trent is a given name
		}
	}
	// "the Harbor Workers", but not "the Tom Cruise film", where a person's name
	// modifies the noun after it.
	for _, b := range []int{k, i} {
		if b > 0 && toks[b-1].kind == tokWord && (toks[b-1].text == "the" || toks[b-1].text == "The") &&
			!(end < len(toks) && toks[end].kind == tokWord && !toks[end].upper && !toks[end-1].poss &&
				(strongFirst || cls[end]&wStop == 0)) {
			return true // "the Harbor Workers", "the Moulin Rouge in Paris"
		}
		if strongFirst {
			break // "the Exchequer Nigel Lawson", but "The Student Loan Marketing"
		}
	}
	if i > 1 && toks[i-1].text == "of" && toks[i-2].kind == tokWord && toks[i-2].upper &&
		cls[i-2]&(wOrg|wHead|wPlace) != 0 && cls[i-2]&wTitle == 0 {
		return true
	}
	return false
}

// ledBy are the things that "of" and a person's name may follow: "the regime of
// Saddam Hussein", "the party of President Mahmoud Abbas"; other things before
// "of" name a place ("the town of Bou Haroun").
var ledBy = map[string]bool{
	"regime": true, "party": true, "forces": true, "fighters": true, "troops": true, "insurgents": true,
	"mission": true, "scandal": true, "group": true, "faction": true, "movement": true, "network": true,
	"militia": true, "organization": true, "organisation": true,
}

// indefiniteBefore reports whether "a" or "an", directly or before an
// adjective, opens the run at toks[k]: people are not counted so ("a used Ford
// Focus"). French "a" is a verb ("a dit Laurent Fabius"), so the word between
// must read as an English adjective.
func (pe *personExtractor) indefiniteBefore(k int) bool {
	toks := pe.toks
	for b := k - 1; b >= 0 && b >= k-2; b-- {
		t := &toks[b]
		if t.kind != tokWord || t.upper {
			return false
		}
		if t.text == "a" || t.text == "an" {
			return true
		}
		if pe.classes[b]&(wStop|wTitle|wTitleMod|wRole|wSpeech) != 0 || !englishAdjective(t.text) {
			return false
		}
	}
	return false
}

// englishAdjective reports whether w, lower case, ends as English adjectives
// and participles do: used, expensive, typical, famous, useless, affordable.
func englishAdjective(w string) bool {
	if len(w) < 4 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if (w[i] < 'a' || w[i] > 'z') && w[i] != '-' {
			return false
		}
	}
	for _, e := range []string{"ed", "ive", "al", "ous", "ful", "ic", "less", "able", "ible", "ish", "ent", "ant", "ary", "new", "old"} {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// placeNouns name a kind of place in an apposition: "Musa Qala, a town in
// southern Helmand".
var placeNouns = map[string]bool{
	"town": true, "city": true, "village": true, "district": true, "province": true, "region": true,
	"capital": true, "port": true, "suburb": true, "neighborhood": true, "neighbourhood": true,
	"county": true, "island": true, "area": true, "settlement": true, "enclave": true, "state": true,
}

// placeAppositive reports whether the run ending at end is followed by an
// apposition that calls it a place or a body: ", a town in", ", the provincial
// capital,", ", the largest nationalist party,", but not ", a city councilman",
// ", the head of state," or ", the party's leader".
func (pe *personExtractor) placeAppositive(end int) bool {
	toks := pe.toks
	if end+2 >= len(toks) || toks[end].text != "," || toks[end-1].poss {
		return false
	}
	switch toks[end+1].text {
	case "a", "an", "the":
	default:
		return false
	}
	for m := end + 2; m < len(toks) && m < end+5; m++ {
		t := &toks[m]
		if t.kind != tokWord || t.upper || personNouns[t.text] {
			return false
		}
		switch t.text {
		case "of", "in", "and", "or", "the", "a", "an", "who", "whose", "for", "to", "at", "with", "by":
			return false
		}
		if !placeNouns[t.text] && !thingNouns[t.text] {
			continue
		}
		if m+1 == len(toks) {
			return true
		}
		switch toks[m+1].text {
		case "in", "of", "on", "near", "north", "south", "east", "west", "about", "outside", ",", ".", ";", "that", "where":
			return true
		}
		return false
	}
	return false
}

// nameShaped reports whether toks[k:end], which no lexicon rule accepted, still
// reads as a foreign name: plain capitalized words, none known as anything but a
// name, one of them a known given name or surname or ending like a surname
// (Pantic, Kontogiannis). With needLexicon false, the context has shown a person
// and plain capitalized words suffice.
func (pe *personExtractor) nameShaped(k, end int, needLexicon bool) bool {
	if pe.classes[k]&wParticle != 0 {
		return false // Der Spiegel, Les Echos, Le Havre: an article opens the name of a thing
	}
	if k > 0 && pe.toks[k-1].kind == tokWord && pe.classes[k-1]&wStop != 0 {
		switch strings.ToLower(pe.toks[k-1].text) {
		case "in", "at", "near", "outside", "from", "to", "into":
			return false // at Trent Bridge, in Bou Haroun: a place
		}
	}
	named := false
	for m := k; m < end; m++ {
		c := pe.classes[m]
		if c&wParticle != 0 && !pe.toks[m].upper {
			continue
		}
		if c&^(wFirst|wLast|wAmbiguous|wGiven) != 0 || !plainWord(pe.toks[m].text) || pe.seenLower(pe.toks[m].text) ||
			lowerTail(pe.toks[m].text) {
			return false
		}
		if c&(wFirst|wLast) != 0 || (m == end-1 && surnameEnding(pe.toks[m].text)) {
			named = true
		}
	}
	return named || !needLexicon
}

// listedWithCountry reports whether the run ending at end is followed by a country
// in parentheses or "of" and a country, as names are in lists of players and
// delegates: "Petr Korda ( Czech Republic )", "Yayuk Basuki of Indonesia".
func (pe *personExtractor) listedWithCountry(end int) bool {
	toks := pe.toks
	if end+2 >= len(toks) || toks[end-1].poss {
		return false
	}
	k := end + 1
	switch toks[end].text {
	case "(":
	case "of":
		if toks[k].text == "the" {
			k++
		}
	default:
		return false
	}
	return k < len(toks) && toks[k].upper && pe.classes[k]&(wPlace|wNationality) != 0
}

// acronymAfter reports whether the run toks[k:end] is followed by its own
// acronym in parentheses, as bodies are and people are not: "Forza Italia (FI)",
// "Partido Popular (PP)". The acronym starts with the run's first initial and
// holds its last one.
func (pe *personExtractor) acronymAfter(k, end int) bool {
	toks := pe.toks
	if end+2 >= len(toks) || toks[end-1].poss || toks[end].text != "(" || toks[end+2].text != ")" {
		return false
	}
	a := toks[end+1].text
	if !toks[end+1].allCaps || len(a) > 8 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(toks[k].text)
	last, _ := utf8.DecodeRuneInString(toks[end-1].text)
	r, _ := utf8.DecodeRuneInString(a)
	return r == unicode.ToUpper(first) && strings.ContainsRune(a[1:], unicode.ToUpper(last))
}

// bodyHeads end the names of bodies that stand in lists with parties and
// movements: not every word of an organization's name does ("Weather Report",
// "the Washington Post" may stand beside people).
var bodyHeads = wordSet(`party parties union league front movement alliance congress council committee
	association society coalition organisation organization foundation institute corporation company
	bank federation confederation assembly commission church army ministry department agency authority`)

// listedWithOrg reports whether the run toks[i:end] stands in a list next to
// the name of a body ("the Democratic Unionist Party and Sinn Féin", "Fine Gael
// and the Labour Party", "the Red Cross Society, and Christian Aid"):
// one whose last word is one of bodyHeads or a company's suffix.
func (pe *personExtractor) listedWithOrg(i, end int) bool {
	toks, cls := pe.toks, pe.classes
	orgEnd := func(m int) bool {
		return m >= 0 && m < len(toks) && toks[m].kind == tokWord && toks[m].upper && !toks[m].allCaps &&
			(cls[m]&wOrgSuffix != 0 || bodyHeads[strings.ToLower(toks[m].text)])
	}
	// Only "and" and "or" join: after a comma the name may stand in apposition
	// ("the United Nations, Majid Takht Ravanchi,").
	joins := func(w string) bool { return w == "and" || w == "or" }
	if p := i - 1; p >= 1 && joins(toks[p].text) && !toks[i].newline {
		if toks[p-1].text == "," {
			p--
		}
		if orgEnd(p-1) && !toks[p-1].poss {
			return true
		}
	}
	if end+1 >= len(toks) || toks[end-1].poss || !joins(toks[end].text) {
		return false
	}
	m := end + 1
	if toks[m].text == "the" {
		m++
	}
	for m < len(toks) && toks[m].kind == tokWord && toks[m].upper && !toks[m].poss && m+1 < len(toks) &&
		toks[m+1].kind == tokWord && toks[m+1].upper && !toks[m+1].newline {
		m++
	}
	return m > end+1 && orgEnd(m) && (m+1 >= len(toks) || toks[m+1].kind != tokWord || !toks[m+1].upper)
}

// isArticle reports whether w is a French, Spanish, Italian or German definite
// article, which opens the names of newspapers, places and things.
func isArticle(w string) bool {
	switch w {
	case "Le", "La", "Les", "Il", "Lo", "Der", "Die", "Das":
		return true
	}
	return false
}

// placeBefore reports whether a preposition of place comes just before toks[k].
func (pe *personExtractor) placeBefore(k int) bool {
	if k == 0 || pe.toks[k-1].kind != tokWord {
		return false
	}
	switch strings.ToLower(pe.toks[k-1].text) {
	case "in", "at", "near", "outside":
		return true
	}
	return false
}

// plainWord reports whether w is letters only, apart from inner hyphens and
// apostrophes, with at least two letters.
func plainWord(w string) bool {
	n := 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			n++
		case r == '-' || r == '\'' || r == '’':
		default:
			return false
		}
	}
	return n >= 2
}

// adjectiveTails end adjectives made with a hyphen from a name: "Oscar-winning",
// "London-born", "Nablus-based", "Hamas-led".
var adjectiveTails = wordSet(`based born winning nominated led owned backed funded era style inspired
	themed affiliated controlled sponsored bound held placed seeded ranked run dominated allied
	aligned linked made designed`)

// adjectiveTail reports whether w is an adjective made with a hyphen from a name
// (see adjectiveTails). Names whose hyphenated part is in lower case ("Park
// Geun-hye", "Kim Jong-un") end otherwise.
func adjectiveTail(w string) bool {
	i := strings.LastIndexByte(w, '-')
	return i > 0 && adjectiveTails[w[i+1:]]
}

// lowerTail reports whether a hyphenated word ends in a lower-case word of three
// letters or more, as adjectives do (Serb-held, Second-placed, Nablus-based).
func lowerTail(w string) bool {
	i := strings.LastIndexByte(w, '-')
	if i < 0 || len(w)-i-1 < 3 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w[i+1:])
	return unicode.IsLower(r)
}

// surnameEndings are endings common in surnames across Europe and Asia and rare in
// the names of places and companies.
var surnameEndings = []string{"ovic", "evic", "ić", "ic", "ski", "sky", "enko", "escu", "opoulos", "poulos",
	"idis", "akis", "oglu", "yan", "ian", "ani", "sson", "sen", "ssen", "ez", "elli", "etti", "ini",
	"chuk", "vich", "ovich", "ov", "ova", "ev", "eva", "ashvili", "adze", "ek", "ak", "uk", "qvist", "quist", "kvist"}

func surnameEnding(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, e := range surnameEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// orgSurnames are words of organization and place names that are also common
// surnames: after a known given name they are the surname (Stuart Hall, Emily Post).
var orgSurnames = map[string]bool{
	"hall": true, "park": true, "house": true, "post": true, "church": true, "cross": true,
	"bridge": true, "lake": true, "bay": true, "tower": true, "castle": true, "villa": true,
	"gate": true, "field": true, "rivers": true, "king": true, "guard": true, "court": true,
	"lane": true, "hill": true, "temple": true, "wood": true, "power": true, "steel": true,
	"shore": true, "ridge": true, "meadows": true, "fields": true, "mount": true, "courier": true,
}

// stripLeading skips the words at the start of toks[k:j] that come before a name:
// acronyms, titles, their modifiers, function words, nationalities, places, and
// organizations followed by a title ("Treasury Secretary"). titled reports whether
// the name is introduced by a title.
func (pe *personExtractor) stripLeading(k, j int, titled bool) (int, bool) {
	for ; k < j; k++ {
		c := pe.classes[k]
		switch {
		case k+2 == j && (pe.hyphenGiven(k) || pe.pinyinGiven(k)):
			return k, titled // "Sun Yat-sen", "He Yafei": the surname is also a word
		case pe.toks[k].allCaps && !pe.toks[k].initial:
		case c&wTitle != 0 && titled && k+1 < j && givenTitle(pe.toks[k].text) && pe.classes[k+1]&(wTitle|wNotName) == 0:
			return k, titled // "Foreign Minister Shah Mahmood Qureshi", "Crown Prince Sultan bin Abdulaziz"
		case c&wTitle != 0 && k+1 == j && k > 0 && surnameTitles[strings.ToLower(pe.toks[k].text)] &&
			addressTitles[strings.ToLower(pe.toks[k-1].text)]:
			return k, true // "Minister Bishop", "Mr Major", "Senator King": a surname that is a title too
		case c&wTitle != 0:
			titled = true
		case c&(wTitleMod|wStop|wNationality|wMonth|wPlace) != 0:
			titled = titled && c&wTitleMod != 0
			if c&wPlace != 0 && k+1 < j && placePrefix(pe.toks[k].text) {
				k++ // "San Diego Padres", "Santa Cruz": the next word is the place's too
			}
		case c&wOrg != 0 && pe.titleAfter(k+1, j) >= 0:
		default:
			return k, titled
		}
	}
	return k, titled
}

// headlineName returns the tokens [s, e) of the name a headline in capitals,
// the run toks[i:j], shows as someone's: one to three words before a verb of
// headlines ("VOLCKER SAYS", "TREASURY'S BAKER SEES", "PRESIDENT REAGAN VOWS"),
// or after a dash at the end of the line ("... PRICES - SUBROTO"); else 0, 0.
func (pe *personExtractor) headlineName(i, j int) (s, e int) {
	toks := pe.toks
	for v := i + 1; v < j; v++ {
		if !headlineVerbs[strings.ToLower(toks[v].text)] {
			continue
		}
		s := v
		for s > i && v-s < 3 && pe.capsNameWord(s-1) {
			s--
		}
		if s < v && (s == i || !pe.capsNameWord(s-1)) {
			return s, v
		}
	}
	if i > 0 && toks[i-1].text == "-" && j-i <= 3 && (j == len(toks) || toks[j].newline) {
		s := i
		for s < j && !pe.capsNameWord(s) {
			s++
		}
		for k := s; k < j; k++ {
			if !pe.capsNameWord(k) {
				return 0, 0
			}
		}
		if s < j {
			return s, j
		}
	}
	return 0, 0
}

// capsNameWord reports whether toks[k], in capitals, may be a word of a
// person's name: a plain word of three letters or more (not an acronym such
// as USX), known as nothing else, not possessive (TREASURY'S names who speaks
// for it).
func (pe *personExtractor) capsNameWord(k int) bool {
	t := &pe.toks[k]
	return t.allCaps && !t.initial && !t.poss && len(t.text) >= 3 && plainWord(t.text) &&
		pe.classes[k]&(wNotName|wTitle|wTitleMod|wRole|wSpeech|wThing|wHead) == 0 &&
		strings.ContainsAny(t.text, "AEIOUY")
}

// headlineVerbs follow the name of whoever a headline quotes or reports on.
var headlineVerbs = map[string]bool{
	"says": true, "said": true, "sees": true, "urges": true, "warns": true, "forecasts": true,
	"calls": true, "tells": true, "expects": true, "predicts": true, "denies": true,
	"reiterates": true, "declines": true, "opposes": true, "rejects": true, "backs": true,
	"plans": true, "wants": true, "vows": true, "blasts": true, "asks": true, "confirms": true,
	"proposes": true, "favours": true, "favors": true, "defends": true, "doubts": true,
	"hints": true, "repeats": true, "stresses": true, "agrees": true, "meets": true, "hopes": true,
	"criticises": true, "criticizes": true, "welcomes": true, "seeks": true, "resigns": true,
	"quits": true, "fears": true, "insists": true, "admits": true, "attacks": true,
}

// creditVerbs end a credit line after a name: "Amy Katz Narrates".
var creditVerbs = wordSet(`narrates reports writes explains presents introduces hosts`)

// ordinaryFirst reports whether the word at toks[k], the first of a name of two
// words or more, is an ordinary word rather than a given name: no lexicon
// knows it as a given name and the text also writes it in lower case ("Credit
// Lyonnais" in a story about credit, "Gross Domestic Product").
func (pe *personExtractor) ordinaryFirst(k int) bool {
	return pe.classes[k]&wFirst == 0 && !pe.toks[k].initial && pe.seenLower(pe.toks[k].text)
}

// allGiven reports whether every word of toks[k:end] is a given name.
func (pe *personExtractor) allGiven(k, end int) bool {
	for m := k; m < end; m++ {
		if pe.classes[m]&wFirst == 0 && pe.classes[m]&wParticle == 0 {
			return false
		}
	}
	return true
}

// givenTitle reports whether w, a title, is also a given name, as it is after
// another title: "Foreign Minister Shah Mahmood Qureshi".
func givenTitle(w string) bool {
	switch strings.ToLower(w) {
	case "shah", "sultan", "mir", "amir":
		return true
	}
	return false
}

// fullArabicName reports whether the given names toks[t+1:end] after the title
// toks[t] are a full name of their own, which the title does not join: names
// after a cleric's or a tribal honorific ("Mullah Mohammad Omar", "Sheikh Sharif
// Sheikh Ahmed"), and names with a patronymic ("Crown Prince Mohammed bin
// Salman"). A monarch's or a pope's given names stay with the title ("Pope John
// Paul").
func (pe *personExtractor) fullArabicName(t, end int) bool {
	switch strings.ToLower(pe.toks[t].text) {
	case "sheikh", "sheik", "mullah", "imam", "ayatollah":
		return true
	}
	for m := t + 2; m < end-1; m++ {
		switch pe.toks[m].text {
		case "bin", "ibn", "bint", "ben":
			return true
		}
	}
	return false
}

// royalTitle reports whether w is the title of a monarch or a cleric, which
// stays with a given name: King Fahd, Queen Elizabeth, Mullah Omar, Mother
// Teresa.
func royalTitle(w string) bool {
	switch strings.ToLower(w) {
	case "king", "queen", "prince", "princess", "emperor", "empress", "pope", "sultan", "emir", "sheikh",
		"sheik", "mullah", "archduke", "tsar", "czar", "shah", "mother":
		return true
	}
	return false
}

// ordinaryEnding reports whether w ends as English adverbs and abstract nouns
// do (-ly, -ness, -ment, -tion): "Personally", "Unfortunately". Surnames end
// so too (Desailly), so it only rules out a word that opens a sentence alone
// before a comma.
// participle reports whether w ends like an English participle or adjective
// (Concerned, Worried, Looking, Hopeful): said of a word that no name list knows
// and that opens a sentence before a comma.
func participle(w string) bool {
	w = strings.ToLower(w)
	if len(w) < 6 {
		return false
	}
	for _, e := range []string{"ed", "ing", "ful", "ous", "ive", "able", "ible"} {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

func ordinaryEnding(w string) bool {
	w = strings.ToLower(w)
	if len(w) < 5 {
		return false
	}
	for _, e := range []string{"ly", "ness", "ment", "tion", "sion"} {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// quoted reports whether the run toks[i:j] is all a quotation holds: the title
// of a film, a book or a song, a slogan.
func (pe *personExtractor) quoted(i, j int) bool {
	if i == 0 || j >= len(pe.toks) {
		return false
	}
	switch pe.toks[i-1].text {
	case "\"", "“", "‘", "'", "«":
	default:
		return false
	}
	switch pe.toks[j].text {
	case "\"", "”", "’", "'", "»":
		return true
	}
	return false
}

// inQuotedTitle reports whether the run toks[i:j] lies inside a quotation of
// three words or more set in title case (every word of four letters or more
// capitalized but function words, one at least that no lexicon knows as a name
// or a title), as the
// titles of songs, books and films are: “You Loved Me Like a Distant Star”.
// Quoted speech is written as a sentence.
func (pe *personExtractor) inQuotedTitle(i, j int) bool {
	toks := pe.toks
	open := -1
	for k := i - 1; k >= 0 && k >= i-12; k-- {
		if toks[k].kind != tokWord && toks[k].kind != tokPunct {
			return false
		}
		if t := toks[k].text; t == "\u201c" || t == "\"" || t == "\u00ab" {
			open = k
			break
		}
		if toks[k].kind == tokPunct {
			return false
		}
	}
	if open < 0 {
		return false
	}
	words, ordinary := 0, false
	for k := open + 1; k < len(toks) && k <= open+24; k++ {
		t := &toks[k]
		switch t.text {
		case "\u201d", "\"", "\u00bb":
			return k >= j && words >= 3 && ordinary
		}
		switch {
		case t.kind == tokPunct && (t.text == ":" || t.text == "," || t.text == "-" || t.text == "\u2014"):
			continue // "A Paradise Built in Hell: The Extraordinary Communities …"
		case t.kind != tokWord:
			return false
		}
		words++
		if len(t.text) >= 4 && !t.upper && pe.classes[k]&wStop == 0 {
			return false
		}
		if k < i || k >= j {
			if pe.classes[k]&(wFirst|wLast|wTitle) == 0 {
				ordinary = true
			}
		}
	}
	return false
}

// placePrefix reports whether w opens the name of a place whose next word is
// often a given name: San Francisco, Santa Clara, Sao Paulo, Los Angeles.
func placePrefix(w string) bool {
	switch strings.ToLower(w) {
	case "san", "santa", "sao", "são", "los", "las", "st", "st.", "saint", "puerto", "ciudad":
		return true
	}
	return false
}

// titleInName reports whether the title toks[t], inside the run toks[k:j] after
// a given name, is a word of the name: before another name, as Somali and Arab
// names carry Sheikh, Sultan or Sayyid ("Hassan Sheikh Mohamud", "Sharif Sheikh
// Ahmed"), or a surname before honours ("Julie Bishop MP").
func (pe *personExtractor) titleInName(k, t, j int) bool {
	if t <= k || t+1 >= j || pe.classes[t-1]&wFirst == 0 || pe.classes[t-1]&(wNotName|wTitle|wTitleMod) != 0 ||
		pe.toks[t-1].poss || pe.toks[t].allCaps {
		return false
	}
	// A surname that is also a title, before honours only: "The Hon Julie
	// Bishop MP".
	suffixes := true
	for m := t + 1; m < j; m++ {
		suffixes = suffixes && pe.classes[m]&wSuffix != 0
	}
	if suffixes && pe.classes[t]&wLast != 0 {
		return true
	}
	switch strings.ToLower(pe.toks[t].text) {
	case "sheikh", "sheik", "shaikh", "sultan", "sayyid", "sayed", "syed", "mir", "haji", "hajji", "imam", "emir", "amir", "shah":
		return true
	}
	return false
}

// titleAfter returns the index of the last title in toks[from:to-1] that is
// followed by a word that is not a title, or -1.
func (pe *personExtractor) titleAfter(from, to int) int {
	for t := to - 2; t >= from; t-- {
		if pe.classes[t]&wTitle != 0 && !pe.toks[t].allCaps {
			return t
		}
	}
	return -1
}

// roleBefore reports whether a lower-case role noun introduces the run at i:
// "Iranian general Qassem Soleimani", "Iran's president, Massoud Pezeshkian".
func (pe *personExtractor) roleBefore(i int) bool {
	if i < len(pe.toks) && pe.toks[i].newline {
		return false // "… started by his father\nConcrete information": a new paragraph
	}
	p := i - 1
	comma := p >= 0 && pe.toks[p].text == ","
	if comma {
		p--
	}
	if p < 0 || pe.toks[p].kind != tokWord || pe.classes[p]&(wRole|wTitle) == 0 {
		return false
	}
	// "Japan's Foreign Minister, Nobutaka Machimura,": a capitalized title
	// before a comma is the apposition of a name of two words or more.
	return !pe.toks[p].upper || comma && !pe.toks[p].allCaps && p > 0 && pe.toks[p-1].kind == tokWord &&
		i+1 < len(pe.toks) && pe.toks[i+1].kind == tokWord && pe.toks[i+1].upper
}

// religions are faiths whose names are surnames too (Kazi Nazrul Islam): alone
// and without a title, the word names the faith.
var religions = wordSet(`islam christianity judaism buddhism hinduism sikhism jainism shinto taoism
	catholicism protestantism orthodoxy sunni shia shi'a`)

// surnameTitles are titles that are common surnames too (Julie Bishop, John
// Major, Angus King); after one of addressTitles, as the last word, they are
// the surname: "Minister Bishop", "Mr Major", but "Lord Bishop", "Sergeant
// Major", "Field Marshal" are titles.
var surnameTitles = wordSet(`bishop king major marshal dean judge sheriff chancellor prince pope`)

var addressTitles = wordSet(`mr mr. mrs mrs. ms ms. dr dr. minister senator sen sen. rep rep. secretary
	president governor mayor ambassador commissioner premier treasurer congressman congresswoman
	representative councillor councilman councilwoman`)

// occupationBefore reports whether an occupation comes right before toks[i],
// in lower case or opening a sentence: "recording artist Rihanna", "Striker
// Neymar", not "his wife Mary" or "his friend Tony".
func (pe *personExtractor) occupationBefore(i int) bool {
	p := i - 1
	if p < 0 || pe.toks[i].newline || pe.toks[p].kind != tokWord || pe.toks[p].upper && !pe.sentenceStart(p) ||
		pe.classes[p]&wRole == 0 {
		return false
	}
	switch w := strings.ToLower(pe.toks[p].text); w {
	case "friend", "fellow", "comrade", "colleague", "teammate", "uncle", "aunt", "grandfather", "grandmother",
		"mom", "dad", "boss", "hero", "legend", "star", "host", "citizen", "resident", "victim", "survivor", "witness":
		return false
	default:
		return !kinNouns[w]
	}
}

// roleAfter reports whether an appositive with a role noun follows the run ending
// at end: "Qassem Soleimani, the leader of the Quds Force".
func (pe *personExtractor) roleAfter(end int) bool {
	toks := pe.toks
	if end >= len(toks) || toks[end].text != "," || toks[end-1].poss {
		return false
	}
	k := end + 1
	if k < len(toks) {
		switch strings.ToLower(toks[k].text) {
		case "the", "a", "an", "its", "his", "her", "their", "our", "who", "whose":
			k++
		}
	}
	for n := 0; n < 3 && k < len(toks); n, k = n+1, k+1 {
		t := &toks[k]
		if t.kind != tokWord || t.upper && n > 0 {
			return false
		}
		if !t.upper && pe.classes[k]&wRole != 0 {
			return true
		}
	}
	return false
}

// speechAround reports whether the run toks[i:end] speaks ("Smith said", "said
// Smith", "according to Smith") or is given an age ("Smith, 45,").
func (pe *personExtractor) speechAround(i, end int) bool {
	toks := pe.toks
	if end < len(toks) && !toks[end-1].poss {
		if toks[end].kind == tokWord && pe.classes[end]&wSpeech != 0 && !toks[end].upper {
			return true
		}
		if toks[end].text == "," && end+2 < len(toks) && toks[end+1].kind == tokNumber &&
			len(toks[end+1].text) <= 3 && (toks[end+2].text == "," || toks[end+2].text == ")") {
			return true
		}
	}
	if i > 0 && toks[i-1].kind == tokWord && pe.classes[i-1]&wSpeech != 0 && !toks[i-1].upper {
		return true
	}
	return i > 1 && toks[i-1].text == "to" && strings.EqualFold(toks[i-2].text, "according")
}

// sportsCue reports whether the layout of a sports report shows the run
// toks[i:end] to be a player: a goal scorer with the minute ("( Smicer 52nd )",
// ", Bobic 61st"), a bowler with his figures ("Croft 29-6-64-1"), or a fielder or
// bowler of a cricket dismissal ("c Croft b Cork 176", "lbw b Cork").
func (pe *personExtractor) sportsCue(i, end int) bool {
	toks := pe.toks
	if toks[end-1].poss || i == 0 || end >= len(toks) {
		return false
	}
	prev, next := &toks[i-1], &toks[end]
	switch {
	case (prev.text == "(" || prev.text == ",") && next.kind == tokNumber && len(next.text) <= 3 &&
		end+1 < len(toks) && toks[end+1].start == next.end() && isOrdinalSuffix(toks[end+1].text):
		return true
	case next.kind == tokNumber && end+6 < len(toks) && toks[end+1].text == "-" && toks[end+3].text == "-" &&
		toks[end+5].text == "-" && toks[end+2].kind == tokNumber && toks[end+4].kind == tokNumber && toks[end+6].kind == tokNumber:
		return true
	case prev.kind == tokWord && (prev.text == "c" || prev.text == "b") &&
		(next.kind == tokNumber || next.kind == tokWord && next.text == "b"):
		return true
	}
	return false
}

// isOrdinalSuffix matches what follows the digits of a minute: "52nd", "61st",
// "59th-pen".
func isOrdinalSuffix(w string) bool {
	w, _, _ = strings.Cut(w, "-")
	switch w {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// initials reports whether w is two or three capital letters each followed by a
// period: "F.W.", "D.A.", "W.N.F.".
func initials(w string) bool {
	if len(w) < 4 || len(w) > 6 || len(w)%2 != 0 {
		return false
	}
	for k := 0; k < len(w); k += 2 {
		if w[k] < 'A' || w[k] > 'Z' || w[k+1] != '.' {
			return false
		}
	}
	return true
}

// regnalName reports whether the run toks[i:j], its name starting at k after a
// title, is a monarch's or a pope's name with its numeral: a royal or clerical
// title, one to three given names, a Roman numeral.
func (pe *personExtractor) regnalName(i, k, j int, titled bool) bool {
	toks := pe.toks
	if !titled || k <= i || j-k < 2 || j-k > 4 || !royalTitle(toks[k-1].text) || !regnalNumeral(toks[j-1].text) {
		return false
	}
	for m := k; m < j-1; m++ {
		if toks[m].allCaps || toks[m].poss || !plainWord(toks[m].text) || pe.classes[m]&wNotName != 0 {
			return false
		}
	}
	return true
}

// untitledRegnal reports whether toks[k:j] is a monarch's or a pope's name
// without a title: given names and a numeral, "Henry IV", "John Paul II",
// "Alfonso XII", "Malcolm X". "I" counts only before "of" ("Elizabeth I of
// England"), since it is also the pronoun; a first word no lexicon knows as a
// given name ("Apollo XI", "Saturn V", "Chapter XI") names no one so.
func (pe *personExtractor) untitledRegnal(k, j int) bool {
	toks := pe.toks
	if j-k < 2 || j-k > 4 || !regnalNumeral(toks[j-1].text) || pe.classes[k]&wFirst == 0 ||
		toks[j-1].text == "I" && (j >= len(toks) || toks[j].text != "of") {
		return false
	}
	if k > 0 {
		switch strings.ToLower(toks[k-1].text) {
		case "the", "a", "an":
			return false // "the Henry V of Olivier": a work
		}
	}
	for m := k; m < j-1; m++ {
		if toks[m].allCaps || toks[m].poss || !plainWord(toks[m].text) || pe.classes[m]&wNotName != 0 {
			return false
		}
	}
	return true
}

// regnalNumeral reports whether w is a Roman numeral from I to XXXIX, as
// monarchs and popes number theirs.
func regnalNumeral(w string) bool {
	if w == "" || len(w) > 6 {
		return false
	}
	rest := strings.TrimLeft(w, "X")
	if len(w)-len(rest) > 3 {
		return false
	}
	switch rest {
	case "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX":
		return true // "" after Xs: X, XX, XXX
	}
	return false
}

func isRoman(w string) bool {
	switch w {
	case "II", "III", "IV", "VI", "VII", "VIII":
		return true
	}
	return false
}

// person is one resolved person: a canonical name and the mentions that refer to it.
type person struct {
	name  string
	parts []string // lower case, particles included
	pos   int
	count int
	// titled: a title came before a mention of the name alone; a given name
	// alone names a person only so ("Mr. Sharon").
	titled bool
	// royal: the title of a monarch or a cleric came before the name alone; a
	// person known by one name is shown with it ("King Fahd").
	royal string
	fold  string // foldPerson of the name, once sameFold needs it
}

func (p *person) first() string { return p.parts[0] }
func (p *person) last() string  { return p.parts[len(p.parts)-1] }

// resolvePersons groups the mentions of one text into people. Full names come
// first; a single word then joins the full name whose surname (or, failing that,
// given name) it is, and stands alone only with evidence of its own. It returns
// the people in order of first mention and, for each mention, the index of its
// person, or -1 for a mention that is no one's.
func resolvePersons(mentions []mention, orgs *organizations) (people []*person, who []int) {
	orgs.onlyRepeatOnMenus(mentions)
	of := make([]*person, len(mentions))
	confirmed := map[string]bool{} // surnames shown to be people's by a single mention
	for _, m := range mentions {
		if !m.multi && m.evidence && !m.caps {
			confirmed[singleKey(m)] = true
		}
	}
	lowerParts := func(parts []string) []string {
		out := make([]string, len(parts))
		for i, p := range parts {
			out[i] = strings.ToLower(p)
		}
		return out
	}
	addFull := func(m mention) *person {
		lp := lowerParts(m.parts)
		for _, p := range people {
			if len(p.parts) < 2 {
				continue
			}
			// Same person: same words, or same given name and surname with a middle
			// name or initial on one side, or the longer name ends with the shorter.
			if slices.Equal(p.parts, lp) || (p.first() == lp[0] && p.last() == lp[len(lp)-1]) ||
				hasSuffix(p.parts, lp) || givenPrefix(p.parts, lp) || regnalOf(p.parts, lp) {
				p.count++
				p.pos = min(p.pos, m.pos)
				return p
			}
			if hasSuffix(lp, p.parts) || givenPrefix(lp, p.parts) || regnalOf(lp, p.parts) {
				p.name, p.parts = strings.Join(m.parts, " "), lp
				p.count++
				p.pos = min(p.pos, m.pos)
				return p
			}
		}
		if p := sameFold(people, lp); p != nil {
			p.count++
			p.pos = min(p.pos, m.pos)
			return p
		}
		p := &person{name: strings.Join(m.parts, " "), parts: lp, pos: m.pos, count: 1}
		people = append(people, p)
		return p
	}
	for i, m := range mentions {
		if m.multi && m.person {
			of[i] = addFull(m)
		}
	}
	surnames := map[string]bool{}
	for _, p := range people {
		surnames[p.last()] = true
	}
	for i, m := range mentions {
		if m.multi && !m.person && !m.caps {
			last := strings.ToLower(m.parts[len(m.parts)-1])
			if confirmed[last] || (m.evidence && surnames[last]) {
				of[i] = addFull(m)
			}
		}
	}
	// Single words: a surname or given name of a full name, or a person of their own
	// when the text shows it ("Mr. Smith", "said Smith").
	var singles []int
	for i, m := range mentions {
		if m.multi {
			continue
		}
		if p := matchPerson(people, singleKey(m), m.caps); p != nil {
			p.count++
			p.pos = min(p.pos, m.pos)
			of[i] = p
			continue
		}
		singles = append(singles, i)
	}
	full := len(people)
	for _, i := range singles {
		m := mentions[i]
		if m.caps {
			continue
		}
		w := singleKey(m)
		if p := findSingle(people[full:], w); p != nil {
			p.pos = min(p.pos, m.pos)
			p.count++
			of[i] = p
			continue
		}
		if confirmed[w] {
			p := &person{name: strings.Join(m.parts, " "), parts: []string{w}, pos: m.pos, count: 1}
			people = append(people, p)
			of[i] = p
		}
	}
	// A single word set in capitals may repeat a surname-only person.
	for _, i := range singles {
		if m := mentions[i]; m.caps {
			if p := findSingle(people[full:], singleKey(m)); p != nil {
				p.count++
				of[i] = p
			}
		}
	}
	// Words in capitals that spell out a full name stand for it as one mention,
	// longest first.
	for n := 3; n >= 2; n-- {
		for i, m := range mentions {
			if !m.caps || !m.multi || len(m.parts) != n {
				continue
			}
			lp := lowerParts(m.parts)
			var p *person
			for _, q := range people[:full] {
				if slices.Equal(q.parts, lp) || q.first() == lp[0] && q.last() == lp[n-1] {
					p = q
					break
				}
			}
			if p == nil {
				continue
			}
			covered := false
			for k, o := range mentions {
				if o.caps && o.pos >= m.pos && o.end <= m.end && of[k] != nil && len(o.parts) > 1 {
					covered = true
				}
			}
			if covered {
				continue
			}
			for k, o := range mentions {
				if o.caps && o.pos >= m.pos && o.end <= m.end {
					of[k] = nil
				}
			}
			of[i] = p
		}
	}
	for i, p := range of {
		if p != nil && mentions[i].titled {
			p.titled = true
		}
		if p != nil && mentions[i].royal != "" && p.royal == "" {
			p.royal = mentions[i].royal
		}
	}
	for _, p := range people {
		if len(p.parts) == 1 && p.royal != "" {
			p.name = p.royal + " " + p.name
		}
	}
	lx := loadLexicon()
	people = slices.DeleteFunc(people, func(p *person) bool {
		// A given name alone is no one's name ("Alex" of "Alex. Brown and Sons"),
		// unless a title shows it to be used as a surname.
		return orgs.covers(p.parts) || len(p.parts) == 1 && !p.titled && lx.words[p.parts[0]]&wGiven != 0
	})
	slices.SortStableFunc(people, func(a, b *person) int { return a.pos - b.pos })
	index := make(map[*person]int, len(people))
	for i, p := range people {
		index[p] = i
	}
	who = make([]int, len(mentions))
	for i, p := range of {
		who[i] = -1
		if n, ok := index[p]; ok && p != nil {
			who[i] = n
		}
	}
	return people, who
}

// dropNameless removes the mentions that are a single letter or initials alone
// ("C" of a ticker, "J.R."): they name no one.
func dropNameless(mentions []mention) []mention {
	return slices.DeleteFunc(mentions, func(m mention) bool { return !hasNameWord(m.parts) })
}

// hasNameWord reports whether a name has a word of two letters or more that is
// not an initial: "C" (a ticker), "J." and "F.W." are no one's name alone.
func hasNameWord(parts []string) bool {
	for _, p := range parts {
		letters := 0
		for _, r := range p {
			if r == '.' {
				letters = 0
				break
			}
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 2 {
			return true
		}
	}
	return false
}

// singleKey is the word by which a one-word mention is matched: the name itself,
// or the surname after its particles ("de Klerk").
func singleKey(m mention) string {
	return strings.ToLower(m.parts[len(m.parts)-1])
}

// personNames returns the canonical names of people, or nil.
func personNames(people []*person) []string {
	if len(people) == 0 {
		return nil
	}
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = p.name
	}
	return out
}

// matchPerson returns the full-name person whose surname is w (the most mentioned
// one when several share it) or, for a word not in capitals, the only one whose
// given name is w.
func matchPerson(people []*person, w string, caps bool) *person {
	var best *person
	for _, p := range people {
		if len(p.parts) >= 2 && (p.last() == w || withoutArticle(p.last()) == w) && (best == nil || p.count > best.count) {
			best = p // "Bashir" for Omar Hassan al-Bashir too
		}
	}
	if best != nil || caps {
		return best
	}
	for _, p := range people {
		if len(p.parts) >= 2 && p.first() == w {
			if best != nil {
				return nil
			}
			best = p
		}
	}
	return best
}

// withoutArticle returns a lower-case surname without its Arabic article
// ("bashir" of "al-bashir"), or "".
func withoutArticle(w string) string {
	for _, a := range []string{"al-", "el-", "ad-", "ash-", "as-", "at-", "az-", "an-", "ar-"} {
		if rest, ok := strings.CutPrefix(w, a); ok && rest != "" {
			return rest
		}
	}
	return ""
}

func findSingle(people []*person, w string) *person {
	for _, p := range people {
		if p.parts[0] == w {
			return p
		}
	}
	return nil
}

// givenPrefix reports whether the lower-case name short is the given names of
// the longer name long without its surname: "Te Kaurinui" of "Te Kaurinui
// Parata", as a text may call a person of two given names. A single word is left
// to matchPerson, and a generational suffix makes another person ("John Smith
// Jr.").
// regnalOf reports whether the lower-case name regnal is a monarch's or a
// pope's name with its numeral ("john paul ii") and titled the same given names
// under a title ("pope john paul"): one person.
func regnalOf(regnal, titled []string) bool {
	n := len(regnal) - 1
	return n >= 1 && len(titled) == n+1 && royalTitle(titled[0]) && regnalNumeral(strings.ToUpper(regnal[n])) &&
		slices.Equal(regnal[:n], titled[1:])
}

func givenPrefix(long, short []string) bool {
	if len(short) < 2 || len(long) <= len(short) || !slices.Equal(long[:len(short)], short) {
		return false
	}
	switch strings.TrimSuffix(long[len(long)-1], ".") {
	case "jr", "sr", "ii", "iii", "iv":
		return false
	}
	return true
}

func hasSuffix(long, short []string) bool {
	return len(long) > len(short) && slices.Equal(long[len(long)-len(short):], short)
}

// NormalizePersons cleans a record's own list of persons the way Persons
// writes names: titles and possessives dropped, white space collapsed, names in all
// lower or all upper case capitalized, duplicates and surname-only entries that
// repeat a full name in the list removed. Order is kept.
func NormalizePersons(in []string) []string {
	lx := loadLexicon()
	var mentions []mention
	for i, raw := range in {
		words := strings.Fields(raw)
		for len(words) > 1 && lx.words[strings.ToLower(words[0])]&(wTitle|wTitleMod) != 0 {
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		last := words[len(words)-1]
		for _, s := range []string{"'s", "’s", "'", "’"} {
			if rest, ok := strings.CutSuffix(last, s); ok && rest != "" {
				words[len(words)-1] = rest
				break
			}
		}
		joined := strings.Join(words, " ")
		if joined == strings.ToLower(joined) || joined == strings.ToUpper(joined) {
			for w := range words {
				words[w] = capitalize(words[w])
			}
		}
		mentions = append(mentions, mention{pos: i, parts: words, multi: len(words) > 1, person: true, evidence: true})
	}
	people, _ := resolvePersons(mentions, nil)
	return personNames(people)
}

// capitalize writes a name word with capitals after spaces, hyphens and
// apostrophes: "o'neil-smith" → "O'Neil-Smith".
func capitalize(w string) string {
	b := []rune(strings.ToLower(w))
	up := true
	for i, r := range b {
		if up {
			b[i] = unicode.ToUpper(r)
		}
		up = r == '-' || r == '\'' || r == '’' || r == '.'
	}
	return string(b)
}

// namedWithout reports whether the text elsewhere writes the words toks[k:m]
// directly before the surname toks[end-1], without the given names toks[m:end-1]
// between them: then they are given names of the person too ("Te Kaurinui Robert
// Parata" beside "Te Kaurinui Parata"), not words before the name ("Frenchman
// Frank LeBoeuf", never "Frenchman LeBoeuf").
func (pe *personExtractor) namedWithout(k, m, end int) bool {
	toks := pe.toks
	n := m - k
	for s := 0; s+n < len(toks); s++ {
		if s == k || !strings.EqualFold(toks[s+n].text, toks[end-1].text) || s > 0 && toks[s-1].kind == tokWord && toks[s-1].upper {
			continue
		}
		same := true
		for d := 0; d < n && same; d++ {
			same = toks[s+d].kind == tokWord && toks[s+d].text == toks[k+d].text && !toks[s+d].poss && (d == 0 || !toks[s+d].newline)
		}
		if same && !toks[s+n].newline {
			return true
		}
	}
	return false
}

// subheading reports whether toks[k] stands on a subheading: a line of two to
// eight words after the first line, without numbers, that ends with a word, not
// as a sentence does ("Time for Dr.
// Sherlock", "Enter Mr. Fix-It"). Subheadings play with titles and names; the
// person a subheading names for real, the story names with evidence of its own.
func (pe *personExtractor) subheading(k int) bool {
	toks := pe.toks
	s := k
	for s > 0 && !toks[s].newline {
		s--
	}
	if s == 0 {
		return false
	}
	e := k + 1
	for e < len(toks) && !toks[e].newline {
		e++
	}
	words := 0
	for m := s; m < e; m++ {
		switch toks[m].kind {
		case tokWord:
			words++
		case tokNumber:
			return false // "1. Miss Stamper 3-1": a line of results
		}
	}
	return toks[e-1].kind == tokWord && words >= 2 && words <= 8
}

// pairedNames reports whether the conjunction toks[j] of Spanish, Portuguese or
// Catalan ("y", "e", "i", which are also particles of names: "José Ortega y
// Gasset") joins two names rather than two surnames of one: a name of two
// words or more before it, and after it a given name and another word
// ("Edwin Luna y Kimberly Flores", "Paulo Guedes e Sergio Moro").
func (pe *personExtractor) pairedNames(i, j int) bool {
	toks := pe.toks
	switch toks[j].text {
	case "y", "e", "i":
	default:
		return false
	}
	return j-i >= 2 && j+2 < len(toks) && toks[j+1].upper && pe.classes[j+1]&wFirst != 0 &&
		toks[j+2].kind == tokWord && toks[j+2].upper && !toks[j+2].newline
}

// withoutDigits returns w without the digits that end it when three letters
// or more come before them ("Nolan22": Nolan; not "No1"), else w.
func withoutDigits(w string) string {
	t := strings.TrimRight(w, "0123456789")
	if r, _ := utf8.DecodeLastRuneInString(t); len(t) == len(w) || utf8.RuneCountInString(t) < 3 || !unicode.IsLetter(r) {
		return w
	}
	return t
}

// sameFold returns the person of two words or more whose name differs from the
// lower-case name parts only by accents, hyphens or particles inside it (see
// foldPerson): "Omar Bashir" beside Omar al-Bashir, "Francois Hollande" beside
// François Hollande; else nil.
func sameFold(people []*person, parts []string) *person {
	var fold string
	for _, p := range people {
		if len(p.parts) < 2 {
			continue
		}
		if fold == "" {
			fold = foldPerson(strings.Join(parts, " "))
		}
		if p.fold == "" {
			p.fold = foldPerson(strings.Join(p.parts, " "))
		}
		if p.fold == fold {
			return p
		}
	}
	return nil
}

// menuLines returns the byte spans of the lines that list the links of a
// site's menu, as a saved page keeps them: five items or more, each of one to
// five words that all begin with a capital, between separators ("Education -
// Urdu News - Car Prices - Breaking News - …", "Home | World | Sport | …"), and
// of the short lines that link to another story with its age ("… 22 minutes
// ago"). A line is what the text breaks hard (see tokenize).
func (pe *personExtractor) menuLines() [][2]int {
	toks := pe.toks
	var out [][2]int
	for s := 0; s < len(toks); {
		e := s + 1
		for e < len(toks) && !toks[e].newline {
			e++
		}
		items, words, menu := 0, 0, true
		for k := s; k < e && menu; k++ {
			switch t := &toks[k]; {
			case t.kind == tokPunct && (t.text == "-" || t.text == "|" || t.text == "•" || t.text == "·"):
				menu = words >= 1 && words <= 5
				items, words = items+1, 0
			case t.kind == tokWord && (t.upper || t.text == "in" || t.text == "to" || t.text == "of" || t.text == "and"):
				words++
			default:
				menu = t.text == "&"
			}
		}
		if menu && items >= 4 || e-s >= 3 && e-s <= 30 && toks[e-1].text == "ago" && timeUnits[strings.TrimSuffix(toks[e-2].text, "s")] {
			out = append(out, [2]int{toks[s].start, toks[e-1].end()})
		}
		s = e
	}
	return out
}

// timeUnits end the links to other stories that a page lists with their age:
// "Death Toll Grows by 325 - Health Ministry 22 minutes ago".
var timeUnits = wordSet(`second minute hour day week`)

// onlyRepeatOnMenus makes the mentions on the lines of o.menus like words of
// a headline in capitals: they may only repeat a person the text names
// elsewhere.
func (o *organizations) onlyRepeatOnMenus(mentions []mention) {
	if o == nil || len(o.menus) == 0 {
		return
	}
	for i := range mentions {
		m := &mentions[i]
		for _, h := range o.menus {
			if m.pos >= h[0] && m.end <= h[1] {
				m.caps, m.person, m.evidence, m.weak = true, false, false, false
				break
			}
		}
	}
}
