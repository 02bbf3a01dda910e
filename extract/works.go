package extract

import "strings"

// The titles of works (games, films, books, records) and the characters of
// plays and films read like people's names; these rules tell them apart from
// the text around them, and record their words in organizations.works, so that
// the same words elsewhere in the text name the work too.

// titleEnds are the words that end the titles of games, films and records and
// no one's name: "Assassin's Creed Origins", "Halo: The Master Chief
// Collection", "Dark Souls Remastered".
var titleEnds = wordSet(`origins remastered remaster edition reloaded redux trilogy anthology chronicles`)

// storyNouns after a name in the possessive make the title of a story, a game
// or a film: "Super Lucky's Tale", "The Handmaid's Tale", "Baldur's Saga".
var storyNouns = wordSet(`tale tales adventure adventures odyssey saga`)

// workTitle reports whether the capitalized run toks[i:j] is (part of) the
// title of a work: it ends with a word that ends titles, or, in the possessive,
// it comes before a capitalized noun of stories.
func (pe *personExtractor) workTitle(i, j int) bool {
	toks := pe.toks
	if j-i >= 2 && titleEnds[strings.ToLower(toks[j-1].text)] && !toks[j-1].allCaps {
		return true
	}
	if j-i >= 2 && !toks[j-1].poss && pe.sequelNumber(j) {
		return true // "John Wick 3 opens", "Max Payne 3 and": a sequel
	}
	return toks[j-1].poss && j < len(toks) && toks[j].kind == tokWord && toks[j].upper && !toks[j].newline &&
		storyNouns[strings.ToLower(toks[j].text)]
}

// playVerbs say that an actor plays a character.
var playVerbs = wordSet(`playing plays played portraying portrays portrayed`)

// character reports whether the text shows the capitalized run toks[i:end] to
// be a character an actor plays: after a name and a verb of playing with a
// description ("Jeff Goldblum, playing the chaos theorist Ian Malcolm", "Streep
// plays the role of Margaret Thatcher"), after "character", or before "played
// by" or "voiced by" ("Ian Malcolm, played by Jeff Goldblum"). A player plays an opponent without "the" and a description
// ("Nadal played Federer").
func (pe *personExtractor) character(i, end int) bool {
	toks := pe.toks
	m := i - 1
	for n := 0; m >= 0 && n < 5 && toks[m].kind == tokWord && !toks[m].upper && !playVerbs[toks[m].text]; n++ {
		m--
	}
	if m >= 1 && m+2 < i && playVerbs[toks[m].text] && (toks[m+1].text == "the" || toks[m+1].text == "a") {
		p := m - 1
		if toks[p].text == "," && p > 0 {
			p--
		}
		if toks[p].kind == tokWord && toks[p].upper {
			return true
		}
	}
	// "the detective character Inspector Maigret", "a character named Lisa
	// Hart" ("the role of Takemura" in politics is his own).
	p := i - 1
	if p >= 0 && (toks[p].text == "named" || toks[p].text == "called") {
		p--
	}
	if p >= 0 && toks[p].text == "character" {
		return true
	}
	e := end
	if e < len(toks) && toks[e].text == "," {
		e++
	}
	return e+1 < len(toks) && (toks[e].text == "played" || toks[e].text == "portrayed" || toks[e].text == "voiced") && toks[e+1].text == "by"
}

// quotedAlone records as works the capitalized words that the text quotes
// alone: «Марсельезу», “Jaws”, the theatre «Батаклан» name a work, a ship or a
// place, wherever they stand in the text. A given name quoted alone may be a
// nom de guerre (Commanders "Vicente" and "Oscar"), and a name around the
// quote makes it a nickname ("Paul 'Gazza' Gascoigne").
func (pe *personExtractor) quotedAlone() {
	toks := pe.toks
	for k := 1; k+1 < len(toks); k++ {
		t := &toks[k]
		if t.kind != tokWord || !t.upper || t.allCaps || pe.classes[k]&wFirst != 0 || !pe.quoted(k, k+1) {
			continue
		}
		if k >= 2 && toks[k-2].kind == tokWord && toks[k-2].upper || k+2 < len(toks) && toks[k+2].kind == tokWord && toks[k+2].upper {
			continue
		}
		pe.orgs.addWork(toks[k : k+1])
	}
}

// workNouns name kinds of works; a list of them follows "like", "such as" or
// "including".
var workNouns = wordSet(`games titles films movies shows series books novels albums songs records
	apps franchises sequels`)

