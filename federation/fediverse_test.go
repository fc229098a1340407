package federation_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-fed/httpsig"
)

// fediverse is a fake remote fediverse server for tests: it serves actors
// with keys, signs the requests it sends (with its own draft-cavage code,
// written from Mastodon's rules rather than with the hub's signer), and
// records and verifies every delivery it receives.
type fediverse struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	actors   map[string]*remoteActor // by path, e.g. /users/alice
	objects  map[string][]byte       // other documents it serves, by path
	received []delivery
	// status, if set, chooses the answer to a delivery.
	status func(path string) int
	// rfc9421Only makes the server answer 401 to a delivery not signed
	// with RFC 9421, as a server that has dropped draft-cavage would.
	rfc9421Only bool
	// nodeinfo is the NodeInfo document it serves (testdata/nodeinfo),
	// which tells the hub which software it runs: Mastodon 4.5 unless a
	// test says otherwise; nil serves none.
	nodeinfo []byte
}

type remoteActor struct {
	path   string
	key    *rsa.PrivateKey
	shared bool // declares the server's shared inbox
	typ    string
	// edKey, if set, is published as a FEP-521a Multikey (#ed25519-key)
	// in assertionMethod, beside the RSA key as a Multikey (#rsa-key),
	// as Fedify publishes them.
	edKey ed25519.PrivateKey
}

// delivery is a POST the fediverse received.
type delivery struct {
	Path     string
	Body     map[string]any
	Raw      []byte
	Verified error // nil when the signature and digest checked out
	KeyID    string
	Scheme   string // "rfc9421" or "draft-cavage"
}

func newFediverse(t testing.TB) *fediverse {
	f := &fediverse{t: t, actors: map[string]*remoteActor{}, objects: map[string][]byte{}, nodeinfo: nodeInfoDoc(t, "mastodon-4.5.json")}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// actor adds (or returns) an actor at /users/name.
func (f *fediverse) actor(name string, shared bool) *remoteActor {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := "/users/" + name
	if a, ok := f.actors[path]; ok {
		return a
	}
	a := &remoteActor{path: path, key: testKey(f.t), shared: shared, typ: "Person"}
	f.actors[path] = a
	return a
}

var (
	keyOnce sync.Once
	keyPool []*rsa.PrivateKey
	keyNext int
	keyMu   sync.Mutex
)

// testKey hands out RSA keys from a small pool made once (making RSA keys
// is slow).
func testKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		for range 6 {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keyPool = append(keyPool, k)
		}
	})
	keyMu.Lock()
	defer keyMu.Unlock()
	k := keyPool[keyNext%len(keyPool)]
	keyNext++
	return k
}

func (f *fediverse) url(path string) string      { return f.srv.URL + path }
func (a *remoteActor) id(f *fediverse) string    { return f.url(a.path) }
func (a *remoteActor) keyID(f *fediverse) string { return a.id(f) + "#main-key" }

func (f *fediverse) actorDoc(a *remoteActor) map[string]any {
	der, _ := x509.MarshalPKIXPublicKey(&a.key.PublicKey)
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                a.id(f),
		"type":              a.typ,
		"preferredUsername": strings.TrimPrefix(a.path, "/users/"),
		"name":              "Test " + a.path,
		"inbox":             a.id(f) + "/inbox",
		"url":               f.url("/@" + strings.TrimPrefix(a.path, "/users/")),
		"publicKey": map[string]any{
			"id":           a.keyID(f),
			"owner":        a.id(f),
			"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		},
	}
	if a.shared {
		doc["endpoints"] = map[string]any{"sharedInbox": f.url("/inbox")}
	}
	if a.edKey != nil {
		rsaDER := x509.MarshalPKCS1PublicKey(&a.key.PublicKey)
		doc["assertionMethod"] = []any{
			map[string]any{"id": a.id(f) + "#rsa-key", "type": "Multikey", "controller": a.id(f),
				"publicKeyMultibase": "z" + base58(append([]byte{0x85, 0x24}, rsaDER...))},
			map[string]any{"id": a.id(f) + "#ed25519-key", "type": "Multikey", "controller": a.id(f),
				"publicKeyMultibase": "z" + base58(append([]byte{0xed, 0x01}, a.edKey.Public().(ed25519.PublicKey)...))},
		}
	}
	return doc
}

func (f *fediverse) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		f.mu.Lock()
		a, ok := f.actors[r.URL.Path]
		obj, isObj := f.objects[r.URL.Path]
		ni := f.nodeinfo
		f.mu.Unlock()
		switch {
		case r.URL.Path == "/.well-known/nodeinfo" && ni != nil:
			fmt.Fprintf(w, `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.0","href":%q}]}`, f.url("/nodeinfo/2.0"))
			return
		case r.URL.Path == "/nodeinfo/2.0" && ni != nil:
			w.Header().Set("Content-Type", "application/json")
			w.Write(ni)
			return
		}
		if isObj {
			w.Header().Set("Content-Type", "application/activity+json")
			w.Write(obj)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		json.NewEncoder(w).Encode(f.actorDoc(a))
	case http.MethodPost:
		raw, _ := io.ReadAll(r.Body)
		d := delivery{Path: r.URL.Path, Raw: raw}
		json.Unmarshal(raw, &d.Body)
		d.Scheme = "draft-cavage"
		if r.Header.Get("Signature-Input") != "" {
			d.Scheme = "rfc9421"
			d.KeyID, d.Verified = verify9421(r, raw)
		} else {
			d.KeyID, d.Verified = f.verify(r, raw)
		}
		f.mu.Lock()
		f.received = append(f.received, d)
		status := http.StatusAccepted
		if f.status != nil {
			status = f.status(r.URL.Path)
		}
		if f.rfc9421Only && (d.Scheme != "rfc9421" || d.Verified != nil) {
			status = http.StatusUnauthorized
		}
		f.mu.Unlock()
		w.WriteHeader(status)
	}
}

