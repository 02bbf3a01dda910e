package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/article-archive/archive/corpus"
	"github.com/article-archive/archive/ingest"
	"github.com/article-archive/archive/server"
)

// remoteFlags are the flags of a command that can talk to a running server.
type remoteFlags struct {
	server string
	token  string
}

// addRemoteFlags adds --server and --token to fs.
func (e environment) addRemoteFlags(fs *flag.FlagSet) *remoteFlags {
	r := &remoteFlags{}
	fs.StringVar(&r.server, "server", "", "send to the 'archive serve' at this URL (e.g. http://127.0.0.1:8080) instead of opening the data directory")
	fs.StringVar(&r.token, "token", e.getenv("ARCHIVE_TOKEN"), "the server's write token, with --server (env ARCHIVE_TOKEN)")
	return r
}

// remoteFile is one file to send.
type remoteFile struct {
	path string
	size int64
	// named is true for a path the user named, false for one found in a directory.
	named bool
}

// ingestRemote sends the files at paths to a running server's write API, one
// request per file, with the same progress bar and summary as a local ingest.
func (e environment) ingestRemote(ctx context.Context, r *remoteFlags, paths []string, maxFileBytes int64, quiet bool) error {
	base := strings.TrimRight(r.server, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: --server %q is not a server's URL: write it as http://HOST:PORT", errUsage, r.server)
	}
	start := time.Now()
	files, s := listRemote(paths)
	var total int64
	for _, f := range files {
		total += f.size
	}
	var sent atomic.Int64
	progress := e.progressBar(quiet)
	report := func(done bool) {
		if progress != nil {
			progress(ingest.Progress{BytesRead: sent.Load(), BytesTotal: total, Summary: s, Done: done})
		}
	}
	client := &http.Client{Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		// The server refuses a file it cannot read before it is sent.
		ExpectContinueTimeout: 2 * time.Second,
	}}
	var failure error
	for _, f := range files {
		if ctx.Err() != nil {
			failure = fmt.Errorf("ingest: interrupted after %d articles: %w", s.Read, ctx.Err())
			break
		}
		rep, err := sendFile(ctx, client, base, r.token, f, e.stdin, maxFileBytes, func(n int64) {
			sent.Add(n)
			report(false)
		})
		var apiErr *apiError
		switch {
		case errors.As(err, &apiErr) && apiErr.code == corpus.EInvalidRequest && !f.named:
			s.Ignored++ // found in a directory and of no kind the archive reads
			continue
		case errors.As(err, &apiErr) && (apiErr.code == corpus.EInvalidRequest || apiErr.code == corpus.ETooLarge):
			s.Rejected = append(s.Rejected, ingest.Rejection{Source: f.path, Reason: apiErr.message})
			continue
		case err != nil:
			failure = err
		}
		if failure != nil {
			break
		}
		s.Read += rep.Read
		s.Indexed += rep.Indexed
		s.Updated += rep.Updated
		s.Duplicates += rep.Duplicates
		s.Skipped += rep.Skipped
		for _, res := range rep.Problems {
			r := ingest.Rejection{Source: res.Source, Line: res.Line, Reason: res.Reason}
			switch res.Status {
			case server.StatusRejected:
				s.Rejected = append(s.Rejected, r)
			case server.StatusSkipped:
				s.SkippedList = append(s.SkippedList, r)
			default:
				s.Warnings = append(s.Warnings, r)
			}
		}
		if rep.ProblemsOmitted > 0 {
			// The server lists the first problems of a write; the rest are counted.
			s.Rejected = append(s.Rejected, ingest.Rejection{Source: f.path,
				Reason: fmt.Sprintf("%d more rejected or warned records, not listed by the server (ingest the file locally, or send it asking for NDJSON, to see them all)", rep.ProblemsOmitted)})
		}
	}
	s.Elapsed = time.Since(start)
	report(true)
	printSummary(e.stdout, s)
	if failure != nil {
		return failure
	}
	if len(s.Rejected) > 0 {
		return fmt.Errorf("%w: %d input(s) rejected, listed above; the rest is stored", errRejected, len(s.Rejected))
	}
	return nil
}

