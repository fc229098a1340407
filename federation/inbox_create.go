package federation

import (
	"context"
	"html"
	"net/http"
	"slices"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
)

// Taking in what peers publish: their events, guides and case studies
// become remote items; replies to the hub's own items become comments.
//
// Trust: an item is kept only from an actor the hub follows (or its
// re-share); its id must be on the signer's server, so a remote item
// changes or goes only on an activity signed by its origin. Only public
// objects (Public in to or cc) are kept or shown.

// isPublic reports whether an object or activity is addressed to the
// public (public or unlisted in Mastodon's terms).
func isPublic(d doc) bool {
	for _, k := range []string{"to", "cc"} {
		for _, r := range d.refs(k) {
			if r == publicIRI || r == "as:Public" || r == "Public" {
				return true
			}
		}
	}
	return false
}

// itemKindOf says which kind of commons item an object is, or "".
func itemKindOf(d doc) hub.Kind {
	return hub.KindOfObject(d.is, d.str("itemKind"))
}

// onCreateOrUpdate handles Create and Update of objects: commons items
// from followed peers, and replies to the hub's items.
func (in *inbox) onCreateOrUpdate(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if in.commons == nil {
		return nil
	}
	obj := act.obj("object")
	if obj == nil {
		// Only an IRI: dereference it from its origin.
		iri := act.ref("object")
		if iri == "" || HostOf(iri) != HostOf(from.ID) {
			return nil
		}
		var err error
		if obj, err = in.remote.fetchItem(ctx, iri); err != nil {
			return refuse(http.StatusUnprocessableEntity, "cannot fetch the object %s: %v", iri, err)
		}
	}
	if obj.id() == "" {
		return refuse(http.StatusBadRequest, "the object has no id")
	}
	if HostOf(obj.id()) != HostOf(from.ID) {
		return refuse(http.StatusBadRequest, "the object %s is not on the server of its signer %s", obj.id(), from.ID)
	}
	if reply := obj.ref("inReplyTo"); reply != "" {
		return in.onReply(ctx, obj, reply, from)
	}
	if itemKindOf(obj) == "" {
		return nil // a Note, a Page...: not something the commons keeps
	}
	if err := in.noteAdaptation(ctx, obj, from.ID); err != nil {
		return err
	}
	p, obj, src, err := in.sourcePeer(ctx, from, obj)
	if err != nil || p == nil {
		return err // not from a peer the hub follows: ignored
	}
	return in.keepItem(ctx, obj, p, src)
}

// sourcePeer returns the followed peer an item signed by signer comes
// through, the copy of the object to keep and how it came. Items are
// credited to an exact actor, never to "someone on that server": an
// object that is the signer's own (no attributedTo, or attributed to the
// signer) counts when the hub follows the signer. One attributed to
// another actor (a Mobilizon member posting a group's event) is believed
// only as its origin serves it: it is fetched from its id and kept if that
// copy is attributed to a followed actor on the object's own server, or
// as a re-share if the signer is followed. Nil when none applies.
func (in *inbox) sourcePeer(ctx context.Context, signer *hub.RemoteActor, obj doc) (*hub.Followed, doc, hub.ItemSource, error) {
	attrs := obj.refs("attributedTo")
	if len(attrs) == 0 || slices.Contains(attrs, signer.ID) {
		p, err := in.followedPeer(ctx, signer.ID)
		if p == nil || err != nil {
			return nil, nil, hub.ItemSource{}, err
		}
		return p, obj, hub.ItemSource{PeerActor: p.ActorID}, nil
	}
	signerPeer, err := in.followedPeer(ctx, signer.ID)
	if err != nil {
		return nil, nil, hub.ItemSource{}, err
	}
	if signerPeer == nil && !in.followsAny(ctx, attrs, HostOf(obj.id())) {
		return nil, nil, hub.ItemSource{}, nil // nobody the hub follows: not worth a fetch
	}
	fetched, err := in.remote.fetchItem(ctx, obj.id())
	if err != nil {
		return nil, nil, hub.ItemSource{}, refuse(http.StatusUnprocessableEntity,
			"the object %s is attributed to %s, and its server does not confirm it: %v", obj.id(), attrs[0], err)
	}
	for _, a := range fetched.refs("attributedTo") {
		if HostOf(a) != HostOf(obj.id()) {
			continue
		}
		if p, err := in.followedPeer(ctx, a); p != nil || err != nil {
			return p, fetched, hub.ItemSource{PeerActor: a}, err
		}
	}
	if signerPeer == nil {
		return nil, nil, hub.ItemSource{}, nil
	}
	return signerPeer, fetched, hub.ItemSource{PeerActor: signerPeer.ActorID, Share: true}, nil
}

