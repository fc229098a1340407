package federation

import (
	"fmt"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// The kept confirmations give back only what was put for that very id,
// from that id's own server, within relayConfirmedKeep; a forget drops
// one and voids fetches begun before it; they stay bounded.
func TestRelayConfirmationsRules(t *testing.T) {
	now := time.Now()
	id := "https://origin.example/guides/soup"
	good := func() *hub.NetworkResult {
		return &hub.NetworkResult{Kind: hub.KindGuide, Title: "Soup", URL: id, Origin: &hub.Origin{Host: "origin.example", Name: "Origin"}}
	}
	for _, tc := range []struct {
		name string
		put  func(c *relayConfirmations)
		ask  string
		at   time.Time
		want bool
	}{
		{"kept", func(c *relayConfirmations) { c.put(id, good(), c.token(), now) }, id, now, true},
		{"kept until it expires", func(c *relayConfirmations) { c.put(id, good(), c.token(), now) }, id, now.Add(relayConfirmedKeep - time.Second), true},
		{"expired", func(c *relayConfirmations) { c.put(id, good(), c.token(), now) }, id, now.Add(relayConfirmedKeep), false},
		{"another id", func(c *relayConfirmations) { c.put(id, good(), c.token(), now) }, "https://evil.example/guides/soup", now, false},
		{"the same path in another spelling", func(c *relayConfirmations) { c.put(id, good(), c.token(), now) }, id + "?", now, false},
		{"a result of another id is not kept", func(c *relayConfirmations) {
			r := good()
			r.URL = "https://origin.example/guides/other"
			c.put(id, r, c.token(), now)
		}, id, now, false},
		{"a result credited to another server is not kept", func(c *relayConfirmations) {
			r := good()
			r.Origin.Host = "evil.example"
			c.put(id, r, c.token(), now)
		}, id, now, false},
		{"a result without origin is not kept", func(c *relayConfirmations) {
			r := good()
			r.Origin = nil
			c.put(id, r, c.token(), now)
		}, id, now, false},
		{"forgotten", func(c *relayConfirmations) { c.put(id, good(), c.token(), now); c.forget(id) }, id, now, false},
		{"fetched before a forget", func(c *relayConfirmations) {
			token := c.token()
			c.forget(id)
			c.put(id, good(), token, now)
		}, id, now, false},
		{"a forget of another id voids a fetch too", func(c *relayConfirmations) {
			token := c.token()
			c.forget("https://origin.example/guides/other")
			c.put(id, good(), token, now)
		}, id, now, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c relayConfirmations
			tc.put(&c)
			r, ok := c.get(tc.ask, tc.at)
			if ok != tc.want || ok && (r.URL != tc.ask || r.Origin.Host != "origin.example") {
				t.Errorf("get %q: %+v, %v; want %v", tc.ask, r, ok, tc.want)
			}
		})
	}
	t.Run("a copy, not the kept one", func(t *testing.T) {
		var c relayConfirmations
		c.put(id, good(), c.token(), now)
		r, _ := c.get(id, now)
		r.Title, r.Origin.Host = "Changed", "evil.example"
		if r, ok := c.get(id, now); !ok || r.Title != "Soup" || r.Origin.Host != "origin.example" {
			t.Errorf("the kept confirmation changed through a copy: %+v", r)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		var c relayConfirmations
		for i := range 3 * maxRelayConfirmed {
			u := fmt.Sprintf("https://origin.example/guides/%d", i)
			r := good()
			r.URL = u
			c.put(u, r, c.token(), now)
			if c.size() > maxRelayConfirmed {
				t.Fatalf("%d kept", c.size())
			}
		}
	})
	t.Run("nil keeps nothing", func(t *testing.T) {
		var c *relayConfirmations
		c.put(id, good(), c.token(), now)
		c.forget(id)
		if _, ok := c.get(id, now); ok {
			t.Error("a nil cache gave a confirmation")
		}
	})
}

// RelayConfirmedKeep is how long a relayed result's confirmation is kept,
// for the tests outside the package.
const RelayConfirmedKeep = relayConfirmedKeep
