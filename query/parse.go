package query

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"

	"github.com/article-archive/archive/corpus"
)

// Limits bound what one query may ask of the engine. The zero value of a field
// takes its default (DefaultLimits).
type Limits struct {
	// MaxLength is the most characters the query text may have.
	MaxLength int
	// MaxClauses is the most terms, phrases and ranges one query may hold.
	MaxClauses int
	// MaxDepth is the deepest nesting of parentheses and negations.
	MaxDepth int
	// MaxRegexpSize is the most instructions a regular expression (or a
	// wildcard) may compile to: bigger automata cost memory and time per word.
	MaxRegexpSize int
	// MaxExpanding is the most wildcards, regular expressions and fuzzy terms
	// one query may hold: each walks the archive's dictionary of words.
	MaxExpanding int
}

// DefaultLimits are the limits a zero Limits field takes.
var DefaultLimits = Limits{MaxLength: 4096, MaxClauses: 256, MaxDepth: 32, MaxRegexpSize: 1000, MaxExpanding: 32}

// maxUnboundedRepeats is the most *, + and {n,} a regular expression may hold
// once its counted repeats are written out: each can multiply the states its
// automaton steps through, and /(.*e.*){50}/ takes seconds over a dictionary
// while compiling to only 300 steps.
const maxUnboundedRepeats = 12

// MaxEdits is the most edits a fuzzy term may allow; more would match almost any
// short word.
const MaxEdits = 2

// maxSlop is the most extra words a proximity search may allow.
const maxSlop = 100

// maxBoost bounds a boost, so that one clause cannot drown all the others.
const maxBoost = 1000

func (l Limits) withDefaults() Limits {
	if l.MaxLength <= 0 {
		l.MaxLength = DefaultLimits.MaxLength
	}
	if l.MaxClauses <= 0 {
		l.MaxClauses = DefaultLimits.MaxClauses
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxRegexpSize <= 0 {
		l.MaxRegexpSize = DefaultLimits.MaxRegexpSize
	}
	if l.MaxExpanding <= 0 {
		l.MaxExpanding = DefaultLimits.MaxExpanding
	}
	return l
}

// Parse reads text in the query language (see the package comment). Words side
// by side must all match with corpus.OpAnd (and "" ) and any of them with
// corpus.OpOr. An empty text parses to All.
//
// It returns a corpus.EInvalidQuery error with the offset of the problem and a
// hint when the text does not parse, corpus.EQueryTooCostly when it is over one
// of lim's limits, and corpus.EInvalidDate for a date range it cannot read.
func Parse(text string, op corpus.Operator, lim Limits) (*Parsed, error) {
	lim = lim.withDefaults()
	if n := len(text); n > lim.MaxLength*4 || strings.Count(text, "")-1 > lim.MaxLength {
		return nil, corpus.Errorf(corpus.EQueryTooCostly,
			"the query is %d characters long, more than the %d a query may have: search for fewer words, or narrow the search with the person, outlet and date filters",
			len([]rune(text)), lim.MaxLength)
	}
	p := &parser{src: []rune(text), op: op, lim: lim}
	p.skipSpace()
	if p.eof() {
		return &Parsed{Root: &Node{Kind: All}}, nil
	}
	root, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		// or stops only at a ")" it did not open.
		return nil, corpus.QueryErrorf(p.pos, `remove it, or add the "(" it closes`,
			"the query has a %q at character %d that closes no parenthesis", string(p.src[p.pos]), p.pos+1)
	}
	return &Parsed{Root: root, Notices: p.notices, Leaves: p.leaves}, nil
}

