// Package testkit holds what tests in several packages share: building
// the commonplace binary once for a test run, skipping a test (failing it
// in CI) when a program it needs is missing, waiting for a hub to answer,
// and reading a QR code with an independent decoder.
package testkit

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// DecodeQR reads the QR code in a PNG image with zbarimg (Debian's
// zbar-tools), a decoder independent of the hub's encoder; without it the
// test is skipped, or fails in CI.
func DecodeQR(t testing.TB, png []byte) string {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	Need(t, err == nil, "zbarimg", "apt-get install zbar-tools")
	file := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(zbar, "--quiet", "--raw", file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("zbarimg: %v: %s", err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out))
}

// Send makes the request with client (http.DefaultClient when nil) and
// returns the answer's status and body; the test fails when it cannot be
// made or its body cannot be read.
func Send(t testing.TB, client *http.Client, req *http.Request) (int, []byte) {
	t.Helper()
	resp, b := Do(t, client, req)
	return resp.StatusCode, b
}

// Do is Send returning the whole answer, its body read and closed.
func Do(t testing.TB, client *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// Get fetches u with client (http.DefaultClient when nil), as
// http.Client.Get does, and returns the whole answer as Do does.
func Get(t testing.TB, client *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Do(t, client, req)
}

// PostForm posts form to u, URL-encoded, as http.Client.PostForm does,
// and returns the whole answer as Do does.
func PostForm(t testing.TB, client *http.Client, u string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return Do(t, client, req)
}

// GetActivityJSON fetches u asking for ActivityStreams JSON and returns
// the body, whatever the status.
func GetActivityJSON(t testing.TB, u string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	_, b := Send(t, nil, req)
	return b
}
