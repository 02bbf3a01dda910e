package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestSpreadsheetSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Harbor":              "Harbor",
		"=1+1":                "'=1+1",
		" =cmd|' /C calc'!A0": "' =cmd|' /C calc'!A0",
		"\t=1":                "'\t=1",
		"a\n=HYPERLINK(x)":    "'a\n=HYPERLINK(x)",
		"-5 points":           "'-5 points",
		"@SUM(A1)":            "'@SUM(A1)",
		"":                    "",
		"well-known":          "well-known",
	} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnencodableAnswer: an answer that cannot be encoded is a logged 500 with the
// error envelope, never a 200 with an empty body.
func TestUnencodableAnswer(t *testing.T) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/search", nil)
	s.json(func(*gin.Context) (any, error) {
		return struct{ T time.Time }{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
	})(c)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"code":"internal"`) {
		t.Errorf("an answer dated 10000: %d %s", rec.Code, rec.Body)
	}
}

// TestExportFileName: an export is named after its search, safely, with an ASCII
// fallback and RFC 6266's filename* for other scripts.
func TestExportFileName(t *testing.T) {
	for _, c := range []struct {
		target, want string
	}{
		{"", `attachment; filename="archive-export.csv"`},
		{"q=harbor&person=Helena+Okafor&from=2024", `attachment; filename="archive-harbor-person-helena-okafor-from-2024.csv"`},
		{"q=%22..%2F..%2Fetc%2Fpasswd%22&outlet=A%22B", `attachment; filename="archive-etc-passwd-outlet-a-b.csv"`},
		{"q=Tomás+Ferreira", `attachment; filename="archive-tom_s-ferreira.csv"; filename*=UTF-8''archive-tom%C3%A1s-ferreira.csv`},
		{"q=" + strings.Repeat("a+", 100), `attachment; filename="archive-` + strings.TrimSuffix(strings.Repeat("a-", 40), "-") + `.csv"`},
	} {
		v, _ := url.ParseQuery(c.target)
		p, err := parseSearch(v, false)
		if err != nil {
			t.Fatalf("%s: %v", c.target, err)
		}
		if got := contentDisposition(exportFileName(p), "csv"); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.target, got, c.want)
		}
	}
}

func TestParseExportColumns(t *testing.T) {
	cols, err := parseExportColumns("id, body,link")
	if err != nil || len(cols) != 3 || cols[1].name != "body" || !cols[1].fromRecord || cols[2].fromRecord {
		t.Errorf("id, body,link: %v %v", cols, err)
	}
	if cols, err := parseExportColumns(""); err != nil || len(cols) != len(defaultExportColumns) {
		t.Errorf("default: %d columns, %v", len(cols), err)
	}
	_, err = parseExportColumns("id,colour")
	if err == nil || !strings.Contains(err.Error(), `"colour" is not a column`) || !strings.Contains(err.Error(), "id,title,url,outlet,published,persons,story,also_in,authors,snippet,body,date_source,link") {
		t.Errorf("unknown column: %v", err)
	}
}
