package federation

import (
	"context"
	"html"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
	"github.com/commonplace-hub/commonplace/locales"
)

// "Adapted from" (hub/adapted.go) on the wire. A guide or case study
// adapted from another server's carries an FEP-e232 object link in its
// tag: a Link with the ActivityStreams media type, href the original's id
// and rel schema.org's isBasedOn. FEP-e232 is what Misskey's forks
// (getApLinks), Mitra, Friendica and (streams) read for links to other
// objects; they treat a link as a quote only when its rel is
// _misskey_quote or quoteUri, and Mastodon's tag processing reads only
// Hashtag, Mention and Emoji, so the adaptation is never shown as a quote
// or, as inReplyTo would make it, a reply. The original's actor is in cc
// and gets the activities, so its hub can show "Adapted by".

// relAdaptedFrom is the link relation of an adaptation's object link.
const relAdaptedFrom = "https://schema.org/isBasedOn"

// objectLinkType is FEP-e232's media type of a link to an AS2 object.
const objectLinkType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// withAdaptedFrom adds to a published object its original, if any: the
// object link, the original's actor in cc, and a line saying so at the
// head of the summary, in the hub's language (w).
func withAdaptedFrom(o map[string]any, a *hub.AdaptedFrom, w locales.Words) {
	if a == nil || a.ObjectID == "" {
		return
	}
	tags, _ := o["tag"].([]any)
	o["tag"] = append(tags, map[string]any{"type": "Link", "mediaType": objectLinkType, "href": a.ObjectID, "name": a.Title, "rel": relAdaptedFrom})
	if a.Origin.ActorID != "" {
		cc, _ := o["cc"].([]any)
		o["cc"] = append(cc, a.Origin.ActorID)
	}
	link := a.URL
	if link == "" {
		link = a.ObjectID
	}
	const titleMark, byMark = "\x00title\x00", "\x00by\x00"
	line := html.EscapeString(w.T("Adapted from %s by %s", titleMark, byMark))
	line = strings.Replace(line, html.EscapeString(titleMark), `<a href="`+html.EscapeString(link)+`">`+html.EscapeString(a.Title)+`</a>`, 1)
	line = strings.Replace(line, html.EscapeString(byMark), html.EscapeString(a.Origin.DisplayName()), 1)
	line = "<p>↪ " + line + "</p>"
	if s, ok := o["summary"].(string); ok {
		o["summary"] = line + s
	}
	if m, ok := o["summaryMap"].(map[string]any); ok {
		for k, v := range m {
			s, _ := v.(string)
			m[k] = line + s
		}
	}
}

// adaptedFromRef is the id of the original an object says it is adapted
// from (its object link with rel isBasedOn), or "".
func adaptedFromRef(d doc) string {
	for _, t := range d.objs("tag") {
		if !t.is("Link") || t.str("rel") != relAdaptedFrom {
			continue
		}
		mt := strings.TrimSpace(strings.SplitN(t.str("mediaType"), ";", 2)[0])
		if mt != "application/ld+json" && mt != "application/activity+json" {
			continue
		}
		if href := t.str("href"); href != "" {
			return href
		}
	}
	return ""
}

// adaptationInboxes are the inboxes of the originals' actors that objects
// (as published now, or before) name in cc besides the public and the
// followers: the hubs whose items they are adapted from, told of each
// change so they can credit the adaptation, or stop. Blocked actors and
// servers are left out.
func (f *Federation) adaptationInboxes(ctx context.Context, objects ...map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for _, o := range objects {
		if o == nil {
			continue
		}
		for _, r := range doc(o).refs("cc") {
			if r == publicIRI || r == f.followersIRI() || r == f.ActorID() || seen[r] {
				continue
			}
			seen[r] = true
			if f.refusedActor(ctx, r) {
				continue
			}
			if inbox := f.actorInbox(ctx, r); inbox != "" && !f.refusedHost(ctx, HostOf(inbox)) {
				out = append(out, inbox)
			}
		}
	}
	return out
}

// actorInbox is where to deliver to an actor: the inbox of a followed
// peer as kept, else its shared inbox or inbox as its server serves it;
// "" when it cannot be read.
func (f *Federation) actorInbox(ctx context.Context, actorID string) string {
	if f.commons != nil {
		if p, err := f.commons.Followed(ctx, actorID); err == nil && p.Inbox != "" {
			return p.Inbox
		}
	}
	a, _, err := f.fetchActor(ctx, actorID)
	if err != nil {
		f.log.Warn("the original's hub could not be read, so it is not told of the adaptation", "actor", actorID, "err", err)
		return ""
	}
	if a.SharedInbox != "" {
		return a.SharedInbox
	}
	return a.Inbox
}

// mergeInboxes adds to inboxes those of more it does not hold.
func mergeInboxes(inboxes, more []string) []string {
	if len(more) == 0 {
		return inboxes
	}
	out := append([]string(nil), inboxes...)
	for _, in := range more {
		dup := false
		for _, have := range out {
			if have == in {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, in)
		}
	}
	return out
}

