package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/article-archive/archive/corpus"
)

// The story tables of the record store (see story.go for what they are for):
//
//	story_refs:      ref -> signature (2 bytes a value, little endian), uvarint len(id), id, story
//	story_band_refs: band key -> the refs filed under it, 4 bytes each, big endian
//
// A band key is the band's number and its three 16-bit minima, 7 bytes. Refs make
// a band entry 4 bytes where an ID took 20 to 30, and story_refs is appended in
// ref order. A band holds at most maxBandRefs refs: more would be compared in vain
// (maxStoryCandidates bounds a batch's), and every one added rewrites the list.
const (
	bandKeyLen  = 7
	maxBandRefs = 1000
	bandRows    = len(corpus.Signature{}) / corpus.SignatureBands
	sigBytes    = 2 * len(corpus.Signature{})
)

// bandKeys returns the signature's LSH band keys: two signatures that share a key
// are candidate copies.
func bandKeys(sig corpus.Signature) []string {
	keys := make([]string, corpus.SignatureBands)
	var k [bandKeyLen]byte
	for b := range keys {
		k[0] = byte(b)
		for r := range bandRows {
			binary.BigEndian.PutUint16(k[1+2*r:], sig[b*bandRows+r])
		}
		keys[b] = string(k[:])
	}
	return keys
}

func encodeStoryRef(sig corpus.Signature, id, story string) []byte {
	v := make([]byte, sigBytes, sigBytes+binary.MaxVarintLen64+len(id)+len(story))
	for i, x := range sig {
		binary.LittleEndian.PutUint16(v[2*i:], x)
	}
	v = binary.AppendUvarint(v, uint64(len(id)))
	v = append(v, id...)
	return append(v, story...)
}

var errBadStoryRef = errors.New("not a story entry")

func decodeStoryRef(v []byte) (storyCandidate, error) {
	var c storyCandidate
	if len(v) < sigBytes {
		return c, errBadStoryRef
	}
	for i := range c.sig {
		c.sig[i] = binary.LittleEndian.Uint16(v[2*i:])
	}
	v = v[sigBytes:]
	n, w := binary.Uvarint(v)
	if w <= 0 || uint64(len(v)-w) < n {
		return c, errBadStoryRef
	}
	c.id, c.story = string(v[w:w+int(n)]), string(v[w+int(n):])
	return c, nil
}

// putStorySignatures files each article's signature under its ref and the ref
// under each of its band keys. A changed article leaves its old band keys behind;
// they only make it a candidate that its current signature then turns down.
func putStorySignatures(tx *bolt.Tx, articles []corpus.Article, refs []uint64, sigs []storySignature) error {
	if sigs == nil {
		return nil
	}
	stories, bands := tx.Bucket(bucketStoryRefs), tx.Bucket(bucketBandRefs)
	stories.FillPercent = 1 // appended in ref order, but for updates
	type entry struct {
		key string
		ref [4]byte
	}
	var entries []entry
	for i := range articles {
		if !sigs[i].ok {
			continue
		}
		a := &articles[i]
		if refs[i] > 1<<32-1 {
			return fmt.Errorf("record %q: ref %d does not fit a band entry", a.ID, refs[i])
		}
		if err := stories.Put(refKey(refs[i]), encodeStoryRef(sigs[i].sig, a.ID, a.Story)); err != nil {
			return err
		}
		var ref [4]byte
		binary.BigEndian.PutUint32(ref[:], uint32(refs[i]))
		for _, key := range bandKeys(sigs[i].sig) {
			entries = append(entries, entry{key, ref})
		}
	}
	// In key order, one band after the other shares the pages the one before read.
	slices.SortStableFunc(entries, func(x, y entry) int { return strings.Compare(x.key, y.key) })
	for _, e := range entries {
		old := bands.Get([]byte(e.key))
		if len(old) >= 4*maxBandRefs || hasRef(old, e.ref[:]) {
			continue
		}
		if err := bands.Put([]byte(e.key), append(slices.Clip(old), e.ref[:]...)); err != nil {
			return err
		}
	}
	return nil
}

func hasRef(list, ref []byte) bool {
	for i := 0; i+4 <= len(list); i += 4 {
		if string(list[i:i+4]) == string(ref) {
			return true
		}
	}
	return false
}

// storyCandidates returns up to limit stored articles filed under any of the band
// keys (bandKeys), with their story and signature.
func (r *records) storyCandidates(keys []string, limit int) ([]storyCandidate, error) {
	var out []storyCandidate
	err := r.view(func(tx *bolt.Tx) error {
		bands, stories := tx.Bucket(bucketBandRefs), tx.Bucket(bucketStoryRefs)
		seen := map[uint32]bool{}
		// In key order, one lookup shares the pages the one before read.
		for _, key := range slices.Sorted(slices.Values(keys)) {
			list := bands.Get([]byte(key))
			for i := 0; i+4 <= len(list) && len(out) < limit; i += 4 {
				ref := binary.BigEndian.Uint32(list[i:])
				if seen[ref] {
					continue
				}
				seen[ref] = true
				v := stories.Get(refKey(uint64(ref)))
				if v == nil {
					continue
				}
				c, err := decodeStoryRef(v)
				if err != nil {
					return fmt.Errorf("story entry %d: %w", ref, err)
				}
				out = append(out, c)
			}
		}
		return nil
	})
	return out, err
}