// listRemote expands paths as a local ingest does: files as named, directories
// recursively without hidden entries, "-" for standard input.
func listRemote(paths []string) ([]remoteFile, ingest.Summary) {
	var files []remoteFile
	var s ingest.Summary
	for _, p := range paths {
		if p == "-" {
			files = append(files, remoteFile{path: "-", named: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			s.Rejected = append(s.Rejected, ingest.Rejection{Source: p, Reason: "cannot be read: " + err.Error()})
			continue
		}
		if !info.IsDir() {
			files = append(files, remoteFile{path: p, size: info.Size(), named: true})
			continue
		}
		err = ingest.WalkFiles(p, func(name string, info fs.FileInfo, err error) {
			if err != nil {
				s.Rejected = append(s.Rejected, ingest.Rejection{Source: name, Reason: "cannot be read: " + err.Error()})
				return
			}
			files = append(files, remoteFile{path: name, size: info.Size()})
		})
		if err != nil {
			s.Rejected = append(s.Rejected, ingest.Rejection{Source: p, Reason: "cannot be read: " + err.Error()})
		}
	}
	return files, s
}

// apiError is an error answer of the server.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("the server answered %d %s: %s", e.status, e.code, e.message)
}

// sendFile posts one file to the write API.
func sendFile(ctx context.Context, client *http.Client, base, token string, f remoteFile, stdin io.Reader, maxFileBytes int64, sent func(int64)) (server.WriteReport, error) {
	var body io.Reader
	name := f.path
	if f.path == "-" {
		// Standard input has no name to tell its format: sniff it as a local
		// ingest does.
		br := bufio.NewReader(stdin)
		head, _ := br.Peek(512)
		name = "stdin" + sniffExt(head)
		body = br
	} else {
		if maxFileBytes > 0 && f.size > maxFileBytes {
			return server.WriteReport{}, &apiError{code: corpus.ETooLarge, message: fmt.Sprintf("is larger than the %d MiB limit: split it, or raise the limit", maxFileBytes>>20)}
		}
		file, err := os.Open(f.path)
		if err != nil {
			return server.WriteReport{}, &apiError{code: corpus.EInvalidRequest, message: "cannot be read: " + err.Error()}
		}
		defer file.Close()
		body = file
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/articles?"+url.Values{"name": {name}}.Encode(), countingBody{r: body, n: sent})
	if err != nil {
		return server.WriteReport{}, err
	}
	if f.path != "-" {
		req.ContentLength = f.size
	}
	req.Header.Set("Expect", "100-continue")
	req.Header.Set("Content-Type", "application/octet-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return server.WriteReport{}, ctx.Err()
		}
		return server.WriteReport{}, fmt.Errorf("cannot reach the archive server at %s (%w): is 'archive serve' running there?", base, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return server.WriteReport{}, fmt.Errorf("reading the server's answer for %s: %w", f.path, err)
	}
	if res.StatusCode != http.StatusOK {
		return server.WriteReport{}, apiErrorOf(res, data)
	}
	var rep server.WriteReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return server.WriteReport{}, fmt.Errorf("the server at %s answered what is not a write report: %w", base, err)
	}
	return rep, nil
}

// sniffExt names the format of unnamed input by its first bytes.
func sniffExt(head []byte) string {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return ".json.gz"
	}
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(head) > 0 && (head[0] == '{' || head[0] == '['):
		return ".json"
	case len(head) > 0 && head[0] == '<':
		return ".html"
	}
	return ".txt"
}

// countingBody reports the bytes read through it.
type countingBody struct {
	r io.Reader
	n func(int64)
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n(int64(n))
	return n, err
}

// readAPIError reads an error answer.
func readAPIError(res *http.Response) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the server's answer: %w", err)
	}
	return data, apiErrorOf(res, data)
}

// apiErrorOf turns an error answer into an *apiError, or a plain error when it is
// not the archive's JSON envelope.
func apiErrorOf(res *http.Response, data []byte) error {
	var e struct {
		Error struct{ Code, Message string }
	}
	if json.Unmarshal(data, &e) != nil || e.Error.Code == "" {
		return fmt.Errorf("the server answered %s: %s", res.Status, bytes.TrimSpace(data))
	}
	return &apiError{status: res.StatusCode, code: e.Error.Code, message: e.Error.Message}
}
