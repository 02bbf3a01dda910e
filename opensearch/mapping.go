package opensearch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/article-archive/archive/corpus"
)

// Field names of the indexed document beyond the article's own JSON names.
const (
	fieldID          = "id"           // keyword: sorts break ties on it
	fieldTitle       = "title"        // english text
	fieldBody        = "body"         // english text
	fieldOutlet      = "outlet"       // keyword: filters and the outlet facet
	fieldOutletText  = "outlet.text"  // standard text: outlet:ledger
	fieldPersons     = "persons"      // keyword: filters and the person facet
	fieldPersonText  = "persons.text" // standard text: person:okafor
	fieldAuthorText  = "authors"      // standard text: author:ruiz
	fieldPublished   = "published"    // date
	fieldArrived     = "arrived"      // date: when the article arrived in the archive
	fieldWritten     = "written_at"   // date: when this document was last written (reindex catches up by it)
	fieldStory       = "story"        // keyword
	fieldPersonsFold = "persons_fold" // keyword: corpus.Fold of each person
	fieldOutletFold  = "outlet_fold"  // keyword: corpus.Fold of the outlet
	fieldBands       = "story_bands"  // keyword: the MinHash band keys (corpus.Signature.Bands)
	fieldSignature   = "story_sig"    // not indexed: the signature, to compare candidates
	fieldFingerprint = "fingerprint"  // keyword: corpus.Article.Fingerprint, tells an update from a repeat
	fieldDupKeys     = "dup_keys"     // keyword: corpus.Article.DuplicateKeys
	analyzerEnglish  = "archive_english"
)

// document is an article as the index holds it: the article's own fields and
// the derived ones.
type document struct {
	corpus.Article
	PersonsFold []string `json:"persons_fold,omitempty"`
	OutletFold  string   `json:"outlet_fold,omitempty"`
	Bands       []string `json:"story_bands,omitempty"`
	Signature   string   `json:"story_sig,omitempty"`
	Fingerprint string   `json:"fingerprint,omitempty"`
	// Extracted are the persons extraction found; Persons shows them with the
	// people edits applied (withLayer).
	Extracted []string `json:"persons_extracted,omitempty"`
	// DuplicateKeys make an article with another ID the same article.
	DuplicateKeys []string `json:"dup_keys,omitempty"`
	// WrittenAt is when the document was last written, by the writing server's
	// clock: Reindex copies again what was written while it copied.
	WrittenAt time.Time `json:"written_at,omitzero"`
}

func newDocument(a corpus.Article, sig corpus.Signature, hasSig bool) document {
	d := document{Article: a, Fingerprint: a.Fingerprint(), OutletFold: corpus.Fold(a.Outlet), WrittenAt: time.Now().UTC()}
	if d.Article.Published.IsZero() {
		d.Article.Published = time.Time{}
	}
	for _, p := range a.Persons {
		d.PersonsFold = append(d.PersonsFold, corpus.Fold(p))
	}
	if hasSig {
		d.Bands, d.Signature = sig.Bands(), sig.String()
	}
	return d
}

// withLayer shows the document's extracted persons through the people edits.
func (d *document) withLayer(l *corpus.PersonLayer) {
	d.Extracted = d.Persons
	d.Persons = l.Apply(d.Persons)
	d.PersonsFold = nil
	for _, p := range d.Persons {
		d.PersonsFold = append(d.PersonsFold, corpus.Fold(p))
	}
}

// extracted returns the persons extraction found: Extracted, or Persons for an
// article stored before the edits were kept beside them.
func (d *document) extracted() []string {
	if d.Extracted != nil {
		return d.Extracted
	}
	return d.Persons
}

