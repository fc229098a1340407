package markdown

import (
	"testing"

	"github.com/commonplace-hub/commonplace/internal/htmlcheck"
)

// FuzzMarkdown: whatever an organiser types, the rendered HTML has no
// element or attribute that runs script, and links and images only to
// http(s), mailto and tel (or relative).
func FuzzMarkdown(f *testing.F) {
	htmlcheck.Fuzz(f, func(src string) string { return string(SafeHTML(src)) },
		htmlcheck.Policy{Schemes: []string{"http", "https", "mailto", "tel"}},
		"# Repair café\n\nBring *anything* broken. [Map](https://osm.example/x) <mailto:a@b.example>\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |",
		"[x](javascript:alert(1))", "![x](javascript:alert(1))", "<javascript:alert(1)>", "[x]: javascript:alert(1)\n\n[y][x]",
		"[x](<javascript:alert(1)>)", "[x](java\nscript:alert(1))", "[x](&#106;avascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
		"www.evil.example/<script>", "javascript:alert(1)", "<div onclick=x>\n\n*md*\n\n</div>", "```html\n<script>x</script>\n```",
		"[x](https://ok.example \"title\\\" onclick=\\\"x\")", "<details open ontoggle=alert(1)>", "~~~\n</code><script>x</script>\n~~~",
	)
}
