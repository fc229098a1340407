// Package qrtest reads QR codes back in tests with zbarimg (Debian's
// zbar-tools), a decoder independent of the one that drew them.
package qrtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Zbarimg is the path of zbarimg. Without it the test is skipped, or
// fails under CI (CI set), where it must be installed.
func Zbarimg(t testing.TB) string {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zbarimg (Debian's zbar-tools) is needed in CI: apt-get install zbar-tools")
		}
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	return zbar
}

// Decode is what the QR code in the PNG image png says, as zbarimg reads
// it (see Zbarimg for a machine without it).
func Decode(t testing.TB, png []byte) string {
	t.Helper()
	zbar := Zbarimg(t)
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
