package ostest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/article-archive/archive/internal/ostest"
)

// TestStart starts (or finds) one node and asks it for its health.
func TestStart(t *testing.T) {
	c := ostest.Start(t, 1)
	res, err := http.Get(c.URLs[0] + "/_cluster/health")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(body), `"status":"green"`) {
		t.Fatalf("health: %d %s", res.StatusCode, body)
	}
}
