package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// People is what the person pages and the people edits need from an index.
// *index.Index and *opensearch.Engine have it; a Searcher without it serves no person pages.
type People interface {
	// PersonEdits returns the people edits in force, oldest first.
	PersonEdits(ctx context.Context) ([]corpus.PersonEdit, error)
	// EditPeople applies a merge, rename or hide everywhere at once.
	EditPeople(ctx context.Context, e corpus.PersonEdit) (corpus.PersonEdit, error)
	// UndoPersonEdit removes an edit, or returns a corpus.ENotFound error.
	UndoPersonEdit(ctx context.Context, id string) (corpus.PersonEdit, error)
	// LookUpPerson tells under which name the archive shows a person.
	LookUpPerson(ctx context.Context, name string) (corpus.PersonLookup, error)
	// PersonProfile returns what the archive knows of the person it shows as name.
	PersonProfile(ctx context.Context, name string, latest, with int) (corpus.PersonProfile, error)
}

// people returns the Searcher's People, or an error saying the archive has none.
func (s *Server) people() (People, error) {
	if p, ok := s.search.(People); ok {
		return p, nil
	}
	return nil, corpus.Errorf(corpus.ENotFound, "this archive's engine does not offer person pages or people edits")
}

// personURL is a person's page.
func personURL(name string) string {
	return "/people/" + url.PathEscape(name)
}

// Person page sizes.
const (
	defaultPersonLatest = 10
	defaultPersonWith   = 15
	maxPersonLatest     = 50
	maxPersonWith       = 100
	// maxEditBody bounds the body of POST /api/v1/people/edits.
	maxEditBody = 4 << 10
)

// coMentionMeasure says in one line how co-mentions are ranked, for a person
// whose pairs share at least least articles.
func coMentionMeasure(least int) string {
	return fmt.Sprintf("Ranked by how much more often they appear together than chance would have it: log₂ of the articles naming both (at the low end of its 95%% range, so that a pair seen a few times counts for less) over what independent mentions would give; pairs sharing fewer than %d articles (2, or √n/4 for a person in n articles) are left out.", least)
}

// apiPersonEdit is a corpus.PersonEdit with null for the names it does not take.
type apiPersonEdit struct {
	ID     string    `json:"id"`
	Action string    `json:"action"`
	From   *string   `json:"from"`
	Into   *string   `json:"into"`
	Name   *string   `json:"name"`
	Who    string    `json:"who"`
	At     time.Time `json:"at"`
}

func newAPIPersonEdit(e corpus.PersonEdit) apiPersonEdit {
	return apiPersonEdit{ID: e.ID, Action: string(e.Action), From: nullable(e.From), Into: nullable(e.Into), Name: nullable(e.Name), Who: e.Who, At: e.At}
}

// apiPersonEdits answers GET /api/v1/people/edits.
func (s *Server) apiPersonEdits(c *gin.Context) (any, error) {
	p, err := s.people()
	if err != nil {
		return nil, err
	}
	edits, err := p.PersonEdits(c.Request.Context())
	if err != nil {
		return nil, err
	}
	out := make([]apiPersonEdit, len(edits))
	for i, e := range edits {
		out[i] = newAPIPersonEdit(e)
	}
	return struct {
		Edits []apiPersonEdit `json:"edits"`
	}{out}, nil
}

