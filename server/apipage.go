package server

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// apiPageView is what api.html shows: the OpenAPI document drawn for a person to
// read. It is built from the document on every request, so the page can never say
// other than the document.
type apiPageView struct {
	Title, Version string
	Intro          []template.HTML
	Routes         []routeView
	Schemas        []schemaView
	Codes          []codeView
}

type routeView struct {
	Anchor, Method, Path, Summary string
	Description                   []template.HTML
	NeedsToken                    bool
	Params                        []paramView
	Body                          *bodyView
	Responses                     []responseView
}

type paramView struct {
	Name, In    string
	Type        template.HTML
	Required    bool
	Default     string
	Description template.HTML
}

type bodyView struct {
	Description template.HTML
	Content     []contentView
}

// contentView is one media type of a body and the type of what it carries.
type contentView struct {
	MediaType string
	Type      template.HTML
}

type responseView struct {
	Status      string
	Description template.HTML
	Content     []contentView
	// Codes are the error codes an error answer carries.
	Codes   []string
	Headers []string
}

type schemaView struct {
	Name        string
	Description template.HTML
	Fields      []fieldView
}

type fieldView struct {
	Name        string
	Type        template.HTML
	Description template.HTML
}

type codeView struct {
	Code, Status string
	Meaning      template.HTML
}

func (s *Server) apiPage(c *gin.Context) error {
	s.render(c, http.StatusOK, "api.html", s.doc.pageView())
	return nil
}

func (d *apiDoc) pageView() apiPageView {
	v := apiPageView{Title: d.Info.Title, Version: d.Info.Version, Intro: paragraphsHTML(d.Info.Description)}
	codeStatus := map[string]string{}
	for _, r := range d.routes() {
		rv := routeView{Anchor: anchor(r.Method, r.Path), Method: r.Method, Path: r.Path, Summary: r.Op.Summary,
			Description: paragraphsHTML(r.Op.Description), NeedsToken: len(r.Op.Security) > 0}
		for _, p := range r.Op.Parameters {
			pv := paramView{Name: p.Name, In: p.In, Type: d.typeLabel(p.Schema), Required: p.Required, Description: prose(p.Description)}
			if p.repeatable() {
				pv.Type = d.typeLabel(p.Schema.Items) + ", repeatable"
			}
			if p.Schema != nil && p.Schema.Default != nil {
				pv.Default = fmt.Sprint(p.Schema.Default)
			}
			rv.Params = append(rv.Params, pv)
		}
		if b := r.Op.RequestBody; b != nil {
			rv.Body = &bodyView{Description: prose(b.Description), Content: d.contentViews(b.Content)}
		}
		for _, resp := range r.Op.Responses {
			res := resp.Value
			view := responseView{Status: resp.Name, Description: prose(res.Description), Content: d.contentViews(res.Content)}
			for _, h := range res.Headers {
				view.Headers = append(view.Headers, h.Name)
			}
			view.Codes = errorCodes(res)
			for _, code := range view.Codes {
				codeStatus[code] = resp.Name
			}
			rv.Responses = append(rv.Responses, view)
		}
		v.Routes = append(v.Routes, rv)
	}
	for _, s := range d.Components.Schemas {
		if len(s.Value.OneOf) > 0 {
			// The error codes: drawn as their own table, with their statuses.
			for _, alt := range s.Value.OneOf {
				code := fmt.Sprint(alt.Const)
				v.Codes = append(v.Codes, codeView{Code: code, Status: codeStatus[code], Meaning: prose(alt.Description)})
			}
			continue
		}
		v.Schemas = append(v.Schemas, schemaView{Name: s.Name, Description: prose(s.Value.Description), Fields: d.fields("", s.Value)})
	}
	return v
}

