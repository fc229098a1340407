package federation

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/commonplace-hub/commonplace/hub"
)

// keyBits is the size of the hub actor's RSA key, as Mastodon uses.
const keyBits = 2048

// loadOrCreateKey returns the hub actor's private key, making and storing
// one on first use.
func loadOrCreateKey(ctx context.Context, st hub.FederationStore) (*rsa.PrivateKey, error) {
	privPEM, err := st.ActorKey(ctx)
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		key, err := rsa.GenerateKey(rand.Reader, keyBits)
		if err != nil {
			return nil, fmt.Errorf("make actor key: %w", err)
		}
		pub, err := publicKeyPEM(&key.PublicKey)
		if err != nil {
			return nil, err
		}
		priv := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(key)})
		if privPEM, err = st.SaveActorKey(ctx, string(priv), pub); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return parsePrivateKey(privPEM)
}

func mustPKCS8(key *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err) // only fails for unsupported key types
	}
	return b
}

func parsePrivateKey(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("actor key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if k1, err1 := x509.ParsePKCS1PrivateKey(block.Bytes); err1 == nil {
			return k1, nil
		}
		return nil, fmt.Errorf("actor key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("actor key: not RSA")
	}
	return rk, nil
}

// publicKeyPEM encodes a public key as SubjectPublicKeyInfo PEM, the form
// Mastodon publishes and reads.
func publicKeyPEM(pub *rsa.PublicKey) (string, error) {
	b, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b})), nil
}

// parsePublicKey reads an RSA public key in SPKI ("PUBLIC KEY") or PKCS#1
// ("RSA PUBLIC KEY") PEM.
func parsePublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block in publicKeyPem")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("the key is not an RSA key")
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}

// Signer signs outgoing requests as the hub actor: draft-cavage HTTP
// signatures with rsa-sha256, as Mastodon sends them.
type Signer struct {
	KeyID string
	Key   *rsa.PrivateKey
}

var (
	postHeaders = []string{httpsig.RequestTarget, "host", "date", "digest", "content-type"}
	getHeaders  = []string{httpsig.RequestTarget, "host", "date"}
)

// Sign adds Date, Host, Digest (for a body) and Signature headers to r.
// body must be what r sends.
func (s *Signer) Sign(r *http.Request, body []byte, now time.Time) error {
	r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	r.Header.Set("Host", r.URL.Host) // httpsig reads it from the headers
	headers := getHeaders
	if body != nil {
		headers = postHeaders
		if r.Header.Get("Content-Type") == "" {
			r.Header.Set("Content-Type", contentTypeAS)
		}
	}
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return err
	}
	if err := signer.SignRequest(s.Key, s.KeyID, r, body); err != nil {
		return err
	}
	// httpsig writes the generic algorithm name; Mastodon, Fedify and
	// others all accept the specific one, which older servers require.
	r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), `algorithm="hs2019"`, `algorithm="rsa-sha256"`, 1))
	return nil
}

// sigParams are the parameters of a draft-cavage Signature header.
type sigParams struct {
	KeyID     string
	Algorithm string
	Headers   []string // lower case, in signing order
	Created   int64
	Expires   int64
	Signature string
}

// errNoSignature: the request carries no signature at all.
var errNoSignature = errors.New("the request is not signed")

// errRFC9421 is returned for an RFC 9421 signature, which the hub does not
// verify: answering 401 makes Fedify and Mastodon retry with draft-cavage.
var errRFC9421 = errors.New("RFC 9421 HTTP message signatures are not supported; sign with draft-cavage-http-signatures")

