package extract

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/article-archive/archive/corpus"
)

// NameBook carries person names across the articles of an archive, so that the
// archive shows one person under one name:
//
//   - a surname-only person in one story ("Baker") gets the full name the
//     archive uses for them elsewhere ("James Baker"), but only where the
//     evidence supports it: the full name must have been seen in at least
//     MinCount articles and account for at least Dominance of the articles
//     naming anyone in full with that surname (names seen in one article
//     only left out), and no other full name with that surname may be known
//     (seen in MinCount articles and a tenth as many as the first). "Bush"
//     stays "Bush" in an archive with both George Bush and George W. Bush;
//   - names that differ only in case or accents ("REAGAN", "Jose Sarney"),
//     full names whose given names are one name and its familiar form ("Jim
//     Wright", "James Wright") become the form the archive uses most, and an
//     initial with a surname the one full name it stands for ("R. Croft");
//   - a pope under his title and given names ("Pope John Paul", "Pope
//     Benedict") gets the name with his numeral ("John Paul II", "Benedict
//     XVI") when the archive knows one such name, as for surnames;
//   - a name the archive's stories show to be a company's more often than a
//     person's ("Merrill Lynch" of "Merrill Lynch and Co Inc") is no one.
//
// A NameBook needs nothing but two name → count tables: feed it the persons and
// the companies of each article with Learn (or Add) and AddFirms, or tables kept elsewhere
// (the person facet's counts) with AddCount and AddFirmCount. Canonical gives
// the name the archive shows for a name; Aliases lists every name it changes,
// which an index can apply to articles stored before the book knew better. It
// is safe for concurrent use.
type NameBook struct {
	// MinCount is the least number of articles that must name a person in full
	// before a surname resolves to them, or name a company before a person of
	// its name is dropped; zero means 3.
	MinCount int
	// Dominance is the least share of the full-name mentions of a surname that
	// the chosen full name must have; zero means 0.8.
	Dominance float64

	mu sync.RWMutex
	// bySurname maps a lower-case surname to the full names seen with it and
	// their counts.
	bySurname map[string]map[string]int
	// forms maps the folded form of a name (lower case, no accents, familiar
	// given names made formal) to the forms seen and their counts.
	forms map[string]map[string]int
	// firms counts the articles whose text shows a company whose name begins
	// with these words (folded): "merrill", "merrill lynch".
	firms map[string]int
	// regnal maps the lower-case given names of a name with a regnal numeral
	// ("john paul" of "John Paul II") to the names seen and their counts.
	regnal map[string]map[string]int
}

// minCount is MinCount, or 3 when it is not set.
func (b *NameBook) minCount() int {
	if b.MinCount > 0 {
		return b.MinCount
	}
	return 3
}

// Add records the persons of one article: each name counts once.
func (b *NameBook) Add(persons []string) {
	b.Learn(persons, persons)
}

// Learn records the persons of one article: extracted as the text writes them,
// which count for the forms of the names, and shown as ResolveAll gave them to
// the article, whose full names count as the people the archive names ("Baker"
// resolved to "James Baker" counts for James Baker). Each name counts once.
func (b *NameBook) Learn(extracted, shown []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	seen := map[string]bool{}
	for _, p := range extracted {
		if p = strings.Join(strings.Fields(p), " "); p != "" && !seen[p] {
			seen[p] = true
			b.addForm(p, 1)
		}
	}
	clear(seen)
	for _, p := range shown {
		if p = strings.Join(strings.Fields(p), " "); p != "" && !seen[p] {
			seen[p] = true
			b.addSurname(p, 1)
		}
	}
}

// AddCount records that n articles name the person name. A single word counts
// for the forms of the name but is no evidence for a surname: it is what the
// book resolves.
func (b *NameBook) AddCount(name string, n int) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.addForm(name, n)
	b.addSurname(name, n)
}

func (b *NameBook) addForm(name string, n int) {
	if b.forms == nil {
		b.forms = map[string]map[string]int{}
	}
	key := foldPerson(name)
	if b.forms[key] == nil {
		b.forms[key] = map[string]int{}
	}
	b.forms[key][name] += n
}

