// Package browsertest drives a real commonplace process with headless
// Chromium (Debian's chromium package) through chromedp: an organiser
// creates a repeating event at a new place, a reader finds it, and axe-core
// checks every public page type and the event form for accessibility.
package browsertest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var binary string // the commonplace binary built by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "commonplace-browsertest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "commonplace")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build commonplace:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// need skips locally when a dependency is missing, and fails in CI, where
// a skipped browser test would hide a broken product.
func need(t *testing.T, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing; CI must install it (see .ci/run)", what)
	}
	t.Skipf("%s is missing; run `make test-deps` and install Debian's chromium", what)
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

const (
	organiserEmail    = "e2e@example.org"
	organiserPassword = "an end-to-end password"
)

// startHub creates an organiser and runs `commonplace serve --demo` on a
// free loopback port, returning its base URL. The process is stopped with
// SIGTERM when the test ends and must exit cleanly.
func startHub(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	add := exec.Command(binary, "organiser", "add", "--admin", "--email", organiserEmail, "--name", "Erin Organiser", "--password", organiserPassword, "--data", data)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("organiser add: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, "serve", "--demo", "--addr", "127.0.0.1:0", "--data", data)
	stderr, _ := cmd.StderrPipe()
	cmd.Stdout = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrCh := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("commonplace did not exit cleanly after SIGTERM: %v", err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Error("commonplace did not stop within 10s of SIGTERM")
		}
	})
	var addr string
	select {
	case addr = <-addrCh:
	case <-time.After(30 * time.Second):
		t.Fatal("commonplace did not report its address")
	}
	base := "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if i > 100 {
			t.Fatal("hub never became healthy")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return base
}

