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
	// The https question gets a wrong answer first, then "behind a proxy".
	r := runCLI(t, dir, nil, "Hulme Community Hub\nsam@example.org\nSam Patel\n3\n2\n",
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
	for _, want := range []string{`url = "https://hub.example"`, `data = "` + data + `"`, `addr = "127.0.0.1:0"`, `trusted_proxies = "127.0.0.1,::1"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("config lacks %s:\n%s", want, b)
		}
	}
	checkLogin(t, data, "sam@example.org", password[1])

	srv := startServer(t, nil, "--config", config)
	_, jrd := getWebFinger(t, http.DefaultClient, "http://"+srv.addr+"/.well-known/webfinger?resource="+url.QueryEscape("acct:hulme_community_hub@hub.example"))
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

// init --https acme writes a config that serves https itself on the
// standard ports, with the admin's address as the ACME contact; serve run
// from it is in ACME mode (flags override the ports here).
func TestInitACME(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	config := filepath.Join(dir, "commonplace.toml")
	r := runCLI(t, dir, nil, "", "init", "--data", data, "--config", config, "--url", "https://hub.example.org", "--https", "acme",
		"--name", "Hulme", "--admin-email", "sam@example.org", "--admin-name", "Sam")
	if r.code != 0 {
		t.Fatalf("init: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "ports 80 and 443 must be open") {
		t.Errorf("init does not say what ACME needs:\n%s", r.stdout)
	}
	b, _ := os.ReadFile(config)
	for _, want := range []string{`addr = ":443"`, `acme = true`, `acme_email = "sam@example.org"`, `acme_http_addr = ":80"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("config lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "trusted_proxies") {
		t.Errorf("an ACME hub has no proxy to trust:\n%s", b)
	}
	srv := tryServer(t, nil, "--config", config, "--addr", "127.0.0.1:0", "--acme-http-addr", "127.0.0.1:0",
		"--acme-directory", "https://127.0.0.1:1/directory")
	if srv.addr == "" {
		t.Fatalf("serve exited with %d\n%s", srv.code, srv.stderr)
	}
	waitLog(t, srv, "https://127.0.0.1:1/directory could not be reached", 10*time.Second)
	if !strings.Contains(srv.stderr.String(), "https=acme") {
		t.Errorf("serve from the config is not in ACME mode:\n%s", srv.stderr)
	}
	srv.stop(10 * time.Second)

	for _, tc := range []struct{ url, https, want string }{
		{"https://hub.example.org", "letsencrypt", "--https is acme or proxy"},
		{"https://192.0.2.7", "acme", "need a domain name"},
	} {
		r := runCLI(t, dir, nil, "", "init", "--data", filepath.Join(dir, tc.https+"x"), "--url", tc.url, "--https", tc.https,
			"--name", "X", "--admin-email", "x@example.org", "--admin-name", "X")
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("init --url %s --https %s: %d %s", tc.url, tc.https, r.code, r.stderr)
		}
	}
}

// webFinger is the part of a WebFinger document the tests read.
type webFinger struct {
	Subject string
	Links   []struct{ Rel, Href string }
}

// getWebFinger fetches a WebFinger document with client and returns the
// status and what it says.
func getWebFinger(t *testing.T, client *http.Client, url string) (int, webFinger) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	var jrd webFinger
	json.NewDecoder(resp.Body).Decode(&jrd)
	resp.Body.Close()
	return resp.StatusCode, jrd
}
