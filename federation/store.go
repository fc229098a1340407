package federation

import (
	"context"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
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
	Kind        string // hub.KindEvent, hub.KindGuide or hub.KindCaseStudy
	ItemID      int64
	Occurrence  string     // an event series' occurrence date, YYYY-MM-DD
	StartsAt    *time.Time // events: when it starts
	Hash        string     // of Body
	Body        []byte     // the object as last sent
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// Job is one delivery claimed from the queue.
type Job struct {
	DeliveryID  int64
	Inbox       string
	Attempts    int // attempts made before this one
	ActivityIRI string
	Body        []byte
}

// Enqueued is an activity to send, with the inboxes to send it to and the
// change to the published-object record it makes. Store.Enqueue saves all
// of it in one transaction, so a crash leaves either all or none.
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

// Store keeps the federation state. Implementations return *hub.Error
// with ENOTFOUND for missing rows.
type Store interface {
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
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, n int, skipHosts ...string) ([]Job, error)
	// FinishDelivery records an attempt's outcome: done, retry at next, or
	// given up (failed) when next is nil and ok is false.
	FinishDelivery(ctx context.Context, id int64, ok bool, status int, errMsg string, next *time.Time, now time.Time) error
	// ReleaseLeases makes every leased delivery claimable again (at start).
	ReleaseLeases(ctx context.Context) error
	// RetryDelivery puts a failed delivery back in the queue, due now.
	RetryDelivery(ctx context.Context, id int64, now time.Time) error
	// Deliveries lists deliveries in a state ("pending" or "failed"),
	// most recent first.
	Deliveries(ctx context.Context, state string, limit int) ([]hub.Delivery, error)
	// Peers reports each remote server's delivery health.
	Peers(ctx context.Context) ([]hub.PeerStatus, error)

	// MarkSeen records an incoming activity id; false if it was seen before.
	MarkSeen(ctx context.Context, iri string, now time.Time) (bool, error)
	// ForgetSeen drops ids received before the given time.
	ForgetSeen(ctx context.Context, before time.Time) error

	// PublishedObjects lists what the hub has published for an item.
	PublishedObjects(ctx context.Context, kind string, itemID int64) ([]*PublishedObject, error)
}
