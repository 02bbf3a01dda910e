package server

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/article-archive/archive/corpus"
)

// openAPIJSON describes every route of routes.go: its parameters, answers and
// error codes. It is kept by hand and is the one list of each route's
// parameters: the API checks requests against it (checkParameters), the /api page
// is drawn from it, and the tests hold the real answers to its schemas, so that it
// cannot drift from what the server does.
//
//go:embed openapi.json
var openAPIJSON []byte

// apiDoc is the part of an OpenAPI 3.1 document the server reads, its references
// to parameters and responses resolved. Maps keep the document's order, which is
// the order the /api page shows.
type apiDoc struct {
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	} `json:"info"`
	// Paths maps a path to its operations by lower-case method.
	Paths      ordered[ordered[*operation]] `json:"paths"`
	Components struct {
		Parameters ordered[*parameter] `json:"parameters"`
		Responses  ordered[*response]  `json:"responses"`
		Schemas    ordered[*schema]    `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Parameters  []*parameter          `json:"parameters"`
	RequestBody *body                 `json:"requestBody"`
	Responses   ordered[*response]    `json:"responses"`
	Security    []map[string][]string `json:"security"`
}

type parameter struct {
	Ref         string  `json:"$ref"`
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description"`
	Required    bool    `json:"required"`
	Schema      *schema `json:"schema"`
}

// repeatable says whether the parameter may be given more than once.
func (p *parameter) repeatable() bool { return p.Schema != nil && p.Schema.types()[0] == "array" }

type body struct {
	Description string              `json:"description"`
	Content     ordered[*mediaType] `json:"content"`
}

type response struct {
	Ref         string              `json:"$ref"`
	Description string              `json:"description"`
	Headers     ordered[*parameter] `json:"headers"`
	Content     ordered[*mediaType] `json:"content"`
}

type mediaType struct {
	Schema *schema `json:"schema"`
}

// schema is the part of a JSON Schema the /api page shows.
type schema struct {
	Ref         string           `json:"$ref"`
	Type        any              `json:"type"` // a name, or a list of names
	Format      string           `json:"format"`
	Description string           `json:"description"`
	Properties  ordered[*schema] `json:"properties"`
	Items       *schema          `json:"items"`
	Enum        []any            `json:"enum"`
	Const       any              `json:"const"`
	OneOf       []*schema        `json:"oneOf"`
	Minimum     *float64         `json:"minimum"`
	Maximum     *float64         `json:"maximum"`
	Default     any              `json:"default"`
}

// types lists the schema's types, "null" last; "" when it names none.
func (s *schema) types() []string {
	switch t := s.Type.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, fmt.Sprint(x))
		}
		slices.SortStableFunc(out, func(a, b string) int { return boolCmp(a == "null", b == "null") })
		return out
	}
	return []string{""}
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// ordered is a JSON object read with its keys in order.
type ordered[V any] []named[V]

type named[V any] struct {
	Name  string
	Value V
}

func (o *ordered[V]) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("want an object, not %s", data[:min(len(data), 20)])
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var v V
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%s: %w", tok, err)
		}
		*o = append(*o, named[V]{Name: tok.(string), Value: v})
	}
	return nil
}

// get returns the value of key, and whether there is one.
func (o ordered[V]) get(key string) (V, bool) {
	for _, e := range o {
		if e.Name == key {
			return e.Value, true
		}
	}
	var zero V
	return zero, false
}

// parseAPIDoc reads an OpenAPI document and resolves its parameter and response
// references. It fails on a reference to nothing.
func parseAPIDoc(data []byte) (*apiDoc, error) {
	var d apiDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	for _, r := range d.Components.Responses {
		if err := d.checkSchemaRefs(r.Value.schemas()); err != nil {
			return nil, fmt.Errorf("openapi.json: response %s: %w", r.Name, err)
		}
	}
	for _, s := range d.Components.Schemas {
		if err := d.checkSchemaRefs([]*schema{s.Value}); err != nil {
			return nil, fmt.Errorf("openapi.json: schema %s: %w", s.Name, err)
		}
	}
	for _, path := range d.Paths {
		for _, m := range path.Value {
			op := m.Value
			where := strings.ToUpper(m.Name) + " " + path.Name
			for i, p := range op.Parameters {
				if p.Ref != "" {
					resolved, ok := d.Components.Parameters.get(strings.TrimPrefix(p.Ref, "#/components/parameters/"))
					if !ok {
						return nil, fmt.Errorf("openapi.json: %s: no parameter %s", where, p.Ref)
					}
					op.Parameters[i] = resolved
				}
			}
			for i, r := range op.Responses {
				if r.Value.Ref != "" {
					resolved, ok := d.Components.Responses.get(strings.TrimPrefix(r.Value.Ref, "#/components/responses/"))
					if !ok {
						return nil, fmt.Errorf("openapi.json: %s: no response %s", where, r.Value.Ref)
					}
					op.Responses[i].Value = resolved
				}
				if err := d.checkSchemaRefs(op.Responses[i].Value.schemas()); err != nil {
					return nil, fmt.Errorf("openapi.json: %s: %w", where, err)
				}
			}
		}
	}
	return &d, nil
}

