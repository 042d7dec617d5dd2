package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assets embed.FS

// page is what every template gets; Data is the page's own.
type page struct {
	Lang  string
	User  User
	CSRF  string
	Path  string // the request path, for the language switch to come back to
	Title string
	Error string // a message key shown above the page
	Data  any
}

// parsePages parses each page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"t":     t,
		"issue": issueText,
		"has":   func(u User, roles ...Role) bool { return allowed(u, roles) },
		"list":  func(s ...string) []string { return s },
	}
	layout, err := fs.ReadFile(assets, "assets/templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(assets, "assets/templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		body, err := fs.ReadFile(assets, n)
		if err != nil {
			return nil, err
		}
		tpl, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = tpl.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		pages[base] = tpl
	}
	return pages, nil
}

// render writes the named page with status code; a template error is
// logged and answered with a plain 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, sess *session, code int, name, title string, data any, errKey string) {
	p := page{Lang: langOf(r), Path: r.URL.Path, Title: title, Error: errKey, Data: data}
	if sess != nil {
		p.User, p.CSRF = sess.user, sess.csrf
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("rendering a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}
