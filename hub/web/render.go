package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
	"github.com/commonplace-hub/commonplace/locales"
)

// renderer holds the page templates: each page is the layout and the
// partials plus its own file. The layout and partials are parsed at start
// and every view must have its file; a page's own template is built when it
// is first rendered, since each is a full copy of the layout and partials
// (about 100 kB) and a small hub serves a handful of its 39 pages most
// days. That every page of the embedded theme parses is a test
// (TestEveryPageParses); building them all at start left 1 MB more
// resident for good.
type renderer struct {
	pages map[string]*lazyPage // read-only after newRenderer
	md    *markdownRenderer
}

// lazyPage builds one page's template on first use.
type lazyPage struct {
	once  sync.Once
	build func() (*template.Template, error)
	t     *template.Template
	err   error
}

func (p *lazyPage) template() (*template.Template, error) {
	p.once.Do(func() { p.t, p.err = p.build() })
	return p.t, p.err
}

// views every handler may render; newRenderer fails when one is missing, so
// a broken theme is caught at start, not by a reader.
var requiredViews = []string{
	"public/home", "public/events", "public/event", "public/guides", "public/guide",
	"public/case_studies", "public/case_study", "public/topics", "public/topic",
	"public/places", "public/place", "public/error",
	"admin/login", "admin/dashboard", "admin/events", "admin/event_form", "admin/event_status",
	"admin/guides", "admin/guide_form", "admin/guide_revisions", "admin/guide_revision",
	"admin/case_studies", "admin/case_study_form", "admin/places", "admin/place_form",
	"admin/topics", "admin/topic_form", "admin/settings", "admin/organisers",
	"admin/organiser_form", "admin/tokens", "admin/confirm_delete", "admin/account",
	"admin/federation", "admin/follower_refuse",
	"admin/calendars",
	"admin/pictures",
	"public/commons", "public/commons_item", "public/past_events", "admin/commons", "public/search",
	"public/network", "admin/network",
}

// newRenderer parses the theme's templates with English messages.
func newRenderer(theme fs.FS, md *markdownRenderer) (*renderer, error) {
	c := locales.MustLoad()
	info, _ := c.Language(locales.Source)
	return newRendererIn(theme, md, translator{Words: c.In(locales.Source), info: info})
}

// languageViews are the theme's pages in every language of the catalog
// (the shipped ones and the pseudo-locales): one renderer each, since a
// template's messages are looked up when it is parsed. Each renderer
// builds a page's template on first use, so a language nobody reads costs
// only its layout.
type languageViews struct {
	byLang map[string]*renderer
}

func newLanguageViews(theme fs.FS, md *markdownRenderer, tr func(lang string) translator, langs []string) (*languageViews, error) {
	v := &languageViews{byLang: map[string]*renderer{}}
	for _, l := range langs {
		r, err := newRendererIn(theme, md, tr(l))
		if err != nil {
			return nil, err
		}
		v.byLang[l] = r
	}
	return v, nil
}

// render renders view in the page's language (English when it has none).
func (v *languageViews) render(w http.ResponseWriter, status int, view string, p *pageData) error {
	r := v.byLang[p.catalog]
	if r == nil {
		r = v.byLang[locales.Source]
	}
	if p.KeepLang != "" {
		return r.renderKeeping(w, status, view, p, p.KeepLang)
	}
	return r.render(w, status, view, p)
}

