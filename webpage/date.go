package webpage

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/araddon/dateparse"
)

// urlDateRE finds /2020/05/21/ in a URL's path, and 2020-05-21 or 20200521 as
// a path segment or a part of one ("/story-20200113", "/2020-05-21_title").
var urlDateRE = regexp.MustCompile(`/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:[/.-]|$)|[/_-]((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/._-]|$)|[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/._-]|$)`)

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// makeDate returns the date at midnight UTC, or the zero time when the parts do not
// make a real calendar date (February 30 is not normalized into March). Package
// extract has its twin for datelines.
func makeDate(year string, month time.Month, day string) time.Time {
	y, err1 := strconv.Atoi(year)
	d, err2 := strconv.Atoi(day)
	if err1 != nil || err2 != nil || month < 1 || month > 12 || d < 1 || d > 31 || y < 1800 || y > 2200 {
		return time.Time{}
	}
	t := time.Date(y, month, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}
	}
	return t
}

// urlDate returns a date written in a URL's path, or the zero time.
func urlDate(rawURL string) time.Time {
	path := rawURL
	if i := strings.Index(path, "://"); i >= 0 {
		path = path[i+3:]
	}
	if i := strings.IndexByte(path, '/'); i >= 0 {
		path = path[i:]
	} else {
		return time.Time{}
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	// The first part that is a real date counts: an article number such as
	// "-20191234" is not one.
	for _, m := range urlDateRE.FindAllStringSubmatch(path, 4) {
		y, mo, d := firstNonEmpty(m[1], m[4], m[7]), firstNonEmpty(m[2], m[5], m[8]), firstNonEmpty(m[3], m[6], m[9])
		n, _ := strconv.Atoi(mo)
		if t := makeDate(y, time.Month(n), d); !t.IsZero() && !t.After(time.Now().AddDate(0, 0, 2)) {
			return t
		}
	}
	return time.Time{}
}

// isRevisionURL reports whether rawURL addresses one revision of a wiki page, as
// MediaWiki's history and recent-changes feeds link to them
// (index.php?title=X&diff=591343&oldid=588001). Such a page is that revision,
// published when it was saved, not when the wiki page was first created.
func isRevisionURL(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	d := u.Query().Get("diff")
	return d != "" && strings.Trim(d, "0123456789") == ""
}

// metaDateLayouts are the forms publishers write in <meta> tags and JSON-LD, tried
// before the general parser because they are unambiguous.
var metaDateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.000Z0700",
	"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00",
	"2006-01-02", time.RFC1123Z, time.RFC1123, "January 2, 2006", "Jan 2, 2006", "2006/01/02",
}

// parseMetaDate parses a date from a <meta> tag or JSON-LD; it returns the zero time
// for an empty or unparseable value, or one too far in the future to be real.
func parseMetaDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}
	}
	var t time.Time
	for _, layout := range metaDateLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t = v
			break
		}
	}
	if t.IsZero() {
		v, err := parseAnyDate(s)
		if err != nil {
			return time.Time{}
		}
		t = v
	}
	if t.Year() < 1800 || t.After(time.Now().AddDate(0, 0, 2)) {
		return time.Time{}
	}
	return t
}

// parseAnyDate guards the general date parser, which panics on some malformed
// input, so that a hostile page can never crash ingestion.
func parseAnyDate(s string) (t time.Time, err error) {
	defer func() {
		if recover() != nil {
			t, err = time.Time{}, strconv.ErrSyntax
		}
	}()
	return dateparse.ParseIn(s, time.UTC)
}

// Dates as a page shows them under its headline, in the notations of the languages
// most news is written in. Each expression runs on one short line of a page, never
// on a story's text.
var (
	// ymdRE: 2020-04-17, 2020/04/17, 2020.04.17, 2020年4月17日, 2020년 4월 17일.
	ymdRE = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d{2})\s*(?:[-/.年]|년)\s*(\d{1,2})\s*(?:[-/.月]|월)\s*(\d{1,2})(?:$|[^\d])`)
	// dmyRE: 17.04.2020, and 17/04/2020 or 04/17/2020 when only one reading is a date.
	dmyRE = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})([./-])(\d{1,2})[./-]((?:19|20)\d{2})(?:$|[^\d])`)
	// dayMonthRE: 17 April 2020, 17. April 2020, 17 de abril de 2020, 17 d'abril de
	// 2020, and a month named in two calendars: 24 نيسان / أبريل 2020.
	dayMonthRE = regexp.MustCompile(`(?:^|[^\p{L}\d])(\d{1,2})\.?\s+(?:de\s+|d['’])?(\p{L}+(?:\s+\p{L}+)?)\.?(?:\s*/\s*\p{L}+(?:\s+\p{L}+)?)?,?\s+(?:del?\s+)?((?:19|20)\d{2})(?:$|[^\d])`)
	// monthDayRE: April 17, 2020; Apr. 17th 2020.
	monthDayRE = regexp.MustCompile(`(?:^|[^\p{L}\d])(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?:$|[^\d])`)
)