// fields lists an object schema's fields, and those of the objects written out
// inside it (not named schemas, which have their own table) as error.code or
// routes[].path.
func (d *apiDoc) fields(prefix string, s *schema) []fieldView {
	var out []fieldView
	for _, f := range s.Properties {
		name := prefix + f.Name
		out = append(out, fieldView{Name: name, Type: d.typeLabel(f.Value), Description: prose(f.Value.Description)})
		switch inner := f.Value; {
		case len(inner.Properties) > 0:
			out = append(out, d.fields(name+".", inner)...)
		case inner.Items != nil && len(inner.Items.Properties) > 0:
			out = append(out, d.fields(name+"[].", inner.Items)...)
		}
	}
	return out
}

func (d *apiDoc) contentViews(content ordered[*mediaType]) []contentView {
	var out []contentView
	for _, c := range content {
		out = append(out, contentView{MediaType: c.Name, Type: d.typeLabel(c.Value.Schema)})
	}
	return out
}

// errorCodes are the codes an error answer's schema allows: the enum its
// document puts on error.code beside the reference to the Error envelope.
func errorCodes(r *response) []string {
	var out []string
	for _, c := range r.Content {
		s := c.Value.Schema
		if s == nil {
			continue
		}
		e, _ := s.Properties.get("error")
		if e == nil {
			continue
		}
		if code, _ := e.Properties.get("code"); code != nil {
			for _, x := range code.Enum {
				out = append(out, fmt.Sprint(x))
			}
		}
	}
	return out
}

// typeLabel names a schema's type for a person: "list of Hit" (linked), "string or
// null", "one of and, or".
func (d *apiDoc) typeLabel(s *schema) template.HTML {
	if s == nil {
		return "any"
	}
	if s.Ref != "" {
		name := html.EscapeString(schemaName(s.Ref))
		return template.HTML(`<a href="#schema-` + name + `">` + name + `</a>`)
	}
	types := s.types()
	var label template.HTML
	switch t := types[0]; {
	case t == "array":
		label = "list of " + d.typeLabel(s.Items)
	case s.Const != nil:
		label = codeHTML(fmt.Sprint(s.Const))
	case len(s.Enum) > 0:
		var values []string
		for _, x := range s.Enum {
			if x != nil {
				values = append(values, fmt.Sprint(x))
			}
		}
		if len(values) > 1 {
			label = "one of "
		}
		for i, x := range values {
			if i > 0 {
				label += ", "
			}
			label += codeHTML(x)
		}
	case s.Format != "":
		label = template.HTML(html.EscapeString(s.Format))
	case t == "":
		label = "JSON"
	default:
		label = template.HTML(html.EscapeString(t))
	}
	if s.Minimum != nil || s.Maximum != nil {
		label += template.HTML(" " + html.EscapeString(numberRange(s.Minimum, s.Maximum)))
	}
	if slices.Contains(types, "null") {
		label += " or null"
	}
	return label
}

func numberRange(lo, hi *float64) string {
	f := func(x *float64) string { return strconv.FormatFloat(*x, 'f', -1, 64) }
	switch {
	case lo != nil && hi != nil:
		return "from " + f(lo) + " to " + f(hi)
	case lo != nil:
		return "from " + f(lo)
	}
	return "up to " + f(hi)
}

func codeHTML(s string) template.HTML {
	return template.HTML("<code>" + html.EscapeString(s) + "</code>")
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// prose shows a description's text escaped, with its `code spans` (the one part
// of CommonMark the document uses) as code.
func prose(s string) template.HTML {
	return template.HTML(codeSpan.ReplaceAllString(html.EscapeString(s), "<code>$1</code>"))
}

// paragraphsHTML splits a description at its blank lines.
func paragraphsHTML(s string) []template.HTML {
	var out []template.HTML
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, prose(p))
		}
	}
	return out
}

var anchorUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// anchor is a route's fragment on the page: GET /api/v1/search is get-api-v1-search.
func anchor(method, path string) string {
	return strings.Trim(anchorUnsafe.ReplaceAllString(strings.ToLower(method+" "+path), "-"), "-")
}