// newRendererIn parses the theme's templates with tr's messages (one
// language).
func newRendererIn(theme fs.FS, md *markdownRenderer, tr translator) (*renderer, error) {
	r := &renderer{pages: map[string]*lazyPage{}, md: md}
	base := template.New("layout.html").Funcs(r.funcs()).Funcs(tr.funcs())
	if _, err := base.ParseFS(theme, "templates/layout.html", "templates/partials/*.html"); err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	for _, dir := range []string{"public", "admin"} {
		files, err := fs.Glob(theme, "templates/"+dir+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			// base is never executed, so it can always be cloned.
			build := func() (*template.Template, error) {
				t, err := base.Clone()
				if err != nil {
					return nil, err
				}
				if _, err := t.ParseFS(theme, f); err != nil {
					return nil, fmt.Errorf("parse %s: %w", f, err)
				}
				return t, nil
			}
			r.pages[dir+"/"+strings.TrimSuffix(path.Base(f), ".html")] = &lazyPage{build: build}
		}
	}
	for _, v := range requiredViews {
		if r.pages[v] == nil {
			return nil, fmt.Errorf("theme has no template for view %q", v)
		}
	}
	return r, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a view into a buffer first, so a template error gives a
// clean 500 rather than half a page.
func (r *renderer) render(w http.ResponseWriter, status int, view string, data any) error {
	return r.renderKeeping(w, status, view, data, "")
}

// renderKeeping is render, adding ?lang=keep to the page's internal links
// when keep is set (a reader who chose a language keeps it).
func (r *renderer) renderKeeping(w http.ResponseWriter, status int, view string, data any, keep string) error {
	p := r.pages[view]
	if p == nil {
		return fmt.Errorf("no view %q", view)
	}
	t, err := p.template()
	if err != nil {
		return err
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("render %s: %w", view, err)
	}
	out := buf.Bytes()
	if keep != "" {
		out = keepLanguage(out, keep)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(out)
	return err
}

func (r *renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"markdown": func(s string) template.HTML { return r.md.render(s) },
		// remoteHTML shows HTML from other servers (commons items,
		// comments). It was sanitised when it arrived; it is sanitised
		// again here, so nothing stored earlier under another policy
		// can run.
		"remoteHTML": func(s string) template.HTML { return template.HTML(remotehtml.Sanitize(s)) },
		// localPicture is the hub's copy of a commons item's picture.
		"localPicture": localPicture,
		// thumbnail is a listed item's picture (thumbnails.go).
		"thumbnailFor": thumbnailOf,
		"isoDate":      func(t time.Time) string { return t.Format("2006-01-02") },
		"isoTime":      func(t time.Time) string { return t.Format(time.RFC3339) },
		"join":         strings.Join,
		"slug":         hub.Slugify,
		"lines":        func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
		"add":          func(a, b int) int { return a + b },
		"contains": func(list []string, s string) bool {
			for _, v := range list {
				if v == s {
					return true
				}
			}
			return false
		},
		"fieldID": func(name string) string { return "f-" + strings.ReplaceAll(name, "_", "-") },
		// dict builds the argument map of a partial: dict "Name" "title" "Label" "Title".
		"dict": func(kv ...any) (map[string]any, error) {
			m := make(map[string]any, len(kv)/2)
			return m, eachPair("dict", kv, func(k string, v any) { m[k] = v })
		},
		// choices builds a select's options from value, label pairs:
		// choices "" (t "Does not repeat") "DAILY" (t "Every day").
		"choices": func(kv ...any) ([]choice, error) {
			var list []choice
			return list, eachPair("choices", kv, func(k string, v any) { list = append(list, choice{Value: k, Label: v}) })
		},
		// list builds a partial's list argument: list (t "Title") (t "Updated").
		"list": func(v ...any) []any { return v },
		"str":  itoa64,
		// webcal: the webcal:// address of a feed, for "Subscribe" links.
		"webcal": webcalURL,
	}
}

// choice is one option of a select (the template function choices): its
// value, and its label as t (a string) or tHTML gives it.
type choice struct {
	Value string
	Label any
}

// eachPair calls f with each key and value of kv, the arguments of the
// template function fn: keys are strings, each followed by its value.
func eachPair(fn string, kv []any, f func(k string, v any)) error {
	if len(kv)%2 != 0 {
		return fmt.Errorf("%s: odd number of arguments", fn)
	}
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return fmt.Errorf("%s: key %v is not a string", fn, kv[i])
		}
		f(k, kv[i+1])
	}
	return nil
}
