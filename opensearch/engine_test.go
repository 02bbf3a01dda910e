package opensearch_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/internal/ostest"
	"github.com/article-archive/archive/opensearch"
)

var engineTests = []struct {
	name string
	run  func(*testing.T, *ostest.Cluster)
}{
	{"put outcomes and idempotence", testPutOutcomes},
	{"a refused article is reported, the others stored", testBulkFailure},
	{"stories from stored band keys", testStories},
	{"cursor paging and export", testPaging},
	{"related, mark and facet values", testExplore},
	{"article and not found", testArticle},
	{"expansion cost limits", testCostLimits},
	{"deferred puts see each other and flush", testDeferred},
	{"earlier articles take the names learned later", testRename},
	{"arrival times: stamped, kept on update, filtered and sorted", testArrival},
	{"delete keeps a tombstone until a restore", testDelete},
	{"people edits are shared by the engines on one cluster", testPeopleShared},
	{"attention lines past the exact bound are estimated, and say so", testAttentionEstimate},
	{"saved searches shared by two servers, changed at once", testSavedSearchesShared},
	{"arrivals are told once searchable", testArrivalsTold},
	{"a faulty query fails alone in its group", testMatchingFaultyQuery},
}

func testDelete(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	batch := []corpus.Article{art("d1", "Ledger", "2024-03-01", "Quay vote", "the quay vote passed"),
		art("d2", "Wire", "2024-03-02", "Quay strike", "the quay strike ended")}
	if _, err := e.Put(ctx, batch); err != nil {
		t.Fatal(err)
	}
	gone, err := e.DeleteArticle(ctx, "d1", "tester")
	if err != nil || gone.ID != "d1" {
		t.Fatalf("delete d1: %+v %v", gone, err)
	}
	if _, err := e.Article(ctx, "d1"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("d1 after the delete: %v, want not found", err)
	}
	if _, err := e.DeleteArticle(ctx, "d1", "tester"); corpus.ErrorCode(err) != corpus.ENotFound || !strings.Contains(err.Error(), "was deleted") {
		t.Errorf("deleting d1 again: %v, want not found, saying it was deleted", err)
	}
	if _, err := e.DeleteArticle(ctx, "nope", "tester"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("deleting an unknown article: %v, want not found", err)
	}
	res, err := e.Search(ctx, corpus.Query{Text: "quay"})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "d2" || len(res.Facets.Outlet) != 1 || res.Facets.Outlet[0].Value != "Wire" {
		t.Errorf("search after the delete: %+v %v, want d2 alone, Wire alone in the outlet facet", res, err)
	}
	// Sent again, under its ID or (the same text from the same outlet) another: skipped.
	again := batch[0]
	renamed := batch[0]
	renamed.ID = "d1-again"
	got, err := e.Put(ctx, []corpus.Article{again, renamed, batch[1]})
	if want := []corpus.Outcome{corpus.Deleted, corpus.Deleted, corpus.Unchanged}; err != nil || !slices.Equal(got, want) {
		t.Errorf("sent again: %v %v, want %v", got, err, want)
	}
	if n, err := e.Count(); err != nil || n != 1 {
		t.Errorf("count after sending it again = %d %v, want 1", n, err)
	}
	got, err = e.PutRestoring(ctx, []corpus.Article{again})
	if err != nil || !slices.Equal(got, []corpus.Outcome{corpus.Indexed}) {
		t.Errorf("restore: %v %v, want indexed", got, err)
	}
	if _, err := e.Article(ctx, "d1"); err != nil {
		t.Errorf("d1 after the restore: %v", err)
	}
	if got, err := e.Put(ctx, []corpus.Article{again}); err != nil || got[0] != corpus.Unchanged {
		t.Errorf("d1 sent once more after the restore: %v %v, want unchanged", got, err)
	}
}

