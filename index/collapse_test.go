package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

// TestCollapsedCursorPagesShowEachStoryOnce pages through a collapsed search by
// cursor, oldest first, where one story has its first copy on the first day and
// another copy on the last: the story is on the first page and on no other.
func TestCollapsedCursorPagesShowEachStoryOnce(t *testing.T) {
	ctx := context.Background()
	ix, err := index.Open(t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	day := func(d int) time.Time { return time.Date(2024, 3, d, 9, 0, 0, 0, time.UTC) }
	r := rand.New(rand.NewPCG(3, 5))
	words := strings.Fields("council ferry quay tide budget school bridge river market vote mayor court")
	articles := []corpus.Article{
		{ID: "wire", Outlet: "Valley Wire", Title: "Port to double", Body: wireStory, Published: day(1)},
		{ID: "wire-late", Outlet: "Coastline Daily", Title: "Port to double (late copy)", Body: wireStory + " Reprinted with permission.", Published: day(28)},
	}
	for i := 2; i <= 13; i++ {
		w := make([]string, 60)
		for j := range w {
			w[j] = words[r.IntN(len(words))]
		}
		articles = append(articles, corpus.Article{ID: fmt.Sprintf("single-%02d", i), Outlet: "The Ledger",
			Title: "Harbor note " + w[0], Body: "harbor " + strings.Join(w, " "), Published: day(i)})
	}
	if _, err := ix.Put(ctx, articles); err != nil {
		t.Fatal(err)
	}
	if a, err := ix.Article(ctx, "wire-late"); err != nil || a.Story != "wire" {
		t.Fatalf("the late copy is not in the wire story: %+v %v", a.Story, err)
	}

	q := corpus.Query{Text: "harbor", Collapse: true, Sort: corpus.SortOldest, Size: 4}
	shown := map[string]string{}
	for page := 1; ; page++ {
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if before, ok := shown[h.Story]; ok {
				t.Errorf("page %d shows story %s again (hit %s; first as %s)", page, h.Story, h.ID, before)
			}
			shown[h.Story] = h.ID
		}
		if res.Next == "" || page > 10 {
			break
		}
		q.After, q.Page = res.Next, page+1
	}
	if len(shown) != 13 || shown["wire"] != "wire" {
		t.Errorf("stories shown: %v, want 13 with the wire story as its first copy", shown)
	}
}
