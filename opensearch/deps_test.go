package opensearch_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/article-archive/archive"

// TestEngineImports keeps each engine inside its adapter: only package opensearch
// imports opensearch-go, only package index imports Bleve (cmd/archive wires
// them, and its tests may reach both); the adapters import neither each other nor
// server, ingest or access, and those import no adapter.
func TestEngineImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		deps[strings.TrimPrefix(p.ImportPath, module+"/")] = p.Deps
	}
	dependsOn := func(pkg, prefix string) bool {
		for _, d := range deps[pkg] {
			if d == prefix || strings.HasPrefix(d, prefix+"/") {
				return true
			}
		}
		return false
	}
	const osgo, bleve = "github.com/opensearch-project/opensearch-go", "github.com/blevesearch/bleve/v2"
	for pkg := range deps {
		if pkg != "opensearch" && pkg != "cmd/archive" && dependsOn(pkg, osgo) {
			t.Errorf("%s depends on opensearch-go: only package opensearch may", pkg)
		}
		// The bench harness measures the Bleve engine: it reaches Bleve through
		// index (cmd/archive's TestImportRules checks that it imports no engine).
		if pkg != "index" && pkg != "cmd/archive" && pkg != "internal/bench" && dependsOn(pkg, bleve) {
			t.Errorf("%s depends on Bleve: only package index may", pkg)
		}
	}
	for _, other := range []string{"index", "server", "ingest", "access"} {
		if dependsOn("opensearch", module+"/"+other) {
			t.Errorf("opensearch imports %s: an adapter points only toward corpus and query", other)
		}
		if dependsOn(other, module+"/opensearch") {
			t.Errorf("%s imports opensearch: only cmd/archive chooses the engine", other)
		}
	}
	if !dependsOn("opensearch", osgo) || !dependsOn("index", bleve) {
		t.Errorf("the rule checks nothing: opensearch should depend on opensearch-go and index on Bleve")
	}
}
