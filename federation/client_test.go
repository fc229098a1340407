package federation

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestIsPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false,
		"fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"224.0.0.1": false, "255.255.255.255": false, "198.18.0.1": false,
	} {
		if got := isPublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: %v, want %v", addr, got, want)
		}
	}
}

// The default client refuses loopback, also when a redirect leads there;
// the development flag allows it.
func TestClientRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	defer srv.Close()
	_, err := NewHTTPClient(false, 5*time.Second).Get(srv.URL)
	if !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("loopback fetch: %v, want ErrPrivateAddress", err)
	}
	resp, err := NewHTTPClient(true, 5*time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("with the development flag: %v", err)
	}
	resp.Body.Close()
	_, err = NewHTTPClient(false, 5*time.Second).Get("http://localhost:" + srv.URL[len("http://127.0.0.1:"):])
	if !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("localhost by name: %v, want ErrPrivateAddress", err)
	}
}

// A redirect from a server the hub may reach to a private address is
// refused before any connection is made, for fetches (GET) and deliveries
// (POST, which 307 and 308 redirect with the body). Tests run on loopback,
// so the "public" server is a loopback one the address check is told to
// allow: exactly its address and port, nothing else, through the same
// check the hub's client uses.
func TestClientRefusesRedirectToPrivateAddresses(t *testing.T) {
	var innerHits atomic.Int64
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		innerHits.Add(1)
		w.Write([]byte(`{"secret":"instance metadata"}`))
	}))
	defer inner.Close()
	innerPort := inner.URL[strings.LastIndex(inner.URL, ":")+1:]
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); to != "" {
			code, _ := strconv.Atoi(r.URL.Query().Get("code"))
			http.Redirect(w, r, to, code)
			return
		}
		w.Write([]byte(`{"type":"Note"}`))
	}))
	defer public.Close()
	publicAddr := netip.MustParseAddrPort(public.Listener.Addr().String())
	client := newHTTPClient(func(ap netip.AddrPort) bool {
		return ap == publicAddr || isPublicAddr(ap.Addr())
	}, 5*time.Second)

	get := func(target string, code int) (*http.Response, error) {
		return client.Get(public.URL + "/?code=" + strconv.Itoa(code) + "&to=" + url.QueryEscape(target))
	}
	// The seam lets the allowed server through, redirects included, so the
	// refusals below are the address check's doing.
	resp, err := get(public.URL+"/object", http.StatusFound)
	if err != nil {
		t.Fatalf("redirect within the allowed server: %v", err)
	}
	resp.Body.Close()

	for _, target := range []string{
		"http://127.0.0.1:" + innerPort + "/",
		"http://localhost:" + innerPort + "/",
		"http://[::1]:" + innerPort + "/",
		"http://[::ffff:127.0.0.1]:" + innerPort + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/",
		"http://192.168.1.1:8080/admin",
		"http://0.0.0.0:" + innerPort + "/",
	} {
		for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
			resp, err := get(target, code)
			if err == nil {
				resp.Body.Close()
			}
			if !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("GET redirected (%d) to %s: %v, want ErrPrivateAddress", code, target, err)
			}
		}
		resp, err := client.Post(public.URL+"/inbox?code=308&to="+url.QueryEscape(target), contentTypeAS, strings.NewReader(`{"type":"Create"}`))
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("POST redirected (308) to %s: %v, want ErrPrivateAddress", target, err)
		}
	}
	if n := innerHits.Load(); n != 0 {
		t.Errorf("the private server got %d requests", n)
	}
}