// nodeInfoDoc reads a real server's NodeInfo document from testdata/nodeinfo.
func nodeInfoDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "nodeinfo", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verify checks a delivery as Mastodon would: a draft-cavage signature
// covering (request-target), host, date and digest, the Digest matching the
// body, and the key fetched from its keyId.
func (f *fediverse) verify(r *http.Request, body []byte) (string, error) {
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return "", err
	}
	sig := r.Header.Get("Signature")
	for _, h := range []string{"(request-target)", "host", "date", "digest"} {
		if !strings.Contains(sig, h) {
			return v.KeyId(), fmt.Errorf("signature does not cover %s: %s", h, sig)
		}
	}
	if !strings.Contains(sig, `algorithm="rsa-sha256"`) {
		return v.KeyId(), fmt.Errorf("algorithm is not rsa-sha256: %s", sig)
	}
	sum := sha256.Sum256(body)
	if r.Header.Get("Digest") != "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]) {
		return v.KeyId(), fmt.Errorf("digest mismatch")
	}
	key, err := fetchPublicKey(v.KeyId())
	if err != nil {
		return v.KeyId(), err
	}
	return v.KeyId(), v.Verify(key, httpsig.RSA_SHA256)
}

// fetchPublicKey fetches a keyId's actor and returns its key, as a remote
// server does.
func fetchPublicKey(keyID string) (*rsa.PublicKey, error) {
	req, _ := http.NewRequest(http.MethodGet, strings.SplitN(keyID, "#", 2)[0], nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var doc struct {
		PublicKey struct {
			ID, Owner, PublicKeyPem string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, err
	}
	if doc.PublicKey.ID != keyID {
		return nil, fmt.Errorf("key id %q, want %q", doc.PublicKey.ID, keyID)
	}
	block, _ := pem.Decode([]byte(doc.PublicKey.PublicKeyPem))
	if block == nil {
		return nil, fmt.Errorf("no PEM")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	return k.(*rsa.PublicKey), nil
}

// deliveries returns what arrived, optionally only of one activity type.
func (f *fediverse) deliveries(typ string) []delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []delivery
	for _, d := range f.received {
		if typ == "" || d.Body["type"] == typ {
			out = append(out, d)
		}
	}
	return out
}

// waitFor polls until cond holds, failing after 30 s (it returns as soon
// as cond holds; the margin is for loaded machines, where 10 s once failed).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// signedPost is a request from actor a to url, signed the way Mastodon
// signs: (request-target) host date digest content-type, rsa-sha256.
type signedPost struct {
	a       *remoteActor
	url     string
	body    []byte
	date    time.Time
	headers string              // the headers= list; default Mastodon's
	keyID   string              // default the actor's key
	tamper  func(*http.Request) // changes the request after signing
}

func (f *fediverse) post(p signedPost) *http.Response {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(f.request(p))
	if err != nil {
		f.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// activityRequest is an unsigned POST of an ActivityStreams document.
func activityRequest(t testing.TB, url string, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/activity+json")
	return r
}

// postUnsigned sends an activityRequest and returns the answer's status.
func postUnsigned(t testing.TB, url string, body []byte) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(activityRequest(t, url, body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// request builds the signed request of a post without sending it.
func (f *fediverse) request(p signedPost) *http.Request {
	f.t.Helper()
	req := activityRequest(f.t, p.url, p.body)
	if p.date.IsZero() {
		p.date = time.Now()
	}
	if p.headers == "" {
		p.headers = "(request-target) host date digest content-type"
	}
	if p.keyID == "" {
		p.keyID = p.a.keyID(f)
	}
	sum := sha256.Sum256(p.body)
	req.Header.Set("Date", p.date.UTC().Format(http.TimeFormat))
	req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	req.Header.Set("Content-Type", "application/activity+json")
	var lines []string
	for _, h := range strings.Fields(p.headers) {
		switch h {
		case "(request-target)":
			lines = append(lines, "(request-target): post "+req.URL.RequestURI())
		case "host":
			lines = append(lines, "host: "+req.URL.Host)
		default:
			lines = append(lines, h+": "+req.Header.Get(h))
		}
	}
	hashed := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.a.key, crypto.SHA256, hashed[:])
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		p.keyID, p.headers, base64.StdEncoding.EncodeToString(sig)))
	if p.tamper != nil {
		p.tamper(req)
	}
	return req
}

// activity builds an activity JSON from actor a.
func (f *fediverse) activity(a *remoteActor, typ string, object any) []byte {
	b, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       a.id(f) + "/activities/" + randomHex(),
		"type":     typ,
		"actor":    a.id(f),
		"object":   object,
	})
	return b
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// actorAt adds an actor served at an arbitrary path.
func (f *fediverse) actorAt(path string) *remoteActor {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.actors[path]; ok {
		return a
	}
	a := &remoteActor{path: path, key: testKey(f.t), shared: true, typ: "Person"}
	f.actors[path] = a
	return a
}

// serveObject makes the server serve a document at its id, as its origin.
func (f *fediverse) serveObject(obj map[string]any) {
	f.t.Helper()
	id, _ := obj["id"].(string)
	if !strings.HasPrefix(id, f.srv.URL+"/") {
		f.t.Fatalf("object %q is not on this server", id)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		f.t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[strings.TrimPrefix(id, f.srv.URL)] = b
}

// rotate gives an actor a new key.
func (f *fediverse) rotate(a *remoteActor) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a.key = testKey(f.t)
}
