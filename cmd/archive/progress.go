package main

import "github.com/article-archive/archive/internal/progress"

// counter reports the progress of a long command on stderr (package progress).
func (e environment) counter(what string, total int64) func(n int64, done bool) {
	return progress.Counter(e.stderr, "archive", what, total)
}