// parseSignature reads the draft-cavage Signature (or Authorization:
// Signature) header of r.
func parseSignature(h http.Header) (*sigParams, error) {
	raw := h.Get("Signature")
	if raw == "" {
		if a, ok := strings.CutPrefix(h.Get("Authorization"), "Signature "); ok {
			raw = a
		}
	}
	if h.Get("Signature-Input") != "" && !strings.Contains(raw, "keyId=") {
		return nil, errRFC9421
	}
	if raw == "" {
		return nil, errNoSignature
	}
	p := &sigParams{}
	for raw != "" {
		raw = strings.TrimLeft(raw, " ,")
		eq := strings.IndexByte(raw, '=')
		if eq <= 0 {
			return nil, errors.New("malformed Signature header")
		}
		key := strings.TrimSpace(raw[:eq])
		raw = raw[eq+1:]
		var val string
		if strings.HasPrefix(raw, `"`) {
			end := strings.IndexByte(raw[1:], '"')
			if end < 0 {
				return nil, errors.New("malformed Signature header: unterminated quote")
			}
			val, raw = raw[1:1+end], raw[2+end:]
		} else {
			end := strings.IndexByte(raw, ',')
			if end < 0 {
				end = len(raw)
			}
			val, raw = strings.TrimSpace(raw[:end]), raw[end:]
		}
		switch key {
		case "keyId":
			p.KeyID = val
		case "algorithm":
			p.Algorithm = strings.ToLower(val)
		case "headers":
			p.Headers = strings.Fields(strings.ToLower(val))
		case "created":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, errors.New("malformed Signature header: bad created")
			}
			p.Created = n
		case "expires":
			n, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return nil, errors.New("malformed Signature header: bad expires")
			}
			p.Expires = int64(n)
		case "signature":
			p.Signature = val
		}
	}
	if p.KeyID == "" || p.Signature == "" {
		return nil, errors.New("malformed Signature header: keyId and signature are required")
	}
	if len(p.Headers) == 0 {
		p.Headers = []string{"date"} // the draft's default
	}
	switch p.Algorithm {
	case "", "hs2019", "rsa-sha256":
	default:
		return nil, fmt.Errorf("signature algorithm %q is not supported; use rsa-sha256", p.Algorithm)
	}
	return p, nil
}

func (p *sigParams) signs(h string) bool {
	for _, x := range p.Headers {
		if x == h {
			return true
		}
	}
	return false
}

// maxClockSkew bounds how far a signed Date may be from the hub's clock,
// about Mastodon's window.
const maxClockSkew = time.Hour

// checkSignedRequest applies the rules for which parts a signature must
// cover (as Mastodon does), checks the Date window and, for a body, the
// Digest. It does not check the signature itself.
func checkSignedRequest(r *http.Request, p *sigParams, body []byte, now time.Time) error {
	if !p.signs("(request-target)") {
		return errors.New("the signature must cover (request-target)")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !p.signs("digest") {
			return errors.New("the signature must cover the Digest header")
		}
		if err := checkDigest(r.Header.Get("Digest"), body); err != nil {
			return err
		}
	} else if !p.signs("host") {
		return errors.New("the signature must cover the Host header")
	}
	switch {
	case p.signs("date"):
		d, err := http.ParseTime(r.Header.Get("Date"))
		if err != nil {
			return errors.New("the Date header is missing or malformed")
		}
		if skew := now.Sub(d); skew > maxClockSkew || skew < -maxClockSkew {
			return fmt.Errorf("the Date header %s is too far from the hub's clock (%s)", d.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	case p.signs("(created)"):
		c := time.Unix(p.Created, 0)
		if skew := now.Sub(c); skew > maxClockSkew || skew < -maxClockSkew {
			return errors.New("the signature's created time is too far from the hub's clock")
		}
	default:
		return errors.New("the signature must cover Date or (created)")
	}
	if p.Expires != 0 && now.Unix() > p.Expires {
		return errors.New("the signature has expired")
	}
	return nil
}

// checkDigest compares a Digest header (SHA-256 entry) with the body.
func checkDigest(header string, body []byte) error {
	if header == "" {
		return errors.New("the Digest header is missing")
	}
	sum := sha256.Sum256(body)
	want := base64.StdEncoding.EncodeToString(sum[:])
	for _, part := range strings.Split(header, ",") {
		algo, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(algo, "SHA-256") {
			if val != want {
				return errors.New("the Digest header does not match the body")
			}
			return nil
		}
	}
	return errors.New("the Digest header has no SHA-256 value")
}

// verifySignature checks r's signature with key.
func verifySignature(r *http.Request, key *rsa.PublicKey) error {
	// httpsig reads Host from the header map; a server request has it in r.Host.
	if r.Header.Get("Host") == "" {
		r.Header.Set("Host", r.Host)
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	return v.Verify(key, httpsig.RSA_SHA256)
}

// digestHeader is the Digest header value for a body.
func digestHeader(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}
