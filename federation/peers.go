package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// peers is the hub as a follower: it follows and unfollows other hubs (or
// any actor), finds an account from what a person typed, and reads a newly
// accepted peer's outbox (backfill), after which its public items arrive by
// delivery. Federation's FollowPeer, UnfollowPeer, Peers and BackfillDue
// are its public face.
type peers struct {
	store        hub.FederationStore
	commons      hub.FederationCommonsStore // nil: the hub follows nobody
	log          *slog.Logger
	now          func() time.Time
	actorID      string // the hub actor's IRI
	allowPrivate bool   // development hubs also try WebFinger over http
	client       *http.Client
	userAgent    string
	wake         chan struct{} // nudges the backfill loop

	// records serialises changing a followed peer's record after reading
	// it (backfill, retries) with removing it (unfollow, a block), so a
	// late update does not bring back a peer just removed.
	records sync.Mutex

	// lateWake is set while a late look at pending Follows is scheduled
	// (answerRefused): one timer, however many refusals come meanwhile.
	lateWake atomic.Bool

	remote peerReader   // fetches under the trust rules (trust.go, client.go)
	policy serverPolicy // blocks and the allowlist (moderation.go)
	out    answerQueue  // the Follow and Undo activities, and the queue
	items  itemKeeper   // keeps a backfilled item as a delivered one (inbox)
}

// peerReader is what following and backfill read from other servers, only
// as the trust rules allow.
type peerReader interface {
	fetchDoc(ctx context.Context, iri string) (doc, error)
	fetchActorDoc(ctx context.Context, id string) (doc, error)
	fetchItem(ctx context.Context, iri string) (doc, error)
	keepActor(ctx context.Context, d doc, keyID string, keyDoc doc) (*hub.RemoteActor, error)
	refusingRedirects(ctx context.Context) context.Context
}

// itemKeeper keeps a peer's item in the commons (inbox_create.go).
type itemKeeper interface {
	keepItem(ctx context.Context, obj doc, p *hub.Followed, src hub.ItemSource) error
	// noteAdaptation credits an item adapted from one of the hub's own
	// (adapted.go).
	noteAdaptation(ctx context.Context, obj doc, actor string) error
}

// FollowPeer resolves target and sends a Follow: hub.Federation.
func (f *Federation) FollowPeer(ctx context.Context, target string) (*hub.Peer, error) {
	return f.peers.follow(ctx, target)
}

// UnfollowPeer sends Undo{Follow} and drops the peer's items: hub.Federation.
func (f *Federation) UnfollowPeer(ctx context.Context, actorID string) error {
	return f.peers.unfollow(ctx, actorID)
}

// Peers lists the actors the hub follows: hub.Federation.
func (f *Federation) Peers(ctx context.Context) ([]hub.Peer, error) { return f.peers.list(ctx) }

// BackfillDue reads the outbox of every accepted peer not yet backfilled.
func (f *Federation) BackfillDue(ctx context.Context) { f.peers.backfillDue(ctx) }

// Following peers: the hub's Group actor follows another hub (or any
// actor), which then delivers its public items here.

// follow resolves target and sends a Follow.
func (ps *peers) follow(ctx context.Context, target string) (*hub.Peer, error) {
	if ps.commons == nil {
		return nil, hub.Errorf(hub.ENOTFOUND, "The commons is not available on this hub.")
	}
	a, outbox, err := ps.resolveActor(ctx, target)
	if err != nil {
		return nil, err
	}
	if a.ID == ps.actorID {
		return nil, hub.Errorf(hub.EINVALID, "That is this hub itself.")
	}
	if ps.policy.refusedActor(ctx, a.ID) {
		return nil, hub.Errorf(hub.EFORBIDDEN, "%s is blocked, or not on the allowlist: lift the block (or allow its server) first.", a.ID)
	}
	prev, err := ps.commons.Followed(ctx, a.ID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return nil, err
	}
	if prev != nil && prev.State != hub.PeerRejected {
		return nil, hub.Errorf(hub.ECONFLICT, "This hub already follows %s.", handleOf(a))
	}
	act, err := ps.out.directActivity("Follow", a.ID, a.ID, a.ID)
	if err != nil {
		return nil, err
	}
	retry := ps.now().Add(followRetryFirst) // sent again if still unanswered
	p := &hub.Followed{ActorID: a.ID, FollowID: act.IRI, Inbox: a.Inbox, Outbox: outbox, Username: a.Username, Name: a.Name,
		URL: a.URL, Host: HostOf(a.ID), State: hub.PeerPending, CreatedAt: ps.now(), NextRetryAt: &retry}
	if err := ps.commons.SaveFollowed(ctx, p); err != nil {
		return nil, err
	}
	if err := ps.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{a.Inbox}}); err != nil {
		return nil, err
	}
	ps.out.nudge()
	ps.log.Info("following peer", "actor", a.ID)
	peer := peerOf(p)
	return &peer, nil
}

