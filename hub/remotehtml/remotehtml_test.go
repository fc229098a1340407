package remotehtml

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
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
	for _, s := range []string{`<p>hi</p>`, `<a href="javascript:x">y</a>`, `<img src=x onerror=alert(1)>`, `<svg><script>a</script></svg>`,
		`<span class="h-card"><a class="u-url mention" href="https://x/@y">@y</a></span>`, `<<script>script>alert(1)<</script>/script>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`, `<p lang="en" onclick="x">t</p>`} {
		f.Add(s)
	}
	allowed := map[string]bool{}
	for _, e := range strings.Fields("p br span strong b em i u s del ins sub sup ul ol li blockquote code pre h2 h3 h4 h5 h6 hr dl dt dd a") {
		allowed[e] = true
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if !allowed[tok.Data] {
				t.Fatalf("Sanitize(%q) = %q has <%s>", in, out, tok.Data)
			}
			for _, a := range tok.Attr {
				switch a.Key {
				case "class", "rel", "lang":
				case "href":
					// As a browser reads it: the scheme before the first
					// colon, ignoring tabs and newlines (WHATWG URL).
					u := strings.ToLower(strings.Map(func(r rune) rune {
						if r == '\t' || r == '\n' || r == '\r' {
							return -1
						}
						return r
					}, strings.TrimSpace(a.Val)))
					scheme, _, hasScheme := strings.Cut(u, ":")
					if hasScheme && !strings.ContainsAny(scheme, "/?#") && scheme != "http" && scheme != "https" && scheme != "mailto" {
						t.Fatalf("Sanitize(%q) = %q links to %q", in, out, a.Val)
					}
				default:
					t.Fatalf("Sanitize(%q) = %q has the attribute %s", in, out, a.Key)
				}
			}
		}
	})
}
