package extract

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

func TestNameBookKnownRivals(t *testing.T) {
	var b NameBook
	for range 20 {
		b.Add([]string{"James Baker"})
	}
	for range 3 {
		b.Add([]string{"Howard Baker"})
		b.Add([]string{"Ronald Reagan"})
	}
	b.Add([]string{"Nancy Reagan"}) // seen once: no rival
	b.Add([]string{"Althogh Reagan"})
	if got := b.Resolve("Baker"); got != "Baker" {
		t.Errorf("Resolve(Baker) with two known Bakers = %q, want Baker", got)
	}
	if got := b.Resolve("Reagan"); got != "Ronald Reagan" {
		t.Errorf("Resolve(Reagan) = %q, want Ronald Reagan", got)
	}
}

func TestNameBookCanonical(t *testing.T) {
	var b NameBook
	for range 5 {
		b.Add([]string{"Ronald Reagan", "Jim Wright", "José Sarney", "Helena Okafor"})
	}
	b.Add([]string{"James Wright", "Jose Sarney", "JOSÉ SARNEY", "Reagan", "Brandt Keller"})
	for range 10 {
		b.AddFirms([]string{"brandt keller and co", "westerby"})
	}
	b.AddFirms([]string{"helena okafor foundation"})
	tests := []struct{ in, want string }{
		{"Reagan", "Ronald Reagan"},
		{"REAGAN", "Ronald Reagan"},
		{"James Wright", "Jim Wright"}, // a familiar given name is the same name
		{"Jose Sarney", "José Sarney"}, // accents and case
		{"JOSÉ SARNEY", "José Sarney"},
		{"Brandt Keller", ""},              // the archive knows a firm of that name
		{"Westerby", ""},                   // a company's name alone
		{"Helena Okafor", "Helena Okafor"}, // one foundation does not make a person a firm
		{"Nora Green", "Nora Green"},       // unknown names stay
	}
	checkCanonical(t, &b, tests)
	got := b.ResolveAll([]string{"Reagan", "Ronald Reagan", "Brandt Keller", "James Wright"})
	if diff := cmp.Diff([]string{"Ronald Reagan", "Jim Wright"}, got); diff != "" {
		t.Errorf("ResolveAll mismatch (-want +got):\n%s", diff)
	}
	want := map[string]string{"Reagan": "Ronald Reagan", "James Wright": "Jim Wright", "Jose Sarney": "José Sarney",
		"JOSÉ SARNEY": "José Sarney", "Brandt Keller": ""}
	if diff := cmp.Diff(want, b.Aliases()); diff != "" {
		t.Errorf("Aliases mismatch (-want +got):\n%s", diff)
	}
	firms := b.FirmCounts()
	if firms["brandt keller"] != 10 || firms["brandt"] != 10 || firms["helena okafor"] != 1 {
		t.Errorf("FirmCounts = %v, want the first one to three words of each firm counted", firms)
	}
}

func TestNameBookLearn(t *testing.T) {
	var b NameBook
	// The text wrote "Willy De Clercq" in two stories, "Willy de Clercq" in
	// three: the book learns the forms as written, not as shown.
	for range 2 {
		b.Learn([]string{"Willy De Clercq"}, []string{"Willy De Clercq"})
	}
	for range 3 {
		b.Learn([]string{"Willy de Clercq"}, []string{"Willy De Clercq"})
	}
	if got := b.Canonical("Willy De Clercq"); got != "Willy de Clercq" {
		t.Errorf("Canonical = %q, want the form written most", got)
	}
	// A surname resolved to a full name counts for that full name.
	for range 3 {
		b.Learn([]string{"Yeutter"}, []string{"Clayton Yeutter"})
	}
	if got := b.Resolve("Yeutter"); got != "Clayton Yeutter" {
		t.Errorf("Resolve(Yeutter) = %q, want Clayton Yeutter", got)
	}
}

func TestNameBookResolveWeak(t *testing.T) {
	var b NameBook
	for range 3 {
		b.Add([]string{"Paul Volcker", "Rilwanu Lukman", "Loan Marketing"})
	}
	got := b.ResolveWeak([]string{"Volcker", "Usx", "Rilwanu Lukman", "Loan Marketing", "Helena Okafor"})
	if diff := cmp.Diff([]string{"Paul Volcker"}, got); diff != "" {
		t.Errorf("ResolveWeak mismatch (-want +got):\n%s", diff)
	}
}

