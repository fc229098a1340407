// Command commonplace-bench measures a hub on this machine, on loopback
// only, each figure beside a reference measured in the same run:
//
//	commonplace-bench                      every scenario
//	commonplace-bench -run pages           public pages only
//	commonplace-bench -binary ./commonplace -run startup
//	commonplace-bench -gobench             also the Go benchmarks (needs the source tree and Go)
//
// Scenarios:
//
//   - pages: the home page (with 50 upcoming events) and an event page,
//     through the hub's full handler on a real HTTP server, beside a bare
//     net/http handler serving the same bytes and headers; requests/s,
//     ratio, p50/p99 latency, errors. Targets: ratio ≥ 0.5, p99 < 20 ms,
//     no errors.
//   - translated: the home page and an event page in a translated
//     language (the first shipped besides English, else the pseudo-locale
//     en-XA) beside the same pages in English, rendered on every request;
//     ratio of medians (target ≥ 0.90), errors.
//   - ap: WebFinger and the actor document the same way, in process.
//   - wire: WebFinger and the actor document from the real binary (-binary)
//     under wrk, an external load generator, beside a bare net/http
//     handler serving the same bytes: median of three alternating 5-second
//     rounds each (target ratio ≥ 0.85, no errors). Needs wrk.
//   - startup: the commonplace binary (-binary) started on an existing
//     data folder: time from exec to the first 200 from /healthz (median of
//     5 starts; target ≤ 100 ms), resident memory idle (target ≤ 25 MB) and
//     after loading its pages.
//   - commons: the binary on a hub holding 100,000 commons items (-commons)
//     from 50 peers: time to ready, resident memory idle and after readers
//     browse the commons and search it (a word in most items, two words, a
//     rare word, filters, a deep page), with no errors.
//   - pictures: the guides list with a thumbnail on each of its 20
//     guides from the real binary under wrk, beside a second hub with the
//     same guides and no pictures (target ratio ≥ 0.90), and a picture
//     file beside a bare net/http handler serving the same bytes (target
//     ≥ 0.85); no errors. Needs wrk.
//   - gobench: the Go benchmarks behind the other figures in
//     docs/BENCHMARKS.md (fan-out, GET throughput, inbox ingestion,
//     propagation, search at 100,000 items, calendar import), run with
//     `go test -bench`.
//
// Every scenario stops by itself. It prints the machine first, then one
// line per figure; -json prints the same as JSON.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"time"
)

type config struct {
	run     *regexp.Regexp
	binary  string
	window  time.Duration
	rounds  int
	workers int
	events  int
	commons int
	gobench bool
	// wireWindow shortens the wire scenario's rounds (tests); 0 means 5 s.
	wireWindow time.Duration
	json       bool
}

// figure is one measured number with its reference and target.
type figure struct {
	Scenario  string  `json:"scenario"`
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Reference string  `json:"reference,omitempty"`
	Target    string  `json:"target,omitempty"`
	Met       *bool   `json:"met,omitempty"`
}

type report struct {
	Machine map[string]string `json:"machine"`
	Figures []figure          `json:"figures"`
}

func (r *report) add(f figure) {
	r.Figures = append(r.Figures, f)
}

func met(ok bool) *bool { return &ok }

func main() {
	var cfg config
	run := flag.String("run", ".", "`regexp` of scenarios to run: pages, translated, ap, wire, startup, commons, gobench, pictures")
	flag.StringVar(&cfg.binary, "binary", "", "the commonplace `binary` for the startup scenario (default: ./commonplace, then $PATH)")
	flag.DurationVar(&cfg.window, "window", 300*time.Millisecond, "length of one load window")
	flag.IntVar(&cfg.rounds, "rounds", 10, "load windows per side; hub and reference take turns")
	flag.IntVar(&cfg.workers, "workers", 32, "concurrent keep-alive clients")
	flag.IntVar(&cfg.events, "events", 50, "upcoming events on the home page")
	flag.IntVar(&cfg.commons, "commons", 100_000, "commons items for the commons scenario")
	flag.BoolVar(&cfg.gobench, "gobench", false, "also run the Go benchmarks (go test -bench; needs the source tree)")
	flag.BoolVar(&cfg.json, "json", false, "print JSON")
	flag.Parse()
	var err error
	if cfg.run, err = regexp.Compile(*run); err != nil {
		fmt.Fprintln(os.Stderr, "bad -run:", err)
		os.Exit(2)
	}
	rep := &report{Machine: machine()}
	if !cfg.json {
		for _, k := range []string{"date", "commit", "go", "cpus", "cpu"} {
			fmt.Printf("%-7s %s\n", k+":", rep.Machine[k])
		}
		fmt.Println()
	}
	failed := false
	for _, s := range []struct {
		name string
		fn   func(config, *report) error
	}{{"pages", scenarioPages}, {"translated", scenarioTranslated}, {"ap", scenarioAP}, {"wire", scenarioWire}, {"startup", scenarioStartup}, {"commons", scenarioCommons}, {"gobench", scenarioGoBench},
		{"pictures", scenarioPictures}} {
		if !cfg.run.MatchString(s.name) || (s.name == "gobench" && !cfg.gobench) {
			continue
		}
		before := len(rep.Figures)
		if err := s.fn(cfg, rep); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.name, err)
			failed = true
			continue
		}
		if !cfg.json {
			for _, f := range rep.Figures[before:] {
				printFigure(f)
			}
		}
	}
	if cfg.json {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	}
	if failed {
		os.Exit(1)
	}
}

func printFigure(f figure) {
	verdict := ""
	if f.Met != nil {
		verdict = "  ✗ target " + f.Target
		if *f.Met {
			verdict = "  ✓ target " + f.Target
		}
	}
	ref := ""
	if f.Reference != "" {
		ref = "  (" + f.Reference + ")"
	}
	fmt.Printf("%-8s %-34s %10.2f %-6s%s%s\n", f.Scenario, f.Name, f.Value, f.Unit, ref, verdict)
}

// machine describes where the figures were measured.
func machine() map[string]string {
	m := map[string]string{
		"date": time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		"go":   runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		"cpus": fmt.Sprint(runtime.NumCPU()),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				m["cpu"] = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m["commit"] = strings.TrimSpace(string(out))
	}
	return m
}