// noteAdaptation records, or forgets, that obj (a guide or case study
// whose id is on the server of actor, who sent or served it) is adapted
// from one of this hub's own. Believed only for an original whose id is on
// this hub and is one of its guides or case studies; an object that no
// longer says so (or is no longer public) loses the credit.
func (in *inbox) noteAdaptation(ctx context.Context, obj doc, actor string) error {
	if in.commons == nil {
		return nil
	}
	kind := itemKindOf(obj)
	if kind != hub.KindGuide && kind != hub.KindCaseStudy {
		return nil
	}
	ref := adaptedFromRef(obj)
	localKind, itemID := hub.Kind(""), int64(0)
	if ref != "" && HostOf(ref) == HostOf(in.actorID) && isPublic(obj) {
		var err error
		localKind, itemID, err = in.commons.LocalItemByIRI(ctx, ref)
		if hub.ErrorCode(err) == hub.ENOTFOUND {
			localKind, itemID, err = in.itemByPage(ctx, ref)
		}
		if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
			return err
		}
	}
	if localKind != hub.KindGuide && localKind != hub.KindCaseStudy {
		if gone, err := in.commons.DeleteAdaptation(ctx, obj.id()); gone {
			in.log.Info("adaptation credit removed", "object", obj.id())
		} else if err != nil {
			return err
		}
		return nil
	}
	by := actor
	if attr := obj.ref("attributedTo"); attr != "" {
		if HostOf(attr) != HostOf(obj.id()) {
			return refuse(http.StatusUnprocessableEntity, "the adaptation %s is attributed to %s, on another server", obj.id(), attr)
		}
		by = attr
	}
	if in.policy.refusedActor(ctx, by) {
		return nil
	}
	title := strings.TrimSpace(obj.str("name"))
	if utf8.RuneCountInString(title) > hub.MaxTitle {
		title = string([]rune(title)[:hub.MaxTitle])
	}
	a := &hub.Adaptation{ObjectID: obj.id(), Kind: localKind, ItemID: itemID, URL: firstHTTP(obj.refs("url")), Title: title,
		By: in.originOf(ctx, by), Received: in.now()}
	if a.URL == "" || HostOf(a.URL) != HostOf(a.ObjectID) {
		a.URL = a.ObjectID
	}
	if err := in.commons.SaveAdaptation(ctx, a); err != nil {
		return err
	}
	in.log.Info("adaptation credited", "object", a.ObjectID, "kind", localKind, "item", itemID, "by", by)
	return nil
}

// forgetAdaptation removes the credit of an adaptation its own server
// deletes: sent by the actor credited with it, or confirmed gone there.
func (in *inbox) forgetAdaptation(ctx context.Context, iri string, from *hub.RemoteActor) error {
	found, err := originDeletes(ctx, in, iri, from, in.commons.AdaptationByObject, func(a *hub.Adaptation) string { return a.By.ActorID })
	if !found || err != nil {
		return err
	}
	if _, err := in.commons.DeleteAdaptation(ctx, iri); err != nil {
		return err
	}
	in.log.Info("adaptation deleted by its origin", "object", iri, "by", from.ID)
	return nil
}

// ResolveItem reads a guide or case study from its own server, for an
// organiser naming it as an original that is not in the commons:
// hub.ItemResolver. ref is its id or its page; a page that answers with
// an object whose id is elsewhere on the same server is read again from
// that id, and an id on another server is refused.
func (f *Federation) ResolveItem(ctx context.Context, ref string) (*hub.RemoteItem, error) {
	if HostOf(ref) == "" || HostOf(ref) == HostOf(f.baseStr) {
		return nil, hub.Errorf(hub.EINVALID, "That is not an address on another server.")
	}
	if f.refusedHost(ctx, HostOf(ref)) {
		return nil, hub.Errorf(hub.EINVALID, "This hub does not federate with that server.")
	}
	d, err := f.fetchDoc(ctx, ref)
	if err != nil {
		f.log.Info("an original could not be read", "ref", ref, "err", err)
		return nil, hub.Errorf(hub.EUNAVAILABLE, "The original could not be read.")
	}
	if id := d.id(); id != ref {
		if id == "" || HostOf(id) != HostOf(ref) {
			return nil, hub.Errorf(hub.EINVALID, "The address answered with an object on another server.")
		}
		if d, err = f.fetchItem(ctx, id); err != nil {
			return nil, hub.Errorf(hub.EUNAVAILABLE, "The original could not be read.")
		}
	}
	kind := itemKindOf(d)
	if kind != hub.KindGuide && kind != hub.KindCaseStudy {
		return nil, hub.Errorf(hub.EINVALID, "That is not a guide or a case study.")
	}
	origin := hub.Origin{ActorID: d.id(), Host: HostOf(d.id())}
	if attr := d.ref("attributedTo"); attr != "" {
		if HostOf(attr) != HostOf(d.id()) {
			return nil, hub.Errorf(hub.EINVALID, "The original is attributed to an account on another server.")
		}
		origin.ActorID = attr
		if f.commons != nil {
			origin = f.inbox.originOf(ctx, attr)
		}
	}
	it, err := parseItem(d, origin, f.now())
	if err != nil {
		return nil, hub.Errorf(hub.EINVALID, "That is not a guide or a case study.")
	}
	return it, nil
}

// remoteOriginal is what a peer's object says it is adapted from: the
// href of its object link (http(s) only) and the link's name as plain
// text; nil for none.
func remoteOriginal(d doc) *hub.RemoteOriginal {
	ref := adaptedFromRef(d)
	if ref == "" || !strings.HasPrefix(ref, "https://") && !strings.HasPrefix(ref, "http://") || len(ref) > hub.MaxRef {
		return nil
	}
	title := ""
	for _, t := range d.objs("tag") {
		if t.str("href") == ref {
			title = strings.TrimSpace(remotehtml.PlainText(t.str("name")))
			break
		}
	}
	if utf8.RuneCountInString(title) > hub.MaxTitle {
		title = string([]rune(title)[:hub.MaxTitle])
	}
	if title == "" {
		title = ref
	}
	return &hub.RemoteOriginal{ObjectID: ref, Title: title}
}
