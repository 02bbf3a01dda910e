package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/article-archive/archive/extract"
)

// CorpusStats describes the corpus a bench run built.
type CorpusStats struct {
	Articles       int `json:"articles"`
	SourceArticles int `json:"source_articles"`
	// RawTextBytes is the bytes of title and body text of every article: what the
	// archive's size on disk is compared with.
	RawTextBytes int64 `json:"raw_text_bytes"`
	FileBytes    int64 `json:"file_bytes"`
	Outlets      int   `json:"outlets"`
	Note         string
}

// Outlets are the outlets copies are attributed to.
var Outlets = []string{
	"Reuters", "Associated Press", "Agence France-Presse", "Bloomberg", "The New York Times",
	"The Washington Post", "The Guardian", "Financial Times", "The Wall Street Journal",
	"Los Angeles Times", "Chicago Tribune", "The Times", "The Independent", "The Daily Telegraph",
	"Le Monde", "Die Welt", "El País", "The Globe and Mail", "Toronto Star", "Sydney Morning Herald",
	"The Age", "South China Morning Post", "The Straits Times", "The Japan Times", "The Hindu",
	"The Times of India", "The Irish Times", "The Scotsman", "The Boston Globe", "Miami Herald",
	"Houston Chronicle", "The Economist", "Newsweek", "USA Today", "The Dallas Morning News", "Nikkei",
}

// copyDateSpan is how far copies' dates are spread after the original's.
const copyDateSpan = 30 * 365 // days

// Field names a source record may use, as ingest reads them (a subset).
var (
	idKeys        = []string{"id", "_id", "guid", "uuid"}
	titleKeys     = []string{"title", "headline"}
	bodyKeys      = []string{"body", "text", "content", "maintext"}
	publishedKeys = []string{"published", "date", "publishedAt", "published_at", "pubdate"}
	outletKeys    = []string{"outlet", "source", "site", "publisher"}
)

// writeCorpus writes n articles as JSON Lines to dst: the source's articles, then
// as many passes of copies as it takes. Copy k of an article has the id "ID~k", a
// date moved by up to 30 years, one of a few dozen outlets, the people it names
// swapped for others named in the source (full names and surnames), and a last
// line "[copy k of ID]" so that no copy is a duplicate of another by text. No text
// is made up: the bodies are the source's. It reads the source once per pass and
// keeps only the people each source article names, so memory does not grow with n.
func writeCorpus(ctx context.Context, src, dst string, n int, progress func(int64, bool)) (CorpusStats, error) {
	st := CorpusStats{Outlets: len(Outlets)}
	count, err := countLines(src)
	if err != nil {
		return st, err
	}
	if count == 0 {
		return st, fmt.Errorf("bench: the source %s holds no articles", src)
	}
	st.SourceArticles = min(count, n)
	var people [][]string // per source line: the people it names
	var pool []string     // every full name the source names
	if n > count {
		if people, pool, err = sourcePeople(src); err != nil {
			return st, err
		}
		st.Note = fmt.Sprintf("copies of the %d source articles with ids ID~k, dates spread over %d years, %d outlets, people swapped among %d names found in the source", count, copyDateSpan/365, len(Outlets), len(pool))
	} else {
		st.Note = fmt.Sprintf("the first %d articles of the source, unchanged", n)
	}

	out, err := os.Create(dst)
	if err != nil {
		return st, err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	for pass := 0; st.Articles < n; pass++ {
		err := eachLine(src, func(i int, line []byte) (bool, error) {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			rec := map[string]any{}
			if err := json.Unmarshal(line, &rec); err != nil {
				return true, nil // ingest would reject it: leave it out of the corpus
			}
			if pass > 0 {
				var pp []string
				if i < len(people) {
					pp = people[i]
				}
				makeCopy(rec, i, pass, pp, pool)
			} else if firstKey(rec, idKeys) == "" {
				rec["id"] = fmt.Sprintf("line-%d", i+1)
			}
			st.RawTextBytes += int64(len(stringAt(rec, titleKeys)) + len(stringAt(rec, bodyKeys)))
			data, err := json.Marshal(rec)
			if err != nil {
				return false, err
			}
			w.Write(data)
			w.WriteByte('\n')
			st.Articles++
			if st.Articles%1000 == 0 {
				progress(int64(st.Articles), false)
			}
			return st.Articles < n, nil
		})
		if err != nil {
			out.Close()
			return st, err
		}
	}
	progress(int64(st.Articles), true)
	if err := w.Flush(); err != nil {
		out.Close()
		return st, err
	}
	if err := out.Close(); err != nil {
		return st, err
	}
	if info, err := os.Stat(dst); err == nil {
		st.FileBytes = info.Size()
	}
	return st, nil
}

// makeCopy turns rec, the source's line i, into its copy number k.
func makeCopy(rec map[string]any, i, k int, people, pool []string) {
	id := stringAt(rec, idKeys)
	if id == "" {
		id = fmt.Sprintf("line-%d", i+1)
	}
	for _, key := range idKeys {
		delete(rec, key)
	}
	rec["id"] = fmt.Sprintf("%s~%d", id, k)
	h := hashOf(id, k)

	published := time.Date(1987, 1, 1, 0, 0, 0, 0, time.UTC)
	if s := stringAt(rec, publishedKeys); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			published = t
		}
	}
	for _, key := range publishedKeys {
		delete(rec, key)
	}
	delete(rec, "published_raw")
	rec["published"] = published.AddDate(0, 0, int(h%copyDateSpan)).UTC().Format(time.RFC3339)

	for _, key := range outletKeys {
		delete(rec, key)
	}
	rec["outlet"] = Outlets[(h>>20)%uint64(len(Outlets))]

	var swap *strings.Replacer
	if len(pool) > 0 && len(people) > 0 {
		var pairs []string
		var surnames []string
		for _, p := range people {
			q := pool[hashOf(p, k)%uint64(len(pool))]
			if q == p {
				continue
			}
			pairs = append(pairs, p, q)
			ps, qs := surname(p), surname(q)
			if len(ps) > 2 && ps != qs {
				surnames = append(surnames, ps, qs)
			}
		}
		if pairs = append(pairs, surnames...); len(pairs) > 0 {
			swap = strings.NewReplacer(pairs...) // full names first: they win over surnames
		}
	}
	for _, keys := range [][]string{titleKeys, bodyKeys} {
		key := firstKey(rec, keys)
		if key == "" {
			continue
		}
		s, _ := rec[key].(string)
		if swap != nil {
			s = swap.Replace(s)
		}
		if keys[0] == "body" {
			s += fmt.Sprintf("\n\n[copy %d of %s]", k, id)
		}
		rec[key] = s
	}
}

