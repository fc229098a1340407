package signature

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// contentTypeAS is what a signed body is, unless the request says.
const contentTypeAS = "application/activity+json"

var (
	_ Signer   = (*CavageSigner)(nil)
	_ Verifier = CavageVerifier{}
)

// CavageVerifier verifies draft-cavage HTTP signatures (rsa-sha256 and
// hs2019 with an RSA key), as Mastodon sends them.
type CavageVerifier struct{}

// CavageSigner signs outgoing requests as one key: draft-cavage HTTP
// signatures with rsa-sha256, as Mastodon sends them.
type CavageSigner struct {
	KeyID string
	Key   *rsa.PrivateKey
}

var (
	postHeaders = []string{httpsig.RequestTarget, "host", "date", "digest", "content-type"}
	getHeaders  = []string{httpsig.RequestTarget, "host", "date"}
)

// Sign adds Date, Host, Digest (for a body) and Signature headers to r.
// body must be what r sends.
func (s *CavageSigner) Sign(r *http.Request, body []byte, now time.Time) error {
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

// Params are what a request's signature says of itself: the key that
// made it and what it covers. They are read before the signature is
// verified, so they are claims until Verify has passed.
type Params struct {
	Scheme    Scheme // Cavage or RFC9421
	KeyID     string
	Algorithm string
	// Headers are what the signature covers, in signing order: lower-case
	// header names and draft-cavage pseudo-headers such as
	// (request-target), or RFC 9421 component names (@method,
	// content-digest), followed by their parameters when they have any
	// (@query-param;name="Pet").
	Headers   []string
	Created   int64
	Expires   int64
	Signature string

	rfc9421 *rfc9421Input // the parsed Signature-Input member (RFC 9421)
}

// ErrNoSignature: the request carries no signature at all.
var ErrNoSignature = errors.New("the request is not signed")

// ErrRFC9421 is returned by CavageVerifier for an RFC 9421 signature,
// which it does not verify (NewVerifier's does): answering 401 makes
// Fedify and Mastodon retry with draft-cavage.
var ErrRFC9421 = errors.New("RFC 9421 HTTP message signatures are not supported; sign with draft-cavage-http-signatures")

// Parse reads the draft-cavage Signature (or Authorization: Signature)
// header.
func (CavageVerifier) Parse(h http.Header) (*Params, error) { return parseSignature(h) }

func parseSignature(h http.Header) (*Params, error) {
	raw := h.Get("Signature")
	if raw == "" {
		if a, ok := strings.CutPrefix(h.Get("Authorization"), "Signature "); ok {
			raw = a
		}
	}
	if h.Get("Signature-Input") != "" && !strings.Contains(raw, "keyId=") {
		return nil, ErrRFC9421
	}
	if raw == "" {
		return nil, ErrNoSignature
	}
	p := &Params{Scheme: Cavage}
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

// CoversAuthority reports whether the signature covers the host the
// request was sent to: the Host header (draft-cavage), or @authority or
// @target-uri (RFC 9421), whose values are taken from the request's Host.
func (p *Params) CoversAuthority() bool {
	if p.Scheme == RFC9421 {
		return p.Covers("@authority") || p.Covers("@target-uri") || p.Covers("host")
	}
	return p.Covers("host")
}

// Covers reports whether the signature covers the header h (lower case),
// the draft-cavage pseudo-header such as (request-target) or the RFC 9421
// component such as @method.
func (p *Params) Covers(h string) bool {
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

// Check applies the rules for which parts a signature must cover (as
// Mastodon does), checks the Date window and, for a body, the Digest. It
// does not check the signature itself.
func (CavageVerifier) Check(r *http.Request, p *Params, body []byte, now time.Time) error {
	if !p.Covers("(request-target)") {
		return errors.New("the signature must cover (request-target)")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !p.Covers("digest") {
			return errors.New("the signature must cover the Digest header")
		}
		if err := checkDigest(r.Header.Get("Digest"), body); err != nil {
			return err
		}
	} else if !p.Covers("host") {
		return errors.New("the signature must cover the Host header")
	}
	switch {
	case p.Covers("date"):
		d, err := http.ParseTime(r.Header.Get("Date"))
		if err != nil {
			return errors.New("the Date header is missing or malformed")
		}
		if skew := now.Sub(d); skew > maxClockSkew || skew < -maxClockSkew {
			return fmt.Errorf("the Date header %s is too far from the hub's clock (%s)", d.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
	case p.Covers("(created)"):
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

// Verify checks r's signature, as p reads it, with key (an RSA key).
func (CavageVerifier) Verify(r *http.Request, _ *Params, key crypto.PublicKey) error {
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("a draft-cavage signature needs an RSA key, not %T", key)
	}
	// httpsig reads Host from the header map; a server request has it in r.Host.
	if r.Header.Get("Host") == "" {
		r.Header.Set("Host", r.Host)
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	return v.Verify(rk, httpsig.RSA_SHA256)
}

// digestHeader is the Digest header value for a body (the tests' side).
func digestHeader(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}
