package federation

import (
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// KnowNetworkHub records what a refresh would have read of a hub, for
// benchmarks that cannot start hundreds of real ones.
func (f *Federation) KnowNetworkHub(o hub.Origin, area hub.Area, isHub bool, follows []string) {
	f.network.mu.Lock()
	defer f.network.mu.Unlock()
	f.network.entries[o.ActorID] = &networkEntry{origin: o, area: area, isHub: isHub, follows: follows, total: len(follows), checked: f.now()}
	f.network.refreshed = time.Now()
}
