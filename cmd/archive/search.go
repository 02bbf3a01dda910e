package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
)

func (e environment) search(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("search", "search [--data DIR] [--json] [--person P]... [--outlet O]... [--from D] [--to D] [--sort S] [--page N] QUERY", &c)
	var persons, outlets multiFlag
	fs.Var(&persons, "person", "only articles that mention this person (repeat: all must match)")
	fs.Var(&outlets, "outlet", "only articles from this outlet (repeat: any matches)")
	from := fs.String("from", "", "published on or after this date (2024-11-01, 2024-11, 2024 or RFC 3339)")
	to := fs.String("to", "", "published on or before this date (a bare date includes the whole day, month or year)")
	arrivedFrom := fs.String("arrived-from", "", "arrived in the archive at or after this time (RFC 3339 or a date)")
	arrivedTo := fs.String("arrived-to", "", "arrived in the archive before this time (a bare date includes the whole day)")
	sortBy := fs.String("sort", "relevance", "relevance, newest, oldest or arrived (newest arrival first)")
	page := fs.Int("page", 1, "the page of results")
	size := fs.Int("size", corpus.DefaultPageSize, "results per page")
	asJSON := fs.Bool("json", false, "print the results as JSON, as the API does")
	anyWord := fs.Bool("any", false, "match any of the words (op=or) instead of all of them")
	osf := e.addOpenSearchFlags(fs) // opensearch.go
	words, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	q := corpus.Query{Text: strings.Join(words, " "), Persons: persons, Outlets: outlets, Page: *page, Size: *size}
	if *anyWord {
		q.Op = corpus.OpOr
	}
	if q.Sort, err = corpus.ParseSort(*sortBy); err != nil {
		return err
	}
	if *from != "" {
		if q.From, err = corpus.ParseDate("--from", *from); err != nil {
			return err
		}
	}
	if *to != "" {
		if q.To, err = corpus.ParseDateEnd("--to", *to); err != nil {
			return err
		}
	}
	if *arrivedFrom != "" {
		if q.ArrivedFrom, err = corpus.ParseDate("--arrived-from", *arrivedFrom); err != nil {
			return err
		}
	}
	if *arrivedTo != "" {
		if q.ArrivedTo, err = corpus.ParseDateEnd("--arrived-to", *arrivedTo); err != nil {
			return err
		}
	}

	log := logger(e.stderr, c.verbose)
	if osf.on() {
		res, err := e.searchOpenSearch(ctx, osf, q, log)
		if err != nil {
			return err
		}
		return e.showResults(q, res, *asJSON)
	}
	return withIndex(c.data, log, func(ix *index.Index) error {
		res, err := ix.Search(ctx, q)
		if err != nil {
			return err
		}
		return e.showResults(q, res, *asJSON)
	})
}

// showResults prints the results as the API's JSON or for a terminal.
func (e environment) showResults(q corpus.Query, res *corpus.Results, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Total       uint64              `json:"total"`
			TookMS      float64             `json:"took_ms"`
			Hits        []corpus.Hit        `json:"hits"`
			Facets      corpus.Facets       `json:"facets"`
			Next        string              `json:"next"`
			Suggestions []corpus.Suggestion `json:"suggestions"`
			Notices     []string            `json:"notices"`
		}{res.Total, float64(res.Took.Microseconds()) / 1000, res.Hits, res.Facets, res.Next, res.Suggestions, res.Notices})
	}
	printResults(e.stdout, q, res)
	return nil
}

// printResults writes results for a terminal: each hit with its metadata and its
// snippet with the matches in *asterisks*, then the top of each facet.
func printResults(w io.Writer, q corpus.Query, res *corpus.Results) {
	for _, n := range res.Notices {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, s := range res.Suggestions {
		if len(s.DidYouMean) == 0 {
			fmt.Fprintf(w, "no %s is named %q in the archive\n", s.Param, s.Value)
			continue
		}
		fmt.Fprintf(w, "no %s is named %q in the archive; did you mean %s?\n", s.Param, s.Value, strings.Join(s.DidYouMean, ", "))
	}
	if res.Total == 0 {
		fmt.Fprintf(w, "No articles match (%.1f ms).\n", float64(res.Took.Microseconds())/1000)
		return
	}
	fmt.Fprintf(w, "%d–%d of %d articles (%.1f ms)\n\n", q.Offset()+1, q.Offset()+len(res.Hits), res.Total, float64(res.Took.Microseconds())/1000)
	for _, h := range res.Hits {
		date := "undated"
		if !h.Published.IsZero() {
			date = h.Published.Format("2006-01-02")
		}
		fmt.Fprintf(w, "%s\n  %s · %s · id %s\n", h.Title, or(h.Outlet, "unknown outlet"), date, h.ID)
		if len(h.Persons) > 0 {
			fmt.Fprintf(w, "  people: %s\n", strings.Join(h.Persons, ", "))
		}
		fmt.Fprintf(w, "  %s\n\n", plainSnippet(h.Snippet))
	}
	printFacet := func(name string, values []corpus.FacetValue) {
		var parts []string
		for _, v := range values[:min(len(values), 8)] {
			parts = append(parts, fmt.Sprintf("%s (%d)", v.Value, v.Count))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "%s: %s\n", name, strings.Join(parts, ", "))
		}
	}
	printFacet("people", res.Facets.Person)
	printFacet("outlets", res.Facets.Outlet)
	var dates []string
	for _, b := range res.Facets.Published {
		if b.Count > 0 {
			dates = append(dates, fmt.Sprintf("%s (%d)", b.Key, b.Count))
		}
	}
	if len(dates) > 0 {
		fmt.Fprintf(w, "published by %s: %s\n", res.Facets.DateUnit, strings.Join(dates, ", "))
	}
}

// plainSnippet turns an HTML snippet into terminal text.
var snippetReplacer = strings.NewReplacer("<mark>", "*", "</mark>", "*", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)

func plainSnippet(s string) string { return snippetReplacer.Replace(s) }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