// monthNameLists holds the names and abbreviations of each month, lower case and
// with the Arabic alef unmarked: English, French, German, Spanish, Portuguese,
// Italian, Catalan, Dutch, the Scandinavian languages, Indonesian and Malay,
// Romanian, Turkish, Polish, Czech, Russian and Ukrainian (the nominative, and the
// genitive that dates use), Greek (genitive), and the three sets of Arabic names
// for the Gregorian months (Egyptian, Levantine, Maghrebi). A word two languages
// spell alike names the same month in both (TestMonthNames checks it); a name
// that is ambiguous alone (Arabic كانون, تشرين) is listed only with the word that
// settles it, joined by "_".
var monthNameLists = [12]string{
	"january jan janvier janv januar jänner enero ene janeiro gennaio gen gener januari ianuarie ocak stycznia styczeń ledna января январь січня січень ιανουαρίου يناير جانفي كانون_الثاني",
	"february feb février fevrier févr fevr februar febrero fevereiro fev febbraio febrer februari februarie şubat subat lutego luty února февраля февраль лютого лютий φεβρουαρίου فبراير فيفري شباط",
	"march mar mars märz maerz mär marzo março marco març maart mrt marts maret mac martie mart marca marzec března марта март березня березень μαρτίου مارس اذار",
	"april apr avril avr abril abr aprile aprilie nisan kwietnia kwiecień dubna апреля апрель квітня квітень απριλίου ابريل افريل نيسان",
	"may mai mayo maio maggio mag maig mei maj mayıs mayis maja května мая май травня травень μαΐου مايو ماي ايار",
	"june jun juin juni junio junho giugno giu juny iunie haziran czerwca czerwiec června июня июнь червня червень ιουνίου يونيو يونيه جوان حزيران",
	"july jul juillet juil juli julio julho luglio lug juliol iulie temmuz lipca lipiec července июля июль липня липень ιουλίου يوليو يوليه جويلية تموز",
	"august aug août aout agosto ago agost augustus augusti agustus agu ogos ağustos agustos sierpnia sierpień srpna августа август серпня серпень αυγούστου اغسطس اوت اب",
	"september sep sept septembre septiembre setiembre setembro set settembre setembre septembrie eylül eylul września wrzesień září сентября сентябрь вересня вересень σεπτεμβρίου سبتمبر ايلول",
	"october oct octobre oktober okt octubre outubro out ottobre ott octombrie ekim października październik října октября октябрь жовтня жовтень οκτωβρίου اكتوبر تشرين_الاول",
	"november nov novembre noviembre novembro noiembrie kasım kasim listopada listopad listopadu ноября ноябрь листопада листопад νοεμβρίου نوفمبر تشرين_الثاني",
	"december dec décembre decembre déc dezember dez diciembre dic dezembro dicembre desembre desember disember decembrie aralık aralik grudnia grudzień prosince декабря декабрь грудня грудень δεκεμβρίου ديسمبر كانون_الاول",
}

var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	for mo, names := range monthNameLists {
		for _, w := range strings.Fields(names) {
			m[strings.ReplaceAll(w, "_", " ")] = time.Month(mo + 1)
		}
	}
	return m
}()

// arabicAlef unmarks the alef, which Arabic writers mark or not at will (أبريل, ابريل).
var arabicAlef = strings.NewReplacer("أ", "ا", "إ", "ا", "آ", "ا")

// monthOf returns the month a word names, or 0. A two-word match that is not a
// month name ("abril de") is tried by its first word.
func monthOf(word string) time.Month {
	w := strings.ToLower(strings.TrimSuffix(word, "."))
	w = arabicAlef.Replace(w)
	if m, ok := monthNames[w]; ok {
		return m
	}
	if first, _, ok := strings.Cut(w, " "); ok {
		return monthNames[first]
	}
	return 0
}

// textDate finds the first full date, with its year, in a short line of a page
// ("Published Friday 24 April 2020 09:22", "August 06, 2019", "2020/04/17
// 01:43"), and returns it at midnight UTC with the byte span it covers; start is -1
// when there is none. A day and month without a year, or a numeric date that reads
// as two different days (03/04/2020), is not a date.
func textDate(s string) (t time.Time, start, end int) {
	start = -1
	try := func(d time.Time, span []int) {
		if start < 0 || span[0] < start {
			t, start, end = d, span[0], span[1]
		}
	}
	for _, m := range ymdRE.FindAllStringSubmatchIndex(s, 4) {
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		if d := makeDate(s[m[2]:m[3]], time.Month(mo), s[m[6]:m[7]]); !d.IsZero() {
			try(d, []int{m[2], m[7]})
			break
		}
	}
	for _, m := range dmyRE.FindAllStringSubmatchIndex(s, 4) {
		a, _ := strconv.Atoi(s[m[2]:m[3]])
		b, _ := strconv.Atoi(s[m[6]:m[7]])
		day, mo := a, b
		switch {
		case s[m[4]:m[5]] == ".": // Europe writes the day first
		case a > 12 && b <= 12:
		case b > 12 && a <= 12, a == b:
			day, mo = b, a
		default:
			continue
		}
		if d := makeDate(s[m[8]:m[9]], time.Month(mo), strconv.Itoa(day)); !d.IsZero() {
			try(d, []int{m[2], m[9]})
			break
		}
	}
	for _, m := range dayMonthRE.FindAllStringSubmatchIndex(s, 4) {
		if d := makeDate(s[m[6]:m[7]], monthOf(s[m[4]:m[5]]), s[m[2]:m[3]]); !d.IsZero() {
			try(d, []int{m[2], m[7]})
			break
		}
	}
	for _, m := range monthDayRE.FindAllStringSubmatchIndex(s, 4) {
		if d := makeDate(s[m[6]:m[7]], monthOf(s[m[2]:m[3]]), s[m[4]:m[5]]); !d.IsZero() {
			try(d, []int{m[2], m[7]})
			break
		}
	}
	return t, start, end
}