func (b *NameBook) addSurname(name string, n int) {
	if w := strings.Fields(name); len(w) >= 2 && regnalNumeral(w[len(w)-1]) {
		if b.regnal == nil {
			b.regnal = map[string]map[string]int{}
		}
		key := strings.ToLower(strings.Join(w[:len(w)-1], " "))
		if b.regnal[key] == nil {
			b.regnal[key] = map[string]int{}
		}
		b.regnal[key][name] += n
	}
	surname, ok := bookSurname(name)
	if !ok {
		return
	}
	if b.bySurname == nil {
		b.bySurname = map[string]map[string]int{}
	}
	keys := []string{surname}
	// "Nouri al-Maliki" is "Maliki" alone too.
	for _, article := range []string{"al-", "el-"} {
		if rest, ok := strings.CutPrefix(surname, article); ok && rest != "" {
			keys = append(keys, rest)
		}
	}
	// "Hu Jintao", "Chen Shui-bian": a family name that comes first, as Chinese
	// and Korean names have it, is a surname that no lexicon knows as a given
	// name before a word that no lexicon knows as a name.
	if w := strings.Fields(strings.ToLower(name)); len(w) == 2 {
		lx := loadLexicon()
		if lx.words[w[0]]&(wLast|wFirst) == wLast && (lx.words[w[1]]&(wFirst|wLast) == 0 || strings.Contains(w[1], "-")) {
			keys = append(keys, w[0])
		}
	}
	for _, k := range keys {
		names := b.bySurname[k]
		if names == nil {
			names = map[string]int{}
			b.bySurname[k] = names
		}
		names[name] += n
	}
}

// AddFirms records the companies the text of one article shows ("Merrill Lynch
// and Co Inc", "an analyst with Smith Barney"): each counts once.
func (b *NameBook) AddFirms(firms []string) {
	seen := map[string]bool{}
	for _, f := range firms {
		words := strings.Fields(foldName(f))
		for n := 1; n <= len(words) && n <= 3; n++ {
			if p := strings.Join(words[:n], " "); !seen[p] {
				seen[p] = true
				b.AddFirmCount(p, 1)
			}
		}
	}
}

// AddFirmCount records that n articles name a company whose name begins with
// the words of prefix.
func (b *NameBook) AddFirmCount(prefix string, n int) {
	key := foldName(prefix)
	if key == "" || n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.firms == nil {
		b.firms = map[string]int{}
	}
	b.firms[key] += n
}

// FirmCounts returns a copy of the company table that AddFirmCount fills: the
// part of the book that a person facet cannot rebuild, to be kept with the
// archive.
func (b *NameBook) FirmCounts() map[string]int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make(map[string]int, len(b.firms))
	for k, v := range b.firms {
		out[k] = v
	}
	return out
}

// Resolve returns the full name a surname-only name stands for, or name itself
// when it is already a full name or the evidence does not single one out.
func (b *NameBook) Resolve(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t") {
		return name
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.resolve(name)
}

func (b *NameBook) resolve(name string) string {
	minCount, dominance := b.minCount(), b.Dominance
	if dominance == 0 {
		dominance = 0.8
	}
	best, bestCount, total, rival := b.mostNamed(b.bySurname[strings.ToLower(name)])
	if rival || bestCount < minCount || float64(bestCount) < dominance*float64(total) {
		return name
	}
	return best
}

// mostNamed returns the name of names (name → articles) seen in the most
// articles and that count, the articles of every name seen in two or more,
// and whether a rival stands beside it. A name seen in one article (a typo, a
// relative in one story) is no rival; one seen in MinCount articles and a
// tenth as many as the first is: "Baker" stays with both James and Howard
// Baker known.
func (b *NameBook) mostNamed(names map[string]int) (best string, bestCount, total int, rival bool) {
	for n, c := range names {
		if c > bestCount || c == bestCount && n < best {
			best, bestCount = n, c
		}
	}
	total = bestCount
	for n, c := range names {
		if n == best || c < 2 {
			continue
		}
		if c >= max(b.minCount(), 2) && c*10 >= bestCount {
			rival = true
		}
		total += c
	}
	return best, bestCount, total, rival
}

// Canonical returns the name the archive shows for the person name: the full
// name a surname stands for (see Resolve), the form of the name the archive
// uses most (case, accents, "Jim" for "James"), or "" when the archive shows
// the name to be a company's rather than a person's.
func (b *NameBook) Canonical(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return ""
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.canonical(name)
}

func (b *NameBook) canonical(name string) string {
	if !strings.Contains(name, " ") {
		if r := b.resolve(name); r != name {
			name = r
		}
	} else if r := b.fromInitial(name); r != "" {
		name = r
	} else if r := b.pope(name); r != "" {
		name = r
	} else if r := b.withoutMiddle(name); r != "" {
		name = r
	}
	best, bestCount := name, 0
	for form, c := range b.forms[foldPerson(name)] {
		if c > bestCount || c == bestCount && form < best {
			best, bestCount = form, c
		}
	}
	if b.firm(foldName(name), name) {
		return ""
	}
	return best
}

