package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/commonplace-hub/commonplace/federation/signature"
	"github.com/commonplace-hub/commonplace/hub"
)

// inbox takes deliveries to the hub actor's inbox and the shared inbox.
// This file holds the pipeline every delivery goes through (size,
// signature, signed host, key, actor, shape, dedupe) and hands a verified
// activity to its handler, one file per activity type (inbox_follow.go,
// inbox_undo.go, inbox_accept.go, inbox_create.go, inbox_update.go,
// inbox_delete.go, inbox_announce.go, inbox_flag.go).
type inbox struct {
	store     hub.FederationStore
	commons   hub.FederationCommonsStore // nil: no commons, no comments
	reports   hub.QueueStore             // nil: Flags are ignored
	content   Content
	verifier  signature.Verifier
	refetches KeyRefetchLimiter
	log       *slog.Logger
	now       func() time.Time
	actorID   string // the hub actor's IRI
	scheme    string // the scheme of the hub's public URL, for RFC 9421's @target-uri

	remote remoteReader  // fetches under the trust rules (trust.go)
	policy serverPolicy  // blocks and the allowlist (moderation.go)
	out    answerQueue   // the hub's own answers (Accept, Reject)
	peers  backfillWaker // reading a newly accepted peer's outbox
	// pictures fetches the pictures of items kept (peer_pictures.go);
	// nil: none are fetched.
	pictures *pictureFetcher
	// relays are the network search's confirmations kept across searches
	// (netsearch_confirmed.go), dropped when an item's origin deletes or
	// changes it; nil: none kept.
	relays *relayConfirmations
}

// remoteReader is what the inbox fetches from other servers, only as the
// trust rules allow (trust.go, client.go).
type remoteReader interface {
	fetchDoc(ctx context.Context, iri string) (doc, error)
	fetchActorDoc(ctx context.Context, id string) (doc, error)
	fetchActor(ctx context.Context, id string) (*hub.RemoteActor, doc, error)
	fetchItem(ctx context.Context, iri string) (doc, error)
	resolveKey(ctx context.Context, keyID string) (*hub.RemoteActor, error)
	checkSignedHost(r *http.Request, p *signature.Params) error
}

// serverPolicy is the moderation the inbox applies (moderation.go).
type serverPolicy interface {
	refusedHost(ctx context.Context, host string) bool
	refusedActor(ctx context.Context, actorID string) bool
	holdsReplies(ctx context.Context) bool
}

// answerQueue makes the hub's direct answers and wakes the delivery queue.
type answerQueue interface {
	directActivity(typ string, object any, objectID, to string) (*hub.OutActivity, error)
	nudge()
}

// backfillWaker wakes the loop that reads followed peers' outboxes and
// sends unanswered Follows again.
type backfillWaker interface {
	wakeBackfill()
	// answerRefused hears that moderation refused a request from host,
	// which may have been a peer's answer to a pending Follow.
	answerRefused(ctx context.Context, host string)
}

// MaxInboxBody is the largest delivery the inbox reads, as Mastodon.
const MaxInboxBody = 1 << 20

// inboxError is a refused delivery: the status to answer and why.
type inboxError struct {
	status int
	msg    string
}

func (e *inboxError) Error() string { return e.msg }

// errUnverifiableDelete: a Delete whose signing key is gone (the account
// was deleted). It is acknowledged and ignored.
var errUnverifiableDelete = errors.New("a Delete signed by a key that is gone")

func refuse(status int, format string, args ...any) error {
	return &inboxError{status: status, msg: fmt.Sprintf(format, args...)}
}

// serveInbox takes a delivery to the hub actor's inbox or the shared inbox.
//
// In order: the body is limited to 1 MB (413); the HTTP signature must be
// a draft-cavage one covering the request target, Host or Digest, and
// Date, within an hour of the hub's clock, or an RFC 9421 one covering
// @method, the target URI and Content-Digest, created within the same
// window (401 otherwise); the Digest or Content-Digest must match the body;
// the signature must verify with the signer's key, fetched and cached
// (and refetched once if it fails, for rotated keys); the signer must be
// the activity's actor; an activity id seen before is acknowledged and
// ignored. Then the activity is handled, or acknowledged and ignored if the
// hub has no use for it.
func (in *inbox) serveInbox(w http.ResponseWriter, r *http.Request) {
	status, msg := http.StatusAccepted, ""
	if err := in.receive(r.Context(), r); err != nil {
		var ie *inboxError
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &ie):
			status, msg = ie.status, ie.msg
		case errors.As(err, &tooBig):
			status, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", MaxInboxBody)
		default:
			in.log.Error("inbox", "err", err)
			status, msg = http.StatusInternalServerError, "the hub could not process this activity; try again later"
		}
		level := "refused"
		if status >= 500 {
			level = "failed"
		}
		in.log.Info("inbox "+level, "status", status, "reason", msg, "remote", r.RemoteAddr, "signature_key", in.keyIDOf(r))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if msg != "" {
		fmt.Fprintf(w, "{\"error\":%q}\n", msg)
	} else {
		io.WriteString(w, "{}\n")
	}
}

// keyIDOf is the key id r claims to be signed with, for the log.
func (in *inbox) keyIDOf(r *http.Request) string {
	if p, err := in.verifier.Parse(r.Header); err == nil {
		return p.KeyID
	}
	return ""
}