type parser struct {
	src       []rune
	pos       int
	op        corpus.Operator
	lim       Limits
	leaves    int
	expanding int
	notices   []string
	noticed   map[string]bool
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() rune {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) skipSpace() {
	for !p.eof() && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

// keyword reports whether the operator word (AND, OR, NOT, &&, ||) starts at the
// current position and ends at a word boundary.
func (p *parser) keyword(w string) bool {
	n := len(w) // the operators are ASCII: one rune a byte
	if p.pos+n > len(p.src) {
		return false
	}
	for i := range n {
		if p.src[p.pos+i] != rune(w[i]) {
			return false
		}
	}
	if w == "&&" || w == "||" {
		return true
	}
	if p.pos+n == len(p.src) {
		return true
	}
	next := p.src[p.pos+n]
	return unicode.IsSpace(next) || next == '(' || next == '"'
}

// atBinary reports whether a binary operator starts here.
func (p *parser) atBinary() bool {
	return p.keyword("AND") || p.keyword("OR") || p.keyword("&&") || p.keyword("||")
}

func (p *parser) or(depth int) (*Node, error) {
	return p.binary(depth, Or, "OR", "||", p.and)
}

func (p *parser) and(depth int) (*Node, error) {
	return p.binary(depth, And, "AND", "&&", p.words)
}

// binary reads operands of next joined by the operator word or its symbol, as one
// node of kind k.
func (p *parser) binary(depth int, k Kind, word, symbol string, next func(int) (*Node, error)) (*Node, error) {
	start := p.pos
	first, err := next(depth)
	if err != nil {
		return nil, err
	}
	parts := []*Node{first}
	for {
		p.skipSpace()
		var w string
		switch {
		case p.keyword(word):
			w = word
		case p.keyword(symbol):
			w = symbol
		default:
			return group(k, parts, start), nil
		}
		at := p.pos
		p.pos += len(w)
		p.skipSpace()
		if p.eof() || p.peek() == ')' || p.atBinary() {
			return nil, corpus.QueryErrorf(at, fmt.Sprintf("put a term after %s, or remove it", w),
				"%s at character %d has nothing after it to combine", w, at+1)
		}
		operand, err := next(depth)
		if err != nil {
			return nil, err
		}
		parts = append(parts, operand)
	}
}

// words reads terms side by side. With OpOr, +term is required and -term (or NOT
// term) excluded from the whole group, as in Lucene: "a b -c" is (a OR b) AND NOT c.
func (p *parser) words(depth int) (*Node, error) {
	start := p.pos
	var required, optional, excluded []*Node
	for {
		p.skipSpace()
		if p.eof() || p.peek() == ')' || p.atBinary() {
			break
		}
		plus := p.peek() == '+'
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		switch {
		case n.Kind == Not:
			excluded = append(excluded, n)
		case plus:
			required = append(required, n)
		default:
			optional = append(optional, n)
		}
	}
	if len(required)+len(optional)+len(excluded) == 0 {
		if p.atBinary() {
			w := strings.Fields(string(p.src[p.pos:min(p.pos+3, len(p.src))]))[0]
			return nil, corpus.QueryErrorf(p.pos, fmt.Sprintf("put a term before %s, or remove it", w),
				"%s at character %d has nothing before it to combine", w, p.pos+1)
		}
		if p.eof() {
			return nil, corpus.QueryErrorf(p.pos, "put a term there, or remove the operator before it",
				"the query ends where a term should follow")
		}
		return nil, corpus.QueryErrorf(p.pos, `put a term inside the parentheses, or remove them`,
			"empty parentheses at character %d", p.pos+1)
	}
	if p.op == corpus.OpOr {
		parts := required
		if len(optional) > 0 {
			// With required terms beside them, optional ones only rank: they must
			// not widen the match (Lucene's SHOULD beside MUST).
			if len(required) == 0 {
				parts = append(parts, group(Or, optional, start))
			} else {
				parts = append(parts, &Node{Kind: Or, Children: optional, Offset: optional[0].Offset, Boost: rankOnly})
			}
		}
		return group(And, append(parts, excluded...), start), nil
	}
	all := append(append(required, optional...), excluded...)
	slicesSortByOffset(all)
	return group(And, all, start), nil
}

// rankOnly is the Boost of an Or node whose children only add to the score of what
// its siblings match (optional words beside +required ones with op=or). Engines
// treat it as "should" clauses; a real boost is never negative.
const rankOnly = -1

// RankOnly reports whether n is an Or whose children only rank what the rest of
// its And matches.
func (n *Node) RankOnly() bool { return n.Kind == Or && n.Boost == rankOnly }

func slicesSortByOffset(ns []*Node) {
	// Insertion sort: the groups are short and mostly in order already.
	for i := 1; i < len(ns); i++ {
		for j := i; j > 0 && ns[j].Offset < ns[j-1].Offset; j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}

// group makes an And or Or of parts, or returns the one part; nested groups of the
// same kind are flattened.
func group(k Kind, parts []*Node, offset int) *Node {
	if len(parts) == 1 {
		return parts[0]
	}
	out := &Node{Kind: k, Offset: offset}
	for _, c := range parts {
		if c.Kind == k && c.Boost == 0 {
			out.Children = append(out.Children, c.Children...)
		} else {
			out.Children = append(out.Children, c)
		}
	}
	return out
}

func (p *parser) unary(depth int) (*Node, error) {
	if depth >= p.lim.MaxDepth {
		return nil, corpus.Errorf(corpus.EQueryTooCostly,
			"the query nests parentheses and negations more than %d deep (at character %d): write it flatter", p.lim.MaxDepth, p.pos+1)
	}
	at := p.pos
	negate, require := false, false
	switch {
	case p.keyword("NOT"):
		p.pos += 3
		negate = true
	case p.peek() == '!' || p.peek() == '-':
		p.pos++
		negate = true
	case p.peek() == '+':
		p.pos++
		require = true
	}
	if negate || require {
		p.skipSpace()
		if p.eof() || p.peek() == ')' || p.atBinary() {
			sign := string(p.src[at])
			if negate && sign == "N" {
				sign = "NOT"
			}
			return nil, corpus.QueryErrorf(at, fmt.Sprintf("put a term right after %s, or remove it", sign),
				"%s at character %d has no term after it", sign, at+1)
		}
		inner, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		if require {
			return inner, nil
		}
		if inner.Kind == Not {
			return inner.Children[0], nil
		}
		return &Node{Kind: Not, Children: []*Node{inner}, Offset: at}, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (*Node, error) {
	start := p.pos
	field := FieldDefault
	if name, ok := p.fieldName(); ok {
		f, known := fieldNames[strings.ToLower(name)]
		if !known {
			return nil, corpus.QueryErrorf(start,
				fmt.Sprintf(`use title, body, person, outlet, author, published or story, or quote the text ("%s:…") to search it literally`, name),
				"%q is not a field you can search", name)
		}
		field = f
		p.pos += len([]rune(name)) + 1
		if p.eof() || unicode.IsSpace(p.peek()) {
			return nil, corpus.QueryErrorf(p.pos, fmt.Sprintf(`write the value right after the colon, as %s:"Jane Doe"`, name),
				"%s: at character %d has no value after it", name, start+1)
		}
	}
	if field == FieldPublished {
		return p.dateRange(start)
	}
	if c := p.peek(); field != FieldDefault && (c == '<' || c == '>' || c == '[' || c == '{') {
		return nil, corpus.QueryErrorf(p.pos, `only published takes a range, as published:>=2024-01-01 or published:[2024 TO 2025]; quote the value to search it as text`,
			"%s: at character %d is given a range, which only dates have", field, start+1)
	}
	var n *Node
	var err error
	switch c := p.peek(); {
	case c == '(':
		n, err = p.parenthesized(depth)
		if err == nil && field != FieldDefault {
			setField(n, field)
		}
	case c == '"' || c == '“' || c == '”':
		n, err = p.phrase(field)
	case c == '/':
		n, err = p.regexp(field)
	default:
		n, err = p.word(field)
	}
	if err != nil {
		return nil, err
	}
	n.Offset = start
	if p.peek() == '^' {
		if n.Boost, err = p.boost(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// setField applies a field written before parentheses to every leaf inside them
// that names none.
func setField(n *Node, field string) {
	n.Walk(func(c *Node) {
		switch c.Kind {
		case And, Or, Not, All:
		default:
			if c.Field == FieldDefault {
				c.Field = field
			}
		}
	})
}

// fieldName returns the field name before a colon at the current position, if the
// text there reads as one (letters, then ':').
func (p *parser) fieldName() (string, bool) {
	i := p.pos
	for i < len(p.src) && (unicode.IsLetter(p.src[i]) || p.src[i] == '_') {
		i++
	}
	if i == p.pos || i >= len(p.src) || p.src[i] != ':' {
		return "", false
	}
	return string(p.src[p.pos:i]), true
}

func (p *parser) parenthesized(depth int) (*Node, error) {
	open := p.pos
	p.pos++
	p.skipSpace()
	if p.peek() == ')' {
		return nil, corpus.QueryErrorf(open, "put terms inside the parentheses, or remove them",
			"the parentheses at character %d are empty", open+1)
	}
	n, err := p.or(depth + 1)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		return nil, corpus.QueryErrorf(open, `add the ")" that closes it`,
			"the parenthesis at character %d is never closed", open+1)
	}
	p.pos++
	return n, nil
}

// countExpanding counts a wildcard, regular expression or fuzzy term.
func (p *parser) countExpanding(at int) error {
	p.expanding++
	if p.expanding > p.lim.MaxExpanding {
		return corpus.Errorf(corpus.EQueryTooCostly,
			"the query has more than %d wildcards, regular expressions and fuzzy terms (the one at character %d is one too many): each is looked up among all the archive's words, so use fewer",
			p.lim.MaxExpanding, at+1)
	}
	return nil
}

func (p *parser) countLeaf() error {
	p.leaves++
	if p.leaves > p.lim.MaxClauses {
		return corpus.Errorf(corpus.EQueryTooCostly,
			"the query has more than %d terms and phrases: search for fewer, or narrow the search with the person, outlet and date filters", p.lim.MaxClauses)
	}
	return nil
}

func closingQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }

func (p *parser) phrase(field string) (*Node, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return nil, corpus.QueryErrorf(open, `add the closing quote, or remove this one (write \" for a quote inside a phrase)`,
				"the quote at character %d is never closed", open+1)
		}
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) {
			b.WriteRune(p.src[p.pos+1])
			p.pos += 2
			continue
		}
		p.pos++
		if closingQuote(c) {
			break
		}
		b.WriteRune(c)
	}
	if err := p.countLeaf(); err != nil {
		return nil, err
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	if text == "" {
		return nil, corpus.QueryErrorf(open, "put words between the quotes, or remove them", "the quotes at character %d hold nothing", open+1)
	}
	n := &Node{Kind: Phrase, Field: field, Text: text}
	if p.peek() == '~' {
		at := p.pos
		p.pos++
		num := p.digits()
		if num == "" {
			return nil, corpus.QueryErrorf(at, `write how many words may come between, as "budget vote"~5`,
				"~ after a phrase at character %d needs a number", at+1)
		}
		slop, err := strconv.Atoi(num)
		if err != nil || slop > maxSlop {
			return nil, corpus.QueryErrorf(at, fmt.Sprintf("allow at most %d words, as \"budget vote\"~5", maxSlop),
				"~%s at character %d allows too many words in between", num, at+1)
		}
		n.Slop = slop
	}
	return n, nil
}

func (p *parser) digits() string {
	start := p.pos
	for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
		p.pos++
	}
	return string(p.src[start:p.pos])
}

func (p *parser) boost() (float64, error) {
	at := p.pos
	p.pos++
	start := p.pos
	for !p.eof() && (p.peek() >= '0' && p.peek() <= '9' || p.peek() == '.') {
		p.pos++
	}
	s := string(p.src[start:p.pos])
	b, err := strconv.ParseFloat(s, 64)
	if err != nil || b <= 0 || b > maxBoost {
		return 0, corpus.QueryErrorf(at, fmt.Sprintf("write a number above 0 and up to %d after ^, as title:budget^3", maxBoost),
			"the boost ^%s at character %d is not a number the archive takes", s, at+1)
	}
	return b, nil
}

func (p *parser) regexp(field string) (*Node, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return nil, corpus.QueryErrorf(open, `close the regular expression with /, or write \/ to search for a slash`,
				"the regular expression at character %d is never closed", open+1)
		}
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/' {
			b.WriteRune('/')
			p.pos += 2
			continue
		}
		p.pos++
		if c == '/' {
			break
		}
		b.WriteRune(c)
	}
	if err := p.countLeaf(); err != nil {
		return nil, err
	}
	expr := b.String()
	if err := p.countExpanding(open); err != nil {
		return nil, err
	}
	if err := checkRegexp(expr, open, p.lim.MaxRegexpSize); err != nil {
		return nil, err
	}
	return &Node{Kind: Regexp, Field: field, Text: expr}, nil
}

