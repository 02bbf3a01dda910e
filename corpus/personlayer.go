package corpus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PersonLayer is a list of people edits compiled for applying: what each edited
// name is shown as. Both engines keep the extracted names as they were and show
// them through the layer, so that undoing an edit gives back exactly what was
// there. The zero value (and EmptyPersonLayer) moves no name.
type PersonLayer struct {
	// Edits are the edits in force, oldest first.
	Edits []PersonEdit
	// To maps a name to the name it is shown as; "" hides it.
	To map[string]string
	// Via says, for each name in To, the edit that first moved it.
	Via map[string]PersonEdit
}

// EmptyPersonLayer moves no name.
var EmptyPersonLayer = &PersonLayer{To: map[string]string{}, Via: map[string]PersonEdit{}}

// ErrPersonCycle is wrapped by CompilePersonLayer's error for edits that lead a
// name back to itself.
var ErrPersonCycle = errors.New("the edits lead a name back to itself")

// CompilePersonLayer follows merges and renames to their end (A into B and B
// into C shows A as C) and hides every name whose end is hidden. Later edits of
// the same name win. Edits that lead a name back to itself are an error
// wrapping ErrPersonCycle.
func CompilePersonLayer(edits []PersonEdit) (*PersonLayer, error) {
	l := &PersonLayer{Edits: edits, To: map[string]string{}, Via: map[string]PersonEdit{}}
	next := map[string]PersonEdit{}
	hidden := map[string]PersonEdit{}
	for _, e := range edits {
		switch e.Action {
		case MergeAction, RenameAction:
			next[e.From] = e
		case HideAction:
			hidden[e.Name] = e
		}
	}
	for from, first := range next {
		cur, steps := from, 0
		for e, ok := next[cur]; ok; e, ok = next[cur] {
			cur = e.Into
			if steps++; cur == from || steps > len(next) {
				return nil, fmt.Errorf("%w: %q (edit %s)", ErrPersonCycle, from, first.ID)
			}
		}
		l.To[from], l.Via[from] = cur, first
	}
	for from, end := range l.To {
		if _, ok := hidden[end]; ok {
			l.To[from] = ""
		}
	}
	for name, e := range hidden {
		if _, ok := l.To[name]; !ok {
			l.To[name], l.Via[name] = "", e
		}
	}
	return l, nil
}

// Shown returns the name a name is shown as: itself, another, or "" when hidden.
func (l *PersonLayer) Shown(name string) string {
	if to, ok := l.To[name]; ok {
		return to
	}
	return name
}

// Apply returns persons with the edits applied: persons itself when none of
// them is edited.
func (l *PersonLayer) Apply(persons []string) []string {
	if len(l.To) == 0 || !slices.ContainsFunc(persons, func(p string) bool { _, ok := l.To[p]; return ok }) {
		return persons
	}
	return RenamePersons(persons, l.To)
}

// ApplyTo returns a with the edits applied to its persons (a copy when they change).
func (l *PersonLayer) ApplyTo(a *Article) *Article {
	persons := l.Apply(a.Persons)
	if len(persons) == len(a.Persons) && (len(persons) == 0 || &persons[0] == &a.Persons[0]) {
		return a
	}
	b := *a
	b.Persons = persons
	return &b
}

