package server

import (
	"cmp"
	"context"
	"html/template"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// StoryTeller gives the story view of an article: every copy of its story, the
// first first, with what each changed. *index.Index has it; a Searcher without it
// serves the article page without the story view.
type StoryTeller interface {
	// Story returns the story of article id, or a corpus.ENotFound error.
	Story(ctx context.Context, id string) (corpus.Story, error)
}

// storyTeller returns the Searcher's StoryTeller, or an error saying the feature
// is off.
func (s *Server) storyTeller() (StoryTeller, error) {
	if st, ok := s.search.(StoryTeller); ok {
		return st, nil
	}
	return nil, corpus.Errorf(corpus.ENotFound, "this archive's engine does not offer the story view")
}

// apiStory is the answer of GET /api/v1/story/{id}.
type apiStory struct {
	ID            string         `json:"id"`
	Summary       string         `json:"summary"`
	FirstOutlet   *string        `json:"first_outlet"`
	Outlets       int            `json:"outlets"`
	PickedUpBy    int            `json:"picked_up_by"`
	WithinMinutes *int           `json:"within_minutes"`
	Undated       int            `json:"undated"`
	Truncated     bool           `json:"truncated"`
	Copies        []apiStoryCopy `json:"copies"`
}

// apiStoryCopy is one copy in apiStory.
type apiStoryCopy struct {
	ID        string           `json:"id"`
	Title     *string          `json:"title"`
	URL       *string          `json:"url"`
	Outlet    *string          `json:"outlet"`
	Published *time.Time       `json:"published"`
	First     bool             `json:"first"`
	AlsoIn    int              `json:"also_in"`
	Changes   *corpus.WordDiff `json:"changes"`
}

func newAPIStory(st corpus.Story) apiStory {
	out := apiStory{ID: st.ID, Summary: st.Summary, FirstOutlet: nullable(st.FirstOutlet), Outlets: st.Outlets,
		PickedUpBy: st.PickedUpBy, WithinMinutes: st.WithinMinutes, Undated: st.Undated, Truncated: st.Truncated,
		Copies: make([]apiStoryCopy, len(st.Copies))}
	for i, c := range st.Copies {
		out.Copies[i] = apiStoryCopy{ID: c.ID, Title: nullable(c.Title), URL: nullable(c.URL), Outlet: nullable(c.Outlet),
			Published: nullableTime(c.Published), First: c.First, AlsoIn: c.AlsoIn, Changes: c.Changes}
	}
	return out
}

// apiStoryOf answers GET /api/v1/story/{id}: the story view of the article.
func (s *Server) apiStoryOf(c *gin.Context) (any, error) {
	st, err := s.storyTeller()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.timeout)
	defer cancel()
	story, err := st.Story(ctx, articleID(c))
	if err != nil {
		return nil, err
	}
	return newAPIStory(story), nil
}

// storyView is the story view on the article page.
type storyView struct {
	Summary string
	Copies  []storyCopyView
	// Shown says the story has other copies than the article: a story of one
	// shows only its sentence.
	Shown bool
}

// storyCopyView is one copy of the story on the article page.
type storyCopyView struct {
	Title, URL, Outlet, Date string
	First, Current           bool
	AlsoIn                   int
	Changes                  *corpus.WordDiff
	// Diff is HTML: the words the copy inserted in <ins>, deleted in <del>,
	// every word escaped.
	Diff template.HTML
}

// newStoryView makes the article page's story view of the article id.
func newStoryView(st corpus.Story, id, text string) *storyView {
	v := &storyView{Summary: st.Summary, Shown: len(st.Copies) > 1}
	for _, c := range st.Copies {
		cv := storyCopyView{Title: cmp.Or(c.Title, "(untitled)"), URL: articleURL(c.ID, text), Outlet: c.Outlet,
			Date: storyDate(c.Published), First: c.First, Current: c.ID == id, AlsoIn: c.AlsoIn, Changes: c.Changes}
		if c.Changes != nil && c.Changes.Inserted+c.Changes.Deleted > 0 {
			cv.Diff = diffHTML(c.Changes.Ops)
		}
		v.Copies = append(v.Copies, cv)
	}
	return v
}

// diffHTML writes a word diff as HTML: insertions in <ins>, deletions in <del>,
// unchanged runs as they are (shortened); all text escaped.
func diffHTML(ops []corpus.DiffOp) template.HTML {
	var b strings.Builder
	for i, op := range ops {
		if i > 0 {
			b.WriteByte(' ')
		}
		text := template.HTMLEscapeString(op.Text)
		switch op.Op {
		case corpus.DiffInsert:
			b.WriteString("<ins>" + text + "</ins>")
		case corpus.DiffDelete:
			b.WriteString("<del>" + text + "</del>")
		default:
			b.WriteString(text)
		}
	}
	return template.HTML(b.String()) // escaped above
}

// storyDate is a copy's date with its time, which tells the copies of one day
// apart.
func storyDate(t time.Time) string {
	if t.IsZero() {
		return dateLabel(t)
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}
