package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestBehindCaddy runs the hub on plain http behind a real Caddy that
// terminates https for hub.test (its own local CA): the hub's links and
// WebFinger use the https public URL, and a signed delivery made to the
// public https address verifies, because Caddy passes the Host on.
func TestBehindCaddy(t *testing.T) {
	caddy, err := exec.LookPath("caddy")
	testkit.Need(t, err == nil, "caddy", "apt install caddy; .ci/run installs Debian's caddy package")
	port := freePort(t)
	public := fmt.Sprintf("https://hub.test:%d", port)
	dir := t.TempDir()
	srv := startServer(t, nil, "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--url", public, "--allow-private-addresses")

	caddyDir := filepath.Join(dir, "caddy")
	caddyfile := filepath.Join(dir, "Caddyfile")
	os.WriteFile(caddyfile, []byte(fmt.Sprintf(`{
	admin off
	auto_https disable_redirects
	skip_install_trust
	storage file_system {
		root %s
	}
}
%s {
	tls internal
	reverse_proxy %s
}
`, caddyDir, public, srv.addr)), 0o600)
	cmd := exec.Command(caddy, "run", "--config", caddyfile, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	var caddyLog bytes.Buffer
	cmd.Stdout, cmd.Stderr = &caddyLog, &caddyLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	// A client that finds hub.test on loopback and trusts Caddy's local CA.
	rootPath := filepath.Join(caddyDir, "pki", "authorities", "local", "root.crt")
	var client *http.Client
	deadline := time.Now().Add(30 * time.Second)
	for {
		if pemBytes, err := os.ReadFile(rootPath); err == nil {
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(pemBytes)
			client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
				TLSClientConfig: &tls.Config{RootCAs: pool},
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, network, fmt.Sprintf("127.0.0.1:%d", port))
				},
			}}
			if resp, err := client.Get(public + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Caddy did not serve https in 30 s:\n%s", caddyLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// WebFinger and pages, through Caddy, speak of the https address.
	status, jrd := getWebFinger(t, client, public+"/.well-known/webfinger?resource="+url.QueryEscape(fmt.Sprintf("acct:hub@hub.test:%d", port)))
	if status != 200 || len(jrd.Links) == 0 || jrd.Links[0].Href != public+"/actor" {
		t.Errorf("WebFinger through Caddy: %d %+v", status, jrd)
	}
	resp, err := client.Get(public + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `rel="canonical" href="`+public+`/"`) {
		t.Errorf("the home page's canonical link is not the https address")
	}

	// A fediverse server delivers a signed Follow to the public address.
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	var remote *httptest.Server
	accepted := make(chan []byte, 1)
	remote = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			select {
			case accepted <- b:
			default:
			}
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": remote.URL + "/users/ann", "type": "Person",
			"preferredUsername": "ann", "inbox": remote.URL + "/users/ann/inbox",
			"publicKey": map[string]any{"id": remote.URL + "/users/ann#main-key", "owner": remote.URL + "/users/ann",
				"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}})
	}))
	t.Cleanup(remote.Close)
	body, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": remote.URL + "/follows/1",
		"type": "Follow", "actor": remote.URL + "/users/ann", "object": public + "/actor"})
	req, _ := http.NewRequest(http.MethodPost, public+"/inbox", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/activity+json")
	if err := (&federation.Signer{KeyID: remote.URL + "/users/ann#main-key", Key: key}).Sign(req, body, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("signed Follow through Caddy: %d %s", resp.StatusCode, msg)
	}
	select {
	case b := <-accepted:
		if !strings.Contains(string(b), `"Accept"`) || !strings.Contains(string(b), public+"/actor") {
			t.Errorf("the hub's answer: %s", b)
		}
	case <-time.After(10 * time.Second):
		t.Error("no Accept from the hub")
	}
}