// unfollow sends Undo{Follow} and drops the peer's items.
func (ps *peers) unfollow(ctx context.Context, actorID string) error {
	if ps.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "This hub does not follow that account.")
	}
	p, err := ps.commons.Followed(ctx, actorID)
	if err != nil {
		return err
	}
	follow := map[string]any{"id": p.FollowID, "type": "Follow", "actor": ps.actorID, "object": p.ActorID}
	act, err := ps.out.directActivity("Undo", follow, p.FollowID, p.ActorID)
	if err != nil {
		return err
	}
	ps.records.Lock()
	err = ps.commons.DeleteFollowed(ctx, actorID)
	ps.records.Unlock()
	if err != nil {
		return err
	}
	if p.State != hub.PeerRejected && !ps.policy.refusedActor(ctx, p.ActorID) {
		if err := ps.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{p.Inbox}}); err != nil {
			return err
		}
		ps.out.nudge()
	}
	ps.log.Info("unfollowed peer", "actor", actorID)
	return nil
}

// list lists the actors the hub follows.
func (ps *peers) list(ctx context.Context) ([]hub.Peer, error) {
	if ps.commons == nil {
		return nil, nil
	}
	list, err := ps.commons.FollowedList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]hub.Peer, 0, len(list))
	for _, p := range list {
		out = append(out, peerOf(p))
	}
	return out, nil
}

func peerOf(p *hub.Followed) hub.Peer {
	return hub.Peer{Origin: hub.Origin{ActorID: p.ActorID, Name: p.Name, Username: p.Username, URL: p.URL, Host: p.Host},
		State: p.State, Items: p.Items, Since: p.CreatedAt, Backfilled: p.BackfilledAt != nil, LastError: p.LastError, NextRetry: p.NextRetryAt}
}

func handleOf(a *hub.RemoteActor) string {
	if a.Username == "" {
		return a.ID
	}
	return "@" + a.Username + "@" + HostOf(a.ID)
}

// resolveActor finds the actor a reader typed: @user@host, user@host,
// acct:user@host, an actor IRI or a page URL. It returns the actor (also
// cached as a remote actor) and its outbox.
func (ps *peers) resolveActor(ctx context.Context, target string) (*hub.RemoteActor, string, error) {
	target = strings.TrimSpace(target)
	target = strings.TrimPrefix(target, "acct:")
	var actorIRI string
	switch {
	case target == "":
		return nil, "", hub.Errorf(hub.EINVALID, "Type a handle such as @name@hub.example, or the address of a hub.")
	case strings.Contains(target, "://"):
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, "", hub.Errorf(hub.EINVALID, "%q is not a web address (https://...).", target)
		}
		// An actor IRI answers with the actor; a home page does not, so
		// ask its server's WebFinger about the page.
		if d, err := ps.remote.fetchDoc(ctx, target); err == nil && d.str("inbox") != "" {
			actorIRI = d.id()
		} else if actorIRI, err = ps.lookupWebfinger(ctx, u.Scheme+"://"+u.Host, target); err != nil {
			return nil, "", err
		}
	default:
		user, host, ok := strings.Cut(strings.TrimPrefix(target, "@"), "@")
		if !ok || user == "" || host == "" || strings.ContainsAny(host, "/@ ") {
			return nil, "", hub.Errorf(hub.EINVALID, "%q is not a handle: write it as @name@hub.example.", target)
		}
		var err error
		if actorIRI, err = ps.webfingerHost(ctx, host, "acct:"+user+"@"+host); err != nil {
			return nil, "", err
		}
	}
	d, err := ps.remote.fetchDoc(ctx, actorIRI)
	if err != nil {
		return nil, "", hub.Errorf(hub.EINVALID, "Could not read the account %s: %v", actorIRI, err)
	}
	if d.id() != actorIRI {
		// Another address of the account (a profile page, an alias):
		// read it again from its own id, which is what counts.
		if HostOf(d.id()) != HostOf(actorIRI) {
			return nil, "", hub.Errorf(hub.EINVALID, "%s answered with an account on another server.", actorIRI)
		}
		actorIRI = d.id()
		if d, err = ps.remote.fetchActorDoc(ctx, actorIRI); err != nil {
			return nil, "", hub.Errorf(hub.EINVALID, "Could not read the account %s: %v", actorIRI, err)
		}
	}
	a, err := ps.remote.keepActor(ctx, d, "", nil)
	if err != nil {
		return nil, "", hub.Errorf(hub.EINVALID, "%s is not an account this hub can follow: %v", actorIRI, err)
	}
	return a, d.ref("outbox"), nil
}

