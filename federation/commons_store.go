package federation

import (
	"context"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

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
	State        string // hub.PeerPending, hub.PeerAccepted or hub.PeerRejected
	BackfilledAt *time.Time
	LastError    string
	Items        int // read only: items held from it
	CreatedAt    time.Time
}

// Source says why the hub holds a remote item: it came from PeerActor
// directly, or as a re-share (Announce) whose id is ActivityID.
type Source struct {
	PeerActor  string
	Share      bool
	ActivityID string
}

// CommonsStore keeps what federation mirrors from peers, the comments on
// the hub's own items, re-shares and moderation. Implementations return
// *hub.Error with ENOTFOUND for missing rows.
type CommonsStore interface {
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
	SaveRemoteItem(ctx context.Context, it *hub.RemoteItem, src Source) (changed bool, err error)
	// RemoteItem returns an item by id.
	RemoteItem(ctx context.Context, id int64) (*hub.RemoteItem, error)
	// RemoteItemByObject returns an item by its ActivityPub id.
	RemoteItemByObject(ctx context.Context, objectID string) (*hub.RemoteItem, error)
	// DeleteRemoteItem removes an item whatever its sources; false if
	// there was none.
	DeleteRemoteItem(ctx context.Context, objectID string) (bool, error)
	// RemoveShare drops a peer's re-share of an item, and the item when
	// no source remains.
	RemoveShare(ctx context.Context, objectID, peerActor string) error

	// LocalItemByIRI finds the hub's own item that an object IRI it
	// published stands for; ENOTFOUND if none.
	LocalItemByIRI(ctx context.Context, iri string) (kind string, id int64, err error)
	// CommentByObject returns a comment by its ActivityPub id.
	CommentByObject(ctx context.Context, objectID string) (*hub.Comment, error)
	// SaveComment inserts or updates a comment by ObjectID.
	SaveComment(ctx context.Context, c *hub.Comment, inReplyTo string) error
	// DeleteCommentByObject removes a comment; false if there was none.
	DeleteCommentByObject(ctx context.Context, objectID string) (bool, error)

	// Reshare returns our Announce of an object; ENOTFOUND if none.
	Reshare(ctx context.Context, objectID string) (activityID string, err error)
	SaveReshare(ctx context.Context, objectID, activityID string) error
	DeleteReshare(ctx context.Context, objectID string) error

	// Policy returns the blocks and the allowlist.
	Policy(ctx context.Context) (*hub.Policy, error)
	// AddBlock records a block and, in the same transaction, removes what
	// the blocked actor or domain left here: mirrored items, comments,
	// followers, followed peers and pending deliveries to it.
	AddBlock(ctx context.Context, b hub.Block) error
	RemoveBlock(ctx context.Context, kind, value string) error
	SetAllowlist(ctx context.Context, on bool) error
	Allow(ctx context.Context, host string, allowed bool) error
	// ServerCounts counts, per remote host, followed peers, followers and
	// items held.
	ServerCounts(ctx context.Context) ([]hub.KnownServer, error)
}
