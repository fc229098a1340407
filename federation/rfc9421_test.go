package federation_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/federation/signature"
)

// RFC 9421 on the wire: deliveries to the hub's inbox signed as Mastodon
// 4.5 and Fedify sign them (built here by hand from the RFC, not with the
// hub's signer), and the hub's double knock to a server that takes
// nothing else.

// rfc9421Post is a POST from actor a to url with an RFC 9421 signature.
type rfc9421Post struct {
	a          *remoteActor
	url        string
	body       []byte
	created    time.Time
	components []string // default @method @target-uri content-digest content-type
	alg        string   // default rsa-v1_5-sha256; "none" leaves alg out
	keyID      string   // default the actor's key
	key        crypto.Signer
	signedFor  string              // the @target-uri signed, default url
	tamper     func(*http.Request) // changes the request after signing
}

func (f *fediverse) request9421(p rfc9421Post) *http.Request {
	f.t.Helper()
	req := activityRequest(f.t, p.url, p.body)
	if p.created.IsZero() {
		p.created = time.Now()
	}
	if p.components == nil {
		p.components = []string{"@method", "@target-uri", "content-digest", "content-type"}
	}
	if p.keyID == "" {
		p.keyID = p.a.keyID(f)
	}
	if p.key == nil {
		p.key = p.a.key
	}
	if p.alg == "" {
		p.alg = "rsa-v1_5-sha256"
	}
	if p.signedFor == "" {
		p.signedFor = p.url
	}
	sum := sha256.Sum256(p.body)
	req.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Date", p.created.UTC().Format(http.TimeFormat))
	var lines, quoted []string
	for _, c := range p.components {
		var v string
		switch c {
		case "@method":
			v = "POST"
		case "@target-uri":
			v = p.signedFor
		case "@authority":
			v = strings.SplitN(strings.SplitN(p.signedFor, "://", 2)[1], "/", 2)[0]
		case "@path":
			v = req.URL.Path
		default:
			v = req.Header.Get(c)
		}
		lines = append(lines, fmt.Sprintf("%q: %s", c, v))
		quoted = append(quoted, fmt.Sprintf("%q", c))
	}
	params := fmt.Sprintf("(%s);created=%d;keyid=%q", strings.Join(quoted, " "), p.created.Unix(), p.keyID)
	if p.alg != "none" {
		params += fmt.Sprintf(";alg=%q", p.alg)
	}
	base := strings.Join(append(lines, `"@signature-params": `+params), "\n")
	var sig []byte
	var err error
	switch k := p.key.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(base))
	case *rsa.PrivateKey:
		if p.alg == "rsa-pss-sha512" {
			h := sha512.Sum512([]byte(base))
			sig, err = rsa.SignPSS(rand.Reader, k, crypto.SHA512, h[:], &rsa.PSSOptions{SaltLength: 64})
		} else {
			h := sha256.Sum256([]byte(base))
			sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
		}
		if err != nil {
			f.t.Fatal(err)
		}
	}
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	if p.tamper != nil {
		p.tamper(req)
	}
	return req
}

// verify9421 checks an RFC 9421 delivery with the hub's verifier (tested
// against the RFC's own vectors in federation/signature) and the key its
// keyid's actor publishes.
func verify9421(r *http.Request, body []byte) (string, error) {
	v := signature.NewVerifier()
	p, err := v.Parse(r.Header)
	if err != nil {
		return "", err
	}
	if err := v.Check(r, p, body, time.Now()); err != nil {
		return p.KeyID, err
	}
	key, err := fetchPublicKey(p.KeyID)
	if err != nil {
		return p.KeyID, err
	}
	return p.KeyID, v.Verify(r, p, key)
}

// base58 encodes b in Bitcoin's alphabet (FEP-521a's base58btc).
func base58(b []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	n, out := new(big.Int).SetBytes(b), []byte{}
	for n.Sign() > 0 {
		m := new(big.Int)
		n.DivMod(n, big.NewInt(58), m)
		out = append([]byte{alphabet[m.Int64()]}, out...)
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append([]byte{'1'}, out...)
	}
	return string(out)
}

