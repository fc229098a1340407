package main

import (
	"context"
	"errors"
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
	"github.com/commonplace-hub/commonplace/storage"
)

// startOnTinyDisk starts `commonplace serve --demo` with its data folder
// on a file system of its own of the given size: a tmpfs mounted in a new
// user and mount namespace (unshare, from util-linux), so the test needs
// no privileges and the disk really fills up (ENOSPC). The folder is seen
// from outside through /proc/PID/root, which is how the test and the
// command-line runs reach it. It returns the server, the folder as seen
// from outside through /proc/PID/root (for plain file access; SQLite
// resolves that link, so the database must be opened inside), and a
// function running the commonplace command inside the namespace.
func startOnTinyDisk(t *testing.T, size string) (s *server, outside string, inside func(args ...string) result) {
	t.Helper()
	mnt := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	unshare, err := exec.LookPath("unshare")
	if err == nil {
		var out []byte
		out, err = exec.Command(unshare, "--user", "--map-root-user", "--mount", "mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", mnt).CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, out)
		}
	}
	if err != nil {
		// A kernel setting, not a package CI could install: some
		// containers forbid user or mount namespaces. SQLite's own
		// SQLITE_FULL path is still tested in storage/faults_test.go.
		t.Skipf("this machine cannot mount a tmpfs in a user namespace (%v); the full-disk test needs it", err)
	}
	// unshare and sh exec into serve: its PID is the command's.
	cmd := exec.Command(unshare, "--user", "--map-root-user", "--mount", "sh", "-c",
		`mount -t tmpfs -o size=`+size+` tmpfs "$0" && exec "$@"`, mnt,
		binary, "serve", "--demo", "--data", filepath.Join(mnt, "data"), "--addr", "127.0.0.1:0")
	cmd.Dir, cmd.Env = t.TempDir(), cliEnv()
	if s = startProcess(t, cmd); s.addr == "" {
		t.Fatalf("serve exited with %d\n%s", s.code, s.stderr)
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	inside = func(args ...string) result {
		t.Helper()
		nsenter, err := exec.LookPath("nsenter")
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(nsenter, append([]string{"--target", pid, "--user", "--mount", "--preserve-credentials", binary}, args...)...)
		c.Dir, c.Env = t.TempDir(), cliEnv()
		var stdout, stderr strings.Builder
		c.Stdout, c.Stderr = &stdout, &stderr
		err = c.Run()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			t.Fatal(err)
		}
		return result{stdout: stdout.String(), stderr: stderr.String(), code: c.ProcessState.ExitCode()}
	}
	return s, filepath.Join("/proc", pid, "root", mnt), inside
}

// checkCopy checks a copy of the database: its file and write-ahead log,
// copied while nothing writes, are what a restart would open.
func checkCopy(t *testing.T, data string) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{dbFileName, dbFileName + "-wal"} {
		b, err := os.ReadFile(filepath.Join(data, name))
		if err != nil && !(errors.Is(err, os.ErrNotExist) && name != dbFileName) {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := storage.CheckFile(context.Background(), filepath.Join(dir, dbFileName)); err != nil {
		t.Errorf("the database: %v", err)
	}
}

// fillDisk writes a file until the disk is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// The last bytes of a partly written block.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestFullDisk: when the disk is full, an organiser saving an event in
// the web form and one adding an event on the command line get a clear
// message saying so; nothing is half-saved, readers still get pages, the
// database stays sound, and saving works again once there is room.
func TestFullDisk(t *testing.T) {
	s, disk, inside := startOnTinyDisk(t, "24m")
	data := filepath.Join(disk, "data")
	dataInside := strings.TrimPrefix(data, filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "root"))
	base := "http://" + s.addr
	m := adminLogin.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no admin login printed\n%s", s.stdout)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		resp, b := testkit.PostForm(t, c, base+path, form)
		return resp.StatusCode, string(b)
	}
	get := func(path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		code, b := testkit.Send(t, c, req)
		return code, string(b)
	}
	if code, body := post("/admin/login", url.Values{"email": {m[2]}, "password": {m[3]}}); code != http.StatusSeeOther {
		t.Fatalf("login: %d\n%s", code, body)
	}
	_, admin := get("/admin")
	tok := csrfField.FindStringSubmatch(admin)
	if tok == nil {
		t.Fatal("no CSRF token on /admin")
	}
	// A description near the limit, so the save needs more room than the
	// database's journal already has.
	long := strings.Repeat("Bring your broken things and we will try to fix them together. ", 1500)
	// Soon, so that the events page (the next four weeks) lists them.
	day := time.Now().AddDate(0, 0, 2).Format("2006-01-02")
	form := func(title string) url.Values {
		return url.Values{"csrf": {tok[1]}, "title": {title}, "description": {long},
			"start_date": {day}, "start_time": {"10:00"}, "end_date": {day}, "end_time": {"13:00"},
			"timezone": {"Europe/London"}, "repeat": {""}, "place_id": {""}, "action": {"save"}}
	}
	if code, body := post("/admin/events/new", form("Fixing day before")); code != http.StatusSeeOther {
		t.Fatalf("saving before the disk is full: %d\n%s", code, body)
	}

	fillDisk(t, filepath.Join(disk, "filler"))
	code, body := post("/admin/events/new", form("Fixing day during"))
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "disk is full, so nothing was saved") {
		t.Errorf("web form on a full disk: %d, want 503 saying the disk is full\n%s", code, body)
	}
	// The form comes back with what was typed, to save again later.
	if !strings.Contains(body, `value="Fixing day during"`) || !strings.Contains(body, long[:200]) {
		t.Errorf("the form on a full disk lost what the organiser typed\n%s", body)
	}
	cli := inside("event", "add", "--title", "Fixing day by command", "--description", long,
		"--start", day+" 14:00", "--end", day+" 15:00", "--data", dataInside)
	if cli.code != 1 || !strings.Contains(cli.stderr, "disk is full, so nothing was saved") || !strings.Contains(cli.stderr, "cause:") {
		t.Errorf("command line on a full disk: exit %d, want 1 with the message and its cause\n%s", cli.code, cli.stderr)
	}
	for _, path := range []string{"/", "/events", "/calendar.ics", "/feed.atom"} {
		code, body := get(path)
		if code != http.StatusOK {
			t.Errorf("reading %s on a full disk: %d", path, code)
		}
		if path == "/events" && (!strings.Contains(body, "Fixing day before") || strings.Contains(body, "Fixing day during")) {
			t.Errorf("the events page on a full disk does not show exactly the saved event")
		}
	}
	checkCopy(t, data)

	if err := os.Remove(filepath.Join(disk, "filler")); err != nil {
		t.Fatal(err)
	}
	if code, body := post("/admin/events/new", form("Fixing day after")); code != http.StatusSeeOther {
		t.Errorf("saving once there is room: %d\n%s", code, body)
	}
	if cli := inside("event", "add", "--title", "Fixing day by command", "--start", day+" 14:00",
		"--end", day+" 15:00", "--data", dataInside); cli.code != 0 {
		t.Errorf("command line once there is room: exit %d\n%s", cli.code, cli.stderr)
	}
	// Public pages are cached for a few seconds.
	var events string
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, events = get("/events")
		if strings.Contains(events, "Fixing day after") && strings.Contains(events, "Fixing day by command") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the events saved once there was room are not on the events page")
		}
	}
	if strings.Contains(events, "Fixing day during") {
		t.Error("the event saved while the disk was full is on the events page")
	}
	checkCopy(t, data)
	if code := s.stop(15 * time.Second); code != 0 {
		t.Errorf("stop: exit %d\n%s", code, s.stderr)
	}
}
