package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The wire scenario measures what a fediverse server meets: WebFinger and
// the actor document from the real commonplace binary, over loopback,
// under wrk (an external load generator, so the hub does not share its
// process, or its scheduler, with the client), beside a bare net/http
// handler serving the same bytes and headers. Rounds alternate hub and
// reference; the figure is the ratio of the medians.

// wireRounds is how many rounds each side runs; wireWindow how long each.
const (
	wireRounds      = 3
	wireWindow      = 5 * time.Second
	wireConnections = 16
)

func scenarioWire(cfg config, rep *report) error {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return fmt.Errorf("the wire scenario needs wrk (apt install wrk): %w", err)
	}
	binary, dir, _, err := newHub(cfg, "wire", "--demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cmd, addr, _, err := startBinary(binary, dir)
	if err != nil {
		return err
	}
	defer stopBinary(cmd)
	hubBase := "http://" + addr
	actor, err := capture(hubBase, "/actor", "application/activity+json")
	if err != nil {
		return err
	}
	// The handle is the hub's name at its public URL's host.
	var who struct{ ID, PreferredUsername string }
	if err := json.Unmarshal(actor.body, &who); err != nil || who.PreferredUsername == "" {
		return fmt.Errorf("the actor document has no preferredUsername: %v", err)
	}
	id, err := url.Parse(who.ID)
	if err != nil {
		return err
	}
	paths := []struct{ name, path, accept string }{
		{"webfinger", "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+who.PreferredUsername+"@"+id.Host), ""},
		{"actor", "/actor", "application/activity+json"},
	}
	_, bareBase, stop, err := serveCaptured(hubBase, paths)
	if err != nil {
		return err
	}
	defer stop()
	window, rounds := wireWindow, wireRounds
	if cfg.wireWindow > 0 {
		window = cfg.wireWindow
	}
	for _, p := range paths {
		var hubRuns, bareRuns []wrkResult
		for range rounds {
			for _, side := range []struct {
				base string
				runs *[]wrkResult
			}{{hubBase, &hubRuns}, {bareBase, &bareRuns}} {
				r, err := runWrk(wrk, side.base+p.path, p.accept, window)
				if err != nil {
					return err
				}
				*side.runs = append(*side.runs, r)
			}
		}
		hub, bare := medianWrk(hubRuns), medianWrk(bareRuns)
		ratio := hub.rps / bare.rps
		errs := 0
		for _, r := range hubRuns {
			errs += r.errors
		}
		rep.add(figure{Scenario: "wire", Name: p.name + " req/s (real binary, wrk)", Value: hub.rps, Unit: "req/s",
			Reference: fmt.Sprintf("bare net/http %.0f req/s", bare.rps)})
		rep.add(figure{Scenario: "wire", Name: p.name + " ratio (real binary, wrk)", Value: ratio, Unit: "×",
			Reference: fmt.Sprintf("median of %d alternating %s rounds, %d connections", rounds, window, wireConnections),
			Target:    "≥ 0.85", Met: met(ratio >= 0.85)})
		rep.add(figure{Scenario: "wire", Name: p.name + " p99 (real binary, wrk)", Value: ms(hub.p99), Unit: "ms",
			Reference: fmt.Sprintf("bare %.2f ms", ms(bare.p99))})
		rep.add(figure{Scenario: "wire", Name: p.name + " errors (real binary, wrk)", Value: float64(errs), Unit: "",
			Target: "0", Met: met(errs == 0)})
	}
	return nil
}

// wrkResult is what one wrk run reports.
type wrkResult struct {
	rps    float64
	p99    time.Duration
	errors int // socket errors and answers other than 2xx or 3xx
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkP99     = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk loads target with wrk for d: one thread (the hub gets the other
// core), wireConnections keep-alive connections, latency percentiles on.
func runWrk(wrk, target, accept string, d time.Duration) (wrkResult, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(wireConnections), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency", "--timeout", "5s"}
	if accept != "" {
		args = append(args, "-H", "Accept: "+accept)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, wrk, append(args, target)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v\n%s", target, err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads wrk's text report.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's report:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkP99.FindStringSubmatch(out); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]
		r.p99 = time.Duration(v * float64(unit))
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.errors += n
	}
	if m := wrkSockErr.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.errors += n
		}
	}
	if strings.TrimSpace(out) == "" {
		return r, fmt.Errorf("wrk printed nothing")
	}
	return r, nil
}

// medianWrk is the run with the median throughput.
func medianWrk(runs []wrkResult) wrkResult {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b wrkResult) int {
		switch {
		case a.rps < b.rps:
			return -1
		case a.rps > b.rps:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}
