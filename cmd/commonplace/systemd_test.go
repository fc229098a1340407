package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The systemd unit in docs/ runs serve from the config file init writes,
// as its own user, sandboxed, restarted on failure, within a small VPS's
// memory. systemd-analyze checks it too where systemd is installed.
func TestSystemdUnit(t *testing.T) {
	const path = "../../docs/systemd/commonplace.service"
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Errorf("not a key=value line: %q", line)
				continue
			}
			got[section+"."+k] = append(got[section+"."+k], v)
		}
	}
	for key, want := range map[string]string{
		"Service.ExecStart":       "/usr/local/bin/commonplace serve --config /var/lib/commonplace/commonplace.toml",
		"Service.User":            "commonplace",
		"Service.StateDirectory":  "commonplace",
		"Service.Restart":         "on-failure",
		"Service.NoNewPrivileges": "yes",
		"Service.ProtectSystem":   "strict",
		"Service.ProtectHome":     "yes",
		"Service.PrivateTmp":      "yes",
		"Service.MemoryMax":       "384M",
		// serve exits 3 when restarting cannot help; 2 is a usage error.
		"Service.RestartPreventExitStatus": fmt.Sprintf("%d %d", exitUsage, exitCannotRun),
		// Ports 80 and 443 for ACME, and no other privilege.
		"Service.AmbientCapabilities":   "CAP_NET_BIND_SERVICE",
		"Service.CapabilityBoundingSet": "CAP_NET_BIND_SERVICE",
		"Install.WantedBy":              "multi-user.target",
	} {
		if v := got[key]; len(v) != 1 || v[0] != want {
			t.Errorf("%s = %q, want %q", key, v, want)
		}
	}
	// serve must accept the flags the unit gives it.
	if r := runCLI(t, t.TempDir(), nil, "", "serve", "--help"); !strings.Contains(r.stderr+r.stdout, "-config") {
		t.Errorf("serve --help does not mention --config:\n%s%s", r.stdout, r.stderr)
	}
	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		out, err := exec.Command(analyze, "verify", path).CombinedOutput()
		// The binary and user do not exist here; only syntax errors count.
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "Unknown key") || strings.Contains(line, "Invalid") || strings.Contains(line, "Failed to parse") {
				t.Errorf("systemd-analyze: %s (%v)", line, err)
			}
		}
	}
}
