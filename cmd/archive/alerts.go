package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/article-archive/archive/alerts"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/server"
)

// The index tells the alerts watcher of each batch of new articles, and the
// watcher checks them against the saved searches (index.Matching) and sends
// the matches to the webhooks.
var (
	_ alerts.Matcher       = (*index.Index)(nil)
	_ alerts.Articles      = (*index.Index)(nil)
	_ server.SavedSearches = (*alerts.Store)(nil)
)

// alertsGrace is how long a stopping command waits for the webhook deliveries
// still queued.
const alertsGrace = 5 * time.Second

// watchSavedSearches checks every batch of new articles ix stores against the
// saved searches until the returned function is called, which stops it (waiting
// up to alertsGrace for queued deliveries). baseURL, when known, gives the
// delivered articles links to their pages.
func watchSavedSearches(ix *index.Index, saved *alerts.Store, baseURL string, log *slog.Logger) func() {
	w := alerts.Start(saved, ix, ix, alerts.Options{Logger: log, BaseURL: baseURL})
	ix.OnArrivals(func(a index.Arrivals) { w.Arrived(a.IDs, a.At) })
	return func() {
		ix.OnArrivals(nil)
		ctx, cancel := context.WithTimeout(context.Background(), alertsGrace)
		defer cancel()
		w.Close(ctx)
	}
}
