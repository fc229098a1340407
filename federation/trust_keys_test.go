package federation_test

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// keyFixture is what the hub must make of one key document.
type keyFixture struct {
	// signWith picks the keyId the server signs with, from the actor id
	// and the key id the document publishes. Nil: the published key id.
	signWith func(actor, published string) string
	// owner: for a key document, the owner actor's publicKey as its
	// server renders it ("object": embedded; "iri": the key's IRI only).
	owner string
	// genuine is the answer to a genuine Follow signed this way.
	genuine int
}

// keyFixtures says, for each real actor or key document in
// testdata/keys (sources in its README), how its server signs and what
// the hub must make of it. A key or stub document comes with the owner
// actor its server would serve beside it.
var keyFixtures = map[string]keyFixture{
	"mastodon-actor.json":                            {genuine: 202},
	"mastodon-instance-actor.json":                   {genuine: 202},
	"gotosocial-actor.json":                          {genuine: 202},
	"gotosocial-actor-fragment-key.json":             {genuine: 202},
	"gotosocial-main-key-stub.json":                  {owner: "object", genuine: 202},
	"misskey-actor.json":                             {genuine: 202},
	"misskey-key-document-reconstructed.json":        {owner: "object", genuine: 401}, // the actor publishes #main-key, not this key, and Misskey signs with #main-key
	"pleroma-actor.json":                             {genuine: 202},
	"akkoma-actor-reconstructed.json":                {genuine: 202},
	"akkoma-internal-fetch-actor-reconstructed.json": {genuine: 202},
	"mobilizon-group.json":                           {genuine: 202},
	"mobilizon-person.json":                          {genuine: 202},
	"mobilizon-relay-actor-reconstructed.json":       {genuine: 202},
	"lemmy-person.json":                              {genuine: 202},
	"lemmy-group.json":                               {genuine: 202},
	"lemmy-instance-actor.json":                      {genuine: 202},
	"friendica-actor.json":                           {genuine: 202},
	"friendica-organization-actor.json":              {genuine: 202},
	"peertube-account.json":                          {genuine: 202, signWith: func(actor, _ string) string { return actor }}, // PeerTube signs with keyId = the actor URL
	"peertube-channel-group.json":                    {genuine: 202, signWith: func(actor, _ string) string { return actor }},
	"wordpress-actor.json":                           {genuine: 202},
	"wordpress-user-actor-reconstructed.json":        {genuine: 202},
	"wordpress-blog-actor-reconstructed.json":        {genuine: 202},
	"wordpress-application-actor-reconstructed.json": {genuine: 202},
	"gancio-actor.json":                              {genuine: 202},
	"hubzilla-actor-key-is-actor.json":               {genuine: 202},
	"osada-actor-key-path.json":                      {genuine: 202}, // served a GoToSocial-style stub at the key path here; what Osada itself serves there is not known
	"mitra-actor.json":                               {genuine: 202},
	"activitypub-bot-key-document.json":              {owner: "iri", genuine: 202},
}

// docServer serves JSON documents by request URI (path and query), as an
// origin server or an attacker's.
type docServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	docs map[string][]byte
}

