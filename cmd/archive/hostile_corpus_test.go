package main

// A synthetic English news corpus for the hostile-query test. It is made here,
// deterministically, so that the test needs nothing from ../shared, and it is
// shaped like a real archive where cost matters: Reuters-21578 holds about 47,000
// distinct words in 21,578 articles of 800 characters on average, half of them
// with an "e" in them, so that *e* or a fuzzy term expands to thousands of terms.
// Here a few hundred common news words form the frequent head; the long tail is
// real stems with English prefixes and suffixes (re-export-ing), invented place
// and company names, and numbers; words are drawn with Zipf's law, as in text.
// 20,000 articles come out at 850 characters on average, with 44,000 distinct
// words, 33,000 of them with an "e".

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/internal/bench"
)

// newsHead are frequent words of news English, most frequent first (stop words
// included: the analyzer drops them, as it does in real text).
const newsHead = `the of to in and said a for on it is that from by its will be at with was
year as he has would which have not pct were but are this also an government new market
company last first two had percent million billion up after they other more been price
prices trade rate rates month week week's week-end bank banks oil share shares sales
profit loss net quarter record officials official minister president talks agreement
state states country countries foreign economic economy growth policy interest dollar
dollars exchange stock stocks index tax taxes budget deficit debt loans loan credit
export exports import imports production output industry industrial workers union
strike wage wages jobs unemployment inflation central reserve federal national public
private capital investment investors fund funds bonds bond yield yields issue offer
offering board chairman chief executive director spokesman spokeswoman group unit
subsidiary merger acquisition deal bid takeover court judge ruling law laws bill vote
voters election elections party parliament congress senate house committee council
city region regional province local police security military army forces war peace
crisis conflict attack attacks killed people children families health hospital
hospitals doctors patients school schools students university research science data
report reports study survey figures analysts analyst expected expects forecast
estimate estimates higher lower rose fell rise fall increase decrease gain gains
drop dropped climbed declined steady strong weak sharp modest early late end since
before during while because however although despite against between among under
over about around into through across told says saying added according asked
announced plans plan planned proposal proposed support opposed opposition leader
leaders prime secretary general director minister's ministry department agency
authorities authority commission regulators regulation rules energy gas coal power
electricity water food farm farmers crop crops harvest wheat corn grain sugar coffee
cocoa cotton gold silver copper steel iron metals shipping port ports ship ships
airline airlines airport flights car cars auto automakers factory factories plant
plants technology software internet online digital phone network networks media
television newspaper press freedom rights human women men family church religious
community residents village town capital border borders refugees migrants
immigration visa aid donors relief disaster flood floods storm hurricane earthquake
fire fires drought climate weather temperatures emissions environmental pollution
river coast island islands mountain north south east west northern southern eastern
western central world international global europe european asia asian africa african
america american latin middle pacific atlantic gulf sea ocean trial sentence prison
arrested charges charged investigation inquiry evidence witness lawyer lawyers
defence defense prosecutor prosecutors case cases victims crime crimes fraud
corruption scandal resigned resignation appointed replace successor former current
future past today yesterday tomorrow monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october
november december season team teams match game games player players coach club cup
league title final win won lost victory defeat goal goals points championship
olympic athletes festival music film films art museum book books author writer
theatre concert culture history historic anniversary celebration ceremony visit
visited meeting meetings summit conference talks negotiations treaty alliance
partners partnership cooperation sanctions embargo tariffs quota quotas surplus
shortfall reform reforms privatisation contract contracts tender project projects
infrastructure roads railway rail bridge housing homes construction property rents
consumers consumer retail retailers demand supply shortage shortages costs cost
spending cuts savings pension pensions insurance insurer banking lenders mortgage`

