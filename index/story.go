package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
// article's signature for the index, with ok false where the text is too short to
// have one. Candidates come from one search per batch over the band keys.
func (ix *Index) assignStories(ctx context.Context, articles []*corpus.Article) ([]storySignature, error) {
	sigs := make([]storySignature, len(articles))
	var terms []string
	seenTerm := map[string]bool{}
	for i, a := range articles {
		sigs[i].sig, sigs[i].ok = corpus.NewSignature(a.Body)
		if !sigs[i].ok {
			continue
		}
		for _, b := range sigs[i].sig.Bands() {
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
			for _, b := range c.sig.Bands() {
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
		bands := sigs[i].sig.Bands()
		if a.Story == "" {
			a.Story = a.ID
			best := corpus.StorySimilarity
			for _, b := range bands {
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
		for _, b := range bands {
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

// storyCandidates finds the indexed articles that share any of the band keys.
func (ix *Index) storyCandidates(ctx context.Context, bands []string) ([]storyCandidate, error) {
	any := make([]query.Query, len(bands))
	for i, b := range bands {
		any[i] = termQuery(fieldBands, b)
	}
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(any), maxStoryCandidates, 0, false)
	req.Fields = []string{fieldStory, fieldSignature}
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: find copies: %w", err)
	}
	if res.Total > maxStoryCandidates {
		ix.log.Warn("more articles share signature bands than are compared", "total", res.Total, "compared", maxStoryCandidates)
	}
	out := make([]storyCandidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		sig, ok := corpus.ParseSignature(stringField(h.Fields[fieldSignature]))
		if !ok {
			continue
		}
		story := stringField(h.Fields[fieldStory])
		if story == "" {
			story = h.ID
		}
		out = append(out, storyCandidate{id: h.ID, story: story, sig: sig})
	}
	return out, nil
}

// addStoryFields adds the story and, when there is one, the signature and its band
// keys to an indexed document.
func addStoryFields(d map[string]any, story string, s storySignature) {
	d[fieldStory] = story
	if s.ok {
		d[fieldSignature] = s.sig.String()
		d[fieldBands] = s.sig.Bands()
	}
}
