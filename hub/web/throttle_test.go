package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub/web"
)

// throttleClock is a settable clock for login throttling that records
// every wait instead of sleeping.
type throttleClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *throttleClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *throttleClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
func (c *throttleClock) wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	return nil
}
func (c *throttleClock) takeWaits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.waits
	c.waits = nil
	return w
}

func throttledHub(t *testing.T, mutate ...func(*web.Config)) (*testHub, *throttleClock) {
	clock := &throttleClock{t: now}
	th := newTestHub(t, append([]func(*web.Config){func(c *web.Config) { c.LoginClock, c.LoginWait = clock.now, clock.wait }}, mutate...)...)
	return th, clock
}

// loginFrom posts the login form straight to the hub's handler as if from
// the address remote (host:port), as the hub sees a client that is not
// behind a trusted proxy.
func (th *testHub) loginFrom(remote, email, password string) *httptest.ResponseRecorder {
	th.t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	w := httptest.NewRecorder()
	th.srv.Config.Handler.ServeHTTP(w, req)
	if w.Code >= 500 {
		th.t.Fatalf("login from %s: %d", remote, w.Code)
	}
	return w
}

func loggedIn(w *httptest.ResponseRecorder) bool {
	return w.Code == http.StatusSeeOther && strings.Contains(w.Header().Get("Set-Cookie"), "commonplace_session=")
}

// An attacker with a /64 (every IPv6 home and server has one) guesses from
// a new address each time: the limit is per /64, not per address, and is
// refused with 429, Retry-After and how long to wait. Other /64s and IPv4
// clients are not affected; once the time has passed the /64 may try again.
func TestLoginLimitIsPerIPv6Slash64(t *testing.T) {
	th := newTestHub(t) // the real clock: no account delays are reached here
	refused := 0
	for i := range 25 {
		w := th.loginFrom(fmt.Sprintf("[2001:db8:1:2:%x::%x]:4000", i, i+1), fmt.Sprintf("user%d@example.org", i), "guess guess guess")
		if w.Code == http.StatusTooManyRequests {
			refused++
			if i < 10 {
				t.Errorf("attempt %d from the /64 refused, within the limit of 10", i+1)
			}
			if ra, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
				t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
			}
			if !strings.Contains(w.Body.String(), "Please wait") || !strings.Contains(w.Body.String(), "seconds") {
				t.Errorf("the refusal does not say how long to wait")
			}
		}
	}
	if refused < 14 {
		t.Fatalf("25 guesses from 25 addresses in one /64: %d refused, want at least 14", refused)
	}
	// The right password from the same /64 waits too: the limit is on
	// the client, and says nothing about the password.
	if w := th.loginFrom("[2001:db8:1:2:ffff::1]:4000", adminEmail, adminPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("the /64 over its limit, right password: %d, want 429", w.Code)
	}
	// The admin elsewhere is not affected.
	for _, remote := range []string{"[2001:db8:1:3::1]:4000", "203.0.113.9:4000", "[::ffff:203.0.113.10]:4000"} {
		if w := th.loginFrom(remote, adminEmail, adminPassword); !loggedIn(w) {
			t.Errorf("admin from %s: %d, want logged in", remote, w.Code)
		}
	}
}

