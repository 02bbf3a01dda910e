package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/article-archive/archive"

// benchHarness is the package of "archive bench".
const benchHarness = "internal/bench"

// TestImportRules enforces the layout: only index imports Bleve, only server
// imports Gin, corpus imports nothing of ours, and server, index, ingest, query
// access and alerts never import each other (index reads query's tree); cmd/archive
// wires them together. The bench harness (internal/bench) measures the index, so
// it depends on Bleve, but only through index: it imports no engine itself.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{} // package -> every package it depends on, transitively
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Deps       []string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		deps[strings.TrimPrefix(p.ImportPath, module+"/")] = p.Deps
		if p.ImportPath == module+"/"+benchHarness {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, "github.com/blevesearch/") || strings.HasPrefix(imp, "github.com/opensearch-project/") {
					t.Errorf("%s imports %s: the harness reaches an engine only through index or opensearch", benchHarness, imp)
				}
			}
		}
	}
	if len(deps) < 5 {
		t.Fatalf("go list found only %v", deps)
	}
	dependsOn := func(pkg, prefix string) bool {
		for _, d := range deps[pkg] {
			if d == prefix || strings.HasPrefix(d, prefix+"/") {
				return true
			}
		}
		return false
	}
	ours := []string{"corpus", "index", "ingest", "server", "query", "access", "alerts"}
	// Beside corpus, index may read the parsed query tree: it compiles it.
	allowed := map[string]string{"index": "query"}
	for pkg := range deps {
		if pkg != "index" && pkg != "cmd/archive" && pkg != benchHarness && dependsOn(pkg, "github.com/blevesearch/bleve/v2") {
			t.Errorf("%s depends on Bleve: only index may", pkg)
		}
		if pkg != "server" && pkg != "cmd/archive" && dependsOn(pkg, "github.com/gin-gonic/gin") {
			t.Errorf("%s depends on Gin: only server may", pkg)
		}
	}
	for _, pkg := range ours {
		for _, other := range ours {
			if other == pkg || other == "corpus" || allowed[pkg] == other {
				continue
			}
			if dependsOn(pkg, module+"/"+other) {
				t.Errorf("%s imports %s: packages point only toward corpus", pkg, other)
			}
		}
	}
	if !dependsOn("index", "github.com/blevesearch/bleve/v2") || !dependsOn("server", "github.com/gin-gonic/gin") {
		t.Errorf("the rule checks nothing: index should depend on Bleve and server on Gin")
	}
	// extract finds metadata in text alone: it imports nothing of ours but corpus
	// (never ingest, which calls it); webpage reads a page with extract's help.
	// ingest hands articles to a Sink: it reaches neither an engine nor the server.
	for pkg, may := range map[string][]string{"extract": {"corpus"}, "webpage": {"corpus", "extract"}} {
		if _, ok := deps[pkg]; !ok {
			t.Errorf("go list found no package %s: the rule for it checks nothing", pkg)
		}
		for _, d := range deps[pkg] {
			if ours, ok := strings.CutPrefix(d, module+"/"); ok && !slices.Contains(may, ours) {
				t.Errorf("%s imports %s: it may import nothing of ours but %s", pkg, ours, strings.Join(may, " and "))
			}
		}
	}
	for _, other := range []string{"index", "server", "opensearch"} {
		if dependsOn("ingest", module+"/"+other) {
			t.Errorf("ingest imports %s: it reaches neither an engine nor the server", other)
		}
	}
}
