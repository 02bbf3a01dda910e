package corpus

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strings"
)

// Near-duplicates. The same wire story run by several outlets differs by a few
// edits, a headline or a footer; different stories on the same topic share words
// but few word sequences. So two articles are copies of one story when their bodies
// share most of their five-word sequences (shingles): a Jaccard similarity of
// shingle sets of at least StorySimilarity. MinHash estimates that similarity from
// short signatures, and locality-sensitive hashing over bands of the signature
// finds candidate copies with one term lookup per band instead of a comparison
// with every article.

const (
	shingleWords = 5
	// SignatureBands × bandRows hash functions make a signature. With 3 rows in 20
	// bands, a pair with similarity 0.5 shares at least one band with probability
	// 0.93, and 0.3 with 0.42; candidates are then checked against StorySimilarity.
	SignatureBands = 20
	bandRows       = 3
	signatureSize  = SignatureBands * bandRows
	// minShingles is the least text a signature is made for: below it, a few shared
	// phrases would make unrelated briefs look alike.
	minShingles = 25
)

// StorySimilarity is the estimated shingle similarity from which two articles are
// taken as copies of one story.
const StorySimilarity = 0.5

// Signature is the MinHash signature of an article's text: 16 bits of each of 60
// hash minima, enough to estimate the similarity of two texts to about ±0.07.
type Signature [signatureSize]uint16

// NewSignature returns the signature of text, and false when the text is too short
// to be told apart from others reliably.
func NewSignature(text string) (Signature, bool) {
	var sig Signature
	words := strings.Fields(NormalizeText(text))
	if len(words)-shingleWords+1 < minShingles {
		return sig, false
	}
	mins := [signatureSize]uint64{}
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	for i := 0; i+shingleWords <= len(words); i++ {
		h := fnv.New64a()
		for _, w := range words[i : i+shingleWords] {
			h.Write([]byte(w))
			h.Write([]byte{' '})
		}
		x := h.Sum64()
		for j := range mins {
			if v := splitmix(x ^ hashSeeds[j]); v < mins[j] {
				mins[j] = v
			}
		}
	}
	for i, m := range mins {
		sig[i] = uint16(m >> 48)
	}
	return sig, true
}

// hashSeeds derive the signature's hash functions; they are fixed so that
// signatures stay comparable across runs and versions.
var hashSeeds = func() (s [signatureSize]uint64) {
	x := uint64(0x9E3779B97F4A7C15)
	for i := range s {
		x = splitmix(x)
		s[i] = x
	}
	return s
}()

// splitmix is SplitMix64's finalizer: a fast, well-mixing 64-bit permutation.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// Similarity estimates the shingle similarity of the texts behind two signatures.
func (s Signature) Similarity(o Signature) float64 {
	same := 0
	for i := range s {
		if s[i] == o[i] {
			same++
		}
	}
	return float64(same) / signatureSize
}

// Bands returns the signature's LSH band keys: two signatures that share a key are
// candidate copies.
func (s Signature) Bands() []string {
	keys := make([]string, SignatureBands)
	for b := range keys {
		r := s[b*bandRows : (b+1)*bandRows]
		keys[b] = fmt.Sprintf("%02d%04x%04x%04x", b, r[0], r[1], r[2])
	}
	return keys
}

// String encodes the signature compactly for storage.
func (s Signature) String() string {
	var buf [signatureSize * 2]byte
	for i, v := range s {
		binary.LittleEndian.PutUint16(buf[2*i:], v)
	}
	return base64.RawStdEncoding.EncodeToString(buf[:])
}

// ParseSignature decodes a signature written by String.
func ParseSignature(str string) (Signature, bool) {
	var s Signature
	buf, err := base64.RawStdEncoding.DecodeString(str)
	if err != nil || len(buf) != signatureSize*2 {
		return s, false
	}
	for i := range s {
		s[i] = binary.LittleEndian.Uint16(buf[2*i:])
	}
	return s, true
}
