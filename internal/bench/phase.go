package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/index"
	"github.com/article-archive/archive/ingest"
)

// bareBatch is the batch size of the bare Bleve build, as the pipeline's default.
const bareBatch = 1000

// ingestPhaseResult is what an ingest phase reports to the parent.
type ingestPhaseResult struct {
	Read       int `json:"read"`
	Indexed    int `json:"indexed"`
	Duplicates int `json:"duplicates"`
	Rejected   int `json:"rejected"`
}

// RunPhase runs one phase of "archive bench" in this (child) process.
func RunPhase(ctx context.Context, p Phase, e Program) (err error) {
	log := e.Log
	if p.Profile != "" {
		f, err := os.Create(p.Profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch p.Name {
	case "ingest":
		var s ingest.Summary
		progress := e.ingestCounter()
		err := e.WithIndex(p.Data, log, func(ix *index.Index) error {
			var err error
			opts := ingest.Options{Sink: ix, Progress: progress}
			if e.Ingest != nil {
				s, err = e.Ingest(ctx, ix, opts, p.Source)
			} else {
				s, err = ingest.Run(ctx, opts, p.Source)
			}
			return err
		})
		if err != nil {
			return err
		}
		return writeResult(p.Result, ingestPhaseResult{Read: s.Read, Indexed: s.Indexed, Duplicates: s.Duplicates, Rejected: len(s.Rejected)})
	case "export":
		return e.WithIndex(p.Data, log, func(ix *index.Index) error {
			return exportExtracted(ctx, ix, p.Source, p.Extracted, e.counter("exported", 0))
		})
	case "serve":
		return e.WithIndex(p.Data, log, func(ix *index.Index) error {
			return e.Serve(ctx, ix, p.Data, log)
		})
	case "bare-build":
		n, err := buildBareBleve(ctx, p.Data, p.Extracted, e.counter("articles", 0))
		if err != nil {
			return err
		}
		return writeResult(p.Result, ingestPhaseResult{Read: n, Indexed: n})
	case "bare-search":
		bb, err := index.OpenBareBleve(p.Data)
		if err != nil {
			return err
		}
		defer bb.Close()
		fig, err := runLoad(ctx, Mix(p.Articles), p.Clients, p.Duration, func(ctx context.Context, _ int, q Query) (uint64, error) {
			return bb.Search(ctx, q.Query)
		}, e.counter("searches", 0))
		if err != nil {
			return err
		}
		return writeResult(p.Result, fig)
	}
	return fmt.Errorf("%w: unknown bench phase %q", ErrUsage, p.Name)
}

func writeResult(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// extractedArticle is one line of extracted.jsonl: what the pipeline stored of
// an article, which SQLite and bare Bleve load so that all three index the same
// fields.
type extractedArticle struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Outlet    string    `json:"outlet,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Persons   []string  `json:"persons,omitempty"`
}

// exportExtracted writes the stored form of every article of the corpus, in the
// corpus's order, one lookup at a time so that memory stays flat. Articles the
// pipeline did not store (duplicates, rejections) are left out.
func exportExtracted(ctx context.Context, ix *index.Index, corpusPath, outPath string, progress func(int64, bool)) error {
	in, err := os.Open(corpusPath)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(outPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	rd := bufio.NewReaderSize(in, 1<<20)
	var n int64
	for {
		line, err := rd.ReadBytes('\n')
		if len(line) > 0 {
			var rec struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(line, &rec) == nil && rec.ID != "" {
				a, err := ix.Article(ctx, rec.ID)
				switch {
				case err != nil && corpus.ErrorCode(err) == corpus.ENotFound:
				case err != nil:
					out.Close()
					return err
				default:
					if err := enc.Encode(extractedArticle{ID: a.ID, Title: a.Title, Body: a.Body, Outlet: a.Outlet, Published: a.Published, Persons: a.Persons}); err != nil {
						out.Close()
						return err
					}
					n++
					progress(n, false)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			out.Close()
			return err
		}
	}
	progress(n, true)
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// readExtracted calls f with every article of extracted.jsonl.
func readExtracted(path string, f func(extractedArticle) error) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	for {
		var a extractedArticle
		if err := dec.Decode(&a); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if err := f(a); err != nil {
			return err
		}
	}
}

// buildBareBleve indexes extracted.jsonl into a new bare Bleve index in batches.
func buildBareBleve(ctx context.Context, dir, extracted string, progress func(int64, bool)) (int, error) {
	bb, err := index.CreateBareBleve(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	batch := make([]corpus.Article, 0, bareBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := bb.Put(batch); err != nil {
			return err
		}
		n += len(batch)
		progress(int64(n), false)
		batch = batch[:0]
		return ctx.Err()
	}
	err = readExtracted(extracted, func(a extractedArticle) error {
		batch = append(batch, corpus.Article{ID: a.ID, Title: a.Title, Body: a.Body, Outlet: a.Outlet, Published: a.Published, Persons: a.Persons})
		if len(batch) == bareBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	progress(int64(n), true)
	return n, errors.Join(err, bb.Close())
}
