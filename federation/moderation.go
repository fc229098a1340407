package federation

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Moderation: blocked actors and domains are refused at the inbox (403),
// their content is removed and nothing is delivered to them. In allowlist
// mode the hub federates only with allowed domains and the servers of
// peers it follows.

// policyLifetime bounds how stale the in-memory policy may be when another
// process (the command line) changes it; changes made through this
// Federation apply at once.
const policyLifetime = 5 * time.Second

type policySnapshot struct {
	allowlist bool
	allowed   map[string]bool // allowed hosts, with followed peers' hosts
	domains   []string        // blocked domains
	actors    map[string]bool // blocked actor IRIs
	expires   time.Time
}

// policy returns the current policy, read at most once per lifetime.
func (f *Federation) policy(ctx context.Context) *policySnapshot {
	if f.commons == nil {
		return &policySnapshot{}
	}
	now := time.Now()
	f.policyMu.Lock()
	p, gen := f.policyCache, f.policyGen
	f.policyMu.Unlock()
	if p != nil && now.Before(p.expires) {
		return p
	}
	pol, err := f.commons.Policy(ctx)
	if err != nil {
		f.log.Error("reading the federation policy", "err", err)
		if p != nil {
			return p // keep the last known one rather than open up
		}
		return &policySnapshot{}
	}
	p = &policySnapshot{allowlist: pol.Allowlist, allowed: map[string]bool{}, actors: map[string]bool{}, expires: now.Add(policyLifetime)}
	for _, h := range pol.Allowed {
		p.allowed[h] = true
	}
	if pol.Allowlist {
		if peers, err := f.commons.FollowedList(ctx); err == nil {
			for _, fp := range peers {
				p.allowed[fp.Host] = true
			}
		}
	}
	for _, b := range pol.Blocks {
		if b.Kind == hub.BlockDomain {
			p.domains = append(p.domains, b.Value)
		} else {
			p.actors[b.Value] = true
		}
	}
	f.policyMu.Lock()
	if f.policyGen == gen {
		// Cached only if the policy did not change while it was read: a
		// read that began before a change would otherwise undo
		// forgetPolicy for a whole lifetime.
		f.policyCache = p
	}
	f.policyMu.Unlock()
	return p
}

// forgetPolicy drops the cached policy after a change to it.
func (f *Federation) forgetPolicy() {
	f.policyMu.Lock()
	f.policyCache = nil
	f.policyGen++
	f.policyMu.Unlock()
}

// refusedHost reports whether the hub does not federate with host.
func (f *Federation) refusedHost(ctx context.Context, host string) bool {
	if host == "" {
		return false
	}
	p := f.policy(ctx)
	hostOnly := stripPort(host)
	for _, d := range p.domains {
		if host == d || hostOnly == d || strings.HasSuffix(hostOnly, "."+d) {
			return true
		}
	}
	return p.allowlist && !p.allowed[host] && !p.allowed[hostOnly]
}

// refusedActor reports whether an actor is blocked or on a refused host.
func (f *Federation) refusedActor(ctx context.Context, actorID string) bool {
	return f.policy(ctx).actors[actorID] || f.refusedHost(ctx, HostOf(actorID))
}

func stripPort(host string) string {
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(host, "]") {
		return h
	}
	return host
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
// as a host name or any URL on it.
func normaliseBlock(b hub.Block) (hub.Block, error) {
	b.Value = strings.TrimSpace(b.Value)
	b.Note = strings.TrimSpace(b.Note)
	switch b.Kind {
	case hub.BlockActor:
		if HostOf(b.Value) == "" {
			return b, hub.Errorf(hub.EINVALID, "To block an account, give the address of its profile (https://server/users/name).")
		}
	case hub.BlockDomain:
		v := strings.ToLower(strings.TrimPrefix(b.Value, "@"))
		if strings.Contains(v, "://") {
			u, err := url.Parse(v)
			if err != nil || u.Host == "" {
				return b, hub.Errorf(hub.EINVALID, "%q is not a server name.", b.Value)
			}
			v = u.Host
		} else if i := strings.LastIndex(v, "@"); i >= 0 {
			v = v[i+1:] // a handle: block its server
		}
		v = strings.TrimSuffix(v, "/")
		if v == "" || strings.ContainsAny(v, "/ ?#") || !strings.Contains(v, ".") && !strings.Contains(v, ":") && v != "localhost" {
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

// Block refuses an actor or a domain and removes what it left: hub.Federation.
func (f *Federation) Block(ctx context.Context, b hub.Block) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "Moderation is not available on this hub.")
	}
	b, err := normaliseBlock(b)
	if err != nil {
		return err
	}
	if b.Value == f.Host() || b.Value == f.ActorID() {
		return hub.Errorf(hub.EINVALID, "That is this hub itself.")
	}
	defer f.forgetPolicy()
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
func (f *Federation) KnownServers(ctx context.Context) ([]hub.KnownServer, error) {
	if f.commons == nil {
		return nil, nil
	}
	servers, err := f.commons.ServerCounts(ctx)
	if err != nil {
		return nil, err
	}
	health, err := f.store.Peers(ctx)
	if err != nil {
		return nil, err
	}
	byHost := map[string]int{}
	for i, s := range servers {
		byHost[s.Host] = i
	}
	for i := range health {
		h := health[i]
		if j, ok := byHost[h.Host]; ok {
			servers[j].Health = &h
		} else {
			servers = append(servers, hub.KnownServer{Host: h.Host, Health: &h})
		}
	}
	return servers, nil
}

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
		if err := f.store.Enqueue(ctx, Enqueued{Activity: act, Inboxes: inboxes, Withdraw: it.ObjectID}); err != nil {
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
	if err := f.store.Enqueue(ctx, Enqueued{Activity: act, Inboxes: inboxes}); err != nil {
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
