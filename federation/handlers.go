package federation

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/accept"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

const (
	pageSize      = 20
	cacheLifetime = 5 * time.Second // settings changes show within this
)

// RenderedDocument is a document the hub renders from its settings (the
// actor, WebFinger, NodeInfo), as kept in the DocumentCache.
type RenderedDocument struct {
	Body        []byte
	ContentType []string
	Subject     string // WebFinger: the acct: URI the document is for
}

// cachedDoc returns the document under key, building it when missing or stale.
func (f *Federation) cachedDoc(ctx context.Context, key string, build func(hub.Settings) (any, string, error)) (RenderedDocument, error) {
	now := time.Now()
	if c, ok := f.docs.Get(key, now); ok {
		return c, nil
	}
	st, err := f.settings(ctx)
	if err != nil {
		return RenderedDocument{}, err
	}
	v, ctype, err := build(st)
	if err != nil {
		return RenderedDocument{}, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return RenderedDocument{}, err
	}
	c := RenderedDocument{Body: body, ContentType: []string{ctype}, Subject: "acct:" + st.Handle + "@" + f.Host()}
	f.docs.Put(key, c, now.Add(cacheLifetime))
	return c, nil
}

// settings returns the hub's settings, read at most once per cache
// lifetime: public GETs (actor, WebFinger, objects) need them on every
// request.
func (f *Federation) settings(ctx context.Context) (hub.Settings, error) {
	now := time.Now()
	if st, fresh := f.settingsCache.Get("settings", now); fresh {
		return st, nil
	}
	st, err := f.content.Settings(ctx)
	if err != nil {
		return hub.Settings{}, err
	}
	f.settingsCache.Put("settings", st, now.Add(cacheLifetime))
	return st, nil
}

// Routes registers the well-known documents, the actor, its inboxes and
// collections on r.
func (f *Federation) Routes(r chi.Router) {
	r.Get("/.well-known/webfinger", f.webfinger)
	r.Get("/.well-known/host-meta", f.hostMeta)
	r.Get("/.well-known/nodeinfo", f.nodeinfoIndex)
	r.Get("/nodeinfo/{version}", f.nodeinfo)
	r.Get("/actor", f.actor)
	r.Post("/actor/inbox", f.inbox.serveInbox)
	r.Post("/inbox", f.inbox.serveInbox)
	r.Get("/actor/outbox", f.outbox)
	r.Get("/actor/followers", f.followers)
	r.Get("/actor/following", f.following)
	r.Get("/actor/featured", f.featured)
}

// WantsActivityJSON reports whether a request asks for ActivityStreams
// rather than HTML, as every other answer of the hub decides it
// (internal/accept).
func WantsActivityJSON(r *http.Request) bool { return accept.Activity(r.Header.Values("Accept")) }

// Header values shared by every JSON answer, built once (length equals
// capacity, so an Add elsewhere copies rather than writes into them).
var (
	hdrVary         = []string{"Accept"}
	hdrVaryAsker    = []string{"Accept, Signature, Signature-Input"}
	hdrCacheControl = []string{"public, max-age=60"}
	hdrAnyOrigin    = []string{"*"}
	hdrJSON         = []string{"application/json"}
	hdrAS           = []string{contentTypeAS}
)

func (f *Federation) writeJSON(w http.ResponseWriter, r *http.Request, ctype []string, body []byte) {
	writeCached(w, ctype, hdrVary, body)
}

// writeCached writes a public answer that caches may keep for a minute,
// apart for each value of the vary headers.
func writeCached(w http.ResponseWriter, ctype, vary []string, body []byte) {
	h := w.Header()
	h["Content-Type"] = ctype
	h["Vary"] = vary
	h["Cache-Control"] = hdrCacheControl
	h["Access-Control-Allow-Origin"] = hdrAnyOrigin
	w.Write(body)
}

func (f *Federation) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	msg := "internal error"
	switch hub.ErrorCode(err) {
	case hub.ENOTFOUND:
		status, msg = http.StatusNotFound, "not found"
	case hub.EINVALID:
		status, msg = http.StatusBadRequest, hub.ErrorMessage(err)
	default:
		f.log.Error("federation request", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"error\":%q}\n", msg)
}

// actorTerms are the actor's terms beyond the objects' (Mastodon's).
var actorTerms = map[string]any{
	"featured":      map[string]any{"@id": "toot:featured", "@type": "@id"},
	"PropertyValue": "schema:PropertyValue",
	"value":         "schema:value",
}