// fromInitial returns the full name an initial and a surname stand for ("R.
// Croft" for Robert Croft, as scorecards write him): the only full name known
// with that surname and a given name of that initial, seen in MinCount
// articles; else "".
func (b *NameBook) fromInitial(name string) string {
	w := strings.Fields(name)
	if len(w) != 2 || !isInitial(w[0]) {
		return ""
	}
	surname, _ := bookSurname(name)
	best, bestCount, second := "", 0, 0
	for n, c := range b.bySurname[surname] {
		first, _, _ := strings.Cut(n, " ")
		if isInitial(first) || !strings.EqualFold(first[:1], w[0][:1]) {
			continue
		}
		if c > bestCount || c == bestCount && n < best {
			best, bestCount, second = n, c, max(second, bestCount)
		} else {
			second = max(second, c)
		}
	}
	// As for surnames, a name seen in one article is no rival.
	if bestCount < b.minCount() || second >= 2 && second*10 >= bestCount {
		return ""
	}
	return best
}

// pope returns the name with a numeral that "Pope" and given names stand for
// ("John Paul II" for "Pope John Paul"): the only such name the archive knows
// in MinCount articles, with no rival as for surnames (see resolve); else "".
// Kings are left alone: "King Abdullah" is two kings in one archive.
func (b *NameBook) pope(name string) string {
	given, ok := strings.CutPrefix(name, "Pope ")
	if !ok {
		return ""
	}
	best, bestCount, _, rival := b.mostNamed(b.regnal[strings.ToLower(given)])
	if rival || bestCount < b.minCount() {
		return ""
	}
	return best
}

// withoutMiddle returns the name without its middle initials ("Donald Trump"
// for "Donald J. Trump") when the archive knows that name and no one else of
// that given name and surname with other middle initials ("George H.W. Bush"
// beside "George W. Bush" keeps both); else "".
func (b *NameBook) withoutMiddle(name string) string {
	w := strings.Fields(name)
	if len(w) < 3 {
		return ""
	}
	middle := w[1 : len(w)-1]
	for _, m := range middle {
		if !isInitial(m) {
			return ""
		}
	}
	surname, ok := bookSurname(name)
	if !ok || strings.TrimSuffix(strings.ToLower(w[len(w)-1]), ".") != surname {
		return "" // a generational suffix (Jr.) ends it: leave it to the forms
	}
	plain := w[0] + " " + w[len(w)-1]
	known := false
	for n := range b.bySurname[surname] {
		v := strings.Fields(n)
		if len(v) < 2 || !strings.EqualFold(v[0], w[0]) || !strings.EqualFold(v[len(v)-1], w[len(w)-1]) {
			continue
		}
		if len(v) == 2 {
			known = true
			continue
		}
		if !slices.EqualFunc(v[1:len(v)-1], middle, strings.EqualFold) {
			return "" // two people, or one the archive cannot tell apart
		}
	}
	if !known {
		return ""
	}
	return plain
}

