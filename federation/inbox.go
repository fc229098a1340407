package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

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
// Date, within an hour of the hub's clock (401 otherwise, also for RFC 9421
// signatures, so the sender falls back); the Digest must match the body;
// the signature must verify with the signer's key, fetched and cached
// (and refetched once if it fails, for rotated keys); the signer must be
// the activity's actor; an activity id seen before is acknowledged and
// ignored. Then the activity is handled, or acknowledged and ignored if the
// hub has no use for it.
func (f *Federation) serveInbox(w http.ResponseWriter, r *http.Request) {
	status, msg := http.StatusAccepted, ""
	if err := f.receive(r.Context(), r); err != nil {
		var ie *inboxError
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &ie):
			status, msg = ie.status, ie.msg
		case errors.As(err, &tooBig):
			status, msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", MaxInboxBody)
		default:
			f.log.Error("inbox", "err", err)
			status, msg = http.StatusInternalServerError, "the hub could not process this activity; try again later"
		}
		level := "refused"
		if status >= 500 {
			level = "failed"
		}
		f.log.Info("inbox "+level, "status", status, "reason", msg, "remote", r.RemoteAddr, "signature_key", keyIDOf(r))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if msg != "" {
		fmt.Fprintf(w, "{\"error\":%q}\n", msg)
	} else {
		io.WriteString(w, "{}\n")
	}
}

func keyIDOf(r *http.Request) string {
	if p, err := parseSignature(r.Header); err == nil {
		return p.KeyID
	}
	return ""
}

func (f *Federation) receive(ctx context.Context, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxInboxBody))
	if err != nil {
		return err
	}
	sig, err := parseSignature(r.Header)
	if err != nil {
		return refuse(http.StatusUnauthorized, "%v", err)
	}
	if f.refusedHost(ctx, HostOf(sig.KeyID)) {
		return refuse(http.StatusForbidden, "this hub does not federate with %s", HostOf(sig.KeyID))
	}
	if err := checkSignedRequest(r, sig, body, f.now()); err != nil {
		return refuse(http.StatusUnauthorized, "%v", err)
	}
	if err := f.checkSignedHost(r, sig); err != nil {
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
	signer, err := f.verify(ctx, r, sig, act)
	if errors.Is(err, errUnverifiableDelete) {
		return nil // acknowledged, nothing done
	}
	if err != nil {
		return err
	}
	if signer.ID != actorID {
		return refuse(http.StatusUnauthorized, "the request is signed by %s, not by the activity's actor %s", signer.ID, actorID)
	}
	if f.refusedActor(ctx, signer.ID) {
		return refuse(http.StatusForbidden, "this hub does not take activities from %s", signer.ID)
	}
	if id := act.id(); id != "" {
		if HostOf(id) != HostOf(actorID) {
			return refuse(http.StatusBadRequest, "the activity id %s is not on its actor's server", id)
		}
		first, err := f.store.MarkSeen(ctx, id, f.now())
		if err != nil {
			return err
		}
		if !first {
			return nil // a repeated delivery: already handled
		}
	}
	return f.handle(ctx, act, signer)
}

