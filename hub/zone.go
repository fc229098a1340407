package hub

import (
	"sync"
	"time"
)

// zones caches loaded time zones by name. time.LoadLocation reads and
// parses the zone file on every call, and an event's zone is needed for
// every occurrence expanded, on every page and in every feed.
var zones sync.Map // name -> *time.Location

// loadZone is time.LoadLocation with a cache. Errors are not cached.
func loadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
