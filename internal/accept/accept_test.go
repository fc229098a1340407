package accept

import "testing"

func TestActivity(t *testing.T) {
	for _, tt := range []struct {
		accept string
		want   bool
	}{
		{"application/activity+json", true},
		{"Application/Activity+JSON", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{`APPLICATION/LD+JSON; PROFILE="https://www.w3.org/ns/activitystreams"`, true},
		{"application/ld+json", true},
		{`application/ld+json; profile="https://example.org/other"`, false},
		{"application/activity+json, application/ld+json", true},                   // Mastodon
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false}, // a browser
		{"text/html, application/activity+json", true},                             // equal preference: the fediverse server asked by name
		{"text/html, application/activity+json;q=0.5", false},
		{"application/activity+json;q=0", false},
		{"application/activity+json;q=2", false},
		{"application/activity+json;q=abc", false},
		{"", false},
		{"*/*", false},
		{"garbage;;;", false},
	} {
		if got := Activity([]string{tt.accept}); got != tt.want {
			t.Errorf("Activity(%q) = %v, want %v", tt.accept, got, tt.want)
		}
	}
}
