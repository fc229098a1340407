package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTrustProxies(t *testing.T) {
	trusted, err := ParseProxies("127.0.0.1, 10.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	var seen string
	h := trustProxies(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr }))
	tests := []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"from the proxy: the client it names", "127.0.0.1:5000", []string{"203.0.113.7"}, "203.0.113.7:0"},
		{"a chain of trusted proxies", "127.0.0.1:5000", []string{"203.0.113.7, 10.1.2.3"}, "203.0.113.7:0"},
		{"a forged hop before the real client is ignored", "127.0.0.1:5000", []string{"6.6.6.6, 203.0.113.7"}, "203.0.113.7:0"},
		{"several headers", "[::1]:5000", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9:0"},
		{"not from a proxy: the header is ignored", "198.51.100.20:4000", []string{"6.6.6.6"}, "198.51.100.20:4000"},
		{"from the proxy without the header", "127.0.0.1:5000", nil, "127.0.0.1:5000"},
		{"a garbled header", "127.0.0.1:5000", []string{"not-an-address"}, "127.0.0.1:5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if seen != tt.want {
				t.Errorf("client %q, want %q", seen, tt.want)
			}
		})
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad range was accepted")
	}
}
