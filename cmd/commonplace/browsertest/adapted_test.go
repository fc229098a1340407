package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAdaptedFromInTheBrowser: two real demo hubs; an organiser of B
// follows A, then writes a case study adapted from one of A's, chosen from
// the editor's list of commons case studies. B's page credits A's, A's
// page shows "Adapted by" B; the editor and both pages pass axe.
func TestAdaptedFromInTheBrowser(t *testing.T) {
	axe := needAxe(t)

	a := startHub(t, organiserEmail, organiserPassword, "--allow-private-addresses")
	b := startHub(t, organiserEmail, organiserPassword, "--allow-private-addresses")
	browser := startChromium(t)

	org := newTab(t, browser, b.base)
	org.do("log in and follow A", append(logInSteps(b.base), followSteps(b.base, publicURL(a.base))...)...)
	deadline := time.Now().Add(40 * time.Second)
	for !strings.Contains(plainGet(t, b.base+"/commons?kind=case-study"), publicURL(a.base)) {
		if time.Now().After(deadline) {
			t.Fatal("A's case studies are not in B's commons within 40 s")
		}
		time.Sleep(500 * time.Millisecond)
	}

	org.open("/admin/case-studies/new")
	org.pageOK("case study editor")
	axe.check(org, "case study editor with Adapted from")
	options := get(t, org, "the commons case studies offered", chromedp.Evaluate[[]string](`[...document.querySelectorAll('#adaptable option')].map(o => o.value)`))
	if len(options) == 0 || !strings.HasPrefix(options[0], publicURL(a.base)+"/case-studies/") {
		t.Fatalf("the editor offers %v, want A's case studies", options)
	}
	original := options[0]
	org.do("write a case study adapted from A's",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Our version, from Alpha"),
		chromedp.SendKeys(chromedp.CSS("#f-problem"), "The same problem, here."),
		chromedp.SendKeys(chromedp.CSS("#f-adapted-from"), original),
		chromedp.Click(chromedp.CSS(`button[type=submit][name=action][value=save]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	reader := newTab(t, browser, b.base)
	reader.open("/case-studies/our-version-from-alpha")
	reader.pageOK("B's adapted case study")
	axe.check(reader, "case study adapted from another hub's")
	if href := get(t, reader, "the credit", chromedp.Evaluate[string](`(document.querySelector('.adapted-from a') || {}).href || ''`)); href != original {
		t.Errorf("B's page credits %q, want %q", href, original)
	}

	aPath := strings.TrimPrefix(original, publicURL(a.base))
	deadline = time.Now().Add(20 * time.Second)
	for !strings.Contains(plainGet(t, a.base+aPath), "Our version, from Alpha") {
		if time.Now().After(deadline) {
			t.Fatalf("A's page does not show the adaptation within 20 s:\n%s", plainGet(t, a.base+aPath))
		}
		time.Sleep(500 * time.Millisecond)
	}
	onA := newTab(t, browser, a.base)
	onA.open(aPath)
	onA.pageOK("A's case study, adapted by B")
	axe.check(onA, "case study with adaptations")
	links := get(t, onA, "adaptations", chromedp.Evaluate[[]string](`[...document.querySelectorAll('section.adaptations a')].map(a => a.href)`))
	if len(links) != 1 || links[0] != publicURL(b.base)+"/case-studies/our-version-from-alpha" {
		t.Errorf("A's page links to the adaptations %v", links)
	}
	hideCreditInTheBrowser(t, browser, axe, a, aPath, "Our version, from Alpha")
}

// hideCreditInTheBrowser: an organiser of A opens the editor of A's case
// study at aPath, whose page credits adaptation (another hub's), and
// hides the credit with the button under the form; the editor passes axe
// with the credit shown and hidden, and A's page stops showing it.
func hideCreditInTheBrowser(t *testing.T, browser context.Context, axe *axeChecker, a *hubProcess, aPath, adaptation string) {
	t.Helper()
	onA := newTab(t, browser, a.base)
	onA.open(aPath)
	title := get(t, onA, "the case study's title", chromedp.Evaluate[string](`document.querySelector('main h1').textContent.trim()`))
	org := newTab(t, browser, a.base)
	org.do("log in to A",
		chromedp.Navigate(a.base+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), organiserEmail),
		chromedp.SendKeys(chromedp.CSS("#f-password"), organiserPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/events/new"]`)),
	)
	org.open("/admin/case-studies")
	edit := get(t, org, "the case study's editor", chromedp.Evaluate[string](`([...document.querySelectorAll('a[href$="/edit"]')].find(a => a.textContent.includes(`+strconv.Quote(title)+`)) || {}).href || ''`))
	if edit == "" {
		t.Fatalf("no editor link for %q on A's list", title)
	}
	org.do("open the editor", chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/adaptations/hidden"] button`)))
	org.pageOK("case study editor with a credit")
	axe.check(org, "case study editor with another hub's credit")
	org.do("hide the credit",
		chromedp.Click(chromedp.CSS(`form[action="/admin/adaptations/hidden"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	org.pageOK("case study editor with a hidden credit")
	axe.check(org, "case study editor with a hidden credit")
	if text := get(t, org, "the credits", chromedp.Evaluate[string](`document.querySelector('#adaptations-admin-title').parentElement.textContent`)); !strings.Contains(text, "(hidden)") || !strings.Contains(text, "Show this credit") {
		t.Errorf("the editor does not mark the credit hidden: %q", text)
	}
	deadline := time.Now().Add(20 * time.Second)
	for strings.Contains(plainGet(t, a.base+aPath), adaptation) {
		if time.Now().After(deadline) {
			t.Fatal("A's page still credits the hidden adaptation after 20 s")
		}
		time.Sleep(500 * time.Millisecond)
	}
}
