package web

import (
	"html/template"
	"io/fs"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/commonplace-hub/commonplace/themes"
)

// themeWith copies the default theme's templates, then applies changes
// (nil content removes a file).
func themeWith(t *testing.T, changes map[string]*string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(themes.Default(), "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(themes.Default(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, content := range changes {
		if content == nil {
			delete(m, p)
		} else {
			m[p] = &fstest.MapFile{Data: []byte(*content)}
		}
	}
	return m
}

func ptr(s string) *string { return &s }

// A broken layout or partial, or a missing view, fails at start; a broken
// page fails when first rendered, naming its file; a page's template is
// kept only once it is first rendered.
func TestRendererChecksTheme(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]*string
		atStart string // error from newRenderer
		atEvent string // error rendering public/event
	}{
		{"default", nil, "", ""},
		{"broken page", map[string]*string{"templates/public/event.html": ptr(`{{define "main"}}{{if .}}unclosed{{end}`)}, "", "parse templates/public/event.html"},
		{"broken partial", map[string]*string{"templates/partials/broken.html": ptr(`{{define "x"}}{{.Foo`)}, "parse layout", ""},
		{"missing view", map[string]*string{"templates/admin/login.html": nil}, `no template for view "admin/login"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := newRenderer(themeWith(t, tc.changes), newMarkdown())
			if tc.atStart != "" {
				if err == nil || !strings.Contains(err.Error(), tc.atStart) {
					t.Fatalf("got %v, want an error containing %q", err, tc.atStart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.pages["public/event"].template()
			if tc.atEvent == "" && err != nil || tc.atEvent != "" && (err == nil || !strings.Contains(err.Error(), tc.atEvent)) {
				t.Errorf("building public/event: %v, want %q", err, tc.atEvent)
			}
			if tc.atEvent != "" {
				w := httptest.NewRecorder()
				if err := r.render(w, 200, "public/event", nil); err == nil || !strings.Contains(err.Error(), tc.atEvent) {
					t.Errorf("rendering the broken page: %v", err)
				}
			}
		})
	}

	r, err := newRenderer(themes.Default(), newMarkdown())
	if err != nil {
		t.Fatal(err)
	}
	for view, p := range r.pages {
		if p.t != nil {
			t.Errorf("%s was kept before it was rendered", view)
		}
	}
	r.render(httptest.NewRecorder(), 404, "public/error", map[string]any{}) // built whatever the data
	if r.pages["public/error"].t == nil || r.pages["public/home"].t != nil {
		t.Errorf("after rendering public/error: error kept %v, home kept %v", r.pages["public/error"].t != nil, r.pages["public/home"].t != nil)
	}
}

// Every page of the embedded theme parses (the hub builds each only when
// first rendered).
func TestEveryPageParses(t *testing.T) {
	r, err := newRenderer(themes.Default(), newMarkdown())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.pages) < len(requiredViews) {
		t.Fatalf("%d pages, want at least %d", len(r.pages), len(requiredViews))
	}
	for view, p := range r.pages {
		if _, err := p.template(); err != nil {
			t.Errorf("%s: %v", view, err)
		}
	}
}

// dict and choices take key, value pairs; an odd count, or a key that is
// not a string, is refused with the function's name.
func TestPairFunctions(t *testing.T) {
	funcs := (&renderer{}).funcs()
	for _, tc := range []struct{ src, want, err string }{
		{`{{with dict "X" 1 "Y" "two"}}{{.X}} {{.Y}}{{end}}`, "1 two", ""},
		{`{{range choices "" "None" "DAILY" "Every day"}}[{{.Value}}={{.Label}}]{{end}}`, "[=None][DAILY=Every day]", ""},
		{`{{range choices}}x{{end}}`, "", ""},
		{`{{dict "X"}}`, "", "dict: odd number of arguments"},
		{`{{choices "" "None" "A"}}`, "", "choices: odd number of arguments"},
		{`{{dict 1 "x"}}`, "", "dict: key 1 is not a string"},
		{`{{choices 2 "x"}}`, "", "choices: key 2 is not a string"},
	} {
		tmpl := template.Must(template.New("t").Funcs(funcs).Parse(tc.src))
		var b strings.Builder
		err := tmpl.Execute(&b, nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want an error containing %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil || b.String() != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.src, b.String(), err, tc.want)
		}
	}
}