// checkRegexp parses a regular expression and bounds the size of its automaton.
func checkRegexp(expr string, offset, maxSize int) error {
	if expr == "" {
		return corpus.QueryErrorf(offset, "write a pattern between the slashes, as /colou?r/", "the regular expression at character %d is empty", offset+1)
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return corpus.QueryErrorf(offset, "check the pattern between the slashes (Go's RE2 syntax: no look-arounds or back-references)",
			"the regular expression at character %d does not parse: %s", offset+1, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	simple := re.Simplify()
	prog, err := syntax.Compile(simple)
	if err != nil || len(prog.Inst) > maxSize {
		return corpus.Errorf(corpus.EQueryTooCostly,
			"the regular expression at character %d is too large to run (more than %d steps): use fewer repetitions such as {0,1000} and fewer alternatives", offset+1, maxSize)
	}
	if n := unboundedRepeats(simple); n > maxUnboundedRepeats {
		return corpus.Errorf(corpus.EQueryTooCostly,
			"the regular expression at character %d repeats without bound %d times (each .* and + counts, and {50} repeats what it follows 50 times): use at most %d", offset+1, n, maxUnboundedRepeats)
	}
	if hasAssertion(re) {
		return corpus.QueryErrorf(offset, "leave out ^, $ and \\b: the pattern always matches whole words",
			"the regular expression at character %d uses an anchor or word boundary", offset+1)
	}
	return nil
}

func unboundedRepeats(re *syntax.Regexp) int {
	n := 0
	if re.Op == syntax.OpStar || re.Op == syntax.OpPlus || (re.Op == syntax.OpRepeat && re.Max < 0) {
		n++
	}
	for _, s := range re.Sub {
		n += unboundedRepeats(s)
	}
	return n
}

func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range re.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
}

// wordEnd reports whether r ends a word.
func wordEnd(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' || r == '“' || r == '”' || r == '^' || r == '~'
}

func (p *parser) word(field string) (*Node, error) {
	start := p.pos
	var b strings.Builder
	wild := false
	for !p.eof() && !wordEnd(p.peek()) {
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) {
			b.WriteRune(p.src[p.pos+1])
			p.pos += 2
			continue
		}
		if c == '*' || c == '?' {
			wild = true
			// A wildcard keeps its marks; escaped ones above are literal. Wildcard
			// patterns mark literal * and ? no other way.
		}
		b.WriteRune(c)
		p.pos++
	}
	text := b.String()
	if text == "" {
		c := p.peek()
		return nil, corpus.QueryErrorf(start, `put a term before it, or write \`+string(c)+` to search for the character`,
			"%q at character %d does not follow a term", string(c), start+1)
	}
	if err := p.countLeaf(); err != nil {
		return nil, err
	}
	if field == FieldDefault {
		p.noticeOperatorWord(text)
	}
	if wild {
		if strings.Trim(text, "*") == "" {
			return &Node{Kind: All}, nil
		}
		if err := p.countExpanding(start); err != nil {
			return nil, err
		}
		if err := checkRegexp(WildcardRegexp(text), start, p.lim.MaxRegexpSize); err != nil {
			return nil, err
		}
		return &Node{Kind: Wildcard, Field: field, Text: text}, nil
	}
	if p.peek() == '~' {
		at := p.pos
		p.pos++
		edits := 1
		if num := p.digits(); num != "" {
			n, err := strconv.Atoi(num)
			if err != nil || n > MaxEdits {
				return nil, corpus.Errorf(corpus.EQueryTooCostly,
					"%s~%s at character %d allows more than %d edits, which would match almost any word: use %s~1 or %s~2", text, num, at+1, MaxEdits, text, text)
			}
			edits = n
		}
		if p.peek() == '.' {
			return nil, corpus.QueryErrorf(at, fmt.Sprintf("write the number of edits, 1 or 2, as %s~1", text),
				"~ at character %d takes a whole number of edits", at+1)
		}
		if edits == 0 {
			return &Node{Kind: Term, Field: field, Text: text}, nil
		}
		if err := p.countExpanding(start); err != nil {
			return nil, err
		}
		return &Node{Kind: Fuzzy, Field: field, Text: text, Edits: edits}, nil
	}
	return &Node{Kind: Term, Field: field, Text: text}, nil
}

// noticeOperatorWord notes a lower-case and, or or not, which the archive searches
// as a word.
func (p *parser) noticeOperatorWord(w string) {
	var msg string
	switch w {
	case "and", "or", "not":
		msg = fmt.Sprintf("%q is searched as a word: write %s in capitals to use it as an operator", w, strings.ToUpper(w))
	default:
		return
	}
	if p.noticed[w] {
		return
	}
	if p.noticed == nil {
		p.noticed = map[string]bool{}
	}
	p.noticed[w] = true
	p.notices = append(p.notices, msg)
}

// WildcardRegexp is the regular expression a wildcard pattern stands for: * any
// run of characters, ? one character, everything else literal.
func WildcardRegexp(pattern string) string {
	var b strings.Builder
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}
