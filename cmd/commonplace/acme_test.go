package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The ACME tests run Let's Encrypt's own test server, Pebble, with its DNS
// stub pebble-challtestsrv answering 127.0.0.1 for every name. Pebble
// really validates: it connects back to the hub for the tls-alpn-01 or
// http-01 challenge, at the ports its config names.

// acmeLab is a running Pebble and DNS stub.
type acmeLab struct {
	directory string         // Pebble's ACME directory URL
	caFile    string         // trust root for Pebble's own https (SSL_CERT_FILE for the hub)
	roots     *x509.CertPool // Pebble's issuing root, for clients of the hub
	log       *syncBuffer
}

// acmeTools are Pebble and its DNS stub, built once per test run (go.mod's
// tool block pins them) next to the commonplace binary.
var acmeTools struct {
	once            sync.Once
	pebble, dnsStub string
	err             error
}

func buildACMETools(t *testing.T) (pebble, dnsStub string) {
	t.Helper()
	acmeTools.once.Do(func() {
		dir := filepath.Dir(binary) // removed by TestMain
		build := func(pkg string) string {
			out := filepath.Join(dir, filepath.Base(pkg))
			cmd := exec.Command(goTool, "build", "-o", out, pkg)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if b, err := cmd.CombinedOutput(); err != nil && acmeTools.err == nil {
				acmeTools.err = fmt.Errorf("building %s: %v\n%s", pkg, err, b)
			}
			return out
		}
		acmeTools.pebble = build("github.com/letsencrypt/pebble/v2/cmd/pebble")
		acmeTools.dnsStub = build("github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv")
	})
	if acmeTools.err != nil {
		t.Fatal(acmeTools.err)
	}
	return acmeTools.pebble, acmeTools.dnsStub
}

// selfSigned writes a self-signed ECDSA certificate for 127.0.0.1 and
// returns the certificate and key file paths.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pebble test listener"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

// startPebble runs Pebble validating tls-alpn-01 at tlsPort and http-01
// at httpPort on 127.0.0.1.
func startPebble(t *testing.T, httpPort, tlsPort int) *acmeLab {
	t.Helper()
	dir := t.TempDir()
	pebble, dnsStub := buildACMETools(t)
	certFile, keyFile := selfSigned(t, dir)
	lab := &acmeLab{caFile: certFile, log: &syncBuffer{}}

	dnsAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	stub := exec.Command(dnsStub, "-dnsserver", dnsAddr, "-management", fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		"-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
		"-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "")
	stub.Stdout, stub.Stderr = lab.log, lab.log
	if err := stub.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stub.Process.Kill(); stub.Wait() })

	listen, manage := freePort(t), freePort(t)
	config := map[string]any{"pebble": map[string]any{
		"listenAddress":                  fmt.Sprintf("127.0.0.1:%d", listen),
		"managementListenAddress":        fmt.Sprintf("127.0.0.1:%d", manage),
		"certificate":                    certFile,
		"privateKey":                     keyFile,
		"httpPort":                       httpPort,
		"tlsPort":                        tlsPort,
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": false,
		"retryAfter":                     map[string]int{"authz": 1, "order": 1},
		"profiles":                       map[string]any{"default": map[string]any{"description": "default", "validityPeriod": 7776000}},
	}}
	b, _ := json.Marshal(config)
	configFile := filepath.Join(dir, "pebble.json")
	os.WriteFile(configFile, b, 0o600)
	cmd := exec.Command(pebble, "-config", configFile, "-dnsserver", dnsAddr)
	// No random sleeps or nonce rejections, and a fresh validation for
	// every order, so each run exercises the same path.
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0")
	cmd.Stdout, cmd.Stderr = lab.log, lab.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	// Pebble makes a new issuing root at each start; clients of the hub
	// trust it, as browsers trust Let's Encrypt's.
	caPEM, _ := os.ReadFile(certFile)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/roots/0", manage))
		if err == nil {
			root, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				lab.roots = x509.NewCertPool()
				if !lab.roots.AppendCertsFromPEM(root) {
					t.Fatalf("Pebble's root is not PEM: %q", root)
				}
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pebble did not start in 30 s (%v):\n%s", err, lab.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	lab.directory = fmt.Sprintf("https://127.0.0.1:%d/dir", listen)
	return lab
}

