package federation

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

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
func itemKindOf(d doc) string {
	switch {
	case d.is("Event"):
		return hub.KindEvent
	case d.is("Article"):
		if d.str("itemKind") == hub.KindCaseStudy {
			return hub.KindCaseStudy
		}
		return hub.KindGuide
	}
	return ""
}

// onCreateOrUpdate handles Create and Update of objects: commons items
// from followed peers, and replies to the hub's items.
func (f *Federation) onCreateOrUpdate(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if f.commons == nil {
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
		if obj, err = f.fetchItem(ctx, iri); err != nil {
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
		return f.onReply(ctx, obj, reply, from)
	}
	if itemKindOf(obj) == "" {
		return nil // a Note, a Page...: not something the commons keeps
	}
	p, obj, src, err := f.sourcePeer(ctx, from, obj)
	if err != nil || p == nil {
		return err // not from a peer the hub follows: ignored
	}
	return f.keepItem(ctx, obj, p, src)
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
func (f *Federation) sourcePeer(ctx context.Context, signer *hub.RemoteActor, obj doc) (*hub.Followed, doc, hub.ItemSource, error) {
	attrs := obj.refs("attributedTo")
	if len(attrs) == 0 || slices.Contains(attrs, signer.ID) {
		p, err := f.followedPeer(ctx, signer.ID)
		if p == nil || err != nil {
			return nil, nil, hub.ItemSource{}, err
		}
		return p, obj, hub.ItemSource{PeerActor: p.ActorID}, nil
	}
	signerPeer, err := f.followedPeer(ctx, signer.ID)
	if err != nil {
		return nil, nil, hub.ItemSource{}, err
	}
	if signerPeer == nil && !f.followsAny(ctx, attrs, HostOf(obj.id())) {
		return nil, nil, hub.ItemSource{}, nil // nobody the hub follows: not worth a fetch
	}
	fetched, err := f.fetchItem(ctx, obj.id())
	if err != nil {
		return nil, nil, hub.ItemSource{}, refuse(http.StatusUnprocessableEntity,
			"the object %s is attributed to %s, and its server does not confirm it: %v", obj.id(), attrs[0], err)
	}
	for _, a := range fetched.refs("attributedTo") {
		if HostOf(a) != HostOf(obj.id()) {
			continue
		}
		if p, err := f.followedPeer(ctx, a); p != nil || err != nil {
			return p, fetched, hub.ItemSource{PeerActor: a}, err
		}
	}
	if signerPeer == nil {
		return nil, nil, hub.ItemSource{}, nil
	}
	return signerPeer, fetched, hub.ItemSource{PeerActor: signerPeer.ActorID, Share: true}, nil
}

// followsAny reports whether the hub follows one of actors on host.
func (f *Federation) followsAny(ctx context.Context, actors []string, host string) bool {
	for _, a := range actors {
		if HostOf(a) == host {
			if p, _ := f.followedPeer(ctx, a); p != nil {
				return true
			}
		}
	}
	return false
}

// followedPeer returns the peer with exactly this actor id, if the hub
// follows it and has not been refused; nil otherwise.
func (f *Federation) followedPeer(ctx context.Context, actorID string) (*hub.Followed, error) {
	p, err := f.commons.Followed(ctx, actorID)
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
func (f *Federation) keepItem(ctx context.Context, obj doc, p *hub.Followed, src hub.ItemSource) error {
	if !isPublic(obj) {
		return nil // followers-only or direct: never shown publicly here
	}
	origin := hub.Origin{ActorID: p.ActorID, Name: p.Name, Username: p.Username, URL: p.URL, Host: p.Host}
	if attr := obj.ref("attributedTo"); attr != "" && HostOf(attr) != HostOf(obj.id()) {
		return refuse(http.StatusUnprocessableEntity, "the object %s is attributed to %s, on another server", obj.id(), attr)
	}
	if attr := obj.ref("attributedTo"); src.Share && attr != "" && attr != p.ActorID {
		origin = f.originOf(ctx, attr)
	}
	if src.Share && obj.ref("attributedTo") == "" {
		origin = hub.Origin{ActorID: obj.id(), Host: HostOf(obj.id())}
	}
	prev, err := f.commons.RemoteItemByObject(ctx, obj.id())
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return err
	}
	if prev != nil && prev.Origin.ActorID != origin.ActorID {
		if !src.Share {
			return refuse(http.StatusForbidden, "only %s can change %s", prev.Origin.ActorID, obj.id())
		}
		origin = prev.Origin // a re-share of an item held already keeps its credit
	}
	it, err := parseItem(obj, origin, f.now())
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "%v", err)
	}
	if f.refusedHost(ctx, HostOf(it.ObjectID)) || f.refusedActor(ctx, it.Origin.ActorID) {
		return nil
	}
	changed, err := f.commons.SaveRemoteItem(ctx, it, src)
	if err != nil {
		return err
	}
	if changed {
		f.log.Info("commons item saved", "kind", it.Kind, "object", it.ObjectID, "from", p.ActorID, "share", src.Share)
	}
	return nil
}

