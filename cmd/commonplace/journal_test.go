package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Lines for the journal start with their syslog priority and carry no
// time of their own; attributes added with With keep the priority.
func TestJournalHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(newJournalHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Debug("d")
	logger.Info("listening", "addr", "127.0.0.1:8080")
	logger.With("peer", "x").Warn("slow")
	logger.WithGroup("g").Error("failed", "error", "boom")
	want := "<7>level=DEBUG msg=d\n" +
		"<6>level=INFO msg=listening addr=127.0.0.1:8080\n" +
		"<4>level=WARN msg=slow peer=x\n" +
		"<3>level=ERROR msg=failed g.error=boom\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// serve started by systemd (JOURNAL_STREAM naming its stderr) writes
// journal lines; with stderr elsewhere it keeps the usual time stamps.
func TestServeLogsForTheJournal(t *testing.T) {
	for _, tt := range []struct {
		name    string
		journal bool
		prefix  string
	}{
		{"stderr is the journal", true, "<6>level=INFO msg=listening "},
		{"stderr is a file", false, "time="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			logPath := filepath.Join(dir, "stderr")
			f, err := os.Create(logPath)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			env := cliEnv()
			if tt.journal {
				var st syscall.Stat_t
				if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
					t.Fatal(err)
				}
				env = append(env, fmt.Sprintf("JOURNAL_STREAM=%d:%d", st.Dev, st.Ino))
			} else {
				env = append(env, "JOURNAL_STREAM=1:1")
			}
			cmd := exec.Command(binary, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0")
			cmd.Env, cmd.Stderr = env, f
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var logged string
			within(t, 20*time.Second, "serve logging that it listens", func() bool {
				b, _ := os.ReadFile(logPath)
				logged = string(b)
				return strings.Contains(logged, "msg=listening")
			})
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
			for _, line := range strings.Split(strings.TrimSpace(logged), "\n") {
				if strings.Contains(line, "msg=listening") && !strings.HasPrefix(line, tt.prefix) {
					t.Errorf("line %q does not start with %q", line, tt.prefix)
				}
				if tt.journal && strings.Contains(line, "time=") {
					t.Errorf("a journal line with its own time: %q", line)
				}
			}
		})
	}
}
