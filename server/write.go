package server

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// Writer stores what clients send to the write API. cmd/archive gives the ingest
// pipeline over the index; the server holds the index, so this is the one way in
// while it runs.
type Writer interface {
	// Write ingests the records read from body. name is where they came from, as
	// the client calls it; its extension gives the format (.json: one object, an
	// array or one object per line; .jsonl/.ndjson; .html; .txt; any of them .gz).
	// It calls emit with what became of each record as it happens (stored,
	// rejected, or stored with a warning; from one goroutine at a time), holding
	// none of them, and returns the counts. An error means the archive could not
	// store what it read (a corpus.EStorageFull or EStorageFailed error), or name
	// is of no format the archive reads (corpus.EInvalidRequest).
	Write(ctx context.Context, name string, body io.Reader, emit func(RecordResult)) (WriteCounts, error)
	// Backup writes a consistent copy of the archive to w as a tar stream, ending
	// with BackupCompleteEntry.
	Backup(ctx context.Context, w io.Writer) error
}

// BackupCompleteEntry is the last entry of a backup's tar stream: a backup that
// lacks it was cut short.
const BackupCompleteEntry = "BACKUP-COMPLETE"

// WriteCounts count what became of the records of a write.
type WriteCounts struct {
	Read       int `json:"read"`
	Indexed    int `json:"indexed"`
	Updated    int `json:"updated"`
	Duplicates int `json:"duplicates"`
	// Skipped counts the records of articles deleted from the archive: they are
	// not stored again (status skipped, reason "deleted: …").
	Skipped  int `json:"skipped"`
	Rejected int `json:"rejected"`
	// Warned counts the records stored with something left out.
	Warned int `json:"warned"`
}

// maxProblemsListed is how many rejected and warned records a write's JSON answer
// lists; the rest are counted. (Asked for as NDJSON, the answer lists every
// record as it is stored, at no cost in memory.)
const maxProblemsListed = 1000

// WriteReport is the JSON answer of POST /api/v1/articles: the counts and the
// first maxProblemsListed problems (rejected records, warnings, and records
// skipped because their article was deleted), in the order of the input.
type WriteReport struct {
	WriteCounts
	Problems []RecordResult `json:"problems"`
	// ProblemsOmitted counts the problems past the first maxProblemsListed.
	ProblemsOmitted int     `json:"problems_omitted"`
	TookMS          float64 `json:"took_ms"`
}

// writeSummary is the last line of a write answered as NDJSON.
type writeSummary struct {
	Summary struct {
		WriteCounts
		TookMS float64 `json:"took_ms"`
	} `json:"summary"`
}

// Record statuses in a WriteReport.
const (
	StatusIndexed   = "indexed"
	StatusUpdated   = "updated"
	StatusDuplicate = "duplicate"
	StatusRejected  = "rejected"
	StatusWarning   = "warning"
	// StatusSkipped: the article was deleted from the archive and is not stored
	// again; the reason says how to bring it back.
	StatusSkipped = "skipped"
)

// RecordResult is what became of one record.
type RecordResult struct {
	// Source is the record's input as the archive names it: the name, with the
	// line (JSON Lines) or the element (JSON array, "name[3]").
	Source string `json:"source"`
	// Line is the record's line in JSON Lines input, from 1; 0 otherwise (null in
	// JSON).
	Line int `json:"line"`
	// ID is the stored article's ID; empty (null) for a rejected record.
	ID     string `json:"id"`
	Status string `json:"status"`
	// Reason says why a record was rejected or warned about; empty (null) otherwise.
	Reason string `json:"reason"`
}

// MarshalJSON writes what does not apply to a record as null, by the API's one
// rule for empty fields (see answers.go); the Go fields stay plain values for the
// clients that build and read reports (archive ingest --server).
func (r RecordResult) MarshalJSON() ([]byte, error) {
	var line *int
	if r.Line > 0 {
		line = &r.Line
	}
	return json.Marshal(struct {
		Source string  `json:"source"`
		Line   *int    `json:"line"`
		ID     *string `json:"id"`
		Status string  `json:"status"`
		Reason *string `json:"reason"`
	}{r.Source, line, nullable(r.ID), r.Status, nullable(r.Reason)})
}

// defaultMaxWriteBytes is the largest request body the write API takes unless
// Config says otherwise.
const defaultMaxWriteBytes = 64 << 20