// followsAny reports whether the hub follows one of actors on host.
func (in *inbox) followsAny(ctx context.Context, actors []string, host string) bool {
	for _, a := range actors {
		if HostOf(a) == host {
			if p, _ := in.followedPeer(ctx, a); p != nil {
				return true
			}
		}
	}
	return false
}

// followedPeer returns the peer with exactly this actor id, if the hub
// follows it and has not been refused; nil otherwise.
func (in *inbox) followedPeer(ctx context.Context, actorID string) (*hub.Followed, error) {
	p, err := in.commons.Followed(ctx, actorID)
	if hub.ErrorCode(err) == hub.ENOTFOUND || (err == nil && p.State == hub.PeerRejected) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// keepItem stores a public item with its source. A re-shared item is
// credited to the actor it is attributedTo, which must be on the
// object's own server (else it is refused: no item is ever credited to an
// actor that did not publish it); an item the hub already holds keeps
// its credit, and changes only when its credited actor sends it.
func (in *inbox) keepItem(ctx context.Context, obj doc, p *hub.Followed, src hub.ItemSource) error {
	if !isPublic(obj) {
		return nil // followers-only or direct: never shown publicly here
	}
	origin := hub.Origin{ActorID: p.ActorID, Name: p.Name, Username: p.Username, URL: p.URL, Host: p.Host}
	if attr := obj.ref("attributedTo"); attr != "" && HostOf(attr) != HostOf(obj.id()) {
		return refuse(http.StatusUnprocessableEntity, "the object %s is attributed to %s, on another server", obj.id(), attr)
	}
	if attr := obj.ref("attributedTo"); src.Share && attr != "" && attr != p.ActorID {
		origin = in.originOf(ctx, attr)
	}
	if src.Share && obj.ref("attributedTo") == "" {
		origin = hub.Origin{ActorID: obj.id(), Host: HostOf(obj.id())}
	}
	prev, err := in.commons.RemoteItemByObject(ctx, obj.id())
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return err
	}
	if prev != nil && prev.Origin.ActorID != origin.ActorID {
		if !src.Share {
			return refuse(http.StatusForbidden, "only %s can change %s", prev.Origin.ActorID, obj.id())
		}
		origin = prev.Origin // a re-share of an item held already keeps its credit
	}
	it, err := parseItem(obj, origin, in.now())
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "%v", err)
	}
	if in.policy.refusedHost(ctx, HostOf(it.ObjectID)) || in.policy.refusedActor(ctx, it.Origin.ActorID) {
		return nil
	}
	changed, err := in.commons.SaveRemoteItem(ctx, it, src)
	if err != nil {
		return err
	}
	if changed {
		in.log.Info("commons item saved", "kind", it.Kind, "object", it.ObjectID, "from", p.ActorID, "share", src.Share)
		if it.Picture != nil {
			in.pictures.wakeup() // fetched in the background, not while the peer waits
		}
	}
	return nil
}

// originOf describes an actor for crediting, fetching it when needed; a
// failed fetch still credits its server.
func (in *inbox) originOf(ctx context.Context, actorID string) hub.Origin {
	o := hub.Origin{ActorID: actorID, Host: HostOf(actorID)}
	if p, err := in.commons.Followed(ctx, actorID); err == nil {
		o.Name, o.Username, o.URL = p.Name, p.Username, p.URL
		return o
	}
	d, err := in.remote.fetchActorDoc(ctx, actorID)
	if err != nil {
		return o
	}
	if a, err := parseActor(d); err == nil && a.ID == actorID {
		o.Name, o.Username, o.URL = a.Name, a.Username, a.URL
	}
	return o
}

