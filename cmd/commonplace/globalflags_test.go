package main

import "testing"

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