// apiEditPeople is POST /api/v1/people/edits: a merge, rename or hide, with a
// write key. It answers 201 with the edit.
func (s *Server) apiEditPeople(c *gin.Context) {
	if err := s.authorize(c, corpus.ScopeWrite); err != nil {
		s.fail(c, err)
		return
	}
	e, err := readPersonEdit(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	stored, err := s.editPeople(c, e)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/people/edits/"+url.PathEscape(stored.ID))
	s.writeJSON(c, http.StatusCreated, newAPIPersonEdit(stored))
}

// readPersonEdit reads a JSON edit of at most maxEditBody bytes.
func readPersonEdit(c *gin.Context) (corpus.PersonEdit, error) {
	if c.Request.ContentLength > maxEditBody {
		return corpus.PersonEdit{}, corpus.Errorf(corpus.ETooLarge, "an edit is a small JSON object of at most %d bytes", maxEditBody)
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxEditBody+1))
	if err != nil {
		return corpus.PersonEdit{}, corpus.Errorf(corpus.EInvalidRequest, "the edit could not be read: %v", err)
	}
	if len(body) > maxEditBody {
		return corpus.PersonEdit{}, corpus.Errorf(corpus.ETooLarge, "an edit is a small JSON object of at most %d bytes", maxEditBody)
	}
	var in struct {
		Action string `json:"action"`
		From   string `json:"from"`
		Into   string `json:"into"`
		Name   string `json:"name"`
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return corpus.PersonEdit{}, corpus.Errorf(corpus.EInvalidRequest, `the edit must be a JSON object such as {"action":"merge","from":"Reagan","into":"Ronald Reagan"}, {"action":"rename","from":…,"into":…} or {"action":"hide","name":"Agreement"}: %v`, err)
	}
	return corpus.PersonEdit{Action: corpus.PersonAction(in.Action), From: in.From, Into: in.Into, Name: in.Name}, nil
}

// editPeople applies e as the request's principal and audits it.
func (s *Server) editPeople(c *gin.Context, e corpus.PersonEdit) (corpus.PersonEdit, error) {
	p, err := s.people()
	if err != nil {
		return corpus.PersonEdit{}, err
	}
	if who, ok := principal(c); ok {
		e.Who = who.String()
	}
	stored, err := p.EditPeople(c.Request.Context(), e)
	if err != nil {
		return stored, err
	}
	s.audit(c, "people-edit", describeEdit(stored))
	return stored, nil
}

// describeEdit says what an edit does, for the audit log.
func describeEdit(e corpus.PersonEdit) string {
	if e.Action == corpus.HideAction {
		return fmt.Sprintf("edit %s: hide %q", e.ID, e.Name)
	}
	return fmt.Sprintf("edit %s: %s %q into %q", e.ID, e.Action, e.From, e.Into)
}

// apiUndoPersonEdit is DELETE /api/v1/people/edits/{id}, with a write key.
func (s *Server) apiUndoPersonEdit(c *gin.Context) (any, error) {
	if err := s.authorize(c, corpus.ScopeWrite); err != nil {
		return nil, err
	}
	removed, err := s.undoPersonEdit(c, c.Param("id"))
	if err != nil {
		return nil, err
	}
	return struct {
		Undone apiPersonEdit `json:"undone"`
	}{newAPIPersonEdit(removed)}, nil
}

func (s *Server) undoPersonEdit(c *gin.Context, id string) (corpus.PersonEdit, error) {
	p, err := s.people()
	if err != nil {
		return corpus.PersonEdit{}, err
	}
	removed, err := p.UndoPersonEdit(c.Request.Context(), id)
	if err != nil {
		return removed, err
	}
	s.audit(c, "people-edit-undo", describeEdit(removed))
	return removed, nil
}

// personFound is where a name asked for leads: the person (Name), another name
// to go to (Redirect), or nothing (Suggestions).
type personFound struct {
	Name        string
	Redirect    string
	Via         string
	Hidden      bool
	Suggestions []string
}

// findPerson looks name up in the archive.
func (s *Server) findPerson(ctx context.Context, p People, name string) (personFound, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return personFound{}, corpus.Errorf(corpus.EInvalidRequest, "name the person: /people/{name}, as the person facet shows it")
	}
	if len(name) > corpus.MaxPersonNameBytes {
		return personFound{}, corpus.Errorf(corpus.EInvalidRequest, "a name has at most %d bytes, not %d", corpus.MaxPersonNameBytes, len(name))
	}
	look, err := p.LookUpPerson(ctx, name)
	if err != nil {
		return personFound{}, err
	}
	switch {
	case look.Canonical == name:
		return personFound{Name: name}, nil
	case look.Canonical != "" && look.Via != "spelling":
		return personFound{Redirect: look.Canonical, Via: look.Via}, nil
	case look.Hidden:
		return personFound{Hidden: true}, nil
	case look.Canonical != "":
		return personFound{Redirect: look.Canonical, Via: look.Via}, nil
	}
	return personFound{Suggestions: look.Suggestions}, nil
}