func TestNameBookMiddleInitials(t *testing.T) {
	var b NameBook
	for range 4 {
		b.Add([]string{"Donald Trump", "George Bush", "George W. Bush", "George H.W. Bush", "Martin Luther King Jr."})
	}
	b.Add([]string{"Donald J. Trump", "John Q. Public"})
	tests := []struct{ in, want string }{
		{"Donald J. Trump", "Donald Trump"},      // the only Donald Trump
		{"George W. Bush", "George W. Bush"},     // beside George H.W. Bush: two people
		{"George H.W. Bush", "George H.W. Bush"}, //
		{"John Q. Public", "John Q. Public"},     // no John Public known
	}
	checkCanonical(t, &b, tests)
}

func TestNameBookSurnameForms(t *testing.T) {
	var b NameBook
	for range 4 {
		b.Add([]string{"Nouri al-Maliki", "Hu Jintao", "Robert Croft", "Mark Waugh", "Steve Waugh"})
	}
	b.Add([]string{"Rita Croft"}) // once: no rival
	tests := []struct{ in, want string }{
		{"Maliki", "Nouri al-Maliki"},    // the surname without its article
		{"Hu", "Hu Jintao"},              // a family name that comes first
		{"R. Croft", "Robert Croft"},     // an initial stands for the one known name
		{"M. Waugh", "Mark Waugh"},       // one Waugh of that initial
		{"S. Waugh", "Steve Waugh"},      //
		{"J. Waugh", "J. Waugh"},         // none
		{"Waugh", "Waugh"},               // two known Waughs
		{"Paul Volcker", "Paul Volcker"}, // nothing known
	}
	checkCanonical(t, &b, tests)
}

func TestNameBookParticles(t *testing.T) {
	var b NameBook
	for range 4 {
		b.Add([]string{"Omar al-Bashir", "Jean-Marie Le Pen", "Laure de la Raudière", "Abu Bakr", "Nguyen Van Le"})
	}
	b.Add([]string{"Omar el-Bashir", "Omar Bashir", "Jean Marie Le Pen", "Laure Raudière", "Bakr", "Nguyen Van"})
	tests := []struct{ in, want string }{
		{"Omar el-Bashir", "Omar al-Bashir"}, // an Arabic article written another way
		{"Omar Bashir", "Omar al-Bashir"},    // or left out
		{"Jean Marie Le Pen", "Jean-Marie Le Pen"},
		{"Laure Raudière", "Laure de la Raudière"},
		{"Nguyen Van", "Nguyen Van"}, // a last word is kept, particle or not
		{"Abu Bakr", "Abu Bakr"},
	}
	checkCanonical(t, &b, tests)
}

func TestNameBookPopes(t *testing.T) {
	var b NameBook
	for range 4 {
		b.Add([]string{"John Paul II", "Benedict XVI", "Abdullah II"})
	}
	b.Add([]string{"Pope John Paul", "Pope Benedict", "King Abdullah", "Pope Francis"})
	tests := []struct{ in, want string }{
		{"Pope John Paul", "John Paul II"},
		{"Pope Benedict", "Benedict XVI"},
		{"King Abdullah", "King Abdullah"}, // Saudi or Jordanian: kings are left alone
		{"Pope Francis", "Pope Francis"},   // no numeral known
	}
	checkCanonical(t, &b, tests)
	if got := b.Aliases()["Pope Benedict"]; got != "Benedict XVI" {
		t.Errorf("Aliases()[Pope Benedict] = %q, want Benedict XVI", got)
	}
	// Two popes of one given name in many articles each: neither is chosen.
	for range 4 {
		b.Add([]string{"John Paul I"})
	}
	if got := b.Canonical("Pope John Paul"); got != "Pope John Paul" {
		t.Errorf("with John Paul I known too, Canonical(Pope John Paul) = %q, want it unchanged", got)
	}
}

// checkCanonical checks the name book's Canonical for each name in tests.
func checkCanonical(t *testing.T, b *NameBook, tests []struct{ in, want string }) {
	t.Helper()
	for _, tt := range tests {
		if got := b.Canonical(tt.in); got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
