package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
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
