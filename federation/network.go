package federation

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/commonplace-hub/commonplace/hub"
)

// The network: what the hub reads of the hubs it follows and that follow
// it (their actors, with name and area, and their public following
// collections), kept in memory and refreshed in the background, so that
// the network page never waits on a peer. Every read goes through
// fetchDoc: signed, refusing private addresses and blocked servers,
// 1 MB and 10 s at most.

const (
	networkRefresh      = time.Hour // how often the network is read again
	networkMinGap       = 5 * time.Second
	maxNetworkMembers   = 500 // hubs followed and following read per refresh
	maxNetworkPages     = 5   // pages of one following collection read
	maxSuggestedLookups = 50  // actors of suggested hubs read per refresh
	maxAreaName         = 200 // characters of a peer's area name kept
	commonplaceSoftware = "commonplace"
)

// networkEntry is what was last read of one hub.
type networkEntry struct {
	origin  hub.Origin
	area    hub.Area
	isHub   bool     // its server runs Commonplace (NodeInfo)
	follows []string // actor IRIs from its following collection
	total   int      // what its following collection says it holds
	problem string
	checked time.Time
}

// networkBook keeps the network as last read.
type networkBook struct {
	refreshMu sync.Mutex // one refresh at a time
	mu        sync.Mutex
	entries   map[string]*networkEntry
	refreshed time.Time
	wake      chan struct{}
}

func newNetworkBook() *networkBook {
	return &networkBook{entries: map[string]*networkEntry{}, wake: make(chan struct{}, 1)}
}

func (b *networkBook) snapshot() (map[string]networkEntry, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]networkEntry, len(b.entries))
	for k, v := range b.entries {
		out[k] = *v
	}
	return out, b.refreshed
}

func (b *networkBook) poke() { nudge(b.wake) }

// networkLoop reads the network at start, every networkRefresh, and
// when the page finds it never read.
func (f *Federation) networkLoop(ctx context.Context) {
	tick := time.NewTicker(networkRefresh)
	defer tick.Stop()
	for {
		f.RefreshNetwork(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(networkMinGap): // a page cannot make it read peers more often
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-f.network.wake:
		}
	}
}

// members are the accepted peers this hub follows and its accepted
// followers' actor IRIs.
func (f *Federation) networkMembers(ctx context.Context) ([]*hub.Followed, []*hub.FollowerRecord, error) {
	var followed []*hub.Followed
	if f.commons != nil {
		list, err := f.commons.FollowedList(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range list {
			if p.State == hub.PeerAccepted && len(followed) < maxNetworkMembers {
				followed = append(followed, p)
			}
		}
	}
	followers, _, err := f.store.Followers(ctx, false, maxNetworkMembers, 0)
	return followed, followers, err
}

// RefreshNetwork reads again the actors and following collections of the
// hubs this hub follows and of its followers that are hubs, then the
// actors of the hubs those follow (at most maxSuggestedLookups), and
// keeps what it read. A peer that cannot be read keeps what was last
// read of it, with the problem.
func (f *Federation) RefreshNetwork(ctx context.Context) {
	f.network.refreshMu.Lock()
	defer f.network.refreshMu.Unlock()
	followed, followers, err := f.networkMembers(ctx)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Warn("reading the network", "err", err)
		}
		return
	}
	old, _ := f.network.snapshot()
	fresh := map[string]*networkEntry{}
	// Each step reads its hubs networkReaders at a time; a slow peer
	// holds one reader, not the round.
	var tasks []func() (string, *networkEntry)
	for _, p := range followed {
		tasks = append(tasks, func() (string, *networkEntry) { return p.ActorID, f.readNetworkHub(ctx, p.ActorID, old, true) })
	}
	seen := map[string]bool{}
	for _, p := range followed {
		seen[p.ActorID] = true
	}
	for _, fo := range followers {
		if seen[fo.ActorID] {
			continue
		}
		seen[fo.ActorID] = true
		tasks = append(tasks, func() (string, *networkEntry) {
			if f.serverRuns(ctx, fo.ActorID) != commonplaceSoftware {
				// A person's account, or another server's: not read, not shown.
				return fo.ActorID, &networkEntry{origin: hub.Origin{ActorID: fo.ActorID, Host: HostOf(fo.ActorID)}, checked: f.now()}
			}
			return fo.ActorID, f.readNetworkHub(ctx, fo.ActorID, old, true)
		})
	}
	runNetworkTasks(tasks, fresh)
	tasks = nil
	for _, p := range followed {
		for _, id := range fresh[p.ActorID].follows {
			if seen[id] || id == f.ActorID() || len(tasks) >= maxSuggestedLookups {
				continue
			}
			seen[id] = true
			tasks = append(tasks, func() (string, *networkEntry) { return id, f.readNetworkHub(ctx, id, old, false) })
		}
	}
	runNetworkTasks(tasks, fresh)
	if ctx.Err() != nil {
		return
	}
	f.network.mu.Lock()
	f.network.entries, f.network.refreshed = fresh, f.now()
	f.network.mu.Unlock()
}