// originOf describes an actor for crediting, fetching it when needed; a
// failed fetch still credits its server.
func (f *Federation) originOf(ctx context.Context, actorID string) hub.Origin {
	o := hub.Origin{ActorID: actorID, Host: HostOf(actorID)}
	if p, err := f.commons.Followed(ctx, actorID); err == nil {
		o.Name, o.Username, o.URL = p.Name, p.Username, p.URL
		return o
	}
	d, err := f.fetchActorDoc(ctx, actorID)
	if err != nil {
		return o
	}
	if a, err := parseActor(d); err == nil && a.ID == actorID {
		o.Name, o.Username, o.URL = a.Name, a.Username, a.URL
	}
	return o
}

// parseItem maps an Event or Article to a remote item, leniently: what
// the hub relies on (id, a title or text, times for events) is checked.
func parseItem(d doc, origin hub.Origin, now time.Time) (*hub.RemoteItem, error) {
	it := &hub.RemoteItem{ObjectID: d.id(), Kind: itemKindOf(d), Origin: origin, Received: now}
	it.URL = firstHTTP(d.refs("url"))
	if it.URL == "" {
		it.URL = it.ObjectID
	}
	content, lang := d.str("content"), ""
	if cm := d.obj("contentMap"); cm != nil {
		for k, v := range cm {
			if s, ok := v.(string); ok && s != "" {
				lang = k
				if content == "" {
					content = s
				}
				break
			}
		}
	}
	it.Language = lang
	if l := d.str("inLanguage"); it.Language == "" && len(l) <= 16 {
		it.Language = l
	}
	it.ContentHTML = remotehtml.Sanitize(content)
	it.ContentText = remotehtml.PlainText(content)
	it.Summary = remotehtml.PlainText(d.str("summary"))
	it.Title = strings.TrimSpace(remotehtml.PlainText(d.str("name")))
	if it.Title == "" {
		it.Title = abstract(it.Summary+" "+it.ContentText, 80)
	}
	if it.Title == "" {
		return nil, errors.New("the object has neither a name nor any text")
	}
	if it.Kind == hub.KindCaseStudy {
		// Every section key, with the domain's own headings.
		all := (&hub.CaseStudy{Problem: "-", Approach: "-", Tools: "-", Outcome: "-", Lessons: "-"}).Sections()
		for _, sec := range all {
			if md := d.str(sec.Key); strings.TrimSpace(md) != "" {
				rendered := renderMarkdown(md)
				it.Sections = append(it.Sections, hub.Section{Key: sec.Key, Heading: sec.Heading, HTML: remotehtml.Sanitize(rendered)})
				it.ContentText += " " + remotehtml.PlainText(rendered)
			}
		}
	}
	it.Published = parseTime(d.str("published"))
	if it.Published.IsZero() {
		it.Published = now
	}
	it.Updated = parseTime(d.str("updated"))
	if it.Updated.IsZero() {
		it.Updated = it.Published
	}
	for _, t := range d.objs("tag") {
		if !t.is("Hashtag") || len(it.Tags) >= 30 {
			continue
		}
		name := strings.TrimPrefix(strings.TrimSpace(t.str("name")), "#")
		// A hub links its hashtags to /tags/{slug}: the slug keeps tag
		// filters the same across hubs ("#DigitalSkills" is digital-skills).
		if href, err := url.Parse(t.str("href")); err == nil && HostOf(href.String()) == HostOf(it.ObjectID) && strings.HasPrefix(href.Path, "/tags/") {
			if slug := strings.TrimPrefix(href.Path, "/tags/"); slug != "" && hub.Slugify(slug) == slug {
				name = strings.ReplaceAll(slug, "-", " ")
			}
		}
		if name != "" {
			it.Tags = append(it.Tags, name)
		}
	}
	if it.Kind == hub.KindEvent {
		start, end := parseTime(d.str("startTime")), parseTime(d.str("endTime"))
		if start.IsZero() {
			return nil, fmt.Errorf("the event %s has no valid startTime", it.ObjectID)
		}
		if end.Before(start) {
			end = start
		}
		it.TimeZone = d.str("timezone")
		if _, err := time.LoadLocation(it.TimeZone); err != nil || it.TimeZone == "" {
			it.TimeZone = "UTC"
		}
		it.StartsAt, it.EndsAt = &start, &end
		for _, loc := range d.objs("location") {
			switch {
			case loc.is("VirtualLocation"):
				if it.OnlineURL == "" {
					it.OnlineURL = firstHTTP(loc.refs("url"))
				}
			default:
				if it.PlaceName != "" {
					continue
				}
				it.PlaceName = strings.TrimSpace(loc.str("name"))
				it.Address = addressOf(loc)
				it.Latitude, it.Longitude = floatOf(loc["latitude"]), floatOf(loc["longitude"])
			}
		}
	} else if loc := d.obj("location"); loc != nil {
		it.PlaceName = strings.TrimSpace(loc.str("name"))
	}
	return it, nil
}

