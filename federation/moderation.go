package federation

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// Moderation: blocked actors and domains are refused at the inbox (403),
// their content is removed and nothing is delivered to them. In allowlist
// mode the hub federates only with allowed domains and the servers of
// peers it follows.
//
// Hosts are compared in their one spelling (HostOf, internal/netaddr), so
// EVIL.example., evil.example:443 under https, Unicode and full-width
// spellings, [::ffff:127.0.0.1] and 2130706433 are the servers they name.
// A domain block covers the domain's subdomains too, as Mastodon's do
// (a block on evil.example refuses sub.evil.example, not notevil.example),
// and every port unless it names one. The allowlist is exact, as
// Mastodon's limited federation mode: allowing friends.example does not
// allow sub.friends.example.

// policyLifetime bounds how stale the in-memory policy may be when another
// process (the command line) changes it; changes made through this
// Federation apply at once.
const policyLifetime = 5 * time.Second

// policySnapshot is a policy ready for checks: its hosts in sets.
type policySnapshot struct {
	src       hub.Policy // what it was made from
	allowlist bool
	allowed   netaddr.HostSet // allowed hosts, with followed peers' hosts
	blocked   netaddr.HostSet // blocked domains
	actors    map[string]bool // blocked actor IRIs, as sameActor has them
}

// policy returns the current policy, read at most once per lifetime
// (PolicyCache), made ready for checks once per reading.
func (f *Federation) policy(ctx context.Context) *policySnapshot {
	if f.commons == nil {
		return &policySnapshot{}
	}
	now := time.Now()
	pol, token, ok := f.policies.Get(now)
	if !ok {
		read, err := f.readPolicy(ctx)
		if err != nil {
			f.log.Error("reading the federation policy", "err", err)
			if last := f.lastPolicy.Load(); last != nil {
				return last // keep the last known one rather than open up
			}
			return &policySnapshot{}
		}
		f.policies.Put(read, token, now.Add(policyLifetime))
		pol = read
	}
	if last := f.lastPolicy.Load(); last != nil && reflect.DeepEqual(last.src, pol) {
		return last
	}
	p := f.snapshot(pol)
	f.lastPolicy.Store(p)
	return p
}

// readPolicy reads the policy; in allowlist mode the servers of followed
// peers are allowed too.
func (f *Federation) readPolicy(ctx context.Context) (hub.Policy, error) {
	pol, err := f.commons.Policy(ctx)
	if err != nil {
		return hub.Policy{}, err
	}
	read := hub.Policy{Allowlist: pol.Allowlist, HoldReplies: pol.HoldReplies, Allowed: slices.Clone(pol.Allowed), Blocks: slices.Clone(pol.Blocks)}
	if pol.Allowlist {
		if peers, err := f.commons.FollowedList(ctx); err == nil {
			for _, fp := range peers {
				read.Allowed = append(read.Allowed, fp.Host, HostOf(fp.ActorID))
			}
		}
	}
	return read, nil
}

// snapshot puts pol's hosts in sets. Entries saved by older versions may
// be spelled otherwise: the sets normalise them. One that is not a host at
// all allows or blocks nothing.
func (f *Federation) snapshot(pol hub.Policy) *policySnapshot {
	p := &policySnapshot{src: pol, allowlist: pol.Allowlist, actors: map[string]bool{}}
	for _, h := range pol.Allowed {
		if err := p.allowed.Add(h); err != nil {
			f.log.Warn("an allowed server that is not a host name is ignored", "host", h)
		}
	}
	for _, b := range pol.Blocks {
		if b.Kind == hub.BlockDomain {
			if err := p.blocked.Add(b.Value); err != nil {
				f.log.Warn("a blocked server that is not a host name is ignored", "host", b.Value)
			}
		} else {
			p.actors[sameActor(b.Value)] = true
		}
	}
	return p
}

// forgetPolicy drops the kept policy after a change to it.
func (f *Federation) forgetPolicy() {
	f.policies.Forget()
	if f.peers != nil {
		f.peers.wakeBackfill() // a Follow whose answer was refused may be sent again now
	}
}

// refusedHost reports whether the hub does not federate with host (as
// HostOf gives it; other spellings are normalised first): a domain block
// covers it, or allowlist mode is on and it is not exactly allowed. A host
// that is not a valid host name, or no host at all, is refused.
func (f *Federation) refusedHost(ctx context.Context, host string) bool {
	if host == "" {
		return true // a host that cannot be read cannot be cleared
	}
	h, err := netaddr.NormalizeHost(host)
	if err != nil {
		return true
	}
	p := f.policy(ctx)
	return p.blocked.Covers(h) || p.allowlist && !p.allowed.Contains(h)
}

