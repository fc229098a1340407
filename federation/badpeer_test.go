package federation_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

// badPeer is a raw TCP server that reads each request's head and body and
// then misbehaves as answer says. It counts the requests it holds at once.
type badPeer struct {
	ln             net.Listener
	now, max, seen atomic.Int64
	done           chan struct{}
	wg             sync.WaitGroup
}

func newBadPeer(t *testing.T, answer func(c net.Conn, done <-chan struct{})) *badPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &badPeer{ln: ln, done: make(chan struct{})}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				if req.Method == http.MethodGet {
					// The hub asks what the server runs (NodeInfo)
					// before it delivers: not a delivery.
					c.Write([]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
					return
				}
				io.Copy(io.Discard, req.Body)
				p.seen.Add(1)
				n := p.now.Add(1)
				for m := p.max.Load(); n > m && !p.max.CompareAndSwap(m, n); m = p.max.Load() {
				}
				answer(c, p.done)
				p.now.Add(-1)
			}()
		}
	}()
	t.Cleanup(func() { close(p.done); ln.Close(); p.wg.Wait() })
	return p
}

func (p *badPeer) url() string { return "http://" + p.ln.Addr().String() }

// trickle writes s a byte at a time, slowly, until done.
func trickle(c net.Conn, done <-chan struct{}, s string) {
	for i := 0; ; i = (i + 1) % len(s) {
		select {
		case <-done:
			return
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return
		}
	}
}

// Servers that misbehave in each way seen in the wild hold at most 2 of
// this hub's 4 delivery workers (the per-server limit), so deliveries to a
// healthy server all go out promptly meanwhile; and what each answer
// leads to is recorded: an answer with an endless body counts as
// delivered (the hub reads at most 64 KB of it), garbage as a network
// error to retry later.
func TestMisbehavingServersDoNotHoldOthers(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer func(c net.Conn, done <-chan struct{})
		// hubEnds is set where the hub, not the server, ends each
		// delivery (it stops reading, or gives up on garbage). The
		// server then learns of the hang-up only when a later write
		// fails, so its count of deliveries at once lags behind and
		// can exceed the hub's real limit: it is only checked where
		// the server holds the delivery.
		hubEnds bool
		// after checks the bad server's deliveries once the healthy
		// server has all of its own.
		after func(t *testing.T, h *testHub, p *badPeer)
	}{
		{"accepts, never answers", func(c net.Conn, done <-chan struct{}) { <-done }, false, nil},
		{"trickles its status line", func(c net.Conn, done <-chan struct{}) {
			trickle(c, done, "HTTP/1.1 202 Accepted\r\nX-Padding: "+strings.Repeat("z", 1<<20))
		}, false, nil},
		{"trickles its body", func(c net.Conn, done <-chan struct{}) {
			io.WriteString(c, "HTTP/1.1 202 Accepted\r\nContent-Length: 100000\r\n\r\n")
			trickle(c, done, "x")
		}, false, nil},
		{"answers with an endless body", func(c net.Conn, done <-chan struct{}) {
			io.WriteString(c, "HTTP/1.1 202 Accepted\r\nContent-Type: text/html\r\n\r\n")
			chunk := []byte(strings.Repeat("<p>spam</p>", 3000))
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := c.Write(chunk); err != nil {
					return // the hub hung up: it read enough
				}
			}
		}, true, func(t *testing.T, h *testHub, p *badPeer) {
			waitFor(t, "every delivery to the endless server recorded as made", func() bool {
				st, _ := h.svc.FederationStatus(h.host())
				return st != nil && len(st.Pending) == 0 && len(st.Failed) == 0 && p.seen.Load() == 10
			})
		}},
		{"answers garbage", func(c net.Conn, done <-chan struct{}) {
			c.Write([]byte("\x00\x13\x37 this is not HTTP\r\n\r\n"))
		}, true, func(t *testing.T, h *testHub, p *badPeer) {
			waitFor(t, "every delivery to the garbage server tried and queued for a retry", func() bool {
				st, _ := h.svc.FederationStatus(h.host())
				if st == nil || len(st.Pending) != 10 {
					return false
				}
				for _, d := range st.Pending {
					if d.Attempts != 1 || d.LastStatus != 0 || !strings.Contains(d.LastError, "malformed HTTP") {
						return false
					}
				}
				return true
			})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHub(t)
			bad := newBadPeer(t, tt.answer)
			var fastGot atomic.Int64
			fast := acceptingServer(t, &fastGot)
			for i := range 10 {
				for _, base := range []string{bad.url(), fast.URL} {
					if err := h.db.Federation().SaveFollower(h.host(), &hub.FollowerRecord{
						ActorID: fmt.Sprintf("%s/users/%d", base, i), FollowID: fmt.Sprintf("%s/follows/%d", base, i),
						Inbox: fmt.Sprintf("%s/users/%d/inbox", base, i), CreatedAt: time.Now(),
					}); err != nil {
						t.Fatal(err)
					}
				}
			}
			start := time.Now()
			h.event("Seed swap", time.Date(2027, 4, 3, 10, 0, 0, 0, london), "")
			waitFor(t, "every delivery to the healthy server", func() bool { return fastGot.Load() == 10 })
			took := time.Since(start)
			t.Logf("healthy server served in %v; the bad one got %d, at most %d at once", took, bad.seen.Load(), bad.max.Load())
			// Ten deliveries on loopback take tens of milliseconds; a
			// delivery that waited for the queue's next poll (2 s) or for
			// a held worker to give up (15 s) would take longer than 1.5 s.
			if took > 1500*time.Millisecond {
				t.Errorf("the healthy server waited %v", took)
			}
			if got := bad.max.Load(); got > 2 && !tt.hubEnds {
				t.Errorf("%d deliveries to the bad server at once; at most 2 may be", got)
			}
			// The bad server is asked what it runs (NodeInfo) before its
			// first delivery, so that delivery may come a little later.
			waitFor(t, "a delivery to the bad server (without one the test proves nothing)", func() bool { return bad.seen.Load() > 0 })
			if tt.after != nil {
				tt.after(t, h, bad)
			}
		})
	}
}

// A claim skips the inboxes on the servers it is told to, whatever the
// scheme or the case the inbox was written in, and only those.
func TestClaimSkipsBusyServers(t *testing.T) {
	h := newHub(t)
	h.close() // no delivery loop: this test claims by hand
	db, err := storage.Open(context.Background(), h.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, ctx, now := db.Federation(), context.Background(), time.Now()
	inboxes := []string{"https://slow.example/inbox", "http://SLOW.example/users/1/inbox", "https://slow.example.org/inbox",
		"https://other.example/inbox", "https://other.example/x?from=https://slow.example/", "https://slow_x.example/inbox"}
	act := &hub.OutActivity{IRI: "https://hub.example/activities/1", Type: "Create", Public: true, Body: []byte(`{}`), CreatedAt: now}
	if err := st.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: inboxes}); err != nil {
		t.Fatal(err)
	}
	jobs, err := st.ClaimDeliveries(ctx, now, time.Minute, 10, "slow.example", "slow%x.example")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range jobs {
		got = append(got, j.Inbox)
	}
	want := []string{"https://slow.example.org/inbox", "https://other.example/inbox", "https://other.example/x?from=https://slow.example/", "https://slow_x.example/inbox"}
	if !slices.Equal(got, want) {
		t.Errorf("claimed %q, want %q", got, want)
	}
	if rest, _ := st.ClaimDeliveries(ctx, now, time.Minute, 10); len(rest) != 2 {
		t.Errorf("then without skipping: %d, want the 2 skipped", len(rest))
	}
}