// indexBody is the settings and mappings of a new index. The english analysis is
// the Bleve engine's (tokens, possessives, lower case, the same stop words, the
// Porter stemmer), so that both engines find the same articles for the same
// words. translog durability "request" fsyncs every write before it is
// acknowledged (the default, stated so that nobody turns it off unknowingly).
func (e *Engine) indexBody(replicas int) map[string]any {
	shards := max(1, e.cfg.Shards)
	keyword := map[string]any{"type": "keyword"}
	return map[string]any{
		"settings": map[string]any{
			"index": map[string]any{
				"number_of_shards":              shards,
				"number_of_replicas":            replicas,
				"translog.durability":           "request",
				"max_result_window":             corpus.MaxResultWindow + corpus.MaxPageSize + 1,
				"highlight.max_analyzed_offset": 1 << 20,
			},
			"analysis": map[string]any{
				"filter": map[string]any{
					"archive_possessive": map[string]any{"type": "stemmer", "language": "possessive_english"},
					"archive_stop":       map[string]any{"type": "stop", "stopwords": stopWords},
				},
				"analyzer": map[string]any{
					analyzerEnglish: map[string]any{
						"type":      "custom",
						"tokenizer": "standard",
						"filter":    []string{"archive_possessive", "lowercase", "archive_stop", "porter_stem"},
					},
				},
			},
		},
		"mappings": map[string]any{
			"dynamic": false,
			"properties": map[string]any{
				fieldID: keyword,
				// No term vectors: the highlighter analyzes the page's few hits again,
				// which costs less than storing vectors for every article.
				fieldTitle: map[string]any{"type": "text", "analyzer": analyzerEnglish},
				fieldBody:  map[string]any{"type": "text", "analyzer": analyzerEnglish},
				fieldOutlet: map[string]any{"type": "keyword",
					"fields": map[string]any{"text": map[string]any{"type": "text", "analyzer": "standard"}}},
				fieldPersons: map[string]any{"type": "keyword",
					"fields": map[string]any{"text": map[string]any{"type": "text", "analyzer": "standard"}}},
				fieldAuthorText:  map[string]any{"type": "text", "analyzer": "standard"},
				fieldPublished:   map[string]any{"type": "date", "format": "strict_date_optional_time"},
				fieldArrived:     map[string]any{"type": "date", "format": "strict_date_optional_time"},
				fieldWritten:     map[string]any{"type": "date", "format": "strict_date_optional_time"},
				fieldStory:       keyword,
				fieldPersonsFold: keyword,
				fieldExtracted:   map[string]any{"type": "keyword", "doc_values": false},
				fieldOutletFold:  keyword,
				fieldBands:       keyword,
				fieldDupKeys:     keyword,
				fieldFingerprint: map[string]any{"type": "keyword", "index": false},
				fieldSignature:   map[string]any{"type": "keyword", "index": false, "doc_values": false},
				"url":            map[string]any{"type": "keyword", "index": false, "doc_values": false},
			},
		},
	}
}

// ensureIndex makes the index when it does not exist yet.
func (e *Engine) ensureIndex(ctx context.Context) error {
	err := e.do(ctx, http.MethodHead, "/"+e.index, nil, nil)
	if err == nil {
		// An index made before arrival times were kept learns the field (adding a
		// field to a mapping is allowed and idempotent); its older articles have
		// none, sort last by arrival and match no arrival filter.
		// So do the field of the persons extraction found, kept beside the shown
		// ones since people edits are applied on this engine, and the time a
		// document was written (archive reindex).
		body := map[string]any{"properties": map[string]any{
			fieldArrived:   map[string]any{"type": "date", "format": "strict_date_optional_time"},
			fieldExtracted: map[string]any{"type": "keyword", "doc_values": false},
			fieldWritten:   map[string]any{"type": "date", "format": "strict_date_optional_time"}}}
		if err := e.do(ctx, http.MethodPut, "/"+e.index+"/_mapping", body, nil); err != nil {
			return fmt.Errorf("opensearch: add the fields of arrival, extracted persons and writing time to index %s: %w", e.index, err)
		}
		return nil
	}
	if oe, ok := errors.AsType[*osError](err); !ok || oe.Status != http.StatusNotFound {
		return fmt.Errorf("opensearch: look for index %s: %w", e.index, err)
	}
	if e.cfg.NoCreate {
		return corpus.Errorf(corpus.ENotFound, "there is no index %s in the cluster: name the archive's index with --opensearch-index, or ingest or restore into it first", e.index)
	}
	replicas := e.cfg.Replicas
	if replicas == 0 {
		var h struct {
			Nodes int `json:"number_of_nodes"`
		}
		if err := e.do(ctx, http.MethodGet, "/_cluster/health", nil, &h); err != nil {
			return err
		}
		if h.Nodes > 1 {
			replicas = 1
		}
	}
	err = e.do(ctx, http.MethodPut, "/"+e.index+"?wait_for_active_shards=1", e.indexBody(replicas), nil)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Type == "resource_already_exists_exception" {
		return nil // another server made it a moment ago
	}
	if err != nil {
		return fmt.Errorf("opensearch: create index %s: %w", e.index, err)
	}
	e.log.Info("created the OpenSearch index", "index", e.index, "shards", max(1, e.cfg.Shards), "replicas", replicas)
	return nil
}
