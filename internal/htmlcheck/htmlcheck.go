// Package htmlcheck checks that the output of an HTML sanitiser is inert:
// read the way a browser reads it, it has no element, attribute or link
// that could run script or reach outside the allowed schemes. It backs
// the fuzz targets of every sanitiser in the hub; a new sanitiser gets one
// with a few lines:
//
//	func FuzzMySanitiser(f *testing.F) {
//		htmlcheck.Fuzz(f, mySanitise, htmlcheck.Policy{Schemes: []string{"http", "https"}})
//	}
//
// and a line in the Makefile's FUZZ_TARGETS.
package htmlcheck

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Policy is what a sanitiser's output may contain, beyond what is never
// allowed (script-capable elements, event handler and style attributes).
type Policy struct {
	// Elements allowed; empty allows any element that is not in
	// Forbidden.
	Elements []string
	// Attributes allowed on any element; empty allows any attribute that
	// is not an event handler, style or srcdoc.
	Attributes []string
	// Schemes URLs in href, src and other URL attributes may use;
	// relative URLs are always allowed. Empty means http, https, mailto.
	Schemes []string
}

// Forbidden elements can run script, load other documents or submit
// forms; no sanitiser may let them through, whatever its policy.
var Forbidden = strings.Fields("script style iframe frame frameset object embed applet form input button textarea select " +
	"option base link meta svg math template noscript portal xmp plaintext noembed noframes")

// urlAttributes hold URLs (srcset holds a list of them).
var urlAttributes = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true, "poster": true, "background": true,
	"longdesc": true, "usemap": true, "data": true, "xlink:href": true, "srcset": true, "ping": true, "manifest": true,
}

// Check returns an error naming the first thing in out that p does not
// allow.
func Check(out string, p Policy) error {
	forbidden := set(Forbidden)
	elements, attributes := set(p.Elements), set(p.Attributes)
	schemes := set(p.Schemes)
	if len(schemes) == 0 {
		schemes = set([]string{"http", "https", "mailto"})
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return nil
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
		default:
			continue
		}
		tok := z.Token()
		if forbidden[tok.Data] || (len(elements) > 0 && !elements[tok.Data]) {
			return fmt.Errorf("has <%s>", tok.Data)
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc":
				return fmt.Errorf("has <%s %s>", tok.Data, a.Key)
			case len(attributes) > 0 && !attributes[key]:
				return fmt.Errorf("has the attribute %s on <%s>", a.Key, tok.Data)
			case urlAttributes[key]:
				vals := []string{a.Val}
				if key == "srcset" {
					vals = strings.Split(a.Val, ",")
				}
				for _, v := range vals {
					if s := Scheme(v); s != "" && !schemes[s] {
						return fmt.Errorf("has <%s %s=%q> (scheme %s)", tok.Data, a.Key, a.Val, s)
					}
				}
			}
		}
	}
}

// Scheme is a URL's scheme as a browser reads it (WHATWG URL): leading
// and trailing spaces and control characters dropped, tabs and newlines
// ignored anywhere, lower case; "" for a relative URL.
func Scheme(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?#") {
		return ""
	}
	// A scheme is a letter then letters, digits, +, - and .; anything else
	// before the colon makes the URL relative (a path like "a b:c").
	for i, r := range scheme {
		isLetter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !isLetter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return ""
		}
	}
	return strings.ToLower(scheme)
}

// Seeds are attacks every sanitiser's fuzz target starts from.
var Seeds = []string{
	`<p>hi</p>`, `<script>alert(1)</script>`, `<a href="javascript:alert(1)">x</a>`, `<img src=x onerror=alert(1)>`,
	`<svg><script>a</script></svg>`, `<svg/onload=alert(1)>`, `<<script>script>alert(1)<</script>/script>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`, `<a href="&#106;avascript:alert(1)">x</a>`, `<a href=" \x01javascript:alert(1)">x</a>`,
	`<a href="data:text/html,<script>alert(1)</script>">x</a>`, `<a href="vbscript:x">x</a>`, `<p style="background:url(javascript:x)">t</p>`,
	`<iframe srcdoc="<script>x</script>"></iframe>`, `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `<form action="javascript:x"><button formaction="javascript:y">b</button></form>`,
	`<img srcset="https://a.example/1.png 1x, javascript:alert(1) 2x">`, `<base href="javascript:/">`, `<!--<img src=x onerror=alert(1)>-->`,
	`<a href="https://ok.example" onclick="x">ok</a>`, `<table><td background="javascript:x">`, `<xmp><img src=x onerror=alert(1)></xmp>`,
}

// Fuzz runs sanitize over seeds, Seeds and what the fuzzer makes of them,
// failing when the output breaks p.
func Fuzz(f *testing.F, sanitize func(string) string, p Policy, seeds ...string) {
	for _, s := range append(append([]string{}, Seeds...), seeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := sanitize(in)
		if err := Check(out, p); err != nil {
			t.Fatalf("sanitising %q gave %q, which %v", in, out, err)
		}
	})
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
