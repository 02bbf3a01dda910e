package index

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/klauspost/compress/zstd"

	"github.com/article-archive/archive/corpus"
)

// How the record store lays out an article (see records.go for the buckets):
//
//	ids:      id -> uvarint ref, fingerprint
//	records:  ref (8 bytes, big endian) -> recordCompressed, zstd(JSON of the article)
//
// A ref numbers the articles in the order they were first stored, so records are
// appended at the end of their bucket and bbolt fills its pages (an ID is a hash,
// and a bucket keyed by it fills its pages half). An update keeps the ref. The
// fingerprint stays in the small ids entry: telling a re-ingested article from an
// update reads no text. The story tables (records_story.go) name articles by ref.
//
// Archives written before this layout keep every article as the JSON of a
// storedRecord in the legacy articles bucket, keyed by ID; openRecords moves them
// (records_migrate.go).
const recordCompressed = 0x01

// recordCodec compresses and decompresses records. Its methods are safe for
// concurrent use.
type recordCodec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

func newRecordCodec() (*recordCodec, error) {
	// Records are small: a small window costs less memory per encode and loses
	// nothing.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(1<<16))
	if err != nil {
		return nil, err
	}
	// A damaged frame header can claim any size, and the decoder allocates what
	// it claims: no record is near maxRecordBytes.
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxRecordBytes))
	if err != nil {
		return nil, err
	}
	return &recordCodec{enc: enc, dec: dec}, nil
}

func (c *recordCodec) close() { c.dec.Close() }

// encode returns the stored form of a.
func (c *recordCodec) encode(a *corpus.Article) ([]byte, error) {
	js, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	v := make([]byte, 1, 1+len(js)/2+64)
	v[0] = recordCompressed
	return c.enc.EncodeAll(js, v), nil
}

var errBadRecord = errors.New("not a record of a known format")

// maxRecordBytes bounds what a record decodes to. An article that large would be
// a thousand times the largest file ingest takes by default.
const maxRecordBytes = 1 << 30

// decode returns the article stored in v: a compressed record, or the JSON
// storedRecord of the legacy layout.
func (c *recordCodec) decode(v []byte) (corpus.Article, error) {
	switch {
	case len(v) > 0 && v[0] == '{':
		var rec storedRecord
		err := json.Unmarshal(v, &rec)
		return rec.Article, err
	case len(v) > 0 && v[0] == recordCompressed:
		js, err := c.dec.DecodeAll(v[1:], nil)
		if err != nil {
			return corpus.Article{}, fmt.Errorf("decompress: %w", err)
		}
		var a corpus.Article
		err = json.Unmarshal(js, &a)
		return a, err
	}
	return corpus.Article{}, errBadRecord
}

// idEntry is an article's entry in the ids bucket.
type idEntry struct {
	ref         uint64
	fingerprint string
}

func (e idEntry) encode() []byte {
	v := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(e.fingerprint)), e.ref)
	return append(v, e.fingerprint...)
}

func decodeIDEntry(v []byte) (idEntry, error) {
	ref, n := binary.Uvarint(v)
	if n <= 0 || ref == 0 {
		return idEntry{}, errBadRecord
	}
	return idEntry{ref: ref, fingerprint: string(v[n:])}, nil
}

// refKey is the key of a ref in the records and story tables.
func refKey(ref uint64) []byte { return binary.BigEndian.AppendUint64(nil, ref) }