// verify checks the request's signature with the signer's key, fetching
// the key when it is not cached or (at most refetchBurst times a minute
// per server) when the cached one fails. What goes wrong while fetching is
// logged; the sender only learns that the key could not be had, so the
// inbox cannot be used to probe which addresses and ports answer.
func (f *Federation) verify(ctx context.Context, r *http.Request, sig *sigParams, act doc) (*hub.RemoteActor, error) {
	cached, err := f.store.RemoteActorByKey(ctx, sig.KeyID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return nil, err
	}
	if cached != nil {
		if key, err := parsePublicKey(cached.PublicKeyPEM); err == nil && verifySignature(r, key) == nil {
			return cached, nil
		}
		if !f.refetches.allow(HostOf(sig.KeyID), f.now()) {
			return nil, refuse(http.StatusUnauthorized, "the signature does not verify with the key %s", sig.KeyID)
		}
	}
	fresh, err := f.resolveKey(ctx, sig.KeyID)
	if err != nil {
		var fe *FetchError
		if errors.As(err, &fe) && (fe.Status == http.StatusGone || fe.Status == http.StatusNotFound) && act.is("Delete") {
			// A deleted account announcing its own deletion: its key is
			// gone, so the signature cannot be checked. Nothing of ours
			// depends on it beyond removing the follower, which a later
			// delivery failure does too.
			return nil, errUnverifiableDelete
		}
		f.log.Info("inbox: signing key not usable", "key", sig.KeyID, "remote", r.RemoteAddr, "err", err)
		return nil, refuse(http.StatusUnauthorized, "cannot get a key %s that its actor publishes", sig.KeyID)
	}
	key, err := parsePublicKey(fresh.PublicKeyPEM)
	if err != nil {
		return nil, refuse(http.StatusUnauthorized, "the key %s is not a usable RSA key: %v", sig.KeyID, err)
	}
	if err := verifySignature(r, key); err != nil {
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

// actorTypes are the ActivityStreams actor types.
var actorTypes = []string{"Person", "Service", "Group", "Organization", "Application"}

// parseActorFields reads an actor document but for its key.
func parseActorFields(d doc) (*hub.RemoteActor, error) {
	isActor := false
	for _, t := range actorTypes {
		isActor = isActor || d.is(t)
	}
	if !isActor {
		return nil, fmt.Errorf("%s is a %q, not an actor", d.id(), d.typ())
	}
	a := &hub.RemoteActor{ID: d.id(), Type: d.typ(), Inbox: d.ref("inbox"), Username: d.str("preferredUsername"), Name: d.str("name"), URL: d.ref("url")}
	if a.ID == "" || a.Inbox == "" {
		return nil, errors.New("the actor has no id or inbox")
	}
	if ep := d.obj("endpoints"); ep != nil {
		a.SharedInbox = ep.ref("sharedInbox")
	}
	if HostOf(a.Inbox) == "" || (a.SharedInbox != "" && HostOf(a.SharedInbox) == "") {
		return nil, fmt.Errorf("the actor %s has an inbox that is not an http(s) URL", a.ID)
	}
	return a, nil
}

// parseActor reads an actor document with the first key it publishes as
// its own, on its own server.
func parseActor(d doc) (*hub.RemoteActor, error) {
	a, err := parseActorFields(d)
	if err != nil {
		return nil, err
	}
	for _, k := range d.objs("publicKey") {
		if owner := k.ref("owner"); owner != "" && owner != a.ID {
			continue
		}
		if HostOf(k.id()) != HostOf(a.ID) {
			continue // an actor vouches only for keys on its own server
		}
		if pemText := k.str("publicKeyPem"); pemText != "" {
			a.KeyID, a.PublicKeyPEM = k.id(), pemText
			break
		}
	}
	if a.PublicKeyPEM == "" {
		return nil, fmt.Errorf("the actor %s publishes no public key", a.ID)
	}
	return a, nil
}

// handle acts on a verified activity.
func (f *Federation) handle(ctx context.Context, act doc, from *hub.RemoteActor) error {
	switch {
	case act.is("Follow"):
		return f.onFollow(ctx, act, from)
	case act.is("Undo"):
		inner := act.obj("object")
		switch {
		case inner != nil && inner.is("Follow"):
			if inner.ref("object") != f.ActorID() || (inner.ref("actor") != "" && inner.ref("actor") != from.ID) {
				return refuse(http.StatusUnprocessableEntity, "the undone Follow is not %s's follow of this hub (%s)", from.ID, f.ActorID())
			}
			return f.onUnfollow(ctx, from, "")
		case inner != nil && inner.is("Announce"):
			return f.onUndoAnnounce(ctx, inner, from)
		case inner == nil && act.ref("object") != "":
			return f.onUnfollow(ctx, from, act.ref("object"))
		}
		return nil // an Undo of something else (a Like)
	case act.is("Accept"), act.is("Reject"):
		return f.onAcceptOrReject(ctx, act, from)
	case act.is("Delete"):
		if act.ref("object") == from.ID { // the account itself is gone
			if err := f.store.DeleteFollower(ctx, from.ID); err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
				return err
			}
			return f.store.DeleteRemoteActor(ctx, from.ID)
		}
		return f.onDelete(ctx, act, from)
	case act.is("Update"):
		if act.ref("object") == from.ID {
			// The actor changed (names, inboxes, key): read it again from
			// its own id rather than believing the body, so an Update
			// cannot slip another server's key id into the cache.
			a, _, err := f.fetchActor(ctx, from.ID)
			if err != nil {
				f.log.Info("inbox: updated actor not readable", "actor", from.ID, "err", err)
				return nil
			}
			return f.refreshFollower(ctx, a)
		}
		return f.onCreateOrUpdate(ctx, act, from)
	case act.is("Create"):
		return f.onCreateOrUpdate(ctx, act, from)
	case act.is("Announce"):
		return f.onAnnounce(ctx, act, from)
	}
	// Accepted and ignored: Like and the rest carry nothing the hub keeps.
	f.log.Debug("inbox: activity ignored", "type", act.typ(), "actor", from.ID)
	return nil
}

// onFollow records a follower and answers Accept, unless organisers
// approve followers by hand.
func (f *Federation) onFollow(ctx context.Context, act doc, from *hub.RemoteActor) error {
	if act.ref("object") != f.ActorID() {
		return refuse(http.StatusUnprocessableEntity, "only the hub actor %s can be followed here", f.ActorID())
	}
	if act.id() == "" {
		return refuse(http.StatusBadRequest, "a Follow needs an id")
	}
	st, err := f.content.Settings(ctx)
	if err != nil {
		return err
	}
	prev, err := f.store.Follower(ctx, from.ID)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return err
	}
	rec := &hub.FollowerRecord{ActorID: from.ID, FollowID: act.id(), Inbox: from.Inbox, SharedInbox: from.SharedInbox,
		Username: from.Username, Name: from.Name, URL: from.URL, Pending: st.ManuallyApprovesFollowers, CreatedAt: f.now()}
	if prev != nil {
		rec.Pending = prev.Pending && st.ManuallyApprovesFollowers
		rec.CreatedAt = prev.CreatedAt
	}
	if err := f.store.SaveFollower(ctx, rec); err != nil {
		return err
	}
	f.log.Info("new follower", "actor", from.ID, "pending", rec.Pending)
	if rec.Pending {
		return nil
	}
	return f.answerFollow(ctx, "Accept", rec)
}

