package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Matcher runs searches on the given articles only (*index.Index does), so that
// new articles are checked against the saved searches without running them over
// the whole archive. It calls found with each query's place in queries and the
// articles it matches, or the error that keeps it from running.
type Matcher interface {
	Matching(ctx context.Context, ids []string, queries []corpus.Query, found func(query int, matched []string, err error)) error
}

// Searches are the saved searches as the watcher sees them: *Store (a file in
// the data directory) or *SharedStore (documents several servers share).
type Searches interface {
	// Watching returns the saved searches whose queries parse, with their
	// webhook secrets.
	Watching(ctx context.Context) ([]Watched, error)
	// Change changes the saved search id, if it is still there; the change is
	// kept by the next Flush at the latest.
	Change(id string, change func(*corpus.SavedSearch))
	// Flush keeps the changes made since the last one.
	Flush(ctx context.Context) error
}

// Watched is a saved search as the watcher checks it: with its webhook secret,
// and its query parsed.
type Watched struct {
	Search corpus.SavedSearch
	Query  corpus.Query
}

// Articles reads stored articles, for the webhook's deliveries.
type Articles interface {
	Article(ctx context.Context, id string) (corpus.Article, error)
}

// Bounds on the watcher's work.
const (
	// MaxPending is how many new articles may wait to be checked; more (a
	// watcher far behind a bulk ingest) are dropped, and counted in the log.
	MaxPending = 200000
	// maxCheck is how many new articles one check takes (index.MaxMatchIDs).
	maxCheck = 10000
	// MaxArticlesPerDelivery is how many articles one webhook delivery carries;
	// a check that matched more sends several.
	MaxArticlesPerDelivery = 100
	// maxDeliveryBody bounds a delivery's JSON.
	maxDeliveryBody = 4 << 20
)

// Options configure a Watcher. Zero values take the defaults.
type Options struct {
	Logger *slog.Logger
	// Interval is the least time between two checks of new articles (10 s),
	// unless a full check's worth (10,000) is waiting: the batches that arrive
	// meanwhile are checked together. A check costs a little for each saved
	// search whatever the number of articles, so a bulk ingest is checked in
	// few, large checks. After a quiet spell, new articles are checked at once.
	Interval time.Duration
	// Client sends the webhooks (10 s timeout, no redirects followed).
	Client *http.Client
	// Backoff is the wait before the first retry of a failed delivery (2 s); it
	// doubles with each retry, up to MaxAttempts attempts in all (6).
	Backoff     time.Duration
	MaxAttempts int
	// QueueSize bounds the deliveries waiting to be sent (1,000); a delivery
	// that finds the queue full is dropped and counted on its saved search.
	QueueSize int
	// BaseURL, when set, makes each delivered article carry a link to its page
	// in the archive (BaseURL + "/articles/" + ID).
	BaseURL string
}

// Watcher checks new articles against the saved searches and delivers the
// matches to their webhooks. Arrived never blocks: the checks and the deliveries
// run on goroutines of their own.
type Watcher struct {
	store    Searches
	match    Matcher
	articles Articles
	opts     Options
	log      *slog.Logger

	mu      sync.Mutex
	pending []arrival
	dropped int
	wake    chan struct{}
	full    chan struct{} // a full check's worth is waiting

	queue   chan *delivery
	stop    chan struct{}
	checker sync.WaitGroup // the goroutine that checks new articles
	done    sync.WaitGroup // the senders
	// waiting are the retries waiting for their time (held by mu).
	waiting  map[*delivery]*time.Timer
	stopOnce sync.Once
	closing  chan struct{} // closed when the senders are to finish
}

// arrival is a new article waiting to be checked.
type arrival struct {
	id string
	at time.Time
}

// delivery is one webhook POST, with its attempts.
type delivery struct {
	search, url, secret, id string
	body                    []byte
	attempt                 int
}