// actorDoc is the hub's Group actor: its url is the home page, its
// attachment the profile fields, featured the next upcoming events.
func (f *Federation) actorDoc(ctx context.Context, st hub.Settings) (any, string, error) {
	pub, err := publicKeyPEM(f.PublicKey())
	if err != nil {
		return nil, "", err
	}
	a := map[string]any{
		"@context":                  []any{asContext, secContext, objectContext[1], actorTerms},
		"id":                        f.ActorID(),
		"type":                      "Group",
		"preferredUsername":         st.Handle,
		"name":                      st.Name,
		"summary":                   "<p>" + htmlEscape(st.Description) + "</p>",
		"url":                       f.baseStr + "/",
		"inbox":                     f.inboxIRI(),
		"outbox":                    f.outboxIRI(),
		"followers":                 f.followersIRI(),
		"following":                 f.followingIRI(),
		"endpoints":                 map[string]any{"sharedInbox": f.sharedInbox()},
		"featured":                  f.featuredIRI(),
		"attachment":                f.profileFields(ctx, f.words(st)),
		"manuallyApprovesFollowers": st.ManuallyApprovesFollowers,
		"discoverable":              st.Discoverable,
		"indexable":                 st.Indexable,
		"publicKey": map[string]any{
			"id":           f.keyID,
			"owner":        f.ActorID(),
			"publicKeyPem": pub,
		},
	}
	if loc := areaPlace(st.Area); loc != nil {
		a["location"] = loc
	}
	if icon := f.logoIcon(ctx, st); icon != nil {
		a["icon"] = icon
	}
	if p := f.picture(ctx, hub.OwnerHeader, 0); p != nil {
		a["image"] = f.imageObject(p) // the header image
	}
	return a, contentTypeAS, nil
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func (f *Federation) actor(w http.ResponseWriter, r *http.Request) {
	if !WantsActivityJSON(r) && strings.Contains(strings.ToLower(r.Header.Get("Accept")), "text/html") {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	c, err := f.cachedDoc(r.Context(), "actor", func(st hub.Settings) (any, string, error) { return f.actorDoc(r.Context(), st) })
	if err != nil {
		f.fail(w, r, err)
		return
	}
	f.writeJSON(w, r, c.ContentType, c.Body)
}

// webfinger answers acct:handle@host, the actor IRI or the home page URL.
func (f *Federation) webfinger(w http.ResponseWriter, r *http.Request) {
	resource := r.URL.Query().Get("resource")
	if resource == "" {
		f.fail(w, r, hub.Errorf(hub.EINVALID, "the resource parameter is required"))
		return
	}
	c, err := f.cachedDoc(r.Context(), "webfinger", func(st hub.Settings) (any, string, error) {
		return map[string]any{
			"subject": "acct:" + st.Handle + "@" + f.Host(),
			"aliases": []any{f.ActorID(), f.baseStr + "/"},
			"links": []any{
				map[string]any{"rel": "self", "type": contentTypeAS, "href": f.ActorID()},
				map[string]any{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f.baseStr + "/"},
			},
		}, "application/jrd+json; charset=utf-8", nil
	})
	if err != nil {
		f.fail(w, r, err)
		return
	}
	if !f.matchesResource(resource, c.Subject) {
		f.fail(w, r, hub.Errorf(hub.ENOTFOUND, "no such account"))
		return
	}
	f.writeJSON(w, r, c.ContentType, c.Body)
}

func (f *Federation) matchesResource(resource, subject string) bool {
	switch {
	case strings.EqualFold(resource, subject), strings.EqualFold("acct:"+resource, subject):
		return true
	case resource == f.ActorID(), resource == f.baseStr+"/", resource == f.baseStr:
		return true
	}
	// acct:@handle@host, as some clients send it.
	return strings.EqualFold(strings.Replace(resource, "acct:@", "acct:", 1), subject)
}

// hostMeta is the XRD pointing at WebFinger, which Mastodon tries after a 404.
func (f *Federation) hostMeta(w http.ResponseWriter, r *http.Request) {
	type link struct {
		Rel      string `xml:"rel,attr"`
		Type     string `xml:"type,attr"`
		Template string `xml:"template,attr"`
	}
	type xrd struct {
		XMLName xml.Name `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
		Links   []link   `xml:"Link"`
	}
	body, _ := xml.MarshalIndent(xrd{Links: []link{{Rel: "lrdd", Type: "application/jrd+json", Template: uris.Base(f.baseStr).WebFingerTemplate()}}}, "", "  ")
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write([]byte(xml.Header))
	w.Write(body)
}

func (f *Federation) nodeinfoIndex(w http.ResponseWriter, r *http.Request) {
	body, _ := json.Marshal(map[string]any{"links": []any{
		map[string]any{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": uris.Base(f.baseStr).NodeInfo("2.0")},
		map[string]any{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": uris.Base(f.baseStr).NodeInfo("2.1")},
	}})
	f.writeJSON(w, r, hdrJSON, body)
}

// nodeinfo serves NodeInfo 2.0 and 2.1: the required keys and no others.
func (f *Federation) nodeinfo(w http.ResponseWriter, r *http.Request) {
	version := chi.URLParam(r, "version")
	if version != "2.0" && version != "2.1" {
		f.fail(w, r, hub.Errorf(hub.ENOTFOUND, "no such NodeInfo version"))
		return
	}
	c, err := f.cachedDoc(r.Context(), "nodeinfo"+version, func(st hub.Settings) (any, string, error) {
		posts := 0
		for _, count := range []func() (int, error){
			func() (int, error) {
				_, n, err := f.content.ListEvents(r.Context(), hub.EventFilter{Limit: 1})
				return n, err
			},
			func() (int, error) {
				_, n, err := f.content.ListGuides(r.Context(), hub.GuideFilter{Limit: 1})
				return n, err
			},
			func() (int, error) {
				_, n, err := f.content.ListCaseStudies(r.Context(), hub.CaseStudyFilter{Limit: 1})
				return n, err
			},
		} {
			n, err := count()
			if err != nil {
				return nil, "", err
			}
			posts += n
		}
		software := map[string]any{"name": "commonplace", "version": f.version}
		if version == "2.1" {
			software["repository"] = "https://github.com/commonplace-hub/commonplace"
		}
		return map[string]any{
			"version":           version,
			"software":          software,
			"protocols":         []any{"activitypub"},
			"services":          map[string]any{"inbound": []any{}, "outbound": []any{"atom1.0"}},
			"openRegistrations": false,
			"usage": map[string]any{
				"users":      map[string]any{"total": 1, "activeHalfyear": 1, "activeMonth": 1},
				"localPosts": posts,
			},
			"metadata": map[string]any{"nodeName": st.Name, "nodeDescription": st.Description},
		}, `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/` + version + `#"`, nil
	})
	if err != nil {
		f.fail(w, r, err)
		return
	}
	f.writeJSON(w, r, c.ContentType, c.Body)
}

// page reads ?page=N (from 1; 0 means the collection itself) and says
// where its entries start.
func page(r *http.Request) (n, offset int) {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 0, 0
	}
	return n, (n - 1) * pageSize
}

