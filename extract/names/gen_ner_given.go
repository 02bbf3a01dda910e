//go:build ignore

// gen_ner_given derives ner_given.txt, given names of every culture, from the
// person annotations of the redistributable NER corpora the tagger is trained on
// (../shared/data/ner-train: BTC, WNUT-17, wikigold, CrossNER, Re-DocRED dev;
// see ../model/README.md and NOTICE for their licenses). A word is kept when it
// opens a name of two words or more and the corpora seldom write
// it otherwise: capitalized outside a name, or in lower case (both at most half as
// often). Re-DocRED's test
// split is left out, so that TestPersonsReDocRED stays a held-out measure.
//
// Run it from the extract directory:
//
//	go run names/gen_ner_given.go ../../shared/data/ner-train names/ner_given.txt
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// counts of a word in the corpora.
type counts struct {
	opens int // first word of a person's name of two words or more
	other int // capitalized, not at a sentence's start, outside a person's name
	lower int // written in lower case
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run names/gen_ner_given.go NER_TRAIN_DIR OUT_FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "gen_ner_given:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	c := map[string]*counts{}
	get := func(w string) *counts {
		if c[w] == nil {
			c[w] = &counts{}
		}
		return c[w]
	}
	// sentence adds one sentence: its tokens and whether each is in a person's
	// name, and where each name starts.
	sentence := func(toks []string, inName, starts []bool) {
		for i, w := range toks {
			r, _ := utf8.DecodeRuneInString(w)
			switch {
			case starts[i] && i+1 < len(toks) && inName[i+1] && !starts[i+1]:
				get(w).opens++
			case !unicode.IsUpper(r):
				get(strings.ToLower(w)).lower++
			case !inName[i] && i > 0:
				get(w).other++
			}
		}
	}
	columns := []string{"wikigold/wikigold.conll.txt"}
	for _, dom := range []string{"ai", "literature", "music", "politics", "science"} {
		for _, split := range []string{"train", "dev", "test"} {
			columns = append(columns, filepath.Join("crossner", dom, split+".txt"))
		}
	}
	for _, sec := range []string{"a", "b", "e", "f", "g", "h"} {
		columns = append(columns, filepath.Join("btc", sec+".conll"))
	}
	columns = append(columns, "wnut17/wnut17train.conll", "wnut17/emerging.dev.conll", "wnut17/emerging.test.annotated")
	for _, f := range columns {
		if err := readColumns(filepath.Join(dir, f), sentence); err != nil {
			return err
		}
	}
	if err := readReDocRED(filepath.Join(dir, "re-docred/dev_revised.json"), sentence); err != nil {
		return err
	}
	var names []string
	for w, n := range c {
		if n.opens < 1 || n.other*2 > n.opens || c[strings.ToLower(w)] != nil && c[strings.ToLower(w)].lower*2 > n.opens ||
			!nameWord(w) {
			continue
		}
		names = append(names, strings.ToLower(w))
	}
	slices.Sort(names)
	names = slices.Compact(names)
	head := []string{
		"# Given names that open people's names in the person annotations of BTC, WNUT-17,",
		"# wikigold (CC BY 4.0), CrossNER and Re-DocRED dev (MIT): see NOTICE. Written by",
		"# names/gen_ner_given.go; do not edit. Lower case, one a line.",
	}
	return os.WriteFile(out, []byte(strings.Join(append(head, names...), "\n")+"\n"), 0o644)
}

// nameWord reports whether w reads as a given name: letters (a hyphen or an
// apostrophe inside), capitalized, not in capitals, two letters or more.
func nameWord(w string) bool {
	if utf8.RuneCountInString(w) < 2 || strings.ToUpper(w) == w {
		return false
	}
	for i, r := range w {
		switch {
		case i == 0 && !unicode.IsUpper(r):
			return false
		case unicode.IsLetter(r):
		case (r == '-' || r == '\'') && i > 0 && i < len(w)-1:
		default:
			return false
		}
	}
	return true
}

// readColumns reads a token-per-line file (the token first, the IOB tag last,
// a blank line between sentences).
func readColumns(path string, sentence func(toks []string, inName, starts []bool)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var toks []string
	var inName, starts []bool
	prevType := ""
	flush := func() {
		if len(toks) > 0 {
			sentence(toks, inName, starts)
		}
		toks, inName, starts, prevType = toks[:0], inName[:0], starts[:0], ""
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] == "-DOCSTART-" {
			flush()
			continue
		}
		tag := fields[len(fields)-1]
		bio, typ, _ := strings.Cut(tag, "-")
		person := isPerson(typ)
		toks = append(toks, fields[0])
		inName = append(inName, person)
		starts = append(starts, person && (bio == "B" || prevType != typ))
		prevType = typ
		if bio == "O" {
			prevType = ""
		}
	}
	flush()
	return sc.Err()
}

func isPerson(typ string) bool {
	switch strings.ToLower(typ) {
	case "per", "person", "politician", "scientist", "musicalartist", "writer", "researcher":
		return true
	}
	return false
}

// readReDocRED reads a Re-DocRED file: documents of tokenized sentences and
// the mentions of their entities.
func readReDocRED(path string, sentence func(toks []string, inName, starts []bool)) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var docs []struct {
		Sents     [][]string `json:"sents"`
		VertexSet [][]struct {
			Type   string `json:"type"`
			Pos    [2]int `json:"pos"`
			SentID int    `json:"sent_id"`
		} `json:"vertexSet"`
	}
	if err := json.Unmarshal(data, &docs); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, d := range docs {
		inName := make([][]bool, len(d.Sents))
		starts := make([][]bool, len(d.Sents))
		for s := range d.Sents {
			inName[s] = make([]bool, len(d.Sents[s]))
			starts[s] = make([]bool, len(d.Sents[s]))
		}
		for _, v := range d.VertexSet {
			for _, m := range v {
				if m.Type != "PER" || m.SentID >= len(d.Sents) || m.Pos[1] > len(d.Sents[m.SentID]) || m.Pos[0] >= m.Pos[1] {
					continue
				}
				for k := m.Pos[0]; k < m.Pos[1]; k++ {
					inName[m.SentID][k] = true
				}
				starts[m.SentID][m.Pos[0]] = true
			}
		}
		for s, toks := range d.Sents {
			sentence(toks, inName[s], starts[s])
		}
	}
	return nil
}
