package federation

import (
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// A relayed result's confirmation (netsearch_relay.go), kept across
// searches: the same item of a hub this one does not follow, relayed
// again by a peer within relayConfirmedKeep, is shown from what its
// origin said then instead of being fetched again (a signed GET, the
// dearest part of a network search). It is keyed by the item's id,
// exactly as relayed, and holds only what a signed GET of that id from
// the id's own server gave, so no relay can use it for another id or
// credit it to another origin. It is dropped when the origin's server
// sends a Delete or Update of the item (inbox_delete.go,
// inbox_update.go), and a server this hub blocks is refused before it is
// consulted (confirmRelayed), so a block applies at once; otherwise an
// item deleted or changed at its origin is shown as it was for at most
// relayConfirmedKeep. Failures are not kept: an origin that was down is
// asked again.

const (
	relayConfirmedKeep = 2 * time.Minute
	maxRelayConfirmed  = 2000 // ids kept at most; past it, the expired go, then all
)

// relayConfirmations is the kept confirmations, in a memoryCache bounded
// by maxRelayConfirmed; its zero value is ready, and a nil one keeps
// nothing.
type relayConfirmations struct {
	mu   sync.Mutex // orders put's token check against forget
	gen  uint64     // counts forget calls, so a fetch begun before one is not kept after it
	kept memoryCache[hub.NetworkResult]
}

// get returns id's kept confirmation, unless there is none, it expired at
// now, or it is not of id on id's own server (never so when put kept it).
func (c *relayConfirmations) get(id string, now time.Time) (*hub.NetworkResult, bool) {
	if c == nil {
		return nil, false
	}
	r, ok := c.kept.Get(id, now)
	if !ok || r.URL != id || r.Origin == nil || r.Origin.Host != HostOf(id) {
		return nil, false
	}
	o := *r.Origin
	r.Origin = &o
	return &r, true
}

// token is what put needs: taken before fetching a confirmation.
func (c *relayConfirmations) token() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps r, the confirmation of id fetched from its origin, unless a
// forget came after token was taken, or r is not of id on id's server.
func (c *relayConfirmations) put(id string, r *hub.NetworkResult, token uint64, now time.Time) {
	if c == nil || r == nil || r.URL != id || r.Origin == nil || r.Origin.Host != HostOf(id) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if token != c.gen {
		return
	}
	kept := *r
	o := *r.Origin
	kept.Origin = &o
	c.kept.max = maxRelayConfirmed // set where entries are added, so the zero value is ready
	c.kept.put(id, kept, now.Add(relayConfirmedKeep), now)
}

// forget drops id's confirmation: its origin deleted or changed it.
func (c *relayConfirmations) forget(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.kept.forget(id)
}

// size is how many confirmations are kept, expired ones included.
func (c *relayConfirmations) size() int { return c.kept.len() }
