package web

import (
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

// A broken theme fails at start, naming the file; a page's template is
// kept only once it is first rendered.
func TestRendererChecksThemeAtStart(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes map[string]*string
		want    string
	}{
		{"default", nil, ""},
		{"broken page", map[string]*string{"templates/public/event.html": ptr(`{{define "main"}}{{if .}}unclosed{{end}`)}, "parse templates/public/event.html"},
		{"broken partial", map[string]*string{"templates/partials/broken.html": ptr(`{{define "x"}}{{.Foo`)}, "parse layout"},
		{"missing view", map[string]*string{"templates/admin/login.html": nil}, `no template for view "admin/login"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := newRenderer(themeWith(t, tc.changes), newMarkdown())
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v (renderer %v), want an error containing %q", err, r != nil, tc.want)
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
	w := httptest.NewRecorder()
	if err := r.render(w, 404, "public/error", map[string]any{}); err != nil {
		t.Logf("rendering with empty data: %v", err) // the view is built either way
	}
	if r.pages["public/error"].t == nil || r.pages["public/home"].t != nil {
		t.Errorf("after rendering public/error: error kept %v, home kept %v", r.pages["public/error"].t != nil, r.pages["public/home"].t != nil)
	}
}
