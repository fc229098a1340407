package browsertest

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const (
	organiserEmail    = "e2e@example.org"
	organiserPassword = "an end-to-end password"
)

// What the organiser types into the event form.
const (
	eventTitle       = "E2E knit and natter"
	eventDescription = "Bring **wool** and a friend.\n\n- needles\n- a mug"
	placeName        = "E2E Craft Room"
	placeStreet      = "1 Loom Street"
	placeLocality    = "Manchester"
	placePostcode    = "M15 1AA"
	eventTags        = "crafts, older people"
)

func TestOrganiserCreatesRepeatingEventReaderFindsIt(t *testing.T) {
	a := needAxe(t)

	hub := startHub(t, organiserEmail, organiserPassword)
	base := hub.base
	browser := startChromium(t)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}

	// ---- 1. The organiser logs in. ----
	org := newTab(t, browser, base)
	org.open("/admin/login")
	a.check(org, "login page")
	a.selfTest(org)
	org.do("log in", logInSteps(base)...)
	org.pageOK("organiser home")
	if u := org.location(); u != base+"/admin" {
		t.Fatalf("after logging in the browser is at %s, want %s/admin", u, base)
	}

	// ---- 2. They create a weekly event at a new place. ----
	// The first date is a Tuesday at least two days ahead, so the first
	// three dates are all upcoming whatever the time of day.
	start := nextWeekday(time.Now().In(london), time.Tuesday)
	date := start.Format("2006-01-02")
	day := strings.ToUpper(start.Weekday().String()[:2]) // TU, as in RRULE BYDAY
	fill := func(endTime string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+"/admin/events/new"),
			chromedp.WaitVisible(chromedp.CSS("#f-title")),
			chromedp.SendKeys(chromedp.CSS("#f-title"), eventTitle),
			chromedp.SendKeys(chromedp.CSS("#f-description"), eventDescription),
			// A date or time input takes no typed text in a fixed format, so
			// these are set as values, the same strings the browser submits.
			chromedp.SetValue(chromedp.CSS("#f-start"), date),
			chromedp.SetValue(chromedp.CSS("#f-start-time"), "18:30"),
			chromedp.SetValue(chromedp.CSS("#f-end"), date),
			chromedp.SetValue(chromedp.CSS("#f-end-time"), endTime),
			chromedp.SetValue(chromedp.CSS("#f-timezone"), "Europe/London"),
			chromedp.SetValue(chromedp.CSS("#f-recurrence"), "WEEKLY"),
			chromedp.Click(chromedp.CSS("#f-day-"+day)),
			chromedp.SetValue(chromedp.CSS("#f-place-id"), "new"),
			chromedp.SendKeys(chromedp.CSS("#f-place-name"), placeName),
			chromedp.SendKeys(chromedp.CSS("#f-place-street-address"), placeStreet),
			chromedp.SendKeys(chromedp.CSS("#f-place-locality"), placeLocality),
			chromedp.SendKeys(chromedp.CSS("#f-place-postal-code"), placePostcode),
			chromedp.SendKeys(chromedp.CSS("#f-tags"), eventTags),
		)
	}
	typed := func(endTime string) [][2]string {
		return [][2]string{
			{"title", eventTitle}, {"description", eventDescription},
			{"start_date", date}, {"start_time", "18:30"}, {"end_date", date}, {"end_time", endTime},
			{"timezone", "Europe/London"}, {"repeat", "WEEKLY"}, {"repeat_days", day},
			{"place_id", "new"}, {"place_name", placeName}, {"place_street_address", placeStreet},
			{"place_locality", placeLocality}, {"place_postal_code", placePostcode}, {"tags", eventTags},
		}
	}

	org.open("/admin/events/new")
	a.check(org, "event form")

	// Preview renders the Markdown and keeps everything typed.
	org.do("fill the form", fill("20:30"))
	org.expectForm("the filled form", typed("20:30"))
	org.do("preview",
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
		chromedp.WaitVisible(chromedp.CSS(".preview")),
	)
	org.pageOK("preview")
	preview := get(t, org, "preview", chromedp.InnerHTML(chromedp.CSS(".preview .prose")))
	if !strings.Contains(preview, "<strong>wool</strong>") || !strings.Contains(preview, "<li>needles</li>") {
		t.Errorf("the preview does not show the Markdown rendered: %s", preview)
	}
	org.expectForm("the form after Preview", typed("20:30"))

	// ---- 3. An end before the start is refused, and nothing typed is lost. ----
	org.do("save with the end before the start",
		fill("17:00"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")),
	)
	org.pageOK("event form with errors")
	summary := get(t, org, "error summary", chromedp.Text(chromedp.CSS(".error-summary")))
	beside := get(t, org, "message beside the end", chromedp.Text(chromedp.CSS("#f-end-error")))
	message := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(beside), "Error:"))
	if !strings.Contains(strings.ToLower(message), "end") || !strings.Contains(summary, message) {
		t.Errorf("error summary %q and message beside the end date %q do not both say what is wrong with the end", summary, beside)
	}
	links := get(t, org, "error summary links", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href'))`))
	if !slices.Contains(links, "#f-end") {
		t.Errorf("the error summary links to %v, not to the end date #f-end", links)
	}
	invalid := get(t, org, "end aria-invalid", chromedp.AttributeValue(chromedp.CSS("#f-end"), "aria-invalid"))
	if invalid.Value != "true" {
		t.Errorf("the end date is not marked aria-invalid")
	}
	org.expectForm("the form with errors", typed("17:00"))
	a.check(org, "event form with errors")

	org.do("save",
		fill("20:30"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	org.pageOK("events list after saving")
	if u := org.location(); u != base+"/admin/events" {
		t.Fatalf("after saving the browser is at %s, want %s/admin/events", u, base)
	}
	// The third date is cancelled, with a reason (status_test.go).
	cancelled := start.AddDate(0, 0, 14).Format("2006-01-02")
	cancelDate(org, a, cancelled)
	// The commons and moderation page, with its follow and block forms.
	org.open("/admin/commons")
	org.pageOK("commons and moderation")
	a.check(org, "commons and moderation")
	// The topics page, whose form creates a topic before any content uses
	// it; the same name again is refused above the form.
	org.open("/admin/topics")
	org.pageOK("topics page")
	a.check(org, "topics page")
	createTopic := chromedp.Steps(
		chromedp.Navigate(base+"/admin/topics"),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Knitting circles"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "Groups that meet to knit."),
		chromedp.Click(chromedp.CSS(`form[action="/admin/topics"] button[type=submit]`)),
	)
	org.do("create a topic", createTopic, chromedp.WaitVisible(chromedp.CSS(".flash")))
	if u := org.location(); u != base+"/admin/topics" {
		t.Errorf("after creating a topic the browser is at %s, want %s/admin/topics", u, base)
	}
	org.do("create the same topic again", createTopic, chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	org.expectForm("the refused topic form", [][2]string{{"name", "Knitting circles"}, {"description", "Groups that meet to knit."}})
	a.check(org, "topics page with a refused topic")

	// ---- 4. A reader, in a fresh profile with no cookies, finds it. ----
	reader := newTab(t, browser, base)
	var publicPages []string // paths checked for cookies with plain HTTP
	visit := func(name, path string) {
		reader.open(path)
		reader.private(name)
		a.check(reader, name)
		publicPages = append(publicPages, path)
	}
	visit("home page", "/")
	visit("events page", "/events")

	type occurrence struct {
		Href  string `json:"href"`
		Time  string `json:"time"`
		Start string `json:"start"`
	}
	found := get(t, reader, "occurrences", chromedp.Evaluate[[]occurrence](`[...document.querySelectorAll('.occurrence')]
		.filter(li => li.querySelector('a')?.textContent.trim() === `+jsString(eventTitle)+`)
		.map(li => ({href: li.querySelector('a').getAttribute('href'), time: li.querySelector('.time').textContent.trim(),
			start: li.querySelector('.time time')?.getAttribute('datetime') ?? ''}))`))
	if len(found) < 3 {
		t.Fatalf("the events page shows %d dates of the event, want at least 3: %v", len(found), found)
	}
	for i, o := range found[:3] {
		d := start.AddDate(0, 0, 7*i)
		wantStart := time.Date(d.Year(), d.Month(), d.Day(), 18, 30, 0, 0, london)
		if !strings.HasPrefix(o.Href, "/events/") || !strings.HasSuffix(o.Href, "?date="+d.Format("2006-01-02")) {
			t.Errorf("date %d links to %s, want /events/SLUG?date=%s", i+1, o.Href, d.Format("2006-01-02"))
		}
		if got, err := time.Parse(time.RFC3339, o.Start); err != nil || !got.Equal(wantStart) {
			t.Errorf("date %d starts at %q, want %s", i+1, o.Start, wantStart.Format(time.RFC3339))
		}
	}
	for _, o := range found {
		if o.Time != "6:30pm to 8:30pm" {
			t.Errorf("%s shows the time %q, want 6:30pm to 8:30pm London time every week", o.Href, o.Time)
		}
	}

	cancelledShown(reader, "events page")
	if len(found) >= 3 && !strings.HasSuffix(found[2].Href, "?date="+cancelled) {
		t.Errorf("the cancelled date %s is not listed in its place: %v", cancelled, found[:3])
	}
	// The reader follows the second date to the event page.
	second := start.AddDate(0, 0, 7)
	reader.do("follow the second date",
		chromedp.Click(chromedp.CSS(`.occurrence a[href="`+found[1].Href+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".facts")),
	)
	if u := reader.location(); u != base+found[1].Href {
		t.Fatalf("following the second date leads to %s, want %s", u, base+found[1].Href)
	}
	reader.pageOK("event page")
	reader.private("event page")
	facts := get(t, reader, "event facts", chromedp.Text(chromedp.CSS(".facts")))
	for _, want := range []string{second.Format("Monday 2 January 2006") + ", 6:30pm to 8:30pm", "Every week on Tuesday", placeName, placeStreet, placeLocality, placePostcode} {
		if !strings.Contains(facts, want) {
			t.Errorf("the event page lacks %q:\n%s", want, facts)
		}
	}
	a.check(reader, "event page")
	publicPages = append(publicPages, found[1].Href)
	placeHref := get(t, reader, "place link", chromedp.AttributeValue(chromedp.CSS(`.facts a[href^="/places/"]`), "href")).Value

	// The cancelled date's page says so, and axe checks it.
	visit("cancelled date's page", found[2].Href)
	cancelledShown(reader, "cancelled date's page")

	visit("place page", placeHref)
	listed := get(t, reader, "events at the place", chromedp.Evaluate[[]string](`[...document.querySelectorAll('section[aria-labelledby="place-events"] .occurrence a')].map(a => a.textContent.trim())`))
	if !slices.Contains(listed, eventTitle) {
		t.Errorf("the place page %s does not list the event; it lists %v", placeHref, listed)
	}

	// A page with a picture (the demo's drop-in): axe checks it, and the
	// picture loads from the hub itself with its description.
	visit("event page with a picture", "/events/digital-drop-in")
	pic := get(t, reader, "the picture", chromedp.Evaluate[map[string]any](`(() => { const i = document.querySelector('.item-picture img');
		return i ? {alt: i.alt, w: i.naturalWidth, src: i.currentSrc, og: document.querySelector('meta[property="og:image:alt"]')?.content || ''} : {} })()`))
	if alt, _ := pic["alt"].(string); !strings.Contains(alt, "five people") || pic["og"] != alt {
		t.Errorf("the picture's description: %v", pic)
	}
	if w, _ := pic["w"].(float64); w == 0 || pic["src"] == nil || !strings.HasPrefix(pic["src"].(string), base+"/pictures/") {
		t.Errorf("the picture did not load from the hub: %v", pic)
	}

	listThumbnails(t, reader, a, base)
	publicPages = append(publicPages, "/events")

	// ---- 5. Every other public page type, found by following links. ----
	visit("guide list", "/guides")
	visit("guide page", reader.firstLink("/guides/"))
	visit("case study list", "/case-studies")
	visit("case study page", reader.firstLink("/case-studies/"))
	visit("place list", "/places")
	places := get(t, reader, "places listed", chromedp.Evaluate[[]string](`[...document.querySelectorAll('main a[href^="/places/"]')].map(a => a.textContent.trim())`))
	if n := count(places, placeName); n != 1 {
		t.Errorf("the place list shows %q %d times, want once (Preview and a refused save must not create it): %v", placeName, n, places)
	}
	visit("topic list", "/topics")
	crafts := get(t, reader, "crafts topic", chromedp.Evaluate[string](`[...document.querySelectorAll('main a[href^="/topics/"]')].find(a => a.textContent.trim() === 'crafts')?.getAttribute('href') ?? ''`))
	if crafts == "" {
		t.Fatal("the topic list has no link to the event's topic crafts")
	}
	visit("topic page", crafts)
	onTopic := get(t, reader, "events on the topic", chromedp.Evaluate[[]string](`[...document.querySelectorAll('section[aria-labelledby="topic-events"] .occurrence a')].map(a => a.textContent.trim())`))
	if !slices.Contains(onTopic, eventTitle) {
		t.Errorf("the topic page %s does not list the event; it lists %v", crafts, onTopic)
	}
	visit("commons", "/commons")
	visit("network", "/network")
	visit("search", "/search?q="+url.QueryEscape(eventTitle))
	if hits := get(t, reader, "search results", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.search-results h3 a')].map(a => a.textContent.trim())`)); !slices.Contains(hits, eventTitle) {
		t.Errorf("searching for %q finds %v", eventTitle, hits)
	}
	notFound := "/no/such/page"
	visit("not-found page", notFound)

	// ---- 5b. The same pages in Welsh and right to left. ----
	// A Welsh page, chosen by the reader (it fails until locales/cy.toml
	// ships), and the right-to-left pseudo-locale ar-XB: axe checks the
	// language attributes and that the mirrored layout stays usable.
	for _, lang := range []string{"cy", "ar-XB"} {
		for _, p := range []string{"/", "/events", found[1].Href, placeHref} {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			name := p + " in " + lang
			reader.open(p + sep + "lang=" + lang)
			reader.pageOK(name)
			got := get(t, reader, "the language of "+name, chromedp.Evaluate[[]string](`[document.documentElement.lang, document.documentElement.dir]`))
			wantDir := "ltr"
			if lang == "ar-XB" {
				wantDir = "rtl"
			}
			if len(got) != 2 || got[0] != lang || got[1] != wantDir {
				t.Errorf("%s: <html lang dir> = %v, want %s %s", name, got, lang, wantDir)
			}
			a.check(reader, name)
		}
	}

	// ---- 6. Readers get no cookies. ----
	for _, p := range publicPages {
		status := http.StatusOK
		if p == notFound {
			status = http.StatusNotFound
		}
		checkPlainGet(t, base+p, status)
	}
	readerCookies, err := chromedp.Call(reader.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/", base + "/admin"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range readerCookies.Cookies {
		t.Errorf("the reader's browser holds the cookie %s (path %s) after visiting only public pages", c.Name, c.Path)
	}
	// The same query finds the organiser's session cookie, so an empty
	// answer for the reader means something.
	orgCookies, err := chromedp.Call(org.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/admin"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(orgCookies.Cookies) == 0 {
		t.Error("the cookie query finds no session cookie in the organiser's browser either: it proves nothing")
	}
}

// startChromium starts headless Chromium with a new profile, or skips the
// test (fails it in CI) when there is none. It stops by itself after 3
// minutes, so a stuck page ends the test.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path := needChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
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
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// nextWeekday returns the first day on the weekday at least two days after
// now.
func nextWeekday(now time.Time, wd time.Weekday) time.Time {
	d := now.AddDate(0, 0, 2)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// checkPlainGet fetches a public page without a browser: it must answer
// with the status, set no cookie, and send the Content-Security-Policy the
// axe checks ran under.
func checkPlainGet(t *testing.T, url string, status int) {
	t.Helper()
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Errorf("GET %s: status %d, want %d", url, resp.StatusCode, status)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) > 0 {
		t.Errorf("GET %s sets cookies: %q", url, c)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET %s has no Content-Security-Policy", url)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// tab is a browser tab in a profile of its own: one person at one computer.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// problemWatcher runs before any page script and records what a person
// would see as a broken page: anything the Content-Security-Policy blocked,
// a script error, or a stylesheet, image or script that failed to load.
const problemWatcher = `window.__problems = [];
document.addEventListener('securitypolicyviolation', e => window.__problems.push(
	'Content-Security-Policy blocked ' + e.violatedDirective + ' (' + (e.blockedURI || 'inline') + ') at ' + e.sourceFile + ':' + e.lineNumber), true);
window.addEventListener('error', e => window.__problems.push(e.message ? 'script error: ' + e.message :
	'failed to load ' + (e.target && (e.target.src || e.target.href || e.target.outerHTML))), true);`

func newTab(t *testing.T, browser context.Context, base string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: problemWatcher}); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, ctx: ctx, base: base}
}

// logInSteps is the organiser logging in at the hub at base, as far as the
// admin home's "new event" link.
func logInSteps(base string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/admin/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), organiserEmail),
		chromedp.SendKeys(chromedp.CSS("#f-password"), organiserPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/events/new"]`)),
	}
}