// nextWeekday returns a date at least two days ahead on the given weekday
// in Europe/London, so every occurrence the test looks for is upcoming.
func nextWeekday(wd time.Weekday) time.Time {
	london, _ := time.LoadLocation("Europe/London")
	d := time.Now().In(london).AddDate(0, 0, 2)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func TestOrganiserCreatesRepeatingEventReaderFindsIt(t *testing.T) {
	chromium := chromiumPath()
	need(t, "chromium", chromium != "")
	axePath, _ := filepath.Abs("testdata/npm/node_modules/axe-core/axe.min.js")
	axeSource, err := os.ReadFile(axePath)
	need(t, "axe-core (npm ci in testdata/npm)", err == nil)

	base := startHub(t)

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	a := &axeChecker{t: t, source: string(axeSource)}

	// ---- the organiser ----
	org, cancelOrg := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancelOrg()
	run(t, org, "log in",
		chromedp.Navigate(base+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
	)
	a.check(org, "login page")
	a.selfTest(org)
	run(t, org, "log in",
		chromedp.SendKeys(chromedp.CSS("#f-email"), organiserEmail),
		chromedp.SendKeys(chromedp.CSS("#f-password"), organiserPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/events/new"]`)),
	)
	url := get(t, org, "location", chromedp.Location())
	if !strings.HasSuffix(url, "/admin") {
		t.Fatalf("after login the browser is at %s", url)
	}

	start := nextWeekday(time.Tuesday)
	date := start.Format("2006-01-02")
	title := "E2E knit and natter"
	fill := func(endTime string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(base + "/admin/events/new"),
			chromedp.WaitVisible(chromedp.CSS("#f-title")),
			chromedp.SendKeys(chromedp.CSS("#f-title"), title),
			chromedp.SendKeys(chromedp.CSS("#f-description"), "Bring **wool** and a friend."),
			chromedp.SetValue(chromedp.CSS("#f-start"), date),
			chromedp.SetValue(chromedp.CSS("#f-start-time"), "18:30"),
			chromedp.SetValue(chromedp.CSS("#f-end"), date),
			chromedp.SetValue(chromedp.CSS("#f-end-time"), endTime),
			chromedp.SetValue(chromedp.CSS("#f-timezone"), "Europe/London"),
			chromedp.SetValue(chromedp.CSS("#f-recurrence"), "WEEKLY"),
			chromedp.Click(chromedp.CSS("#f-day-TU")),
			chromedp.SetValue(chromedp.CSS("#f-place-id"), "new"),
			chromedp.SendKeys(chromedp.CSS("#f-place-name"), "E2E Craft Room"),
			chromedp.SendKeys(chromedp.CSS("#f-place-street-address"), "1 Loom Street"),
			chromedp.SendKeys(chromedp.CSS("#f-place-locality"), "Manchester"),
			chromedp.SendKeys(chromedp.CSS("#f-place-postal-code"), "M15 1AA"),
			chromedp.SendKeys(chromedp.CSS("#f-tags"), "crafts, older people"),
		}
	}
	a.checkURL(org, base+"/admin/events/new", "event form")

	// Preview renders the Markdown and keeps everything typed.
	run(t, org, "preview", append(fill("20:30"),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.CSS(".preview")),
	)...)
	preview := get(t, org, "preview", chromedp.InnerHTML(chromedp.CSS(".preview .prose")))
	keptTitle := get(t, org, "title", chromedp.Value(chromedp.CSS("#f-title")))
	keptPlace := get(t, org, "place", chromedp.Value(chromedp.CSS("#f-place-name")))
	if !strings.Contains(preview, "<strong>wool</strong>") || keptTitle != title || keptPlace != "E2E Craft Room" {
		t.Fatalf("preview %q, title %q, place %q", preview, keptTitle, keptPlace)
	}

	// End before start: the message shows at the top and beside the field,
	// and nothing typed is lost.
	run(t, org, "invalid save", append(fill("17:00"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)...)
	summary := get(t, org, "summary", chromedp.Text(chromedp.CSS(".error-summary")))
	beside := get(t, org, "beside", chromedp.Text(chromedp.CSS("#f-end-error")))
	keptTitle = get(t, org, "title", chromedp.Value(chromedp.CSS("#f-title")))
	if !strings.Contains(beside, "end must be after the start") || !strings.Contains(summary, "end must be after the start") || keptTitle != title {
		t.Fatalf("error summary %q, beside the field %q, title kept %q", summary, beside, keptTitle)
	}
	a.check(org, "event form with errors")

	run(t, org, "save", append(fill("20:30"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)...)
	url = get(t, org, "location", chromedp.Location())
	if !strings.HasSuffix(url, "/admin/events") {
		t.Fatalf("after saving the browser is at %s", url)
	}

	// ---- a reader, in a fresh browser profile ----
	reader, cancelReader := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancelReader()
	run(t, reader, "calendar",
		chromedp.Navigate(base+"/events"),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	hrefs := get(t, reader, "calendar links", chromedp.Evaluate[[]string](`[...document.querySelectorAll('a')].filter(a => a.textContent.trim() === `+jsString(title)+`).map(a => a.getAttribute('href'))`))
	if len(hrefs) < 3 {
		t.Fatalf("the calendar shows %d occurrences of the event, want at least 3: %v", len(hrefs), hrefs)
	}
	for i, h := range hrefs[:3] {
		want := start.AddDate(0, 0, 7*i).Format("2006-01-02")
		if !strings.HasSuffix(h, "?date="+want) {
			t.Errorf("occurrence %d links to %s, want date %s", i, h, want)
		}
	}
	times := get(t, reader, "calendar times", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.occurrence')].filter(li => li.textContent.includes(`+jsString(title)+`)).map(li => li.querySelector('.time').textContent.trim())`))
	for _, tm := range times {
		if tm != "6:30pm to 8:30pm" {
			t.Errorf("occurrence time %q, want 6:30pm to 8:30pm local on every week", tm)
		}
	}
	a.check(reader, "events page")

	run(t, reader, "event page",
		chromedp.Navigate(base+hrefs[1]),
		chromedp.WaitVisible(chromedp.CSS(".facts")),
	)
	facts := get(t, reader, "facts", chromedp.Text(chromedp.CSS(".facts")))
	placeHref := get(t, reader, "place link", chromedp.AttributeValue(chromedp.CSS(`.facts a[href^="/places/"]`), "href")).Value
	second := start.AddDate(0, 0, 7)
	for _, want := range []string{second.Format("Monday 2 January 2006") + ", 6:30pm to 8:30pm", "Every week on Tuesday", "E2E Craft Room", "1 Loom Street", "M15 1AA"} {
		if !strings.Contains(facts, want) {
			t.Errorf("event page lacks %q:\n%s", want, facts)
		}
	}
	a.check(reader, "event page")

	run(t, reader, "place page",
		chromedp.Navigate(base+placeHref),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	placeEvents := get(t, reader, "place page text", chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(placeEvents, title) {
		t.Errorf("the place page does not list the event")
	}
	a.check(reader, "place page")

	// Every other public page type, found by following links as a reader would.
	a.checkURL(reader, base+"/", "home page")
	for _, list := range []struct{ path, item string }{
		{"/guides", "guide"}, {"/case-studies", "case study"}, {"/tags", "topic"}, {"/places", "place"},
	} {
		a.checkURL(reader, base+list.path, list.item+" list")
		href := get(t, reader, list.item, chromedp.AttributeValue(chromedp.CSS(`main a[href^="`+list.path+`/"]`), "href")).Value
		a.checkURL(reader, base+href, list.item+" page")
	}
	a.checkURL(reader, base+"/no/such/page", "not-found page")

	// Readers get no cookies and nothing from other hosts.
	for _, p := range []string{"/", "/events", hrefs[0], placeHref} {
		run(t, reader, "privacy "+p,
			chromedp.Navigate(base+p),
			chromedp.WaitVisible(chromedp.CSS("main")),
		)
		cookie := get(t, reader, "cookies", chromedp.Evaluate[string](`document.cookie`))
		resources := get(t, reader, "resources", chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map(e => e.name)`))
		if cookie != "" {
			t.Errorf("%s: reader has cookies %q", p, cookie)
		}
		for _, r := range resources {
			if !strings.HasPrefix(r, base+"/") {
				t.Errorf("%s loads %s from another host", p, r)
			}
		}
	}
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func get[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// axeChecker runs axe-core on the current page and fails the test on any
// serious or critical violation of WCAG 2.x A/AA.
type axeChecker struct {
	t      *testing.T
	source string
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func (a *axeChecker) checkURL(ctx context.Context, url, name string) {
	a.t.Helper()
	run(a.t, ctx, name, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("main")))
	a.check(ctx, name)
}

func (a *axeChecker) check(ctx context.Context, name string) {
	a.t.Helper()
	for _, v := range a.violations(ctx, name) {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		msg := fmt.Sprintf("axe on %s: %s (%s): %s\n    %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
		if v.Impact == "serious" || v.Impact == "critical" {
			a.t.Error(msg)
		} else {
			a.t.Log(msg)
		}
	}
}

// selfTest proves the checker can fail: an image without alt text must be
// reported as a critical violation.
func (a *axeChecker) selfTest(ctx context.Context) {
	a.t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/logo">')`)); err != nil {
		a.t.Fatal(err)
	}
	for _, v := range a.violations(ctx, "self-test") {
		if v.ID == "image-alt" && v.Impact == "critical" {
			return
		}
	}
	a.t.Fatal("axe did not report an image without alt text: the accessibility check is not working")
}

func (a *axeChecker) violations(ctx context.Context, name string) []axeViolation {
	a.t.Helper()
	script := `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target, html: n.html}))})))`
	_, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](`if (typeof axe === 'undefined') { `+a.source+` }`))
	if err != nil {
		a.t.Fatalf("load axe on %s: %v", name, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		a.t.Fatalf("axe on %s: %v", name, err)
	}
	return violations
}