// collection writes an OrderedCollection, or one OrderedCollectionPage of it.
func (f *Federation) collection(w http.ResponseWriter, r *http.Request, id string, total, n int, items []any) {
	var c map[string]any
	last := (total + pageSize - 1) / pageSize
	if last == 0 {
		last = 1
	}
	pageIRI := func(p int) string { return id + "?page=" + strconv.Itoa(p) }
	if n == 0 {
		c = map[string]any{"@context": asContext, "id": id, "type": "OrderedCollection", "totalItems": total,
			"first": pageIRI(1), "last": pageIRI(last)}
	} else {
		c = map[string]any{"@context": asContext, "id": pageIRI(n), "type": "OrderedCollectionPage", "partOf": id,
			"totalItems": total, "orderedItems": items}
		if items == nil {
			c["orderedItems"] = []any{}
		}
		if n < last {
			c["next"] = pageIRI(n + 1)
		}
		if n > 1 {
			c["prev"] = pageIRI(n - 1)
		}
	}
	body, err := json.Marshal(c)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	f.writeJSON(w, r, hdrAS, body)
}

func (f *Federation) outbox(w http.ResponseWriter, r *http.Request) {
	storedCollection(f, w, r, f.outboxIRI(), f.store.Outbox, func(a *hub.OutActivity) (any, bool) {
		var v map[string]any
		if json.Unmarshal(a.Body, &v) != nil {
			return nil, false
		}
		delete(v, "@context")
		return v, true
	})
}

