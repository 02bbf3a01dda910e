package ingest

import (
	"slices"
	"strings"
	"sync"
)

// NameBook carries person names across the articles of an archive, so that a
// surname-only person in one story ("Baker") gets the full name the archive uses
// for them elsewhere ("James Baker") — but only where the evidence supports it:
// the full name must have been seen in at least MinCount articles and account
// for at least Dominance of the articles naming anyone in full with that surname.
// "Bush" stays "Bush" in an archive with both George Bush and George W. Bush
// in comparable numbers.
//
// A NameBook needs nothing but a name → count table: feed it the persons of each
// article with Add, or a table kept elsewhere (the person facet's counts) with
// AddCount. It is safe for concurrent use.
type NameBook struct {
	// MinCount is the least number of articles that must name a person in full
	// before a surname resolves to them; zero means 3.
	MinCount int
	// Dominance is the least share of the full-name mentions of a surname that
	// the chosen full name must have; zero means 0.8.
	Dominance float64

	mu sync.RWMutex
	// bySurname maps a lower-case surname to the full names seen with it and
	// their counts.
	bySurname map[string]map[string]int
}

// Add records the persons of one article: each full name counts once.
func (b *NameBook) Add(persons []string) {
	seen := make(map[string]bool, len(persons))
	for _, p := range persons {
		if !seen[p] {
			seen[p] = true
			b.AddCount(p, 1)
		}
	}
}

// AddCount records that n articles name the person name. Single words are
// ignored: they are what the book resolves, not evidence for it.
func (b *NameBook) AddCount(name string, n int) {
	surname, ok := bookSurname(name)
	if !ok || n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bySurname == nil {
		b.bySurname = map[string]map[string]int{}
	}
	names := b.bySurname[surname]
	if names == nil {
		names = map[string]int{}
		b.bySurname[surname] = names
	}
	names[strings.Join(strings.Fields(name), " ")] += n
}

// Resolve returns the full name a surname-only name stands for, or name itself
// when it is already a full name or the evidence does not single one out.
func (b *NameBook) Resolve(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t") {
		return name
	}
	minCount, dominance := cmpOr(b.MinCount, 3), b.Dominance
	if dominance == 0 {
		dominance = 0.8
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	names := b.bySurname[strings.ToLower(name)]
	best, bestCount, total := "", 0, 0
	for n, c := range names {
		total += c
		if c > bestCount || c == bestCount && n < best {
			best, bestCount = n, c
		}
	}
	if bestCount < minCount || float64(bestCount) < dominance*float64(total) {
		return name
	}
	return best
}

// ResolveAll resolves each of an article's persons (see Resolve) and drops a
// surname that resolves to a full name the article already lists. Order is kept.
func (b *NameBook) ResolveAll(persons []string) []string {
	out := make([]string, 0, len(persons))
	for _, p := range persons {
		if r := b.Resolve(p); !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// bookSurname returns the lower-case surname of a full name of two words or
// more, without a generational suffix (Jr., III).
func bookSurname(name string) (string, bool) {
	w := strings.Fields(strings.ToLower(name))
	for len(w) > 2 {
		switch strings.TrimSuffix(w[len(w)-1], ".") {
		case "jr", "sr", "ii", "iii", "iv":
			w = w[:len(w)-1]
			continue
		}
		break
	}
	if len(w) < 2 {
		return "", false
	}
	return strings.TrimSuffix(w[len(w)-1], "."), true
}
