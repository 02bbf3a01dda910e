package query

import (
	"fmt"
	"strings"
)

// Ranking, the same on every engine.
const (
	// TitleBoost ranks a match in the title above the same match in the body.
	TitleBoost = 2.0
	// PhraseBonus is the boost of the phrase of all the words of a query of plain
	// words that must all match (BonusPhrase), so that the words next to each
	// other rank above the same words apart. An any-word query needs none: more of
	// its words already rank above fewer.
	PhraseBonus = 2.0
	// The phrase bonus is added to queries of this many plain words.
	minBonusWords = 2
	maxBonusWords = 8
)

// BonusPhrase returns the phrase an engine adds as an optional clause to the
// query root, boosted by PhraseBonus: the phrase of its words when it is a
// conjunction of 2 to 8 plain words of the default fields without boosts; else
// nil.
func BonusPhrase(root *Node) *Node {
	if root == nil || root.Kind != And {
		return nil
	}
	words := make([]string, 0, len(root.Children))
	for _, ch := range root.Children {
		if ch.Kind != Term || ch.Field != FieldDefault || ch.Boost != 0 {
			return nil
		}
		words = append(words, ch.Text)
	}
	if len(words) < minBonusWords || len(words) > maxBonusWords {
		return nil
	}
	return &Node{Kind: Phrase, Text: strings.Join(words, " "), Boost: PhraseBonus}
}

// Dropped keeps the notices for the words an engine leaves out of a search
// because they are too common (its stop words), each once. The lower-case and,
// or and not get none: the parser has said that they are words.
type Dropped struct {
	seen    map[string]bool
	Notices []string
}

// Drop notes that word was left out.
func (d *Dropped) Drop(word string) {
	if d.seen[word] || word == "and" || word == "or" || word == "not" {
		return
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	d.seen[word] = true
	d.Notices = append(d.Notices, fmt.Sprintf("%q is too common a word to search for and was left out; it counts inside a phrase, as in \"the hague\"", word))
}
