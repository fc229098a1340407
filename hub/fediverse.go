package hub

// This file holds the records federation persists and the store contracts
// it needs (FederationStore, FederationCommonsStore). They live in the
// domain so that storage implements them without importing federation.
// Some records mirror a type organisers see (FollowerRecord and Follower,
// Followed and Peer): the record is what is stored, with the addresses and
// activity ids delivery needs; the other is the view the pages and the API
// show (Peer has JSON tags the API answers with). Federation builds the
// views from the records.

import (
	"context"
	"time"
)

// RemoteActor is what the hub keeps of a fetched remote actor.
type RemoteActor struct {
	ID           string
	KeyID        string
	PublicKeyPEM string
	Inbox        string
	SharedInbox  string
	Username     string // preferredUsername
	Name         string
	URL          string
	Type         string
	FetchedAt    time.Time
}

// ServerSoftware is what a remote server said it runs, in its NodeInfo
// document: federation chooses how to write what it sends that server's
// readers by it. Problem, if set, is why the last lookup failed (Name and
// Version are then those of the last lookup that worked, if any).
type ServerSoftware struct {
	Host      string // as federation.HostOf spells it
	Name      string // NodeInfo software.name, lower case ("mastodon")
	Version   string // NodeInfo software.version
	CheckedAt time.Time
	Problem   string
}

// FollowerRecord is a follower as stored.
type FollowerRecord struct {
	ActorID     string
	FollowID    string // the Follow activity's id, for Accept and Undo
	Inbox       string
	SharedInbox string
	Username    string
	Name        string
	URL         string
	Pending     bool
	CreatedAt   time.Time
}

// OutActivity is an activity the hub sends.
type OutActivity struct {
	ID        int64
	IRI       string
	Type      string
	ObjectIRI string
	Public    bool // listed in the outbox
	Body      []byte
	CreatedAt time.Time
}