// refusedActor reports whether an actor is blocked or on a refused host.
func (f *Federation) refusedActor(ctx context.Context, actorID string) bool {
	return f.policy(ctx).actors[sameActor(actorID)] || f.refusedHost(ctx, HostOf(actorID))
}

// allowedInboxes drops inboxes on refused hosts.
func (f *Federation) allowedInboxes(ctx context.Context, inboxes []string) []string {
	out := inboxes[:0:0]
	for _, in := range inboxes {
		if !f.refusedHost(ctx, HostOf(in)) {
			out = append(out, in)
		}
	}
	return out
}

// Policy returns the blocks and the allowlist: hub.Federation.
func (f *Federation) Policy(ctx context.Context) (*hub.Policy, error) {
	if f.commons == nil {
		return &hub.Policy{}, nil
	}
	return f.commons.Policy(ctx)
}

// normaliseBlock checks a block's value: an actor IRI, or a domain given
// as a host name, a handle or any URL on it, which is saved as HostOf
// spells hosts.
func normaliseBlock(b hub.Block) (hub.Block, error) {
	b.Value = strings.TrimSpace(b.Value)
	b.Note = strings.TrimSpace(b.Note)
	switch b.Kind {
	case hub.BlockActor:
		if HostOf(b.Value) == "" {
			return b, hub.Errorf(hub.EINVALID, "To block an account, give the address of its profile (https://server/users/name).")
		}
	case hub.BlockDomain:
		v := serverOf(b.Value)
		if v == "" || !strings.ContainsAny(v, ".:[") && v != "localhost" {
			return b, hub.Errorf(hub.EINVALID, "%q is not a server name such as social.example.", b.Value)
		}
		b.Value = v
	default:
		return b, hub.Errorf(hub.EINVALID, "Block an account or a whole server.")
	}
	if len(b.Note) > 500 {
		return b, hub.Errorf(hub.EINVALID, "Please keep the note under 500 characters.")
	}
	return b, nil
}

// serverOf reads a server as organisers give one, a host name (with a
// port if need be), an http(s) URL on it or a handle (@user@host), and
// returns its host as HostOf spells it; "" if it is none of those. Without
// a scheme, ports 443 and 80 are the defaults of https and http and name
// the server itself.
func serverOf(s string) string {
	v := strings.TrimPrefix(strings.TrimSpace(s), "@")
	if strings.Contains(v, "://") {
		return HostOf(v)
	}
	if i := strings.LastIndex(v, "@"); i >= 0 {
		v = v[i+1:] // a handle: its server
	}
	h, err := netaddr.NormalizeHostForScheme(strings.TrimSuffix(v, "/"), "https")
	if err != nil {
		return ""
	}
	h, _ = netaddr.NormalizeHostForScheme(h, "http")
	return h
}

// Block refuses an actor or a domain and removes what it left: hub.Federation.
func (f *Federation) Block(ctx context.Context, b hub.Block) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "Moderation is not available on this hub.")
	}
	b, err := normaliseBlock(b)
	if err != nil {
		return err
	}
	if b.Kind == hub.BlockDomain && b.Value == HostOf(f.baseStr) || b.Kind == hub.BlockActor && sameActor(b.Value) == sameActor(f.ActorID()) {
		return hub.Errorf(hub.EINVALID, "That is this hub itself.")
	}
	defer f.forgetPolicy()
	// A block removes the server's followed peers: not while a late
	// update of one of them could bring it back.
	f.peers.records.Lock()
	defer f.peers.records.Unlock()
	return f.commons.AddBlock(ctx, b)
}

// Unblock lifts a block: hub.Federation.
func (f *Federation) Unblock(ctx context.Context, kind, value string) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "That is not blocked.")
	}
	defer f.forgetPolicy()
	return f.commons.RemoveBlock(ctx, kind, value)
}

// SetAllowlist turns allowlist mode on or off: hub.Federation.
func (f *Federation) SetAllowlist(ctx context.Context, on bool) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "Moderation is not available on this hub.")
	}
	defer f.forgetPolicy()
	return f.commons.SetAllowlist(ctx, on)
}

// SetHoldReplies turns holding replies for review on or off:
// hub.Federation.
func (f *Federation) SetHoldReplies(ctx context.Context, on bool) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "Moderation is not available on this hub.")
	}
	defer f.forgetPolicy()
	return f.commons.SetHoldReplies(ctx, on)
}

// holdsReplies reports whether replies from servers the hub follows
// nobody on are held for review.
func (f *Federation) holdsReplies(ctx context.Context) bool {
	return f.policy(ctx).src.HoldReplies
}

