package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded assets under content-hashed names
// (/static/app.3f2a1b9c.css), cached for a year: a new build has new names.
// The stylesheet is one file, app.css, concatenated from static/css/*.css
// in name order, so that each feature keeps its styles in its own file.
type staticFiles struct {
	byURL map[string]staticFile
	urls  map[string]string // logical name → URL
}

type staticFile struct {
	body        []byte
	contentType string
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{byURL: map[string]staticFile{}, urls: map[string]string{}}
	var css []byte
	parts, _ := fs.Glob(staticFS, "static/css/*.css")
	for _, p := range parts {
		b, err := fs.ReadFile(staticFS, p)
		if err != nil {
			return nil, err
		}
		css = append(append(css, "/* "+path.Base(p)+" */\n"...), b...)
	}
	st.add("app.css", css)
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") || strings.HasPrefix(p, "static/css/") {
			return err
		}
		b, err := fs.ReadFile(staticFS, p)
		if err != nil {
			return err
		}
		st.add(strings.TrimPrefix(p, "static/"), b)
		return nil
	})
	return st, err
}

// add serves body under a hashed URL for the logical name.
func (st *staticFiles) add(name string, b []byte) {
	sum := sha256.Sum256(b)
	ext := path.Ext(name)
	url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = "application/octet-stream"
	}
	st.byURL[url] = staticFile{body: b, contentType: ct}
	st.urls[name] = url
}

// url returns the hashed URL of an asset; an unknown name is a template
// bug and shows up as a broken link in tests.
func (st *staticFiles) url(name string) string {
	if u, ok := st.urls[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

func (st *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := st.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(f.body)
}