func testArrival(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	first := []corpus.Article{art("a1", "Ledger", "2024-01-02", "Quay one", "quay body one"), art("a2", "Wire", "2024-01-03", "Quay two", "quay body two")}
	if _, err := e.Put(ctx, first); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, err := e.Put(ctx, []corpus.Article{art("a3", "Wire", "2023-05-01", "Quay three", "quay body three")}); err != nil {
		t.Fatal(err)
	}
	a1, err := e.Article(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	a3, err := e.Article(ctx, "a3")
	if err != nil {
		t.Fatal(err)
	}
	if a1.Arrived.IsZero() || !a3.Arrived.After(a1.Arrived) {
		t.Fatalf("arrivals a1 %v, a3 %v: want both set, a3 later", a1.Arrived, a3.Arrived)
	}
	edited := first[0]
	edited.Title = "Quay one, corrected"
	if got, err := e.Put(ctx, []corpus.Article{edited}); err != nil || got[0] != corpus.Updated {
		t.Fatalf("update: %v %v", got, err)
	}
	if again, err := e.Article(ctx, "a1"); err != nil || !again.Arrived.Equal(a1.Arrived) {
		t.Errorf("after an update a1 arrived %v (%v), want the first arrival %v", again.Arrived, err, a1.Arrived)
	}
	ids := func(q corpus.Query) []string {
		t.Helper()
		res, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	if got := ids(corpus.Query{Text: "quay", Sort: corpus.SortArrived}); len(got) != 3 || got[0] != "a3" {
		t.Errorf("sort=arrived: %v, want a3 first", got)
	}
	if got := ids(corpus.Query{Text: "quay", ArrivedFrom: a3.Arrived}); !slices.Equal(got, []string{"a3"}) {
		t.Errorf("arrived_from the second batch: %v, want [a3]", got)
	}
	if got := ids(corpus.Query{Text: "quay", ArrivedTo: a3.Arrived, Sort: corpus.SortOldest}); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Errorf("arrived_to the second batch: %v, want [a1 a2]", got)
	}
}

// story is a wire story long enough to have a signature.
const story = "The regional council approved the new harbour dredging contract on Monday after a long debate about costs, " +
	"environmental safeguards and the future of the fishing fleet that has used the old quay for more than a century, " +
	"while dock workers gathered outside the town hall to demand guarantees on jobs and pay for the coming winter season."

func art(id, outlet, day, title, body string, persons ...string) corpus.Article {
	a := corpus.Article{ID: id, Outlet: outlet, Title: title, Body: body, Persons: persons}
	if day != "" {
		a.Published, _ = time.Parse(time.DateOnly, day)
	}
	return a
}

func testPutOutcomes(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	batch := []corpus.Article{
		art("p1", "Ledger", "2024-01-02", "One", "first body"),
		art("p2", "Wire", "2024-01-03", "Two", "second body"),
		art("p3", "Wire", "", "Three", "third body"),
	}
	got, err := e.Put(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if want := []corpus.Outcome{corpus.Indexed, corpus.Indexed, corpus.Indexed}; !slices.Equal(got, want) {
		t.Errorf("first put: %v, want %v", got, want)
	}
	batch[1].Title = "Two, corrected"
	got, err = e.Put(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if want := []corpus.Outcome{corpus.Unchanged, corpus.Updated, corpus.Unchanged}; !slices.Equal(got, want) {
		t.Errorf("second put: %v, want %v", got, want)
	}
	// The same text on the same day under another ID is the same article.
	dup := batch[0]
	dup.ID = "p1-again"
	if got, err = e.Put(ctx, []corpus.Article{dup}); err != nil || got[0] != corpus.Unchanged {
		t.Errorf("duplicate under another ID: %v %v, want unchanged", got, err)
	}
	if n, err := e.Count(); err != nil || n != 3 {
		t.Errorf("count = %d %v, want 3", n, err)
	}
	a, err := e.Article(ctx, "p2")
	if err != nil || a.Title != "Two, corrected" {
		t.Errorf("article p2 = %+v %v", a, err)
	}
}

func testBulkFailure(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	// A name longer than a keyword may be (32,766 bytes) makes the cluster refuse
	// that one document.
	bad := art("bad", "Wire", "2024-01-03", "Bad", "a body", strings.Repeat("x", 40000))
	good := art("good", "Wire", "2024-01-03", "Good", "another body")
	_, err := e.Put(context.Background(), []corpus.Article{good, bad})
	var be *opensearch.BulkError
	if !errors.As(err, &be) || be.Failed["bad"] == "" || len(be.Failed) != 1 {
		t.Fatalf("err = %v, want a BulkError naming bad only", err)
	}
	if corpus.ErrorCode(err) != corpus.EStorageFailed {
		t.Errorf("code %s, want %s", corpus.ErrorCode(err), corpus.EStorageFailed)
	}
	if n, _ := e.Count(); n != 1 {
		t.Errorf("count = %d, want 1 (the good article)", n)
	}
}

func testStories(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	if _, err := e.Put(ctx, []corpus.Article{art("s1", "Ledger", "2024-02-01", "Harbour deal", story)}); err != nil {
		t.Fatal(err)
	}
	// A copy with a small edit, sent later (another batch, as another server would).
	edited := strings.Replace(story, "Monday", "Tuesday", 1)
	other := "A completely different report about the city orchestra and its new conductor, who arrived from abroad " +
		"last spring and has since changed the programme, the rehearsal schedule, the seating of the strings and the way " +
		"the season is sold to subscribers, to mixed reviews from the critics and the audience alike this year."
	if _, err := e.Put(ctx, []corpus.Article{art("s2", "Wire", "2024-02-01", "Harbour deal approved", edited), art("s3", "Wire", "2024-02-02", "Orchestra", other)}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"s1": "s1", "s2": "s1", "s3": "s3"} {
		if a, err := e.Article(ctx, id); err != nil || a.Story != want {
			t.Errorf("story of %s = %q %v, want %q", id, a.Story, err, want)
		}
	}
	res, err := e.Search(ctx, corpus.Query{Text: "harbour", Sort: corpus.SortOldest})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 || res.Hits[0].AlsoIn != 1 || res.Hits[1].AlsoIn != 1 {
		t.Errorf("hits %+v, want two copies each also in one other outlet", res.Hits)
	}
	res, err = e.Search(ctx, corpus.Query{Text: "harbour", Collapse: true})
	if err != nil || len(res.Hits) != 1 {
		t.Errorf("collapsed: %+v %v, want one hit per story", res, err)
	}
	rel, err := e.Related(ctx, "s1", 5)
	if err != nil || len(rel.Copies) != 1 || rel.Copies[0].ID != "s2" {
		t.Errorf("related copies %+v %v, want s2", rel, err)
	}
	// The story view, as on the Bleve engine: the first outlet first, the copy's
	// change against it.
	st, err := e.Story(ctx, "s2")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Copies) != 2 || st.Copies[0].ID != "s1" || st.FirstOutlet != "Ledger" || !strings.Contains(st.Summary, "Ledger") {
		t.Errorf("story of s2: %+v", st)
	}
	if ch := st.Copies[1].Changes; ch == nil || ch.Inserted != 1 || ch.Deleted != 1 {
		t.Errorf("what s2 changed: %+v, want Monday replaced by Tuesday", ch)
	}
	if _, err := e.Story(ctx, "nope"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("story of an unknown article: %v, want not found", err)
	}
}

func testPaging(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	var batch []corpus.Article
	for i := range 23 {
		day := ""
		if i%5 != 0 {
			day = fmt.Sprintf("2024-03-%02d", 1+i%7) // ties on the date: the ID breaks them
		}
		batch = append(batch, art(fmt.Sprintf("g%02d", i), "Wire", day, "Port news", fmt.Sprintf("port report number %d", i)))
	}
	if _, err := e.Put(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []corpus.Sort{corpus.SortNewest, corpus.SortOldest, corpus.SortRelevance} {
		all, err := e.Search(ctx, corpus.Query{Text: "port", Sort: sort, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, h := range all.Hits {
			want = append(want, h.ID)
		}
		q := corpus.Query{Text: "port", Sort: sort, Size: 4}
		for page := 1; page < 20; page++ {
			q.Page = page
			res, err := e.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if res.Next == "" {
				break
			}
			q.After = res.Next
		}
		if !slices.Equal(got, want) || len(got) != 23 {
			t.Errorf("%s: pages by cursor %v, want %v", sort, got, want)
		}
		var exported []string
		if err := e.Export(ctx, corpus.Query{Text: "port", Sort: sort}, func(h corpus.Hit) error {
			exported = append(exported, h.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(exported, want) {
			t.Errorf("%s: export %v, want %v", sort, exported, want)
		}
	}
	if _, err := e.Search(ctx, corpus.Query{After: "garbage"}); corpus.ErrorCode(err) != corpus.EInvalidRequest {
		t.Errorf("a bad cursor: %v, want invalid_request", err)
	}
}

func testExplore(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "search")
	ctx := context.Background()
	vals, err := e.FacetValues(ctx, opensearch.FacetPerson, corpus.Query{}, "hel", 10)
	if err != nil || len(vals) != 1 || vals[0].Value != "Helena Okafor" || vals[0].Count != 3 {
		t.Errorf("facet values for hel: %+v %v", vals, err)
	}
	vals, err = e.FacetValues(ctx, opensearch.FacetOutlet, corpus.Query{Outlets: []string{"Valley Wire"}}, "", 10)
	if err != nil || len(vals) != 3 {
		t.Errorf("outlet values under an outlet filter: %+v %v, want all three (disjunctive)", vals, err)
	}
	if _, err := e.FacetValues(ctx, "colour", corpus.Query{}, "", 10); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("unknown facet: %v", err)
	}
	m, err := e.Mark(ctx, "a1", "harbor")
	if err != nil || !strings.Contains(m.Body, "<mark>harbor</mark>") {
		t.Errorf("mark: %+v %v", m, err)
	}
	res, err := e.Search(ctx, corpus.Query{Text: "harbor"})
	if err != nil || len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Snippet+res.Hits[len(res.Hits)-1].Snippet, "<mark>") {
		t.Errorf("snippets of harbor: %+v %v", res, err)
	}
	rel, err := e.Related(ctx, "a1", 3)
	if err != nil || rel.Copies == nil || rel.Similar == nil {
		t.Errorf("related: %+v %v", rel, err)
	}
}

func testArticle(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "search")
	a, err := e.Article(context.Background(), "a1")
	if err != nil || a.Title != "Port expansion wins council vote" || a.Outlet != "The Northern Ledger" {
		t.Errorf("a1 = %+v %v", a, err)
	}
	if _, err := e.Article(context.Background(), "nope"); corpus.ErrorCode(err) != corpus.ENotFound {
		t.Errorf("unknown article: %v", err)
	}
}

// TestUnreachable: a cluster nobody answers at is corpus.EBusy (503 with
// Retry-After), at once, not a hang. No node is needed.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	_, err = opensearch.Open(context.Background(), opensearch.Config{URLs: []string{"http://" + addr}, RequestTimeout: 5 * time.Second})
	if corpus.ErrorCode(err) != corpus.EBusy {
		t.Fatalf("open: %v, want busy", err)
	}
	var ce *corpus.Error
	if !errors.As(err, &ce) || ce.RetryAfter <= 0 || !strings.Contains(ce.Message, "OpenSearch") {
		t.Errorf("error %+v, want a message naming OpenSearch and a Retry-After", ce)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func testCostLimits(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	var batch []corpus.Article
	for i := range 1500 {
		batch = append(batch, art(fmt.Sprintf("w%04d", i), "Wire", "2024-01-01", "Words", fmt.Sprintf("zq%04dx common", i)))
	}
	if _, err := e.Put(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"zq*", "/zq[0-9]+x/"} {
		if _, err := e.Search(ctx, corpus.Query{Text: text}); corpus.ErrorCode(err) != corpus.EQueryTooCostly {
			t.Errorf("%s (1,500 words): %v, want query_too_costly", text, err)
		}
	}
	res, err := e.Search(ctx, corpus.Query{Text: "zq00*"})
	if err != nil || res.Total != 100 {
		t.Errorf("zq00* (100 words): %v %v, want 100 hits", res, err)
	}
}

func testDeferred(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	if _, err := e.PutDeferred(ctx, []corpus.Article{art("d1", "Ledger", "2024-02-01", "Harbour deal", story)}); err != nil {
		t.Fatal(err)
	}
	copyOf := art("d2", "Wire", "2024-02-01", "Harbour deal approved", strings.Replace(story, "Monday", "Tuesday", 1))
	dup := art("d1-again", "Ledger", "2024-02-01", "Harbour deal", story)
	got, err := e.PutDeferred(ctx, []corpus.Article{copyOf, dup})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != corpus.Indexed || got[1] != corpus.Unchanged {
		t.Errorf("outcomes %v: want the copy indexed and the duplicate under another ID unchanged", got)
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	res, err := e.Search(ctx, corpus.Query{Text: "harbour"})
	if err != nil || res.Total != 2 || res.Hits[0].Story != "d1" || res.Hits[1].Story != "d1" {
		t.Errorf("after Flush: %+v %v, want d1 and d2 searchable, one story", res, err)
	}
}

func testRename(t *testing.T, c *ostest.Cluster) {
	e := openSet(t, c, "")
	ctx := context.Background()
	if _, err := e.Put(ctx, []corpus.Article{
		art("r1", "Wire", "1985-01-02", "Budget", "the president spoke", "Reagan", "Tip O'Neill"),
		art("r2", "Wire", "1985-01-03", "Summit", "the president flew", "Ronald Reagan"),
		art("r3", "Wire", "1985-01-04", "Other", "nothing of him", "Mikhail Gorbachev"),
	}); err != nil {
		t.Fatal(err)
	}
	n, err := e.RenamePersons(ctx, map[string]string{"Reagan": "Ronald Reagan", "Acme Corp": ""})
	if err != nil || n != 1 {
		t.Fatalf("renamed %d %v, want 1", n, err)
	}
	a, err := e.Article(ctx, "r1")
	if err != nil || !slices.Equal(a.Persons, []string{"Ronald Reagan", "Tip O'Neill"}) {
		t.Errorf("r1 persons %v %v", a.Persons, err)
	}
	res, err := e.Search(ctx, corpus.Query{Persons: []string{"ronald reagan"}})
	if err != nil || res.Total != 2 {
		t.Errorf("person ronald reagan: %+v %v, want both articles", res, err)
	}
	// The name moved is remembered: a look-up, a filter and the person page
	// lead from it to the person, as on the Bleve engine.
	if look, err := e.LookUpPerson(ctx, "Reagan"); err != nil || look.Canonical != "Ronald Reagan" || look.Via != "name book" {
		t.Errorf("look up Reagan: %+v %v, want Ronald Reagan by the name book", look, err)
	}
	if res, err := e.Search(ctx, corpus.Query{Persons: []string{"Reagan"}}); err != nil || res.Total != 2 || len(res.Notices) != 1 {
		t.Errorf("person Reagan: %+v %v, want Ronald Reagan's 2 articles with a notice", res, err)
	}
	p, err := e.PersonProfile(ctx, "Ronald Reagan", 5, 5)
	if err != nil || len(p.Aliases) != 1 || p.Aliases[0] != (corpus.PersonAlias{Name: "Reagan", Via: "name book"}) {
		t.Errorf("Ronald Reagan's aliases: %+v %v, want Reagan by the name book", p.Aliases, err)
	}
}
