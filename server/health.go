package server

import (
	"html/template"

	"github.com/article-archive/archive/corpus"
)

// HealthReporter is what the server needs from a Searcher to tell a damaged
// archive from a sound one: /healthz reports it, and every page shows a banner
// while it is degraded. A Searcher without it is taken as sound; *index.Index
// has it.
type HealthReporter interface {
	// Health says whether the archive holds everything it acknowledged, and if
	// not, what is missing and what to do.
	Health() corpus.Health
}

// archiveHealth returns the health of searcher, or a sound one when it cannot say.
func archiveHealth(searcher Searcher) corpus.Health {
	if h, ok := searcher.(HealthReporter); ok {
		return h.Health()
	}
	return corpus.Health{Status: corpus.HealthOK}
}

// healthFuncs are the page functions that ask the archive: "damage" is the health
// of a degraded archive, for the banner at the top of every page, or nil.
func healthFuncs(searcher Searcher) template.FuncMap {
	return template.FuncMap{
		"damage": func() *corpus.Health {
			if searcher == nil {
				return nil
			}
			h := archiveHealth(searcher)
			if !h.Degraded() {
				return nil
			}
			return &h
		},
	}
}
