package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// defaultDataDir is where the archive lives when neither --data nor ARCHIVE_DATA
// says otherwise.
const defaultDataDir = "./archive-data"

// commonFlags are the flags of every command.
type commonFlags struct {
	data    string
	verbose bool
}

func (e environment) newFlagSet(name, synopsis string, c *commonFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: archive %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	data := e.getenv("ARCHIVE_DATA")
	if data == "" {
		data = defaultDataDir
	}
	fs.StringVar(&c.data, "data", data, "the archive's data directory (env ARCHIVE_DATA)")
	fs.BoolVar(&c.verbose, "verbose", false, "log more detail")
	return fs
}

// parseInterleaved parses flags wherever they stand among the arguments, so that
// "archive ingest articles/ --data /tmp/a" works as well as the other order, and
// returns the positional arguments. "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, chooseEngine(fs)
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), chooseEngine(fs)
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// chooseEngine settles a command's engine when both --data and --opensearch
// exist: what the command line says beats the environment, so that an explicit
// --data is not silently overruled by ARCHIVE_OPENSEARCH; both given on the
// command line is a usage error.
func chooseEngine(fs *flag.FlagSet) error {
	data, cluster := fs.Lookup("data"), fs.Lookup("opensearch")
	if data == nil || cluster == nil || fs.Lookup("to-opensearch") != nil {
		return nil // migrate reads --data and writes to the cluster: both stand
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["data"] && set["opensearch"] && cluster.Value.String() != "":
		return fmt.Errorf("%w: --data and --opensearch name two archives: give one (--data for an archive on this machine, --opensearch for one in a cluster)", errUsage)
	case set["data"] && !set["opensearch"]:
		return cluster.Value.Set("") // ARCHIVE_OPENSEARCH gives way to --data
	}
	return nil
}

// noArguments is the usage error of a command that takes only flags.
func noArguments(command string, rest []string) error {
	if len(rest) > 0 {
		return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, command, rest)
	}
	return nil
}

// multiFlag is a flag that may repeat: --person A --person B.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ", ") }

func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// logger writes the program's logs to w as text, at info level or, verbose, debug.
func logger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