// webfingerHost asks host's WebFinger over https; development hubs
// (AllowPrivate) also try plain http, as they run on loopback.
func (ps *peers) webfingerHost(ctx context.Context, host, resource string) (string, error) {
	iri, err := ps.lookupWebfinger(ctx, "https://"+host, resource)
	if err != nil && ps.allowPrivate {
		iri2, err2 := ps.lookupWebfinger(ctx, "http://"+host, resource)
		if err2 == nil {
			return iri2, nil
		}
		if !strings.Contains(err2.Error(), "Could not reach") {
			return "", err2 // http answered: its answer is the one that counts
		}
	}
	return iri, err
}

// lookupWebfinger looks resource up at origin and returns the ActivityPub actor
// it links to.
func (ps *peers) lookupWebfinger(ctx context.Context, origin, resource string) (string, error) {
	u := origin + "/.well-known/webfinger?resource=" + url.QueryEscape(resource)
	if ps.policy.refusedHost(ctx, HostOf(origin)) {
		return "", hub.Errorf(hub.EFORBIDDEN, "%s is blocked, or not on the allowlist: lift the block (or allow its server) first.", HostOf(origin))
	}
	ctx, cancel := context.WithTimeout(ps.remote.refusingRedirects(ctx), fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", hub.Errorf(hub.EINVALID, "%q is not a valid address.", resource)
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	req.Header.Set("User-Agent", ps.userAgent)
	resp, err := ps.client.Do(req)
	if err != nil {
		return "", hub.Errorf(hub.EINVALID, "Could not reach %s: %v", origin, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return "", hub.Errorf(hub.EINVALID, "%s does not know %s.", origin, resource)
	}
	if resp.StatusCode != http.StatusOK {
		return "", hub.Errorf(hub.EINVALID, "%s answered the lookup of %s with HTTP %d.", origin, resource, resp.StatusCode)
	}
	var jrd struct {
		Links []struct{ Rel, Type, Href string }
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 256<<10)).Decode(&jrd); err != nil {
		return "", hub.Errorf(hub.EINVALID, "%s sent a lookup answer that is not JSON.", origin)
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && (strings.HasPrefix(l.Type, contentTypeAS) || strings.HasPrefix(l.Type, "application/ld+json")) && l.Href != "" {
			return l.Href, nil
		}
	}
	return "", hub.Errorf(hub.EINVALID, "%s has no ActivityPub account for %s.", origin, resource)
}

// Backfill: once a peer accepts the hub's Follow, the hub reads the
// peer's outbox for its recent public items; new ones then arrive by
// delivery. A peer whose outbox has not been read (the hub restarted, the
// peer was down) is tried again every backfillRetry.

const (
	backfillPages = 5   // outbox pages read at most
	backfillItems = 100 // items taken at most
	backfillRetry = 10 * time.Minute
)

// wakeBackfill nudges the backfill loop without blocking.
func (ps *peers) wakeBackfill() { nudge(ps.wake) }

// loop backfills accepted peers whose outbox is still to be read.
func (ps *peers) loop(ctx context.Context) {
	runLoop(ctx, backfillRetry, ps.wake, func() {
		ps.retryFollowsDue(ctx)
		ps.backfillDue(ctx)
	})
}

// listFor lists the peers for a background task; on an error it logs what
// (unless ctx has ended) and lists none.
func (ps *peers) listFor(ctx context.Context, what string) []*hub.Followed {
	if ps.commons == nil {
		return nil
	}
	list, err := ps.commons.FollowedList(ctx)
	if err != nil {
		if ctx.Err() == nil {
			ps.log.Error(what, "err", err)
		}
		return nil
	}
	return list
}

// backfillDue reads the outbox of every accepted peer not yet backfilled.
func (ps *peers) backfillDue(ctx context.Context) {
	for _, p := range ps.listFor(ctx, "listing peers to backfill") {
		if p.State != hub.PeerAccepted || p.BackfilledAt != nil || ctx.Err() != nil {
			continue
		}
		n, err := ps.backfill(ctx, p)
		now := ps.now()
		p.LastError = ""
		if err != nil {
			p.LastError = err.Error()
			ps.log.Warn("backfill failed", "peer", p.ActorID, "items", n, "err", err)
		} else {
			p.BackfilledAt = &now
			ps.log.Info("backfilled peer", "peer", p.ActorID, "items", n)
		}
		// The peer may have been unfollowed meanwhile: only update.
		ps.updateFollowed(ctx, p, "recording backfill", func(cur *hub.Followed) bool {
			cur.BackfilledAt, cur.LastError = p.BackfilledAt, p.LastError
			return true
		})
	}
}

// backfill reads a peer's outbox and keeps its public items, fetching each
// from its origin so deleted or edited ones come as they are now.
func (ps *peers) backfill(ctx context.Context, p *hub.Followed) (int, error) {
	if p.Outbox == "" {
		return 0, nil
	}
	if HostOf(p.Outbox) != p.Host {
		return 0, fmt.Errorf("the outbox %s is not on the peer's server", p.Outbox)
	}
	coll, err := ps.remote.fetchDoc(ctx, p.Outbox)
	if err != nil {
		return 0, err
	}
	page := coll.obj("first")
	next := coll.ref("first")
	if page == nil && coll.objs("orderedItems") != nil {
		page, next = coll, ""
	}
	seen := map[string]bool{}
	kept := 0
	for pages := 0; pages < backfillPages && kept < backfillItems; pages++ {
		if page == nil {
			if next == "" || HostOf(next) != p.Host {
				break
			}
			if page, err = ps.remote.fetchDoc(ctx, next); err != nil {
				return kept, err
			}
		}
		items := page.objs("orderedItems")
		if items == nil {
			items = page.objs("items")
		}
		for _, act := range items {
			if kept >= backfillItems || ctx.Err() != nil {
				break
			}
			var iri string
			share := false
			switch {
			case act.is("Create"), act.is("Update"):
				iri = act.ref("object")
			case act.is("Announce"):
				iri, share = act.ref("object"), true
			}
			if iri == "" || seen[iri] || ps.policy.refusedHost(ctx, HostOf(iri)) {
				continue
			}
			seen[iri] = true
			if !share && HostOf(iri) != p.Host {
				continue
			}
			obj, err := ps.remote.fetchItem(ctx, iri)
			if err != nil || itemKindOf(obj) == "" {
				continue // deleted since, or not an item
			}
			if HostOf(iri) == p.Host {
				if err := ps.items.noteAdaptation(ctx, obj, p.ActorID); err != nil {
					ps.log.Debug("backfill: adaptation skipped", "object", iri, "err", err)
				}
			}
			src := hub.ItemSource{PeerActor: p.ActorID}
			if share && HostOf(iri) != p.Host {
				src = hub.ItemSource{PeerActor: p.ActorID, Share: true, ActivityID: act.id()}
			}
			if err := ps.items.keepItem(ctx, obj, p, src); err != nil {
				ps.log.Debug("backfill: item skipped", "object", iri, "err", err)
				continue
			}
			kept++
		}
		next, page = page.ref("next"), nil
	}
	return kept, nil
}
