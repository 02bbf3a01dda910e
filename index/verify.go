package index

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/article-archive/archive/corpus"
)

// VerifyInBackground starts reading every record of the archive beside the index,
// as Check does, while the archive serves: Health reports how far it has come,
// and the archive turns degraded if it finds articles the index lists whose
// records are gone or cannot be read. The cheap comparisons Open makes cannot see
// a record damaged inside the file; this does, a few seconds per hundred thousand
// articles after start-up, on one processor. Close stops it.
func (ix *Index) VerifyInBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	ix.mu.Lock()
	ix.stopVerify = func() { cancel(); <-done }
	ix.mu.Unlock()
	total, _ := ix.records.count()
	ix.setChecked(&corpus.CheckProgress{Of: total})
	go func() {
		defer close(done)
		start := time.Now()
		progress := func(n, of int) { ix.setChecked(&corpus.CheckProgress{Records: n, Of: max(of, n)}) }
		w, err := walkArchive(ctx, ix.records, ix.bleve, false, progress, total, nil)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			ix.log.Error("the check of every record stopped", "err", err)
			return
		}
		// What it found is told before it says it is done.
		defer ix.setChecked(&corpus.CheckProgress{Records: w.ids, Of: max(total, w.ids), Done: true})
		ix.log.Info("checked every record against the index", "records", w.ids, "took", time.Since(start).Round(time.Millisecond),
			"lost", w.lost.n, "unreadable", w.unreadable.n)
		if len(w.damage) > 0 {
			ix.degrade(fmt.Sprintf("the record store's file is damaged (%s): restore the archive from a backup, or run 'archive repair' (server stopped) to copy what can be read", strings.Join(w.damage, "; ")), nil)
		}
		if n := w.lost.n + w.unreadable.n; n > 0 && !ix.knownMissing(n) {
			ids := append(append([]string(nil), w.lost.ids...), w.unreadable.ids...)
			problem := fmt.Sprintf("%d acknowledged articles the index lists have lost their records", n)
			if w.unreadable.n > 0 {
				problem = fmt.Sprintf("%d acknowledged articles the index lists have lost their records or cannot be read (%d)", n, w.unreadable.n)
			}
			ix.degrade(fmt.Sprintf("%s (%s): the record store is damaged. Restore the archive from a backup, or run 'archive repair' (server stopped) to see what can be recovered",
				problem, someIDs(IDCount{N: n, IDs: ids})), &corpus.MissingArticles{Articles: n, IDs: ids[:min(len(ids), maxListed)]})
		}
	}()
}

// knownMissing tells whether the archive already reports n articles missing
// (Open found them), so that the check after start-up says it again in no other
// words.
func (ix *Index) knownMissing(n int) bool {
	ix.healthMu.Lock()
	defer ix.healthMu.Unlock()
	return ix.health.Missing != nil && ix.health.Missing.Articles == n
}

func (ix *Index) setChecked(p *corpus.CheckProgress) {
	ix.healthMu.Lock()
	defer ix.healthMu.Unlock()
	ix.health.Checked = p
}