// sourcePeople extracts the people each source article names, as ingest does,
// and returns them per line with the pool of every full name.
func sourcePeople(src string) ([][]string, []string, error) {
	var people [][]string
	seen := map[string]bool{}
	var pool []string
	err := eachLine(src, func(i int, line []byte) (bool, error) {
		rec := map[string]any{}
		var names []string
		if json.Unmarshal(line, &rec) == nil {
			for _, p := range extract.Persons(stringAt(rec, titleKeys) + "\n" + stringAt(rec, bodyKeys)) {
				if !strings.Contains(p, " ") {
					continue // a surname alone cannot be swapped safely
				}
				names = append(names, p)
				if !seen[p] {
					seen[p] = true
					pool = append(pool, p)
				}
			}
		}
		people = append(people, names)
		return true, nil
	})
	slices.Sort(pool)
	return people, pool, err
}

func surname(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func hashOf(s string, k int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d", s, k)
	return h.Sum64()
}

func firstKey(rec map[string]any, keys []string) string {
	for _, k := range keys {
		if v, ok := rec[k]; ok && v != nil {
			return k
		}
	}
	return ""
}

func stringAt(rec map[string]any, keys []string) string {
	if k := firstKey(rec, keys); k != "" {
		switch v := rec[k].(type) {
		case string:
			return v
		case float64:
			return fmt.Sprint(v)
		}
	}
	return ""
}

// eachLine calls f with every non-blank line of path until f returns false.
func eachLine(path string, f func(i int, line []byte) (bool, error)) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	rd := bufio.NewReaderSize(in, 1<<20)
	for i := 0; ; {
		line, err := rd.ReadBytes('\n')
		if line = bytes.TrimSpace(line); len(line) > 0 {
			more, ferr := f(i, line)
			i++
			if ferr != nil || !more {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
	}
}

func countLines(path string) (int, error) {
	n := 0
	err := eachLine(path, func(int, []byte) (bool, error) { n++; return true, nil })
	return n, err
}
