package corpus

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// PersonAction is what a PersonEdit does to the people list.
type PersonAction string

// The edits a reader can make to the people list.
const (
	// MergeAction makes From one person with Into, a person the archive holds.
	MergeAction PersonAction = "merge"
	// RenameAction shows From under a name the archive does not hold yet.
	RenameAction PersonAction = "rename"
	// HideAction takes Name out of the people list: it is not a person.
	HideAction PersonAction = "hide"
)

// Bounds on the people edits, so that the list the archive applies to every
// article stays small.
const (
	MaxPersonNameBytes = 256
	MaxPersonEdits     = 10000
)

// PersonEdit is one change a reader made to the people the archive found: a
// layer over the extracted names, which stay as they were, so that undoing an
// edit gives back exactly what was there.
type PersonEdit struct {
	ID     string       `json:"id"`
	Action PersonAction `json:"action"`
	// From and Into name the person a merge or rename takes and what it
	// becomes; Name the person a hide takes.
	From string `json:"from,omitempty"`
	Into string `json:"into,omitempty"`
	Name string `json:"name,omitempty"`
	// Who made it (the key's name and ID) and when.
	Who string    `json:"who"`
	At  time.Time `json:"at"`
}

// Subject is the person an edit takes: From, or Name for a hide.
func (e PersonEdit) Subject() string {
	if e.Action == HideAction {
		return e.Name
	}
	return e.From
}

// Normalize trims the names and checks what an edit can be told apart from the
// archive: a known action, the names it needs, short printable names, and no
// merge of a name into itself. It returns an EInvalidRequest error saying how to
// fix the edit.
func (e *PersonEdit) Normalize() error {
	e.From, e.Into, e.Name = cleanName(e.From), cleanName(e.Into), cleanName(e.Name)
	switch e.Action {
	case MergeAction, RenameAction:
		if e.From == "" || e.Into == "" {
			return Errorf(EInvalidRequest, "a %s needs \"from\" (the name as the archive shows it) and \"into\" (the name it becomes)", e.Action)
		}
		if e.Name != "" {
			return Errorf(EInvalidRequest, "a %s takes \"from\" and \"into\", not \"name\"", e.Action)
		}
		if e.From == e.Into {
			return Errorf(EInvalidRequest, "\"from\" and \"into\" are the same name: a person cannot be merged into or renamed to themselves")
		}
	case HideAction:
		if e.Name == "" {
			return Errorf(EInvalidRequest, "a hide needs \"name\": the name as the archive shows it")
		}
		if e.From != "" || e.Into != "" {
			return Errorf(EInvalidRequest, "a hide takes \"name\", not \"from\" or \"into\"")
		}
	default:
		return Errorf(EInvalidRequest, "action %q is not known: use merge, rename or hide", truncateForMessage(string(e.Action)))
	}
	for _, n := range []string{e.From, e.Into, e.Name} {
		if len(n) > MaxPersonNameBytes {
			return Errorf(EInvalidRequest, "a name may have at most %d bytes, not %d", MaxPersonNameBytes, len(n))
		}
		if !utf8.ValidString(n) || strings.ContainsFunc(n, unicode.IsControl) {
			return Errorf(EInvalidRequest, "a name must be printable UTF-8 text without control characters")
		}
	}
	return nil
}

// cleanName trims a name and makes its runs of white space one space, as
// extraction does.
func cleanName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncateForMessage(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// PersonLookup is what the archive knows of a name asked for: the name it
// shows the person under (Canonical, "" when none), and why.
type PersonLookup struct {
	Canonical string
	// Via says how the name led to Canonical: "" (it is the name), "merge",
	// "rename", "name book", "spelling" (case, accents, spacing).
	Via string
	// Hidden is set when the name was hidden (Canonical is then "").
	Hidden bool
	// Suggestions are the nearest names, when the name is unknown.
	Suggestions []string
}

// PersonAlias is another name under which the archive found a person.
type PersonAlias struct {
	Name string `json:"name"`
	// Via is "merge", "rename" or "name book".
	Via string `json:"via"`
}

// PersonBucket is one bucket of a person's timeline: the articles naming them
// and all the archive's articles published then.
type PersonBucket struct {
	Key   string    `json:"key"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Count int       `json:"count"`
	All   int       `json:"all"`
	// Share is Count/All, 0 when All is 0.
	Share float64 `json:"share"`
}

// CoMention is a person who appears in the same articles as another.
type CoMention struct {
	Name string `json:"name"`
	// Together counts the articles naming both; Articles those naming this one.
	Together int `json:"together"`
	Articles int `json:"articles"`
	// Expected is how many articles would name both if they were mentioned
	// independently of each other.
	Expected float64 `json:"expected"`
	// Score is the lower-bound pointwise mutual information, in bits: log2 of
	// the low end of Together's 95% range over Expected.
	Score float64 `json:"score"`
}

// PersonProfile is what the archive knows of one person.
type PersonProfile struct {
	Name     string        `json:"name"`
	Aliases  []PersonAlias `json:"aliases"`
	Articles int           `json:"articles"`
	// Timeline counts the person's dated articles per DateUnit beside all of the
	// archive's; Undated counts their undated ones.
	Timeline []PersonBucket `json:"timeline"`
	DateUnit DateUnit       `json:"date_unit"`
	Undated  int            `json:"undated"`
	Outlets  []FacetValue   `json:"outlets"`
	With     []CoMention    `json:"with"`
	// MinTogether is how many articles a pair in With shares at least.
	MinTogether int   `json:"min_together"`
	Latest      []Hit `json:"latest"`
}
