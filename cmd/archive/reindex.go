package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/extract"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
)

// reindex rebuilds the index from the record store: after a mapping change, a new
// extractor version (--re-extract), or a damaged index.
func (e environment) reindex(ctx context.Context, args []string) error {
	var c commonFlags
	fs := e.newFlagSet("reindex", "reindex [--data DIR | --opensearch URL[,URL…]] [--re-extract] [--accept-loss]", &c)
	again := fs.Bool("re-extract", false, "redo the extraction (people, dateline dates, titles made of the first words) of records made by another extractor version than "+ingest.ExtractorVersion)
	acceptLoss := fs.Bool("accept-loss", false, "rebuild even when the record store has lost articles the index holds: they are dropped for good (the old index is kept aside)")
	osf := e.addOpenSearchFlags(fs)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noArguments("reindex", rest); err != nil {
		return err
	}
	if osf.on() {
		if *acceptLoss {
			return fmt.Errorf("%w: --accept-loss is for a data directory's damaged record store; an OpenSearch archive keeps its articles in the index itself", errUsage)
		}
		return e.reindexOpenSearch(ctx, osf, *again, logger(e.stderr, c.verbose))
	}
	opts := index.RebuildOptions{Options: index.Options{Logger: logger(e.stderr, c.verbose), ExtractorVersion: ingest.ExtractorVersion}, AcceptLoss: *acceptLoss}
	if *again {
		opts.ReExtract = reExtract
	}
	stats, err := index.Rebuild(ctx, c.data, opts)
	if errors.Is(err, index.ErrLocked) {
		return lockedError(c.data)
	}
	if errors.Is(err, index.ErrWouldLose) {
		return fmt.Errorf("%w: %w", errDamaged, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rebuilt the index of %s from %d records in %s", c.data, stats.Articles, stats.Elapsed.Round(time.Millisecond))
	if *again {
		fmt.Fprintf(e.stdout, " (%d re-extracted with extractor %s)", stats.ReExtracted, ingest.ExtractorVersion)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// reExtract redoes what extraction found in a record's text rather than read from
// its fields: the people, a date taken from the dateline, and a title made of the
// first words. The outlet and authors are kept, because the record does not say
// whether they were stated or found.
func reExtract(a *corpus.Article) {
	a.Persons = nil
	if a.PublishedSource == corpus.DateFromDateline {
		a.Published, a.PublishedSource = time.Time{}, ""
	}
	if a.TitleSource == corpus.TitleDerived {
		a.Title, a.TitleSource = "", ""
	}
	extract.Enrich(a)
}