// Start starts a watcher over store.
func Start(store Searches, m Matcher, a Articles, opts Options) *Watcher {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Interval <= 0 {
		opts.Interval = 10 * time.Second
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 2 * time.Second
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 6
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 1000
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	w := &Watcher{store: store, match: m, articles: a, opts: opts, log: opts.Logger,
		wake: make(chan struct{}, 1), full: make(chan struct{}, 1), queue: make(chan *delivery, opts.QueueSize),
		stop: make(chan struct{}), closing: make(chan struct{})}
	w.checker.Add(1)
	go w.run()
	for range 2 {
		w.done.Add(1)
		go w.send()
	}
	return w
}

// Arrived queues new articles (arrived at at) to be checked against the saved
// searches. It never blocks.
func (w *Watcher) Arrived(ids []string, at time.Time) {
	if len(ids) == 0 {
		return
	}
	w.mu.Lock()
	room := MaxPending - len(w.pending)
	if len(ids) > room {
		w.dropped += len(ids) - max(room, 0)
		ids = ids[:max(room, 0)]
	}
	for _, id := range ids {
		w.pending = append(w.pending, arrival{id: id, at: at})
	}
	full := len(w.pending) >= maxCheck
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	if full {
		select {
		case w.full <- struct{}{}:
		default:
		}
	}
}

// Close stops the watcher: it checks what is pending once more, then waits for
// the queued deliveries until ctx ends (retries still waiting are dropped).
func (w *Watcher) Close(ctx context.Context) {
	w.stopOnce.Do(func() {
		close(w.stop)
		finished := make(chan struct{})
		go func() {
			w.checker.Wait() // it ends the check it was making
			w.check(ctx)
			close(w.closing)
			w.done.Wait()
			w.mu.Lock()
			given := w.waiting
			w.waiting = nil
			w.mu.Unlock()
			for d, t := range given {
				if t.Stop() {
					w.fail(d, "the server stopped before the retry", true)
				}
			}
			w.flush(ctx)
			close(finished)
		}()
		select {
		case <-finished:
		case <-ctx.Done():
		}
	})
}

func (w *Watcher) run() {
	defer w.checker.Done()
	ctx := context.Background()
	tick := time.NewTicker(w.opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
			// What deliveries and matches changed reaches the file at most this often.
			w.flush(ctx)
			continue
		case <-w.wake:
		}
		w.check(ctx)
		// Batches arriving meanwhile are checked together, next time.
		select {
		case <-w.full: // from before the check
		default:
		}
		select {
		case <-w.stop:
			return
		case <-w.full:
		case <-time.After(w.opts.Interval):
		}
	}
}

// flush writes the store's changed statuses, logging a failure.
func (w *Watcher) flush(ctx context.Context) {
	if err := w.store.Flush(ctx); err != nil {
		w.log.Error("recording the saved searches' webhook statuses", "err", err)
	}
}

// check takes the pending articles and checks them against every saved search.
func (w *Watcher) check(ctx context.Context) {
	for ctx.Err() == nil {
		w.mu.Lock()
		n := min(len(w.pending), maxCheck)
		batch := w.pending[:n:n]
		w.pending = w.pending[n:]
		if len(w.pending) == 0 {
			w.pending = nil
		}
		dropped := w.dropped
		w.dropped = 0
		w.mu.Unlock()
		if dropped > 0 {
			w.log.Warn("new articles were not checked against the saved searches: too many were waiting", "dropped", dropped)
		}
		if len(batch) == 0 {
			return
		}
		w.checkBatch(ctx, batch)
	}
}

// checkBatch checks ids against every saved search and sends the matches to the
// webhooks.
func (w *Watcher) checkBatch(ctx context.Context, batch []arrival) {
	loaded := map[string]corpus.Article{}
	list, err := w.store.Watching(ctx)
	if err != nil {
		w.log.Warn("new articles were not checked against the saved searches: they cannot be read", "articles", len(batch), "err", err)
		return
	}
	if len(list) == 0 {
		return
	}
	ids := make([]string, len(batch))
	arrived := make(map[string]time.Time, len(batch))
	for i, a := range batch {
		ids[i], arrived[a.id] = a.id, a.at
	}
	queries := make([]corpus.Query, len(list))
	for i, s := range list {
		queries[i] = s.Query
	}
	err = w.match.Matching(ctx, ids, queries, func(i int, matched []string, err error) {
		s := list[i].Search
		if err != nil {
			w.log.Warn("checking new articles against a saved search failed", "search", s.ID, "err", err)
			return
		}
		if len(matched) == 0 {
			return
		}
		var newest time.Time
		for _, id := range matched {
			if arrived[id].After(newest) {
				newest = arrived[id]
			}
		}
		w.store.Change(s.ID, func(ss *corpus.SavedSearch) {
			if newest.After(ss.LastMatch) {
				ss.LastMatch = newest.UTC()
			}
		})
		if s.Webhook == "" {
			return
		}
		for start := 0; start < len(matched); start += MaxArticlesPerDelivery {
			part := matched[start:min(len(matched), start+MaxArticlesPerDelivery)]
			id := "d" + randomHex(8)
			body, err := w.payload(ctx, id, s, part, loaded)
			if err != nil {
				w.log.Warn("a webhook delivery cannot be made", "search", s.ID, "err", err)
				continue
			}
			w.enqueue(&delivery{search: s.ID, url: s.Webhook, secret: s.WebhookSecret, id: id, body: body})
		}
	})
	if err != nil && ctx.Err() == nil {
		w.log.Warn("checking new articles against the saved searches failed", "articles", len(ids), "err", err)
	}
}

// Payload is the JSON body of a webhook delivery.
type Payload struct {
	// Delivery is the delivery's ID, the same on every attempt (X-Archive-Delivery).
	Delivery string       `json:"delivery"`
	Search   PayloadQuery `json:"search"`
	// Articles are the new matches, newest arrival first.
	Articles []PayloadArticle `json:"articles"`
}

// PayloadQuery names the saved search in a delivery.
type PayloadQuery struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Query string `json:"query"`
}

// PayloadArticle is one new match in a delivery.
type PayloadArticle struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	URL       *string    `json:"url"`
	Outlet    *string    `json:"outlet"`
	Published *time.Time `json:"published"`
	Arrived   time.Time  `json:"arrived"`
	// Link is the article's page in the archive, when the archive knows its address.
	Link *string `json:"link"`
}

