// Package query is the archive's query language: it parses what a user types in the
// search box (or q= of the API, the CLI and exports) once, in time linear in its
// length, into an engine-neutral tree. Validation, cost limits and the default
// operator work on that tree; each engine compiles it to its own query (package
// index builds Bleve's query objects from it).
//
// The grammar, loosest binding first:
//
//	query    = or
//	or       = and { ("OR" | "||") and }
//	and      = words { ("AND" | "&&") words }
//	words    = unary { unary }          side by side: all of them, or any with op=or
//	unary    = ("NOT" | "!" | "-" | "+") unary | primary
//	primary  = [field ":"] value [ "^" boost ]
//	value    = "(" or ")" | '"' phrase '"' [ "~" slop ] | "/" regexp "/"
//	         | word [ "~" [edits] ] | range       (published: only)
//	range    = ("[" | "{") date "TO" date ("]" | "}") | (">" | ">=" | "<" | "<=") date | date
//
// AND, OR and NOT are operators only in capitals; in lower case they are words,
// and Parse says so in its notices.
package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of a Node.
type Kind uint8

// The kinds of node.
const (
	// All matches every article (a query of * alone, or only negations).
	All Kind = iota
	// And matches what every child matches.
	And
	// Or matches what any child matches; more matching children rank higher.
	Or
	// Not matches what its one child does not.
	Not
	// Term is one word (which the engine may still split into tokens).
	Term
	// Phrase is words in order, next to each other, or within Slop extra words
	// of each other in any order.
	Phrase
	// Wildcard is a word with * (any run of characters) or ? (one character).
	Wildcard
	// Regexp is a regular expression a whole word must match.
	Regexp
	// Fuzzy is a word with up to Edits letters changed, added or removed.
	Fuzzy
	// DateRange bounds the published date: [From, To), a zero end open.
	DateRange
)

var kindNames = [...]string{All: "all", And: "and", Or: "or", Not: "not", Term: "term", Phrase: "phrase",
	Wildcard: "wildcard", Regexp: "regexp", Fuzzy: "fuzzy", DateRange: "date range"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Fields a query may name, as field:value. The empty field searches the title and
// the body.
const (
	FieldDefault   = ""
	FieldTitle     = "title"
	FieldBody      = "body"
	FieldPerson    = "person"
	FieldOutlet    = "outlet"
	FieldAuthor    = "author"
	FieldPublished = "published"
	FieldStory     = "story"
)

// fieldNames maps what a user may write before the colon to a field.
var fieldNames = map[string]string{
	"title":     FieldTitle,
	"body":      FieldBody,
	"text":      FieldBody,
	"person":    FieldPerson,
	"persons":   FieldPerson,
	"outlet":    FieldOutlet,
	"author":    FieldAuthor,
	"authors":   FieldAuthor,
	"published": FieldPublished,
	"date":      FieldPublished,
	"story":     FieldStory,
}

// Node is one part of a parsed query.
type Node struct {
	Kind Kind
	// Field is the field a leaf searches; FieldDefault is the title and the body.
	Field string
	// Text is the word, the phrase's words, the wildcard pattern or the regular
	// expression, without quotes, slashes or escapes.
	Text string
	// Slop is how many extra words a Phrase allows between and around its words
	// (0: the exact phrase).
	Slop int
	// Edits is how many a Fuzzy term allows (1 or 2).
	Edits int
	// Boost multiplies the node's score; 0 means none (1).
	Boost float64
	// From and To bound a DateRange: From inclusive, To exclusive, zero open.
	From, To time.Time
	// Children are the parts of And and Or (two or more) and of Not (one).
	Children []*Node
	// Offset is where the node starts in the query text, in characters (runes).
	Offset int
}

// Expands tells whether the engine must look the node up in its term dictionary
// to know which words it stands for (wildcards, regular expressions, fuzzy terms):
// those are the costly leaves.
func (n *Node) Expands() bool {
	return n.Kind == Wildcard || n.Kind == Regexp || n.Kind == Fuzzy
}

// Walk calls fn for n and every node below it, parents first.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for _, c := range n.Children {
		c.Walk(fn)
	}
}

// Parsed is a parsed query with what a user should know about how it was read.
type Parsed struct {
	Root *Node
	// Notices say how the query was read where a user may not expect it, such as
	// a lower-case "or" searched as a word.
	Notices []string
	// Leaves counts the terms, phrases and ranges of the query.
	Leaves int
}

// String writes n in a compact, unambiguous form for tests and logs:
// (and a (or b c) (not d)), title:"a b"~2, body:/re/, harbour~1, published:[from,to).
func (n *Node) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *Node) write(b *strings.Builder) {
	switch n.Kind {
	case All:
		b.WriteString("*:*")
	case And, Or, Not:
		b.WriteString("(" + n.Kind.String())
		if n.RankOnly() {
			b.WriteString("-rank")
		}
		for _, c := range n.Children {
			b.WriteByte(' ')
			c.write(b)
		}
		b.WriteByte(')')
	default:
		if n.Field != FieldDefault {
			b.WriteString(n.Field + ":")
		}
		switch n.Kind {
		case Phrase:
			b.WriteString(strconv.Quote(n.Text))
			if n.Slop > 0 {
				fmt.Fprintf(b, "~%d", n.Slop)
			}
		case Regexp:
			b.WriteString("/" + n.Text + "/")
		case Fuzzy:
			fmt.Fprintf(b, "%s~%d", n.Text, n.Edits)
		case DateRange:
			b.WriteString("[" + dateString(n.From) + "," + dateString(n.To) + ")")
		default:
			b.WriteString(n.Text)
		}
	}
	if n.Boost > 0 {
		fmt.Fprintf(b, "^%g", n.Boost)
	}
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return "*"
	}
	return t.Format(time.DateOnly)
}
