package hub_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestParseEmbedOrigins: the partner origins become sources of a
// Content-Security-Policy directive, so anything but an http(s) origin is
// refused with a message naming it, and nothing can smuggle in another
// directive or source expression.
func TestParseEmbedOrigins(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		bad      string // part of the field message
	}{
		{"any", "*", []string{"*"}, ""},
		{"any with spaces", "  *\n", []string{"*"}, ""},
		{"none", "", nil, ""},
		{"one", "https://partner.example", []string{"https://partner.example"}, ""},
		{"normalised", "HTTPS://Partner.Example:443/ http://a.example:80, http://a.example", []string{"https://partner.example", "http://a.example"}, ""},
		{"port and lines", "https://a.example:8443\nhttp://127.0.0.1:8080\r\nhttp://[::1]:9000", []string{"https://a.example:8443", "http://127.0.0.1:8080", "http://[::1]:9000"}, ""},
		{"star with others", "* https://a.example", nil, "alone"},
		{"directive injection", "https://a.example;script-src *", nil, "not a website"},
		{"quoted keyword", "'self'", nil, "not a website"},
		{"unsafe keyword", "'unsafe-inline'", nil, "not a website"},
		{"wildcard host", "https://*.example.org", nil, "not a website"},
		{"path", "https://a.example/embed", nil, "not a website"},
		{"query", "https://a.example?x=1", nil, "not a website"},
		{"fragment", "https://a.example#x", nil, "not a website"},
		{"userinfo", "https://user@a.example", nil, "not a website"},
		{"javascript", "javascript:alert(1)", nil, "not a website"},
		{"data", "data:", nil, "not a website"},
		{"no scheme", "a.example", nil, "not a website"},
		{"scheme only", "https:", nil, "not a website"},
		{"ftp", "ftp://a.example", nil, "not a website"},
		{"bad port", "https://a.example:99999", nil, "not a website"},
		{"empty port", "https://a.example:", nil, "not a website"},
		{"underscore host", "https://a_b.example", nil, "not a website"},
		{"html", "https://a.example<script>", nil, "not a website"},
		{"unicode host", "https://ëxample.org", nil, "not a website"},
		{"too many", strings.Repeat("https://a.example ", 1) + func() string {
			var b strings.Builder
			for i := 0; i < hub.MaxEmbedOrigins+1; i++ {
				b.WriteString("https://p" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".example ")
			}
			return b.String()
		}(), nil, "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hub.ParseEmbedOrigins(tc.in)
			if tc.bad != "" {
				if hub.ErrorCode(err) != hub.EINVALID || !strings.Contains(hub.ErrorFields(err)["embed_origins"], tc.bad) {
					t.Fatalf("ParseEmbedOrigins(%q) = %v, %v; want a message with %q", tc.in, got, err, tc.bad)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParseEmbedOrigins(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
			}
			st := hub.DefaultSettings()
			st.EmbedOrigins = got
			if err := st.Validate(); err != nil {
				t.Errorf("settings with %v: %v", got, err)
			}
		})
	}
	// Settings refuse a hostile list put there by another front end.
	st := hub.DefaultSettings()
	st.EmbedOrigins = []string{"https://a.example 'unsafe-inline'"}
	if err := st.Validate(); hub.ErrorFields(err)["embed_origins"] == "" {
		t.Errorf("settings took %q: %v", st.EmbedOrigins, err)
	}
	if got := hub.FrameAncestors([]string{"*"}); got != "*" {
		t.Errorf("FrameAncestors(*) = %q", got)
	}
	if got := hub.FrameAncestors(nil); got != "'self'" {
		t.Errorf("FrameAncestors(nil) = %q", got)
	}
	if got := hub.FrameAncestors([]string{"https://a.example", "http://b.example:81"}); got != "'self' https://a.example http://b.example:81" {
		t.Errorf("FrameAncestors = %q", got)
	}
}