func TestInboxRFC9421(t *testing.T) {
	h := newHub(t)
	f, other := newFediverse(t), newFediverse(t)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	mallory := other.actor("mallory", false)
	follow := func(a *remoteActor) []byte { return f.activity(a, "Follow", h.actorID()) }
	cases := []struct {
		name string
		post func(a *remoteActor) rfc9421Post
		want int
	}{
		{"rsa-v1_5-sha256, as Mastodon 4.5 and Fedify sign", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a)}
		}, 202},
		{"rsa-pss-sha512", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), alg: "rsa-pss-sha512"}
		}, 202},
		{"no alg: the RSA key decides", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), alg: "none"}
		}, 202},
		{"@authority and @path instead of @target-uri", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), components: []string{"@method", "@authority", "@path", "content-digest"}}
		}, 202},
		{"ed25519 with a FEP-521a Multikey", func(a *remoteActor) rfc9421Post {
			a.edKey = edKey
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), alg: "ed25519", key: edKey, keyID: a.id(f) + "#ed25519-key"}
		}, 202},
		{"the RSA key as a FEP-521a Multikey", func(a *remoteActor) rfc9421Post {
			a.edKey = edKey
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), keyID: a.id(f) + "#rsa-key"}
		}, 202},
		{"@method not covered", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), components: []string{"@target-uri", "content-digest"}}
		}, 401},
		{"target not covered", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), components: []string{"@method", "content-digest"}}
		}, 401},
		{"content-digest not covered", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), components: []string{"@method", "@target-uri"}}
		}, 401},
		{"body changed after signing", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), tamper: func(r *http.Request) {
				b := follow(a)
				r.Body, r.ContentLength = nopCloser{bytes.NewReader(b)}, int64(len(b))
			}}
		}, 401},
		{"signed for another hub's inbox", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), signedFor: "https://other-hub.example/inbox"}
		}, 401},
		{"signed for another hub, replayed here with its Host", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), signedFor: "http://other-hub.example/inbox",
				tamper: func(r *http.Request) { r.Host = "other-hub.example" }}
		}, 401},
		{"created two hours ago", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), created: time.Now().Add(-2 * time.Hour)}
		}, 401},
		{"created two hours ahead", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), created: time.Now().Add(2 * time.Hour)}
		}, 401},
		{"key from another server", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), keyID: mallory.keyID(other), key: mallory.key}
		}, 401},
		{"alg confusion: ed25519 named, RSA key published", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), alg: "ed25519", key: edKey}
		}, 401},
		{"alg confusion: hmac-sha256", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), alg: "hmac-sha256"}
		}, 401},
		{"a Multikey the actor does not control", func(a *remoteActor) rfc9421Post {
			return rfc9421Post{a: a, url: h.inbox(), body: follow(a), alg: "ed25519", key: edKey, keyID: a.id(f) + "#ed25519-key"}
		}, 401}, // this actor has no edKey: nothing published under that id
	}
	accepted := 0
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := f.actor(fmt.Sprintf("a%d", i), false)
			resp, err := http.DefaultClient.Do(f.request9421(c.post(a)))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("status %d, want %d", resp.StatusCode, c.want)
			}
			if resp.StatusCode == http.StatusAccepted {
				accepted++
			}
		})
	}
	// Each accepted Follow made a follower, and only those.
	if _, c := h.get("/actor/followers", "application/activity+json"); c["totalItems"] != float64(accepted) {
		t.Errorf("followers %v, want %d", c["totalItems"], accepted)
	}
}

// TestDeliveryDoubleKnock: a server that takes only RFC 9421 answers the
// hub's first, draft-cavage delivery with 401; the hub knocks again in
// RFC 9421, and from then on signs to that server in RFC 9421 at once. A
// server that takes draft-cavage is never asked twice. A second process
// sharing the SchemeCache goes to RFC 9421 at once too.
func TestDeliveryDoubleKnock(t *testing.T) {
	schemes := federation.NewMemorySchemeCache()
	h := openHubWith(t, t.TempDir()+"/hub.db", nil, true, federation.WithSchemeCache(schemes))
	modern, classic := newFediverse(t), newFediverse(t)
	modern.rfc9421Only = true
	alice, bob := modern.actor("alice", false), classic.actor("bob", false)
	h.follow(modern, alice)
	h.follow(classic, bob)

	accepts := modern.deliveries("Accept")
	if len(accepts) != 2 || accepts[0].Scheme != "draft-cavage" || accepts[1].Scheme != "rfc9421" || accepts[1].Verified != nil {
		t.Fatalf("the Accept to the RFC 9421 server: %+v, want a draft-cavage knock, then a verified RFC 9421 one", accepts)
	}
	if s, ok := schemes.Get(federation.HostOf(modern.url("/"))); !ok || s != signature.RFC9421 {
		t.Errorf("remembered %q %v for the RFC 9421 server", s, ok)
	}
	if got := classic.deliveries("Accept"); len(got) != 1 || got[0].Scheme != "draft-cavage" || got[0].Verified != nil {
		t.Errorf("the Accept to the draft-cavage server: %+v", got)
	}

	h.event("Repair café", time.Now().Add(48*time.Hour), "")
	waitFor(t, "the Creates", func() bool {
		return len(modern.deliveries("Create")) == 1 && len(classic.deliveries("Create")) == 1
	})
	if d := modern.deliveries("Create")[0]; d.Scheme != "rfc9421" || d.Verified != nil {
		t.Errorf("the Create to the RFC 9421 server went %s (%v), want RFC 9421 at the first knock", d.Scheme, d.Verified)
	}
	if d := classic.deliveries("Create")[0]; d.Scheme != "draft-cavage" || d.Verified != nil {
		t.Errorf("the Create to the draft-cavage server went %s (%v)", d.Scheme, d.Verified)
	}

	// Another process of the same hub, sharing the cache.
	h2 := openHubWith(t, t.TempDir()+"/hub.db", nil, true, federation.WithSchemeCache(schemes))
	carol := modern.actor("carol", false)
	h2.follow(modern, carol)
	var toCarol []delivery
	for _, d := range modern.deliveries("Accept") {
		if d.Path == "/users/carol/inbox" {
			toCarol = append(toCarol, d)
		}
	}
	if len(toCarol) != 1 || toCarol[0].Scheme != "rfc9421" {
		t.Errorf("the other process knocked %d times (%+v), want once in RFC 9421", len(toCarol), toCarol)
	}
}