func (w *Watcher) payload(ctx context.Context, deliveryID string, s corpus.SavedSearch, ids []string, loaded map[string]corpus.Article) ([]byte, error) {
	p := Payload{Delivery: deliveryID, Search: PayloadQuery{ID: s.ID, Name: s.Name, Query: s.Query}}
	for _, id := range ids {
		a, ok := loaded[id]
		if !ok {
			var err error
			if a, err = w.articles.Article(ctx, id); err != nil {
				return nil, err
			}
			loaded[id] = a
		}
		pa := PayloadArticle{ID: a.ID, Title: a.Title, URL: optional(a.URL), Outlet: optional(a.Outlet), Arrived: a.ArrivedAt()}
		if !a.Published.IsZero() {
			t := a.Published
			pa.Published = &t
		}
		if w.opts.BaseURL != "" {
			pa.Link = optional(w.opts.BaseURL + "/articles/" + url.PathEscape(a.ID))
		}
		p.Articles = append(p.Articles, pa)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	if len(body) > maxDeliveryBody {
		return nil, fmt.Errorf("the delivery would be %d bytes, more than %d", len(body), maxDeliveryBody)
	}
	return body, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// enqueue queues d without blocking; a full queue drops it.
func (w *Watcher) enqueue(d *delivery) {
	select {
	case w.queue <- d:
	default:
		w.fail(d, "the delivery queue is full (the webhook receivers are slower than the alerts)", true)
	}
}

// send delivers what is queued until the watcher closes.
func (w *Watcher) send() {
	defer w.done.Done()
	for {
		select {
		case d := <-w.queue:
			w.attempt(d)
		case <-w.closing:
			// What is queued still goes, once.
			for {
				select {
				case d := <-w.queue:
					d.attempt = w.opts.MaxAttempts - 1
					w.attempt(d)
				default:
					return
				}
			}
		}
	}
}

// Headers of a webhook delivery.
const (
	HeaderSignature = "X-Archive-Signature"
	HeaderTimestamp = "X-Archive-Timestamp"
	HeaderDelivery  = "X-Archive-Delivery"
)

// Sign returns the X-Archive-Signature of a delivery's body sent at timestamp
// (Unix seconds, as in X-Archive-Timestamp): "sha256=" and the hex HMAC-SHA256,
// keyed with the saved search's webhook secret, of the timestamp, a dot and
// the raw body.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery as a receiver should: the signature over the
// timestamp and body, compared in constant time, and the timestamp within
// tolerance of now, so that a recorded delivery cannot be replayed later.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("alerts: the timestamp is not Unix seconds")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("alerts: the timestamp is %s away from now, more than %s", d.Round(time.Second), tolerance)
	}
	if !hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature)) {
		return errors.New("alerts: the signature does not match")
	}
	return nil
}

// attempt POSTs d once, and schedules a retry or records the failure.
func (w *Watcher) attempt(d *delivery) {
	d.attempt++
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, nil)
	if err != nil {
		w.fail(d, "the webhook URL cannot be requested", true)
		return
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Body = io.NopCloser(bytes.NewReader(d.body))
	req.ContentLength = int64(len(d.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ArticleArchive-Webhook/1")
	req.Header.Set(HeaderDelivery, d.id)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(d.secret, ts, d.body))
	res, err := w.opts.Client.Do(req)
	var why string
	switch {
	case err != nil:
		// The URL error names the URL, which may hold the receiver's own secret:
		// only its cause is kept.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		why = "the receiver cannot be reached: " + err.Error()
	default:
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		if res.StatusCode < 200 || res.StatusCode > 299 {
			why = fmt.Sprintf("the receiver answered %d %s", res.StatusCode, http.StatusText(res.StatusCode))
		}
	}
	if why == "" {
		now := time.Now().UTC()
		w.store.Change(d.search, func(ss *corpus.SavedSearch) {
			st := &ss.Delivery
			st.Delivered++
			st.LastSuccess = now
			st.Failures = 0
		})
		return
	}
	last := d.attempt >= w.opts.MaxAttempts
	w.fail(d, why, last)
	if last {
		return
	}
	wait := w.opts.Backoff << (d.attempt - 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiting == nil {
		w.waiting = map[*delivery]*time.Timer{}
	}
	w.waiting[d] = time.AfterFunc(wait, func() {
		w.mu.Lock()
		_, mine := w.waiting[d]
		delete(w.waiting, d)
		w.mu.Unlock()
		if mine {
			w.enqueue(d)
		}
	})
}

// fail records a failed attempt of d; dropped says it is given up.
func (w *Watcher) fail(d *delivery, why string, dropped bool) {
	now := time.Now().UTC()
	w.log.Warn("webhook delivery failed", "search", d.search, "delivery", d.id, "attempt", d.attempt, "why", why, "given_up", dropped)
	w.store.Change(d.search, func(ss *corpus.SavedSearch) {
		st := &ss.Delivery
		st.Failures++
		st.LastError = why
		st.LastFailure = now
		if dropped {
			st.Dropped++
		}
	})
}
