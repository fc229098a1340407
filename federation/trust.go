package federation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/federation/signature"
	"github.com/commonplace-hub/commonplace/hub"
)

// Who is who: the rules that decide which remote actor a signed request
// speaks for. They are the only way an actor's key enters the
// remote_actors cache.
//
//  1. A document is believed only about its own origin: fetchDoc refuses a
//     document whose id is on another host than the URL that finally
//     served it (after redirects).
//  2. An actor's key is trusted only when the actor document, fetched from
//     the actor's own id, publishes that key id. A key document (GoToSocial's
//     /main-key stub, a CryptographicKey with a top-level owner) only says
//     where to look for the owner; its key is never used.
//  3. The signed Host is this hub's public host, so a request signed for
//     another server cannot be replayed here.
//
// docs/FEDERATION.md ("Trust rules") lists them with their tests.

// resolveKey returns the actor that owns keyID, following rule 2, and
// caches it.
func (f *Federation) resolveKey(ctx context.Context, keyID string) (*hub.RemoteActor, error) {
	keyURL := stripFragment(keyID)
	d, err := f.fetchDoc(ctx, keyURL)
	if err != nil {
		return nil, err
	}
	owner := keyOwnerOf(d, keyID)
	if owner == "" {
		return nil, fmt.Errorf("the document at %s names no owner of the key %s", keyURL, keyID)
	}
	if owner == keyURL && d.id() == keyURL && d.str("inbox") != "" {
		// The key id is the actor or a fragment of it (Mastodon).
		return f.keepActor(ctx, d, keyID, nil)
	}
	actorDoc, err := f.fetchActorDoc(ctx, owner)
	if err != nil {
		return nil, err
	}
	return f.keepActor(ctx, actorDoc, keyID, d)
}

// keyOwnerOf reads who a document fetched from a key id says owns the
// key: the actor itself when it publishes the key (Mastodon, Misskey,
// Pleroma...), publicKey.owner of a stub actor (GoToSocial), or the
// top-level owner of a key document.
func keyOwnerOf(d doc, keyID string) string {
	for _, k := range d.objs("publicKey") {
		if k.id() == keyID {
			if o := k.ref("owner"); o != "" {
				return o
			}
			return d.id()
		}
	}
	for _, k := range d.objs("assertionMethod") { // FEP-521a Multikey
		if k.id() == keyID {
			if c := k.ref("controller"); c != "" {
				return c
			}
			return d.id()
		}
	}
	if d.id() == keyID && d.str("inbox") != "" {
		return d.id() // the key id is the actor itself (PeerTube signs so)
	}
	if d.id() == keyID || d.id() == stripFragment(keyID) {
		if o := d.ref("owner"); o != "" {
			return o
		}
		if o := d.ref("controller"); o != "" { // FEP-521a Multikey shape
			return o
		}
	}
	return ""
}

// fetchActorDoc fetches an actor from its own id: the document must carry
// that id exactly (fetchDoc has already checked it came from that origin).
func (f *Federation) fetchActorDoc(ctx context.Context, id string) (doc, error) {
	return f.fetchOwn(ctx, id, "%s answered with the document %q, not itself")
}