// Allow puts a domain on the allowlist or takes it off: hub.Federation.
func (f *Federation) Allow(ctx context.Context, host string, allowed bool) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "Moderation is not available on this hub.")
	}
	b, err := normaliseBlock(hub.Block{Kind: hub.BlockDomain, Value: host})
	if err != nil {
		return err
	}
	defer f.forgetPolicy()
	return f.commons.Allow(ctx, b.Value, allowed)
}

// KnownServers lists every server the hub deals with: hub.Federation.
// Rows for one server under several spellings (saved by older versions)
// are one row, under the host as HostOf spells it.
func (f *Federation) KnownServers(ctx context.Context) ([]hub.KnownServer, error) {
	if f.commons == nil {
		return nil, nil
	}
	counts, err := f.commons.ServerCounts(ctx)
	if err != nil {
		return nil, err
	}
	health, err := f.store.Peers(ctx)
	if err != nil {
		return nil, err
	}
	var servers []hub.KnownServer
	byHost := map[string]int{}
	row := func(host string) *hub.KnownServer {
		if h, err := netaddr.NormalizeHost(host); err == nil {
			host = h
		}
		i, ok := byHost[host]
		if !ok {
			i = len(servers)
			byHost[host] = i
			servers = append(servers, hub.KnownServer{Host: host})
		}
		return &servers[i]
	}
	for _, c := range counts {
		s := row(c.Host)
		s.Following += c.Following
		s.Followers += c.Followers
		s.Items += c.Items
		s.Blocked = s.Blocked || c.Blocked
		s.Allowed = s.Allowed || c.Allowed
	}
	for i := range health {
		h := health[i]
		s := row(h.Host)
		h.Host = s.Host
		if s.Health != nil {
			h = mergeHealth(*s.Health, h)
		}
		s.Health = &h
	}
	sort.SliceStable(servers, func(i, j int) bool { return servers[i].Host < servers[j].Host })
	return servers, nil
}

// mergeHealth adds up one server's delivery records kept under two
// spellings of its host; the latest success, failure and error win.
func mergeHealth(a, b hub.PeerStatus) hub.PeerStatus {
	a.Delivered += b.Delivered
	a.Failed += b.Failed
	a.Pending += b.Pending
	if later(b.LastSuccess, a.LastSuccess) {
		a.LastSuccess = b.LastSuccess
	}
	if later(b.LastFailure, a.LastFailure) {
		a.LastFailure, a.LastError, a.ConsecutiveFailures = b.LastFailure, b.LastError, b.ConsecutiveFailures
	}
	return a
}

func later(a, b *time.Time) bool { return a != nil && (b == nil || a.After(*b)) }

// Reshare announces a remote item to the hub's followers, or withdraws
// the announcement: hub.Federation. The item's origin is told too.
func (f *Federation) Reshare(ctx context.Context, itemID int64, undo bool) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "There is no such item in the commons.")
	}
	it, err := f.commons.RemoteItem(ctx, itemID)
	if err != nil {
		return err
	}
	inboxes, err := f.store.FollowerInboxes(ctx)
	if err != nil {
		return err
	}
	if d, err := f.fetchDoc(ctx, it.Origin.ActorID); err == nil {
		if a, err := parseActor(d); err == nil && a.ID == it.Origin.ActorID {
			inbox := a.Inbox
			if a.SharedInbox != "" {
				inbox = a.SharedInbox
			}
			inboxes = appendUnique(inboxes, inbox)
		}
	}
	inboxes = f.allowedInboxes(ctx, inboxes)
	prev, err := f.commons.Reshare(ctx, it.ObjectID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return err
	}
	if undo {
		if prev == "" {
			return hub.Errorf(hub.ENOTFOUND, "This hub has not re-shared that item.")
		}
		announce := map[string]any{"id": prev, "type": "Announce", "actor": f.ActorID(), "object": it.ObjectID}
		act, err := f.newActivity("Undo", announce, it.ObjectID)
		if err != nil {
			return err
		}
		if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: inboxes, Withdraw: it.ObjectID}); err != nil {
			return err
		}
		if err := f.commons.DeleteReshare(ctx, it.ObjectID); err != nil {
			return err
		}
		f.nudge()
		return nil
	}
	if prev != "" {
		return nil // already re-shared
	}
	act, err := f.newActivity("Announce", it.ObjectID, it.ObjectID)
	if err != nil {
		return err
	}
	if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: inboxes}); err != nil {
		return err
	}
	if err := f.commons.SaveReshare(ctx, it.ObjectID, act.IRI); err != nil {
		return err
	}
	f.nudge()
	f.log.Info("re-shared", "object", it.ObjectID)
	return nil
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
