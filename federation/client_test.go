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

	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// The addresses the hub's client may reach: netaddr.IsGloballyReachable,
// which has its own table test of every registry row; these are the ones
// that matter most to a server that fetches what strangers name.
func TestIsPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false,
		"fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"224.0.0.1": false, "255.255.255.255": false, "198.18.0.1": false,
		// Loopback and cloud metadata inside translation and tunnel forms.
		"64:ff9b::7f00:1": false, "64:ff9b::a9fe:a9fe": false, "::7f00:1": false, "::a9fe:a9fe": false,
		"2002:7f00:1::1": false, "2002:a9fe:a9fe::1": false, "2001:0:4136:e378:8000:63bf:80ff:fffe": false,
		"64:ff9b::5db8:d822": true, "2002:5db8:d822::1": true, // the public address above, translated
		"64:ff9b:1::a00:1": false, "100::1": false, "fec0::1": false, "192.0.0.170": false,
		"192.0.0.9": true, "2001:4:112::1": true,
	} {
		if got := netaddr.IsGloballyReachable(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: %v, want %v", addr, got, want)
		}
	}
}

// A remote document can name an address literal that reaches the hub's
// own machine or network through IPv6 translation and tunnel forms: NAT64
// (64:ff9b::127.0.0.1), IPv4-compatible (::127.0.0.1), 6to4, deprecated
// site-local, the discard block. The client refuses each before any
// connection is attempted: no socket is opened, so nothing is sent.
func TestClientRefusesTranslatedAddresses(t *testing.T) {
	client := NewHTTPClient(false, 5*time.Second)
	for _, target := range []string{
		"http://[64:ff9b::7f00:1]/",
		"http://[::7f00:1]/",
		"http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
		"http://[::ffff:7f00:1]:8080/",
		"http://[2002:7f00:1::1]/",
		"http://[2002:a00:1::1]/",
		"http://[64:ff9b:1::a00:1]/",
		"http://[100::1]/",
		"http://[fec0::1]/",
		"http://[2001:db8::1]/",
		"http://[ff02::1]/",
		"http://192.0.0.170/",
		"https://[64:ff9b::7f00:1]:443/users/a",
	} {
		resp, err := client.Get(target)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("GET %s: %v, want ErrPrivateAddress", target, err)
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
		return ap == publicAddr || netaddr.IsGloballyReachable(ap.Addr())
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
		"http://[64:ff9b::7f00:1]:" + innerPort + "/",
		"http://[::7f00:1]:" + innerPort + "/",
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

// A redirect to a URL whose host HostOf cannot read (so blocks could not
// see it) is not followed: here a Unicode name IDNA refuses, which Go's
// client would otherwise hand to the resolver as it is.
func TestClientRefusesRedirectToUnreadableHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://b%C3%BC_x.example/users/a", http.StatusFound)
	}))
	defer srv.Close()
	client := NewHTTPClient(true, 5*time.Second)
	resp, err := client.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "without a valid host") {
		t.Errorf("redirect to bü_x.example: %v, want a refusal", err)
	}
}