// followSteps is a logged-in organiser of the hub at base following target
// (a hub's public address) from the commons page, as far as the flash.
func followSteps(base, target string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/admin/commons"),
		chromedp.WaitVisible(chromedp.CSS("#f-target")),
		chromedp.SendKeys(chromedp.CSS("#f-target"), target+"/"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/commons/follow"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	}
}

// do runs the actions, failing the test at the first error.
func (b *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// get runs an action that returns a value, failing the test on an error.
func get[T any](t *testing.T, b *tab, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// open loads the hub's page at path and checks it loaded without problems.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.pageOK(path)
}

func (b *tab) location() string {
	b.t.Helper()
	return get(b.t, b, "location", chromedp.Location())
}

// pageOK fails the test if the page showing had anything blocked or broken.
func (b *tab) pageOK(name string) {
	b.t.Helper()
	for _, p := range get(b.t, b, "problems on "+name, chromedp.Evaluate[[]string](`window.__problems`)) {
		b.t.Errorf("%s: %s", name, p)
	}
}

// private fails the test if the page can read a cookie or loaded anything
// from another host than the hub.
func (b *tab) private(name string) {
	b.t.Helper()
	if c := get(b.t, b, "cookies on "+name, chromedp.Evaluate[string](`document.cookie`)); c != "" {
		b.t.Errorf("%s: the reader has cookies %q", name, c)
	}
	resources := get(b.t, b, "resources of "+name, chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map(e => e.name)`))
	if len(resources) == 0 {
		b.t.Errorf("%s: no resources loaded, not even the stylesheet: the third-party check cannot work", name)
	}
	for _, r := range resources {
		if !strings.HasPrefix(r, b.base+"/") {
			b.t.Errorf("%s loads %s from another host", name, r)
		}
	}
}

// expectForm fails the test unless the event form holds every name/value
// pair, as the browser would submit them.
func (b *tab) expectForm(name string, want [][2]string) {
	b.t.Helper()
	entries := get(b.t, b, "form values", chromedp.Evaluate[[][2]string](`[...new FormData(document.querySelector('form.editor'))].map(([k, v]) => [k, String(v)])`))
	for i := range entries {
		entries[i][1] = strings.ReplaceAll(entries[i][1], "\r\n", "\n")
	}
	for _, w := range want {
		if !slices.Contains(entries, w) {
			b.t.Errorf("%s: %s is not %q; the form holds %q", name, w[0], w[1], entries)
		}
	}
}

// firstLink returns the first link in the main content whose address starts
// with prefix.
func (b *tab) firstLink(prefix string) string {
	b.t.Helper()
	href := get(b.t, b, "link to "+prefix, chromedp.Evaluate[string](`document.querySelector('main a[href^="`+prefix+`"]')?.getAttribute('href') ?? ''`))
	if href == "" {
		b.t.Fatalf("no link to %s on %s", prefix, b.location())
	}
	return href
}
