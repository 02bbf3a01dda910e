package webpage

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"github.com/article-archive/archive/extract"
)

// Longest outlet name a page may state: more is a slogan or a description of the
// site, not its name.
const (
	maxOutletRunes = 60
	maxOutletWords = 7
)

// pageOutlet names the outlet of a web page among the names it gives its site
// (siteName: og:site_name, application-name) and its publisher (JSON-LD
// publisher.name), each without the tagline after it, checked against the hosts of
// its URLs: the article's (canonical) URL first, then the address it was saved
// from. A name that is a host's domain's (Aktuálně.cz on sport.aktualne.cz, Reuters
// on feeds.reuters.com) is taken first; else a name of several words (Folha de
// S.Paulo on folha.uol.com.br); else the name extract.OutletFromURL gives the
// article's URL. A single word that is no domain's name is not taken: it is a
// section of the site or a common word ("Economia" on economia.ig.com.br, "Hosted"
// on hosted.ap.org, "U.S." on reuters.com), and a section's site is the outlet; a
// coined word (ProFootballTalk) that is a subdomain's name is a name. Nor is a name
// longer than a name can be (a slogan). Without a URL, the first name stated is
// taken.
func pageOutlet(siteName, publisher string, urls ...string) string {
	var hosts []hostNames
	for _, u := range urls {
		if h := siteHost(u); h.domain != "" {
			hosts = append(hosts, h)
		}
	}
	var names []string
	for _, s := range []string{siteName, publisher} {
		if n := outletName(s, hosts); n != "" {
			names = append(names, n)
		}
	}
	fromURL := extract.OutletFromURL(firstNonEmpty(urls...))
	if len(hosts) == 0 {
		return firstNonEmpty(append(names, fromURL)...)
	}
	for _, n := range names {
		if namesDomain(hosts, n) {
			return n
		}
	}
	for _, n := range names {
		if len(strings.Fields(n)) > 1 {
			return n
		}
	}
	for _, n := range names {
		if m, h := matchHosts(hosts, n); m == matchSubdomain {
			if coined(n) {
				return n
			}
			return extract.OutletFromURL(h.domain)
		}
	}
	return fromURL
}

// coined reports whether a one-word name is a coined name, not a word of the
// language: it has capitals inside it (ProFootballTalk, CNNMoney).
func coined(name string) bool {
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// namesDomain reports whether name is the name of the domain of one of hosts.
func namesDomain(hosts []hostNames, name string) bool {
	m, _ := matchHosts(hosts, name)
	return m == matchDomain
}

// matchHosts returns the best match of name among hosts (see hostNames.match),
// and the host it matches.
func matchHosts(hosts []hostNames, name string) (int, hostNames) {
	best, at := matchNone, hostNames{}
	for _, h := range hosts {
		if m := h.match(name); m > best {
			best, at = m, h
		}
	}
	return best, at
}

// taglineSeps separate a site's name from its tagline, or a title from the site's
// name.
var taglineSeps = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " ~ "}

// splitTagline splits a site name or title at its separators (taglineSeps).
func splitTagline(s string) []string {
	parts := []string{s}
	for _, sep := range taglineSeps {
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// firstSentence returns s up to the end of its first sentence, when that sentence
// has four words or more: "St. Louis Post-Dispatch" is one name, not a sentence.
func firstSentence(s string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], ". ")
		if j < 0 {
			return s
		}
		if len(strings.Fields(s[:i+j])) >= 4 {
			return s[:i+j]
		}
		i += j + 2
	}
}

// outletName returns the name in a site name a page states, without its tagline
// ("Aktuálně.cz - Víte, co se právě děje" is Aktuálně.cz): the part that is the
// domain's name, else a short first part. It returns "" for what is too long to
// be a name.
func outletName(s string, hosts []hostNames) string {
	s = firstSentence(strings.Join(strings.Fields(decodeEntities(s)), " "))
	if parts := splitTagline(s); len(parts) > 1 {
		best := ""
		for _, p := range parts {
			if m, _ := matchHosts(hosts, p); m == matchDomain || m == matchSubdomain && best == "" {
				best = p
				if m == matchDomain {
					break
				}
			}
		}
		if best == "" && len(strings.Fields(parts[0])) <= 4 {
			best = parts[0]
		}
		if best != "" {
			s = best
		}
	}
	if utf8.RuneCountInString(s) > maxOutletRunes || len(strings.Fields(s)) > maxOutletWords {
		return ""
	}
	return s
}

// hostNames are the names in a URL's host: domain is its registered domain
// (aktualne.cz for sport.aktualne.cz), label that domain's own name (aktualne),
// and subs the names of the subdomains before it (sport), "www" and the like left
// out.
type hostNames struct {
	domain, label string
	subs          []string
}

func siteHost(rawURL string) hostNames {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return hostNames{}
	}
	host := strings.ToLower(u.Hostname())
	domain, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return hostNames{}
	}
	h := hostNames{domain: domain}
	label, _, _ := strings.Cut(domain, ".")
	h.label = foldOutletName(label)
	for _, s := range strings.Split(strings.TrimSuffix(host, domain), ".") {
		if s == "" || s == "m" || s == "amp" || s == "mobile" || strings.TrimRight(s, "0123456789") == "www" {
			continue
		}
		h.subs = append(h.subs, foldOutletName(s))
	}
	return h
}

// How a name matches a host's names.
const (
	matchNone = iota
	matchSubdomain
	matchDomain
)

// match says whether name is the host's domain's name, a subdomain's, or neither.
func (h hostNames) match(name string) int {
	n := foldOutletName(name)
	if n == "" {
		return matchNone
	}
	if labelNames(h.label, n) {
		return matchDomain
	}
	for _, s := range h.subs {
		if labelNames(s, n) {
			return matchSubdomain
		}
	}
	return matchNone
}

// labelNames reports whether a domain label and a name (both folded, see
// foldName) are the same name: equal; the name a good part of the label
// (smithsonian, smithsonianmag); the label in the name (cnn, cnnmoney; a short
// label only at its start: rt, rtinternational); or the label the name's initials
// or contraction, starting alike (nzz, neuezurcherzeitung; latimes,
// losangelestimes).
func labelNames(label, name string) bool {
	switch {
	case label == "" || name == "":
		return false
	case label == name:
		return true
	case strings.Contains(label, name):
		return 2*len(name) >= len(label)
	case strings.Contains(name, label):
		return len(label) > 3 || strings.HasPrefix(name, label)
	}
	if len(label) < 2 || label[0] != name[0] {
		return false
	}
	i := 0
	for j := 0; j < len(name) && i < len(label); j++ {
		if name[j] == label[i] {
			i++
		}
	}
	return i == len(label)
}

// foldOutletName reduces a name to its letters and digits, in lower case and without
// accents, and without a leading "the": "The Times-Picayune" is timespicayune,
// "Aktuálně.cz" aktualnecz.
func foldOutletName(s string) string {
	s = strings.ToLower(foldAccents(s))
	s = strings.TrimPrefix(s, "the ")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
