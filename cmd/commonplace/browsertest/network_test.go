package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// TestNetworkPage: three real demo hubs; an organiser of A follows B and
// an organiser of B follows C, each through the browser. A's /network,
// read in Chromium, shows B and suggests C, with no cookie, no script and
// nothing from another host, and passes axe; so do a network search
// reaching C's items through B, and the organisers' /admin/network with
// its follow button.
func TestNetworkPage(t *testing.T) {
	axe := needAxe(t)

	a := startHub(t, organiserEmail, organiserPassword, "--allow-private-addresses")
	b := startHub(t, organiserEmail, organiserPassword, "--allow-private-addresses")
	c := startHub(t, organiserEmail, organiserPassword, "--allow-private-addresses")
	browser := startChromium(t)

	follow := func(from, to string) *tab {
		org := newTab(t, browser, from)
		org.do("log in and follow "+to, append(logInSteps(from), followSteps(from, publicURL(to))...)...)
		return org
	}
	follow(b.base, c.base)
	orgA := follow(a.base, b.base)

	deadline := time.Now().Add(40 * time.Second)
	for !strings.Contains(plainGet(t, a.base+"/network"), "Followed by") {
		if time.Now().After(deadline) {
			t.Fatalf("A's network page does not suggest C within 40 s:\n%s", plainGet(t, a.base+"/network"))
		}
		time.Sleep(500 * time.Millisecond)
	}

	reader := newTab(t, browser, a.base)
	reader.open("/network")
	reader.pageOK("network page")
	reader.private("network page")
	axe.check(reader, "network page")
	rows := get(t, reader, "the network table", chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.network tbody th[scope=row] a')].map(a => a.getAttribute('href'))`))
	if len(rows) != 1 || !strings.HasPrefix(rows[0], publicURL(b.base)) {
		t.Errorf("the network table lists %v, want B alone", rows)
	}
	suggested := get(t, reader, "suggested hubs", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.network-suggested > li > a')].map(a => a.getAttribute('href'))`))
	if len(suggested) != 1 || !strings.HasPrefix(suggested[0], publicURL(c.base)) {
		t.Errorf("suggested %v, want C", suggested)
	}
	if n := get(t, reader, "drawings", chromedp.Evaluate[int](`[...document.querySelectorAll('figure.network-drawing svg[role=img] circle')].filter(c => c.getBoundingClientRect().width > 0).length`)); n != 3 {
		t.Errorf("the drawing shows %d hubs, want 3 (A, B it follows, C suggested)", n)
	}
	if n := get(t, reader, "scripts", chromedp.Evaluate[int](`document.scripts.length`)); n != 0 {
		t.Errorf("the network page has %d scripts", n)
	}

	// A network search reaches C's items through B's commons; the page,
	// with its hub sections and "through" credits, passes axe too.
	reader.open("/search?scope=network&q=digital")
	reader.pageOK("network search page")
	reader.private("network search page")
	axe.check(reader, "network search page")
	credits := get(t, reader, "network results", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.network-results .search-results li p.meta')].map(p => p.textContent)`))
	through := false
	for _, c := range credits {
		through = through || strings.Contains(c, ", through ")
	}
	if len(credits) == 0 || !through {
		t.Errorf("A's network search shows %q, want C's items through B", credits)
	}

	orgA.open("/admin/network")
	orgA.pageOK("organisers' network page")
	axe.check(orgA, "organisers' network page")
	if n := get(t, orgA, "follow buttons", chromedp.Evaluate[int](`document.querySelectorAll('.network-suggested form[action="/admin/commons/follow"] button').length`)); n != 1 {
		t.Errorf("the organisers' network page has %d follow buttons, want 1 (for C)", n)
	}

	peerPictureShown(t, reader, axe, a.base)
}

// peerPictureShown: B's demo event with a picture, read by A from B's
// outbox, has its picture fetched by A in the background; A's commons list
// and the item's page show it from A alone, with its description, and
// pass axe.
func peerPictureShown(t *testing.T, reader *tab, axe *axeChecker, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(plainGet(t, base+"/commons"), `class="card-picture"`) {
		if time.Now().After(deadline) {
			t.Fatalf("A's commons shows no picture of B's within 60 s:\n%s", plainGet(t, base+"/commons"))
		}
		time.Sleep(500 * time.Millisecond)
	}
	reader.open("/commons")
	reader.pageOK("commons with a peer's picture")
	reader.private("commons with a peer's picture")
	axe.check(reader, "commons with a peer's picture")
	item := get(t, reader, "the item with a picture", chromedp.Evaluate[string](`document.querySelector('img.card-picture')?.closest('li')?.querySelector('h3 a')?.getAttribute('href') ?? ''`))
	if item == "" {
		t.Fatal("no link to the item with a picture")
	}
	reader.open(item)
	reader.pageOK("commons item with a picture")
	reader.private("commons item with a picture")
	axe.check(reader, "commons item with a picture")
	pic := get(t, reader, "the picture", chromedp.Evaluate[map[string]any](`(() => { const i = document.querySelector('.item-picture img');
		return i ? {alt: i.alt, w: i.naturalWidth, src: i.currentSrc} : {} })()`))
	if alt, _ := pic["alt"].(string); alt == "" {
		t.Errorf("the peer's picture lost its description: %v", pic)
	}
	if w, _ := pic["w"].(float64); w == 0 || pic["src"] == nil || !strings.HasPrefix(pic["src"].(string), base+"/pictures/") {
		t.Errorf("the peer's picture did not load from A: %v", pic)
	}
}

func plainGet(t *testing.T, u string) string {
	t.Helper()
	_, b := testkit.Get(t, nil, u)
	return string(b)
}
