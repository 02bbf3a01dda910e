package extract

import (
	"os"
	"testing"
)

func TestZZFile(t *testing.T) {
	b, _ := os.ReadFile(os.Getenv("ZZFILE"))
	text := string(b)
	for _, tagged := range []bool{false, true} {
		var names []string
		for _, m := range extractMentions(text, tagged) {
			names = append(names, text[m.Start:m.End]+"=>"+m.Name)
		}
		t.Logf("tagged %v: %q", tagged, names)
	}
}
