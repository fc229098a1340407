package layering

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/commonplace-hub/commonplace"

// graph maps each package of the module (path relative to the module,
// "" for the root) to the module packages it depends on, directly or
// not, in its non-test files.
type graph map[string][]string

// rule is one of the layering rules: every package it applies to may
// depend only on the module packages it allows.
type rule struct {
	name    string
	applies func(pkg string) bool
	// allows says whether a package the rule applies to may depend on
	// dep; g is the whole graph (for "leaf" packages).
	allows func(g graph, dep string) bool
	why    string
}

// rules are the dependency arrows of docs/ARCHITECTURE.md. Each applies
// to the package named and to any package under it, so a package split
// into sub-packages keeps its rule.
var rules = []rule{
	{
		name:    "the domain depends on nothing of the module",
		applies: under("hub", "hub/apijson", "hub/calendar", "hub/ical", "hub/remotehtml", "hub/web", "hub/storetest"),
		allows:  func(graph, string) bool { return false },
		why:     "hub is the domain: every other package depends on it, so it can depend on none of them",
	},
	{
		name:    "storage depends only on the domain and leaf internal packages",
		applies: under("storage"),
		allows: func(g graph, dep string) bool {
			return dep == "hub" || isLeafInternal(g, dep)
		},
		why: "storage implements the domain's store contracts; a contract it needs belongs in hub",
	},
	{
		name:    "the JSON shapes depend only on the domain, hub/calendar and internal packages over the domain",
		applies: under("hub/apijson"),
		allows: func(g graph, dep string) bool {
			return dep == "hub" || dep == "hub/calendar" || isInternalOverDomain(g, dep)
		},
		why: "hub/apijson is the API's and the CLI's one JSON shape of each resource: both import it, so it can import neither",
	},
	{
		name:    "the web front end knows neither federation nor storage",
		applies: under("hub/web"),
		allows: func(_ graph, dep string) bool {
			return !within(dep, "federation") && !within(dep, "storage")
		},
		why: "hub/web talks to hub.Service and to the ActivityPub interface cmd/commonplace fills",
	},
	{
		name:    "federation knows neither storage nor the web front end",
		applies: under("federation"),
		allows: func(_ graph, dep string) bool {
			return !within(dep, "storage") && !within(dep, "hub/web")
		},
		why: "federation uses the domain's store contracts; cmd/commonplace gives it the SQLite adapters",
	},
	{
		name:    "the catalogs depend on nothing of the module",
		applies: under("locales"),
		allows:  func(graph, string) bool { return false },
		why:     "every front end and federation read the catalogs; a catalog needs nothing but its files",
	},
	{
		name:    "nothing imports cmd",
		applies: func(string) bool { return true },
		allows:  func(_ graph, dep string) bool { return !within(dep, "cmd") },
		why:     "commands wire the packages together; they are the top of the graph",
	},
}

// under returns a matcher for the packages named and those under them,
// except the exceptions (and what is under them).
func under(pkg string, except ...string) func(string) bool {
	return func(p string) bool {
		if !within(p, pkg) {
			return false
		}
		for _, e := range except {
			if within(p, e) {
				return false
			}
		}
		return true
	}
}

// within reports whether pkg is dir or a package under it.
func within(pkg, dir string) bool {
	return pkg == dir || strings.HasPrefix(pkg, dir+"/")
}

// isLeafInternal reports whether pkg is under internal/ and depends on no
// package of the module.
func isLeafInternal(g graph, pkg string) bool {
	deps, ok := g[pkg]
	return ok && within(pkg, "internal") && len(deps) == 0
}

// isInternalOverDomain reports whether pkg is under internal/ and depends
// on no package of the module but hub (internal/uris).
func isInternalOverDomain(g graph, pkg string) bool {
	deps, ok := g[pkg]
	if !ok || !within(pkg, "internal") {
		return false
	}
	for _, d := range deps {
		if d != "hub" {
			return false
		}
	}
	return true
}

