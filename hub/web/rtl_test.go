package web_test

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/commonplace-hub/commonplace/themes"
)

// TestThemeUsesLogicalProperties: the default theme lays pages out with
// logical CSS properties (margin-inline-start, text-align: start...), so
// a right-to-left language mirrors without changes to the theme.
func TestThemeUsesLogicalProperties(t *testing.T) {
	css, err := fs.ReadFile(themes.Default(), "static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	physical := regexp.MustCompile(`(?m)(?:^|[\s;{])((?:margin|padding|border)-(?:left|right)[\w-]*|(?:left|right)\s*:|text-align:\s*(?:left|right)|float:\s*(?:left|right))`)
	for _, m := range physical.FindAllStringSubmatch(string(css), -1) {
		t.Errorf("style.css uses a physical direction: %q; use its logical form (inline-start, inline-end, start, end)", m[1])
	}
}
