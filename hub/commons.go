package hub

import (
	"context"
	"html"
	"strconv"
	"strings"
	"time"
)

// The commons: public events, guides and case studies that peer hubs
// publish, mirrored here so readers can browse and search them beside the
// hub's own, always credited to where they came from.

// Origin is the fediverse actor an item or comment comes from.
type Origin struct {
	ActorID  string `json:"actor_id"` // the actor's IRI
	Name     string `json:"name"`
	Username string `json:"username"` // preferredUsername
	URL      string `json:"url"`      // its profile or home page
	Host     string `json:"host"`
}

// Handle is @user@host, or the host when the user name is unknown.
func (o Origin) Handle() string {
	if o.Username == "" {
		return o.Host
	}
	return "@" + o.Username + "@" + o.Host
}

// DisplayName is the name, or the handle when the actor has none.
func (o Origin) DisplayName() string {
	if strings.TrimSpace(o.Name) != "" {
		return o.Name
	}
	return o.Handle()
}

// Section is one headed part of a remote case study.
type Section struct {
	Key     string `json:"key"` // problem, approach, tools, outcome, lessons
	Heading string `json:"heading"`
	HTML    string `json:"html"` // sanitised
}

// RemoteItem is a public event, guide or case study mirrored from a peer.
// Its HTML is sanitised before it is stored.
type RemoteItem struct {
	ID          int64     `json:"id"`
	ObjectID    string    `json:"object_id"` // its ActivityPub id on the origin
	Kind        Kind      `json:"kind"`      // KindEvent, KindGuide or KindCaseStudy
	URL         string    `json:"url"`       // the original page
	Title       string    `json:"title"`
	Summary     string    `json:"summary"`      // plain text
	ContentHTML string    `json:"content_html"` // sanitised
	ContentText string    `json:"content_text"` // plain text
	Sections    []Section `json:"sections,omitempty"`
	Origin      Origin    `json:"origin"`

	// Events.
	StartsAt  *time.Time `json:"starts_at,omitempty"`
	EndsAt    *time.Time `json:"ends_at,omitempty"`
	TimeZone  string     `json:"time_zone"`
	PlaceName string     `json:"place_name"`
	Address   string     `json:"address"`
	OnlineURL string     `json:"online_url"`
	Latitude  *float64   `json:"latitude,omitempty"`
	Longitude *float64   `json:"longitude,omitempty"`

	Tags     []string `json:"tags,omitempty"` // names, without '#'
	Language string   `json:"language"`       // of Title, Summary and ContentHTML, "" when not said
	// Translations are its text in the other languages the origin sent
	// (nameMap, summaryMap, contentMap); In picks a reader's.
	Translations []ItemText `json:"translations,omitempty"`
	Published    time.Time  `json:"published"`
	Updated      time.Time  `json:"updated"`
	Received     time.Time  `json:"received"`

	// SharedBy lists the peers that re-shared (Announced) it.
	SharedBy []Origin `json:"shared_by,omitempty"`
	// Reshared is set when this hub has re-shared it to its own followers.
	Reshared bool `json:"reshared"`
	// Picture is its picture on the peer, nil for none.
	Picture *RemotePicture `json:"picture,omitempty"`
	// AdaptedFrom is the original it says it is adapted from (adapted.go),
	// nil for none.
	AdaptedFrom *RemoteOriginal `json:"adapted_from,omitempty"`
}

// RemoteOriginal is what a commons item says it is adapted from: the
// original's ActivityPub id (on any server) and title, as its origin said.
type RemoteOriginal struct {
	ObjectID string `json:"object_id"`
	Title    string `json:"title"`
}