// notAPerson is the error for a name that leads nowhere.
func notAPerson(name string, f personFound) error {
	if f.Hidden {
		return corpus.Errorf(corpus.ENotFound, "%q is hidden by a people edit: it is not shown as a person (GET /api/v1/people/edits lists the edits; undoing it shows the name again)", name)
	}
	e := corpus.Errorf(corpus.ENotFound, "there is no person named %q in the archive", name)
	if len(f.Suggestions) > 0 {
		q := make([]string, len(f.Suggestions))
		for i, s := range f.Suggestions {
			q[i] = strconv.Quote(s)
		}
		e.Hint = "did you mean " + strings.Join(q, ", ") + "?"
	} else {
		e.Hint = "give the name as the person facet shows it"
	}
	return e
}

// profileSizes reads the latest and with parameters.
func profileSizes(c *gin.Context) (latest, with int, err error) {
	latest, with = defaultPersonLatest, defaultPersonWith
	for _, f := range []struct {
		name string
		v    *int
		max  int
	}{{"latest", &latest, maxPersonLatest}, {"with", &with, maxPersonWith}} {
		if s := strings.TrimSpace(c.Query(f.name)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > f.max {
				return 0, 0, corpus.Errorf(corpus.EInvalidRequest, "%s=%q: ask for 0 to %d", f.name, truncate(s, 20), f.max)
			}
			*f.v = n
		}
	}
	return latest, with, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// apiPerson is the answer of GET /api/v1/people/{name}.
type apiPerson struct {
	Name     string                `json:"name"`
	URL      string                `json:"url"`
	Aliases  []corpus.PersonAlias  `json:"aliases"`
	Articles int                   `json:"articles"`
	DateUnit *string               `json:"date_unit"`
	Timeline []corpus.PersonBucket `json:"timeline"`
	Undated  int                   `json:"undated"`
	Outlets  []apiFacetValue       `json:"outlets"`
	With     []corpus.CoMention    `json:"with"`
	Measure  string                `json:"with_measure"`
	MinWith  int                   `json:"with_min_together"`
	Latest   []apiHit              `json:"latest"`
}

// apiPersonPage is GET /api/v1/people/{name}; a name merged or renamed away
// redirects (302) to the person it is shown as.
func (s *Server) apiPersonPage(c *gin.Context) {
	prof, redirect, err := s.personProfile(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if redirect != "" {
		target := "/api/v1" + personURL(redirect)
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		c.Redirect(http.StatusFound, target)
		return
	}
	s.writeJSON(c, http.StatusOK, newAPIPerson(prof))
}

func newAPIPerson(p corpus.PersonProfile) apiPerson {
	out := apiPerson{Name: p.Name, URL: personURL(p.Name), Aliases: list(p.Aliases), Articles: p.Articles,
		DateUnit: nullable(string(p.DateUnit)), Timeline: list(p.Timeline), Undated: p.Undated,
		Outlets: apiFacetValues(p.Outlets), With: list(p.With), Measure: coMentionMeasure(p.MinTogether), MinWith: p.MinTogether, Latest: apiHits(p.Latest)}
	for i := range out.With {
		out.With[i].Score = math.Round(out.With[i].Score*1000) / 1000
		out.With[i].Expected = math.Round(out.With[i].Expected*1000) / 1000
	}
	return out
}

// personProfile finds the person the request names: their profile, or the
// name to redirect to.
func (s *Server) personProfile(c *gin.Context) (corpus.PersonProfile, string, error) {
	p, err := s.people()
	if err != nil {
		return corpus.PersonProfile{}, "", err
	}
	latest, with, err := profileSizes(c)
	if err != nil {
		return corpus.PersonProfile{}, "", err
	}
	name := strings.TrimPrefix(c.Param("name"), "/")
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	f, err := s.findPerson(ctx, p, name)
	if err != nil {
		return corpus.PersonProfile{}, "", err
	}
	if f.Redirect != "" {
		return corpus.PersonProfile{}, f.Redirect, nil
	}
	if f.Name == "" {
		return corpus.PersonProfile{}, "", notAPerson(strings.Join(strings.Fields(name), " "), f)
	}
	prof, err := p.PersonProfile(ctx, f.Name, latest, with)
	return prof, "", err
}

// personView is what person.html shows.
type personView struct {
	Name     string
	Missing  string
	Hidden   bool
	Suggest  []link
	Profile  corpus.PersonProfile
	Aliases  []corpus.PersonAlias
	Search   string
	Timeline personTimeline
	Outlets  []facetLink
	With     []coMentionView
	Measure  string
	Latest   []hitView
	// Curate holds the edit forms' token, for a signed-in writer.
	Curate *curateView
	Edits  []editView
}

type coMentionView struct {
	corpus.CoMention
	URL, Together string
	ScoreLabel    string
}

type editView struct {
	apiPersonEdit
	Label string
}

// curateView is what the people edit forms need.
type curateView struct {
	CSRF string
	Next string
	// From is the name the form starts with.
	From string
}

// personTimeline is the person page's chart: bars of the person's articles per
// bucket, scaled to the largest, with the share of all articles in their title.
type personTimeline struct {
	Width, Height, Baseline int
	Bars                    []personBar
	Unit                    string
	// Share is a line through each bucket's share of all articles, scaled to
	// the largest (MaxShare).
	Share    string
	MaxShare string
}

type personBar struct {
	X, Y, W, H    int
	Title, Label  string
	LabelX        int
	Key, ShareStr string
	Count, All    int
}

// personPage is GET /people/{name}.
func (s *Server) personPage(c *gin.Context) error {
	prof, redirect, err := s.personProfile(c)
	if redirect != "" {
		target := personURL(redirect)
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		c.Redirect(http.StatusFound, target)
		return nil
	}
	if err != nil {
		e, ok := errors.AsType[*corpus.Error](err)
		if !ok || e.Code != corpus.ENotFound {
			return err
		}
		name := strings.Join(strings.Fields(strings.TrimPrefix(c.Param("name"), "/")), " ")
		v := personView{Name: name, Missing: e.Message, Hidden: strings.Contains(e.Message, "hidden")}
		if p, perr := s.people(); perr == nil {
			if f, ferr := s.findPerson(c.Request.Context(), p, name); ferr == nil {
				for _, sg := range f.Suggestions {
					v.Suggest = append(v.Suggest, link{Label: sg, URL: personURL(sg)})
				}
			}
		}
		s.render(c, http.StatusNotFound, "person.html", v)
		return nil
	}
	v := personView{Name: prof.Name, Profile: prof, Aliases: list(prof.Aliases),
		Search: "/?" + url.Values{"person": {prof.Name}}.Encode(), Measure: coMentionMeasure(prof.MinTogether),
		Timeline: newPersonTimeline(prof)}
	for _, o := range prof.Outlets {
		v.Outlets = append(v.Outlets, facetLink{Value: o.Value, Count: o.Count, URL: "/?" + url.Values{"person": {prof.Name}, "outlet": {o.Value}}.Encode()})
	}
	for _, w := range prof.With {
		v.With = append(v.With, coMentionView{CoMention: w, URL: personURL(w.Name),
			Together:   "/?" + url.Values{"person": {prof.Name, w.Name}}.Encode(),
			ScoreLabel: fmt.Sprintf("%.1f", w.Score)})
	}
	for _, h := range prof.Latest {
		hv := hitView{Hit: h, Date: dateLabel(h.Published), ArticleURL: articleURL(h.ID, "")}
		for _, person := range h.Persons {
			hv.Persons = append(hv.Persons, link{Label: person, URL: personURL(person), Current: person == prof.Name})
		}
		v.Latest = append(v.Latest, hv)
	}
	v.Curate = s.curateForm(c, c.Request.URL.RequestURI(), prof.Name)
	if v.Curate != nil {
		if p, err := s.people(); err == nil {
			if edits, err := p.PersonEdits(c.Request.Context()); err == nil {
				for _, e := range edits {
					if e.Into == prof.Name || e.From == prof.Name || slices.ContainsFunc(v.Aliases, func(a corpus.PersonAlias) bool { return a.Name == e.From }) {
						v.Edits = append(v.Edits, editView{apiPersonEdit: newAPIPersonEdit(e), Label: describeEdit(e)})
					}
				}
			}
		}
	}
	s.render(c, http.StatusOK, "person.html", v)
	return nil
}

// curateForm returns what the people edit forms need when the request comes
// from a signed-in writer (a page cannot send a key in a header); nil otherwise.
func (s *Server) curateForm(c *gin.Context, next, from string) *curateView {
	p, ok := principal(c)
	if !ok || !p.Scope.Allows(corpus.ScopeWrite) {
		return nil
	}
	if _, err := s.people(); err != nil {
		return nil
	}
	sess, ok := c.Get(ctxSession)
	if !ok {
		return nil
	}
	return &curateView{CSRF: s.csrfToken(sess.(string)), Next: safeNext(next), From: from}
}

// Timeline chart geometry.
const (
	personChartWidth  = 720
	personChartHeight = 140
	personChartLabels = 16
)

func newPersonTimeline(p corpus.PersonProfile) personTimeline {
	t := personTimeline{Width: personChartWidth, Height: personChartHeight, Baseline: personChartHeight - 18, Unit: string(p.DateUnit)}
	n := len(p.Timeline)
	if n == 0 {
		return t
	}
	most := 1
	for _, b := range p.Timeline {
		most = max(most, b.Count)
	}
	w := max(1, personChartWidth/n)
	every := max(1, (n+personChartLabels-1)/personChartLabels)
	for i, b := range p.Timeline {
		h := b.Count * (t.Baseline - 14) / most
		if b.Count > 0 {
			h = max(h, 2)
		}
		bar := personBar{X: i * w, W: max(1, w-2), H: h, Y: t.Baseline - h, Key: b.Key, Count: b.Count, All: b.All,
			ShareStr: fmt.Sprintf("%.1f%%", 100*b.Share)}
		bar.Title = fmt.Sprintf("%s: %d of %d articles (%s)", b.Key, b.Count, b.All, bar.ShareStr)
		if i%every == 0 {
			bar.Label, bar.LabelX = b.Key, i*w+w/2
		}
		t.Bars = append(t.Bars, bar)
	}
	top := 0.0
	for _, b := range p.Timeline {
		top = max(top, b.Share)
	}
	if top > 0 {
		var pts []string
		for i, b := range p.Timeline {
			y := t.Baseline - int(b.Share/top*float64(t.Baseline-14))
			pts = append(pts, fmt.Sprintf("%d,%d", i*w+w/2, y))
		}
		t.Share, t.MaxShare = strings.Join(pts, " "), fmt.Sprintf("%.1f%%", 100*top)
	}
	return t
}

// personEditForm is POST /people/edits: the page's merge, rename and hide forms
// (and their undo), for a signed-in writer; it goes back to the page it came
// from, or to the person's new page.
func (s *Server) personEditForm(c *gin.Context) error {
	if err := s.authorize(c, corpus.ScopeWrite); err != nil {
		return err
	}
	next := safeNext(c.PostForm("next"))
	if id := c.PostForm("undo"); id != "" {
		if _, err := s.undoPersonEdit(c, id); err != nil {
			return err
		}
		c.Redirect(http.StatusSeeOther, cmp.Or(next, "/"))
		return nil
	}
	e := corpus.PersonEdit{Action: corpus.PersonAction(c.PostForm("action")), From: c.PostForm("from"), Into: c.PostForm("into"), Name: c.PostForm("name")}
	if e.Action == corpus.HideAction && e.Name == "" {
		e.Name, e.From = e.From, ""
	}
	if e.Action == corpus.HideAction {
		e.Into = ""
	}
	stored, err := s.editPeople(c, e)
	if err != nil {
		return err
	}
	if stored.Action != corpus.HideAction && strings.HasPrefix(next, "/people/") {
		next = personURL(stored.Into)
	}
	c.Redirect(http.StatusSeeOther, cmp.Or(next, "/"))
	return nil
}

// addPersonPages gives every person of a search page a link to their page.
func addPersonPages(v *searchView) {
	for _, list := range [][]facetLink{v.Persons, v.With, v.PersonSearch.Matches} {
		for i := range list {
			list[i].Page = personURL(list[i].Value)
		}
	}
}
