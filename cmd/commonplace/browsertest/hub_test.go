package browsertest

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// binary is the commonplace command built once by TestMain.
var binary string

func TestMain(m *testing.M) { testkit.Main(m, "..", &binary) }

// needChromium returns Chromium's path, or skips the test (fails it in CI)
// when there is none.
func needChromium(t *testing.T) string {
	t.Helper()
	chromium := chromiumPath()
	testkit.Need(t, chromium != "", "chromium", "apt-get install chromium, or set CHROMIUM_PATH")
	return chromium
}

// chromiumPath returns $CHROMIUM_PATH or Debian's chromium, or "" when
// neither exists.
func chromiumPath() string {
	candidates := []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"}
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		candidates = []string{p}
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// hubProcess is a running `commonplace serve`.
type hubProcess struct {
	base string // http://127.0.0.1:PORT, the address it bound
	data string // its data folder
	log  *syncBuffer
}

// syncBuffer collects the hub's log while the test reads it.
type syncBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *syncBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, line)
}

func (b *syncBuffer) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.lines...)
}

var listeningLine = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startHub creates an admin organiser with `commonplace organiser add` and
// runs `commonplace serve --demo` on a free loopback port with a new data
// folder. When the test ends the hub gets SIGTERM and must exit with status
// 0 within 10 seconds, having logged no error.
func startHub(t *testing.T, email, password string, serveFlags ...string) *hubProcess {
	t.Helper()
	data := t.TempDir()
	add := exec.Command(binary, "organiser", "add", "--admin", "--email", email, "--name", "Erin Organiser", "--password-stdin", "--data", data)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("organiser add: %v\n%s", err, out)
	}

	cmd := exec.Command(binary, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data", data, "--log-format", "text", "--log-level", "info"}, serveFlags...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &hubProcess{log: &syncBuffer{}, data: data}
	addr := make(chan string, 1)
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			h.log.add(sc.Text())
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("SIGTERM: %v", err)
		}
		select {
		case <-logDone:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Error("commonplace did not stop within 10s of SIGTERM")
			<-logDone
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("commonplace did not exit cleanly after SIGTERM: %v", err)
		}
		for _, line := range h.log.all() {
			if strings.Contains(line, "level=ERROR") {
				t.Errorf("the hub logged an error: %s", line)
			}
		}
		if t.Failed() {
			t.Logf("hub log:\n%s", strings.Join(h.log.all(), "\n"))
		}
	})

	select {
	case a := <-addr:
		h.base = "http://" + a
	case <-logDone:
		t.Fatalf("commonplace serve exited before listening:\n%s", strings.Join(h.log.all(), "\n"))
	case <-time.After(30 * time.Second):
		t.Fatalf("commonplace serve did not log its address within 30s:\n%s", strings.Join(h.log.all(), "\n"))
	}
	if err := testkit.WaitHealthy(h.base, 10*time.Second); err != nil {
		t.Fatalf("GET /healthz never answered 200 (last: %v)", err)
	}
	return h
}

// publicURL is the public address of the demo hub served at base
// (http://127.0.0.1:PORT): http://localhost:PORT.
func publicURL(base string) string {
	return "http://localhost" + base[strings.LastIndex(base, ":"):]
}
