package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestWriteOfManyTinyRecords sends 10 MB of tiny records to the write API of a
// real server: the answer stays small (counts and the first problems) and the
// server's memory does not grow with the number of records.
func TestWriteOfManyTinyRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 10 MB of records to a real server (skipped with -short)")
	}
	p := startProc(t, buildArchive(t), "--data", t.TempDir(), "--token", "s3cret")
	if _, _, err := procMemory(p.cmd.Process.Pid); err != nil {
		t.Skipf("cannot read the server's memory from /proc: %v", err)
	}
	// Nine lines in ten are records without text (rejected), one is stored.
	var b strings.Builder
	for i := 0; b.Len() < 10<<20; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&b, "{\"id\":\"t%d\",\"title\":\"Tiny %d\"}\n", i, i)
		} else {
			b.WriteString("{}\n")
		}
	}
	req, _ := http.NewRequest(http.MethodPost, p.url+"/api/v1/articles", strings.NewReader(b.String()))
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var rep struct {
		Read, Indexed, Rejected int
		Problems                []json.RawMessage
		ProblemsOmitted         int `json:"problems_omitted"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("write: %d %v %.300s", res.StatusCode, err, body)
	}
	_, hwm, err := procMemory(p.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records read, %d stored, %d rejected; answer %d bytes; server peak RSS %d MiB", rep.Read, rep.Indexed, rep.Rejected, len(body), hwm>>20)
	if rep.Read < 1_000_000 || rep.Indexed+rep.Rejected != rep.Read || len(rep.Problems) != 1000 || rep.ProblemsOmitted != rep.Rejected-1000 {
		t.Errorf("read %d, indexed %d, rejected %d, problems listed %d, omitted %d", rep.Read, rep.Indexed, rep.Rejected, len(rep.Problems), rep.ProblemsOmitted)
	}
	if len(body) > 512<<10 {
		t.Errorf("the answer is %d bytes: it must not grow with the records", len(body))
	}
	if hwm > 1<<30 {
		t.Errorf("the server's peak RSS is %d MiB, over 1 GiB", hwm>>20)
	}
}
