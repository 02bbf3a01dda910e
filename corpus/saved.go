package corpus

import "time"

// SavedSearch is a search kept under a name, to come back to and to be alerted
// of: its feeds list its newest matches by arrival, and its webhook is sent the
// new matches as they arrive (package alerts keeps them).
type SavedSearch struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Query is the search's URL parameters ("q=harbor&person=Helena+Okafor"), as
	// the search API takes them.
	Query string `json:"query"`
	// Webhook is the http(s) URL new matches are POSTed to; "" for none.
	Webhook string    `json:"webhook"`
	Created time.Time `json:"created"`
	// LastLooked is when the search was last opened from the page; zero before.
	LastLooked time.Time `json:"last_looked,omitzero"`
	// LastMatch is when the newest article the search matched arrived, as the
	// archive checked new articles against it (kept with the next change to the
	// saved searches); zero when none has since it was saved.
	LastMatch time.Time `json:"last_match,omitzero"`
	// FeedToken opens the search's feeds in a private archive (?token=), for
	// feed readers, which cannot send a key. It opens nothing else.
	FeedToken string `json:"feed_token"`
	// WebhookSecret signs the webhook's deliveries. It is shown once, when the
	// search is created, and never listed.
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// Delivery is how the webhook fares.
	Delivery WebhookStatus `json:"delivery"`
}

// WebhookStatus is how a saved search's webhook deliveries fare.
type WebhookStatus struct {
	// Delivered counts the deliveries the receiver accepted (a 2xx answer).
	Delivered int `json:"delivered"`
	// LastSuccess is when the receiver last accepted one.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// Failures counts the failed attempts since the last success.
	Failures int `json:"failures"`
	// LastError says why the last failed attempt failed, and LastFailure when.
	LastError   string    `json:"last_error,omitempty"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	// Dropped counts the deliveries given up after every retry failed, or for
	// want of room in the queue.
	Dropped int `json:"dropped"`
}

// NewSavedSearch is what saving a search takes.
type NewSavedSearch struct {
	Name    string `json:"name"`
	Query   string `json:"query"`
	Webhook string `json:"webhook"`
}
