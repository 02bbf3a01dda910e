package ingest

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNameBook(t *testing.T) {
	var b NameBook
	for range 10 {
		b.Add([]string{"James Baker", "Ronald Reagan"})
	}
	b.Add([]string{"Howard Baker"}) // one story about another Baker
	for range 4 {
		b.Add([]string{"George Bush"})
		b.Add([]string{"George W. Bush"})
	}
	b.Add([]string{"Marlin Fitzwater", "Marlin Fitzwater"}) // counted once per article
	b.AddCount("Martin Luther King Jr.", 5)

	tests := []struct{ in, want string }{
		{"Baker", "James Baker"},    // 10 of 11 full-name mentions
		{"Reagan", "Ronald Reagan"}, // only full name
		{"Bush", "Bush"},            // two George Bushes in equal numbers
		{"Fitzwater", "Fitzwater"},  // seen in one article only
		{"King", "Martin Luther King Jr."},
		{"Howard Baker", "Howard Baker"}, // a full name is never changed
		{"Volcker", "Volcker"},           // never seen in full
		{"baker", "James Baker"},         // case does not matter
	}
	for _, tt := range tests {
		if got := b.Resolve(tt.in); got != tt.want {
			t.Errorf("Resolve(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := b.ResolveAll([]string{"Baker", "James Baker", "Volcker", "Reagan"})
	want := []string{"James Baker", "Volcker", "Ronald Reagan"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResolveAll mismatch (-want +got):\n%s", diff)
	}
}

func TestNameBookThresholds(t *testing.T) {
	b := NameBook{MinCount: 1, Dominance: 0.5}
	b.Add([]string{"Fitzwater"}) // a single word is no evidence
	if got := b.Resolve("Fitzwater"); got != "Fitzwater" {
		t.Errorf("Resolve after a surname only = %q", got)
	}
	b.Add([]string{"Marlin Fitzwater"})
	b.Add([]string{"Max Fitzwater"})
	if got := b.Resolve("Fitzwater"); got != "Marlin Fitzwater" && got != "Max Fitzwater" {
		t.Errorf("Resolve with Dominance 0.5 and a tie = %q, want one of the two", got)
	}
}

func TestNameBookConcurrent(t *testing.T) {
	var b NameBook
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				b.Add([]string{"James Baker"})
				b.Resolve("Baker")
			}
		})
	}
	wg.Wait()
	if got := b.Resolve("Baker"); got != "James Baker" {
		t.Errorf("Resolve = %q", got)
	}
}