func newDocServer(t *testing.T) *docServer {
	s := &docServer{docs: map[string][]byte{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		b, ok := s.docs[r.URL.RequestURI()]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		w.Write(b)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// serveAt serves doc at the request URI of iri (its path and query).
func (s *docServer) serveAt(t *testing.T, iri string, doc map[string]any) {
	t.Helper()
	u, err := url.Parse(iri)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[u.RequestURI()] = b
}

// moveTo rewrites every IRI of a document from its own origin to base,
// and puts pemText wherever it publishes a key.
func moveTo(t *testing.T, raw []byte, base, pemText string) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	id, _ := d["id"].(string)
	u, err := url.Parse(id)
	if err != nil || u.Host == "" {
		t.Fatalf("document id %q", id)
	}
	origin := u.Scheme + "://" + u.Host
	raw = bytes.ReplaceAll(raw, []byte(origin), []byte(base))
	raw = bytes.ReplaceAll(raw, []byte(strings.ReplaceAll(origin, "/", `\/`)), []byte(strings.ReplaceAll(base, "/", `\/`)))
	d = nil
	json.Unmarshal(raw, &d)
	setPEM := func(k map[string]any) {
		if _, ok := k["publicKeyPem"]; ok {
			k["publicKeyPem"] = pemText
		}
	}
	setPEM(d)
	switch pk := d["publicKey"].(type) {
	case map[string]any:
		setPEM(pk)
	case []any:
		for _, k := range pk {
			if m, ok := k.(map[string]any); ok {
				setPEM(m)
			}
		}
	}
	return d
}

// publishedKey is the first key id a document publishes (or its own id,
// for a key document) and the actor it belongs to.
func publishedKey(d map[string]any) (keyID, actor string) {
	switch pk := d["publicKey"].(type) {
	case map[string]any:
		keyID, _ = pk["id"].(string)
	case []any:
		if m, ok := pk[0].(map[string]any); ok {
			keyID, _ = m["id"].(string)
		}
	}
	actor, _ = d["id"].(string)
	if keyID == "" { // a key document
		keyID, actor = actor, d["owner"].(string)
	}
	return keyID, actor
}

// TestRealKeyDocuments: each server's real actor or key document, served
// by a stand-in for its origin, lets that server's actor follow the hub
// signed the way it signs. The same document served by another server
// (claiming the original ids, or vouching for the original actor) is
// refused.
func TestRealKeyDocuments(t *testing.T) {
	h := newHub(t)
	fv := newFediverse(t) // only its signing code is used
	eachFixture(t, "testdata/keys/*.json", keyFixtures, func(t *testing.T, name string, raw []byte, want keyFixture) {
		signer := fv.actor(strings.TrimSuffix(name, ".json"), false)
		der, _ := x509.MarshalPKIXPublicKey(&signer.key.PublicKey)
		pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))

		origin, attacker := newDocServer(t), newDocServer(t)
		d := moveTo(t, raw, origin.srv.URL, pemText)
		keyID, actor := publishedKey(d)
		if _, full := d["inbox"]; full {
			origin.serveAt(t, actor, d)
			if stripFrag(keyID) != actor {
				// A key at its own path: GoToSocial answers there with
				// a stub actor (gotosocial-main-key-stub.json).
				origin.serveAt(t, keyID, map[string]any{"id": actor, "type": d["type"], "publicKey": d["publicKey"]})
			}
		} else {
			// A key document or stub, at its key id; and its owner.
			origin.serveAt(t, keyID, d)
			owner := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": actor, "type": "Person",
				"preferredUsername": "owner", "inbox": actor + "/inbox"}
			if want.owner == "iri" {
				owner["publicKey"] = keyID
			} else {
				owner["publicKey"] = map[string]any{"id": strings.TrimSuffix(actor, "/") + "#main-key", "owner": actor, "publicKeyPem": pemText}
				if strings.HasSuffix(keyID, "/main-key") { // GoToSocial's actor publishes the stub's key
					owner["publicKey"].(map[string]any)["id"] = keyID
				}
			}
			origin.serveAt(t, actor, owner)
		}
		signWith := keyID
		if want.signWith != nil {
			signWith = want.signWith(actor, keyID)
		}
		follow := func(a string) []byte {
			b, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
				"id": strings.TrimSuffix(a, "/") + "/follows/" + randomHex(), "actor": a, "object": h.actorID()})
			return b
		}

		// Forged: the attacker serves the same document, naming the
		// genuine ids, at their own address ...
		forgedKey := strings.Replace(signWith, origin.srv.URL, attacker.srv.URL, 1)
		attacker.serveAt(t, forgedKey, d)
		if resp := fv.post(signedPost{a: signer, url: h.inbox(), body: follow(actor), keyID: forgedKey}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the document served by another server, claiming %s: %d, want 401", actor, resp.StatusCode)
		}
		// ... or as their own actor whose key names the genuine actor as owner.
		vouch := moveTo(t, raw, attacker.srv.URL, pemText)
		if pk, ok := vouch["publicKey"].(map[string]any); ok {
			pk["owner"] = actor
		}
		vouch["owner"] = actor
		vk, _ := publishedKey(vouch)
		attacker.serveAt(t, vk, vouch)
		if resp := fv.post(signedPost{a: signer, url: h.inbox(), body: follow(actor), keyID: vk}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("another server's key document vouching for %s: %d, want 401", actor, resp.StatusCode)
		}

		// Genuine.
		if resp := fv.post(signedPost{a: signer, url: h.inbox(), body: follow(actor), keyID: signWith}); resp.StatusCode != want.genuine {
			t.Errorf("genuine Follow signed with %s: %d, want %d", signWith, resp.StatusCode, want.genuine)
		}
	})
}

func stripFrag(iri string) string {
	if i := strings.IndexByte(iri, '#'); i >= 0 {
		return iri[:i]
	}
	return iri
}
