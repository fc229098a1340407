package storage

import "testing"

func TestMarkdownText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Plain words.", "Plain words."},
		{"# Heading\n\nA **bold** and _soft_ word.", "Heading A bold and soft word."},
		{"See [the map](https://example.org/map.png) or <https://example.org>.", "See the map or https://example.org."},
		{"![A bike shed](shed.jpg)", "A bike shed"},
		{"- one\n- two\n\n1. three", "one two three"},
		{"Use `go test`:\n\n```\nmake test\n```", "Use go test: make test"},
		{"Before <script>alert(1)</script> after", "Before alert(1) after"},
		{"<div>block html</div>\n\nText", "Text"},
		{"Fish &amp; chips", "Fish & chips"},
		{"| a | b |\n|---|---|\n| c | d |", "a b c d"},
		{"line one\nline two", "line one line two"},
	} {
		if got := markdownText(tt.in); got != tt.want {
			t.Errorf("markdownText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