// hubClient reaches hub.test on loopback and trusts only roots.
func hubClient(roots *x509.CertPool) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, _ := net.SplitHostPort(addr)
				return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// TestACMECertificates: `serve --acme` obtains a certificate from a real
// ACME server, which validates by connecting back to the hub, and serves
// https with it; port-80 traffic is redirected; a restart reuses the
// cached certificate.
func TestACMECertificates(t *testing.T) {
	for _, tc := range []struct {
		name      string
		challenge string // the one Pebble can complete
	}{
		// autocert prefers tls-alpn-01 on the https port.
		{"tls-alpn-01", "tls-alpn-01"},
		// When the https port is not reachable from the CA (Pebble checks a
		// closed port), it falls back to http-01 on the http port.
		{"http-01", "http-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			httpsPort, httpPort, closed := freePort(t), freePort(t), freePort(t)
			var lab *acmeLab
			if tc.challenge == "tls-alpn-01" {
				lab = startPebble(t, closed, httpsPort)
			} else {
				lab = startPebble(t, httpPort, closed)
			}
			public := fmt.Sprintf("https://hub.test:%d", httpsPort)
			data := filepath.Join(t.TempDir(), "data")
			args := []string{"--data", data, "--acme", "--acme-directory", lab.directory, "--acme-email", "admin@hub.test",
				"--addr", fmt.Sprintf("127.0.0.1:%d", httpsPort), "--acme-http-addr", fmt.Sprintf("127.0.0.1:%d", httpPort),
				"--url", public}
			env := []string{"SSL_CERT_FILE=" + lab.caFile}
			srv := tryServer(t, env, args...)
			if srv.addr == "" {
				t.Fatalf("serve exited with %d\n%s", srv.code, srv.stderr)
			}
			client := hubClient(lab.roots)
			var resp *http.Response
			var err error
			deadline := time.Now().Add(60 * time.Second)
			for {
				resp, err = client.Get(public + "/healthz")
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no https within 60 s: %v\nhub:\n%s\npebble:\n%s", err, srv.stderr, lab.log)
				}
				time.Sleep(200 * time.Millisecond)
			}
			resp.Body.Close()
			leaf := resp.TLS.PeerCertificates[0]
			if resp.StatusCode != 200 || leaf.VerifyHostname("hub.test") != nil {
				t.Fatalf("https answer %d with a certificate for %v", resp.StatusCode, leaf.DNSNames)
			}
			if !strings.Contains(srv.stderr.String(), "https certificate ready") {
				// The first-certificate loop logs once the order completes.
				waitLog(t, srv, "https certificate ready", 10*time.Second)
			}
			// Pebble could only reach the one port, so the certificate
			// proves that challenge worked; the log shows which were tried.
			pebbleLog := lab.log.String()
			triedHTTP := strings.Contains(pebbleLog, fmt.Sprintf("validate w/ HTTP: http://hub.test:%d/.well-known/acme-challenge/", httpPort))
			if tc.challenge == "http-01" && !triedHTTP {
				t.Errorf("Pebble did not validate over http at the hub's http port:\n%s", pebbleLog)
			}
			if tc.challenge == "tls-alpn-01" && (triedHTTP || strings.Contains(pebbleLog, "set INVALID")) {
				t.Errorf("tls-alpn-01 was not the first and only challenge:\n%s", pebbleLog)
			}

			// WebFinger and pages speak of the https address.
			resp, err = client.Get(public + "/.well-known/webfinger?resource=" + url.QueryEscape(fmt.Sprintf("acct:hub@hub.test:%d", httpsPort)))
			if err != nil {
				t.Fatal(err)
			}
			var jrd struct{ Links []struct{ Rel, Href string } }
			json.NewDecoder(resp.Body).Decode(&jrd)
			resp.Body.Close()
			if resp.StatusCode != 200 || len(jrd.Links) == 0 || jrd.Links[0].Href != public+"/actor" {
				t.Errorf("WebFinger over https: %d %+v", resp.StatusCode, jrd)
			}

			// Plain http: a redirect to the same path on the https address;
			// other names' challenges are refused.
			plain := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
			resp, err = client.Get(plain + "/events?page=2")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != public+"/events?page=2" {
				t.Errorf("http answer %d Location %q, want 301 to %s/events?page=2", resp.StatusCode, resp.Header.Get("Location"), public)
			}
			req, _ := http.NewRequest("GET", plain+"/.well-known/acme-challenge/abc", nil)
			req.Host = "other.example"
			resp, err = client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("a challenge for another name: %d, want 403", resp.StatusCode)
			}
			// TLS for a name that is not the hub's gets no certificate.
			conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", httpsPort), &tls.Config{ServerName: "other.example", InsecureSkipVerify: true})
			if err == nil {
				conn.Close()
				t.Errorf("a TLS handshake for other.example succeeded")
			}

			// The certificate and account key are kept, private, in the
			// data folder; a restart serves the same certificate without a
			// new order.
			if fi, err := os.Stat(filepath.Join(data, "acme")); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("certificate folder: %v %v", fi, err)
			}
			if code := srv.stop(15 * time.Second); code != 0 {
				t.Fatalf("serve exited with %d\n%s", code, srv.stderr)
			}
			orders := strings.Count(lab.log.String(), "POST /finalize-order/")
			srv = tryServer(t, env, args...)
			if srv.addr == "" {
				t.Fatalf("serve exited with %d on restart\n%s", srv.code, srv.stderr)
			}
			waitLog(t, srv, "https certificate ready", 10*time.Second)
			resp, err = client.Get(public + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if again := resp.TLS.PeerCertificates[0]; again.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
				t.Errorf("after a restart the hub got a new certificate instead of using the one it had")
			}
			if n := strings.Count(lab.log.String(), "POST /finalize-order/"); n != orders {
				t.Errorf("a restart finalized %d new orders", n-orders)
			}
			srv.stop(15 * time.Second)
		})
	}
}

