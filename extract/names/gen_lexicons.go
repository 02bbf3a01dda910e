//go:build ignore

// gen_lexicons derives the embedded name and outlet lexicons of package extract from
// the shared, redistributable lexicons (see README.md beside this file for sources
// and licenses). Run it from the extract directory with `go generate`, which passes
// the path of the shared lexicon folder.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	// minFirstNameBirths drops SSA names so rare (summed over 1940–2023) that they are
	// more likely to be ordinary words or spellings than names in the news.
	minFirstNameBirths = 1000
	// maxSurnameRank keeps the Census surnames that cover almost all of the US
	// population; the tail is mostly one-family spellings.
	maxSurnameRank = 50000
	// givenDominance is how many times more common as a given name than as a
	// surname a name must be to count as a given name only.
	givenDominance = 5
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run gen_lexicons.go SHARED_LEXICONS_DIR OUT_DIR")
		os.Exit(2)
	}
	src, out := os.Args[1], os.Args[2]
	if err := run(src, out); err != nil {
		fmt.Fprintln(os.Stderr, "gen_lexicons:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	first := map[string]bool{}
	// SSA: sum both sexes per name.
	births := map[string]int{}
	if err := eachLine(filepath.Join(src, "names/ssa/ssa_first_names_1880_2023.tsv"), func(i int, line string) error {
		if i == 0 {
			return nil
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			return fmt.Errorf("ssa line %d: %d fields", i+1, len(f))
		}
		n, err := strconv.Atoi(f[3])
		if err != nil {
			return fmt.Errorf("ssa line %d: %w", i+1, err)
		}
		births[strings.ToLower(f[0])] += n
		return nil
	}); err != nil {
		return err
	}
	for name, n := range births {
		if n >= minFirstNameBirths {
			first[name] = true
		}
	}
	// firstShare is a name's share of the 1990 population as a given name: the
	// mean of its shares among men and among women, in percent.
	firstShare := map[string]float64{}
	for _, f := range []string{"dist.female.first", "dist.male.first"} {
		if err := eachLine(filepath.Join(src, "names/census1990", f), func(_ int, line string) error {
			if fs := strings.Fields(line); len(fs) > 1 {
				first[strings.ToLower(fs[0])] = true
				if pct, err := strconv.ParseFloat(fs[1], 64); err == nil {
					firstShare[strings.ToLower(fs[0])] += pct / 2
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	if err := eachCSV(filepath.Join(src, "names/by-country/common-forenames-by-country.csv"), "Romanized Name", func(v string) {
		addWords(first, v)
	}); err != nil {
		return err
	}

	last := map[string]bool{}
	// given holds the names that are both given names and surnames in the
	// Census lists but at least givenDominance times as common as given names
	// (Paul, James, Richard; not Howard, Thomas or Reagan).
	given := map[string]bool{}
	if err := eachLine(filepath.Join(src, "names/census1990/dist.all.last"), func(_ int, line string) error {
		fs := strings.Fields(line)
		if len(fs) < 4 {
			return nil
		}
		if rank, err := strconv.Atoi(fs[3]); err == nil && rank <= maxSurnameRank {
			w := strings.ToLower(fs[0])
			last[w] = true
			// The file rounds shares to 0.001 percent: a rarer surname counts as 0.0005.
			if pct, err := strconv.ParseFloat(fs[1], 64); err == nil && firstShare[w] > 0 && firstShare[w] >= givenDominance*max(pct, 0.0005) {
				given[w] = true
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := eachCSV(filepath.Join(src, "names/by-country/common-surnames-by-country.csv"), "Romanized Name", func(v string) {
		addWords(last, v)
	}); err != nil {
		return err
	}

	ambiguous := map[string]bool{}
	for _, f := range []string{"person_or_noun.txt", "person_or_verb.txt", "person_or_adjective.txt", "person_or_place.txt", "person_or_date.txt"} {
		if err := eachLine(filepath.Join(src, "names/compromise", f), func(_ int, line string) error {
			if w := strings.TrimSpace(strings.ToLower(line)); w != "" {
				ambiguous[w] = true
			}
			return nil
		}); err != nil {
			return err
		}
	}
	titles := map[string]bool{}
	for _, f := range []string{"honorifics.txt", "honorific_abbreviations.txt"} {
		if err := eachLine(filepath.Join(src, "names/compromise", f), func(_ int, line string) error {
			if w := strings.TrimSpace(strings.ToLower(line)); w != "" {
				titles[w] = true
			}
			return nil
		}); err != nil {
			return err
		}
	}

	outlets, err := readOutlets(src)
	if err != nil {
		return err
	}

	for name, set := range map[string]map[string]bool{
		"first.txt.gz": first, "last.txt.gz": last, "given.txt.gz": given,
	} {
		if err := writeGzip(filepath.Join(out, name), sortedKeys(set)); err != nil {
			return err
		}
	}
	for name, set := range map[string]map[string]bool{
		"ambiguous.txt": ambiguous, "titles.txt": titles,
	} {
		if err := writePlain(filepath.Join(out, name), sortedKeys(set)); err != nil {
			return err
		}
	}
	var rows []string
	for d, n := range outlets {
		rows = append(rows, d+"\t"+n)
	}
	slices.Sort(rows)
	return writeGzip(filepath.Join(out, "outlets.tsv.gz"), rows)
}

// readOutlets maps web domains to outlet names. Fundus (curated, major publishers)
// wins over freebie, which wins over the 2018 US local news list; within the local
// list newspapers and magazines win over TV stations, whose names are call signs.
func readOutlets(src string) (map[string]string, error) {
	out := map[string]string{}
	put := func(domain, name string) {
		domain = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(domain)), "www.")
		name = strings.TrimSpace(name)
		if domain == "" || name == "" || strings.ContainsAny(name, "\t\n") {
			return
		}
		if _, ok := out[domain]; !ok {
			out[domain] = name
		}
	}
	if err := eachLine(filepath.Join(src, "outlets/fundus_publishers.tsv"), func(i int, line string) error {
		f := strings.Split(line, "\t")
		if i > 0 && len(f) >= 4 {
			put(f[3], f[1])
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachCSVRow(filepath.Join(src, "outlets/freebie_websources.csv"), func(h map[string]int, r []string) {
		put(hostOf(r[h["url"]]), r[h["name"]])
	}); err != nil {
		return nil, err
	}
	var tv [][2]string
	if err := eachCSVRow(filepath.Join(src, "outlets/local_news_dataset_2018.csv"), func(h map[string]int, r []string) {
		if r[h["medium"]] == "TV station" {
			tv = append(tv, [2]string{r[h["domain"]], r[h["name"]]})
			return
		}
		put(r[h["domain"]], r[h["name"]])
	}); err != nil {
		return nil, err
	}
	for _, p := range tv {
		put(p[0], p[1])
	}
	return out, nil
}

func hostOf(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// addWords adds each word of a romanized name, since the by-country lists hold
// compound entries ("Mohammed Ali", "Nguyen Van").
func addWords(set map[string]bool, v string) {
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '/' || r == ',' || r == '(' || r == ')' }) {
		w = strings.ToLower(strings.TrimSpace(w))
		if len([]rune(w)) >= 2 {
			set[w] = true
		}
	}
}

func eachLine(path string, fn func(i int, line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 0; sc.Scan(); i++ {
		if err := fn(i, strings.TrimRight(sc.Text(), "\r")); err != nil {
			return err
		}
	}
	return sc.Err()
}

func eachCSVRow(path string, fn func(header map[string]int, row []string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var h map[string]int
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if h == nil {
			h = map[string]int{}
			for i, c := range row {
				h[strings.TrimPrefix(c, "\ufeff")] = i
			}
			continue
		}
		if len(row) < len(h) {
			continue
		}
		fn(h, row)
	}
}

func eachCSV(path, column string, fn func(string)) error {
	return eachCSVRow(path, func(h map[string]int, r []string) { fn(r[h[column]]) })
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func writeGzip(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	for _, l := range lines {
		io.WriteString(zw, l+"\n")
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writePlain(path string, lines []string) error {
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