func (r *response) schemas() []*schema {
	var out []*schema
	for _, c := range r.Content {
		out = append(out, c.Value.Schema)
	}
	return out
}

// checkSchemaRefs fails when a schema refers to a schema the document lacks.
func (d *apiDoc) checkSchemaRefs(schemas []*schema) error {
	for _, s := range schemas {
		if s == nil {
			continue
		}
		if s.Ref != "" {
			if _, ok := d.Components.Schemas.get(schemaName(s.Ref)); !ok {
				return fmt.Errorf("no schema %s", s.Ref)
			}
		}
		var inner []*schema
		for _, p := range s.Properties {
			inner = append(inner, p.Value)
		}
		inner = append(append(inner, s.Items), s.OneOf...)
		if err := d.checkSchemaRefs(inner); err != nil {
			return err
		}
	}
	return nil
}

func schemaName(ref string) string { return strings.TrimPrefix(ref, "#/components/schemas/") }

// route is one operation of the document.
type route struct {
	Method, Path string
	Op           *operation
}

// routes lists the document's operations in its order.
func (d *apiDoc) routes() []route {
	var out []route
	for _, path := range d.Paths {
		for _, m := range path.Value {
			out = append(out, route{Method: strings.ToUpper(m.Name), Path: path.Name, Op: m.Value})
		}
	}
	return out
}

// operation returns the operation of method on path (in the document's form,
// /api/v1/articles/{id}), or nil.
func (d *apiDoc) operation(method, path string) *operation {
	ops, _ := d.Paths.get(path)
	op, _ := ops.get(strings.ToLower(method))
	return op
}

var ginParam = regexp.MustCompile(`[:*](\w+)`)

// docPath writes a Gin route pattern the way OpenAPI writes paths:
// /api/v1/facets/:facet and /articles/*id become /api/v1/facets/{facet} and
// /articles/{id}.
func docPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

// checkQuery returns an invalid_request error naming the parameters of v that op
// does not take, or that it takes once and v gives more than once.
func (op *operation) checkQuery(path string, v url.Values) error {
	var takes []string
	for _, p := range op.Parameters {
		if p.In == "query" {
			takes = append(takes, p.Name)
		}
	}
	var unknown []string
	for name, values := range v {
		i := slices.Index(takes, name)
		if i < 0 {
			unknown = append(unknown, fmt.Sprintf("%q", name))
			continue
		}
		if len(values) > 1 && !op.queryParameter(name).repeatable() {
			return corpus.Errorf(corpus.EInvalidRequest, "%s is given %d times: %s takes one %s", name, len(values), path, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	use := "it takes none"
	if len(takes) > 0 {
		use = "use " + strings.Join(takes, ", ")
	}
	if len(unknown) == 1 {
		return corpus.Errorf(corpus.EInvalidRequest, "%s is not a parameter of %s: %s", unknown[0], path, use)
	}
	return corpus.Errorf(corpus.EInvalidRequest, "%s are not parameters of %s: %s", strings.Join(unknown, ", "), path, use)
}

func (op *operation) queryParameter(name string) *parameter {
	for _, p := range op.Parameters {
		if p.In == "query" && p.Name == name {
			return p
		}
	}
	return nil
}

// checkParameters answers a request to an API route that carries a parameter the
// route does not take with invalid_request, naming the ones it takes: a misspelt
// parameter (qq=harbor) would otherwise be ignored, and the caller would get every
// article without knowing why. The web pages are left tolerant: any link to them
// works.
func (s *Server) checkParameters(c *gin.Context) {
	path := docPath(c.FullPath())
	if op := s.doc.operation(c.Request.Method, path); op != nil {
		if err := op.checkQuery(path, c.Request.URL.Query()); err != nil {
			s.fail(c, err)
			c.Abort()
			return
		}
	}
	c.Next()
}

// apiIndex is the answer of GET /api/v1.
type apiIndex struct {
	Title         string       `json:"title"`
	Version       string       `json:"version"`
	OpenAPI       string       `json:"openapi"`
	Documentation string       `json:"documentation"`
	Routes        []indexRoute `json:"routes"`
}

type indexRoute struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Summary string `json:"summary"`
}

// apiIndexPage answers GET /api/v1, which a caller exploring the API tries first,
// with where the API is described and its routes.
func (s *Server) apiIndexPage(*gin.Context) (any, error) {
	idx := apiIndex{Title: s.doc.Info.Title, Version: s.doc.Info.Version,
		OpenAPI: "/api/v1/openapi.json", Documentation: "/api", Routes: []indexRoute{}}
	for _, r := range s.doc.routes() {
		idx.Routes = append(idx.Routes, indexRoute{Method: r.Method, Path: r.Path, Summary: r.Op.Summary})
	}
	return idx, nil
}

// openAPI answers GET /api/v1/openapi.json with the document as it is embedded.
func (s *Server) openAPI(*gin.Context) (any, error) {
	return json.RawMessage(openAPIJSON), nil
}
