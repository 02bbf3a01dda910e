package query

import (
	"fmt"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// dateRange reads the value of published: a range [a TO b] (inclusive; { }
// exclusive; * open), a comparison >=a, >a, <=a, <a, or one date, which stands for
// all of its year, month or day.
func (p *parser) dateRange(start int) (*Node, error) {
	if err := p.countLeaf(); err != nil {
		return nil, err
	}
	n := &Node{Kind: DateRange, Field: FieldPublished, Offset: start}
	var err error
	switch c := p.peek(); {
	case c == '[' || c == '{':
		err = p.bracketRange(n)
	case c == '>' || c == '<':
		p.pos++
		orEqual := p.peek() == '='
		if orEqual {
			p.pos++
		}
		at := p.pos
		v := p.dateValue()
		switch {
		case c == '>' && orEqual:
			n.From, err = p.date(v, at, false)
		case c == '>':
			n.From, err = p.date(v, at, true)
		case orEqual:
			n.To, err = p.date(v, at, true)
		default:
			n.To, err = p.date(v, at, false)
		}
	default:
		at := p.pos
		v := p.dateValue()
		if n.From, err = p.date(v, at, false); err == nil {
			n.To, err = p.date(v, at, true)
		}
	}
	if err != nil {
		return nil, err
	}
	if !n.From.IsZero() && !n.To.IsZero() && !n.From.Before(n.To) {
		return nil, corpus.Errorf(corpus.EInvalidDate, "the date range at character %d is empty: its start must come before its end", start+1)
	}
	return n, nil
}

func (p *parser) bracketRange(n *Node) error {
	open := p.pos
	inclusiveFrom := p.peek() == '['
	p.pos++
	p.skipSpace()
	fromAt := p.pos
	from := p.dateValue()
	p.skipSpace()
	if !p.keyword("TO") {
		return corpus.QueryErrorf(p.pos, `write the range as published:[2024-01-01 TO 2024-06-30] (TO in capitals; * leaves an end open)`,
			"the date range at character %d needs TO between its two dates", open+1)
	}
	p.pos += 2
	p.skipSpace()
	toAt := p.pos
	to := p.dateValue()
	p.skipSpace()
	if c := p.peek(); c != ']' && c != '}' {
		return corpus.QueryErrorf(open, `close the range with ] (inclusive) or } (exclusive)`,
			"the date range at character %d is never closed", open+1)
	}
	inclusiveTo := p.peek() == ']'
	p.pos++
	var err error
	if from != "*" {
		if n.From, err = p.date(from, fromAt, !inclusiveFrom); err != nil {
			return err
		}
	}
	if to != "*" {
		if n.To, err = p.date(to, toAt, inclusiveTo); err != nil {
			return err
		}
	}
	return nil
}

// dateValue reads one date as written: quoted, or up to a space, bracket or
// parenthesis.
func (p *parser) dateValue() string {
	if closingQuote(p.peek()) {
		start := p.pos + 1
		p.pos++
		for !p.eof() && !closingQuote(p.peek()) {
			p.pos++
		}
		v := string(p.src[start:p.pos])
		if !p.eof() {
			p.pos++
		}
		return strings.TrimSpace(v)
	}
	start := p.pos
	for !p.eof() {
		c := p.peek()
		if c == ' ' || c == '\t' || c == '\n' || c == ']' || c == '}' || c == ')' || c == '(' {
			break
		}
		p.pos++
	}
	return string(p.src[start:p.pos])
}

// date reads v as a date: its start, or with end its end (the start of the next
// year, month or day for a date written without a time).
func (p *parser) date(v string, at int, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, corpus.QueryErrorf(at, "write a date such as 2024, 2024-11 or 2024-11-05",
			"a date is missing at character %d", at+1)
	}
	field := fmt.Sprintf("published (at character %d)", at+1)
	var t time.Time
	var err error
	if end {
		t, err = corpus.ParseDateEnd(field, v)
	} else {
		t, err = corpus.ParseDate(field, v)
	}
	if err != nil {
		return t, err
	}
	return t, corpus.CheckDate(fmt.Sprintf("published:%s (at character %d)", v, at+1), t)
}
