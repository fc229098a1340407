package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	pagecdp "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// TestEmbedsOnAPartnersSite: a partner's page on another loopback origin
// frames the hub's events embed, which renders, and a normal hub page,
// which the browser refuses to show in the frame; axe checks the embed,
// a poster, the month grid and the organisers' embed builder.
func TestEmbedsOnAPartnersSite(t *testing.T) {
	a := needAxe(t)

	hub := startHub(t, organiserEmail, organiserPassword)
	base := hub.base
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="en"><head><title>Partner</title></head><body><main><h1>Our group</h1>
<iframe id="embed" src="` + base + `/embed/events?limit=3" title="What's on" width="600" height="400"></iframe>
<iframe id="page" src="` + base + `/events" title="A hub page" width="600" height="400"></iframe>
</main></body></html>`))
	}))
	t.Cleanup(partner.Close)
	if strings.HasPrefix(partner.URL, base) {
		t.Fatal("the partner and the hub share an origin")
	}

	browser := startChromium(t)
	visitor := newTab(t, browser, partner.URL)
	// framed loads the partner's page; a change of the partner websites
	// shows within the hub's page cache's lifetime (a second), so it is
	// loaded again for a few seconds until the embed is as wanted.
	framed := func(when string, wantEmbed bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			embed, page := partnerFrames(t, visitor, partner.URL)
			if page.UnreachableURL != base+"/events" || !strings.HasPrefix(page.URL, "chrome-error:") {
				t.Errorf("%s: the hub's events page was shown in a frame: %q", when, page.URL)
			}
			shown := embed.UnreachableURL == "" && embed.URL == base+"/embed/events?limit=3"
			if shown == wantEmbed {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: the embed frame shows %q (could not show %q); want it shown: %v", when, embed.URL, embed.UnreachableURL, wantEmbed)
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	framed("by default", true)

	// A reader sees the embed itself, the month grid and a poster.
	reader := newTab(t, browser, base)
	for _, p := range []struct{ name, path string }{
		{"events embed", "/embed/events?show=descriptions"},
		{"month grid", "/events/calendar"},
		{"events page", "/events"},
	} {
		reader.open(p.path)
		reader.private(p.name)
		a.check(reader, p.name)
	}
	// The first event on the page: /events/ also starts the links to the
	// suggestion form, the month grid and past events.
	event := get(t, reader, "link to an event", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('main a[href^="/events/"]')).map(a => a.getAttribute('href')).find(h => !/^\/events\/(suggest|calendar|past)\b/.test(h)) ?? ''`))
	if event == "" {
		t.Fatalf("no link to an event on %s", reader.location())
	}
	if i := strings.Index(event, "?"); i >= 0 {
		event = event[:i]
	}
	// The plain embed loads nothing but itself.
	reader.open("/embed/events?style=plain")
	if n := get(t, reader, "stylesheets", chromedp.Evaluate[int](`document.styleSheets.length`)); n != 0 {
		t.Errorf("the plain embed has %d stylesheets", n)
	}
	a.check(reader, "plain events embed")
	for _, p := range []struct{ name, path string }{
		{"event embed", "/embed" + event},
		{"event page", event},
		{"A4 poster", event + "/poster"},
		{"A5 flyers", event + "/poster?size=a5"},
		{"month grid in Welsh", "/events/calendar?lang=cy"},
	} {
		reader.open(p.path)
		reader.private(p.name)
		a.check(reader, p.name)
	}

	// The A4 poster's QR code, as Chromium draws it, reads as the event's
	// address to an independent decoder (zbarimg, Debian's zbar-tools).
	reader.open(event + "/poster")
	qr := get(t, reader, "screenshot of the QR code", chromedp.ScreenshotScale(chromedp.CSS("svg.qr"), 2))
	if got, want := testkit.DecodeQR(t, qr), strings.Replace(base, "127.0.0.1", "localhost", 1)+event; got != want {
		t.Errorf("the poster's QR code, drawn by Chromium, reads %q, want %q", got, want)
	}

	// The organiser's builder; saving partner websites that leave out
	// this partner stops the embed showing there, and listing it lets it.
	org := newTab(t, browser, base)
	org.do("log in", logInSteps(base)...)
	org.open("/admin/embed?limit=3")
	a.check(org, "embed builder")
	saveOrigins := func(origins string) {
		t.Helper()
		org.do("save partner websites "+origins,
			chromedp.Navigate(base+"/admin/embed"),
			chromedp.WaitVisible(chromedp.CSS("#f-embed-origins")),
			chromedp.SetValue(chromedp.CSS("#f-embed-origins"), origins),
			chromedp.Click(chromedp.CSS(`form[action="/admin/embed/origins"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		)
		org.pageOK("embed builder after saving")
	}
	saveOrigins("https://elsewhere.example")
	framed("with another partner listed", false)
	saveOrigins("https://elsewhere.example\n" + partner.URL)
	framed("with this partner listed", true)
	org.open("/admin/embed")
	a.check(org, "embed builder with partners listed")
}

// partnerFrames loads the partner's page and returns its two frames once
// both have loaded or failed: the embed's and the hub page's.
func partnerFrames(t *testing.T, visitor *tab, partnerURL string) (embed, page *cdp.Frame) {
	t.Helper()
	visitor.do("open the partner's page", chromedp.Navigate(partnerURL+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	deadline := time.Now().Add(15 * time.Second)
	for {
		tree, err := chromedp.Call(visitor.ctx, pagecdp.GetFrameTree, cdp.Empty{})
		if err != nil {
			t.Fatal(err)
		}
		embed, page = nil, nil
		for _, c := range tree.FrameTree.ChildFrames {
			switch c.Frame.Name {
			case "embed":
				embed = c.Frame
			case "page":
				page = c.Frame
			}
		}
		if embed != nil && page != nil && embed.URL != "about:blank" && page.URL != "about:blank" && embed.MimeType != "" && page.MimeType != "" {
			return embed, page
		}
		if time.Now().After(deadline) {
			t.Fatalf("the partner's frames did not load: %+v %+v", embed, page)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
