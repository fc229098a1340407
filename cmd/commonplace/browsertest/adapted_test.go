package browsertest

import (
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
}
