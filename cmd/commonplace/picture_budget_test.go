package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// TestPictureBudgetFromTheCommandLine: the budget set in the environment
// (as the config file or serve's --picture-budget would) holds for
// commands too: an edit whose picture does not fit is refused whole, its
// other changes with it; a size that is not one is a usage error.
func TestPictureBudgetFromTheCommandLine(t *testing.T) {
	h := newHubDir(t)
	photo := filepath.Join(t.TempDir(), "IMG_0001.jpg")
	if err := os.WriteFile(photo, picturetest.JPEG(3000, 2000, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	h.ok("event", "add", "--title", "Bike repair", "--start", "2026-12-01 19:00", "--end", "2026-12-01 21:00")
	h.env = []string{envPictureBudget + "=2KB"}
	stderr := h.fail(1, "event", "edit", "bike-repair", "--title", "Bike repair and tea", "--image", photo, "--image-alt", "Six people mending bikes")
	if !strings.Contains(stderr, "There is no room for this picture") || !strings.Contains(stderr, "of the 0.0 MB they may use") {
		t.Errorf("stderr %s", stderr)
	}
	if out := h.ok("event", "show", "bike-repair"); strings.Contains(out, "and tea") || strings.Contains(out, "Six people") {
		t.Errorf("the refused edit was saved:\n%s", out)
	}
	h.env = []string{envPictureBudget + "=lots"}
	if stderr := h.fail(2, "event", "show", "bike-repair"); !strings.Contains(stderr, "is not a size") {
		t.Errorf("a bad budget: %s", stderr)
	}
	h.env = []string{envPictureBudget + "=0"} // no limit
	h.ok("event", "edit", "bike-repair", "--title", "Bike repair and tea", "--image", photo, "--image-alt", "Six people mending bikes")
}
