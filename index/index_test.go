package index_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

func TestSnippetsMarkMatchesAndEscapeTheRest(t *testing.T) {
	ix := openTestIndex(t)
	res, err := ix.Search(context.Background(), corpus.Query{Text: `"water rights" alert`})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "a6" {
		t.Fatalf("hits = %+v, want a6", res.Hits)
	}
	s := res.Hits[0].Snippet
	for _, want := range []string{"<mark>water</mark> <mark>rights</mark>", "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"} {
		if !strings.Contains(s, want) {
			t.Errorf("snippet %q lacks %q", s, want)
		}
	}
	if strings.Contains(s, "<script>") {
		t.Errorf("snippet %q carries markup from the article", s)
	}
}

func TestBrowseSnippetIsTheEscapedLead(t *testing.T) {
	ix := openTestIndex(t)
	res, err := ix.Search(context.Background(), corpus.Query{Persons: []string{"Amara Sethi"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %+v", res.Hits)
	}
	want := "Judge Amara Sethi heard arguments over water rights. The expansion of the port was not discussed. &lt;script&gt;alert(1)&lt;/script&gt; appeared in a filing."
	if got := res.Hits[0].Snippet; got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
}

func TestPutReportsIndexedUpdatedUnchanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := corpus.Article{ID: "x", Title: "First", Body: "Body text", Persons: []string{"Jane Doe"}}
	b := corpus.Article{ID: "y", Title: "Second", Body: "Other text"}
	got, err := ix.Put(ctx, []corpus.Article{a, b, a})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corpus.Outcome{corpus.Indexed, corpus.Indexed, corpus.Unchanged}, got); diff != "" {
		t.Errorf("first put (-want +got):\n%s", diff)
	}
	a2 := a
	a2.Body = "Body text, corrected"
	a2.Source = "elsewhere.txt" // where it was read from does not make it another article
	b2 := b
	b2.Source = "moved.txt"
	got, err = ix.Put(ctx, []corpus.Article{a2, b2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corpus.Outcome{corpus.Updated, corpus.Unchanged}, got); diff != "" {
		t.Errorf("second put (-want +got):\n%s", diff)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// Everything survives a reopen.
	ix, err = index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != 2 {
		t.Errorf("count = %d, %v; want 2", n, err)
	}
	got, err = ix.Put(ctx, []corpus.Article{a2})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != corpus.Unchanged {
		t.Errorf("re-put after reopen = %v, want unchanged", got[0])
	}
}

func TestArticleRoundTrip(t *testing.T) {
	ctx := context.Background()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want := corpus.Article{
		ID: "rt", URL: "https://ledger.example/a", Outlet: "The Northern Ledger",
		Published: time.Date(2024, 11, 5, 9, 30, 0, 0, time.UTC), PublishedSource: corpus.DateFromMeta,
		Title: "Title", Authors: []string{"Ana Ruiz", "Tom Berg"}, Body: "Body <b>kept</b> as text.",
		Persons: []string{"Helena Okafor", "Marcus Feld"}, Source: "pages/a.html",
		IngestedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	before := time.Now()
	if _, err := ix.Put(ctx, []corpus.Article{want}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	want.Story = "rt" // an article with no copies is a story of its own
	got, err := ix.Article(ctx, "rt")
	if err != nil {
		t.Fatal(err)
	}
	// Put stamps the arrival: the time of the batch.
	if got.Arrived.Before(before) || got.Arrived.After(after) {
		t.Errorf("arrived %v, not within the Put (%v to %v)", got.Arrived, before, after)
	}
	want.Arrived = got.Arrived
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("article (-want +got):\n%s", diff)
	}
	_, err = ix.Article(ctx, "nope")
	if code := corpus.ErrorCode(err); code != corpus.ENotFound {
		t.Errorf("unknown id: error %v (code %q), want not_found", err, code)
	}
}

func TestBadSearchesAreTheCallersErrors(t *testing.T) {
	ix := openTestIndex(t)
	for _, c := range []struct {
		name string
		q    corpus.Query
		code string
	}{
		{"unclosed quote", corpus.Query{Text: `"harbor expansion`}, corpus.EInvalidQuery},
		{"dangling plus", corpus.Query{Text: `harbor +`}, corpus.EInvalidQuery},
		{"unknown field", corpus.Query{Text: `colour:red`}, corpus.EInvalidQuery},
		{"numeric range", corpus.Query{Text: `title:>5`}, corpus.EInvalidQuery},
		{"date range on a text field", corpus.Query{Text: `title:>="2024-01-01"`}, corpus.EInvalidQuery},
		{"bad regexp", corpus.Query{Text: `/[a-/`}, corpus.EInvalidQuery},
		{"too fuzzy", corpus.Query{Text: `harbour~5`}, corpus.EQueryTooCostly},
		{"date outside what the engine holds", corpus.Query{Text: `published:>=1500`}, corpus.EInvalidDate},
		{"to beyond what the engine holds", corpus.Query{To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, corpus.EInvalidDate},
		{"page number that would overflow", corpus.Query{Page: 92233720368547759, Size: 100}, corpus.EInvalidRequest},
		{"page past the results", corpus.Query{Text: "harbor", Page: 5}, corpus.EPageOutOfRange},
		{"page past the window", corpus.Query{Page: 1001, Size: 10}, corpus.EPageOutOfRange},
		{"page zero or less", corpus.Query{Page: -1}, corpus.EInvalidRequest},
		{"size too large", corpus.Query{Size: 1000}, corpus.EInvalidRequest},
		{"empty date range", corpus.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, corpus.EInvalidDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), c.q)
			if code := corpus.ErrorCode(err); code != c.code {
				t.Errorf("error %v has code %q, want %q", err, code, c.code)
			}
		})
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = index.Open(dir, index.Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, index.ErrLocked) {
		t.Errorf("second open: %v, want ErrLocked", err)
	}
}

func TestSnippetsStartAndEndOnWholeWords(t *testing.T) {
	ctx := context.Background()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var words []string
	for i := range 200 {
		words = append(words, fmt.Sprintf("w%s%d", strings.Repeat("x", i%7), i))
	}
	words[100] = "zeppelin"
	if _, err := ix.Put(ctx, []corpus.Article{{ID: "long", Title: "Long", Body: strings.Join(words, " ")}}); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, corpus.Query{Text: "zeppelin"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("hits %v, err %v", res, err)
	}
	snippet := strings.Trim(res.Hits[0].Snippet, "…")
	if !strings.Contains(snippet, "<mark>zeppelin</mark>") {
		t.Fatalf("snippet %q lacks the match", snippet)
	}
	for _, w := range strings.Fields(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet)) {
		if !slices.Contains(words, w) {
			t.Errorf("snippet %q has a cut word %q", snippet, w)
		}
	}
}

func TestDuplicatesUnderOtherIDsAreCountedNotStored(t *testing.T) {
	ctx := context.Background()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	first := corpus.Article{ID: "feed-1", URL: "https://www.ledger.example/a/", Title: "Quay", Body: "The quay opens on Monday."}
	sameURL := corpus.Article{ID: "export-9", URL: "http://ledger.example/a", Title: "Quay opens", Body: "The new quay opens on Monday, the council said."}
	sameText := corpus.Article{ID: "scrape-3", Title: "QUAY OPENS", Body: "The quay  opens on\nMonday!"}
	other := corpus.Article{ID: "feed-2", URL: "https://ledger.example/b", Body: "The ferry timetable changes in May."}
	got, err := ix.Put(ctx, []corpus.Article{first, sameURL})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corpus.Outcome{corpus.Indexed, corpus.Unchanged}, got); diff != "" {
		t.Errorf("same URL in one batch (-want +got):\n%s", diff)
	}
	got, err = ix.Put(ctx, []corpus.Article{sameText, other, sameURL})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corpus.Outcome{corpus.Unchanged, corpus.Indexed, corpus.Unchanged}, got); diff != "" {
		t.Errorf("same text and same URL in a later batch (-want +got):\n%s", diff)
	}
	if n, _ := ix.Count(); n != 2 {
		t.Errorf("%d articles stored, want 2", n)
	}
}