// newsStems are word stems the tail is derived from.
const newsStems = `export import trade price bank market vote build report govern elect tax fund
invest produce consume employ develop regulate inflate negotiate sanction protest
charge manage operate transport supply contract borrow lend settle merge acquire
announce forecast estimate increase reduce expand recover decline collapse rescue
finance insure mortgage refine drill mine ship load store sell buy lease rent
profit value price audit account bill deposit withdraw transfer exchange convert
float peg devalue reform privatise nationalise subsidise tariff quote license
patent design engineer test approve reject appeal sentence arrest charge indict
testify investigate prosecute defend attack bomb invade occupy liberate withdraw
deploy station patrol guard protect secure threaten warn demand urge press lobby
campaign canvass poll count recount ballot nominate appoint resign retire hire
fire dismiss promote demote train educate teach study research publish print
broadcast stream record film photograph paint sculpt compose perform stage
celebrate mourn honour commemorate visit tour host welcome greet meet discuss
debate argue agree disagree sign ratify amend repeal enact enforce comply violate
flood burn freeze heat cool warm dry irrigate plant harvest grow farm fish hunt
clear cut log pave construct demolish renovate restore preserve conserve pollute
clean recycle waste burn emit measure weigh calculate compute program code hack
encrypt connect network link route broadcast transmit deliver post mail package
label brand market advertise promote sponsor donate grant award prize rank rate
score grade judge review edit translate interpret signal broker dealer trader`

