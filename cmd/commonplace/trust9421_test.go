package main

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// The attack suite for RFC 9421 HTTP message signatures: the attacks of
// trust_test.go and the ones this scheme adds, each against a real
// `commonplace serve`, with a genuine RFC 9421 delivery beside them.

// signed9421 is a POST of an activity to url with an RFC 9421 signature,
// built here from the RFC (not with the hub's code).
type signed9421 struct {
	url, keyID string
	activity   map[string]any
	components []string  // default @method @target-uri content-digest
	alg        string    // default rsa-v1_5-sha256
	created    time.Time // default now
	signedFor  string    // the @target-uri signed; default url
	host       string    // the Host sent; default url's
	key        crypto.Signer
	hmacSecret []byte                   // sign with HMAC-SHA256 instead
	tamper     func(body []byte) []byte // the body sent, changed after signing
	redigest   bool                     // and the Content-Digest sent made to match it
}

func (h *hostile) post9421(p signed9421) (int, string) {
	h.t.Helper()
	body, err := json.Marshal(p.activity)
	if err != nil {
		h.t.Fatal(err)
	}
	if p.components == nil {
		p.components = []string{"@method", "@target-uri", "content-digest"}
	}
	if p.alg == "" {
		p.alg = "rsa-v1_5-sha256"
	}
	if p.created.IsZero() {
		p.created = time.Now()
	}
	if p.signedFor == "" {
		p.signedFor = p.url
	}
	if p.key == nil {
		p.key = h.key
	}
	contentDigest := digestOf(body)
	u, _ := url.Parse(p.signedFor)
	var lines, quoted []string
	for _, c := range p.components {
		v := map[string]string{"@method": "POST", "@target-uri": p.signedFor, "@authority": u.Host, "@path": u.Path, "content-digest": contentDigest}[c]
		lines = append(lines, fmt.Sprintf("%q: %s", c, v))
		quoted = append(quoted, fmt.Sprintf("%q", c))
	}
	params := fmt.Sprintf("(%s);created=%d;keyid=%q;alg=%q", strings.Join(quoted, " "), p.created.Unix(), p.keyID, p.alg)
	base := []byte(strings.Join(append(lines, `"@signature-params": `+params), "\n"))
	var sig []byte
	if p.hmacSecret != nil {
		m := hmac.New(sha256.New, p.hmacSecret)
		m.Write(base)
		sig = m.Sum(nil)
	} else if k, ok := p.key.(ed25519.PrivateKey); ok {
		sig = ed25519.Sign(k, base)
	} else {
		hashed := sha256.Sum256(base)
		if sig, err = rsa.SignPKCS1v15(rand.Reader, p.key.(*rsa.PrivateKey), crypto.SHA256, hashed[:]); err != nil {
			h.t.Fatal(err)
		}
	}
	if p.tamper != nil {
		body = p.tamper(body)
		if p.redigest {
			contentDigest = digestOf(body)
		}
	}
	req, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if p.host != "" {
		req.Host = p.host
	}
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Content-Digest", contentDigest)
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	code, b := testkit.Send(h.t, nil, req)
	return code, string(b)
}

func digestOf(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// TestRFC9421Forgeries: what trust_test.go tries with draft-cavage, and
// what RFC 9421 adds (components left unsigned, algorithm confusion),
// signed in RFC 9421 and sent to a real hub: every one is refused and
// makes no follower; the genuine RFC 9421 Follow beside them is taken.
func TestRFC9421Forgeries(t *testing.T) {
	a := startCommonsHub(t, "alpha")
	m, x := newHostile(t), newHostile(t)
	alice := m.actor("/users/alice", "Person")
	keyID := alice + "#main-key"
	// x serves a document claiming alice's id, with x's key (Mastodon's shape).
	x.serve("/spoof", map[string]any{
		"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":       alice, "type": "Person", "preferredUsername": "alice", "inbox": x.url("/inbox"),
		"publicKey": map[string]any{"id": x.url("/spoof#main-key"), "owner": alice, "publicKeyPem": x.publicPEM()}})
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	follow := func() map[string]any { return activity(alice, "Follow", a.actorID()) }
	changed := func(body []byte) []byte { return bytes.Replace(body, []byte(`"Follow"`), []byte(`"Create"`), 1) }

	for _, c := range []struct {
		name string
		from *hostile
		post signed9421
	}{
		{"@method not signed", m, signed9421{components: []string{"@target-uri", "content-digest"}}},
		{"the target not signed", m, signed9421{components: []string{"@method", "content-digest"}}},
		{"Content-Digest not signed", m, signed9421{components: []string{"@method", "@target-uri"}}},
		{"signed for another hub's inbox", m, signed9421{signedFor: "http://other-hub.example/inbox"}},
		{"signed for another hub, replayed here with its Host", m, signed9421{signedFor: "http://other-hub.example/inbox", host: "other-hub.example"}},
		{"the body changed after signing", m, signed9421{tamper: changed}},
		{"the body changed, and the Content-Digest with it", m, signed9421{tamper: changed, redigest: true}},
		{"created two hours ago", m, signed9421{created: time.Now().Add(-2 * time.Hour)}},
		{"a key on another host, claiming alice's id", x, signed9421{keyID: x.url("/spoof#main-key")}},
		{"alg confusion: hmac-sha256 keyed with alice's public key", m, signed9421{alg: "hmac-sha256", hmacSecret: []byte(m.publicPEM())}},
		{"alg confusion: ed25519 named for alice's RSA key", m, signed9421{alg: "ed25519", key: edKey}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.post
			p.url, p.activity = a.inbox(), follow()
			if p.keyID == "" {
				p.keyID = keyID
			}
			status, body := c.from.post9421(p)
			refused(t, c.name, status, body)
		})
	}
	if n := a.followerCount(); n != 0 {
		t.Fatalf("the forgeries made %d followers", n)
	}
	if status, body := m.post9421(signed9421{url: a.inbox(), keyID: keyID, activity: follow()}); status != http.StatusAccepted {
		t.Fatalf("the genuine RFC 9421 Follow: %d %s", status, body)
	}
	if n := a.followerCount(); n != 1 {
		t.Errorf("the genuine RFC 9421 Follow made %d followers, want 1", n)
	}
}
