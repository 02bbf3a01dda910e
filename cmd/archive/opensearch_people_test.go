package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/internal/behaviour"
	"github.com/article-archive/archive/internal/ostest"
)

// TestServeOpenSearchPeople runs two real `archive serve --opensearch`
// processes on one index: a merge made through server A shows at once in
// server B's facet, filter and person page (with the merged name as an alias,
// and a redirect from it); an article sent to B after the edit follows it;
// an undo made through B gives every article back its extracted names; and B
// draws the outlet attention timeline, counted exactly.
func TestServeOpenSearchPeople(t *testing.T) {
	c := ostest.Start(t, 1)
	a, index := serveOnOpenSearchIndex(t, c)
	b := startServer(t, "--opensearch", strings.Join(c.URLs, ","), "--opensearch-index", index, "--token", testToken)
	var body bytes.Buffer
	for _, art := range behaviour.Articles(t, behaviour.PeopleSet) {
		line, _ := json.Marshal(art)
		body.Write(append(line, '\n'))
	}
	if rep, status, err := postWith(http.DefaultClient, a, body.Bytes()); err != nil || status != http.StatusOK || rep.Indexed != 10 {
		t.Fatalf("write the people set: %d %+v %v", status, rep.WriteCounts, err)
	}
	before := personFacet(t, b)
	if before["Jim Wright"] != 2 || before["Tip O'Neill"] != 3 {
		t.Fatalf("B's facet before any edit: %v", before)
	}
	// B reads a person page first, so that it holds the edits (none) as of now.
	var person struct {
		Name     string
		Articles int
		Aliases  []corpus.PersonAlias
		Timeline []corpus.PersonBucket
		With     []corpus.CoMention
		Latest   []struct{ ID string }
	}
	okJSON(t, b+"/api/v1/people/Tip%20O%27Neill", &person)

	edits := "/api/v1/people/edits"
	status, got, _ := send(t, http.MethodPost, a+edits, testToken, `{"action":"merge","from":"Jim Wright","into":"Tip O'Neill"}`)
	var merge struct{ ID, Action, Who string }
	if status != http.StatusCreated || json.Unmarshal(got, &merge) != nil || merge.ID == "" {
		t.Fatalf("merge through A: %d %s", status, got)
	}

	if f := personFacet(t, b); f["Tip O'Neill"] != 4 || f["Jim Wright"] != 0 {
		t.Errorf("B's facet after A's merge: %v, want Tip O'Neill 4, no Jim Wright", f)
	}
	okJSON(t, b+"/api/v1/people/Tip%20O%27Neill?latest=10&with=5", &person)
	if person.Articles != 4 || len(person.Aliases) != 1 || person.Aliases[0].Name != "Jim Wright" || person.Aliases[0].Via != "merge" ||
		len(person.Latest) != 4 || person.Latest[0].ID != "p10" || len(person.Timeline) != 4 {
		t.Errorf("B's person page after A's merge: %+v", person)
	}
	if status, _, h := send(t, http.MethodGet, b+"/api/v1/people/Jim%20Wright", "", ""); status != http.StatusFound || h.Get("Location") != "/api/v1/people/Tip%20O%27Neill" {
		t.Errorf("B's page of the merged name: %d to %q, want a redirect to Tip O'Neill", status, h.Get("Location"))
	}
	var list struct{ Edits []struct{ ID, Action string } }
	okJSON(t, b+edits, &list)
	if len(list.Edits) != 1 || list.Edits[0].ID != merge.ID {
		t.Errorf("B lists the edits %+v, want A's merge", list.Edits)
	}

	// An article sent to B after the edit follows it, in A's answers too.
	later := `{"id":"p11","outlet":"Valley Wire","published":"2024-04-03T10:00:00Z","title":"Later","body":"Jim Wright spoke of the budget once more.","persons":["Jim Wright"]}` + "\n"
	if rep, status, err := postWith(http.DefaultClient, b, []byte(later)); err != nil || status != http.StatusOK || rep.Indexed != 1 {
		t.Fatalf("write p11 through B: %d %+v %v", status, rep.WriteCounts, err)
	}
	var art struct{ Persons []string }
	okJSON(t, a+"/api/v1/articles/p11", &art)
	if len(art.Persons) != 1 || art.Persons[0] != "Tip O'Neill" {
		t.Errorf("p11 sent after the merge names %q, want [Tip O'Neill]", art.Persons)
	}
	var res apiSearch
	okJSON(t, a+"/api/v1/search?person=Jim+Wright", &res)
	if res.Total != 5 {
		t.Errorf("person=Jim Wright on A after the merge: %d hits, want Tip O'Neill's 5", res.Total)
	}

	// The attention timeline, on B: stories per month (ingest gives the two
	// summit articles stories of their own: their wording differs too much).
	var tl struct {
		Unit        string
		Approximate bool
		Series      []struct {
			Kind    string
			Outlet  *string
			Matches []int
			Totals  []int
		}
	}
	okJSON(t, b+"/api/v1/timeline?"+url.Values{"q": {"budget"}, "split": {"outlet"}, "top": {"2"}, "compare": {"summit"}}.Encode(), &tl)
	if tl.Unit != "month" || tl.Approximate || len(tl.Series) != 4 || !slices.Equal(tl.Series[0].Matches, []int{3, 2, 0, 2}) ||
		!slices.Equal(tl.Series[1].Matches, []int{0, 3, 0, 0}) || tl.Series[2].Outlet == nil || *tl.Series[2].Outlet != "Valley Wire" ||
		!slices.Equal(tl.Series[2].Totals, []int{1, 2, 0, 2}) {
		t.Errorf("B's timeline: %+v", tl)
	}

	// Undo through B: every article shows its extracted names again, p11 too.
	if status, got, _ := send(t, http.MethodDelete, b+edits+"/"+url.PathEscape(merge.ID), testToken, ""); status != http.StatusOK {
		t.Fatalf("undo through B: %d %s", status, got)
	}
	want := maps.Clone(before)
	want["Jim Wright"]++ // p11
	if f := personFacet(t, a); !maps.Equal(f, want) {
		t.Errorf("A's facet after B's undo: %v, want %v", f, want)
	}
	okJSON(t, a+"/api/v1/articles/p11", &art)
	if len(art.Persons) != 1 || art.Persons[0] != "Jim Wright" {
		t.Errorf("p11 after the undo names %q, want [Jim Wright]", art.Persons)
	}
	if status, _, _ := send(t, http.MethodDelete, a+edits+"/"+url.PathEscape(merge.ID), testToken, ""); status != http.StatusNotFound {
		t.Errorf("undoing twice, through A: %d, want 404", status)
	}
}
