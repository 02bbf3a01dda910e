package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/article-archive/archive/corpus"
)

// The names RenamePersons moved (a bare surname the name book resolved, a case
// variant) are gone from the articles' shown names once moved; the people edits'
// index remembers what each became (documents "alias:NAME", beside the edits),
// so that the person page lists them as aliases and a page or a filter asked for
// under one leads to the person, as on the Bleve engine.

// aliasDoc is a name RenamePersons moved, as the edits' index holds it.
type aliasDoc struct {
	From string `json:"alias_from"`
	To   string `json:"alias_to"`
}

// maxAliasesListed bounds the aliases one person page reads.
const maxAliasesListed = 1000

func aliasID(name string) string { return "alias:" + name }

// noteAliases remembers, for each name RenamePersons moved out of an article,
// the name it became.
func (e *Engine) noteAliases(ctx context.Context, moved map[string]string) error {
	if len(moved) == 0 {
		return nil
	}
	if err := e.ensurePeopleEdits(ctx); err != nil {
		return err
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for _, from := range slices.Sorted(maps.Keys(moved)) {
		if len(from) > corpus.MaxPersonNameBytes {
			continue
		}
		enc.Encode(dsl{"index": dsl{"_index": e.peopleEdits(), "_id": aliasID(from)}})
		enc.Encode(aliasDoc{From: from, To: moved[from]})
	}
	var res bulkResponse
	if err := e.do(ctx, http.MethodPost, "/_bulk?refresh=wait_for&wait_for_active_shards=1", body.Bytes(), &res); err != nil {
		return fmt.Errorf("opensearch: remember the names moved: %w", err)
	}
	if failed, _ := res.failures(); len(failed) > 0 {
		return &BulkError{Failed: failed}
	}
	return nil
}

// learnedAlias returns the name RenamePersons gave name, or "".
func (e *Engine) learnedAlias(ctx context.Context, name string) (string, error) {
	if len(name) > corpus.MaxPersonNameBytes {
		return "", nil
	}
	var out struct {
		Found  bool     `json:"found"`
		Source aliasDoc `json:"_source"`
	}
	err := e.do(ctx, http.MethodGet, "/"+e.peopleEdits()+"/_doc/"+url.PathEscape(aliasID(name)), nil, &out)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("opensearch: look up the name %q moved to: %w", name, err)
	}
	return out.Source.To, nil
}

// learnedAliases returns the names RenamePersons moved to a name l shows as name.
func (e *Engine) learnedAliases(ctx context.Context, l *corpus.PersonLayer, name string) ([]corpus.PersonAlias, error) {
	targets := []string{name}
	for _, a := range l.Aliases(name) {
		targets = append(targets, a.Name)
	}
	var res struct {
		Hits struct {
			Hits []struct {
				Source aliasDoc `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	body := dsl{"size": maxAliasesListed, "query": dsl{"terms": dsl{"alias_to": targets}}, "sort": []any{dsl{"alias_from": "asc"}}}
	err := e.do(ctx, http.MethodPost, "/"+e.peopleEdits()+"/_search", body, &res)
	if oe, ok := errors.AsType[*osError](err); ok && oe.Status == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opensearch: read the aliases of %q: %w", name, err)
	}
	var out []corpus.PersonAlias
	for _, h := range res.Hits.Hits {
		if a := h.Source; a.From != name && l.Shown(a.To) == name {
			out = append(out, corpus.PersonAlias{Name: a.From, Via: "name book"})
		}
	}
	return out, nil
}

// readAs returns the person a name no article shows is read as through the
// names RenamePersons moved (and the edits since), or "".
func (e *Engine) readAs(ctx context.Context, name string) (string, error) {
	to, err := e.learnedAlias(ctx, name)
	if err != nil || to == "" {
		return "", err
	}
	l, _, err := e.layer(ctx)
	if err != nil {
		return "", err
	}
	shown := l.Shown(to)
	if shown == "" || shown == name {
		return "", nil
	}
	n, err := e.PersonCount(ctx, shown)
	if err != nil || n == 0 {
		return "", err
	}
	return shown, nil
}
