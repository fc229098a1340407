package hub

import (
	"context"
	"log/slog"
	"time"
)

// Operations on an item.
const (
	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
)

// Change says that a published item was created, updated or deleted.
type Change struct {
	Kind Kind
	ID   int64
	Op   string // OpCreate, OpUpdate or OpDelete
}

// ChangeNotifier hears of every change to published items once it is
// stored. Federation implements it to tell followers. A notifier must not
// fail the change: it logs its own errors.
type ChangeNotifier interface {
	ItemChanged(ctx context.Context, c Change)
}

// changed logs a stored change (msg, then attrs and who made it) and
// tells the notifier, if any. Inside Batch both wait until the batch is
// saved, and the log line is at debug level: the batch's caller logs what
// the batch did as a whole (an import logs one line per feed).
func (s *Service) changed(ctx context.Context, c Change, msg string, attrs ...any) {
	attrs = append(attrs, "by", actorName(ctx))
	if b, ok := ctx.Value(batchKey).(*batch); ok {
		b.changes = append(b.changes, batchedChange{c, msg, attrs})
		return
	}
	s.notify(ctx, c)
	s.Logger.Info(msg, attrs...)
}

// notify tells the notifier, if any, of a stored change.
func (s *Service) notify(ctx context.Context, c Change) {
	if s.notifier == nil {
		return
	}
	// The change is stored: tell followers even if the caller gives up now.
	s.notifier.ItemChanged(context.WithoutCancel(ctx), c)
}

// batch holds the changes made inside Service.Batch until it is saved.
type batch struct{ changes []batchedChange }

type batchedChange struct {
	Change
	msg   string
	attrs []any
}

const batchKey ctxKey = 2

// Batch runs fn, whose changes through this service are saved together
// (see Batcher), then logged and told to the notifier. Inside a batch,
// reads see only what was saved before it began. Batches do not nest: a
// Batch inside another runs fn as part of the outer one.
func (s *Service) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.Batcher == nil {
		return fn(ctx)
	}
	if _, ok := ctx.Value(batchKey).(*batch); ok {
		return fn(ctx)
	}
	b := &batch{}
	if err := s.Batcher.Batch(context.WithValue(ctx, batchKey, b), fn); err != nil {
		return err
	}
	for _, c := range b.changes {
		s.notify(ctx, c.Change)
		s.Logger.Debug(c.msg, c.attrs...)
	}
	return nil
}

// Follower is a fediverse account that follows the hub.
type Follower struct {
	ActorID  string // the actor's IRI
	Username string // preferredUsername
	Name     string
	URL      string // profile page
	Server   string // host name of the actor's server
	Pending  bool   // waiting for an organiser's approval
	Since    time.Time
}

// Handle is @user@server, or the actor IRI when the user name is unknown.
func (f Follower) Handle() string {
	if f.Username == "" {
		return f.ActorID
	}
	return "@" + f.Username + "@" + f.Server
}

// Delivery is one queued or finished delivery of an activity to an inbox.
type Delivery struct {
	ID           int64
	ActivityType string
	ObjectID     string
	Inbox        string
	State        string // pending, done or failed
	Attempts     int
	NextAttempt  time.Time
	LastStatus   int // HTTP status of the last attempt; 0 for a network error
	LastError    string
	CreatedAt    time.Time
}

// PeerStatus is how a remote server has answered the hub's deliveries.
type PeerStatus struct {
	Host                string
	Delivered, Failed   int
	ConsecutiveFailures int
	Pending             int
	LastSuccess         *time.Time
	LastFailure         *time.Time
	LastError           string
}

// FederationStatus is what organisers see of the hub's federation.
type FederationStatus struct {
	Handle    string // @handle@host
	ActorID   string
	Followers []Follower
	Pending   []Delivery // deliveries still to be made
	Failed    []Delivery // deliveries given up on, most recent first
	Peers     []PeerStatus
}

// Federation is the hub's fediverse presence as organisers manage it.
type Federation interface {
	Status(ctx context.Context) (*FederationStatus, error)
	// ApproveFollower accepts a pending follower, RejectFollower refuses a
	// pending one or removes an accepted one.
	ApproveFollower(ctx context.Context, actorID string) error
	RejectFollower(ctx context.Context, actorID string) error
	// RetryDelivery puts a failed delivery back in the queue.
	RetryDelivery(ctx context.Context, id int64) error

	// FollowPeer follows an actor given as @user@host, user@host or a URL
	// (its actor IRI or home page): it is resolved, and a Follow is sent.
	// EINVALID if it cannot be resolved; ECONFLICT if already followed.
	FollowPeer(ctx context.Context, target string) (*Peer, error)
	// UnfollowPeer sends Undo{Follow} and removes the peer's items.
	UnfollowPeer(ctx context.Context, actorID string) error
	// Peers lists the actors this hub follows.
	Peers(ctx context.Context) ([]Peer, error)
	// Reshare announces a remote item to this hub's followers; undo
	// withdraws the announcement.
	Reshare(ctx context.Context, itemID int64, undo bool) error
	// Policy, Block, Unblock, SetAllowlist and Allow manage moderation.
	Policy(ctx context.Context) (*Policy, error)
	Block(ctx context.Context, b Block) error
	Unblock(ctx context.Context, kind, value string) error
	SetAllowlist(ctx context.Context, on bool) error
	SetHoldReplies(ctx context.Context, on bool) error
	Allow(ctx context.Context, host string, allowed bool) error
	// KnownServers lists every server the hub has dealings with.
	KnownServers(ctx context.Context) ([]KnownServer, error)
	// SendFlag reports objects (the account actorID first, then what it
	// posted) to its server with content as the comment, and returns the
	// Flag's IRI. EUNAVAILABLE when the account cannot be read.
	SendFlag(ctx context.Context, actorID string, objects []string, content string) (string, error)
}

