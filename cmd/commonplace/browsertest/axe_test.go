package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// axeTags are the rule sets run: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const axeTags = `['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']`

// axeChecker runs axe-core on the page a tab shows. Serious and critical
// violations fail the test; moderate and minor ones are logged.
type axeChecker struct {
	t      *testing.T
	source string // axe.min.js
}

// needAxe returns a checker with axe-core from make test-deps, or skips the
// test (fails it in CI) when it is not installed.
func needAxe(t *testing.T) *axeChecker {
	t.Helper()
	source, err := os.ReadFile(filepath.Join("testdata", "npm", "node_modules", "axe-core", "axe.min.js"))
	testkit.Need(t, err == nil, "axe-core", "make test-deps")
	return &axeChecker{t: t, source: string(source)}
}

// axeResult is the part of axe.run's result the test reports.
type axeResult struct {
	Passes     int            `json:"passes"`
	Incomplete int            `json:"incomplete"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// check runs axe on the tab's current page, named name in messages.
func (a *axeChecker) check(b *tab, name string) {
	a.t.Helper()
	r := a.run(b, name)
	serious := 0
	for _, v := range r.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		msg := fmt.Sprintf("axe on the %s: %s (%s): %s <%s>\n    %s", name, v.ID, v.Impact, v.Help, v.URL, strings.Join(where, "\n    "))
		if v.Impact == "serious" || v.Impact == "critical" {
			serious++
			a.t.Error(msg)
		} else {
			a.t.Log(msg)
		}
	}
	a.t.Logf("axe on the %s: %d rules passed, %d need a person to review, %d violated (%d serious or critical)", name, r.Passes, r.Incomplete, len(r.Violations), serious)
}

// selfTest proves the checker can fail on a page served with the hub's
// strict Content-Security-Policy: an image without alt text must come back
// as a critical image-alt violation.
func (a *axeChecker) selfTest(b *tab) {
	a.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[*runtime.RemoteObject](`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/logo">')`)); err != nil {
		a.t.Fatal(err)
	}
	for _, v := range a.run(b, "self-test").Violations {
		if v.ID == "image-alt" && v.Impact == "critical" {
			return
		}
	}
	a.t.Fatal("axe did not report an image without alt text: the accessibility check is not working")
}

// run injects axe-core through the DevTools protocol, which the page's
// Content-Security-Policy does not apply to, and runs it on the document.
func (a *axeChecker) run(b *tab, name string) axeResult {
	a.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[*runtime.RemoteObject](`if (typeof axe === 'undefined') { `+a.source+` }`)); err != nil {
		a.t.Fatalf("load axe on the %s: %v", name, err)
	}
	script := `axe.run(document, {runOnly: {type: 'tag', values: ` + axeTags + `}}).then(r => ({
		passes: r.passes.length,
		incomplete: r.incomplete.length,
		violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target, html: n.html}))})),
	}))`
	r, err := chromedp.Run(b.ctx, chromedp.Evaluate[axeResult](script, chromedp.EvalAwaitPromise))
	if err != nil {
		a.t.Fatalf("axe on the %s: %v", name, err)
	}
	if r.Passes == 0 {
		a.t.Fatalf("axe on the %s passed no rule: it did not look at the page", name)
	}
	return r
}