// networkReaders is how many hubs a refresh reads at once.
const networkReaders = 4

// runNetworkTasks runs tasks networkReaders at a time and keeps what each
// read in into.
func runNetworkTasks(tasks []func() (string, *networkEntry), into map[string]*networkEntry) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, networkReaders)
	for _, task := range tasks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			id, e := task()
			mu.Lock()
			into[id] = e
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// serverRuns is the NodeInfo software name of the server of an IRI.
func (f *Federation) serverRuns(ctx context.Context, iri string) string {
	scheme, _, _ := strings.Cut(iri, "://")
	if f.refusedHost(ctx, HostOf(iri)) {
		return ""
	}
	return f.software.lookup(ctx, strings.ToLower(scheme), HostOf(iri)).Name
}

// readNetworkHub reads one hub's actor, and its following collection when
// withFollowing and it is a hub.
func (f *Federation) readNetworkHub(ctx context.Context, id string, old map[string]networkEntry, withFollowing bool) *networkEntry {
	e := &networkEntry{origin: hub.Origin{ActorID: id, Host: HostOf(id)}, checked: f.now()}
	if prev, ok := old[id]; ok {
		*e = prev
		e.checked = f.now()
	}
	e.problem = ""
	if f.refusedHost(ctx, HostOf(id)) {
		e.problem = hub.NetworkRefused
		return e
	}
	d, err := f.fetchActorDoc(ctx, id)
	if err != nil {
		e.problem = hub.NetworkUnreachable
		f.log.Debug("network: reading an actor", "actor", id, "err", err)
		return e
	}
	e.origin = hub.Origin{ActorID: id, Host: HostOf(id), Name: clip(d.str("name"), 100),
		Username: clip(d.str("preferredUsername"), 100), URL: pageURL(d.ref("url"), id)}
	e.area = areaOf(d)
	e.isHub = f.serverRuns(ctx, id) == commonplaceSoftware
	if !withFollowing || !e.isHub {
		return e
	}
	follows, total, err := f.readFollowing(ctx, id, d.ref("following"))
	if err != nil {
		e.problem = hub.NetworkNoFollowing
		f.log.Debug("network: reading a following collection", "actor", id, "err", err)
		return e
	}
	e.follows, e.total = follows, total
	return e
}

// readFollowing reads at most hub.MaxNetworkFollowing actor IRIs from a
// following collection on the actor's own server, over at most
// maxNetworkPages pages, never the same page twice.
func (f *Federation) readFollowing(ctx context.Context, actor, iri string) ([]string, int, error) {
	if iri == "" {
		return nil, 0, nil
	}
	host := HostOf(actor)
	if HostOf(iri) != host {
		return nil, 0, errors.New("the following collection is not on the actor's server")
	}
	c, err := f.fetchDoc(ctx, iri)
	if err != nil {
		return nil, 0, err
	}
	total, _ := intOf(c["totalItems"])
	seen, visited := map[string]bool{}, map[string]bool{iri: true}
	var out []string
	take := func(page doc) {
		for _, key := range []string{"orderedItems", "items"} {
			for _, ref := range page.refs(key) {
				if len(out) < hub.MaxNetworkFollowing && HostOf(ref) != "" && !seen[ref] {
					seen[ref] = true
					out = append(out, ref)
				}
			}
		}
	}
	take(c)
	next := c.ref("first")
	if first := c.obj("first"); first != nil && first.id() == "" {
		take(first) // an embedded first page without an id
		next = first.ref("next")
	}
	for pages := 0; next != "" && pages < maxNetworkPages && len(out) < hub.MaxNetworkFollowing; pages++ {
		if visited[next] || HostOf(next) != host {
			break
		}
		visited[next] = true
		page, err := f.fetchDoc(ctx, next)
		if err != nil {
			return out, total, nil // what was read is kept
		}
		take(page)
		next = page.ref("next")
	}
	if total < len(out) {
		total = len(out)
	}
	return out, total, nil
}

