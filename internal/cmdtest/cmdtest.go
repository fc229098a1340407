// Package cmdtest holds what the tests that run the commonplace binary
// share: building it once for a test run, and skipping a test (failing it
// in CI) when a program it needs is missing.
package cmdtest

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// GoTool is the go command: the one on PATH, else $GOROOT/bin/go.
func GoTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// Main is a TestMain: it builds the main package pkg (a path as go build
// takes it) with the sqlite_fts5 tag into a temporary folder, sets
// *binary to it, runs the tests and exits with their code, having removed
// the folder. With GOCOVERDIR set the binary is built with -cover, so
// that go tool covdata can measure what it runs.
func Main(m *testing.M, pkg string, binary *string) {
	dir, err := os.MkdirTemp("", "commonplace-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*binary = filepath.Join(dir, "commonplace")
	args := []string{"build", "-tags", "sqlite_fts5", "-o", *binary}
	if os.Getenv("GOCOVERDIR") != "" {
		args = append(args, "-cover")
	}
	build := exec.Command(GoTool(), append(args, pkg)...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building commonplace:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Need skips the test when ok is false, saying what is missing and how
// to install it; in CI (CI set), where a skipped test would hide a broken
// product, it fails the test instead.
func Need(t testing.TB, ok bool, what, install string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing; CI must install it (%s)", what, install)
	}
	t.Skipf("%s is missing (%s)", what, install)
}

// WaitHealthy asks base+"/healthz" until it answers 200 and returns nil,
// or returns the last problem once within has passed.
func WaitHealthy(base string, within time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(within)
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
