package hub

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strconv"
	"strings"
	"testing"
)

// declaredKinds returns the value of every constant of type Kind declared
// in the package's non-test files, by reading the source: a constant
// added without a row in the kinds table is found here.
func declaredKinds(t *testing.T) map[string]Kind {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Kind{}
	for _, f := range pkgs["hub"].Files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
					continue
				}
				for i, name := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("Kind constant %s is not a string literal", name.Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[name.Name] = Kind(v)
				}
			}
		}
	}
	return out
}

func TestEveryKindHasADescriptor(t *testing.T) {
	declared := declaredKinds(t)
	if len(declared) < 3 {
		t.Fatalf("found %d Kind constants in the source (%v); the test no longer sees them", len(declared), declared)
	}
	for name, k := range declared {
		d, ok := k.Lookup()
		if !ok {
			t.Errorf("%s (%q) has no row in the kinds table", name, k)
			continue
		}
		if d.Label == "" || d.Noun == "" || d.Plural == "" || d.Path == "" || d.ASType == "" || d.Table == "" {
			t.Errorf("%s's row leaves a field empty: %+v", name, d)
		}
	}
	if len(kinds) != len(declared) {
		t.Errorf("the table has %d rows for %d Kind constants", len(kinds), len(declared))
	}
	paths := map[string]Kind{}
	for _, d := range kinds {
		if other, dup := paths[d.Path]; dup {
			t.Errorf("%s and %s share the path /%s", other, d.Kind, d.Path)
		}
		paths[d.Path] = d.Kind
	}
}

func TestKindStringsAreStored(t *testing.T) {
	// The stored and sent forms: changing one breaks databases and peers.
	for k, want := range map[Kind]string{KindEvent: "event", KindGuide: "guide", KindCaseStudy: "case-study"} {
		if k.String() != want {
			t.Errorf("%s.String() = %q", want, k.String())
		}
	}
	for k, want := range map[Kind]string{KindEvent: "/events/x", KindGuide: "/guides/x", KindCaseStudy: "/case-studies/x"} {
		if got := k.PagePath("x"); got != want {
			t.Errorf("%s.PagePath = %q, want %q", k, got, want)
		}
	}
}

// TestNewKindThroughTheTable declares a kind the way a new one is added
// (a constant and a row) and checks that what needs per-kind facts
// handles it: paths, labels, the ActivityStreams type, validation and
// reading a peer's object.
func TestNewKindThroughTheTable(t *testing.T) {
	const KindProject Kind = "project"
	if KindProject.Valid() {
		t.Fatal("project is a kind before it has a row")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Info of a kind without a row does not panic: it would fall into a default")
			}
		}()
		_ = KindProject.Info()
	}()

	saved := kinds
	t.Cleanup(func() { kinds = saved })
	kinds = append(append([]KindInfo(nil), saved...), KindInfo{Kind: KindProject, Label: "Project", Noun: "project",
		Plural: "projects", Path: "projects", ASType: "Article", Table: "projects"})

	if !KindProject.Valid() || KindProject.Path() != "projects" || KindProject.Label() != "Project" || KindProject.ASType() != "Article" {
		t.Errorf("project's descriptor: %+v", KindProject.Info())
	}
	if got := KindProject.PagePath("garden"); got != "/projects/garden" {
		t.Errorf("PagePath = %q", got)
	}
	if ks := Kinds(); ks[len(ks)-1] != KindProject {
		t.Errorf("Kinds() = %v, want project last", ks)
	}
	if got := (SearchHit{Kind: KindProject, Local: true, Slug: "garden"}).URL(); got != "/projects/garden" {
		t.Errorf("a search hit's URL = %q", got)
	}
	is := func(types ...string) func(string) bool {
		return func(s string) bool {
			for _, t := range types {
				if t == s {
					return true
				}
			}
			return false
		}
	}
	for _, c := range []struct {
		types    []string
		itemKind string
		want     Kind
	}{
		{[]string{"Article"}, "project", KindProject},
		{[]string{"Article"}, "case-study", KindCaseStudy},
		{[]string{"Article"}, "", KindGuide},
		{[]string{"Article"}, "event", KindGuide},
		{[]string{"Event"}, "guide", KindEvent},
		{[]string{"Event", "Article"}, "case-study", KindEvent},
		{[]string{"Note"}, "project", ""},
	} {
		if got := KindOfObject(is(c.types...), c.itemKind); got != c.want {
			t.Errorf("KindOfObject(%v, %q) = %q, want %q", c.types, c.itemKind, got, c.want)
		}
	}
	if _, err := (&Service{Reader: Reader{Stores{Searcher: searcherFunc(nil)}}}).Search(t.Context(), SearchQuery{Kind: KindProject}); ErrorCode(err) == EINVALID {
		t.Errorf("search refuses a kind in the table: %v", err)
	}
}

// searcherFunc is a SearchStore from a function; nil answers no hits.
type searcherFunc func(SearchQuery) (*SearchResults, error)

func (f searcherFunc) Search(_ context.Context, q SearchQuery) (*SearchResults, error) {
	if f == nil {
		return &SearchResults{}, nil
	}
	return f(q)
}
