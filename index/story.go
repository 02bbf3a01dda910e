package index

import (
	"context"
	"fmt"

	"github.com/article-archive/archive/corpus"
)

// maxStoryCandidates bounds the articles one batch compares itself with.
const maxStoryCandidates = 20000

// storyCandidate is an article that shares a signature band with one being stored.
type storyCandidate struct {
	id, story string
	sig       corpus.Signature
}

// assignStories sets the Story of each article that has none: the story of the
// most similar article already in the index or earlier in the batch when that is
// a copy (corpus.StorySimilarity), else the article's own ID. It returns each
// article's signature for the record store, with ok false where the text is too
// short to have one. Candidates come from one read of the band table per batch.
func (ix *Index) assignStories(ctx context.Context, articles []*corpus.Article) ([]storySignature, error) {
	sigs := make([]storySignature, len(articles))
	bands := make([][]string, len(articles))
	parallel(len(articles), func(i int) error {
		sigs[i].sig, sigs[i].ok = corpus.NewSignature(articles[i].Body)
		if sigs[i].ok {
			bands[i] = bandKeys(sigs[i].sig)
		}
		return nil
	})
	var terms []string
	seenTerm := map[string]bool{}
	for i := range articles {
		for _, b := range bands[i] {
			if !seenTerm[b] {
				seenTerm[b] = true
				terms = append(terms, b)
			}
		}
	}
	byBand := map[string][]storyCandidate{}
	if len(terms) > 0 {
		cands, err := ix.storyCandidates(ctx, terms)
		if err != nil {
			return nil, err
		}
		for _, c := range cands {
			for _, b := range bandKeys(c.sig) {
				if seenTerm[b] {
					byBand[b] = append(byBand[b], c)
				}
			}
		}
	}
	for i, a := range articles {
		if !sigs[i].ok {
			if a.Story == "" {
				a.Story = a.ID
			}
			continue
		}
		if a.Story == "" {
			a.Story = a.ID
			best := corpus.StorySimilarity
			for _, b := range bands[i] {
				for _, c := range byBand[b] {
					if c.id == a.ID {
						continue
					}
					if s := sigs[i].sig.Similarity(c.sig); s >= best {
						best, a.Story = s, c.story
					}
				}
			}
		}
		// Later articles of the batch find this one as a candidate.
		c := storyCandidate{id: a.ID, story: a.Story, sig: sigs[i].sig}
		for _, b := range bands[i] {
			byBand[b] = append(byBand[b], c)
		}
	}
	return sigs, nil
}

// storySignature is an article's signature, when its text is long enough to have one.
type storySignature struct {
	sig corpus.Signature
	ok  bool
}

// storyCandidates finds the stored articles that share any of the band keys.
// The band table lives in the record store, not in the Bleve index: its keys are
// nearly all distinct, and as index terms they made every segment merge rebuild a
// dictionary several times larger than the words of the articles.
func (ix *Index) storyCandidates(_ context.Context, bands []string) ([]storyCandidate, error) {
	cands, err := ix.records.storyCandidates(bands, maxStoryCandidates)
	if err != nil {
		return nil, fmt.Errorf("index: find copies: %w", err)
	}
	if len(cands) >= maxStoryCandidates {
		ix.log.Warn("more articles share signature bands than are compared", "compared", maxStoryCandidates)
	}
	return cands, nil
}

// addStoryFields adds the story to an indexed document.
func addStoryFields(d map[string]any, story string) {
	d[fieldStory] = story
}

// signaturesOf computes the signatures of articles whose stories are already set.
func signaturesOf(articles []corpus.Article) []storySignature {
	sigs := make([]storySignature, len(articles))
	for i := range articles {
		sigs[i].sig, sigs[i].ok = corpus.NewSignature(articles[i].Body)
	}
	return sigs
}
