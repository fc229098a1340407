package web

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestClientKey(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"198.51.100.7", "198.51.100.7"},
		{"::ffff:198.51.100.7", "198.51.100.7"}, // IPv4 through an IPv6 socket: still one address
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		if got := clientKey(tt.ip); got != tt.want {
			t.Errorf("clientKey(%q) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

func TestAccountKey(t *testing.T) {
	if accountKey(" Admin@Example.org ") != accountKey("admin@example.org") {
		t.Error("the account key differs from the login's normalised email")
	}
	if accountKey("a@example.org") == accountKey("b@example.org") {
		t.Error("two accounts share a key")
	}
	long := accountKey(strings.Repeat("x", 1<<20))
	if len(long) > 64 || strings.Contains(accountKey("admin@example.org"), "admin") {
		t.Errorf("account keys hold the email or grow with it: %d bytes", len(long))
	}
}

func TestMemoryLoginCounters(t *testing.T) {
	ctx := context.Background()
	c := NewMemoryLoginCounters()
	t0 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _, _ := c.Take(ctx, "k", t0, time.Minute, 3); !ok {
			t.Fatalf("take %d refused within the limit", i+1)
		}
	}
	ok, wait, _ := c.Take(ctx, "k", t0, time.Minute, 3)
	if ok || wait != time.Minute {
		t.Fatalf("over the limit: ok %v, wait %v; want refused, a minute", ok, wait)
	}
	if l, _ := c.Level(ctx, "k", t0, time.Minute); l != 3 {
		t.Errorf("a refused take changed the level to %v", l)
	}
	if ok, _, _ := c.Take(ctx, "k", t0.Add(time.Minute), time.Minute, 3); !ok {
		t.Error("after one drain period one more is allowed")
	}
	if l, _ := c.Level(ctx, "k", t0.Add(90*time.Second), time.Minute); l != 2.5 {
		t.Errorf("level after 30 s more: %v, want 2.5", l)
	}
	if l, _ := c.Level(ctx, "other", t0, time.Minute); l != 0 {
		t.Errorf("an unknown key's level: %v", l)
	}
	// Drained keys are forgotten, and the map stays bounded.
	m := c.(*memoryLoginCounters)
	m.max = 100
	for i := range 250 {
		c.Take(ctx, "flood "+string(rune('a'+i%26))+string(rune('a'+i/26)), t0, time.Minute, 5)
	}
	if len(m.buckets) > m.max {
		t.Errorf("%d buckets kept, max %d", len(m.buckets), m.max)
	}
	c.Take(ctx, "late", t0.Add(time.Hour), time.Minute, 5)
	if len(m.buckets) != 1 {
		t.Errorf("an hour later %d buckets are kept, want only the new one", len(m.buckets))
	}
}

func TestAccountDelay(t *testing.T) {
	for _, tt := range []struct {
		failures float64
		want     time.Duration
	}{{0, 0}, {5, 0}, {5.5, time.Second}, {6, time.Second}, {7.99, 3 * time.Second}, {10, 5 * time.Second}, {500, 5 * time.Second}} {
		if got := accountDelay(tt.failures); got != tt.want {
			t.Errorf("accountDelay(%v) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}
