// Command archive is Article Archive: it ingests news articles from files, indexes
// them, and serves full-text and faceted search over a web page and a JSON API.
//
//	archive serve   [--data DIR] [--addr HOST:PORT] [--sample] [--token T] [--watch DIR]
//	archive ingest  [--data DIR | --server URL --token T] PATH...
//	archive backup  [--data DIR] DEST
//	archive reindex [--data DIR] [--re-extract] [--accept-loss]
//	archive check   [--data DIR] [--json]
//	archive repair  [--data DIR] [--accept-loss]
//	archive search  [--data DIR] [--json] [--person P] [--outlet O] QUERY
//
// Run "archive help" for every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/article-archive/archive/internal/bench"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "archive:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errReported marks an error whose details were already printed.
var errReported = errors.New("reported")

// errUsage marks a mistake on the command line; it exits with status 2.
var errUsage = errors.New("usage")

// errRejected marks an ingest that stored what it could but rejected some input;
// it exits with status 3, so that scripts can tell it from a failure (1).
var errRejected = errors.New("some input was rejected")

func exitCode(err error) int {
	switch {
	case errors.Is(err, errUsage), errors.Is(err, bench.ErrUsage):
		return 2
	case errors.Is(err, errRejected):
		return 3
	case errors.Is(err, errDamaged):
		return 4
	}
	return 1
}

// run is the whole program, so that tests can run it in-process: args without the
// program name, the environment through getenv, and the standard streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: name a command", errUsage)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	err := env.command(ctx, args[0], args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h: the command printed its flags
	}
	return err
}

// command runs one subcommand.
func (env environment) command(ctx context.Context, cmd string, rest []string) error {
	switch cmd {
	case "serve":
		return env.serve(ctx, rest)
	case "ingest":
		return env.ingest(ctx, rest)
	case "search":
		return env.search(ctx, rest)
	case "backup":
		return env.backup(ctx, rest)
	case "restore":
		return env.restore(ctx, rest)
	case "reindex":
		return env.reindex(ctx, rest)
	case "check":
		return env.check(ctx, rest)
	case "repair":
		return env.repair(ctx, rest)
	case "extract":
		return env.extract(ctx, rest)
	case "bench":
		return env.bench(ctx, rest)
	case "keys":
		return env.keys(ctx, rest)
	case "migrate":
		return env.migrate(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(env.stdout, usage)
		return nil
	default:
		fmt.Fprint(env.stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}

const usage = `Article Archive: a searchable archive of news articles.

Usage:
  archive serve  [--data DIR] [--addr HOST:PORT] [--sample] [--token T] [--watch DIR] [--private] [--tls-cert F --tls-key F]   serve the web page and the JSON API
  archive ingest [--data DIR | --server URL --token T] PATH...  add articles from files, directories or - (stdin)
  archive search [--data DIR] [--json] [--person P]... [--outlet O]... [--from D] [--to D] [--sort S] QUERY
  archive extract [--json] PATH...                            print what ingest extracts from files, without an index
  archive backup [--data DIR] [--server URL --token T] DEST   a consistent copy, also while the server runs
  archive backup [--data DIR] --portable FILE | --opensearch URL FILE   a portable backup (NDJSON) either engine restores
  archive backup --opensearch URL --snapshot-repo REPO [NAME]  a snapshot of the archive's indexes in the cluster's repository
  archive restore [--data DIR | --opensearch URL] [--merge] FILE   read a portable backup into an archive
  archive restore --opensearch URL --opensearch-index NEW --snapshot-repo REPO NAME   restore a snapshot under a new name
  archive reindex [--data DIR] [--re-extract] [--accept-loss] rebuild the index from the stored records
  archive reindex --opensearch URL [--re-extract]              copy into a new index with this version's mapping, then switch
  archive check [--data DIR | --opensearch URL] [--json]      verify the archive (exit 4: damaged, with what to do)
  archive repair [--data DIR] [--accept-loss]                 recover what can be recovered; list what cannot
  archive keys create --scope read|write|admin [--name N] | list | revoke ID|NAME  [--opensearch URL]   API keys (a read key makes the archive private)
  archive bench [--n N] [--source FILE.jsonl] [--out DIR] [--clients C] [--duration D] [--backend opensearch --opensearch URL[,URL…]]  measure against SQLite FTS5, bare Bleve (and OpenSearch, bare and as the archive's engine)
  archive migrate [--data DIR] --to-opensearch URL[,URL…] [--opensearch-index NAME]  copy the archive into OpenSearch (resumable)
  archive help

The data directory defaults to $ARCHIVE_DATA, else ./archive-data.
Run "archive COMMAND --help" for a command's flags.
`

// environment is what every command gets from run.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}