// workNoun names a kind of work in the singular: "the film Rocky IV".
var workNoun = wordSet(`film movie novel novella album song book opera musical sitcom documentary painting
	poem series memoir biopic`)

// afterWorkNoun reports whether the capitalized run at toks[i] comes right after
// a noun of works that a determiner or a possessive opens, with at most two
// words between: "the film Rocky IV", "his 1985 novel White Noise", "the hit
// song Geronimo", "Spielberg's film Jaws".
func (pe *personExtractor) afterWorkNoun(i int) bool {
	toks := pe.toks
	if i < 2 || toks[i].newline || toks[i-1].kind != tokWord || toks[i-1].upper || !workNoun[toks[i-1].text] {
		return false
	}
	// A known given name before a known surname is a person even there: "the
	// film Tom Hanks made", "the song Taylor Swift wrote".
	if c := pe.classes[i]; c&wFirst != 0 && c&(wAmbiguous|wNotName) == 0 && i+1 < len(toks) &&
		toks[i+1].kind == tokWord && toks[i+1].upper && pe.classes[i+1]&wLast != 0 && !regnalNumeral(toks[i+1].text) {
		return false
	}
	for p := i - 2; p >= 0 && p >= i-4; p-- {
		t := &toks[p]
		if t.kind == tokWord && (t.poss || determiners[strings.ToLower(t.text)]) {
			return true
		}
		if t.kind != tokNumber && (t.kind != tokWord || t.upper) {
			return false
		}
	}
	return false
}

var determiners = wordSet(`the a an his her their its my our your this that`)

// inWorkList reports whether the capitalized run at toks[i] is an item of a
// list of works: "games like Forza Motorsport 7 and Assassin's Creed Origins",
// "films such as Jurassic Park". The items before it in the list are
// capitalized words, numbers, commas, "and", "or", and the small words inside
// titles. A name in the possessive before a title is its author's, not a
// title ("Tom Clancy's Rainbow Six"): span leaves it out. So is a name before a
// noun in lower case, which the name only qualifies ("games like the Tony Hawk
// series", "films such as the Hitchcock thrillers").
func (pe *personExtractor) inWorkList(i, j int) bool {
	toks := pe.toks
	if j < len(toks) && toks[j].kind == tokWord && !toks[j].upper && toks[j].text != "and" && toks[j].text != "or" {
		return false
	}
	for k := i - 1; k >= 1 && k >= i-25 && !toks[k+1].newline; k-- {
		t := &toks[k]
		switch {
		case t.kind == tokWord && (t.text == "like" || t.text == "including" || t.text == "as" && toks[k-1].text == "such"):
			n := k - 1
			if t.text == "as" {
				n--
			}
			return n >= 0 && toks[n].kind == tokWord && workNouns[toks[n].text]
		case t.kind == tokWord && (t.upper || t.text == "and" || t.text == "or" || t.text == "of" || t.text == "the"),
			t.kind == tokNumber, t.text == ",", t.text == ":":
		default:
			return false
		}
	}
	return false
}

// sequelNumber reports whether toks[k] is the number of a sequel after a
// title: one digit, on the same line, followed by a word in lower case or the
// end of a clause ("John Wick 3 opens", "Max Payne 3, which"), not by more
// numbers, a score or an ordinal ("Smith 6-3", "Atherton 5\n", "Leverkusen 2
// Arminia", "Mendy 4th").
func (pe *personExtractor) sequelNumber(k int) bool {
	toks := pe.toks
	if k >= len(toks) || toks[k].kind != tokNumber || toks[k].newline || len(toks[k].text) != 1 || toks[k].text == "0" ||
		k+1 >= len(toks) || toks[k+1].newline {
		return false
	}
	switch n := &toks[k+1]; n.kind {
	case tokWord:
		return !n.upper && !isOrdinalSuffix(n.text) // not "Mendy 4th"
	case tokPunct:
		switch n.text {
		case ",", ";", ":":
			return k+2 < len(toks) && !toks[k+2].newline && toks[k+2].kind == tokWord && !toks[k+2].upper
		}
	}
	return false
}

// addWork records the words of toks as (part of) the title of a work: the same
// words elsewhere in the text name the work too ("Super Lucky's Tale", then
// "Super Lucky").
func (o *organizations) addWork(toks []token) {
	name := make([]string, 0, len(toks))
	for _, t := range toks {
		name = append(name, strings.ToLower(t.text))
	}
	o.works = append(o.works, name)
}