// Location is the place line for an event: place name and address, or
// the online link.
func (it *RemoteItem) Location() string {
	parts := []string{}
	for _, p := range []string{it.PlaceName, it.Address} {
		if p = strings.TrimSpace(p); p != "" && !strings.Contains(strings.Join(parts, ", "), p) {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 && it.OnlineURL != "" {
		return "Online"
	}
	return strings.Join(parts, ", ")
}

// RemoteItemFilter selects remote items. Zero values select everything.
type RemoteItemFilter struct {
	Kind   Kind      // KindEvent, KindGuide, KindCaseStudy or ""
	Host   string    // origin host, or "" for all
	After  time.Time // events ending after this (upcoming); zero: all
	Limit  int
	Offset int
}

// Comment is a reply from the fediverse to one of the hub's own items.
type Comment struct {
	ID          int64     `json:"id"`
	ObjectID    string    `json:"object_id"`
	Kind        Kind      `json:"kind"` // of the item replied to
	ItemID      int64     `json:"item_id"`
	URL         string    `json:"url"` // the reply on its own server
	Author      Origin    `json:"author"`
	ContentHTML string    `json:"content_html"` // sanitised
	Hidden      bool      `json:"hidden"`       // hidden by an organiser: not shown to readers
	Held        bool      `json:"held"`         // held for review (Policy.HoldReplies): hidden until approved, deleted when rejected
	Published   time.Time `json:"published"`
}

// CommonsStore reads what the hub mirrors from its peers and lets
// organisers moderate comments. Federation writes remote items and
// comments through its own store.
type CommonsStore interface {
	// RemoteItems lists remote items, events by start time and the others
	// newest first, with the total matching.
	RemoteItems(ctx context.Context, f RemoteItemFilter) ([]*RemoteItem, int, error)
	// RemoteItem returns one; ENOTFOUND if there is none.
	RemoteItem(ctx context.Context, id int64) (*RemoteItem, error)
	// Comments lists the comments on a local item, oldest first; hidden
	// ones only when withHidden.
	Comments(ctx context.Context, kind Kind, itemID int64, withHidden bool) ([]*Comment, error)
	// LatestComments lists the newest limit visible comments on a local
	// item, oldest first, and how many visible comments it has in all.
	// Reading them costs the same however many replies the item has.
	LatestComments(ctx context.Context, kind Kind, itemID int64, limit int) ([]*Comment, int, error)
	// Comment returns one comment; ENOTFOUND if there is none.
	Comment(ctx context.Context, id int64) (*Comment, error)
	// SetCommentHidden hides or shows a comment; ENOTFOUND if there is none.
	SetCommentHidden(ctx context.Context, id int64, hidden bool) error
	// DeleteComment removes a comment; ENOTFOUND if there is none.
	DeleteComment(ctx context.Context, id int64) error
	// RecentComments lists the newest comments across all items, hidden
	// ones included, for the organiser pages.
	RecentComments(ctx context.Context, limit int) ([]*Comment, error)
	// Hosts lists the servers the commons holds items from.
	Hosts(ctx context.Context) ([]string, error)
	// HeldComments lists the comments held for review, oldest first.
	HeldComments(ctx context.Context) ([]*Comment, error)
	// CountHeldComments counts them.
	CountHeldComments(ctx context.Context) (int, error)
	// ReleaseComment shows a held comment to readers; ENOTFOUND if no
	// comment with that id is held.
	ReleaseComment(ctx context.Context, id int64) error
}

// CommonsHosts lists the servers the commons holds items from; anyone.
func (s *Service) CommonsHosts(ctx context.Context) ([]string, error) {
	if s.Commons == nil {
		return nil, nil
	}
	return s.Commons.Hosts(ctx)
}

// Search origins, besides a peer's host name.
const (
	OriginLocal   = "local"   // this hub's own items
	OriginCommons = "commons" // items from any peer
)

// SearchQuery is a full-text search over local and commons items. Every
// filter is optional; an empty Text lists matching items newest first.
type SearchQuery struct {
	Text   string
	Kind   Kind      // KindEvent, KindGuide, KindCaseStudy or ""
	Tag    string    // tag slug
	Place  string    // place slug
	From   time.Time // events ending at or after From; zero: no bound
	To     time.Time // events starting before To; zero: no bound
	Origin string    // "", OriginLocal, OriginCommons or a peer's host
	Limit  int
	Offset int
}

// SearchHit is one search result: plain data, which the search page
// turns into a link (URL) and HTML (SnippetHTML).
type SearchHit struct {
	Kind  Kind
	Local bool
	ID    int64  // the local item's or the remote item's id
	Slug  string // local items
	Title string
	// Snippet is plain text around the matches, each match between
	// SnippetMatchStart and SnippetMatchEnd; not HTML.
	Snippet  string
	Origin   Origin // remote items
	StartsAt *time.Time
	Updated  time.Time
}

// Match markers in SearchHit.Snippet: private-use characters that no
// indexed text contains.
const (
	SnippetMatchStart = "\uE000"
	SnippetMatchEnd   = "\uE001"
)

// URL is the path of the hit's page on this hub: a local item's page, or
// the commons page of a remote item.
func (h SearchHit) URL() string {
	if h.Local {
		return h.Kind.PagePath(h.Slug)
	}
	return "/commons/" + strconv.FormatInt(h.ID, 10)
}

// SnippetHTML is a snippet as HTML: its text escaped, and each match in
// <mark>. The markers are swapped for <mark> only after escaping.
func SnippetHTML(snippet string) string {
	s := html.EscapeString(snippet)
	return strings.NewReplacer(SnippetMatchStart, "<mark>", SnippetMatchEnd, "</mark>").Replace(s)
}

// SearchResults is one page of hits and the total matching.
type SearchResults struct {
	Hits  []SearchHit
	Total int  // matching items, at most 1,000
	More  bool // more than Total match
}

// SearchStore searches local and commons items.
type SearchStore interface {
	// Search returns matching items, best first. Query syntax errors are
	// EINVALID with a message readers can act on.
	Search(ctx context.Context, q SearchQuery) (*SearchResults, error)
}

// RemoteItems lists mirrored items; anyone may read them.
func (s *Service) RemoteItems(ctx context.Context, f RemoteItemFilter) ([]*RemoteItem, int, error) {
	if s.Commons == nil {
		return nil, 0, nil
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	return s.Commons.RemoteItems(ctx, f)
}

// RemoteItem returns one mirrored item.
func (s *Service) RemoteItem(ctx context.Context, id int64) (*RemoteItem, error) {
	if s.Commons == nil {
		return nil, Errorf(ENOTFOUND, "There is no such item.")
	}
	return s.Commons.RemoteItem(ctx, id)
}

// Comments lists the visible comments on a local item; organisers
// (editors and admins) also get hidden ones when they ask.
func (s *Service) Comments(ctx context.Context, kind Kind, itemID int64, withHidden bool) ([]*Comment, error) {
	if s.Commons == nil {
		return nil, nil
	}
	if withHidden {
		if err := requireEditor(ctx); err != nil {
			return nil, err
		}
	}
	return s.Commons.Comments(ctx, kind, itemID, withHidden)
}

// MaxLatestComments is the most comments LatestComments gives.
const MaxLatestComments = 500

// LatestComments lists the newest visible comments on a local item (at
// most limit, and never more than MaxLatestComments), oldest first, with
// the number of visible comments in all; anyone.
func (s *Service) LatestComments(ctx context.Context, kind Kind, itemID int64, limit int) ([]*Comment, int, error) {
	if s.Commons == nil {
		return nil, 0, nil
	}
	if limit <= 0 || limit > MaxLatestComments {
		limit = MaxLatestComments
	}
	return s.Commons.LatestComments(ctx, kind, itemID, limit)
}

// RecentComments lists the newest comments for moderation; editors and admins.
func (s *Service) RecentComments(ctx context.Context, limit int) ([]*Comment, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	if s.Commons == nil {
		return nil, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.Commons.RecentComments(ctx, limit)
}

// HideComment hides (or shows again) a comment; editors and admins.
func (s *Service) HideComment(ctx context.Context, id int64, hidden bool) error {
	return s.changeComment(ctx, func(c CommonsStore) error { return c.SetCommentHidden(ctx, id, hidden) },
		"comment moderated", "comment", id, "hidden", hidden)
}

// DeleteComment removes a comment for good; editors and admins.
func (s *Service) DeleteComment(ctx context.Context, id int64) error {
	return s.changeComment(ctx, func(c CommonsStore) error { return c.DeleteComment(ctx, id) }, "comment deleted", "comment", id)
}

// changeComment makes an editor's change to a comment and logs it as msg
// with args and who made it. ENOTFOUND when the hub keeps no comments.
func (s *Service) changeComment(ctx context.Context, change func(CommonsStore) error, msg string, args ...any) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	if s.Commons == nil {
		return Errorf(ENOTFOUND, "There is no such comment.")
	}
	if err := change(s.Commons); err != nil {
		return err
	}
	s.Logger.Info(msg, append(args, "by", actorName(ctx))...)
	return nil
}

// Search searches local and commons items; anyone may search.
func (s *Service) Search(ctx context.Context, q SearchQuery) (*SearchResults, error) {
	if s.Searcher == nil {
		return nil, Errorf(ENOTFOUND, "Search is not available on this hub.")
	}
	q.Text = strings.TrimSpace(q.Text)
	if len(q.Text) > 200 {
		return nil, Errorf(EINVALID, "Please search for at most 200 characters.")
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return nil, Errorf(EINVALID, "Choose events, guides or case studies.")
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, Errorf(EINVALID, "The end of the date range is before its start.")
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	return s.Searcher.Search(ctx, q)
}

// Peer is an actor, normally another hub, that this hub follows.
type Peer struct {
	Origin
	State      string    `json:"state"` // PeerPending, PeerAccepted or PeerRejected
	Items      int       `json:"items"` // items held from it
	Since      time.Time `json:"since"`
	Backfilled bool      `json:"backfilled"` // its outbox has been read
	LastError  string    `json:"last_error"` // why the last backfill or follow failed
	// NextRetry is when an unanswered Follow is sent again, if planned.
	NextRetry *time.Time `json:"next_retry,omitempty"`
}

// Peer states.
const (
	PeerPending  = "pending"  // our Follow is not answered yet
	PeerAccepted = "accepted" // it accepted: its items arrive here
	PeerRejected = "rejected" // it refused
)

// Block kinds.
const (
	BlockActor  = "actor"  // one account, by actor IRI
	BlockDomain = "domain" // a whole server, by host name
)

// Block refuses an actor or a whole domain: its activities are refused,
// its content removed and nothing is delivered to it.
type Block struct {
	Kind    string    `json:"kind"`  // BlockActor or BlockDomain
	Value   string    `json:"value"` // actor IRI or host name
	Note    string    `json:"note"`  // why, for other organisers
	Created time.Time `json:"created"`
}

// Policy is who the hub federates with.
type Policy struct {
	// Allowlist: federate only with the Allowed hosts (and nobody blocked).
	Allowlist bool     `json:"allowlist"`
	Allowed   []string `json:"allowed,omitempty"`
	Blocks    []Block  `json:"blocks,omitempty"`
	// HoldReplies holds replies from servers the hub follows nobody on
	// for an organiser's review (the moderation queue) before they show.
	HoldReplies bool `json:"hold_replies"`
}

// KnownServer is a remote server the hub has dealings with, and how.
type KnownServer struct {
	Host      string      `json:"host"`
	Following int         `json:"following"` // peers on it this hub follows
	Followers int         `json:"followers"` // its accounts following this hub
	Items     int         `json:"items"`     // items held from it
	Blocked   bool        `json:"blocked"`   // the domain is blocked
	Allowed   bool        `json:"allowed"`   // on the allowlist
	Health    *PeerStatus `json:"health,omitempty"`
}

// ItemText is a remote item's text in one language.
type ItemText struct {
	Language    string `json:"language"`
	Title       string `json:"title,omitempty"`
	Summary     string `json:"summary,omitempty"`      // plain text
	ContentHTML string `json:"content_html,omitempty"` // sanitised
}

// In returns the item with its text in the language lang (a BCP 47 tag)
// where its origin sent that language (the same tag, else the same base
// language: en-GB for en), and as it is otherwise. What a translation
// leaves out (a title without content) stays as it was; Language says
// which language the text is in.
func (it RemoteItem) In(lang string) RemoteItem {
	if lang == "" || sameLanguage(it.Language, lang) == 2 {
		return it
	}
	best, score := -1, 0
	for i, t := range it.Translations {
		if s := sameLanguage(t.Language, lang); s > score {
			best, score = i, s
		}
	}
	if best < 0 || (score == 1 && sameLanguage(it.Language, lang) == 1) {
		return it
	}
	t := it.Translations[best]
	if t.Title != "" {
		it.Title = t.Title
	}
	if t.Summary != "" {
		it.Summary = t.Summary
	}
	if t.ContentHTML != "" {
		it.ContentHTML = t.ContentHTML
	}
	it.Language = t.Language
	return it
}

// sameLanguage is 2 for the same tag, 1 for the same base language (en-GB
// and en), 0 otherwise, ignoring case.
func sameLanguage(a, b string) int {
	if a == "" || b == "" {
		return 0
	}
	if strings.EqualFold(a, b) {
		return 2
	}
	baseA, _, _ := strings.Cut(a, "-")
	baseB, _, _ := strings.Cut(b, "-")
	if strings.EqualFold(baseA, baseB) {
		return 1
	}
	return 0
}
