package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/opensearch"
	"github.com/article-archive/archive/server"
)

// Each engine tells the alerts watcher of each batch of new articles it stores,
// and the watcher checks them against the saved searches (Matching) and sends
// the matches to the webhooks. The Bleve engine keeps the saved searches in a
// file of the data directory; the OpenSearch engine in an index of the cluster,
// which every server sharing it reads.
var (
	_ alerts.Matcher       = (*index.Index)(nil)
	_ alerts.Articles      = (*index.Index)(nil)
	_ alerts.Matcher       = (*opensearch.Engine)(nil)
	_ alerts.Articles      = (*opensearch.Engine)(nil)
	_ alerts.Documents     = (*opensearch.SavedSearchIndex)(nil)
	_ server.SavedSearches = (*alerts.Store)(nil)
	_ server.SavedSearches = (*alerts.SharedStore)(nil)
	_ alerts.Searches      = (*alerts.Store)(nil)
	_ alerts.Searches      = (*alerts.SharedStore)(nil)
)

// alertsGrace is how long a stopping command waits for the webhook deliveries
// still queued.
const alertsGrace = 5 * time.Second

// arrivalsHook has an engine tell f of each batch of new articles it stores;
// nil stops it.
type arrivalsHook func(f func(ids []string, at time.Time))

func indexArrivals(ix *index.Index) arrivalsHook {
	return func(f func([]string, time.Time)) {
		if f == nil {
			ix.OnArrivals(nil)
			return
		}
		ix.OnArrivals(func(a index.Arrivals) { f(a.IDs, a.At) })
	}
}

func clusterArrivals(eng *opensearch.Engine) arrivalsHook {
	return func(f func([]string, time.Time)) {
		if f == nil {
			eng.OnArrivals(nil)
			return
		}
		eng.OnArrivals(func(a opensearch.Arrivals) { f(a.IDs, a.At) })
	}
}

// watchSavedSearches checks every batch of new articles the engine stores
// against the saved searches until the returned function is called, which
// stops it (waiting up to alertsGrace for queued deliveries). baseURL, when
// known, gives the delivered articles links to their pages.
func watchSavedSearches(m alerts.Matcher, a alerts.Articles, arrivals arrivalsHook, saved alerts.Searches, baseURL string, log *slog.Logger) func() {
	w := alerts.Start(saved, m, a, alerts.Options{Logger: log, BaseURL: baseURL})
	arrivals(w.Arrived)
	return func() {
		arrivals(nil)
		ctx, cancel := context.WithTimeout(context.Background(), alertsGrace)
		defer cancel()
		w.Close(ctx)
	}
}
