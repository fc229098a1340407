package remotehtml

import (
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/internal/htmlcheck"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in   string
		keep, drop []string
	}{
		{"mastodon mention and hashtag",
			`<p><span class="h-card"><a href="https://m.example/@a" class="u-url mention">@<span>a</span></a></span> <a href="https://m.example/tags/x" class="mention hashtag" rel="tag">#<span>x</span></a></p>`,
			[]string{`class="h-card"`, `class="u-url mention"`, `class="mention hashtag"`, `rel="nofollow noreferrer"`}, nil},
		{"shortened link spans", `<a href="https://e.example/long"><span class="invisible">https://</span><span class="ellipsis">e.example/lo</span></a>`,
			[]string{`class="invisible"`, `class="ellipsis"`}, nil},
		{"script and style", `<p>hi</p><script>alert(1)</script><style>p{}</style>`, []string{"<p>hi</p>"}, []string{"script", "alert", "style", "p{}"}},
		{"iframe, object, form", `<iframe src="https://e.example"></iframe><object data="x"></object><form><input></form>ok`, []string{"ok"}, []string{"iframe", "object", "form", "input"}},
		{"event handlers", `<b onclick="x()" onmouseover="y()">b</b><p style="color:red">s</p>`, []string{"<b>b</b>", "<p>s</p>"}, []string{"onclick", "onmouseover", "style"}},
		{"javascript and data URLs", `<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><a href="  JaVaScRiPt:alert(1)">k</a>`, []string{"j", "d", "k"}, []string{"javascript", "JaVaScRiPt", "data:"}},
		{"images from other servers", `<img src="https://tracker.example/p.gif" alt="x">`, nil, []string{"img", "tracker"}},
		{"class not from Mastodon", `<span class="evil-overlay">x</span>`, []string{"x"}, []string{"evil-overlay"}},
		{"h1 becomes h2", `<h1>Title</h1>`, []string{"<h2>Title</h2>"}, []string{"<h1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("lost %q: %s", k, got)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(got, d) {
					t.Errorf("kept %q: %s", d, got)
				}
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>One</p><p>Two &amp; three</p>": "One Two & three",
		"<p>a<script>var x</script>b</p>":  "a b",
		"plain   text\n here":              "plain text here",
		"&lt;script&gt;":                   "<script>",
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSanitize: whatever comes in, what comes out parses to allowed
// elements with allowed attributes only, and links only to http(s) and
// mailto.
func FuzzSanitize(f *testing.F) {
	htmlcheck.Fuzz(f, Sanitize, htmlcheck.Policy{
		Elements:   strings.Fields("p br span strong b em i u s del ins sub sup ul ol li blockquote code pre h2 h3 h4 h5 h6 hr dl dt dd a"),
		Attributes: []string{"class", "rel", "lang", "href"},
		Schemes:    []string{"http", "https", "mailto"},
	}, `<span class="h-card"><a class="u-url mention" href="https://x/@y">@y</a></span>`, `<p lang="en" onclick="x">t</p>`)
}
