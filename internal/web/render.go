package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed templates
var templateFiles embed.FS

// engine holds one parsed template set per page: the layout, every partial
// and the page's own file. Parsed once at start-up.
type engine struct {
	pages map[string]*template.Template
}

func newEngine(st *staticFiles) (*engine, error) {
	funcs := template.FuncMap{
		"asset": st.url,
		"add":   func(a, b int) int { return a + b },
		// dict passes several values to a partial: dict "P" . "Rows" $rows.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs key and value pairs")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// json shows a value as indented JSON (protocol messages on timelines).
		"json": func(v any) string {
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				return err.Error()
			}
			return string(b)
		},
	}
	base := template.New("").Funcs(funcs)
	if _, err := base.ParseFS(templateFiles, "templates/layout.html"); err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	partials, _ := fs.Glob(templateFiles, "templates/partials/*.html")
	if len(partials) > 0 {
		if _, err := base.ParseFS(templateFiles, partials...); err != nil {
			return nil, fmt.Errorf("web: partials: %w", err)
		}
	}
	pages, _ := fs.Glob(templateFiles, "templates/pages/*.html")
	e := &engine{pages: map[string]*template.Template{}}
	for _, p := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFiles, p); err != nil {
			return nil, fmt.Errorf("web: page %s: %w", p, err)
		}
		e.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return e, nil
}

// PageNames lists the page templates (tests render every one).
func (e *engine) PageNames() []string {
	out := make([]string, 0, len(e.pages))
	for n := range e.pages {
		out = append(out, n)
	}
	return out
}

// render writes a full page (or, for htmx requests that name a fragment,
// just that fragment). Rendering into a buffer first means a template error
// becomes a clean 500 instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page string, p *Page) {
	t, ok := h.tmpl.pages[page]
	if !ok {
		http.Error(w, "unknown page "+page, http.StatusInternalServerError)
		return
	}
	name := "layout"
	if frag := r.Header.Get("HX-Target"); frag != "" && r.Header.Get("HX-Request") == "true" && t.Lookup("fragment:"+frag) != nil {
		name = "fragment:" + frag
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		h.app.Log.Error("template failed", "page", page, "err", err)
		http.Error(w, "page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
