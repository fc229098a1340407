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

// relayConfirmations is the kept confirmations; its zero value is ready,
// and a nil one keeps nothing.
type relayConfirmations struct {
	mu      sync.Mutex
	entries map[string]keptConfirmation
	gen     uint64 // counts forget calls, so a fetch begun before one is not kept after it
}

type keptConfirmation struct {
	r       hub.NetworkResult
	expires time.Time
}

// get returns id's kept confirmation, unless there is none, it expired at
// now, or it is not of id on id's own server (never so when put kept it).
func (c *relayConfirmations) get(id string, now time.Time) (*hub.NetworkResult, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.entries[id]
	if !ok || !now.Before(k.expires) || k.r.URL != id || k.r.Origin == nil || k.r.Origin.Host != HostOf(id) {
		return nil, false
	}
	r := k.r
	o := *k.r.Origin
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
	if c.entries == nil {
		c.entries = map[string]keptConfirmation{}
	}
	if len(c.entries) >= maxRelayConfirmed {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxRelayConfirmed {
			clear(c.entries)
		}
	}
	kept := *r
	o := *r.Origin
	kept.Origin = &o
	c.entries[id] = keptConfirmation{kept, now.Add(relayConfirmedKeep)}
}

// forget drops id's confirmation: its origin deleted or changed it.
func (c *relayConfirmations) forget(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, id)
}

// size is how many confirmations are kept, expired ones included.
func (c *relayConfirmations) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
