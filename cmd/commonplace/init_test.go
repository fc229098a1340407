package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// init sets up a hub that serve then runs from the config file: its name,
// handle and public address are right, the admin can log in; init refuses
// plain http for a public host and a second set-up.
func TestInitThenServe(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	config := filepath.Join(dir, "etc", "commonplace.toml")
	// Questions answered on standard input, as in a terminal.
	r := runCLI(t, dir, nil, "Hulme Community Hub\nsam@example.org\nSam Patel\n",
		"init", "--data", data, "--config", config, "--url", "https://hub.example", "--addr", "127.0.0.1:0")
	if r.code != 0 {
		t.Fatalf("init: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"@hulme_community_hub@hub.example", "https://hub.example/admin/login", "commonplace serve --config " + config} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("init output lacks %q:\n%s", want, r.stdout)
		}
	}
	password := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(r.stdout)
	if password == nil {
		t.Fatalf("no password printed:\n%s", r.stdout)
	}
	b, _ := os.ReadFile(config)
	for _, want := range []string{`url = "https://hub.example"`, `data = "` + data + `"`, `addr = "127.0.0.1:0"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("config lacks %s:\n%s", want, b)
		}
	}
	checkLogin(t, data, "sam@example.org", password[1])

	srv := startServer(t, nil, "--config", config)
	resp, err := http.Get("http://" + srv.addr + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:hulme_community_hub@hub.example"))
	if err != nil {
		t.Fatal(err)
	}
	var jrd struct {
		Subject string
		Links   []struct{ Rel, Href string }
	}
	json.NewDecoder(resp.Body).Decode(&jrd)
	resp.Body.Close()
	if jrd.Subject != "acct:hulme_community_hub@hub.example" || len(jrd.Links) == 0 || jrd.Links[0].Href != "https://hub.example/actor" {
		t.Errorf("WebFinger behind the configured public address: %+v", jrd)
	}
	srv.stop(10 * time.Second)

	if r := runCLI(t, dir, nil, "", "init", "--data", data, "--config", config, "--url", "https://hub.example", "--name", "Again",
		"--admin-email", "x@example.org", "--admin-name", "X"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("a second init: %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, nil, "", "init", "--data", filepath.Join(dir, "other"), "--url", "http://hub.example", "--name", "X",
		"--admin-email", "x@example.org", "--admin-name", "X"); r.code != 1 || !strings.Contains(r.stderr, "only find hubs served over https") {
		t.Errorf("init with http for a public host: %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, nil, "", "init", "--data", filepath.Join(dir, "third"), "--url", "https://hub.example"); r.code != 2 || !strings.Contains(r.stderr, "--name is needed") {
		t.Errorf("init without answers: %d %s", r.code, r.stderr)
	}
}
