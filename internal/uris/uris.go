// Package uris owns every public path and IRI of a hub: item pages
// (and a series occurrence's ?date=), lists, topics, places, the commons,
// feeds and calendars, the actor and its collections, activities and the
// discovery documents. Packages that link to the hub's pages or publish
// its IRIs (hub/web, federation, cmd) build them here and nowhere else,
// so a path changes in one place. (Item page paths come from the kinds
// table, hub.Kind.PagePath: hub.SearchHit needs them, and hub imports no
// package of the module.)
//
// Paths start with "/"; a Base turns them into absolute URLs and holds
// the IRIs, which are always absolute.
package uris

import (
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// Paths of the hub's own documents.
const (
	Home     = "/"
	Logo     = "/logo"
	Feed     = "/feed.atom"
	Calendar = "/calendar.ics"
	// PastEvents lists what has happened, newest first: the archive
	// beside the list of what is coming up.
	PastEvents = "/past-events"
)

// Item is the path of an item's public page, /{kind path}/{slug}.
func Item(k hub.Kind, slug string) string { return k.PagePath(slug) }

// List is the path of a kind's public list, /{kind path}.
func List(k hub.Kind) string { return "/" + k.Path() }

// Occurrence is the path of one occurrence of an event series, the
// event's page with ?date=YYYY-MM-DD.
func Occurrence(slug, date string) string { return Item(hub.KindEvent, slug) + "?date=" + date }

// EventCalendar is the path of one event's iCalendar file.
func EventCalendar(slug string) string { return Item(hub.KindEvent, slug) + "/calendar.ics" }

// Topics is the path of the list of topics (the domain's hub.Tag).
const Topics = "/topics"

// OldTopics is where topics were until they were renamed from tags: every
// path under it redirects to the same path under Topics, and hubs of
// older versions still link their hashtags there.
const OldTopics = "/tags"

// Topic is the path of a topic's page.
func Topic(slug string) string { return Topics + "/" + slug }

// TopicCalendar is the path of a topic's iCalendar feed.
func TopicCalendar(slug string) string { return Topic(slug) + "/calendar.ics" }

// TopicSlug reads the slug of a topic page's path: /topics/{slug}, or
// /tags/{slug} as older hubs link them. ok is false for any other path,
// and for a slug with more path after it.
func TopicSlug(path string) (slug string, ok bool) {
	for _, prefix := range []string{Topics + "/", OldTopics + "/"} {
		if rest, found := strings.CutPrefix(path, prefix); found {
			slug = strings.TrimSuffix(rest, "/")
			return slug, slug != "" && !strings.Contains(slug, "/")
		}
	}
	return "", false
}

// Place is the path of a place's page.
func Place(slug string) string { return "/places/" + slug }

// PlaceCalendar is the path of a place's iCalendar feed.
func PlaceCalendar(slug string) string { return Place(slug) + "/calendar.ics" }

// Commons is the path of a remote item's page in the commons.
func Commons(id int64) string { return "/commons/" + strconv.FormatInt(id, 10) }

// Base is the hub's public URL without a trailing slash
// ("https://hub.example"): the root of its absolute URLs and IRIs.
type Base string

// Abs makes a path absolute.
func (b Base) Abs(path string) string { return string(b) + path }

// Item is the absolute URL, and ActivityPub object IRI, of an item's page.
func (b Base) Item(k hub.Kind, slug string) string { return b.Abs(Item(k, slug)) }

// Occurrence is the IRI of one occurrence of an event series.
func (b Base) Occurrence(slug, date string) string { return b.Abs(Occurrence(slug, date)) }

// Topic is the absolute URL of a topic's page (a Hashtag's href).
func (b Base) Topic(slug string) string { return b.Abs(Topic(slug)) }

// Actor is the IRI of the hub's Group actor.
func (b Base) Actor() string { return b.Abs("/actor") }

// ActorInbox is the actor's own inbox.
func (b Base) ActorInbox() string { return b.Abs("/actor/inbox") }

// SharedInbox is the hub's shared inbox.
func (b Base) SharedInbox() string { return b.Abs("/inbox") }

// Outbox is the actor's outbox collection.
func (b Base) Outbox() string { return b.Abs("/actor/outbox") }

// Followers is the actor's followers collection.
func (b Base) Followers() string { return b.Abs("/actor/followers") }

// Following is the actor's following collection.
func (b Base) Following() string { return b.Abs("/actor/following") }

// Activity is the IRI of an activity the hub sends, by its random id.
func (b Base) Activity(id string) string { return b.Abs("/activities/" + id) }

// NodeInfo is the NodeInfo document of a schema version ("2.0", "2.1").
func (b Base) NodeInfo(version string) string { return b.Abs("/nodeinfo/" + version) }

// WebFingerTemplate is host-meta's LRDD template.
func (b Base) WebFingerTemplate() string { return b.Abs("/.well-known/webfinger?resource={uri}") }

// Pictures is the path under which pictures are served.
const Pictures = "/pictures"

// Picture is the path of one derivative of a picture:
// /pictures/{id}/{first 16 hex of its hash}-{size}.{jpg|png}. A replaced
// picture has a new id and hash, so the address of a picture never
// changes what it shows and can be cached for good.
func Picture(p *hub.Picture, size hub.PictureSize) string {
	hash := p.Hash
	if len(hash) > 16 {
		hash = hash[:16]
	}
	return Pictures + "/" + strconv.FormatInt(p.ID, 10) + "/" + hash + "-" + string(size) + "." + p.Ext()
}

// Picture is the absolute URL of one derivative of a picture.
func (b Base) Picture(p *hub.Picture, size hub.PictureSize) string { return b.Abs(Picture(p, size)) }
