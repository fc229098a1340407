package federation

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// policyOnly is a commons store that answers only the policy questions.
type policyOnly struct {
	hub.FederationCommonsStore
	pol      hub.Policy
	followed []*hub.Followed
}

func (p *policyOnly) Policy(context.Context) (*hub.Policy, error) { return &p.pol, nil }
func (p *policyOnly) FollowedList(context.Context) ([]*hub.Followed, error) {
	return p.followed, nil
}

func policyFederation(pol hub.Policy, followed ...*hub.Followed) *Federation {
	return &Federation{commons: &policyOnly{pol: pol, followed: followed}, policies: NewMemoryPolicyCache(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// savedBlock is what Block would store for value.
func savedBlock(t *testing.T, kind, value string) hub.Block {
	t.Helper()
	b, err := normaliseBlock(hub.Block{Kind: kind, Value: value})
	if err != nil {
		t.Fatalf("normaliseBlock(%q): %v", value, err)
	}
	return b
}

// An attacker whose server is blocked respells its host: in upper case,
// with the DNS root's trailing dot, with https's own port, in full-width
// or Unicode letters, as an IPv4-mapped IPv6 address or a bare number, or
// moves to a subdomain. Every spelling is refused; a neighbour whose name
// merely ends the same way is not.
func TestRefusedHostSeesThroughSpellings(t *testing.T) {
	f := policyFederation(hub.Policy{Blocks: []hub.Block{
		savedBlock(t, hub.BlockDomain, "Evil.Example."),
		savedBlock(t, hub.BlockDomain, "https://bücher.example:443/about"),
		savedBlock(t, hub.BlockDomain, "127.0.0.1"),
		savedBlock(t, hub.BlockDomain, "@someone@ports.example:8443"),
		savedBlock(t, hub.BlockActor, "https://elsewhere.example/users/troll"),
	}})
	ctx := context.Background()
	for _, c := range []struct {
		iri     string
		refused bool
	}{
		{"https://evil.example/users/a", true},
		{"https://EVIL.example./users/a", true},
		{"https://evil.example:443/users/a", true},
		{"https://evil.example:8443/users/a", true}, // a block without a port covers every port
		{"https://ＥＶＩＬ.example/users/a", true},
		{"https://sub.evil.example/users/a", true},
		{"https://a.b.SUB.evil.example./inbox", true},
		{"https://user@evil.example/users/a", true},
		{"https://xn--bcher-kva.example/users/a", true},
		{"https://BÜCHER.example/users/a", true},
		{"https://www.bücher.example/users/a", true},
		{"http://127.0.0.1:8080/users/a", true},
		{"http://[::ffff:127.0.0.1]:8080/users/a", true},
		{"http://[::ffff:7f00:1]/users/a", true},
		{"http://2130706433/users/a", true},
		{"http://0x7f.0.0.1/users/a", true},
		{"http://127.1/users/a", true},
		{"https://ports.example:8443/inbox", true},
		{"https://PORTS.example.:08443/inbox", true},
		{"https://ports.example/inbox", false}, // that block names port 8443 only
		{"https://notevil.example/users/a", false},
		{"https://evil.example.net/users/a", false},
		{"https://evilexample/users/a", false},
		{"http://127.0.0.2/users/a", false},
		{"http://[::1]/users/a", false},
	} {
		if got := f.refusedHost(ctx, HostOf(c.iri)); got != c.refused {
			t.Errorf("refusedHost(HostOf(%q) = %q) = %v, want %v", c.iri, HostOf(c.iri), got, c.refused)
		}
	}
	for _, c := range []struct {
		actor   string
		refused bool
	}{
		{"https://elsewhere.example/users/troll", true},
		{"https://ELSEWHERE.example.:443/users/troll", true},
		{"https://elsewhere.example/users/troll2", false},
		{"https://elsewhere.example/users/Troll", false}, // paths are case-sensitive
		{"https://sub.evil.example/users/anyone", true},
	} {
		if got := f.refusedActor(ctx, c.actor); got != c.refused {
			t.Errorf("refusedActor(%q) = %v, want %v", c.actor, got, c.refused)
		}
	}
}

// In allowlist mode only the allowed servers, however spelled, get in:
// exactly them, not their subdomains (as Mastodon's limited federation
// mode), and the servers of followed peers.
func TestAllowlistSeesThroughSpellings(t *testing.T) {
	f := policyFederation(hub.Policy{Allowlist: true, Allowed: []string{
		savedBlock(t, hub.BlockDomain, "Friends.Example.").Value,
		savedBlock(t, hub.BlockDomain, "https://bücher.example:443/").Value,
	}}, &hub.Followed{ActorID: "https://PEER.example:443/actor", Host: "PEER.example:443"})
	ctx := context.Background()
	for _, c := range []struct {
		iri     string
		refused bool
	}{
		{"https://friends.example/users/a", false},
		{"https://FRIENDS.example.:443/users/a", false},
		{"https://ｆｒｉｅｎｄｓ.example/users/a", false},
		{"https://xn--bcher-kva.example/users/a", false},
		{"https://peer.example/inbox", false},
		{"https://sub.friends.example/users/a", true}, // exact domains only
		{"https://notfriends.example/users/a", true},
		{"https://friends.example.evil.example/users/a", true},
		{"http://[::ffff:127.0.0.1]/users/a", true},
	} {
		if got := f.refusedHost(ctx, HostOf(c.iri)); got != c.refused {
			t.Errorf("allowlist: refusedHost(HostOf(%q) = %q) = %v, want %v", c.iri, HostOf(c.iri), got, c.refused)
		}
	}
}

// A block is saved in the one spelling of its host, whatever was typed.
func TestBlocksAreSavedNormalised(t *testing.T) {
	for in, want := range map[string]string{
		"Evil.Example.":                   "evil.example",
		"@troll@EVIL.example":             "evil.example",
		"https://Evil.Example.:443/about": "evil.example",
		"http://evil.example:8080/":       "evil.example:8080",
		"evil.example:443":                "evil.example", // a default port, without a scheme to say which
		"bücher.example":                  "xn--bcher-kva.example",
		"[::ffff:127.0.0.1]":              "127.0.0.1",
		"::1":                             "[::1]",
		"localhost":                       "localhost",
		"  evil.example/  ":               "evil.example",
		"https://user@evil.example/x?y#z": "evil.example",
	} {
		if got := savedBlock(t, hub.BlockDomain, in).Value; got != want {
			t.Errorf("block %q saved as %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "evil", "evil..example", "evil.example/path", "ftp://evil.example/", "https://evil.example:99999/", "evil example"} {
		if b, err := normaliseBlock(hub.Block{Kind: hub.BlockDomain, Value: bad}); err == nil {
			t.Errorf("block %q accepted as %q", bad, b.Value)
		}
	}
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://Evil.Example.:443/x":         "evil.example",
		"http://127.0.0.1:41234/users/alice":  "127.0.0.1:41234", // loopback test servers: ports tell origins apart
		"http://[::ffff:127.0.0.1]:41234/":    "127.0.0.1:41234",
		"https://social.example/users/a#main": "social.example",
		"https://a@social.example/":           "social.example",
		"https://social.example:8443/inbox":   "social.example:8443",
		"acct:someone@social.example":         "",
		"https://evil..example/":              "",
		"https://evil.example\\@good.example": "",
		"":                                    "",
	} {
		if got := HostOf(in); got != want {
			t.Errorf("HostOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// A policy read before a change is not kept after it: Put with the token
// of a Get made before Forget keeps nothing.
func TestMemoryPolicyCacheForgetBeatsAnEarlierRead(t *testing.T) {
	c := NewMemoryPolicyCache()
	now := time.Now()
	old := hub.Policy{Allowlist: false}
	_, token, ok := c.Get(now)
	if ok {
		t.Fatal("an empty cache has a policy")
	}
	c.Forget() // a block is added while old is being read
	c.Put(old, token, now.Add(time.Minute))
	if p, _, ok := c.Get(now); ok {
		t.Fatalf("a policy read before the change was kept: %+v", p)
	}
	fresh := hub.Policy{Allowlist: true}
	_, token, _ = c.Get(now)
	c.Put(fresh, token, now.Add(time.Minute))
	if p, _, ok := c.Get(now); !ok || !p.Allowlist {
		t.Fatalf("Get = %+v, %v; want the policy read after the change", p, ok)
	}
	if _, _, ok := c.Get(now.Add(time.Minute)); ok {
		t.Error("a policy is kept past its expiry")
	}
}
