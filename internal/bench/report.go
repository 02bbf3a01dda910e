package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Report is everything one bench run measured.
type Report struct {
	Machine  string          `json:"machine"`
	Command  string          `json:"command"`
	Source   string          `json:"source"`
	Out      string          `json:"out"`
	Clients  int             `json:"clients"`
	Duration string          `json:"duration"`
	Started  time.Time       `json:"started"`
	Finished time.Time       `json:"finished"`
	Corpus   CorpusStats     `json:"corpus"`
	Systems  []SystemFigures `json:"systems"`
	// Ratios are the archive's figures divided by each other system's.
	Ratios []RatioFigures `json:"ratios"`
	// Notes say how the report came to be, where it is more than one run.
	Notes []string `json:"notes,omitempty"`
}

// SystemFigures are one system's ingest and search figures.
type SystemFigures struct {
	Name   string        `json:"name"`
	Ingest IngestFigures `json:"ingest"`
	Search SearchFigures `json:"search"`
}

// IngestFigures are the figures of building one system's index.
type IngestFigures struct {
	Articles        int     `json:"articles"`
	Seconds         float64 `json:"seconds"`
	PerSecond       float64 `json:"articles_per_second"`
	DiskBytes       int64   `json:"disk_bytes"`
	BytesPerArticle float64 `json:"disk_bytes_per_article"`
	// DiskToRaw is the size on disk over the bytes of title and body text.
	DiskToRaw    float64 `json:"disk_to_raw_text"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
	Note         string  `json:"note,omitempty"`
}

func (f *IngestFigures) setDisk(disk, raw int64) {
	f.DiskBytes = disk
	if f.Seconds > 0 {
		f.PerSecond = float64(f.Articles) / f.Seconds
	}
	if f.Articles > 0 {
		f.BytesPerArticle = float64(disk) / float64(f.Articles)
	}
	if raw > 0 {
		f.DiskToRaw = float64(disk) / float64(raw)
	}
}

func (f IngestFigures) String() string {
	return fmt.Sprintf("%d articles in %.1fs (%.0f/s), %s on disk (%.0f bytes per article, %.2f× the raw text), peak RSS %s",
		f.Articles, f.Seconds, f.PerSecond, mib(f.DiskBytes), f.BytesPerArticle, f.DiskToRaw, mib(f.PeakRSSBytes))
}

// RatioFigures divide the archive's figures by another system's: above 1 means
// the archive has more of it (faster ingest, but also more latency).
type RatioFigures struct {
	Versus          string  `json:"versus"`
	IngestPerSecond float64 `json:"ingest_articles_per_second"`
	DiskBytes       float64 `json:"disk_bytes"`
	IngestPeakRSS   float64 `json:"ingest_peak_rss"`
	SearchPerSecond float64 `json:"search_per_second"`
	P50             float64 `json:"p50"`
	P95             float64 `json:"p95"`
	P99             float64 `json:"p99"`
	SearchPeakRSS   float64 `json:"search_peak_rss"`
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (r *Report) computeRatios() {
	if len(r.Systems) == 0 {
		return
	}
	o := r.Systems[0]
	r.Ratios = nil
	for _, s := range r.Systems[1:] {
		r.Ratios = append(r.Ratios, RatioFigures{
			Versus:          s.Name,
			IngestPerSecond: ratio(o.Ingest.PerSecond, s.Ingest.PerSecond),
			DiskBytes:       ratio(float64(o.Ingest.DiskBytes), float64(s.Ingest.DiskBytes)),
			IngestPeakRSS:   ratio(float64(o.Ingest.PeakRSSBytes), float64(s.Ingest.PeakRSSBytes)),
			SearchPerSecond: ratio(o.Search.PerSecond, s.Search.PerSecond),
			P50:             ratio(o.Search.Overall.P50, s.Search.Overall.P50),
			P95:             ratio(o.Search.Overall.P95, s.Search.Overall.P95),
			P99:             ratio(o.Search.Overall.P99, s.Search.Overall.P99),
			SearchPeakRSS:   ratio(float64(o.Search.PeakRSSBytes), float64(s.Search.PeakRSSBytes)),
		})
	}
}

func (r *Report) write(dir string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.md"), []byte(r.markdown()), 0o644)
}

// markdown is the report as tables: the figures of every system with the ratios,
// the latency of each kind of query, and the targets.
func (r *Report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## archive bench: %d articles\n\n", r.Corpus.Articles)
	fmt.Fprintf(&b, "Machine: %s.  \nCommand: `%s`.  \n", r.Machine, r.Command)
	fmt.Fprintf(&b, "Corpus: %d articles (%d from %s; %s), %s of title and body text; %d search clients for %s per system.\n\n",
		r.Corpus.Articles, r.Corpus.SourceArticles, filepath.Base(r.Source), r.Corpus.Note, mib(r.Corpus.RawTextBytes), r.Clients, r.Duration)

	header := "| figure |"
	rule := "| --- |"
	for _, s := range r.Systems {
		header += " " + s.Name + " |"
		rule += " ---: |"
	}
	for _, x := range r.Ratios {
		header += " ours / " + x.Versus + " |"
		rule += " ---: |"
	}
	b.WriteString(header + "\n" + rule + "\n")
	row := func(name string, val func(SystemFigures) string, rat func(RatioFigures) float64) {
		b.WriteString("| " + name + " |")
		for _, s := range r.Systems {
			b.WriteString(" " + val(s) + " |")
		}
		for _, x := range r.Ratios {
			if rat == nil {
				b.WriteString(" |")
			} else {
				fmt.Fprintf(&b, " %.2f |", rat(x))
			}
		}
		b.WriteString("\n")
	}
	row("ingest, articles/s", func(s SystemFigures) string { return fmt.Sprintf("%.0f", s.Ingest.PerSecond) }, func(x RatioFigures) float64 { return x.IngestPerSecond })
	row("ingest time", func(s SystemFigures) string { return fmt.Sprintf("%.1f s", s.Ingest.Seconds) }, nil)
	row("on disk", func(s SystemFigures) string { return mib(s.Ingest.DiskBytes) }, func(x RatioFigures) float64 { return x.DiskBytes })
	row("on disk per article", func(s SystemFigures) string { return fmt.Sprintf("%.0f B", s.Ingest.BytesPerArticle) }, nil)
	row("on disk / raw text", func(s SystemFigures) string { return fmt.Sprintf("%.2f×", s.Ingest.DiskToRaw) }, nil)
	row("ingest peak RSS", func(s SystemFigures) string { return mib(s.Ingest.PeakRSSBytes) }, func(x RatioFigures) float64 { return x.IngestPeakRSS })
	row("searches/s", func(s SystemFigures) string { return fmt.Sprintf("%.1f", s.Search.PerSecond) }, func(x RatioFigures) float64 { return x.SearchPerSecond })
	row("search p50", func(s SystemFigures) string { return fmt.Sprintf("%.1f ms", s.Search.Overall.P50) }, func(x RatioFigures) float64 { return x.P50 })
	row("search p95", func(s SystemFigures) string { return fmt.Sprintf("%.1f ms", s.Search.Overall.P95) }, func(x RatioFigures) float64 { return x.P95 })
	row("search p99", func(s SystemFigures) string { return fmt.Sprintf("%.1f ms", s.Search.Overall.P99) }, func(x RatioFigures) float64 { return x.P99 })
	row("search peak RSS", func(s SystemFigures) string { return mib(s.Search.PeakRSSBytes) }, func(x RatioFigures) float64 { return x.SearchPeakRSS })
	row("server start to first answer", func(s SystemFigures) string { return secondsOrNone(s.Search.StartupSeconds) }, nil)
	row("first search after start (broad term)", func(s SystemFigures) string { return msOrNone(s.Search.FirstSearchMs) }, nil)
	row("searches (errors)", func(s SystemFigures) string { return fmt.Sprintf("%d (%d)", s.Search.Requests, s.Search.Errors) }, nil)

	b.WriteString(r.pairs())

	b.WriteString("\nLatency by kind of query, p50 / p95 / p99 in ms (hits: how many articles it matches, and what share of the indexed articles):\n\n")
	header, rule = "| query | hits |", "| --- | ---: |"
	for _, s := range r.Systems {
		header += " " + s.Name + " |"
		rule += " ---: |"
	}
	for _, x := range r.Ratios {
		header += " p50 ours / " + x.Versus + " |"
		rule += " ---: |"
	}
	b.WriteString(header + "\n" + rule + "\n")
	if len(r.Systems) > 0 {
		for k, kind := range r.Systems[0].Search.Kinds {
			pct := 0.0
			if n := r.Systems[0].Ingest.Articles; n > 0 {
				pct = 100 * float64(kind.Hits) / float64(n)
			}
			fmt.Fprintf(&b, "| %s | %d (%.1f%%) |", kind.Kind, kind.Hits, pct)
			for _, s := range r.Systems {
				if k < len(s.Search.Kinds) {
					l := s.Search.Kinds[k].Latencies
					fmt.Fprintf(&b, " %.1f / %.1f / %.1f |", l.P50, l.P95, l.P99)
				} else {
					b.WriteString(" |")
				}
			}
			for i := range r.Ratios {
				s := r.Systems[i+1]
				if k < len(s.Search.Kinds) {
					fmt.Fprintf(&b, " %.2f |", ratio(kind.Latencies.P50, s.Search.Kinds[k].Latencies.P50))
				} else {
					b.WriteString(" |")
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\nHits per system (they should agree within analysis differences): ")
		for _, s := range r.Systems {
			var hs []string
			for _, k := range s.Search.Kinds {
				hs = append(hs, fmt.Sprint(k.Hits))
			}
			fmt.Fprintf(&b, "%s %s; ", s.Name, strings.Join(hs, "/"))
		}
		b.WriteString("\n")
		b.WriteString(r.targets())
	}
	b.WriteString("\nNotes:\n\n")
	for _, s := range r.Systems {
		fmt.Fprintf(&b, "- %s: ingest: %s. Search: %s.\n", s.Name, s.Ingest.Note, s.Search.Note)
		if s.Search.FirstError != "" {
			fmt.Fprintf(&b, "  First search error: %s\n", s.Search.FirstError)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	return b.String()
}

// pairs compares each engine's archive with the same engine bare, where the
// report has both: the archive on OpenSearch with bare OpenSearch (the main
// table's ratios are all the Bleve archive's).
func (r *Report) pairs() string {
	find := func(name string) (SystemFigures, bool) {
		for _, s := range r.Systems {
			if s.Name == name {
				return s, true
			}
		}
		return SystemFigures{}, false
	}
	var b strings.Builder
	for _, p := range [][2]string{{"Article Archive on OpenSearch", "bare OpenSearch"}} {
		a, ok1 := find(p[0])
		x, ok2 := find(p[1])
		if !ok1 || !ok2 {
			continue
		}
		fmt.Fprintf(&b, "\n%s / %s: ingest articles/s %.2f, disk %.2f, ingest peak RSS %.2f, searches/s %.2f, p50 %.2f, p95 %.2f, p99 %.2f, search peak RSS %.2f.\n",
			p[0], p[1], ratio(a.Ingest.PerSecond, x.Ingest.PerSecond), ratio(float64(a.Ingest.DiskBytes), float64(x.Ingest.DiskBytes)),
			ratio(float64(a.Ingest.PeakRSSBytes), float64(x.Ingest.PeakRSSBytes)), ratio(a.Search.PerSecond, x.Search.PerSecond),
			ratio(a.Search.Overall.P50, x.Search.Overall.P50), ratio(a.Search.Overall.P95, x.Search.Overall.P95),
			ratio(a.Search.Overall.P99, x.Search.Overall.P99), ratio(float64(a.Search.PeakRSSBytes), float64(x.Search.PeakRSSBytes)))
	}
	return b.String()
}

// targets checks the archive's figures against the targets (set for
// 1,000,000 articles on a 2-core machine).
func (r *Report) targets() string {
	o := r.Systems[0]
	var b strings.Builder
	b.WriteString("\nTargets of issue 7 (for 1,000,000 articles):\n\n| target | measured | met |\n| --- | ---: | --- |\n")
	check := func(name, measured string, ok bool) {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, measured, map[bool]string{true: "yes", false: "**no**"}[ok])
	}
	check("ingest with extraction ≥ 5,000 articles/s", fmt.Sprintf("%.0f/s", o.Ingest.PerSecond), o.Ingest.PerSecond >= 5000)
	check("search p50 ≤ 15 ms", fmt.Sprintf("%.1f ms", o.Search.Overall.P50), o.Search.Overall.P50 <= 15)
	check("search p99 ≤ 75 ms", fmt.Sprintf("%.1f ms", o.Search.Overall.P99), o.Search.Overall.P99 <= 75)
	for _, k := range o.Search.Kinds {
		if strings.HasPrefix(k.Kind, "broad") || strings.HasPrefix(k.Kind, "everything") {
			check(k.Kind+": p50 ≤ 15 ms, p99 ≤ 75 ms", fmt.Sprintf("%.1f / %.1f ms", k.Latencies.P50, k.Latencies.P99), k.Latencies.P50 <= 15 && k.Latencies.P99 <= 75)
		}
	}
	check("startup: server start to first answer, and the first search, each ≤ 1 s (no full scan at open)",
		fmt.Sprintf("%.2f s, %.0f ms", o.Search.StartupSeconds, o.Search.FirstSearchMs), o.Search.StartupSeconds <= 1 && o.Search.FirstSearchMs <= 1000)
	check("on disk ≤ 2× the raw text", fmt.Sprintf("%.2f×", o.Ingest.DiskToRaw), o.Ingest.DiskToRaw <= 2)
	peak := max(o.Ingest.PeakRSSBytes, o.Search.PeakRSSBytes)
	check("peak RSS ≤ 2 GiB", mib(peak), peak <= 2<<30)
	for _, s := range r.Systems[1:] {
		if s.Name == "SQLite FTS5" {
			check("faceted search p50 and p99 ahead of SQLite FTS5", fmt.Sprintf("%.1f / %.1f ms vs %.1f / %.1f ms", o.Search.Overall.P50, o.Search.Overall.P99, s.Search.Overall.P50, s.Search.Overall.P99),
				o.Search.Overall.P50 < s.Search.Overall.P50 && o.Search.Overall.P99 < s.Search.Overall.P99)
		}
	}
	return b.String()
}

// secondsOrNone and msOrNone show a figure, or a dash for a system that has
// none.
func secondsOrNone(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f s", v)
}

func msOrNone(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f ms", v)
}

// describeMachine names the CPU, cores and memory.
func describeMachine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
				mem = fmt.Sprintf(", %.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s %s/%s", cpu, runtime.NumCPU(), mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
