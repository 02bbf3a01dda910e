package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/article-archive/archive/ingest"
)

const sourcesDir = "../../ingest/testdata/sources"

// TestIngestSources ingests the test files of every kind ingest reads: feeds,
// WARC, front matter, archives and broken files.
func TestIngestSources(t *testing.T) {
	data := t.TempDir()
	out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", sourcesDir)
	if exitCode(err) != 3 {
		t.Errorf("ingest error = %v (exit %d), want some rejected (exit 3)", err, exitCode(err))
	}
	for _, want := range []string{
		// One article is there twice under the same ID, and once more under
		// another (with a URL): both extra copies are duplicates.
		"26 indexed", "2 skipped as duplicate", "10 rejected",
		"ignored 3 files of other kinds", "ignored 7 WARC records",
		"4 inputs: summary only", "latin1-undeclared.txt: is not UTF-8 and declares no encoding: read as Windows-1252",
		"koi8.txt: is not valid UTF-8", "wire.jsonl:2: malformed JSON",
		"newsroom-export.json[0]: has no article text", "crawl.warc.gz!https://valleycourier.example/cafes-fear-quay-works: the page states no publication date",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// TestIngestFieldFlag maps an export's own field names with --field.
func TestIngestFieldFlag(t *testing.T) {
	data := t.TempDir()
	export := sourcesDir + "/json/newsroom-export.json"
	out, _, err := runArchive(t, "ingest", "--data", data, "--quiet",
		"--field", "title=headline_text", "--field", "body=copy", "--field", "published=when", "--field", "outlet=desk", "--field", "id=story_id", export)
	if err != nil || !strings.Contains(out, "2 indexed") {
		t.Fatalf("ingest with --field: %v\n%s", err, out)
	}
	out, _, err = runArchive(t, "search", "--data", data, "--json", "--outlet", "Valley Courier", "rationing")
	if err != nil || !strings.Contains(out, `"nx-1"`) || !strings.Contains(out, `"nx-2"`) {
		t.Errorf("search after --field ingest: %v\n%s", err, out)
	}
	for _, spec := range []string{"headline=headline_text", "title", "title="} {
		_, stderr, err := runArchive(t, "ingest", "--data", data, "--quiet", "--field", spec, export)
		if exitCode(err) != 2 || !strings.Contains(stderr+err.Error(), "ARTICLE_FIELD=RECORD_FIELD") && !strings.Contains(stderr+err.Error(), "not an article field") {
			t.Errorf("--field %q: %v (exit %d), want a usage error saying how to write it\n%s", spec, err, exitCode(err), stderr)
		}
	}
}

func TestPrintSummaryGroupsWarnings(t *testing.T) {
	s := ingest.Summary{Read: 6, Indexed: 6, IgnoredRecords: 2}
	for _, src := range []string{"f.rss[0]", "f.rss[1]", "f.rss[2]", "f.rss[3]", "f.rss[4]"} {
		s.Warnings = append(s.Warnings, ingest.Rejection{Source: src, Reason: "summary only"})
	}
	s.Warnings = append(s.Warnings, ingest.Rejection{Source: "a.jsonl", Line: 2, Reason: "bad date"})
	var b bytes.Buffer
	printSummary(&b, s)
	want := "read 6 articles in 0s: 6 indexed, 0 updated, 0 skipped as duplicate, 0 rejected\n" +
		"ignored 2 WARC records that hold no HTML page (requests, metadata, redirects, error pages, images and the like)\n" +
		"warnings:\n" +
		"  5 inputs: summary only (f.rss[0], f.rss[1], f.rss[2] and 2 more)\n" +
		"  a.jsonl:2: bad date\n"
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
