package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The pictures scenario runs the real binary, built here, under wrk with
// one-second rounds and gives every figure, with no errors.
func TestPicturesScenarioSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("wrk"); err != nil && os.Getenv("CI") == "" {
		t.Skip("no wrk here (apt install wrk)")
	}
	binary := filepath.Join(t.TempDir(), "commonplace")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binary, "../commonplace")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building commonplace: %v\n%s", err, out)
	}
	rep := &report{}
	cfg := config{run: regexp.MustCompile("."), binary: binary, wireWindow: time.Second}
	if err := scenarioPictures(cfg, rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Figures) != 8 {
		t.Fatalf("%d figures, want 8 (4 for the list, 4 for the file): %+v", len(rep.Figures), rep.Figures)
	}
	for _, f := range rep.Figures {
		switch {
		case strings.Contains(f.Name, "errors") && f.Value != 0:
			t.Errorf("%s: %v", f.Name, f.Value)
		case strings.Contains(f.Name, "req/s") && f.Value <= 0:
			t.Errorf("%s: %v", f.Name, f.Value)
		}
	}
}