// answerFollow queues an Accept or Reject of a follower's Follow to their
// own inbox.
func (f *Federation) answerFollow(ctx context.Context, typ string, rec *hub.FollowerRecord) error {
	follow := map[string]any{"id": rec.FollowID, "type": "Follow", "actor": rec.ActorID, "object": f.ActorID()}
	act, err := f.directActivity(typ, follow, rec.FollowID, rec.ActorID)
	if err != nil {
		return err
	}
	if err := f.store.Enqueue(ctx, hub.Enqueued{Activity: act, Inboxes: []string{rec.Inbox}}); err != nil {
		return err
	}
	f.nudge()
	return nil
}

// onUnfollow removes a follower whose Follow is undone. The signer is the
// actor, so only their own follow can go. An embedded Follow may carry a
// fresh id (some servers do that), so the actor is what counts; an Undo
// naming only an IRI must name the Follow the hub recorded.
func (f *Federation) onUnfollow(ctx context.Context, from *hub.RemoteActor, followIRI string) error {
	rec, err := f.store.Follower(ctx, from.ID)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if followIRI != "" && followIRI != rec.FollowID {
		return nil
	}
	f.log.Info("follower left", "actor", rec.ActorID)
	return f.store.DeleteFollower(ctx, rec.ActorID)
}

// refreshFollower updates a follower's inboxes and names after an Update.
func (f *Federation) refreshFollower(ctx context.Context, a *hub.RemoteActor) error {
	rec, err := f.store.Follower(ctx, a.ID)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	rec.Inbox, rec.SharedInbox, rec.Username, rec.Name, rec.URL = a.Inbox, a.SharedInbox, a.Username, a.Name, a.URL
	return f.store.SaveFollower(ctx, rec)
}

// ApproveFollower accepts a pending follower: hub.Federation.
func (f *Federation) ApproveFollower(ctx context.Context, actorID string) error {
	rec, err := f.store.Follower(ctx, actorID)
	if err != nil {
		return err
	}
	if !rec.Pending {
		return nil
	}
	rec.Pending = false
	if err := f.store.SaveFollower(ctx, rec); err != nil {
		return err
	}
	return f.answerFollow(ctx, "Accept", rec)
}

// RejectFollower refuses a pending follower or removes an accepted one,
// telling them with Reject: hub.Federation.
func (f *Federation) RejectFollower(ctx context.Context, actorID string) error {
	rec, err := f.store.Follower(ctx, actorID)
	if err != nil {
		return err
	}
	if err := f.store.DeleteFollower(ctx, actorID); err != nil {
		return err
	}
	return f.answerFollow(ctx, "Reject", rec)
}

// RetryDelivery queues a failed delivery again: hub.Federation.
func (f *Federation) RetryDelivery(ctx context.Context, id int64) error {
	if err := f.store.RetryDelivery(ctx, id, f.now()); err != nil {
		return err
	}
	f.nudge()
	return nil
}

// Status reports followers, deliveries and peers: hub.Federation.
func (f *Federation) Status(ctx context.Context) (*hub.FederationStatus, error) {
	st, err := f.content.Settings(ctx)
	if err != nil {
		return nil, err
	}
	out := &hub.FederationStatus{Handle: "@" + st.Handle + "@" + f.Host(), ActorID: f.ActorID()}
	for _, pending := range []bool{true, false} {
		recs, _, err := f.store.Followers(ctx, pending, 1000, 0)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out.Followers = append(out.Followers, hub.Follower{ActorID: r.ActorID, Username: r.Username, Name: r.Name,
				URL: r.URL, Server: HostOf(r.ActorID), Pending: r.Pending, Since: r.CreatedAt})
		}
	}
	if out.Pending, err = f.store.Deliveries(ctx, "pending", 100); err != nil {
		return nil, err
	}
	if out.Failed, err = f.store.Deliveries(ctx, "failed", 100); err != nil {
		return nil, err
	}
	if out.Peers, err = f.store.Peers(ctx); err != nil {
		return nil, err
	}
	return out, nil
}
