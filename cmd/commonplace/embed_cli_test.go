package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// TestSettingsEmbedOrigins: the host sets the partner websites from the
// command line; a list that is not origins is refused and changes nothing.
func TestSettingsEmbedOrigins(t *testing.T) {
	h := newHubDir(t)
	var st apijson.Settings
	h.okJSON(&st, "settings", "set", "--name", "Hulme Hub")
	if !slices.Equal(st.EmbedOrigins, []string{"*"}) {
		t.Errorf("default embed origins %v, want [*]", st.EmbedOrigins)
	}
	h.okJSON(&st, "settings", "set", "--embed-origins", "https://Partner.example/ http://localhost:8000")
	if !slices.Equal(st.EmbedOrigins, []string{"https://partner.example", "http://localhost:8000"}) {
		t.Errorf("embed origins %v", st.EmbedOrigins)
	}
	for _, bad := range []string{"https://a.example; script-src *", "'self'", "https://*.example", "* https://a.example"} {
		if stderr := h.fail(1, "settings", "set", "--embed-origins", bad); !strings.Contains(stderr, "  embed_origins:") {
			t.Errorf("--embed-origins %q: %s", bad, stderr)
		}
	}
	h.okJSON(&st, "settings", "show")
	if !slices.Equal(st.EmbedOrigins, []string{"https://partner.example", "http://localhost:8000"}) {
		t.Errorf("embed origins after refusals %v", st.EmbedOrigins)
	}
}
