package federation

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
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
