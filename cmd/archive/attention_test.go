package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/article-archive/archive/corpus"
)

// sampleArchive ingests the built-in sample into an archive on disk and serves
// it; it returns the server's base URL.
func sampleArchive(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	sample := filepath.Join(t.TempDir(), "sample")
	if err := os.CopyFS(sample, corpus.Sample()); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runArchive(t, "ingest", "--data", data, "--quiet", sample); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	return startServer(t, "--data", data)
}

// exportRows reads an NDJSON export of the search in params.
func exportRows(t *testing.T, base string, params url.Values) []map[string]any {
	t.Helper()
	params.Set("format", "ndjson")
	res, err := http.Get(base + "/api/v1/export?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("export %v: %d %s", params, res.StatusCode, body)
	}
	var rows []map[string]any
	for sc := bufio.NewScanner(res.Body); sc.Scan(); {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	return rows
}

type apiTimeline struct {
	Unit    string
	Buckets []struct {
		Key     string
		Stories int
	}
	Series []struct {
		Kind, Label     string
		Outlet, Query   *string
		Matches, Totals []int
		Shares          []float64
		Undated         int
	}
}

// TestTimelineOverHTTP asks the real server for outlet attention timelines of
// the sample and holds every number to one counted independently from exports
// of the same searches: stories (not articles) per month, per outlet, against
// the outlet's own stories or the archive's.
func TestTimelineOverHTTP(t *testing.T) {
	base := sampleArchive(t)

	var tl apiTimeline
	if status := getJSON(t, base+"/api/v1/timeline?q=water&split=outlet&top=3&compare=bridge", &tl); status != http.StatusOK {
		t.Fatalf("timeline: %d %+v", status, tl)
	}
	if tl.Unit != "month" || len(tl.Buckets) == 0 {
		t.Fatalf("timeline of the sample: unit %q, %d buckets", tl.Unit, len(tl.Buckets))
	}
	bucket := map[string]int{}
	for i, b := range tl.Buckets {
		bucket[b.Key] = i
	}
	// stories counts the distinct stories of rows per bucket and line (the outlet,
	// or "" for all), leaving out the undated.
	type cell struct{ month, line string }
	stories := func(rows []map[string]any) map[cell]int {
		seen := map[cell]map[string]bool{}
		for _, r := range rows {
			p, _ := r["published"].(string)
			if p == "" {
				continue
			}
			d, err := time.Parse(time.RFC3339, p)
			if err != nil {
				t.Fatal(err)
			}
			outlet, _ := r["outlet"].(string)
			for _, line := range []string{"", outlet} {
				c := cell{d.UTC().Format("2006-01"), line}
				if seen[c] == nil {
					seen[c] = map[string]bool{}
				}
				seen[c][r["story"].(string)] = true
			}
		}
		out := map[cell]int{}
		for c, s := range seen {
			out[c] = len(s)
		}
		return out
	}
	cols := url.Values{"columns": {"id,outlet,published,story"}}
	all := stories(exportRows(t, base, url.Values{"columns": cols["columns"]}))
	water := stories(exportRows(t, base, url.Values{"q": {"water"}, "columns": cols["columns"]}))
	bridge := stories(exportRows(t, base, url.Values{"q": {"bridge"}, "columns": cols["columns"]}))

	var kinds []string
	outletsSeen := 0
	for _, s := range tl.Series {
		kinds = append(kinds, s.Kind)
		for key, i := range bucket {
			var want, wantTotal int
			switch s.Kind {
			case "all":
				want, wantTotal = water[cell{key, ""}], all[cell{key, ""}]
			case "compare":
				want, wantTotal = bridge[cell{key, ""}], all[cell{key, ""}]
			case "outlet":
				want, wantTotal = water[cell{key, *s.Outlet}], all[cell{key, *s.Outlet}]
			default:
				continue // others: the rest, checked by the sum below
			}
			if s.Matches[i] != want || s.Totals[i] != wantTotal {
				t.Errorf("%s %s: %d of %d stories, want %d of %d", s.Label, key, s.Matches[i], s.Totals[i], want, wantTotal)
			}
			if wantTotal > 0 && s.Shares[i] != float64(int(float64(want)/float64(wantTotal)*1e6+0.5))/1e6 {
				t.Errorf("%s %s: share %v, want %d/%d", s.Label, key, s.Shares[i], want, wantTotal)
			}
		}
		if s.Kind == "outlet" {
			outletsSeen++
		}
	}
	if kinds[0] != "all" || kinds[1] != "compare" || outletsSeen != 3 {
		t.Errorf("series %v, want all, compare and three outlets", kinds)
	}
	// The syndicated story counts once a month over all outlets but once for
	// each outlet that ran it: the outlet lines add up to more than the all line.
	aug := bucket["2025-08"]
	perOutlet := 0
	for _, s := range tl.Series {
		if s.Kind == "outlet" || s.Kind == "others" {
			perOutlet += s.Matches[aug]
		}
	}
	if tl.Series[0].Matches[aug] != 1 || perOutlet < 2 {
		t.Errorf("2025-08: %d stories over all outlets and %d over each; want the syndicated story once, and once per outlet that ran it",
			tl.Series[0].Matches[aug], perOutlet)
	}

	// Mistakes are 400s in the error envelope that say how to fix them.
	for target, want := range map[string]string{
		"/api/v1/timeline?top=11":           "1 to 10 outlets",
		"/api/v1/timeline?split=person":     "split=outlet",
		"/api/v1/timeline?compare=%22open":  "",
		"/api/v1/timeline?sort=newest":      `"sort" is not a parameter`,
		"/api/v1/timeline?split=none&top=2": "leave one out",
	} {
		var e struct {
			Error struct{ Code, Message string }
		}
		if status := getJSON(t, base+target, &e); status != http.StatusBadRequest || !strings.Contains(e.Error.Message, want) {
			t.Errorf("%s: %d %+v, want 400 saying %q", target, status, e, want)
		}
	}
}

// TestSampleShowsStoriesAndSurnames: the sample's syndicated story is one story
// in several outlets (two while the archive drops the same text from another
// outlet as a duplicate, three once it keeps it), and its surname-only person is
// a person of their own beside the full name.
func TestSampleShowsStoriesAndSurnames(t *testing.T) {
	base := sampleArchive(t)
	var res struct {
		Hits []struct{ ID, Outlet, Story string }
	}
	getJSON(t, base+"/api/v1/search?collapse=none&q="+url.QueryEscape(`"drought limits"`), &res)
	outlets := map[string]bool{}
	for _, h := range res.Hits {
		// The story is named after the copy stored first, which the sample's
		// parallel loading does not fix: every copy must be in one story.
		if h.Story == "" || h.Story != res.Hits[0].Story {
			t.Errorf("%s (%s) is in story %q, want the one of %s (%q)", h.ID, h.Outlet, h.Story, res.Hits[0].ID, res.Hits[0].Story)
		}
		outlets[h.Outlet] = true
	}
	if len(outlets) < 2 || len(outlets) != len(res.Hits) {
		t.Errorf("the syndicated story: %d copies from %v, want one in each of two or three outlets", len(res.Hits), outlets)
	}
	var people struct{ Values []struct{ Value string } }
	getJSON(t, base+"/api/v1/facets/person?prefix=ashworth", &people)
	var names []string
	for _, v := range people.Values {
		names = append(names, v.Value)
	}
	if !slices.Contains(names, "Ashworth") || !slices.Contains(names, "Julia Ashworth") {
		t.Errorf("people named Ashworth: %v, want the surname alone and the full name", names)
	}
}

// TestExportColumnsOverHTTP: an export chooses its columns, may start with a
// byte order mark, and is named after its search.
func TestExportColumnsOverHTTP(t *testing.T) {
	base := sampleArchive(t)
	get := func(target string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(base + target)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}
	columns := "id,outlet,authors,date_source,link,snippet,body"
	res, body := get("/api/v1/export?format=csv&bom=1&q=" + url.QueryEscape(`"drought limits"`) + "&person=Walter+Fenn&columns=" + columns)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", res.StatusCode, body)
	}
	if got, want := res.Header.Get("Content-Disposition"), `attachment; filename="archive-drought-limits-person-walter-fenn.csv"`; got != want {
		t.Errorf("Content-Disposition %s, want %s", got, want)
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Errorf("bom=1: the file starts %q, want a UTF-8 byte order mark", body[:min(len(body), 8)])
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil || len(rows) < 3 {
		t.Fatalf("export: %d rows, %v", len(rows), err)
	}
	if !slices.Equal(rows[0], strings.Split(columns, ",")) {
		t.Errorf("header %v, want %s", rows[0], columns)
	}
	for _, r := range rows[1:] {
		id, authors, source, link, snippet, text := r[0], r[2], r[3], r[4], r[5], r[6]
		if authors != "Leah Brennan" || source != corpus.DateFromRecord || !strings.HasPrefix(text, "KESTREL FALLS") ||
			!strings.HasPrefix(text, strings.TrimSuffix(snippet, " …")) || len(snippet) >= len(text) {
			t.Errorf("row %s: authors %q, date from %q, snippet %q, body %.40q", id, authors, source, snippet, text)
		}
		if link != base+"/articles/"+url.PathEscape(id) {
			t.Errorf("row %s: link %s", id, link)
		}
		if page, _ := get(strings.TrimPrefix(link, base)); page.StatusCode != http.StatusOK {
			t.Errorf("link %s: %d", link, page.StatusCode)
		}
	}
	// Without bom the file starts with its header; NDJSON keeps the columns' order.
	_, body = get("/api/v1/export?format=ndjson&q=quay&columns=link,id")
	if !bytes.HasPrefix(body, []byte(`{"link":"`+base+`/articles/`)) || !bytes.Contains(body, []byte(`","id":"`)) {
		t.Errorf("NDJSON with columns=link,id: %.200s", body)
	}
	// A name in another script: an ASCII filename and RFC 6266's filename*.
	res, _ = get("/api/v1/export?format=csv&q=" + url.QueryEscape("Tomás"))
	if got := res.Header.Get("Content-Disposition"); got != `attachment; filename="archive-tom_s.csv"; filename*=UTF-8''archive-tom%C3%A1s.csv` {
		t.Errorf("Content-Disposition %s", got)
	}
	// An unknown column is a 400 that lists the known ones.
	res, body = get("/api/v1/export?format=csv&columns=id,headline")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `\"headline\" is not a column`) ||
		!strings.Contains(string(body), "id,title,url,outlet,published,persons,story,also_in,authors,snippet,body,date_source,link") {
		t.Errorf("columns=id,headline: %d %s", res.StatusCode, body)
	}
}