// TestACMERefusesWhatCannotWork: --acme without a domain name in an
// https public URL stops at once with a message saying what to give.
func TestACMERefusesWhatCannotWork(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"http://hub.example.org", "need an https public URL"},
		{"https://203.0.113.5", "need a domain name"},
		{"https://localhost:8443", "need a domain name"},
	} {
		srv := tryServer(t, nil, "--data", filepath.Join(t.TempDir(), "data"), "--acme", "--addr", "127.0.0.1:0",
			"--acme-http-addr", "127.0.0.1:0", "--url", tc.url)
		if srv.addr != "" {
			t.Errorf("%s: serve started", tc.url)
			continue
		}
		if srv.code != exitCannotRun || !strings.Contains(srv.stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want a message containing %q", tc.url, srv.code, srv.stderr, tc.want)
		}
	}
}

// TestACMEHubUnreachable: when the certificate authority cannot reach
// the hub (DNS or firewall wrong), the hub keeps running, logs what to
// check, and plain http still answers with the redirect.
func TestACMEHubUnreachable(t *testing.T) {
	httpsPort, httpPort := freePort(t), freePort(t)
	lab := startPebble(t, freePort(t), freePort(t)) // both challenges go to closed ports
	srv := tryServer(t, []string{"SSL_CERT_FILE=" + lab.caFile}, "--data", filepath.Join(t.TempDir(), "data"), "--acme",
		"--acme-directory", lab.directory, "--addr", fmt.Sprintf("127.0.0.1:%d", httpsPort),
		"--acme-http-addr", fmt.Sprintf("127.0.0.1:%d", httpPort), "--url", "https://hub.test")
	if srv.addr == "" {
		t.Fatalf("serve exited with %d\n%s", srv.code, srv.stderr)
	}
	waitLog(t, srv, "could not reach the hub: check that the domain's DNS points at this server", 30*time.Second)
	if !strings.Contains(srv.stderr.String(), "retry_in=1m0s") {
		t.Errorf("no retry announced:\n%s", srv.stderr)
	}
	resp, err := hubClient(nil).Get(fmt.Sprintf("http://127.0.0.1:%d/about", httpPort))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://hub.test/about" {
		t.Errorf("http answer %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code := srv.stop(15 * time.Second); code != 0 {
		t.Errorf("serve exited with %d", code)
	}
}

// waitLog waits until the server has logged want.
func waitLog(t *testing.T, srv *server, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(srv.stderr.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the hub did not log %q within %s:\n%s", want, within, srv.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