// areaOf reads an actor's location: the first Place (or object) with a
// name or coordinates in range.
func areaOf(d doc) hub.Area {
	for _, loc := range d.objs("location") {
		a := hub.Area{Name: clip(strings.TrimSpace(loc.str("name")), maxAreaName)}
		lat, okLat := floatValue(loc["latitude"])
		lon, okLon := floatValue(loc["longitude"])
		if okLat && okLon && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
			a.Latitude, a.Longitude = &lat, &lon
		}
		if !a.IsZero() {
			return a
		}
	}
	return hub.Area{}
}

func floatValue(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

func intOf(v any) (int, bool) {
	f, ok := floatValue(v)
	if !ok || f < 0 || f > 1e12 {
		return 0, false
	}
	return int(f), true
}

// pageURL is the actor's page when it is an http(s) URL on the actor's
// server, else the actor IRI.
func pageURL(u, id string) string {
	if u != "" && HostOf(u) == HostOf(id) {
		return u
	}
	return id
}

// clip cuts s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Network answers the network page from what was last read:
// hub.NetworkSource. Followers are listed only when their server runs
// Commonplace, so no person's account is shown.
func (f *Federation) Network(ctx context.Context) (*hub.Network, error) {
	followed, followers, err := f.networkMembers(ctx)
	if err != nil {
		return nil, err
	}
	known, refreshed := f.network.snapshot()
	stale := refreshed.IsZero() || f.now().Sub(refreshed) > networkRefresh
	for _, p := range followed {
		if _, ok := known[p.ActorID]; !ok {
			stale = true // followed since the last read
		}
	}
	for _, fo := range followers {
		if _, ok := known[fo.ActorID]; !ok {
			stale = true // a follower since the last read, maybe a hub
		}
	}
	if stale {
		f.network.poke()
	}
	n := &hub.Network{Refreshed: refreshed}
	index := map[string]int{}
	add := func(o hub.Origin) *hub.NetworkHub {
		if i, ok := index[o.ActorID]; ok {
			return &n.Hubs[i]
		}
		h := hub.NetworkHub{Origin: o}
		if e, ok := known[o.ActorID]; ok {
			if e.origin.Name != "" {
				h.Origin = e.origin
			}
			h.Area, h.FollowsTotal, h.Problem, h.CheckedAt = e.area, e.total, e.problem, e.checked
			for _, id := range e.follows[:min(len(e.follows), hub.MaxNetworkFollowsShown)] {
				h.Follows = append(h.Follows, originOf(id, known))
			}
		}
		index[o.ActorID] = len(n.Hubs)
		n.Hubs = append(n.Hubs, h)
		return &n.Hubs[len(n.Hubs)-1]
	}
	for _, p := range followed {
		add(hub.Origin{ActorID: p.ActorID, Name: p.Name, Username: p.Username, URL: p.URL, Host: p.Host}).WeFollow = true
	}
	for _, fo := range followers {
		if _, ok := index[fo.ActorID]; ok || known[fo.ActorID].isHub {
			add(hub.Origin{ActorID: fo.ActorID, Name: fo.Name, Username: fo.Username, URL: fo.URL, Host: HostOf(fo.ActorID)}).FollowsUs = true
		}
	}
	n.Suggested = f.suggestions(n.Hubs, known)
	return n, nil
}

// originOf is what is known of an actor IRI.
func originOf(id string, known map[string]networkEntry) hub.Origin {
	if e, ok := known[id]; ok && e.origin.ActorID != "" {
		return e.origin
	}
	return hub.Origin{ActorID: id, URL: id, Host: HostOf(id)}
}

// suggestions are the hubs that the hubs this hub follows follow, and
// that this hub does not: those followed by more of them first.
func (f *Federation) suggestions(hubs []hub.NetworkHub, known map[string]networkEntry) []hub.SuggestedHub {
	followed := map[string]bool{f.ActorID(): true}
	for _, h := range hubs {
		if h.WeFollow {
			followed[h.ActorID] = true
		}
	}
	byID := map[string]*hub.SuggestedHub{}
	var order []string
	for _, h := range hubs {
		if !h.WeFollow {
			continue
		}
		for _, id := range known[h.ActorID].follows {
			e, ok := known[id]
			if followed[id] || !ok || !e.isHub {
				continue
			}
			s := byID[id]
			if s == nil {
				s = &hub.SuggestedHub{Origin: e.origin, Area: e.area}
				byID[id] = s
				order = append(order, id)
			}
			s.FollowedBy = append(s.FollowedBy, h.Origin)
		}
	}
	out := make([]hub.SuggestedHub, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].FollowedBy) != len(out[j].FollowedBy) {
			return len(out[i].FollowedBy) > len(out[j].FollowedBy)
		}
		return strings.ToLower(out[i].DisplayName()) < strings.ToLower(out[j].DisplayName())
	})
	return out
}