// Aliases returns the names shown as name, with the edit that moved each.
func (l *PersonLayer) Aliases(name string) []PersonAlias {
	var out []PersonAlias
	for from, to := range l.To {
		if to == name && from != name {
			out = append(out, PersonAlias{Name: from, Via: string(l.Via[from].Action)})
		}
	}
	slices.SortFunc(out, func(a, b PersonAlias) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Changed returns the names shown otherwise by l than by old, sorted: the
// extracted names of the articles an edit from old to l changes.
func (l *PersonLayer) Changed(old *PersonLayer) []string {
	var out []string
	for _, m := range []map[string]string{old.To, l.To} {
		for n := range m {
			if old.Shown(n) != l.Shown(n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FilterNames reads the person filters of q through the edits: a merged or
// renamed name filters by the name it is shown as. It returns what it changed,
// for the answer's notices.
func (l *PersonLayer) FilterNames(q *Query) []string {
	if len(l.To) == 0 {
		return nil
	}
	var notices []string
	for _, names := range []*[]string{&q.Persons, &q.NotPersons} {
		for i, n := range *names {
			if to, ok := l.To[n]; ok && to != "" {
				(*names)[i] = to
				notices = append(notices, fmt.Sprintf("person %q is read as %q (%s, edit %s)", n, to, l.Via[n].Action, l.Via[n].ID))
			}
		}
		*names = slices.Compact(*names)
	}
	return notices
}

// PersonCounter is what CheckPersonEdit asks of an engine: how many articles
// show a name as a person now, and what the archive knows of a name none shows.
type PersonCounter interface {
	PersonCount(ctx context.Context, name string) (int, error)
	LookUpPerson(ctx context.Context, name string) (PersonLookup, error)
}

// CheckPersonEdit checks a normalized edit against the archive and the edits in
// force l, as both engines do before storing one: the names it takes must be
// shown now, and a rename's new name must be nobody's. It returns an
// EInvalidRequest error naming the edit to undo, or an ENotFound one with the
// nearest names.
func CheckPersonEdit(ctx context.Context, archive PersonCounter, l *PersonLayer, e PersonEdit) error {
	if err := checkShown(ctx, archive, l, e.Subject(), "the person to "+string(e.Action)); err != nil {
		return err
	}
	switch e.Action {
	case MergeAction:
		return checkShown(ctx, archive, l, e.Into, "the person to merge into")
	case RenameAction:
		n, err := archive.PersonCount(ctx, e.Into)
		if err != nil {
			return err
		}
		if n > 0 {
			return Errorf(EInvalidRequest, "%q is already a person in the archive (%d articles): merge %q into it instead", e.Into, n, e.From)
		}
		if to, ok := l.To[e.Into]; ok && to == "" {
			return Errorf(EInvalidRequest, "%q is hidden (edit %s): undo that edit before renaming anyone to it", e.Into, l.Via[e.Into].ID)
		}
	}
	return nil
}

// checkShown returns nil when the archive shows name as a person now, and
// otherwise an error saying what became of it or which names are near.
func checkShown(ctx context.Context, archive PersonCounter, l *PersonLayer, name, role string) error {
	n, err := archive.PersonCount(ctx, name)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if to, ok := l.To[name]; ok {
		e := l.Via[name]
		if to == "" {
			return Errorf(EInvalidRequest, "%q is hidden (edit %s): undo that edit first (DELETE /api/v1/people/edits/%s)", name, e.ID, e.ID)
		}
		return Errorf(EInvalidRequest, "%q is shown as %q already (edit %s): edit %q instead, or undo edit %s first", name, to, e.ID, to, e.ID)
	}
	look, err := archive.LookUpPerson(ctx, name)
	if err != nil {
		return err
	}
	if look.Canonical != "" {
		return Errorf(ENotFound, "there is no person named exactly %q: the archive shows %q; use that name", name, look.Canonical)
	}
	msg := fmt.Sprintf("%s, %q, is not a person in the archive", role, name)
	if len(look.Suggestions) > 0 {
		quoted := make([]string, len(look.Suggestions))
		for i, s := range look.Suggestions {
			quoted[i] = fmt.Sprintf("%q", s)
		}
		msg += ": did you mean " + strings.Join(quoted, " or ") + "?"
	} else {
		msg += ": give the name exactly as the person facet shows it"
	}
	return Errorf(ENotFound, "%s", msg)
}

// Lookup returns what the layer says of a name no article shows: where it
// moved it (or that it hid it), and whether it moved it at all.
func (l *PersonLayer) Lookup(name string) (PersonLookup, bool) {
	to, ok := l.To[name]
	switch {
	case !ok:
		return PersonLookup{}, false
	case to == "":
		return PersonLookup{Hidden: true, Suggestions: []string{}}, true
	}
	return PersonLookup{Canonical: to, Via: string(l.Via[name].Action)}, true
}