// violations lists every dependency that breaks a rule, as
// "rule: pkg -> dep", and the rules that applied to no package (a rule
// that checks nothing is a mistake, e.g. after a rename).
func violations(g graph, rules []rule) []string {
	var out []string
	pkgs := make([]string, 0, len(g))
	for p := range g {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, r := range rules {
		applied := false
		for _, p := range pkgs {
			if !r.applies(p) {
				continue
			}
			applied = true
			for _, d := range g[p] {
				if !r.allows(g, d) {
					out = append(out, r.name+": "+p+" -> "+d+" ("+r.why+")")
				}
			}
		}
		if !applied {
			out = append(out, r.name+": applies to no package")
		}
	}
	return out
}

// loadGraph asks the go command for the module's packages and their
// dependencies, with the build tags the module is built with.
func loadGraph(t *testing.T) graph {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags", "sqlite_fts5", "-f", `{{.ImportPath}} {{join .Deps " "}}`, module+"/...")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	g := graph{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := rel(fields[0])
		g[pkg] = nil
		for _, d := range fields[1:] {
			if d == module || strings.HasPrefix(d, module+"/") {
				g[pkg] = append(g[pkg], rel(d))
			}
		}
	}
	return g
}

func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

// TestLayering checks the module's real dependency graph against the rules.
func TestLayering(t *testing.T) {
	g := loadGraph(t)
	for _, p := range []string{"hub", "storage", "hub/web", "federation", "cmd/commonplace"} {
		if _, ok := g[p]; !ok {
			t.Fatalf("go list did not list %s; got %v", p, g)
		}
	}
	for _, v := range violations(g, rules) {
		t.Error(v)
	}
}

// TestRulesCatchViolations checks that each rule fails a graph that
// breaks it, so that the real graph passing means something.
func TestRulesCatchViolations(t *testing.T) {
	base := func() graph {
		return graph{
			"hub":               nil,
			"hub/calendar":      {"hub"},
			"hub/apijson":       {"hub", "hub/calendar", "internal/uris"},
			"internal/uris":     {"hub"},
			"internal/netaddr":  nil,
			"internal/notleaf":  {"hub"},
			"storage":           {"hub", "internal/netaddr"},
			"hub/web":           {"hub", "hub/calendar", "hub/apijson", "locales"},
			"federation":        {"hub", "internal/netaddr", "locales"},
			"locales":           nil,
			"cmd/commonplace":   {"hub", "hub/web", "hub/apijson", "federation", "storage"},
			"cmd/other":         nil,
			"hub/storetest":     {"hub"},
			"hub/web/templates": nil,
		}
	}
	if v := violations(base(), rules); len(v) > 0 {
		t.Fatalf("a graph that keeps the rules fails: %v", v)
	}
	cases := []struct {
		name     string
		pkg, dep string
	}{
		{"hub imports storage", "hub", "storage"},
		{"hub imports a leaf internal package", "hub", "internal/netaddr"},
		{"storage imports federation", "storage", "federation"},
		{"storage imports hub/calendar", "storage", "hub/calendar"},
		{"storage imports an internal package that is not a leaf", "storage", "internal/notleaf"},
		{"hub/web imports federation", "hub/web", "federation"},
		{"a package under hub/web imports storage", "hub/web/templates", "storage"},
		{"federation imports storage", "federation", "storage"},
		{"federation imports hub/web", "federation", "hub/web"},
		{"a package imports cmd", "hub/web", "cmd/commonplace"},
		{"hub/apijson imports hub/web", "hub/apijson", "hub/web"},
		{"hub/apijson imports storage", "hub/apijson", "storage"},
		{"a command imports another", "cmd/commonplace", "cmd/other"},
		{"the catalogs import the domain", "locales", "hub"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := base()
			g[c.pkg] = append(g[c.pkg], c.dep)
			if v := violations(g, rules); len(v) == 0 {
				t.Errorf("%s -> %s passes the rules", c.pkg, c.dep)
			}
		})
	}
	t.Run("a rule that applies to no package", func(t *testing.T) {
		g := base()
		delete(g, "storage")
		if v := violations(g, rules); len(v) == 0 {
			t.Error("a graph without storage passes: a renamed package would leave its rule checking nothing")
		}
	})
}
