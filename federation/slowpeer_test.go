package federation_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
)

// A server that hangs holds at most perHost delivery workers (2 of this
// hub's 4): deliveries to other servers go out meanwhile, and the slow
// server's own deliveries still arrive, a few at a time.
func TestSlowServerDoesNotHoldOthers(t *testing.T) {
	h := newHub(t)
	release := make(chan struct{})
	var slowNow, slowMax, slowGot, fastGot atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fastGot.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(fast.Close)
	for i := range 10 {
		for _, srv := range []*httptest.Server{slow, fast} {
			if err := h.db.Federation().SaveFollower(h.host(), &federation.FollowerRecord{
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
