package main

import (
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
