package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
)

// soakDuration is a minute in CI (and with COMMONPLACE_SOAK=60s), ten
// seconds otherwise.
func soakDuration(t *testing.T) time.Duration {
	if v := os.Getenv("COMMONPLACE_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("COMMONPLACE_SOAK: %v", err)
		}
		return d
	}
	if os.Getenv("CI") != "" {
		return time.Minute
	}
	return 10 * time.Second
}

// rssKB is a process's resident memory.
func rssKB(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestSoakInboundWhileReading: a real hub takes signed deliveries (public
// replies, which it stores as comments, and Likes, which it
// acknowledges) from 4 senders while 4 readers load pages, for a minute
// in CI. Every answer must be a success, and the hub's resident memory at
// the end may exceed what it was after warming up by at most 40 MB.
func TestSoakInboundWhileReading(t *testing.T) {
	if testing.Short() {
		t.Skip("a long test")
	}
	d := soakDuration(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	var remote *httptest.Server
	remote = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams", "id": remote.URL + "/users/reader", "type": "Person",
			"preferredUsername": "reader", "inbox": remote.URL + "/users/reader/inbox",
			"publicKey": map[string]any{"id": remote.URL + "/users/reader#main-key", "owner": remote.URL + "/users/reader",
				"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))},
		})
	}))
	t.Cleanup(remote.Close)
	actor := remote.URL + "/users/reader"
	signer := &federation.Signer{KeyID: actor + "#main-key", Key: key}

	dir := t.TempDir()
	srv := startServer(t, []string{envAllowPrivate + "=1"}, "--data", dir, "--addr", "127.0.0.1:0", "--demo", "--allow-private-addresses")
	base := "http://localhost:" + strings.Split(srv.addr, ":")[1]
	eventIRI := base + "/events/digital-drop-in"
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

	var seq atomic.Int64
	var posts, reads, failures atomic.Int64
	var firstFailure atomic.Value
	fail := func(what string) {
		failures.Add(1)
		firstFailure.CompareAndSwap(nil, what)
	}
	// statusOf sends req and returns the answer's status, its body read
	// and dropped.
	statusOf := func(req *http.Request) (int, error) {
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	deliver := func() {
		n := seq.Add(1)
		var act map[string]any
		if n%2 == 0 {
			act = map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": fmt.Sprintf("%s/activities/%d", actor, n), "type": "Create", "actor": actor,
				"object": map[string]any{"id": fmt.Sprintf("%s/statuses/%d", actor, n), "type": "Note", "attributedTo": actor, "inReplyTo": eventIRI,
					"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "content": fmt.Sprintf("<p>Reply %d: see you there!</p>", n)}}
		} else {
			act = map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": fmt.Sprintf("%s/likes/%d", actor, n), "type": "Like", "actor": actor, "object": eventIRI}
		}
		body, _ := json.Marshal(act)
		req, _ := http.NewRequest(http.MethodPost, "http://"+srv.addr+"/inbox", bytes.NewReader(body))
		req.Host = strings.TrimPrefix(base, "http://")
		req.URL.Host = req.Host // signed for the public host; sent to the bound address
		req.Header.Set("Content-Type", "application/activity+json")
		if err := signer.Sign(req, body, time.Now()); err != nil {
			t.Error(err)
			return
		}
		req.URL.Host = srv.addr
		code, err := statusOf(req)
		if err != nil {
			fail("POST: " + err.Error())
			return
		}
		if code != http.StatusAccepted {
			fail(fmt.Sprintf("POST %s: %d", act["type"], code))
			return
		}
		posts.Add(1)
	}
	pages := []string{"/", "/events", "/events/digital-drop-in", "/guides", "/search?q=tablets", "/commons", "/calendar.ics"}
	read := func(i int) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+srv.addr+pages[i%len(pages)], nil)
		code, err := statusOf(req)
		if err != nil {
			fail("GET: " + err.Error())
			return
		}
		if code != http.StatusOK {
			fail(fmt.Sprintf("GET %s: %d", pages[i%len(pages)], code))
			return
		}
		reads.Add(1)
	}
	run := func(until time.Time) {
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; time.Now().Before(until); i++ {
					if w < 4 {
						deliver()
					} else {
						read(i)
					}
				}
			}()
		}
		wg.Wait()
	}
	run(time.Now().Add(min(5*time.Second, d/4))) // warm up
	warm := rssKB(t, srv.cmd.Process.Pid)
	run(time.Now().Add(d))
	end := rssKB(t, srv.cmd.Process.Pid)
	t.Logf("%v: %d deliveries and %d page loads, %d failures; RSS %d MB after warm-up, %d MB at the end",
		d, posts.Load(), reads.Load(), failures.Load(), warm/1024, end/1024)
	if n := failures.Load(); n > 0 {
		t.Errorf("%d failures, the first: %v\n%s", n, firstFailure.Load(), srv.stderr)
	}
	if end-warm > 40*1024 {
		t.Errorf("resident memory grew from %d MB to %d MB", warm/1024, end/1024)
	}
	if posts.Load() == 0 || reads.Load() == 0 {
		t.Error("nothing was sent or read: the test proves nothing")
	}
}