func (f *Federation) followers(w http.ResponseWriter, r *http.Request) {
	read := func(ctx context.Context, limit, offset int) ([]*hub.FollowerRecord, int, error) {
		return f.store.Followers(ctx, false, limit, offset)
	}
	storedCollection(f, w, r, f.followersIRI(), read, func(rec *hub.FollowerRecord) (any, bool) { return rec.ActorID, true })
}

// storedCollection writes the collection id, or its page ?page=N, of what
// read lists (a page of it and the total), each entry as item makes it
// (false: left out).
func storedCollection[T any](f *Federation, w http.ResponseWriter, r *http.Request, id string,
	read func(ctx context.Context, limit, offset int) ([]T, int, error), item func(T) (any, bool)) {
	n, offset := page(r)
	list, total, err := read(r.Context(), pageSize, offset)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	var items []any
	if n > 0 {
		for _, v := range list {
			if it, ok := item(v); ok {
				items = append(items, it)
			}
		}
	}
	f.collection(w, r, id, total, n, items)
}

// following lists the peers the hub follows and that accepted: the
// truthful answer to who this hub reads, which other hubs' network pages
// read in turn. A Follow still unanswered or refused is not listed.
func (f *Federation) following(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if f.commons != nil {
		list, err := f.commons.FollowedList(r.Context())
		if err != nil {
			f.fail(w, r, err)
			return
		}
		for _, p := range list {
			if p.State == hub.PeerAccepted {
				ids = append(ids, p.ActorID)
			}
		}
	}
	n, offset := page(r)
	var items []any
	if n > 0 {
		for i := offset; i < len(ids) && i < offset+pageSize; i++ {
			items = append(items, ids[i])
		}
	}
	f.collection(w, r, f.followingIRI(), len(ids), n, items)
}

// areaPlace is the hub's area as an ActivityStreams Place for the actor's
// location (as places.pub and Bonfire write it), or nil when the hub says
// nothing. Mastodon and GoToSocial do not read an actor's location and
// ignore it; hubs read it for their network pages.
func areaPlace(a hub.Area) map[string]any {
	if a.IsZero() {
		return nil
	}
	p := map[string]any{"type": "Place"}
	if a.Name != "" {
		p["name"] = a.Name
	}
	if a.HasPosition() {
		p["latitude"], p["longitude"] = *a.Latitude, *a.Longitude
	}
	return p
}

// itemObject is the ActivityStreams object of the item kind with slug
// (for an event, of its occurrence on ?date= when the request names one).
func (f *Federation) itemObject(r *http.Request, kind hub.Kind, slug string, st hub.Settings) (map[string]any, error) {
	ctx := r.Context()
	switch kind {
	case hub.KindEvent:
		e, err := f.content.EventBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		id, occ := f.itemURL(kind, e.Slug), e.First()
		if date := r.URL.Query().Get("date"); date != "" && e.Recurring() {
			if occ, err = e.OccurrenceOn(date); err != nil {
				return nil, err
			}
			id = f.occurrenceIRI(e, occ.Key()) // a moved date answers under the IRI it was published with
		}
		return f.withPicture(ctx, f.eventObject(e, occ, id, st), hub.OwnerEvent, e.ID), nil
	case hub.KindGuide:
		g, err := f.content.GuideBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return f.withPicture(ctx, f.guideObject(g, st), hub.OwnerGuide, g.ID), nil
	case hub.KindCaseStudy:
		c, err := f.content.CaseStudyBySlug(ctx, slug)
		if err != nil {
			return nil, err
		}
		return f.withPicture(ctx, f.caseStudyObject(c, st), hub.OwnerCaseStudy, c.ID), nil
	}
	return nil, hub.Errorf(hub.ENOTFOUND, "not found")
}

// ServeObject answers an item page's URL with its ActivityStreams object:
// the hub's web pages call it when the request asks for activity+json.
// kind is hub.KindEvent, KindGuide or KindCaseStudy.
func (f *Federation) ServeObject(w http.ResponseWriter, r *http.Request, kind hub.Kind, slug string) {
	ctx := r.Context()
	st, err := f.settings(ctx)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	obj, err := f.itemObject(r, kind, slug, st)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	// The form depends on who asks (askerFamily): caches must keep the
	// answers to different servers apart.
	body, err := json.Marshal(withContext(forReaders(f.askerFamily(r), obj)))
	if err != nil {
		f.fail(w, r, err)
		return
	}
	writeCached(w, hdrAS, hdrVaryAsker, body)
}