// fetchActor fetches and parses an actor from its own id, and caches it
// with the key it publishes.
func (f *Federation) fetchActor(ctx context.Context, id string) (*hub.RemoteActor, doc, error) {
	d, err := f.fetchActorDoc(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := f.keepActor(ctx, d, "", nil)
	return a, d, err
}

// keepActor parses and caches an actor document fetched from its own id,
// with the key keyID ("": the first key it publishes as its own; keyDoc:
// what keyID's URL answered, if not the actor).
func (f *Federation) keepActor(ctx context.Context, d doc, keyID string, keyDoc doc) (*hub.RemoteActor, error) {
	var a *hub.RemoteActor
	var err error
	if keyID == "" {
		a, err = parseActor(d)
	} else {
		a, err = parseActorKey(d, keyID, keyDoc)
	}
	if err != nil {
		return nil, err
	}
	a.FetchedAt = f.now()
	if err := f.store.SaveRemoteActor(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// parseActorKey reads an actor and the key keyID it publishes as its own;
// an actor that does not is refused. The key is the one embedded in the
// actor (publicKey, or a FEP-521a Multikey in assertionMethod whose
// controller is the actor), or, when the actor names keyID only by its
// IRI, the one in the key document fetched from keyID (on the actor's
// server, owned or controlled by it).
// A key id that is the actor's own id (PeerTube signs so) stands for the
// actor's key.
func parseActorKey(d doc, keyID string, keyDoc doc) (*hub.RemoteActor, error) {
	a, err := parseActorFields(d)
	if err != nil {
		return nil, err
	}
	if HostOf(keyID) != HostOf(a.ID) {
		return nil, fmt.Errorf("the key %s is not on the server of its actor %s", keyID, a.ID)
	}
	for _, k := range d.objs("publicKey") {
		if owner := k.ref("owner"); owner != "" && owner != a.ID {
			continue
		}
		if pemText := k.str("publicKeyPem"); pemText != "" && (k.id() == keyID || keyID == a.ID) {
			a.KeyID, a.PublicKeyPEM = keyID, pemText
			return a, nil
		}
	}
	if keyDoc != nil && keyDoc.id() == keyID && keyDoc.ref("owner") == a.ID && slices.Contains(d.refs("publicKey"), keyID) {
		if pemText := keyDoc.str("publicKeyPem"); pemText != "" {
			a.KeyID, a.PublicKeyPEM = keyID, pemText
			return a, nil
		}
	}
	// A FEP-521a Multikey in assertionMethod, embedded or by its IRI.
	for _, k := range append(d.objs("assertionMethod"), keyDoc) {
		if k == nil || k.id() != keyID || !k.is("Multikey") || k.ref("controller") != a.ID || !slices.Contains(d.refs("assertionMethod"), keyID) {
			continue
		}
		if pemText, err := multikeyPEM(k.str("publicKeyMultibase")); err == nil {
			a.KeyID, a.PublicKeyPEM = keyID, pemText
			return a, nil
		}
	}
	return nil, fmt.Errorf("the actor %s does not publish the key %s", a.ID, keyID)
}

// errForeignDocument: a fetched document claims an id on another host
// than the one that served it.
var errForeignDocument = errors.New("the document claims an id on another server than the one that served it")

// checkServedFrom applies rule 1 to a document served from finalURL.
func checkServedFrom(d doc, finalURL string) error {
	if id := d.id(); id != "" && HostOf(id) != HostOf(finalURL) {
		return fmt.Errorf("%w (%s served %s)", errForeignDocument, HostOf(finalURL), id)
	}
	return nil
}

// checkSignedHost applies rule 3: the Host the signature covers (in RFC
// 9421, the @authority or @target-uri, whose authority is the request's
// Host) must be the hub's public host.
func (f *Federation) checkSignedHost(r *http.Request, p *signature.Params) error {
	if !p.CoversAuthority() {
		return errors.New("the signature must cover the Host header (draft-cavage) or @authority or @target-uri (RFC 9421)")
	}
	got := HostOf(f.base.Scheme + "://" + r.Host)
	if want := HostOf(f.baseStr); got == "" || got != want {
		return fmt.Errorf("the request was signed for %s, not for this hub (%s)", r.Host, want)
	}
	return nil
}

// KeyRefetchLimiter decides whether a server may be asked for a key
// again after a signature failed with the cached key, so bad signatures
// cannot make the hub hammer a server (or be used to make it). The hub's
// default (keyRefetches) counts in this process's memory; hubs that run
// several processes behind one address give WithKeyRefetchLimiter one
// that counts across them.
type KeyRefetchLimiter interface {
	// Allow reports whether host may be asked for a key again now, and
	// records the request if so.
	Allow(host string, now time.Time) bool
}

var _ KeyRefetchLimiter = (*keyRefetches)(nil)

// keyRefetches throttles refetching a key after a signature failed with
// the cached one: at most refetchBurst per host per refetchWindow, so bad
// signatures cannot make the hub hammer a server (or be used to make it).
type keyRefetches struct {
	mu     sync.Mutex
	window time.Duration
	burst  int
	hosts  map[string][]time.Time
}

const (
	refetchWindow = time.Minute
	refetchBurst  = 3
)

// Allow reports whether host may be asked for a key again now, and
// records the request if so.
func (k *keyRefetches) Allow(host string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.hosts == nil {
		k.hosts = map[string][]time.Time{}
	}
	if len(k.hosts) > 10000 { // bounded memory; forgetting only allows more
		k.hosts = map[string][]time.Time{}
	}
	recent := k.hosts[host][:0]
	for _, t := range k.hosts[host] {
		if now.Sub(t) < k.window {
			recent = append(recent, t)
		}
	}
	if len(recent) >= k.burst {
		k.hosts[host] = recent
		return false
	}
	k.hosts[host] = append(recent, now)
	return true
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
