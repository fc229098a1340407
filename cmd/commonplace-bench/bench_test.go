package main

import (
	"os"
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
	if err := scenarioTranslated(cfg, rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Figures) != 26 {
		t.Fatalf("%d figures, want 26 (and 3 for each of 2 translated pages)", len(rep.Figures))
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
	cfg := config{run: regexp.MustCompile("."), binary: binary, workers: 4, commons: 300, wireWindow: time.Second}
	rep := &report{}
	if err := scenarioStartup(cfg, rep); err != nil {
		t.Fatal(err)
	}
	wire := []string{"wire/webfinger req/s (real binary, wrk)", "wire/webfinger ratio (real binary, wrk)", "wire/webfinger p99 (real binary, wrk)",
		"wire/actor req/s (real binary, wrk)", "wire/actor ratio (real binary, wrk)", "wire/actor p99 (real binary, wrk)"}
	if _, err := exec.LookPath("wrk"); err != nil && os.Getenv("CI") == "" {
		t.Logf("no wrk here (apt install wrk): the wire scenario is not run")
		wire = nil
	} else if err := scenarioWire(cfg, rep); err != nil {
		t.Fatal(err) // in CI, a missing wrk is a failure
	}
	if err := scenarioCommons(cfg, rep); err != nil {
		t.Fatal(err)
	}
	names := map[string]float64{}
	for _, f := range rep.Figures {
		names[f.Scenario+"/"+f.Name] = f.Value
	}
	for _, want := range append([]string{"startup/ready (exec → /healthz 200)", "startup/RSS idle", "startup/RSS after loading 5 pages",
		"commons/ready with 300 items", "commons/RSS idle with 300 items", "commons/RSS after browsing and search",
		"commons/browse and search req/s", "commons/browse and search p99"}, wire...) {
		if v, ok := names[want]; !ok || v <= 0 {
			t.Errorf("%s: %v (present %v)", want, v, ok)
		}
	}
}

// wrk's report is read for throughput, the 99th percentile and every kind
// of error; a report without a throughput line is an error, not zero.
func TestParseWrk(t *testing.T) {
	out, err := os.ReadFile("testdata/wrk-non2xx.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		t.Fatal(err)
	}
	if r.rps != 308.84 || r.p99 != 326110*time.Microsecond || r.errors != 315 {
		t.Errorf("parseWrk = %+v, want 308.84 req/s, p99 326.11ms, 315 errors", r)
	}
	ok := "  Latency Distribution\n     99%  812.00us\n  Socket errors: connect 0, read 2, write 0, timeout 1\nRequests/sec:  25613.54\n"
	if r, err := parseWrk(ok); err != nil || r.rps != 25613.54 || r.p99 != 812*time.Microsecond || r.errors != 3 {
		t.Errorf("parseWrk = %+v, %v; want 25613.54 req/s, p99 812us, 3 socket errors", r, err)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:9399 Connection refused\n"); err == nil {
		t.Error("a report without Requests/sec parsed")
	}
}