// isInitial reports whether w is an initial: "R.", "J.R.".
func isInitial(w string) bool {
	return len(w) >= 2 && w[len(w)-1] == '.' && len(strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ.")) == 0
}

// firm reports whether the archive names a company beginning with the words of
// key in at least MinCount articles and in more than twice as many articles as
// it names the person. A person the archive knows in full ("Reagan" resolved to
// "Ronald Reagan") never is.
func (b *NameBook) firm(key, name string) bool {
	n := b.firms[key]
	if n < b.minCount() {
		return false
	}
	persons := 0
	for _, c := range b.forms[foldPerson(name)] {
		persons += c
	}
	return n > 2*persons
}

// ResolveAll returns the canonical names of an article's persons (see
// Canonical), without the ones that are companies' and without a name twice
// (a surname that resolves to a full name the article already lists). Order
// is kept.
func (b *NameBook) ResolveAll(persons []string) []string {
	out := make([]string, 0, len(persons))
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, p := range persons {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			continue
		}
		if r := b.canonical(p); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// ResolveWeak returns the canonical names (see Canonical) of the weak names
// the book knows: words a headline gives as someone's surname ("Volcker" of
// "VOLCKER SAYS") that resolve to a full name. Names it does not know are
// dropped: it takes the archive to tell Volcker from Texaco.
func (b *NameBook) ResolveWeak(names []string) []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || strings.ContainsAny(n, " \t") {
			continue
		}
		r := b.resolve(n)
		if r == n {
			continue
		}
		if c := b.canonical(r); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Enrich fills in an article as Enrich does, then gives it the names the
// archive shows for its persons (see ResolveAll), adds the weak names the book
// knows (see ResolveWeak), and learns from it: its companies, and its names as
// extracted and as shown (see Learn). Persons the record carried are resolved
// and learnt the same way. Enrich does no I/O and cannot fail.
func (b *NameBook) Enrich(a *corpus.Article) {
	firms, weak := enrich(a)
	b.apply(a, firms, weak)
}

// apply is the second half of Enrich: firms and weak are what enrich found in
// the article's text.
func (b *NameBook) apply(a *corpus.Article, firms, weak []string) {
	extracted := a.Persons
	b.AddFirms(firms)
	a.Persons = b.ResolveAll(extracted)
	for _, w := range b.ResolveWeak(weak) {
		if !slices.Contains(a.Persons, w) {
			a.Persons = append(a.Persons, w)
		}
	}
	b.Learn(extracted, a.Persons)
}

// Aliases returns every person name the book knows whose canonical name (see
// Canonical) differs from it, mapped to that name, or to "" for a name that is
// a company's. Articles stored before the book knew better still carry the
// names on the left: an index shows, searches and exports them as the names on
// the right.
func (b *NameBook) Aliases() map[string]string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := map[string]string{}
	for _, forms := range b.forms {
		for form := range forms {
			if c := b.canonical(form); c != form {
				out[form] = c
			}
		}
	}
	return out
}

// bookSurname returns the lower-case surname of a full name of two words or
// more, without a generational suffix (Jr., III).
func bookSurname(name string) (string, bool) {
	w := withoutSuffixes(strings.Fields(strings.ToLower(name)), 2)
	if len(w) < 2 {
		return "", false
	}
	return strings.TrimSuffix(w[len(w)-1], "."), true
}

// withoutSuffixes drops the generational suffixes (Jr., III) that end the
// lower-case words w of a name, keeping at least keep words.
func withoutSuffixes(w []string, keep int) []string {
	for len(w) > keep {
		switch strings.TrimSuffix(w[len(w)-1], ".") {
		case "jr", "sr", "ii", "iii", "iv":
			w = w[:len(w)-1]
			continue
		}
		break
	}
	return w
}

// foldName is the form under which names that differ only in case, accents or
// a familiar given name are one: "José Sarney" and "JOSE SARNEY" are "jose
// sarney", "Jim Wright" is "james wright".
func foldName(name string) string {
	var sb strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if !unicode.Is(unicode.Mn, r) {
			sb.WriteRune(r)
		}
	}
	words := strings.Fields(sb.String())
	if len(words) >= 2 {
		if formal, ok := formalGiven[words[0]]; ok {
			words[0] = formal
		}
	}
	return strings.Join(words, " ")
}

// foldPerson is the form under which person names are one: foldName's, with
// hyphens as spaces and without the particles inside a name, so that "Omar
// al-Bashir" and "Omar el-Bashir", "Jean-Marie Le Pen" and "Jean Marie Le
// Pen", "Laure de la Raudière" and "Laure Raudière" are one name. A first or
// last word is kept whatever it is ("Abu Bakr", "Nguyen Van Le").
func foldPerson(name string) string {
	words := strings.Fields(strings.ReplaceAll(foldName(name), "-", " "))
	if len(words) <= 2 {
		return strings.Join(words, " ")
	}
	lx := loadLexicon()
	out := words[:1]
	for _, w := range words[1 : len(words)-1] {
		if lx.words[w]&wParticle == 0 {
			out = append(out, w)
		}
	}
	return strings.Join(append(out, words[len(words)-1]), " ")
}

// formalGiven maps familiar forms of English given names to the formal name
// they stand for, where that name is nearly always the one: Jim is James, Bob
// is Robert. (Al, Frank and Harry stand for several names and are left out.)
var formalGiven = map[string]string{
	"jim": "james", "jimmy": "james", "bob": "robert", "bobby": "robert", "rob": "robert",
	"bill": "william", "billy": "william", "will": "william", "dick": "richard", "rick": "richard",
	"mike": "michael", "tom": "thomas", "tommy": "thomas", "tony": "anthony", "joe": "joseph",
	"dan": "daniel", "danny": "daniel", "dave": "david", "ed": "edward", "eddie": "edward",
	"ted": "edward", "chuck": "charles", "charlie": "charles", "pat": "patrick", "pete": "peter",
	"ron": "ronald", "ronnie": "ronald", "don": "donald", "larry": "lawrence", "andy": "andrew",
	"ben": "benjamin", "sam": "samuel", "steve": "steven", "chris": "christopher", "nick": "nicholas",
	"tim": "timothy", "greg": "gregory", "jeff": "jeffrey", "ken": "kenneth", "fred": "frederick",
	"jack": "john", "johnny": "john", "newt": "newton", "liz": "elizabeth", "beth": "elizabeth",
	"kathy": "katherine", "kate": "katherine", "peggy": "margaret", "maggie": "margaret", "sue": "susan",
	"jenny": "jennifer", "matt": "matthew", "phil": "philip", "doug": "douglas", "jerry": "gerald",
}
