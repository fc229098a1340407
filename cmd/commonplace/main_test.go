package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
	"github.com/commonplace-hub/commonplace/storage"
)

// binary is the commonplace binary built once for the whole test run,
// by goTool.
var binary, goTool string

func TestMain(m *testing.M) {
	goTool = testkit.GoTool()
	testkit.Main(m, ".", &binary)
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// cliEnv is the environment for a command: the test's, minus any
// COMMONPLACE_ variables, plus extra.
func cliEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COMMONPLACE_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// runCLI runs the binary to completion with args, in dir, with extra
// environment variables and the given standard input.
func runCLI(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = cliEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running commonplace %s: %v", strings.Join(args, " "), err)
		}
		code = exitErr.ExitCode()
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// hubDir is a temporary data folder used through --data.
type hubDir struct {
	t    *testing.T
	data string
	env  []string // extra environment for every command
}

func newHubDir(t *testing.T) *hubDir {
	return &hubDir{t: t, data: filepath.Join(t.TempDir(), "data")}
}

// run runs a command against the hub's data folder.
func (h *hubDir) run(args ...string) result {
	h.t.Helper()
	return runCLI(h.t, h.t.TempDir(), h.env, "", append(args, "--data", h.data)...)
}

// ok runs a command that must succeed and returns its standard output.
func (h *hubDir) ok(args ...string) string {
	h.t.Helper()
	r := h.run(args...)
	if r.code != 0 {
		h.t.Fatalf("commonplace %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// okJSON runs a command with --json and decodes its output into v.
func (h *hubDir) okJSON(v any, args ...string) {
	h.t.Helper()
	out := h.ok(append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		h.t.Fatalf("commonplace %s --json: %v\noutput:\n%s", strings.Join(args, " "), err, out)
	}
}

// fail runs a command that must exit with code and returns its stderr.
func (h *hubDir) fail(code int, args ...string) string {
	h.t.Helper()
	r := h.run(args...)
	if r.code != code {
		h.t.Fatalf("commonplace %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	return r.stderr
}

// openDB opens (creating it if need be) the hub's database directly, to
// seed or read what the commands cannot; the caller closes it.
func (h *hubDir) openDB() *storage.DB {
	h.t.Helper()
	if err := os.MkdirAll(h.data, 0o700); err != nil {
		h.t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), filepath.Join(h.data, dbFileName))
	if err != nil {
		h.t.Fatal(err)
	}
	return db
}

// server is a running `commonplace serve` process.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	code   int
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningAddr = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer starts `commonplace serve` and waits until /healthz answers
// 200, returning the running server. The process is killed at test end if
// it is still running.
func startServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	s := tryServer(t, env, args...)
	if s.addr == "" {
		t.Fatalf("serve exited with %d before listening\nstdout:\n%s\nstderr:\n%s", s.code, s.stdout, s.stderr)
	}
	if err := testkit.WaitHealthy("http://"+s.addr, 15*time.Second); err != nil {
		t.Fatalf("/healthz did not answer 200 within 15s (last error %v)\nstderr:\n%s", err, s.stderr)
	}
	return s
}

// tryServer starts `commonplace serve` and waits until it logs that it
// is listening or exits. s.addr is empty when it exited.
func tryServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Env = cliEnv(env...)
	return startProcess(t, cmd)
}

// startProcess starts cmd, a serve process however wrapped, and waits
// until it logs that it is listening or exits. s.addr is empty when it
// exited. The process is killed at test end if it is still running.
func startProcess(t *testing.T, cmd *exec.Cmd) *server {
	t.Helper()
	s := &server{t: t, cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout = s.stdout
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(s.stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			if m := listeningAddr.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addrc <- m[1]
				sent = true
			}
		}
	}()
	go func() {
		cmd.Wait()
		s.code = cmd.ProcessState.ExitCode()
		pw.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.addr = <-addrc:
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not log \"listening\" within 30s\nstderr:\n%s", s.stderr)
	}
	return s
}

// stop sends SIGTERM and waits for the process to exit, returning its code.
func (s *server) stop(within time.Duration) int {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	return s.wait(within)
}

// wait waits for the process to exit and returns its code.
func (s *server) wait(within time.Duration) int {
	s.t.Helper()
	select {
	case <-s.done:
		return s.code
	case <-time.After(within):
		s.t.Fatalf("serve did not exit within %s\nstderr:\n%s", within, s.stderr)
		return -1
	}
}

func (s *server) get(path string) (int, string) {
	s.t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
