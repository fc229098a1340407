package browsertest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestFollowBoxSendsReaderToTheirServer: a reader on the hub's home page
// types their server's address into "Follow from the fediverse" and is
// sent, without any script, to that server's follow page
// (https://their.server/authorize_interaction?uri=HANDLE) with the hub's
// handle. Their server's WebFinger runs on loopback, which the hub may
// reach because it runs with --allow-private-addresses; its follow page
// itself is not served, so the test reads where the browser was sent from
// its history.
func TestFollowBoxSendsReaderToTheirServer(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	their := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.RequestURI())
		mu.Unlock()
		if r.URL.Path != "/.well-known/webfinger" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		w.Write([]byte(`{"subject":"acct:their.server@their.server","links":[` +
			`{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://their.server/authorize_interaction?uri={uri}"}]}`))
	}))
	t.Cleanup(their.Close)

	hub := startHub(t, organiserEmail, organiserPassword, "--allow-private-addresses")
	browser := startChromium(t)
	reader := newTab(t, browser, hub.base)
	reader.open("/")

	handle := get(t, reader, "read the handle", chromedp.Value(chromedp.CSS("#follow-handle")))
	// The demo hub's public URL is http://localhost:PORT.
	port := hub.base[strings.LastIndex(hub.base, ":"):]
	if handle != "@hulme@localhost"+port {
		t.Fatalf("the follow box shows %q, want @hulme@localhost%s", handle, port)
	}
	want := "https://their.server/authorize_interaction?uri=" + url.QueryEscape(strings.TrimPrefix(handle, "@"))

	reader.do("type their server and press Follow",
		chromedp.SendKeys(chromedp.CSS("#follow-server"), their.URL),
		chromedp.Click(chromedp.CSS(`form[action="/follow"] button[type=submit]`)),
	)
	var sentTo string
	deadline := time.Now().Add(15 * time.Second)
	for {
		h, err := chromedp.Call(reader.ctx, page.GetNavigationHistory, cdp.Empty{})
		if err == nil && h.CurrentIndex >= 0 && int(h.CurrentIndex) < len(h.Entries) {
			sentTo = h.Entries[h.CurrentIndex].URL
			if strings.HasPrefix(sentTo, "https://their.server/") {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser did not go to their server's follow page; it is at %q", sentTo)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if sentTo != want {
		t.Errorf("sent to %s, want %s", sentTo, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || !strings.HasPrefix(asked[0], "/.well-known/webfinger?resource=") {
		t.Errorf("their server was asked %v, want its WebFinger once", asked)
	}
}
