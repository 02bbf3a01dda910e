package extract

import (
	"strings"
	"unicode/utf8"
)

// Czech, Slovak and Polish decline names: "Declan Rice" is "Declana Rice" (of
// Declan Rice), "s Declanem Ricem" (with him); "Aston Villa" is "Aston Villy"
// (of the club). In a text in one of these languages, a name word that no
// lexicon knows is read as a case of the nominative the lexicons or the text
// itself know, so that one person is one name and a club stays a club.

// slavicWords are frequent function words of Czech, Slovak and Polish that
// neither English nor the Romance and Germanic languages use ("se", "je", "sa"
// and "nie" are French, Spanish or German words too).
var slavicWords = wordSet(`že jsou byl byla bylo který která které ktorý ktorá ktoré také tiež
	jako ako ale aby když keď než už při jeho jejich
	się jest oraz przez dla także już niż był była było jej`)

// englishWords are frequent function words of English.
var englishWords = wordSet(`the and of to is was that with for on are by`)

// slavicText reports whether the text is in Czech, Slovak or Polish: it uses
// their function words more often than English ones, five times at least. It
// is worked out once per text, when a name first needs it.
func (pe *personExtractor) slavicText() bool {
	if pe.slavic != 0 {
		return pe.slavic > 0
	}
	slavic, english := 0, 0
scan:
	for k := range pe.toks {
		t := &pe.toks[k]
		if t.kind != tokWord || t.upper || len(t.text) > 8 {
			continue
		}
		switch {
		case slavicWords[t.text]:
			slavic++
		case englishWords[t.text]:
			english++
			if english >= slavic+20 {
				break scan // English, whatever follows
			}
		}
	}
	pe.slavic = -1
	if slavic < 5 || slavic <= english {
		return false
	}
	pe.slavic = 1
	clear(pe.capWords)
	if pe.capWords == nil {
		pe.capWords = map[string]bool{}
	}
	for k := range pe.toks {
		if t := &pe.toks[k]; t.kind == tokWord && t.upper && !t.allCaps {
			pe.capWords[t.text] = true
		}
	}
	return true
}

// caseEndings are the endings of the oblique cases of Czech, Slovak and Polish
// nouns and names, longest first: -ovi and -owi (to him), -em and -iem (with
// him), -ou and -ą (with her), -ego and -emu (of, to a Kowalski), -a (of him),
// -y and -i (of her), -u, -e and -ě.
var caseEndings = []string{"ovi", "owi", "ego", "emu", "iem", "em", "ou", "ą", "a", "y", "u", "e", "ě", "i"}

// adjectiveEndings map the oblique endings of surnames declined as adjectives
// to their nominative: Vondroušové and Vondroušovou are Vondroušová, Nového
// is Nový, Jiřího is Jiří, Kowalskiej is Kowalska.
var adjectiveEndings = [][2]string{{"ové", "ová"}, {"ovou", "ová"}, {"ého", "ý"}, {"ému", "ý"}, {"ým", "ý"},
	{"ího", "í"}, {"ímu", "í"}, {"iej", "a"}}

// nominatives returns the nominative forms that the declined name word w may
// stand for: the stem, and the stem with -a (Villy: Villa), -e (Ricem: Rice),
// -i (Kowalskiego: Kowalski) or a dropped -e- put back (Součka: Souček), and
// the nominative of a surname declined as an adjective (Vondroušové:
// Vondroušová).
func nominatives(w string) []string {
	var out []string
	for _, e := range adjectiveEndings {
		if stem, ok := strings.CutSuffix(w, e[0]); ok && utf8.RuneCountInString(stem) >= 2 {
			out = append(out, stem+e[1])
		}
	}
	for _, e := range caseEndings {
		stem, ok := strings.CutSuffix(w, e)
		if !ok || utf8.RuneCountInString(stem) < 3 {
			continue
		}
		out = append(out, stem, stem+"a", stem+"e", stem+"i")
		if r, size := utf8.DecodeLastRuneInString(stem); size > 0 && !strings.ContainsRune("aeiouyáéíóúůýě", r) {
			out = append(out, stem[:len(stem)-size]+"e"+string(r))
		}
	}
	return out
}

// nominative returns the words of the name toks[k:end] in their nominative in
// a Czech, Slovak or Polish text, or nil when none is declined: a word that no
// lexicon knows in its place becomes the one form of nominatives that the text writes as a
// word of its own or, failing that, the one a lexicon knows as a surname
// ("Ricem": Rice, "Villy": Villa). A given name before a surname is looked up
// in the lexicon of given names first ("Declana": Declan), since the text
// writes its other cases too. A word it changes takes the classes of its
// nominative, so that the rules read "Declana Rice" as they read "Declan Rice".
func (pe *personExtractor) nominative(k, end int) []string {
	var parts []string
	for m := k; m < end; m++ {
		w := pe.toks[m].text
		want := wLast
		if m == k && end-k > 1 {
			want = wFirst
		}
		// A word the lexicon knows in its place is no case ("Rice"); one it
		// knows only in another place may be ("Petry", a surname, is of Petra).
		if c := pe.classes[m]; c&want != 0 || c&^(wFirst|wLast|wGiven|wAmbiguous) != 0 || !pe.toks[m].upper || pe.toks[m].allCaps || len(w) < 4 {
			continue
		}
		if !pe.slavicText() {
			return nil
		}
		forms := nominatives(w)
		inText := func(n string) bool { return pe.capWords[n] }
		inLexicon := func(n string) bool { return pe.lx.words[strings.ToLower(n)]&want != 0 }
		if want == wFirst {
			// A given name's own cases are in the text too ("Declana",
			// "Declanem"): the lexicon knows the nominative.
			inText, inLexicon = inLexicon, inText
		}
		n := onlyForm(forms, w, inText)
		if n == "" {
			n = onlyForm(forms, w, inLexicon)
		}
		if n == "" {
			continue
		}
		if parts == nil {
			parts = make([]string, 0, end-k)
			for q := k; q < end; q++ {
				parts = append(parts, pe.toks[q].text)
			}
		}
		parts[m-k] = n
		pe.classes[m] = pe.classify(n)
	}
	return parts
}

// onlyForm returns the one form other than w that known reports, or "" when
// none or several are.
func onlyForm(forms []string, w string, known func(string) bool) string {
	found := ""
	for _, n := range forms {
		if n == w || n == found || !known(n) {
			continue
		}
		if found != "" {
			return ""
		}
		found = n
	}
	return found
}
