package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
	"github.com/commonplace-hub/commonplace/storage"
)

// inProcessHub is a hub with federation, its handler served on loopback.
type inProcessHub struct {
	base  string
	svc   *hub.Service
	fed   *federation.Federation
	close func()
}

func startHub(cfg config) (*inProcessHub, error) { return startHubCache(cfg, time.Second) }

// startHubCache is startHub with public pages kept for pageCache (0:
// rendered on every request).
func startHubCache(cfg config, pageCache time.Duration) (*inProcessHub, error) {
	dir, err := os.MkdirTemp("", "commonplace-bench-")
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(dir, "hub.db"))
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The public URL must be known before the server listens: reserve a port.
	h := &inProcessHub{}
	var handler http.Handler
	base, stop, err := serveLoopback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(base)
	fed, err := federation.New(ctx, federation.Config{Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: db.Commons(), BaseURL: u, Logger: quiet, AllowPrivate: true})
	if err != nil {
		return nil, err
	}
	svc := hub.NewService(db.Stores(), quiet, hub.WithNotifier(fed), hub.WithFederation(fed))
	h.svc = svc
	// As `commonplace serve` runs it: public pages kept for a second.
	if handler, err = web.New(web.Config{Service: svc, BaseURL: u, Logger: quiet, ActivityPub: fed, PageCache: pageCache}); err != nil {
		return nil, err
	}
	host := hub.HostContext(ctx)
	place := &hub.Place{Name: "Hulme Library", StreetAddress: "Stretford Road", Locality: "Manchester", PostalCode: "M15 5FQ"}
	if err := svc.CreatePlace(host, place); err != nil {
		return nil, err
	}
	start := time.Now().Truncate(24 * time.Hour).Add(24*time.Hour + 10*time.Hour)
	for i := range cfg.events {
		e := &hub.Event{Title: fmt.Sprintf("Digital drop-in %d", i+1), Description: "Help with phones, tablets and email. Bring your device and any questions.",
			TimeZone: "Europe/London", Start: start.Add(time.Duration(i) * 24 * time.Hour), End: start.Add(time.Duration(i)*24*time.Hour + 2*time.Hour),
			PlaceID: place.ID, Tags: []string{"digital skills", "drop-in"}}
		if err := svc.CreateEvent(host, e); err != nil {
			return nil, err
		}
	}
	h.base, h.fed = base, fed
	h.close = func() { stop(); db.Close(); os.RemoveAll(dir) }
	return h, nil
}

// compare measures paths on the hub beside a bare handler replaying them.
func compare(cfg config, rep *report, scenario string, h *inProcessHub, paths []struct{ name, path, accept string }, ratioTarget float64, p99Target time.Duration) error {
	docs, bareBase, stop, err := serveCaptured(h.base, paths)
	if err != nil {
		return err
	}
	defer stop()
	for _, p := range paths {
		r := sideBySide(h.base, bareBase, p.path, p.accept, len(docs[p.path].body), cfg)
		rep.add(figure{Scenario: scenario, Name: p.name + " req/s", Value: r.HubRPS, Unit: "req/s", Reference: fmt.Sprintf("bare handler %.0f req/s", r.BareRPS)})
		rep.add(figure{Scenario: scenario, Name: p.name + " hub/bare", Value: r.Ratio, Unit: "×", Reference: "median of rounds", Target: fmt.Sprintf("≥ %.2f", ratioTarget), Met: met(r.Ratio >= ratioTarget)})
		rep.add(figure{Scenario: scenario, Name: p.name + " p50", Value: ms(r.HubP50), Unit: "ms"})
		f := figure{Scenario: scenario, Name: p.name + " p99", Value: ms(r.HubP99), Unit: "ms", Reference: fmt.Sprintf("bare %.2f ms", ms(r.BareP99))}
		if p99Target > 0 {
			f.Target, f.Met = fmt.Sprintf("< %v", p99Target), met(r.HubP99 < p99Target)
		}
		rep.add(f)
		rep.add(figure{Scenario: scenario, Name: p.name + " errors", Value: float64(r.Errors), Unit: "", Reference: fmt.Sprintf("of %d requests", r.Requests), Target: "0", Met: met(r.Errors == 0)})
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func scenarioPages(cfg config, rep *report) error {
	h, err := startHub(cfg)
	if err != nil {
		return err
	}
	defer h.close()
	events, _, err := h.svc.ListEvents(context.Background(), hub.EventFilter{Limit: 1})
	if err != nil || len(events) == 0 {
		return fmt.Errorf("no event: %v", err)
	}
	return compare(cfg, rep, "pages", h, []struct{ name, path, accept string }{
		{"home (" + strconv.Itoa(cfg.events) + " events)", "/", ""},
		{"event page", "/events/" + events[0].Slug, ""},
	}, 0.5, 20*time.Millisecond)
}

func scenarioAP(cfg config, rep *report) error {
	h, err := startHub(cfg)
	if err != nil {
		return err
	}
	defer h.close()
	host := strings.TrimPrefix(h.base, "http://")
	return compare(cfg, rep, "ap", h, []struct{ name, path, accept string }{
		{"webfinger", "/.well-known/webfinger?resource=" + url.QueryEscape("acct:hub@"+host), ""},
		{"actor", "/actor", "application/activity+json"},
	}, 0.85, 0)
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startBinary starts `binary serve` on dir and returns the process, its
// address and how long it took to answer /healthz with 200.
func startBinary(binary, dir string, extra ...string) (*exec.Cmd, string, time.Duration, error) {
	start := time.Now()
	cmd := exec.Command(binary, append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, extra...)...)
	cmd.Stdout = io.Discard
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return nil, "", 0, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	var a string
	select {
	case a = <-addr:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		return nil, "", 0, fmt.Errorf("%s did not start listening", binary)
	}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + a + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, a, time.Since(start), nil
			}
		}
		if time.Since(start) > 15*time.Second {
			cmd.Process.Kill()
			return nil, "", 0, fmt.Errorf("/healthz did not answer 200")
		}
		time.Sleep(time.Millisecond)
	}
}

