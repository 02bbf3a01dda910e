package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/server"
)

// damagedSearcher is a fakeSearcher whose archive reports its health.
type damagedSearcher struct {
	fakeSearcher
	health corpus.Health
}

func (d *damagedSearcher) Health() corpus.Health { return d.health }

func TestHealthzAndBannerOfADegradedArchive(t *testing.T) {
	degraded := corpus.Health{
		Status:        corpus.HealthDegraded,
		Problems:      []string{"the record store has lost 573 acknowledged articles that the index lists (rec-1, …)"},
		Missing:       &corpus.MissingArticles{Articles: 573, FromSeq: 3, ToSeq: 3, IDs: []string{"rec-1"}},
		WritesRefused: true,
	}
	for _, c := range []struct {
		name     string
		searcher server.Searcher
		want     map[string]any
		banner   bool
	}{
		{"no health to report", &fakeSearcher{results: sampleResults()}, map[string]any{"status": "ok", "articles": 42.0}, false},
		{"healthy", &damagedSearcher{fakeSearcher{results: sampleResults()}, corpus.Health{Status: corpus.HealthOK}}, map[string]any{"status": "ok", "articles": 42.0}, false},
		{"degraded", &damagedSearcher{fakeSearcher{results: sampleResults()}, degraded}, map[string]any{
			"status": "degraded", "articles": 42.0, "writes_refused": true,
			"problems": []any{"the record store has lost 573 acknowledged articles that the index lists (rec-1, …)"},
			"missing":  map[string]any{"articles": 573.0, "from_seq": 3.0, "to_seq": 3.0, "ids": []any{"rec-1"}},
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := server.New(server.Config{Searcher: c.searcher})
			res, body := get(t, h, "/healthz")
			var got map[string]any
			if err := json.Unmarshal([]byte(body), &got); err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("/healthz: %d %v %s", res.StatusCode, err, body)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("/healthz (-want +got):\n%s", diff)
			}
			for _, page := range []string{"/?q=harbor", "/articles/a1", "/nowhere"} {
				_, body := get(t, h, page)
				if has := strings.Contains(body, `class="damage"`) && strings.Contains(body, "573 acknowledged articles"); has != c.banner {
					t.Errorf("%s: banner shown %v, want %v", page, has, c.banner)
				}
			}
		})
	}
}
