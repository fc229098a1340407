package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Global flags may come before the command, as people type them:
// `commonplace --data DIR event list` works as `commonplace event list
// --data DIR` (it used to answer: unknown command "--data").
func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	h := newHubDir(t)
	h.ok("organiser", "add", "--admin", "--email", "admin@example.org", "--name", "Admin", "--password", "a long enough password")
	h.ok("place", "add", "--name", "Moss Side Library")
	after := h.ok("place", "list", "--json")
	for _, args := range [][]string{
		{"--data", h.data, "place", "list", "--json"},
		{"--data=" + h.data, "--json", "place", "list"},
		{"--log-level", "error", "--data", h.data, "place", "list", "--json"},
	} {
		r := runCLI(t, t.TempDir(), nil, "", args...)
		if r.code != 0 || r.stdout != after {
			t.Errorf("commonplace %v: exit %d, output %q, want %q\n%s", args, r.code, r.stdout, after, r.stderr)
		}
	}
	if r := runCLI(t, t.TempDir(), nil, "", "--no-such-flag", "place", "list"); r.code != exitUsage {
		t.Errorf("an unknown leading flag: exit %d, want %d", r.code, exitUsage)
	}
}

// Every command that reaches the network takes --allow-private-addresses,
// as serve does, and its --help names the environment variable too (only
// serve took it before: "flag provided but not defined").
func TestAllowPrivateAddressesOnNetworkCommands(t *testing.T) {
	h := newHubDir(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, icsFeed(icsEvent("quiz", "Quiz night", 7)))
	}))
	defer srv.Close()
	if out := h.fail(1, "calendar", "import", srv.URL+"/events.ics"); !strings.Contains(out, "private network") {
		t.Errorf("a loopback feed without the flag: %s", out)
	}
	if out := h.ok("calendar", "import", srv.URL+"/events.ics", "--allow-private-addresses"); !strings.Contains(out, "1 imported") {
		t.Errorf("calendar import --allow-private-addresses: %s", out)
	}
	if out := h.ok("calendar", "add", srv.URL+"/events.ics", "--allow-private-addresses"); !strings.Contains(out, "Subscribed") {
		t.Errorf("calendar add --allow-private-addresses: %s", out)
	}
	h.ok("calendar", "refresh", "1", "--allow-private-addresses")
	// peer follow reaches the address given; a loopback one is refused
	// without the flag and looked up with it (this server is no hub, so
	// the lookup fails, but not on the address). The hub must have served
	// once, to know its own address.
	startServer(t, nil, "--data", h.data, "--addr", "127.0.0.1:0").stop(10 * time.Second)
	without := h.fail(1, "peer", "follow", srv.URL+"/actor")
	with := h.fail(1, "peer", "follow", srv.URL+"/actor", "--allow-private-addresses")
	if !strings.Contains(without, "private") || strings.Contains(with, "private") {
		t.Errorf("peer follow: without the flag %q, with it %q", without, with)
	}
	for _, cmd := range [][]string{{"calendar", "add"}, {"calendar", "import"}, {"calendar", "refresh"}, {"peer", "follow"}, {"serve"}} {
		r := runCLI(t, t.TempDir(), nil, "", append(cmd, "--help")...)
		if !strings.Contains(r.stdout+r.stderr, "-allow-private-addresses") || !strings.Contains(r.stdout+r.stderr, envAllowPrivate) {
			t.Errorf("commonplace %v --help does not tell of --allow-private-addresses and %s", cmd, envAllowPrivate)
		}
	}
}