var (
	newsPrefixes = []string{"", "re", "un", "over", "pre", "co", "non", "counter", "inter", "out", "mis"}
	newsSuffixes = []string{"", "s", "ed", "ing", "er", "ers", "ment", "ation", "able", "ive", "al", "ance", "ist", "ism"}

	onsets = []string{"b", "br", "c", "ch", "d", "dr", "f", "fl", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "z", "", ""}
	vowels = []string{"a", "e", "i", "o", "u", "ai", "ea", "ou", "ie", "y"}
	codas  = []string{"", "", "n", "r", "l", "s", "th", "nd", "rk", "x", "m", "st"}
	places = []string{"ia", "ton", "burg", "ville", "stad", "ora", "an", "ford", "field", "mouth", "port", "haven", ""}

	newsFirst = strings.Fields(`James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna
Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald
Rebecca Edward Sharon Jason Laura Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas
Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon
Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Frank Carolyn Patrick
Janet Raymond Catherine Jack Maria Dennis Heather Jerry Diane Tyler Ruth Aaron Julie Jose Olivia
Adam Joyce Nathan Virginia Henry Victoria Douglas Kelly Zachary Lauren Peter Christina Kyle Joan
Ahmed Fatima Mohammed Aisha Hiroshi Yuki Wei Mei Carlos Lucia Pierre Claire Hans Ingrid Ivan Olga`)
	newsLast = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez
Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell
Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander
Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis
Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald
Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford
Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks
Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice
Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn
Okafor Mensah Tanaka Suzuki Yamamoto Wang Zhang Liu Novak Kowalski Nielsen Jansen Rossi Ferrari
Dubois Moreau Schneider Fischer Weber Petrov Ivanova Kaya Yilmaz Haddad Rahman Hussain Khan`)
	newsRoles = []string{
		"the finance minister", "the foreign minister", "a government spokesman", "the central bank governor",
		"chief executive of %s Holdings", "an analyst at %s Securities", "the mayor of %s", "a senior official in %s",
		"chairman of the %s Corporation", "a lawyer for the families", "the opposition leader", "president of the %s Chamber of Commerce",
		"a researcher at the University of %s", "the police chief in %s", "head of the %s trade union", "the energy minister",
	}
	weekdays = []string{"on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday", "last week", "this week", "earlier this month", "on Thursday evening"}
)

// hostileMarker is the word of the cheap search: it is in one article of every
// hostileMarkerEvery, and nowhere else.
const (
	hostileMarker      = "lighthouse"
	hostileMarkerEvery = 400
)

// newsCorpus describes the corpus writeNewsCorpus wrote, for building queries.
type newsCorpus struct {
	Articles int
	Bytes    int64
	// Words are the distinct lower-case words the text is drawn from, head first.
	Words []string
	// MarkerArticles is how many articles hold hostileMarker.
	MarkerArticles int
}

// newsGen draws the words, names and numbers of articles.
type newsGen struct {
	rng     *rand.Rand
	words   []string  // the vocabulary, by rank
	cum     []float64 // Zipf cumulative weights of words
	places  []string  // invented place names, capitalized
	persons []string  // "First Last", by popularity
	pcum    []float64
}

func newNewsGen(seed uint64) *newsGen {
	g := &newsGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	seen := map[string]bool{hostileMarker: true}
	add := func(list *[]string, w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			*list = append(*list, w)
		}
	}
	var head, tail []string
	for _, w := range strings.Fields(newsHead) {
		add(&head, w)
	}
	for _, stem := range strings.Fields(newsStems) {
		for _, p := range newsPrefixes {
			for _, s := range newsSuffixes {
				add(&tail, derive(p, stem, s))
			}
		}
	}
	for len(g.places) < 4000 {
		w := g.syllables(2+g.rng.IntN(2)) + places[g.rng.IntN(len(places))]
		if len(w) >= 4 && !seen[w] {
			seen[w] = true
			g.places = append(g.places, strings.ToUpper(w[:1])+w[1:])
			tail = append(tail, w)
		}
	}
	g.rng.Shuffle(len(tail), func(i, j int) { tail[i], tail[j] = tail[j], tail[i] })
	g.words = append(head, tail...)
	g.cum = zipf(len(g.words), 1.1, 2.7)

	names := map[string]bool{}
	for len(g.persons) < 2500 {
		n := newsFirst[g.rng.IntN(len(newsFirst))] + " " + newsLast[g.rng.IntN(len(newsLast))]
		if !names[n] {
			names[n] = true
			g.persons = append(g.persons, n)
		}
	}
	g.pcum = zipf(len(g.persons), 0.9, 5)
	return g
}

// derive joins a prefix, a stem and a suffix as English spells them often enough:
// "price"+"ing" is "pricing".
func derive(prefix, stem, suffix string) string {
	if suffix != "" && strings.HasSuffix(stem, "e") && strings.ContainsAny(suffix[:1], "aeiouy") {
		stem = stem[:len(stem)-1]
	}
	return prefix + stem + suffix
}

// zipf returns the cumulative weights of n ranks under Zipf-Mandelbrot: rank r
// weighs 1/(r+q)^s.
func zipf(n int, s, q float64) []float64 {
	cum := make([]float64, n)
	total := 0.0
	for r := range n {
		total += 1 / math.Pow(float64(r+1)+q, s)
		cum[r] = total
	}
	return cum
}

func (g *newsGen) pick(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	return min(sort.SearchFloat64s(cum, x), len(cum)-1)
}

func (g *newsGen) word() string   { return g.words[g.pick(g.cum)] }
func (g *newsGen) person() string { return g.persons[g.pick(g.pcum)] }
func (g *newsGen) place() string  { return g.places[g.rng.IntN(len(g.places))] }

func (g *newsGen) syllables(n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(onsets[g.rng.IntN(len(onsets))])
		b.WriteString(vowels[g.rng.IntN(len(vowels))])
		b.WriteString(codas[g.rng.IntN(len(codas))])
	}
	return b.String()
}

// phrase returns n words drawn from the vocabulary, space-separated.
func (g *newsGen) phrase(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.word()
	}
	return strings.Join(w, " ")
}

func (g *newsGen) amount() string {
	switch g.rng.IntN(4) {
	case 0:
		return fmt.Sprintf("%d.%d billion dollars", 1+g.rng.IntN(90), g.rng.IntN(10))
	case 1:
		return fmt.Sprintf("%d,%03d tonnes", 1+g.rng.IntN(900), g.rng.IntN(1000))
	case 2:
		return fmt.Sprintf("%d.%d percent", g.rng.IntN(30), g.rng.IntN(10))
	default:
		return fmt.Sprintf("%d million euros", 1+g.rng.IntN(5000))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sentence returns one sentence of news text.
func (g *newsGen) sentence(year int) string {
	switch g.rng.IntN(7) {
	case 0:
		role := newsRoles[g.rng.IntN(len(newsRoles))]
		if strings.Contains(role, "%s") {
			role = fmt.Sprintf(role, g.place())
		}
		return fmt.Sprintf("%s, %s, said %s that the %s.", g.person(), role, weekdays[g.rng.IntN(len(weekdays))], g.phrase(6+g.rng.IntN(8)))
	case 1:
		surname := strings.Fields(g.person())[1]
		return fmt.Sprintf("%s, %s said.", capitalize(g.phrase(7+g.rng.IntN(8))), surname)
	case 2:
		return fmt.Sprintf("%s in %s %s.", capitalize(g.phrase(6+g.rng.IntN(8))), g.place(), weekdays[g.rng.IntN(len(weekdays))])
	case 3:
		return fmt.Sprintf("%s Holdings reported %s in %s for %d, against %s a year earlier.", g.place(), g.amount(), g.word(), year-1, g.amount())
	case 4:
		return fmt.Sprintf("\"The %s,\" %s told reporters in %s.", g.phrase(5+g.rng.IntN(7)), g.person(), g.place())
	default:
		return capitalize(g.phrase(8+g.rng.IntN(12))) + "."
	}
}

// newsArticle is one line of the corpus, in field names ingest reads.
type newsArticle struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Outlet    string `json:"outlet"`
	Published string `json:"published"`
	Author    string `json:"author"`
	Title     string `json:"title"`
	Body      string `json:"body"`
}

// writeNewsCorpus writes n articles as JSON Lines to path: the same n always
// gives the same file.
func writeNewsCorpus(path string, n int) (newsCorpus, error) {
	g := newNewsGen(20260612)
	c := newsCorpus{Articles: n, Words: slices.Clone(g.words)}
	f, err := os.Create(path)
	if err != nil {
		return c, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	first := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Sub(first).Minutes())
	var body strings.Builder
	for i := range n {
		published := first.Add(time.Duration(g.rng.IntN(span)) * time.Minute)
		outlet := bench.Outlets[g.rng.IntN(len(bench.Outlets))]
		body.Reset()
		for p := range 2 + g.rng.IntN(4) {
			if p > 0 {
				body.WriteString("\n\n")
			}
			for s := range 1 + g.rng.IntN(3) {
				if s > 0 {
					body.WriteByte(' ')
				}
				body.WriteString(g.sentence(published.Year()))
			}
		}
		if i%hostileMarkerEvery == 0 {
			fmt.Fprintf(&body, "\n\nThe old %s at %s was lit again for the first time since %d.", hostileMarker, g.place(), published.Year()-g.rng.IntN(40)-1)
			c.MarkerArticles++
		}
		title := capitalize(g.phrase(3+g.rng.IntN(4))) + " in " + g.place()
		slug := strings.ReplaceAll(strings.ToLower(title), " ", "-")
		a := newsArticle{
			ID:        fmt.Sprintf("news-%05d", i),
			URL:       fmt.Sprintf("https://news.example/%s/%s-%d", published.Format("2006/01/02"), slug, i),
			Outlet:    outlet,
			Published: published.Format(time.RFC3339),
			Author:    g.person(),
			Title:     title,
			Body:      body.String(),
		}
		c.Bytes += int64(len(a.Title) + len(a.Body))
		if err := enc.Encode(a); err != nil {
			f.Close()
			return c, err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return c, err
	}
	return c, f.Close()
}

// TestNewsCorpusIsDeterministic writes a small corpus twice: the same bytes, so
// that a hostile-test failure can be reproduced on the same archive.
func TestNewsCorpusIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		path := filepath.Join(dir, fmt.Sprintf("news-%d.jsonl", i))
		c, err := writeNewsCorpus(path, 2*hostileMarkerEvery)
		if err != nil {
			t.Fatal(err)
		}
		if c.MarkerArticles != 2 || c.Articles != 2*hostileMarkerEvery {
			t.Errorf("%d articles, %d with the marker; want %d and 2", c.Articles, c.MarkerArticles, 2*hostileMarkerEvery)
		}
		if files[i], err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Errorf("two corpora of the same size differ")
	}
	if n := bytes.Count(files[0], []byte(hostileMarker)); n != 2 {
		t.Errorf("the marker %q is written %d times, want 2", hostileMarker, n)
	}
}
