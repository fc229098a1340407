package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// Following peers: the hub's Group actor follows another hub (or any
// actor), which then delivers its public items here.

// FollowPeer resolves target and sends a Follow: hub.Federation.
func (f *Federation) FollowPeer(ctx context.Context, target string) (*hub.Peer, error) {
	if f.commons == nil {
		return nil, hub.Errorf(hub.ENOTFOUND, "The commons is not available on this hub.")
	}
	a, outbox, err := f.resolveActor(ctx, target)
	if err != nil {
		return nil, err
	}
	if a.ID == f.ActorID() {
		return nil, hub.Errorf(hub.EINVALID, "That is this hub itself.")
	}
	if f.refusedActor(ctx, a.ID) {
		return nil, hub.Errorf(hub.EFORBIDDEN, "%s is blocked, or not on the allowlist: lift the block (or allow its server) first.", a.ID)
	}
	prev, err := f.commons.Followed(ctx, a.ID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return nil, err
	}
	if prev != nil && prev.State != hub.PeerRejected {
		return nil, hub.Errorf(hub.ECONFLICT, "This hub already follows %s.", handleOf(a))
	}
	act, err := f.directActivity("Follow", a.ID, a.ID, a.ID)
	if err != nil {
		return nil, err
	}
	p := &hub.Followed{ActorID: a.ID, FollowID: act.IRI, Inbox: a.Inbox, Outbox: outbox, Username: a.Username, Name: a.Name,
		URL: a.URL, Host: HostOf(a.ID), State: hub.PeerPending, CreatedAt: f.now()}
	if err := f.commons.SaveFollowed(ctx, p); err != nil {
		return nil, err
	}
	if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{a.Inbox}}); err != nil {
		return nil, err
	}
	f.nudge()
	f.log.Info("following peer", "actor", a.ID)
	peer := peerOf(p)
	return &peer, nil
}

// UnfollowPeer sends Undo{Follow} and drops the peer's items: hub.Federation.
func (f *Federation) UnfollowPeer(ctx context.Context, actorID string) error {
	if f.commons == nil {
		return hub.Errorf(hub.ENOTFOUND, "This hub does not follow that account.")
	}
	p, err := f.commons.Followed(ctx, actorID)
	if err != nil {
		return err
	}
	follow := map[string]any{"id": p.FollowID, "type": "Follow", "actor": f.ActorID(), "object": p.ActorID}
	act, err := f.directActivity("Undo", follow, p.FollowID, p.ActorID)
	if err != nil {
		return err
	}
	if err := f.commons.DeleteFollowed(ctx, actorID); err != nil {
		return err
	}
	if p.State != hub.PeerRejected && !f.refusedActor(ctx, p.ActorID) {
		if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{p.Inbox}}); err != nil {
			return err
		}
		f.nudge()
	}
	f.log.Info("unfollowed peer", "actor", actorID)
	return nil
}

// Peers lists the actors the hub follows: hub.Federation.
func (f *Federation) Peers(ctx context.Context) ([]hub.Peer, error) {
	if f.commons == nil {
		return nil, nil
	}
	list, err := f.commons.FollowedList(ctx)
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
		State: p.State, Items: p.Items, Since: p.CreatedAt, Backfilled: p.BackfilledAt != nil, LastError: p.LastError}
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
func (f *Federation) resolveActor(ctx context.Context, target string) (*hub.RemoteActor, string, error) {
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
		if d, err := f.fetchDoc(ctx, target); err == nil && d.str("inbox") != "" {
			actorIRI = d.id()
		} else if actorIRI, err = f.lookupWebfinger(ctx, u.Scheme+"://"+u.Host, target); err != nil {
			return nil, "", err
		}
	default:
		user, host, ok := strings.Cut(strings.TrimPrefix(target, "@"), "@")
		if !ok || user == "" || host == "" || strings.ContainsAny(host, "/@ ") {
			return nil, "", hub.Errorf(hub.EINVALID, "%q is not a handle: write it as @name@hub.example.", target)
		}
		var err error
		if actorIRI, err = f.webfingerHost(ctx, host, "acct:"+user+"@"+host); err != nil {
			return nil, "", err
		}
	}
	d, err := f.fetchDoc(ctx, actorIRI)
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
		if d, err = f.fetchActorDoc(ctx, actorIRI); err != nil {
			return nil, "", hub.Errorf(hub.EINVALID, "Could not read the account %s: %v", actorIRI, err)
		}
	}
	a, err := f.keepActor(ctx, d, "", nil)
	if err != nil {
		return nil, "", hub.Errorf(hub.EINVALID, "%s is not an account this hub can follow: %v", actorIRI, err)
	}
	return a, d.ref("outbox"), nil
}

// webfingerHost asks host's WebFinger over https; development hubs
// (AllowPrivate) also try plain http, as they run on loopback.
func (f *Federation) webfingerHost(ctx context.Context, host, resource string) (string, error) {
	iri, err := f.lookupWebfinger(ctx, "https://"+host, resource)
	if err != nil && f.allowPrivate {
		iri2, err2 := f.lookupWebfinger(ctx, "http://"+host, resource)
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
func (f *Federation) lookupWebfinger(ctx context.Context, origin, resource string) (string, error) {
	u := origin + "/.well-known/webfinger?resource=" + url.QueryEscape(resource)
	if f.refusedHost(ctx, HostOf(origin)) {
		return "", hub.Errorf(hub.EFORBIDDEN, "%s is blocked, or not on the allowlist: lift the block (or allow its server) first.", HostOf(origin))
	}
	ctx, cancel := context.WithTimeout(f.refusingRedirects(ctx), fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", hub.Errorf(hub.EINVALID, "%q is not a valid address.", resource)
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	req.Header.Set("User-Agent", f.userAgent)
	resp, err := f.client.Do(req)
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

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// errNotItem: a fetched object is not an item the commons keeps.
var errNotItem = errors.New("not an event, guide or case study")

// fetchItem dereferences an object IRI and checks it really lives there.
func (f *Federation) fetchItem(ctx context.Context, iri string) (doc, error) {
	d, err := f.fetchDoc(ctx, iri)
	if err != nil {
		return nil, err
	}
	if d.id() != iri {
		return nil, fmt.Errorf("%s answered with the object %q", iri, d.id())
	}
	return d, nil
}
