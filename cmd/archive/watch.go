package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/internal/atomicfile"
)

// watchedFile is the data directory's memory of the files "serve --watch" ingested,
// so that a restart ingests only what is new or changed.
const watchedFile = "watched.json"

// fileStamp identifies a version of a file.
type fileStamp struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime_ns"`
}

// watchSink is what a watched directory is ingested into: either engine.
type watchSink interface {
	ingest.Sink
	personRenamer
}

// watchDir ingests new and changed files under dir into sink every interval
// until ctx ends. A file is taken once it looked the same at two checks in a
// row, so that a file still being written is not read half-way. Files are
// remembered after their ingest, whatever became of their records (a rejected
// file is not retried until it changes), in statePath when it is not "" (else
// for as long as the process runs: a restart reads every file again, which
// adds nothing twice); a failure to store is retried at the next check.
func watchDir(ctx context.Context, dir, statePath string, sink watchSink, names namesOf, log *slog.Logger, interval time.Duration) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		log.Error("watch: cannot resolve the directory", "dir", dir, "err", err)
		return
	}
	done := map[string]fileStamp{}
	if statePath != "" {
		done = loadWatched(statePath, log)
	}
	log.Info("watching for new files", "dir", dir, "known", len(done))
	var last map[string]fileStamp // what the previous check saw
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		seen := scanDir(dir, log)
		var ready []string
		for path, st := range seen {
			if done[path] == st {
				continue
			}
			if prev, ok := last[path]; ok && prev == st {
				ready = append(ready, path)
			}
		}
		last = seen
		if len(ready) > 0 {
			book := names()
			s, err := ingest.Run(ctx, ingest.Options{Sink: sink, Logger: log, Names: book}, ready...)
			if err == nil {
				err = followNames(ctx, sink, book, log)
			}
			log.Info("watch: ingested new files", "files", len(ready), "read", s.Read, "indexed", s.Indexed,
				"updated", s.Updated, "duplicates", s.Duplicates, "rejected", len(s.Rejected))
			for _, r := range s.Rejected {
				log.Warn("watch: rejected", "source", r.Source, "line", r.Line, "reason", r.Reason)
			}
			if err != nil {
				// Not remembered: the next check tries again (what was stored is
				// found as duplicates).
				if ctx.Err() == nil {
					log.Error("watch: ingest failed; trying again at the next check", "err", err)
				}
			} else {
				for _, p := range ready {
					done[p] = seen[p]
				}
				if statePath != "" {
					if err := saveWatched(statePath, done); err != nil {
						log.Error("watch: cannot remember the ingested files", "err", err)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// startWatching runs watchDir (checking every second) until ctx ends or the
// returned function is called, which waits for it to end.
func startWatching(ctx context.Context, dir, statePath string, sink watchSink, names namesOf, log *slog.Logger) func() {
	var watching sync.WaitGroup
	ctx, stop := context.WithCancel(ctx)
	watching.Go(func() { watchDir(ctx, dir, statePath, sink, names, log, time.Second) })
	return func() {
		stop()
		watching.Wait()
	}
}

// scanDir lists the regular files under dir, hidden ones left out.
func scanDir(dir string, log *slog.Logger) map[string]fileStamp {
	out := map[string]fileStamp{}
	err := ingest.WalkFiles(dir, func(path string, info fs.FileInfo, err error) {
		if err != nil {
			return // a file removed while walking, or unreadable: next time
		}
		out[path] = fileStamp{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
	})
	if err != nil {
		log.Warn("watch: cannot list the directory", "dir", dir, "err", err)
	}
	return out
}

func loadWatched(path string, log *slog.Logger) map[string]fileStamp {
	done := map[string]fileStamp{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return done
	}
	if err == nil {
		err = json.Unmarshal(data, &done)
	}
	if err != nil {
		// Ingesting everything again adds nothing twice; it only costs time.
		log.Warn("watch: cannot read the list of ingested files; every file is checked again", "path", path, "err", err)
		return map[string]fileStamp{}
	}
	return done
}

func saveWatched(path string, done map[string]fileStamp) error {
	data, err := json.Marshal(done)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}