func (s *Service) federation() (Federation, error) {
	if s.fed == nil {
		return nil, Errorf(ENOTFOUND, "Federation is not running on this hub.")
	}
	return s.fed, nil
}

// withFederation is the guard every federation method of the service goes
// through: the caller must pass require (requireEditor or requireAdmin),
// and federation must be running on this hub (ENOTFOUND otherwise); then
// fn is asked.
func withFederation[T any](ctx context.Context, s *Service, require func(context.Context) error, fn func(Federation) (T, error)) (T, error) {
	var zero T
	if err := require(ctx); err != nil {
		return zero, err
	}
	f, err := s.federation()
	if err != nil {
		return zero, err
	}
	return fn(f)
}

// changeFederation is withFederation for a change: once fn has made it,
// msg is logged with attrs and who made it.
func (s *Service) changeFederation(ctx context.Context, require func(context.Context) error, fn func(Federation) error, msg string, attrs ...any) error {
	_, err := withFederation(ctx, s, require, func(f Federation) (struct{}, error) { return struct{}{}, fn(f) })
	if err != nil {
		return err
	}
	s.Logger.Info(msg, append(attrs, "by", actorName(ctx))...)
	return nil
}

// FederationStatus returns followers, deliveries and peers; editors and admins.
func (s *Service) FederationStatus(ctx context.Context) (*FederationStatus, error) {
	return withFederation(ctx, s, requireEditor, func(f Federation) (*FederationStatus, error) { return f.Status(ctx) })
}

// ApproveFollower accepts a follower waiting for approval; admins only.
func (s *Service) ApproveFollower(ctx context.Context, actorID string) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.ApproveFollower(ctx, actorID) }, "follower approved", "actor", actorID)
}

// RejectFollower refuses or removes a follower; admins only.
func (s *Service) RejectFollower(ctx context.Context, actorID string) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.RejectFollower(ctx, actorID) }, "follower removed", "actor", actorID)
}

// RetryDelivery queues a failed delivery again; editors and admins.
func (s *Service) RetryDelivery(ctx context.Context, id int64) error {
	return s.changeFederation(ctx, requireEditor, func(f Federation) error { return f.RetryDelivery(ctx, id) }, "delivery retried", slog.Int64("delivery", id))
}

// FollowPeer follows another hub (or any fediverse account) so its public
// items join the commons here; admins only.
func (s *Service) FollowPeer(ctx context.Context, target string) (*Peer, error) {
	p, err := withFederation(ctx, s, requireAdmin, func(f Federation) (*Peer, error) { return f.FollowPeer(ctx, target) })
	if err != nil {
		return nil, err
	}
	s.Logger.Info("following peer", "actor", p.ActorID, "by", actorName(ctx))
	return p, nil
}

// UnfollowPeer stops following a peer and removes its items; admins only.
func (s *Service) UnfollowPeer(ctx context.Context, actorID string) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.UnfollowPeer(ctx, actorID) }, "unfollowed peer", "actor", actorID)
}

// Peers lists the accounts the hub follows; editors and admins.
func (s *Service) Peers(ctx context.Context) ([]Peer, error) {
	return withFederation(ctx, s, requireEditor, func(f Federation) ([]Peer, error) { return f.Peers(ctx) })
}

// Reshare announces a commons item to the hub's followers, or withdraws
// it (undo); editors and admins.
func (s *Service) Reshare(ctx context.Context, itemID int64, undo bool) error {
	return s.changeFederation(ctx, requireEditor, func(f Federation) error { return f.Reshare(ctx, itemID, undo) }, "re-share", "item", itemID, "undo", undo)
}

// ModerationPolicy returns the blocks and the allowlist; editors and admins.
func (s *Service) ModerationPolicy(ctx context.Context) (*Policy, error) {
	return withFederation(ctx, s, requireEditor, func(f Federation) (*Policy, error) { return f.Policy(ctx) })
}

// Block refuses an account or a whole server and removes what it left
// here; admins only.
func (s *Service) Block(ctx context.Context, b Block) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.Block(ctx, b) }, "blocked", "kind", b.Kind, "value", b.Value)
}

// Unblock lifts a block; admins only.
func (s *Service) Unblock(ctx context.Context, kind, value string) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.Unblock(ctx, kind, value) }, "unblocked", "kind", kind, "value", value)
}

// SetAllowlist turns allowlist mode on or off; admins only.
func (s *Service) SetAllowlist(ctx context.Context, on bool) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.SetAllowlist(ctx, on) }, "allowlist mode", "on", on)
}

// SetHoldReplies turns holding replies from servers the hub follows
// nobody on for review (Policy.HoldReplies) on or off; admins only.
func (s *Service) SetHoldReplies(ctx context.Context, on bool) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.SetHoldReplies(ctx, on) }, "holding replies", "on", on)
}

// AllowServer puts a server on the allowlist or takes it off; admins only.
func (s *Service) AllowServer(ctx context.Context, host string, allowed bool) error {
	return s.changeFederation(ctx, requireAdmin, func(f Federation) error { return f.Allow(ctx, host, allowed) }, "allowlist", "host", host, "allowed", allowed)
}

// KnownServers lists the servers the hub deals with; editors and admins.
func (s *Service) KnownServers(ctx context.Context) ([]KnownServer, error) {
	return withFederation(ctx, s, requireEditor, func(f Federation) ([]KnownServer, error) { return f.KnownServers(ctx) })
}
