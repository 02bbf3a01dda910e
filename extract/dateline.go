package extract

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Datelines open an article: "PORT ELLIS, March 3, 2025 (Valley Wire) — ...". The
// place is in capitals, optionally followed by a state or country; the date is
// optional, and only a date with a year is a publication date.
//
// These expressions run once per article on its first lines, never per token; Go's
// regexp engine is linear in the input, so a hostile line cannot make them slow.
var (
	datelineRE = regexp.MustCompile(`^([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+)*)(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)?,? ` +
		`(?:([A-Z][a-z]{2,8}\.?) (\d{1,2}),? (\d{4})|(\d{1,2}) ([A-Z][a-z]{2,8}\.?),? (\d{4})|(\d{4})-(\d{2})-(\d{2})|([A-Z][a-z]{2,8}\.?) (\d{1,2}))` +
		`(?: \(([^()]{2,80})\))?\s*(?:—|–|--|-|:|$)`)
	// placeOutletRE is a dateline without a date: "WASHINGTON (AP) — ".
	placeOutletRE = regexp.MustCompile(`^[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)? \(([^()]{2,80})\)\s*(?:—|–|--|-)`)
)

var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
	"sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// parseDateline reads a dateline at the start of line. It returns the date when the
// dateline states a full date (a year included) and the outlet named in parentheses
// after it; ok reports whether the line opens with a dateline at all.
func parseDateline(line string) (date time.Time, outlet string, ok bool) {
	if len(line) > 300 {
		line = line[:300]
	}
	m := datelineRE.FindStringSubmatch(line)
	if m == nil {
		if m := placeOutletRE.FindStringSubmatch(line); m != nil {
			return time.Time{}, strings.TrimSpace(m[1]), true
		}
		return time.Time{}, "", false
	}
	outlet = strings.TrimSpace(m[13])
	switch {
	case m[4] != "":
		date = makeDate(m[4], monthNamed(m[2]), m[3])
	case m[7] != "":
		date = makeDate(m[7], monthNamed(m[6]), m[5])
	case m[8] != "":
		mo, _ := strconv.Atoi(m[9])
		date = makeDate(m[8], time.Month(mo), m[10])
	default:
		// "LONDON, March 3 -": no year, so no date; it still is a dateline if the
		// word is a month.
		if monthNamed(m[11]) == 0 {
			return time.Time{}, "", false
		}
		return time.Time{}, outlet, true
	}
	if date.IsZero() && m[8] == "" && monthNamed(cmp.Or(m[2], m[6])) == 0 {
		return time.Time{}, "", false
	}
	return date, outlet, true
}

func monthNamed(s string) time.Month {
	return months[strings.ToLower(strings.TrimSuffix(s, "."))]
}

// makeDate returns the date at midnight UTC, or the zero time when the parts do not
// make a real calendar date (February 30 is not normalized into March). Package
// webpage has its twin for the dates of web pages.
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

// Dateline returns the publication date stated in the dateline that opens
// body (within its first three non-empty lines, since a headline and a byline may
// come first), and the outlet a dateline names in parentheses. A dateline without a
// year gives no date: the year is never guessed.
func Dateline(body string) (date time.Time, outlet string) {
	for i := 0; i < 3 && body != ""; {
		var line string
		line, body, _ = strings.Cut(body, "\n")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		i++
		if d, o, ok := parseDateline(line); ok {
			return d, o
		}
	}
	return time.Time{}, ""
}