func (in *inbox) receive(ctx context.Context, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxInboxBody))
	if err != nil {
		return err
	}
	sig, err := in.verifier.Parse(r.Header)
	if err != nil {
		return refuse(http.StatusUnauthorized, "%v", err)
	}
	if r.URL.Scheme == "" {
		// The request came to the hub's public URL, maybe through a proxy
		// that ended TLS: RFC 9421's @target-uri and @scheme are its.
		r.URL.Scheme = in.scheme
	}
	if in.policy.refusedHost(ctx, HostOf(sig.KeyID)) {
		in.peers.answerRefused(ctx, HostOf(sig.KeyID)) // a pending Follow's Accept may be lost
		return refuse(http.StatusForbidden, "this hub does not federate with %s", HostOf(sig.KeyID))
	}
	if err := in.verifier.Check(r, sig, body, in.now()); err != nil {
		return refuse(http.StatusUnauthorized, "%v", err)
	}
	if err := in.remote.checkSignedHost(r, sig); err != nil {
		return refuse(http.StatusUnauthorized, "%v", err)
	}
	act, err := parseDoc(body)
	if err != nil {
		return refuse(http.StatusBadRequest, "the body is not a JSON object: %v", err)
	}
	actorID := act.ref("actor")
	if act.typ() == "" || actorID == "" || isObjectType(act) {
		return refuse(http.StatusBadRequest, "not an activity: the inbox takes activities (Follow, Create, ...) with an actor, not a bare %q", act.typ())
	}
	signer, err := in.verify(ctx, r, sig, act)
	if errors.Is(err, errUnverifiableDelete) {
		return nil // acknowledged, nothing done
	}
	if err != nil {
		return err
	}
	if signer.ID != actorID {
		return refuse(http.StatusUnauthorized, "the request is signed by %s, not by the activity's actor %s", signer.ID, actorID)
	}
	if in.policy.refusedActor(ctx, signer.ID) {
		return refuse(http.StatusForbidden, "this hub does not take activities from %s", signer.ID)
	}
	if id := act.id(); id != "" {
		if HostOf(id) != HostOf(actorID) {
			return refuse(http.StatusBadRequest, "the activity id %s is not on its actor's server", id)
		}
		first, err := in.store.MarkSeen(ctx, id, in.now())
		if err != nil {
			return err
		}
		if !first {
			return nil // a repeated delivery: already handled
		}
	}
	return in.handle(ctx, act, signer)
}

// verify checks the request's signature with the signer's key, fetching
// the key when it is not cached or (at most refetchBurst times a minute
// per server) when the cached one fails. What goes wrong while fetching is
// logged; the sender only learns that the key could not be had, so the
// inbox cannot be used to probe which addresses and ports answer.
func (in *inbox) verify(ctx context.Context, r *http.Request, sig *signature.Params, act doc) (*hub.RemoteActor, error) {
	cached, err := in.store.RemoteActorByKey(ctx, sig.KeyID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return nil, err
	}
	if cached != nil {
		if key, err := parsePublicKey(cached.PublicKeyPEM); err == nil && in.verifier.Verify(r, sig, key) == nil {
			return cached, nil
		}
		if !in.refetches.Allow(HostOf(sig.KeyID), in.now()) {
			return nil, refuse(http.StatusUnauthorized, "the signature does not verify with the key %s", sig.KeyID)
		}
	}
	fresh, err := in.remote.resolveKey(ctx, sig.KeyID)
	if err != nil {
		var fe *FetchError
		if errors.As(err, &fe) && (fe.Status == http.StatusGone || fe.Status == http.StatusNotFound) && act.is("Delete") {
			// A deleted account announcing its own deletion: its key is
			// gone, so the signature cannot be checked. Nothing of ours
			// depends on it beyond removing the follower, which a later
			// delivery failure does too.
			return nil, errUnverifiableDelete
		}
		in.log.Info("inbox: signing key not usable", "key", sig.KeyID, "remote", r.RemoteAddr, "err", err)
		return nil, refuse(http.StatusUnauthorized, "cannot get a key %s that its actor publishes", sig.KeyID)
	}
	key, err := parsePublicKey(fresh.PublicKeyPEM)
	if err != nil {
		return nil, refuse(http.StatusUnauthorized, "the key %s is not a usable key: %v", sig.KeyID, err)
	}
	if err := in.verifier.Verify(r, sig, key); err != nil {
		return nil, refuse(http.StatusUnauthorized, "the signature does not verify with %s: %v", sig.KeyID, err)
	}
	return fresh, nil
}

// objectTypes are types of things that are not activities. Some servers
// put an "actor" on objects (Pleroma notes), so the type decides.
var objectTypes = []string{"Note", "Article", "Page", "Event", "Place", "Image", "Video", "Audio", "Document",
	"Profile", "Tombstone", "Collection", "OrderedCollection", "CollectionPage", "OrderedCollectionPage", "Link", "Mention", "Hashtag"}

func isObjectType(d doc) bool {
	for _, t := range append(objectTypes, actorTypes...) {
		if d.is(t) {
			return true
		}
	}
	return false
}

// handle hands a verified activity to its handler.
func (in *inbox) handle(ctx context.Context, act doc, from *hub.RemoteActor) error {
	switch {
	case act.is("Follow"):
		return in.onFollow(ctx, act, from)
	case act.is("Undo"):
		return in.onUndo(ctx, act, from)
	case act.is("Accept"), act.is("Reject"):
		return in.onAcceptOrReject(ctx, act, from)
	case act.is("Delete"):
		return in.onDelete(ctx, act, from)
	case act.is("Update"):
		return in.onUpdate(ctx, act, from)
	case act.is("Create"):
		return in.onCreateOrUpdate(ctx, act, from)
	case act.is("Announce"):
		return in.onAnnounce(ctx, act, from)
	case act.is("Flag"):
		return in.onFlag(ctx, act, from)
	}
	// Accepted and ignored: Like and the rest carry nothing the hub keeps.
	in.log.Debug("inbox: activity ignored", "type", act.typ(), "actor", from.ID)
	return nil
}
