package server

import (
	"time"

	"github.com/article-archive/archive/corpus"
)

// The API's answers follow one rule for empty fields: every documented field is
// always present, null when the archive does not know it, and a list with nothing
// in it is []. A client then reads every field the same way, whatever the article
// lacks. The corpus types keep omitempty for their other uses (the record store
// writes corpus.Article as JSON, and an absent field costs nothing there), so the
// API converts them into the types below rather than encoding them as they are.

// nullable is s, or nil (null) when s is empty: a string the archive does not know.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nullableTime is t, or nil (null) for the zero time: a date the archive does not know.
func nullableTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// list is xs, or an empty list where xs is nil, so that it encodes as [] and not null.
func list[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// exportRow is a hit's fields as an NDJSON export writes them: the hit less its
// snippet, which marks matches for a page of results, not for a data set.
type exportRow struct {
	ID        string     `json:"id"`
	Title     *string    `json:"title"`
	URL       *string    `json:"url"`
	Outlet    *string    `json:"outlet"`
	Published *time.Time `json:"published"`
	Persons   []string   `json:"persons"`
	Story     string     `json:"story"`
	AlsoIn    int        `json:"also_in"`
}

func newExportRow(h corpus.Hit) exportRow {
	return exportRow{ID: h.ID, Title: nullable(h.Title), URL: nullable(h.URL), Outlet: nullable(h.Outlet),
		Published: nullableTime(h.Published), Persons: list(h.Persons), Story: h.Story, AlsoIn: h.AlsoIn}
}

// apiHit is one article in the API's lists of results: search hits and related
// coverage.
type apiHit struct {
	exportRow
	// Snippet is HTML (matches in <mark>, everything else escaped); "" when there
	// is no text to show.
	Snippet string `json:"snippet"`
}

func apiHits(hits []corpus.Hit) []apiHit {
	out := make([]apiHit, len(hits))
	for i, h := range hits {
		out[i] = apiHit{exportRow: newExportRow(h), Snippet: h.Snippet}
	}
	return out
}

// apiArticle is the answer of GET /api/v1/articles/{id}.
type apiArticle struct {
	ID              string     `json:"id"`
	URL             *string    `json:"url"`
	Outlet          *string    `json:"outlet"`
	Published       *time.Time `json:"published"`
	PublishedSource *string    `json:"published_source"`
	Title           *string    `json:"title"`
	TitleSource     *string    `json:"title_source"`
	Authors         []string   `json:"authors"`
	Body            *string    `json:"body"`
	Persons         []string   `json:"persons"`
	Story           *string    `json:"story"`
	Source          *string    `json:"source"`
	IngestedAt      *time.Time `json:"ingested_at"`
	// Arrived is when the article first arrived in the archive (see
	// corpus.Article.ArrivedAt).
	Arrived   *time.Time `json:"arrived"`
	Extractor *string    `json:"extractor"`
}

func newAPIArticle(a corpus.Article) apiArticle {
	return apiArticle{ID: a.ID, URL: nullable(a.URL), Outlet: nullable(a.Outlet), Published: nullableTime(a.Published),
		PublishedSource: nullable(a.PublishedSource), Title: nullable(a.Title), TitleSource: nullable(a.TitleSource), Authors: list(a.Authors),
		Body: nullable(a.Body), Persons: list(a.Persons), Story: nullable(a.Story), Source: nullable(a.Source),
		IngestedAt: nullableTime(a.IngestedAt), Arrived: nullableTime(a.ArrivedAt()), Extractor: nullable(a.Extractor)}
}

// apiFacetValue is a corpus.FacetValue whose excluded flag is always there.
type apiFacetValue struct {
	Value    string `json:"value"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
	Excluded bool   `json:"excluded"`
}

func apiFacetValues(values []corpus.FacetValue) []apiFacetValue {
	out := make([]apiFacetValue, len(values))
	for i, v := range values {
		out[i] = apiFacetValue(v)
	}
	return out
}

// apiDateBucket is a corpus.DateBucket; the undated bucket has null bounds.
type apiDateBucket struct {
	Key   string     `json:"key"`
	From  *time.Time `json:"from"`
	To    *time.Time `json:"to"`
	Count int        `json:"count"`
}

// apiFacets is corpus.Facets; date_unit is null when no hit has a date.
type apiFacets struct {
	Person    []apiFacetValue `json:"person"`
	Outlet    []apiFacetValue `json:"outlet"`
	Published []apiDateBucket `json:"published"`
	DateUnit  *string         `json:"date_unit"`
}

func newAPIFacets(f corpus.Facets) apiFacets {
	out := apiFacets{Person: apiFacetValues(f.Person), Outlet: apiFacetValues(f.Outlet),
		Published: make([]apiDateBucket, len(f.Published)), DateUnit: nullable(string(f.DateUnit))}
	for i, b := range f.Published {
		out.Published[i] = apiDateBucket{Key: b.Key, From: nullableTime(b.From), To: nullableTime(b.To), Count: b.Count}
	}
	return out
}

// apiSuggestion is a corpus.Suggestion whose did_you_mean is [] when nothing is near.
type apiSuggestion struct {
	Param      string   `json:"param"`
	Value      string   `json:"value"`
	DidYouMean []string `json:"did_you_mean"`
}

func apiSuggestions(suggestions []corpus.Suggestion) []apiSuggestion {
	out := make([]apiSuggestion, len(suggestions))
	for i, s := range suggestions {
		out[i] = apiSuggestion{Param: s.Param, Value: s.Value, DidYouMean: list(s.DidYouMean)}
	}
	return out
}

// apiRelated is the answer of GET /api/v1/related/{id}.
type apiRelated struct {
	Copies  []apiHit `json:"copies"`
	Similar []apiHit `json:"similar"`
}