// An attack on the admin's account from many IPv4 addresses (one guess
// each, so no per-client limit is reached) and from many addresses in one
// IPv6 /64. The /64 is refused after its 10 attempts; attempts on the
// account are slowed more and more, up to a few seconds, without ever
// being refused for the account's sake; and the real admin, from another
// client, logs in with the right password all along.
func TestLoginAttackOnOneAccount(t *testing.T) {
	th, clock := throttledHub(t)
	var refused64 int
	for i := range 200 {
		var w *httptest.ResponseRecorder
		if i%2 == 0 {
			w = th.loginFrom(netip.AddrFrom4([4]byte{198, 51, byte(i / 250), byte(1 + i%250)}).String()+":5555", adminEmail, fmt.Sprintf("guess %d!!!!!", i))
		} else {
			w = th.loginFrom(fmt.Sprintf("[2001:db8:bad:1:%x:%x::1]:5555", i, i*7), adminEmail, fmt.Sprintf("guess %d!!!!!", i))
			if w.Code == http.StatusTooManyRequests {
				refused64++
			}
		}
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusTooManyRequests {
			t.Fatalf("guess %d: %d", i, w.Code)
		}
		if i%2 == 0 && w.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d, the only one from its IPv4 address: %d, want 401 (checked, wrong)", i, w.Code)
		}
		if i == 100 {
			// Half way through the attack, the real admin from home.
			if w := th.loginFrom("192.0.2.44:61000", adminEmail, adminPassword); !loggedIn(w) {
				t.Fatalf("the real admin during the attack: %d, want logged in", w.Code)
			}
		}
		clock.advance(100 * time.Millisecond)
	}
	if refused64 != 87 {
		t.Errorf("%d of 100 guesses from one /64 refused, want 87 (10 at once, then one every 6 s for 20 s)", refused64)
	}
	waits := clock.takeWaits()
	if len(waits) < 100 {
		t.Fatalf("%d attempts were slowed, want every attempt after the first failures", len(waits))
	}
	for i, d := range waits {
		if d <= 0 || d > 5*time.Second {
			t.Errorf("wait %d: %v, want between 0 and 5 s", i, d)
		}
	}
	if last := waits[len(waits)-1]; last != 5*time.Second {
		t.Errorf("after a long attack attempts wait %v, want the most, 5 s", last)
	}
	// The admin from a phone on IPv6: still in, after the delay.
	if w := th.loginFrom("[2001:db8:ca11:1::20]:443", adminEmail, adminPassword); !loggedIn(w) {
		t.Fatalf("the real admin at the end of the attack: %d", w.Code)
	}
	if w := clock.takeWaits(); len(w) != 1 || w[0] != 5*time.Second {
		t.Errorf("the admin's login waited %v, want 5 s", w)
	}
	// Another account is not slowed.
	if w := th.loginFrom("192.0.2.45:61000", editorEmail, adminPassword); !loggedIn(w) {
		t.Errorf("the editor: %d", w.Code)
	}
	if w := clock.takeWaits(); len(w) != 0 {
		t.Errorf("the editor's login waited %v", w)
	}
	// An hour after the attack the account's failures have drained away.
	clock.advance(time.Hour)
	if w := th.loginFrom("192.0.2.44:61000", adminEmail, adminPassword); !loggedIn(w) {
		t.Fatalf("after the attack: %d", w.Code)
	}
	if w := clock.takeWaits(); len(w) != 0 {
		t.Errorf("an hour later the login waited %v", w)
	}
}

// Behind a trusted reverse proxy the clients are the addresses it names in
// X-Forwarded-For, counted by /64 in the same way; a client that is not
// the proxy cannot use the header to escape its limit.
func TestLoginLimitBehindAProxy(t *testing.T) {
	proxies, _ := web.ParseProxies("127.0.0.1")
	th, _ := throttledHub(t, func(c *web.Config) { c.TrustedProxies = proxies })
	post := func(xff string) int {
		req, _ := http.NewRequest("POST", th.srv.URL+"/admin/login", strings.NewReader(url.Values{"email": {editorEmail}, "password": {"guess guess guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		return th.do(th.client(), req).StatusCode
	}
	codes := map[int]int{}
	for i := range 15 {
		codes[post(fmt.Sprintf("2001:db8:77:1::%x", i+1))]++
	}
	if codes[http.StatusTooManyRequests] != 5 || codes[http.StatusUnauthorized] != 10 {
		t.Errorf("15 guesses through the proxy from one /64: %v, want 10 checked and 5 refused", codes)
	}
	if code := post("2001:db8:77:2::1"); code != http.StatusUnauthorized {
		t.Errorf("another /64 through the proxy: %d, want 401", code)
	}
	// Not from the proxy: the header is ignored and the peer is counted.
	w := httptest.NewRecorder()
	for i := range 12 {
		req := httptest.NewRequest("POST", "/admin/login", strings.NewReader(url.Values{"email": {editorEmail}, "password": {"guess"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		req.RemoteAddr = "203.0.113.50:1234"
		w = httptest.NewRecorder()
		th.srv.Config.Handler.ServeHTTP(w, req)
	}
	if w.Code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the limit: %d", w.Code)
	}
}