func stopBinary(cmd *exec.Cmd) {
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
	}
}

func rssMB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

func findBinary(cfg config) (string, error) {
	if cfg.binary != "" {
		return cfg.binary, nil
	}
	if st, err := os.Stat("commonplace"); err == nil && !st.IsDir() {
		return "./commonplace", nil
	}
	if p, err := exec.LookPath("commonplace"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("no commonplace binary: build it (make build) or give -binary")
}

// readyTimes starts and stops the binary on dir n times and returns the
// times from exec to ready, shortest first.
func readyTimes(binary, dir string, n int) ([]time.Duration, error) {
	var ready []time.Duration
	for range n {
		cmd, _, d, err := startBinary(binary, dir)
		if err != nil {
			return nil, err
		}
		ready = append(ready, d)
		stopBinary(cmd)
	}
	slices.Sort(ready)
	return ready, nil
}

// newHub makes a data folder in a new temporary folder (remove it when
// done) by starting the binary on it once, with extra flags, and stopping
// it; first is how long that first start took to be ready.
func newHub(cfg config, name string, extra ...string) (binary, dir string, first time.Duration, err error) {
	binary, err = findBinary(cfg)
	if err != nil {
		return "", "", 0, err
	}
	dir, err = os.MkdirTemp("", "commonplace-bench-"+name+"-")
	if err != nil {
		return "", "", 0, err
	}
	cmd, _, first, err := startBinary(binary, dir, extra...)
	if err != nil {
		os.RemoveAll(dir)
		return "", "", 0, err
	}
	stopBinary(cmd)
	return binary, dir, first, nil
}

// startIdle starts the binary on dir and returns it with its resident
// memory after 2 s without requests.
func startIdle(binary, dir string) (cmd *exec.Cmd, addr string, idleMB float64, err error) {
	cmd, addr, _, err = startBinary(binary, dir)
	if err != nil {
		return nil, "", 0, err
	}
	time.Sleep(2 * time.Second)
	if idleMB, err = rssMB(cmd.Process.Pid); err != nil {
		stopBinary(cmd)
		return nil, "", 0, err
	}
	return cmd, addr, idleMB, nil
}

func scenarioStartup(cfg config, rep *report) error {
	// The first start makes the database, the key and the demo content.
	binary, dir, first, err := newHub(cfg, "startup", "--demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ready, err := readyTimes(binary, dir, 5)
	if err != nil {
		return err
	}
	rep.add(figure{Scenario: "startup", Name: "ready (exec → /healthz 200)", Value: ms(ready[len(ready)/2]), Unit: "ms",
		Reference: fmt.Sprintf("median of 5; first start with demo content %.0f ms", ms(first)), Target: "≤ 100 ms", Met: met(ready[len(ready)/2] <= 100*time.Millisecond)})

	cmd, addr, idle, err := startIdle(binary, dir)
	if err != nil {
		return err
	}
	defer stopBinary(cmd)
	rep.add(figure{Scenario: "startup", Name: "RSS idle", Value: idle, Unit: "MB", Target: "≤ 25 MB", Met: met(idle <= 25)})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.workers}}
	errs, n := 0, 0
	for _, p := range []string{"/", "/events", "/guides", "/search?q=tablets", "/calendar.ics"} {
		c, err := capture("http://"+addr, p, "")
		if err != nil {
			return err
		}
		w := load(client, "http://"+addr, p, "", len(c.body), cfg.workers, time.Second)
		errs, n = errs+w.errors, n+w.requests
	}
	loaded, err := rssMB(cmd.Process.Pid)
	if err != nil {
		return err
	}
	rep.add(figure{Scenario: "startup", Name: "RSS after loading 5 pages", Value: loaded, Unit: "MB", Reference: fmt.Sprintf("%d requests, %d errors", n, errs)})
	return nil
}

// goBenchmarks are the Go benchmarks behind the other figures in
// docs/BENCHMARKS.md, with the package each lives in.
var goBenchmarks = []struct{ bench, pkg string }{
	{"Fanout|Throughput", "./federation/"},
	{"Ingest|Propagation", "./federation/"},
	{"Search100k", "./storage/"},
	{"Import5000", "./hub/calendar/"},
}

func scenarioGoBench(cfg config, rep *report) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return fmt.Errorf("run from the source tree (go.mod not found)")
	}
	metric := regexp.MustCompile(`([0-9.]+) ([A-Za-z/_%-]+[A-Za-z0-9/_%-]*)`)
	for _, g := range goBenchmarks {
		out, err := exec.Command("go", "test", "-tags", "sqlite_fts5", "-run", "^$", "-bench", g.bench, "-benchtime", "1x", g.pkg).CombinedOutput()
		if err != nil {
			return fmt.Errorf("go test -bench %s %s: %v\n%s", g.bench, g.pkg, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if !strings.HasPrefix(line, "Benchmark") {
				continue
			}
			fields := strings.Fields(line)
			name := fields[0]
			for _, m := range metric.FindAllStringSubmatch(strings.Join(fields[2:], " "), -1) {
				if m[2] == "ns/op" {
					continue
				}
				v, _ := strconv.ParseFloat(m[1], 64)
				rep.add(figure{Scenario: "gobench", Name: name + " " + m[2], Value: v, Reference: "go test -bench " + g.bench + " " + g.pkg})
			}
		}
	}
	return nil
}