// addressOf reads a Place's address: free text (Gancio) or a
// PostalAddress (Mobilizon, Commonplace).
func addressOf(loc doc) string {
	if s := loc.str("address"); s != "" {
		return strings.TrimSpace(s)
	}
	a := loc.obj("address")
	if a == nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"} {
		if v := strings.TrimSpace(a.str(k)); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

func floatOf(v any) *float64 {
	if x, ok := v.(float64); ok {
		return &x
	}
	return nil
}

func firstHTTP(refs []string) string {
	for _, r := range refs {
		if strings.HasPrefix(r, "https://") || strings.HasPrefix(r, "http://") {
			return r
		}
	}
	return ""
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// onDelete removes a remote item or a comment whose origin deletes it:
// the actor credited with it, or anyone on its server once the server
// itself confirms the object is gone (a Mobilizon member removing a group
// event). Nobody else can remove it.
func (f *Federation) onDelete(ctx context.Context, act doc, from *hub.RemoteActor) error {
	iri := act.ref("object")
	if f.commons == nil || iri == "" || HostOf(iri) != HostOf(from.ID) {
		return nil
	}
	if c, err := f.commons.CommentByObject(ctx, iri); err == nil {
		if c.Author.ActorID != from.ID {
			return refuse(http.StatusForbidden, "only the author of %s can delete it", iri)
		}
		_, err := f.commons.DeleteCommentByObject(ctx, iri)
		f.log.Info("comment deleted by its author", "object", iri)
		return err
	}
	prev, err := f.commons.RemoteItemByObject(ctx, iri)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if prev.Origin.ActorID != from.ID && !f.goneAtOrigin(ctx, iri) {
		return refuse(http.StatusForbidden, "only %s can delete %s, and its server still serves it", prev.Origin.ActorID, iri)
	}
	gone, err := f.commons.DeleteRemoteItem(ctx, iri)
	if gone {
		f.log.Info("commons item deleted by its origin", "object", iri, "by", from.ID)
	}
	return err
}

// goneAtOrigin reports whether the object's own server says it is gone
// (404, 410 or a Tombstone).
func (f *Federation) goneAtOrigin(ctx context.Context, iri string) bool {
	d, err := f.fetchDoc(ctx, iri)
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe.Status == http.StatusNotFound || fe.Status == http.StatusGone
	}
	return err == nil && d.id() == iri && d.is("Tombstone")
}

// onAnnounce keeps an item a followed peer re-shares. An item on the
// peer's own server is its own (FEP-1b12 groups announce what they
// publish); one from elsewhere is fetched from its origin, never taken
// from the Announce as sent.
func (f *Federation) onAnnounce(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if f.commons == nil || !isPublic(act) {
		return nil
	}
	p, err := f.commons.Followed(ctx, from.ID)
	if hub.ErrorCode(err) == hub.ENOTFOUND || (err == nil && p.State == hub.PeerRejected) {
		return nil
	}
	if err != nil {
		return err
	}
	iri := act.ref("object")
	if inner := act.obj("object"); inner != nil && (inner.is("Create") || inner.is("Update")) {
		iri = inner.ref("object")
	}
	if iri == "" || f.refusedHost(ctx, HostOf(iri)) {
		return nil
	}
	obj, err := f.fetchItem(ctx, iri)
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "cannot fetch the re-shared object %s: %v", iri, err)
	}
	if itemKindOf(obj) == "" {
		return nil
	}
	if HostOf(iri) == p.Host {
		return f.keepItem(ctx, obj, p, hub.ItemSource{PeerActor: p.ActorID})
	}
	return f.keepItem(ctx, obj, p, hub.ItemSource{PeerActor: p.ActorID, Share: true, ActivityID: act.id()})
}

