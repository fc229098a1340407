package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// The bench command's in-process scenarios run with tiny sizes and give
// every figure, with no errors, so the command cannot rot.
func TestScenariosSmoke(t *testing.T) {
	cfg := config{run: regexp.MustCompile("."), window: 50 * time.Millisecond, rounds: 2, workers: 4, events: 5}
	rep := &report{}
	if err := scenarioPages(cfg, rep); err != nil {
		t.Fatal(err)
	}
	if err := scenarioAP(cfg, rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Figures) != 20 {
		t.Fatalf("%d figures, want 20 (5 for each of 4 documents)", len(rep.Figures))
	}
	for _, f := range rep.Figures {
		if f.Name[len(f.Name)-6:] == "errors" && f.Value != 0 {
			t.Errorf("%s: %v", f.Name, f.Value)
		}
		if f.Name[len(f.Name)-5:] == "req/s" && f.Value <= 0 {
			t.Errorf("%s: %v", f.Name, f.Value)
		}
	}
}

// The startup and commons scenarios run the real binary, built here, with
// a small commons, and give every figure.
func TestBinaryScenariosSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binary := filepath.Join(t.TempDir(), "commonplace")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binary, "../commonplace")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building commonplace: %v\n%s", err, out)
	}
	cfg := config{run: regexp.MustCompile("."), binary: binary, workers: 4, commons: 300}
	rep := &report{}
	if err := scenarioStartup(cfg, rep); err != nil {
		t.Fatal(err)
	}
	if err := scenarioCommons(cfg, rep); err != nil {
		t.Fatal(err)
	}
	names := map[string]float64{}
	for _, f := range rep.Figures {
		names[f.Scenario+"/"+f.Name] = f.Value
	}
	for _, want := range []string{"startup/ready (exec → /healthz 200)", "startup/RSS idle", "startup/RSS after loading 5 pages",
		"commons/ready with 300 items", "commons/RSS idle with 300 items", "commons/RSS after browsing and search",
		"commons/browse and search req/s", "commons/browse and search p99"} {
		if v, ok := names[want]; !ok || v <= 0 {
			t.Errorf("%s: %v (present %v)", want, v, ok)
		}
	}
}
