package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/ingest"
)

// extract runs the readers and extractors of ingest on PATH... and prints what
// they found, without opening any index: it shows what ingest would store, and
// lets accuracy be measured from outside.
func (e environment) extract(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: archive extract [--json] PATH...   (PATH: a file, a directory, or - for stdin)\n\nFlags:\n")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print one JSON object per article and line (id, url, outlet, published, published_source, title, title_source, authors, persons, body)")
	maxMiB := fs.Int64("max-file-mib", 64, "reject files (and JSON lines) larger than this many MiB")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: name the files or directories to extract from, or - for standard input", errUsage)
	}
	sink := &printSink{w: e.stdout, json: *asJSON}
	s, err := ingest.Run(ctx, ingest.Options{Sink: sink, Stdin: e.stdin, MaxFileBytes: *maxMiB << 20}, paths...)
	if err != nil {
		return err
	}
	for _, r := range s.Rejected {
		fmt.Fprintf(e.stderr, "rejected: %s\n", r)
	}
	if len(s.Rejected) > 0 {
		return fmt.Errorf("%w: %d input(s) rejected, listed above", errRejected, len(s.Rejected))
	}
	return nil
}

// extracted is the JSON form of one article printed by extract. Every field is
// always present, empty when nothing was found, so that scripts need no defaults.
type extracted struct {
	ID              string   `json:"id"`
	URL             string   `json:"url"`
	Outlet          string   `json:"outlet"`
	Published       *string  `json:"published"` // RFC 3339, or null when unknown
	PublishedSource string   `json:"published_source"`
	Title           string   `json:"title"`
	TitleSource     string   `json:"title_source"` // "derived" when Title is the first words
	Authors         []string `json:"authors"`
	Persons         []string `json:"persons"`
	Body            string   `json:"body"`
}

func newExtracted(a corpus.Article) extracted {
	x := extracted{ID: a.ID, URL: a.URL, Outlet: a.Outlet, PublishedSource: a.PublishedSource,
		Title: a.Title, TitleSource: a.TitleSource, Authors: a.Authors, Persons: a.Persons, Body: a.Body}
	if !a.Published.IsZero() {
		p := a.Published.Format(time.RFC3339)
		x.Published = &p
	}
	if x.Authors == nil {
		x.Authors = []string{}
	}
	if x.Persons == nil {
		x.Persons = []string{}
	}
	return x
}

// printSink is an ingest.Sink that prints articles instead of storing them; each
// article counts as new.
type printSink struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
}

func (p *printSink) Put(_ context.Context, articles []corpus.Article) ([]corpus.Outcome, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]corpus.Outcome, len(articles))
	enc := json.NewEncoder(p.w)
	enc.SetEscapeHTML(false)
	for i, a := range articles {
		out[i] = corpus.Indexed
		x := newExtracted(a)
		if p.json {
			if err := enc.Encode(x); err != nil {
				return nil, fmt.Errorf("extract: write: %w", err)
			}
			continue
		}
		published := "unknown"
		if x.Published != nil {
			published = *x.Published + " (from " + x.PublishedSource + ")"
		}
		title := x.Title
		if x.TitleSource != "" {
			title += " (" + x.TitleSource + ")"
		}
		body := strings.Join(strings.Fields(x.Body), " ")
		if r := []rune(body); len(r) > 200 {
			body = string(r[:200]) + "…"
		}
		if _, err := fmt.Fprintf(p.w, "%s\n  url:       %s\n  outlet:    %s\n  published: %s\n  title:     %s\n  authors:   %s\n  persons:   %s\n  body:      %s\n\n",
			x.ID, x.URL, x.Outlet, published, title, strings.Join(x.Authors, "; "), strings.Join(x.Persons, "; "), body); err != nil {
			return nil, fmt.Errorf("extract: write: %w", err)
		}
	}
	return out, nil
}