// onUndoAnnounce drops a peer's re-share.
func (f *Federation) onUndoAnnounce(ctx context.Context, announce doc, from *hub.RemoteActor) error {
	if f.commons == nil {
		return nil
	}
	iri := announce.ref("object")
	if inner := announce.obj("object"); inner != nil && (inner.is("Create") || inner.is("Update")) {
		iri = inner.ref("object")
	}
	if iri == "" {
		return nil
	}
	return f.commons.RemoveShare(ctx, iri, from.ID)
}

// onReply keeps a public reply to one of the hub's items (or to a comment
// on one) as a comment, credited to its author.
func (f *Federation) onReply(ctx context.Context, obj doc, inReplyTo string, from *hub.RemoteActor) error {
	if attr := obj.ref("attributedTo"); attr != "" && attr != from.ID {
		return refuse(http.StatusBadRequest, "the reply is attributed to %s, not to its signer %s", attr, from.ID)
	}
	kind, itemID, err := f.commons.LocalItemByIRI(ctx, inReplyTo)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		// A reply to a comment joins the comment's item.
		parent, perr := f.commons.CommentByObject(ctx, inReplyTo)
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
	if prev, err := f.commons.CommentByObject(ctx, obj.id()); err == nil && prev.Author.ActorID != from.ID {
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
		published = f.now()
	}
	c := &hub.Comment{ObjectID: obj.id(), Kind: kind, ItemID: itemID, URL: firstHTTP(obj.refs("url")), ContentHTML: clean, Published: published,
		Author: hub.Origin{ActorID: from.ID, Name: from.Name, Username: from.Username, URL: from.URL, Host: HostOf(from.ID)}}
	if c.URL == "" {
		c.URL = c.ObjectID
	}
	if err := f.commons.SaveComment(ctx, c, inReplyTo); err != nil {
		return err
	}
	f.log.Info("comment received", "object", c.ObjectID, "kind", kind, "item", itemID, "author", from.ID)
	return nil
}