// PublishedObject records an object the hub has published to followers.
type PublishedObject struct {
	IRI         string
	Kind        Kind
	ItemID      int64
	Occurrence  string     // an event series' occurrence date, YYYY-MM-DD
	StartsAt    *time.Time // events: when it starts
	Hash        string     // of Body
	Body        []byte     // the object as last sent
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// DeliveryJob is one delivery claimed from the queue.
type DeliveryJob struct {
	DeliveryID  int64
	Inbox       string
	Attempts    int // attempts made before this one
	ActivityIRI string
	Body        []byte
}

// Enqueued is an activity to send, with the inboxes to send it to and the
// change to the published-object record it makes. FederationStore.Enqueue
// saves all of it in one transaction, so a crash leaves either all or none.
type Enqueued struct {
	Activity *OutActivity
	Inboxes  []string
	Record   *PublishedObject // saved (inserted or replaced), if set
	Forget   string           // IRI of a published object to drop, if set
	// Withdraw, if set, is an object IRI whose earlier public activities
	// (Create, Announce) leave the outbox: the object is deleted or the
	// re-share undone.
	Withdraw string
}

// FederationStore keeps the federation state: the hub actor's key,
// remote actors, followers, the outbox and delivery queue, seen inbox ids
// and published objects. Implementations return *Error with ENOTFOUND for
// missing rows.
type FederationStore interface {
	// ActorKey returns the hub actor's private key PEM, or ENOTFOUND.
	ActorKey(ctx context.Context) (string, error)
	// SaveActorKey stores the key pair unless one exists, and returns the
	// private key PEM now stored (the existing one if another process won).
	SaveActorKey(ctx context.Context, privatePEM, publicPEM string) (string, error)
	// PublicURL is the URL the serving hub last recorded ("" if none);
	// SavePublicURL records it. Both need the key to exist.
	PublicURL(ctx context.Context) (string, error)
	SavePublicURL(ctx context.Context, u string) error

	RemoteActorByKey(ctx context.Context, keyID string) (*RemoteActor, error)
	SaveRemoteActor(ctx context.Context, a *RemoteActor) error
	DeleteRemoteActor(ctx context.Context, id string) error

	// SaveFollower inserts or replaces a follower.
	SaveFollower(ctx context.Context, f *FollowerRecord) error
	Follower(ctx context.Context, actorID string) (*FollowerRecord, error)
	DeleteFollower(ctx context.Context, actorID string) error
	// Followers lists followers, accepted or pending, oldest first, with
	// the total count.
	Followers(ctx context.Context, pending bool, limit, offset int) ([]*FollowerRecord, int, error)
	// FollowerInboxes returns the distinct delivery inboxes of accepted
	// followers (shared inbox if any, else own inbox).
	FollowerInboxes(ctx context.Context) ([]string, error)

	// Enqueue stores an activity, its deliveries and its record change.
	Enqueue(ctx context.Context, e Enqueued) error
	// Outbox lists public activities, newest first, with the total.
	Outbox(ctx context.Context, limit, offset int) ([]*OutActivity, int, error)
	// ClaimDeliveries leases up to n pending deliveries due at now, except
	// those whose inbox is on one of the skipHosts (http or https, any
	// case); the queue skips servers already given all the workers they
	// may have. Skipping is best effort: an inbox written oddly (a port,
	// user info) may still be returned.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, n int, skipHosts ...string) ([]DeliveryJob, error)
	// FinishDelivery records an attempt's outcome: done, retry at next, or
	// given up (failed) when next is nil and ok is false.
	FinishDelivery(ctx context.Context, id int64, ok bool, status int, errMsg string, next *time.Time, now time.Time) error
	// ReleaseLeases makes every leased delivery claimable again (at start).
	ReleaseLeases(ctx context.Context) error
	// RetryDelivery puts a failed delivery back in the queue, due now.
	RetryDelivery(ctx context.Context, id int64, now time.Time) error
	// Deliveries lists deliveries in a state ("pending" or "failed"),
	// most recent first.
	Deliveries(ctx context.Context, state string, limit int) ([]Delivery, error)
	// Peers reports each remote server's delivery health.
	Peers(ctx context.Context) ([]PeerStatus, error)

	// MarkSeen records an incoming activity id; false if it was seen before.
	MarkSeen(ctx context.Context, iri string, now time.Time) (bool, error)
	// ServerSoftware returns what was last learnt of a server's software,
	// or ENOTFOUND; SaveServerSoftware records it, replacing what was.
	ServerSoftware(ctx context.Context, host string) (*ServerSoftware, error)
	SaveServerSoftware(ctx context.Context, s ServerSoftware) error
	// ForgetSeen drops ids received before the given time.
	ForgetSeen(ctx context.Context, before time.Time) error

	// PublishedObjects lists what the hub has published for an item.
	PublishedObjects(ctx context.Context, kind Kind, itemID int64) ([]*PublishedObject, error)
}

// Followed is an actor (normally another hub) this hub follows, as stored.
type Followed struct {
	ActorID      string
	FollowID     string // the IRI of our Follow, for Undo and to match Accept
	Inbox        string
	Outbox       string
	Username     string
	Name         string
	URL          string
	Host         string
	State        string // PeerPending, PeerAccepted or PeerRejected
	BackfilledAt *time.Time
	LastError    string
	// NextRetryAt is when a still unanswered Follow is sent again (nil:
	// not pending, or nothing planned).
	NextRetryAt *time.Time
	Items       int // read only: items held from it
	CreatedAt   time.Time
}

// ItemSource says why the hub holds a remote item: it came from PeerActor
// directly, or as a re-share (Announce) whose id is ActivityID.
type ItemSource struct {
	PeerActor  string
	Share      bool
	ActivityID string
}

// FederationCommonsStore keeps what federation mirrors from peers, the
// comments on the hub's own items, re-shares and moderation: the writing
// side of the commons, which CommonsStore reads for the pages.
// Implementations return *Error with ENOTFOUND for missing rows.
type FederationCommonsStore interface {
	// SaveFollowed inserts or replaces a followed actor.
	SaveFollowed(ctx context.Context, p *Followed) error
	// Followed returns one by actor IRI; FollowedByFollow by our Follow's IRI.
	Followed(ctx context.Context, actorID string) (*Followed, error)
	FollowedByFollow(ctx context.Context, followID string) (*Followed, error)
	// FollowedList lists every followed actor, oldest first.
	FollowedList(ctx context.Context) ([]*Followed, error)
	// DeleteFollowed removes a followed actor and every item held only
	// because of it.
	DeleteFollowed(ctx context.Context, actorID string) error

	// SaveRemoteItem inserts an item or updates the stored one with the
	// same ObjectID, and records src. An update whose Updated time is older
	// than the stored one changes nothing but the source; changed reports
	// whether the item's content changed.
	SaveRemoteItem(ctx context.Context, it *RemoteItem, src ItemSource) (changed bool, err error)
	// RemoteItem returns an item by id.
	RemoteItem(ctx context.Context, id int64) (*RemoteItem, error)
	// RemoteItemByObject returns an item by its ActivityPub id.
	RemoteItemByObject(ctx context.Context, objectID string) (*RemoteItem, error)
	// DeleteRemoteItem removes an item whatever its sources; false if
	// there was none.
	DeleteRemoteItem(ctx context.Context, objectID string) (bool, error)
	// RemoveShare drops a peer's re-share of an item, and the item when
	// no source remains.
	RemoveShare(ctx context.Context, objectID, peerActor string) error

	// LocalItemByIRI finds the hub's own item that an object IRI it
	// published stands for; ENOTFOUND if none.
	LocalItemByIRI(ctx context.Context, iri string) (kind Kind, id int64, err error)
	// CommentByObject returns a comment by its ActivityPub id.
	CommentByObject(ctx context.Context, objectID string) (*Comment, error)
	// SaveComment inserts or updates a comment by ObjectID; a new one is
	// held (and hidden) when c.Held, an update keeps its hidden and held
	// flags. It sets c.ID, c.Hidden and c.Held as stored.
	SaveComment(ctx context.Context, c *Comment, inReplyTo string) error
	// DeleteCommentByObject removes a comment; false if there was none.
	DeleteCommentByObject(ctx context.Context, objectID string) (bool, error)

	// SaveAdaptation inserts or replaces, by ObjectID, a peer's item
	// adapted from one of the hub's own (adapted.go).
	SaveAdaptation(ctx context.Context, a *Adaptation) error
	// AdaptationByObject returns one by the adaptation's ActivityPub id.
	AdaptationByObject(ctx context.Context, objectID string) (*Adaptation, error)
	// DeleteAdaptation removes one; false if there was none.
	DeleteAdaptation(ctx context.Context, objectID string) (bool, error)

	// Reshare returns our Announce of an object; ENOTFOUND if none.
	Reshare(ctx context.Context, objectID string) (activityID string, err error)
	SaveReshare(ctx context.Context, objectID, activityID string) error
	DeleteReshare(ctx context.Context, objectID string) error

	// Policy returns the blocks and the allowlist.
	Policy(ctx context.Context) (*Policy, error)
	// AddBlock records a block and, in the same transaction, removes what
	// the blocked actor or domain left here: mirrored items, comments,
	// followers, followed peers and pending deliveries to it.
	AddBlock(ctx context.Context, b Block) error
	RemoveBlock(ctx context.Context, kind, value string) error
	SetAllowlist(ctx context.Context, on bool) error
	// SetHoldReplies turns Policy.HoldReplies on or off.
	SetHoldReplies(ctx context.Context, on bool) error
	Allow(ctx context.Context, host string, allowed bool) error
	// ServerCounts counts, per remote host, followed peers, followers and
	// items held.
	ServerCounts(ctx context.Context) ([]KnownServer, error)
}