// apiWrite is POST /api/v1/articles. It answers the counts and the first problems
// as JSON, or, with Accept: application/x-ndjson, a line for every record as it
// is stored and a last line with the counts; either way its memory does not grow
// with the number of records.
func (s *Server) apiWrite(c *gin.Context) {
	if err := s.authorize(c, corpus.ScopeWrite); err != nil {
		s.fail(c, err)
		return
	}
	if c.Request.ContentLength > s.maxWrite {
		s.fail(c, s.tooLarge())
		return
	}
	name, err := writeName(c.Request)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := &limitedBody{r: http.MaxBytesReader(c.Writer, c.Request.Body, s.maxWrite)}
	start := time.Now()
	if wantsNDJSON(c.Request) {
		s.streamWrite(c, name, body, start)
		return
	}
	var problems []RecordResult
	omitted := 0
	counts, err := s.writer.Write(c.Request.Context(), name, body, func(r RecordResult) {
		if r.Status != StatusRejected && r.Status != StatusWarning && r.Status != StatusSkipped {
			return
		}
		if len(problems) < maxProblemsListed {
			problems = append(problems, r)
		} else {
			omitted++
		}
	})
	if body.exceeded {
		s.fail(c, s.tooLarge())
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	slices.SortStableFunc(problems, compareResults)
	s.audit(c, "write", fmt.Sprintf("%s: read %d, indexed %d, updated %d, duplicates %d, skipped %d, rejected %d",
		name, counts.Read, counts.Indexed, counts.Updated, counts.Duplicates, counts.Skipped, counts.Rejected))
	s.writeJSON(c, http.StatusOK, WriteReport{WriteCounts: counts, Problems: list(problems), ProblemsOmitted: omitted,
		TookMS: float64(time.Since(start).Microseconds()) / 1000})
}

// streamWrite answers a write as NDJSON: each record's result as it is stored,
// then the counts. Once the first line is out the status is sent: a failure after
// it is the last line, {"error": …}, in place of the counts.
func (s *Server) streamWrite(c *gin.Context, name string, body *limitedBody, start time.Time) {
	c.Header("Content-Type", "application/x-ndjson")
	c.Status(http.StatusOK)
	buf := bufio.NewWriterSize(c.Writer, 32<<10)
	enc := json.NewEncoder(buf)
	lines := 0
	counts, err := s.writer.Write(c.Request.Context(), name, body, func(r RecordResult) {
		enc.Encode(r)
		if lines++; lines%256 == 0 {
			buf.Flush()
			c.Writer.Flush()
		}
	})
	if body.exceeded {
		err = s.tooLarge()
	}
	if err != nil {
		_, code, msg := s.describe(c, err)
		enc.Encode(errorBody{Error: detail(err, code, msg)})
	} else {
		var sum writeSummary
		sum.Summary.WriteCounts = counts
		sum.Summary.TookMS = float64(time.Since(start).Microseconds()) / 1000
		enc.Encode(sum)
		s.audit(c, "write", fmt.Sprintf("%s: read %d, indexed %d, updated %d, duplicates %d, skipped %d, rejected %d",
			name, counts.Read, counts.Indexed, counts.Updated, counts.Duplicates, counts.Skipped, counts.Rejected))
	}
	buf.Flush()
	c.Writer.Flush()
}

// wantsNDJSON tells whether the client asked for the write's answer as NDJSON.
func wantsNDJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		if mt == "application/x-ndjson" || mt == "application/jsonl" {
			return true
		}
	}
	return false
}

// compareResults orders results as the input had them: by source, then line, then
// array element ("name[3]").
func compareResults(a, b RecordResult) int {
	an, ai := splitElement(a.Source)
	bn, bi := splitElement(b.Source)
	return cmp.Or(strings.Compare(an, bn), cmp.Compare(a.Line, b.Line), cmp.Compare(ai, bi))
}

// splitElement splits "name[3]" into the name and 3; other sources have -1.
func splitElement(s string) (string, int) {
	if strings.HasSuffix(s, "]") {
		if i := strings.LastIndexByte(s, '['); i > 0 {
			if n, err := strconv.Atoi(s[i+1 : len(s)-1]); err == nil {
				return s[:i], n
			}
		}
	}
	return s, -1
}

func (s *Server) tooLarge() error {
	return corpus.Errorf(corpus.ETooLarge, "the request body is larger than the %d MiB limit: send fewer records per request (what came before the limit may be stored; sending it again adds nothing twice)", s.maxWrite>>20)
}

// limitedBody notes when the body went past http.MaxBytesReader's limit: the ingest
// pipeline reports read errors as rejected input, and the client must get a 413.
type limitedBody struct {
	r        io.Reader
	exceeded bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		b.exceeded = true
	}
	return n, err
}

// writeName is the name the records of a write are known by: the name parameter
// (archive ingest --server sends the file's path), else "api" with the extension of
// the Content-Type.
func writeName(r *http.Request) (string, error) {
	if name := strings.TrimSpace(r.URL.Query().Get("name")); name != "" {
		return name, nil
	}
	ext := ".json"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return "", corpus.Errorf(corpus.EInvalidRequest, "Content-Type %q does not parse: send application/json, application/x-ndjson, text/html or text/plain", ct)
		}
		switch mt {
		case "application/json", "application/octet-stream",
			"application/x-www-form-urlencoded": // curl -d's default
		case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
			ext = ".jsonl"
		case "text/html", "application/xhtml+xml":
			ext = ".html"
		case "text/plain", "text/markdown":
			ext = ".txt"
		default:
			return "", corpus.Errorf(corpus.EInvalidRequest, "the archive does not read %s: send application/json (one object, an array, or one object per line), application/x-ndjson, text/html or text/plain", mt)
		}
	}
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		ext += ".gz"
	}
	return "api" + ext, nil
}

// apiBackup is POST /api/v1/backup: a consistent copy of the archive as a tar stream.
func (s *Server) apiBackup(c *gin.Context) {
	if err := s.authorize(c, corpus.ScopeAdmin); err != nil {
		s.fail(c, err)
		return
	}
	s.audit(c, "backup", "")
	c.Header("Content-Type", "application/x-tar")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="archive-backup-%s.tar"`, time.Now().UTC().Format("20060102T150405Z")))
	c.Status(http.StatusOK)
	if err := s.writer.Backup(c.Request.Context(), &stallWriter{w: c.Writer, rc: http.NewResponseController(c.Writer)}); err != nil {
		s.log.Error("backup failed", "err", err)
		// The status is sent; cutting the stream short is how the client learns
		// (its copy lacks BackupCompleteEntry).
		panic(http.ErrAbortHandler)
	}
}

// stallWriter moves the connection's write deadline on with every write, so that
// a long download (a backup) is cut off only when the client stops reading for
// exportStall, not by the server's write timeout for ordinary answers.
type stallWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (s *stallWriter) Write(p []byte) (int, error) {
	_ = s.rc.SetWriteDeadline(time.Now().Add(exportStall))
	return s.w.Write(p)
}