// itemByPage finds the item whose public page is iri (without a query),
// or ENOTFOUND.
func (in *inbox) itemByPage(ctx context.Context, iri string) (hub.Kind, int64, error) {
	base := strings.TrimSuffix(in.actorID, "/actor")
	path, ok := strings.CutPrefix(iri, base)
	if !ok || strings.ContainsAny(path, "?#") {
		return "", 0, hub.Errorf(hub.ENOTFOUND, "not a page of this hub")
	}
	for _, k := range hub.Kinds() {
		slug, ok := strings.CutPrefix(path, k.PagePath(""))
		if !ok || slug == "" || strings.Contains(slug, "/") {
			continue
		}
		switch k {
		case hub.KindEvent:
			e, err := in.content.EventBySlug(ctx, slug)
			if err != nil {
				return "", 0, err
			}
			return k, e.ID, nil
		case hub.KindGuide:
			g, err := in.content.GuideBySlug(ctx, slug)
			if err != nil {
				return "", 0, err
			}
			return k, g.ID, nil
		case hub.KindCaseStudy:
			c, err := in.content.CaseStudyBySlug(ctx, slug)
			if err != nil {
				return "", 0, err
			}
			return k, c.ID, nil
		}
	}
	return "", 0, hub.Errorf(hub.ENOTFOUND, "not a page of this hub")
}

// onReply keeps a public reply to one of the hub's items (or to a comment
// on one) as a comment, credited to its author.
func (in *inbox) onReply(ctx context.Context, obj doc, inReplyTo string, from *hub.RemoteActor) error {
	if attr := obj.ref("attributedTo"); attr != "" && attr != from.ID {
		return refuse(http.StatusBadRequest, "the reply is attributed to %s, not to its signer %s", attr, from.ID)
	}
	kind, itemID, err := in.commons.LocalItemByIRI(ctx, inReplyTo)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		// The page of an item never published under its own IRI: a
		// series, published occurrence by occurrence (?date=).
		kind, itemID, err = in.itemByPage(ctx, inReplyTo)
	}
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		// A reply to a comment joins the comment's item.
		parent, perr := in.commons.CommentByObject(ctx, inReplyTo)
		if perr != nil {
			return nil // a reply to something else: not ours to keep
		}
		kind, itemID, err = parent.Kind, parent.ItemID, nil
	}
	if err != nil {
		return err
	}
	if !isPublic(obj) {
		return nil // followers-only and direct replies are not shown publicly
	}
	if prev, err := in.commons.CommentByObject(ctx, obj.id()); err == nil && prev.Author.ActorID != from.ID {
		return refuse(http.StatusForbidden, "only the author of %s can change it", obj.id())
	}
	content := obj.str("content")
	if content == "" {
		if cm := obj.obj("contentMap"); cm != nil {
			for _, v := range cm {
				if s, ok := v.(string); ok {
					content = s
					break
				}
			}
		}
	}
	if cw := remotehtml.PlainText(obj.str("summary")); cw != "" {
		// A content warning stays visible above the text.
		content = "<p><strong>" + html.EscapeString(cw) + "</strong></p>" + content
	}
	clean := remotehtml.Sanitize(content)
	if strings.TrimSpace(remotehtml.PlainText(clean)) == "" {
		return nil
	}
	published := parseTime(obj.str("published"))
	if published.IsZero() {
		published = in.now()
	}
	c := &hub.Comment{ObjectID: obj.id(), Kind: kind, ItemID: itemID, URL: firstHTTP(obj.refs("url")), ContentHTML: clean, Published: published,
		Author: hub.Origin{ActorID: from.ID, Name: from.Name, Username: from.Username, URL: from.URL, Host: HostOf(from.ID)}}
	if c.URL == "" {
		c.URL = c.ObjectID
	}
	if c.Held, err = in.holdReply(ctx, c.Author.Host); err != nil {
		return err
	}
	if err := in.commons.SaveComment(ctx, c, inReplyTo); err != nil {
		return err
	}
	in.log.Info("comment received", "object", c.ObjectID, "kind", kind, "item", itemID, "author", from.ID, "held", c.Held)
	return nil
}

// holdReply reports whether a new reply from host is held for an
// organiser's review: the policy holds replies (Policy.HoldReplies) and
// the hub follows nobody on host (a refused follow does not count).
func (in *inbox) holdReply(ctx context.Context, host string) (bool, error) {
	if !in.policy.holdsReplies(ctx) {
		return false, nil
	}
	peers, err := in.commons.FollowedList(ctx)
	if err != nil {
		return false, err
	}
	for _, p := range peers {
		if p.State != hub.PeerRejected && (HostOf(p.ActorID) == host || p.Host == host) {
			return false, nil
		}
	}
	return true, nil
}
