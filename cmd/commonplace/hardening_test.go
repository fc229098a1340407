package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startMain runs a hub in this process with cfg's changes.
func startMain(t *testing.T, change func(*ServeConfig)) *Main {
	t.Helper()
	m := NewMain()
	m.Config.DataDir, m.Config.Addr, m.Config.Demo = t.TempDir(), "127.0.0.1:0", true
	m.Logger, m.Stdout = slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard
	if change != nil {
		change(&m.Config)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// A client that trickles its request headers is cut off after the header
// timeout, so slow clients cannot hold connections open.
func TestSlowClientIsCutOff(t *testing.T) {
	m := startMain(t, func(c *ServeConfig) { c.ReadHeaderTimeout = 500 * time.Millisecond })
	conn, err := net.Dial("tcp", m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := conn.Read(buf); err != nil {
				closed <- time.Since(start)
				return
			}
		}
	}()
	header := "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + strings.Repeat("a", 100)
	for i := 0; i < len(header); i++ {
		select {
		case d := <-closed:
			if d > 3*time.Second {
				t.Errorf("cut off after %v", d)
			}
			return
		default:
		}
		conn.Write([]byte{header[i]})
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case d := <-closed:
		if d > 3*time.Second {
			t.Errorf("cut off after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a client trickling headers still holds its connection")
	}
}

// Every kind of answer carries the security headers: pages, errors, feeds,
// files, organiser pages, the API and the fediverse's JSON, and refusals
// (unsigned inbox POSTs, API calls without a token, a wrong method).
func TestSecurityHeadersEverywhere(t *testing.T) {
	m := startMain(t, nil)
	base := "http://" + m.Addr()
	for _, tt := range []struct{ path, accept string }{
		{"POST /actor/inbox", "application/activity+json"}, {"POST /api/v1/events", "application/json"},
		{"POST /admin/login", ""}, {"DELETE /events", ""},
		{"/", ""}, {"/events", ""}, {"/no/such/page", ""}, {"/calendar.ics", ""}, {"/feed.atom", ""},
		{"/static/style.css", ""}, {"/healthz", ""}, {"/admin/login", ""}, {"/api/v1/me", ""}, {"/search?q=x", ""},
		{"/commons", ""}, {"/actor", "application/activity+json"}, {"/.well-known/nodeinfo", ""},
		{"/.well-known/webfinger?resource=acct:nobody@localhost", ""},
	} {
		method, path, ok := strings.Cut(tt.path, " ")
		if !ok {
			method, path = http.MethodGet, tt.path
		}
		req, _ := http.NewRequest(method, base+path, strings.NewReader("{}"))
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
			!(strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "default-src 'none'")) {
			t.Errorf("%s (%d): CSP %q", tt.path, resp.StatusCode, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s (%d): nosniff %q, Referrer-Policy %q", tt.path, resp.StatusCode,
				resp.Header.Get("X-Content-Type-Options"), resp.Header.Get("Referrer-Policy"))
		}
	}
}
