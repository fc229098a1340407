package federation

import (
	"fmt"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// A server that meets hosts without end (a flood of signed requests from
// made-up hosts, each looked up) does not grow the software book past its
// bound; the newest answer is always kept.
func TestSoftwareBookIsBounded(t *testing.T) {
	b := newSoftwareBook(nil, nil, "test", time.Now, nil)
	for i := range maxKnownServers + 500 {
		host := fmt.Sprintf("h%d.example", i)
		b.mu.Lock()
		b.remember(host, hub.ServerSoftware{Host: host, Name: "mastodon"})
		b.mu.Unlock()
		if _, ok := b.known[host]; !ok {
			t.Fatalf("%s was not kept", host)
		}
	}
	if n := len(b.known); n != maxKnownServers {
		t.Fatalf("the book holds %d servers, want at most %d", n, maxKnownServers)
	}
	// Remembering a server already known again forgets nobody.
	b.mu.Lock()
	b.remember("h4500.example", hub.ServerSoftware{Host: "h4500.example", Name: "gotosocial"})
	b.mu.Unlock()
	if n := len(b.known); n != maxKnownServers {
		t.Fatalf("after an update the book holds %d servers", n)
	}
}

// A thousand refused requests while a Follow is pending schedule one late
// look at the pending Follows, not a thousand timers.
func TestRefusalsScheduleOneLateWake(t *testing.T) {
	ps := &peers{wake: make(chan struct{}, 1000)}
	for range 1000 {
		ps.wakeLater(50 * time.Millisecond)
	}
	select {
	case <-ps.wake:
	case <-time.After(5 * time.Second):
		t.Fatal("the late wake never came")
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(ps.wake); n != 0 {
		t.Fatalf("%d more wakes came: one timer per refusal", n)
	}
	// Once it has fired, a new refusal schedules a new look.
	ps.wakeLater(10 * time.Millisecond)
	select {
	case <-ps.wake:
	case <-time.After(5 * time.Second):
		t.Fatal("a refusal after the first wake scheduled nothing")
	}
}
