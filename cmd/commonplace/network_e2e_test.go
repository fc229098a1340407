package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// TestNetworkFourHubs starts four real hubs on loopback: A follows B, B
// follows C, D is on its own. A's following collection lists B; A's
// network page shows B with its area and C as a hub A might follow (not
// D); A's network search finds C's guide through B, credited to C, until
// B turns answering off; an admin of A follows C from the organisers'
// network page; A's network search then finds B's and C's items, each
// under its hub, and still answers within its deadline, naming B, while
// B hangs and once B is stopped.
func TestNetworkFourHubs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four hubs")
	}
	a, b, c, d := startCommonsHub(t, "alpha"), startCommonsHub(t, "beta"), startCommonsHub(t, "gamma"), startCommonsHub(t, "delta")
	b.dir.ok("settings", "set", "--area", "Moss Side, Manchester", "--lat", "53.4571", "--lon", "-2.2275")
	c.dir.ok("settings", "set", "--area", "Salford")
	b.api(http.MethodPost, "/guides", map[string]any{"title": "Beta seed library", "body": "Seeds to borrow."}, nil)
	c.api(http.MethodPost, "/guides", map[string]any{"title": "Gamma seed swap", "body": "Bring seeds."}, nil)
	d.api(http.MethodPost, "/guides", map[string]any{"title": "Delta seed bank", "body": "Seeds."}, nil)
	a.dir.ok("peer", "follow", b.handle())
	b.dir.ok("peer", "follow", c.handle())
	within(t, 15*time.Second, "the follows to be accepted", func() bool { return a.peerAccepted(b) && b.peerAccepted(c) })

	var following struct {
		TotalItems   int      `json:"totalItems"`
		OrderedItems []string `json:"orderedItems"`
	}
	getJSON(t, a.base()+"/actor/following?page=1", &following)
	if following.TotalItems != 1 || len(following.OrderedItems) != 1 || following.OrderedItems[0] != b.base()+"/actor" {
		t.Errorf("A's following collection: %+v", following)
	}

	within(t, 30*time.Second, "A's network page to show B and, through B, C", func() bool {
		p := a.page("/network")
		return strings.Contains(p, ">Hub BETA</a>") && strings.Contains(p, "Moss Side, Manchester") && strings.Contains(p, ">Hub GAMMA</a>") &&
			strings.Contains(p, "Followed by Hub BETA")
	})
	if p := a.page("/network"); strings.Contains(p, "DELTA") || strings.Contains(p, "/admin/commons/follow") {
		t.Errorf("A's public network page shows D, or a follow button")
	}

	// Two steps out: before A follows C, A's network search reaches C's
	// guide through B's commons, fetched from C and credited to C.
	within(t, 15*time.Second, "B's commons to hold C's guide", func() bool { return strings.Contains(b.commons(), "Gamma seed swap") })
	p := a.page("/search?scope=network&q=seed")
	_, network, _ := strings.Cut(p, `id="network-results-title"`)
	for _, want := range []string{">Hub BETA</a>", ">Beta seed library</a>", ">Gamma seed swap</a>", "from Hub GAMMA (" + c.host() + "), through Hub BETA",
		`href="` + c.base() + `/guides/`} {
		if !strings.Contains(network, want) {
			t.Errorf("A's network search, two steps out, lacks %q", want)
		}
	}
	if strings.Contains(p, "Delta seed bank") {
		t.Error("A's network search reached D")
	}

	// B's organisers turn answering off: C's guide is no longer found.
	b.dir.ok("settings", "set", "--answer-network-search=false")
	within(t, 10*time.Second, "B to stop answering", func() bool {
		resp, err := http.Get(b.base() + "/network/search.json?q=seed")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusNotFound
	})
	p = a.page("/search?scope=network&q=" + url.QueryEscape("seed swap"))
	if !strings.Contains(p, "It does not answer searches from other hubs.") || strings.Contains(p, "Gamma seed swap") {
		t.Error("with B not answering, A's network search still finds C's guide, or does not say B does not answer")
	}
	b.dir.ok("settings", "set", "--answer-network-search=true")

	// An admin of A follows C from the organisers' network page.
	admin := loginAdmin(t, a)
	page := getPage(t, admin, a.base()+"/admin/network")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil || !strings.Contains(page, `name="target" value="`+c.base()+`/actor"`) {
		t.Fatalf("the organisers' network page has no follow button for C:\n%s", page)
	}
	resp, err := admin.PostForm(a.base()+"/admin/commons/follow", url.Values{"csrf": {csrf[1]}, "target": {c.base() + "/actor"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	within(t, 15*time.Second, "C to accept A's follow", func() bool { return a.peerAccepted(c) })

	// Network search: B and C answer from their own items, D is not asked.
	search := func() string { return a.page("/search?scope=network&q=" + url.QueryEscape("seed")) }
	p = search()
	_, network, _ = strings.Cut(p, `id="network-results-title"`)
	for _, want := range []string{">Hub BETA</a>", ">Beta seed library</a>", ">Hub GAMMA</a>", ">Gamma seed swap</a>", `href="` + b.base() + `/guides/`, `href="` + c.base() + `/guides/`} {
		if !strings.Contains(network, want) {
			t.Errorf("A's network search lacks %q", want)
		}
	}
	if strings.Contains(p, "Delta seed bank") {
		t.Error("A's network search reached D, which it does not follow")
	}

	// B hangs (stopped by SIGSTOP: it accepts connections and never
	// answers): the search costs at most its deadline (1.5 s; the rest is
	// slack for a loaded machine) and shows C's answer. kill returns before
	// B is stopped: the stop reaches B's other threads only once the one
	// that took the signal runs, so on a loaded machine B may still answer
	// for milliseconds (it once did: the search took 8 ms and B answered
	// "nothing found"). The search waits until every thread of B is
	// stopped.
	if err := b.srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	within(t, 10*time.Second, "every thread of B to be stopped", func() bool { return processStopped(t, b.srv.cmd.Process.Pid) })
	start := time.Now()
	p = a.page("/search?scope=network&q=" + url.QueryEscape("gamma"))
	took := time.Since(start)
	t.Logf("network search with B hanging: %v", took)
	if took > 4*time.Second {
		t.Errorf("B hanging held A's network search for %v", took)
	}
	if hasC, hasB := strings.Contains(p, ">Gamma seed swap</a>"), strings.Contains(p, "It did not answer in time."); !hasC || !hasB {
		_, network, _ := strings.Cut(p, `id="network-results-title"`)
		t.Errorf("with B hanging, the network search shows C's answer: %v, B's problem: %v; its network part:\n%.3000s", hasC, hasB, network)
	}
	if err := b.srv.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}

	// B stops: the search still answers, at once, and says so.
	b.srv.stop(10 * time.Second)
	start = time.Now()
	p = a.page("/search?scope=network&q=" + url.QueryEscape("swap"))
	t.Logf("network search with B stopped: %v", time.Since(start))
	if !strings.Contains(p, ">Gamma seed swap</a>") || !strings.Contains(p, "It could not be reached.") {
		t.Errorf("with B stopped, the network search does not show C's answer and B's problem")
	}
}

// TestProcessStopped: processStopped says a running process is not
// stopped, and says so of it once SIGSTOP has stopped it, and not once
// SIGCONT has woken it.
func TestProcessStopped(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	if processStopped(t, pid) {
		t.Fatal("a running process is said to be stopped")
	}
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	within(t, 10*time.Second, "the process to be stopped", func() bool { return processStopped(t, pid) })
	if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	within(t, 10*time.Second, "the process to run again", func() bool { return !processStopped(t, pid) })
}

// processStopped reports whether every thread of process pid is stopped
// (state T or t): on Linux from /proc/PID/task/*/stat, elsewhere the
// process's state from ps.
func processStopped(t *testing.T, pid int) bool {
	t.Helper()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		out, err := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(pid)).Output()
		if err != nil {
			t.Fatalf("reading the state of process %d: %v", pid, err)
		}
		return strings.HasPrefix(strings.TrimSpace(string(out)), "T")
	}
	for _, task := range tasks {
		stat, err := os.ReadFile(task)
		if err != nil {
			return false // a thread that just ended, or the process
		}
		// "tid (comm) state ...": comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 || i+2 >= len(stat) || (stat[i+2] != 'T' && stat[i+2] != 't') {
			return false
		}
	}
	return true
}

func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	if err := json.Unmarshal(testkit.GetActivityJSON(t, u), out); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// loginAdmin is a client logged in as h's admin.
func loginAdmin(t *testing.T, h *commonsHub) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(h.base()+"/admin/login", url.Values{"email": {"admin@" + h.name + ".example"}, "password": {"a long enough password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path == "/admin/login" {
		t.Fatalf("login to %s failed", h.name)
	}
	return c
}

func getPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	_, b := testkit.Send(t, c, req)
	return string(b)
}
