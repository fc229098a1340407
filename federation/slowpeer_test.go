package federation_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// acceptingServer is a server on 127.0.0.1 that accepts every delivery
// at once, counting them in got.
func acceptingServer(t *testing.T, got *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // NodeInfo: the hub asks what the server runs
			return
		}
		got.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A server that hangs holds at most perHost delivery workers (2 of this
// hub's 4): deliveries to other servers go out meanwhile, and the slow
// server's own deliveries still arrive, a few at a time.
func TestSlowServerDoesNotHoldOthers(t *testing.T) {
	h := newHub(t)
	release := make(chan struct{})
	var slowNow, slowMax, slowGot, fastGot atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // NodeInfo: the hub asks what the server runs
			return
		}
		n := slowNow.Add(1)
		for {
			m := slowMax.Load()
			if n <= m || slowMax.CompareAndSwap(m, n) {
				break
			}
		}
		<-release // hangs until the test lets go
		slowNow.Add(-1)
		slowGot.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	var once sync.Once
	letGo := func() { once.Do(func() { close(release) }) }
	t.Cleanup(func() { letGo(); slow.Close() })
	fast := acceptingServer(t, &fastGot)
	for i := range 10 {
		for _, srv := range []*httptest.Server{slow, fast} {
			if err := h.db.Federation().SaveFollower(h.host(), &hub.FollowerRecord{
				ActorID: fmt.Sprintf("%s/users/%d", srv.URL, i), FollowID: fmt.Sprintf("%s/follows/%d", srv.URL, i),
				Inbox: fmt.Sprintf("%s/users/%d/inbox", srv.URL, i), CreatedAt: time.Now(),
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	h.event("Seed swap", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
	start := time.Now()
	waitFor(t, "every delivery to the fast server while the slow one hangs", func() bool { return fastGot.Load() == 10 })
	t.Logf("fast server served in %v", time.Since(start))
	if got := slowMax.Load(); got > 2 {
		t.Errorf("%d deliveries to the hanging server at once; at most 2 may be", got)
	}
	if slowGot.Load() != 0 {
		t.Fatal("the slow server answered before it was let go: the test proves nothing")
	}
	letGo()
	start = time.Now()
	waitFor(t, "the slow server's deliveries once it answers", func() bool { return slowGot.Load() == 10 })
	t.Logf("slow server served in %v after it answers", time.Since(start))
	if got := slowMax.Load(); got > 2 {
		t.Errorf("%d deliveries to the slow server at once", got)
	}
}

// A peer whose server stops (connection refused, not an HTTP error) for a
// while and comes back on the same port gets every delivery made
// meanwhile, each once, after retries while it was down. The settable
// clock stands in for the minutes the backoff waits.
func TestPeerDownThenBack(t *testing.T) {
	h := newHub(t)
	var mu sync.Mutex
	got := map[string]int{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r) // NodeInfo: the hub asks what the server runs
			return
		}
		var a struct{ ID string }
		json.NewDecoder(r.Body).Decode(&a)
		mu.Lock()
		got[a.ID]++
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})
	received := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	start := func(addr string) (*http.Server, string) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("listening on %s: %v", addr, err)
		}
		srv := &http.Server{Handler: handler}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return srv, ln.Addr().String()
	}
	srv, addr := start("127.0.0.1:0")
	if err := h.db.Federation().SaveFollower(h.host(), &hub.FollowerRecord{
		ActorID: "http://" + addr + "/users/0", FollowID: "http://" + addr + "/follows/0",
		Inbox: "http://" + addr + "/users/0/inbox", SharedInbox: "http://" + addr + "/inbox", CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	h.event("Repair café", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
	waitFor(t, "the first delivery while the peer is up", func() bool { return received() == 1 })

	srv.Close() // the peer goes down
	for i := range 3 {
		h.event(fmt.Sprintf("Repair café %d", i), time.Date(2027, 4, 4+i, 10, 0, 0, 0, london), "")
	}
	var seen string // what the queue last looked like, for the failure message
	attempted := func(n int) func() bool {
		return func() bool {
			st, _ := h.svc.FederationStatus(h.host())
			if st == nil || len(st.Pending) != 3 {
				if st != nil {
					seen = fmt.Sprintf("%d pending, %d failed", len(st.Pending), len(st.Failed))
				}
				return false
			}
			for _, d := range st.Pending {
				// Refused, or, for a delivery that took a kept-alive
				// connection the peer's close had not yet reached, EOF or
				// reset: a network failure, not an HTTP answer.
				if d.Attempts != n || d.LastStatus != 0 || !networkFailure(d.LastError) {
					seen = fmt.Sprintf("a delivery with %d attempts, status %d, error %q", d.Attempts, d.LastStatus, d.LastError)
					return false
				}
			}
			return true
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the queue last looked like: %s", seen)
		}
	})
	waitFor(t, "a failed attempt at each while the peer is down", attempted(1))
	h.clock.advance(3 * time.Minute) // past the first retry's wait (at most 76 s)
	waitFor(t, "a second failed attempt at each", attempted(2))

	start(addr)                      // back, on the same port
	h.clock.advance(3 * time.Minute) // past the second retry's wait (at most 121 s)
	// The delivery loop's poll (every 2 s) finds them due.
	waitFor(t, "all three once the peer is back", func() bool { return received() == 4 })
	waitFor(t, "the queue empty", func() bool {
		st, _ := h.svc.FederationStatus(h.host())
		return st != nil && len(st.Pending) == 0 && len(st.Failed) == 0
	})
	mu.Lock()
	defer mu.Unlock()
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
}

// Peers that answer a 50 MB error page or a redirect loop do not hold up
// deliveries to a healthy peer; each of their deliveries is recorded as a
// failed attempt, to be retried. (Bytes that are not HTTP and endless
// bodies are in TestMisbehavingServersDoNotHoldOthers.)
func TestGarbagePeersDoNotHoldOthers(t *testing.T) {
	h := newHub(t)
	junk := make([]byte, 1<<20)
	for i := range junk {
		junk[i] = byte('a' + i%26)
	}
	hugeError := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		for range 50 {
			if _, err := w.Write(junk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(hugeError.Close)
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(loop.Close)
	var fastGot atomic.Int64
	fast := acceptingServer(t, &fastGot)

	garbage := map[string]string{hugeError.URL: "50 MB error page", loop.URL: "redirect loop"}
	for i := range 5 {
		for base := range garbage {
			saveFollower(t, h, base, i)
		}
		saveFollower(t, h, fast.URL, i)
	}
	h.event("Seed swap", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
	waitFor(t, "every delivery to the healthy peer", func() bool { return fastGot.Load() == 5 })
	// Each garbage peer's deliveries fail and wait for a retry.
	waitFor(t, "a failed attempt at every garbage peer's inbox", func() bool {
		st, _ := h.svc.FederationStatus(h.host())
		if st == nil {
			return false
		}
		failed := map[string]int{}
		for _, d := range st.Pending {
			if d.Attempts > 0 && d.LastError != "" {
				for base := range garbage {
					if strings.HasPrefix(d.Inbox, base+"/") {
						failed[base]++
					}
				}
			}
		}
		return len(failed) == len(garbage)
	})
	st, _ := h.svc.FederationStatus(h.host())
	for _, d := range st.Pending {
		for base, name := range garbage {
			if strings.HasPrefix(d.Inbox, base+"/") && d.Attempts > 0 {
				t.Logf("%s: status %d, %q", name, d.LastStatus, d.LastError)
			}
		}
	}
}

func saveFollower(t *testing.T, h *testHub, base string, i int) {
	t.Helper()
	if err := h.db.Federation().SaveFollower(h.host(), &hub.FollowerRecord{
		ActorID: fmt.Sprintf("%s/users/%d", base, i), FollowID: fmt.Sprintf("%s/follows/%d", base, i),
		Inbox: fmt.Sprintf("%s/users/%d/inbox", base, i), CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
}

// networkFailure reports whether a delivery's error is the peer being
// unreachable: refused, or a connection it closed (EOF, reset).
func networkFailure(msg string) bool {
	for _, m := range []string{"connection refused", "EOF", "connection reset by peer"} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
