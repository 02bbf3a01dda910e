package extract

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/article-archive/archive/corpus"
)

// Outlet returns the outlet that ran the article, or "" when neither its
// text nor its URL says. The article's own words win over the URL: a credit or
// syndication line at the end ("{Matzav.com}", "This article first appeared in The
// Harbor Gazette."), then the outlet a dateline names in parentheses, then the URL's
// host mapped to the outlet's name. A publication the article merely quotes ("told
// The Wall Street Journal") is never taken.
func Outlet(a *corpus.Article) string {
	if o := creditOutlet(a.Body); o != "" {
		return o
	}
	if _, o := Dateline(a.Body); o != "" {
		return expandAgency(o)
	}
	return OutletFromURL(a.URL)
}

// Credit and syndication notices. Each captures the outlet's name; they run once per
// article on its last few lines only.
var creditREs = []*regexp.Regexp{
	// {Matzav.com} or [The Harbor Gazette] alone on a line.
	regexp.MustCompile(`^[{\[]\s*([^{}\[\]]{2,80}?)\s*[}\]]$`),
	// All content produced by the Daily Caller News Foundation, an independent ...
	regexp.MustCompile(`^(?i:all content (?:produced|created|published) by )(?:the )?([^,.]{2,80}?)(?:,| is )`),
	// This article first appeared in / was originally published by / is republished from X.
	regexp.MustCompile(`(?i)(?:first|originally) (?:appeared|published|ran|posted) (?:in|on|by|at) (?:the website of )?([^.,;:]{2,80}?)\s*(?:[.,;:]|$| and | on | under )`),
	regexp.MustCompile(`(?i)^(?:this (?:article|story|piece) (?:is|was) )?republished (?:with permission )?(?:from|by) ([^.,;:]{2,80}?)\s*(?:[.,;:]|$| under )`),
	// — Reported by Ana Ruiz for The Northern Ledger / Written by X for Y.
	regexp.MustCompile(`(?i)^(?:[—–\-]+\s*(?:(?:reported|written|edited|compiled) )?by|(?:reported|written|edited|compiled) by) [^.,;]{2,80}? for ([^.,;:]{2,80}?)\s*\.?$`),
	// © 2025 The Harbor Gazette. All rights reserved.
	regexp.MustCompile(`(?i)^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:[-–]\d{4})?\s*)?([^.,;:©]{2,80}?)\s*(?:[.,;:]|$)`),
}

// creditOutlet looks for a credit line among the last lines of body, where
// publishers put them; the first lines are a dateline's business.
func creditOutlet(body string) string {
	end := len(body)
	for n := 0; n < 8 && end > 0; {
		start := strings.LastIndexByte(body[:end], '\n') + 1
		line := strings.TrimSpace(body[start:end])
		if start == 0 {
			end = 0
		} else {
			end = start - 1
		}
		if line == "" {
			continue
		}
		n++
		if len(line) > 600 {
			continue
		}
		for _, re := range creditREs {
			if m := re.FindStringSubmatch(line); m != nil {
				if o := cleanOutlet(m[1]); o != "" {
					return o
				}
			}
		}
	}
	return ""
}

// cleanOutlet trims an outlet name taken from text and rejects what cannot be one:
// a URL path, a sentence, a word without a capital.
func cleanOutlet(s string) string {
	s = strings.TrimSpace(strings.Trim(s, `"'“”‘’*_ `))
	// "by the Daily Caller News Foundation": a lower-case article is not part of
	// the name, while "The" in "The Harbor Gazette" is.
	if rest, ok := strings.CutPrefix(s, "the "); ok && startsUpper(rest) {
		s = rest
	}
	if s == "" || len(s) > 80 || !startsUpper(s) || strings.Contains(s, "://") {
		return ""
	}
	if strings.Count(s, " ") > 7 {
		return ""
	}
	if strings.EqualFold(s, "all rights reserved") {
		return ""
	}
	return s
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// newsAgencies spells out the agencies datelines abbreviate, "WASHINGTON (AP) —".
var newsAgencies = map[string]string{
	"AP": "Associated Press", "AFP": "Agence France-Presse", "UPI": "United Press International",
	"DPA": "Deutsche Presse-Agentur", "CNN": "CNN", "ANSA": "ANSA", "EFE": "EFE",
}

func expandAgency(o string) string {
	if full, ok := newsAgencies[strings.ToUpper(o)]; ok {
		return full
	}
	return o
}

// OutletFromURL names the outlet a URL belongs to: the outlet lexicon's name for its
// host or a parent domain (www.nytimes.com → The New York Times), else the host
// itself, without "www." and capitalized (matzav.com → Matzav.com). It returns ""
// when rawURL has no host.
func OutletFromURL(rawURL string) string {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		return ""
	}
	if !strings.Contains(rawURL, "://") {
		rawURL = "https://" + rawURL
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if !strings.Contains(host, ".") {
		return ""
	}
	lx := loadLexicon()
	for d := host; strings.Contains(d, "."); {
		if name, ok := lx.outlets[d]; ok {
			return name
		}
		_, d, _ = strings.Cut(d, ".")
	}
	// Sub-domains like edition.cnn.com or m.example.com say nothing of the outlet.
	for _, p := range []string{"m.", "mobile.", "amp.", "edition.", "news.", "en."} {
		if rest, ok := strings.CutPrefix(host, p); ok && strings.Contains(rest, ".") {
			host = rest
		}
	}
	r, size := utf8.DecodeRuneInString(host)
	return string(unicode.ToUpper(r)) + host[size:]
}
