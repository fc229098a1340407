// Package signature signs and verifies HTTP requests as fediverse servers
// do: draft-cavage-http-signatures with RSA keys (CavageSigner,
// CavageVerifier), and RFC 9421 HTTP message signatures with RSA
// (rsa-v1_5-sha256, rsa-pss-sha512) and Ed25519 keys (RFC9421Signer,
// RFC9421Verifier), as Mastodon 4.5 and Fedify send them. NewVerifier
// takes either, picking the scheme by the request's headers; federation
// sees only the Signer and Verifier interfaces.
//
// Which actor a key speaks for, and which host a signature must name, are
// not this package's business: federation's trust rules decide them
// (federation/trust.go), with the Params a Verifier reads.
package signature

import (
	"crypto"
	"net/http"
	"time"
)

// Signer signs an outgoing request as one key.
type Signer interface {
	// Sign adds the headers that sign r (Date, Host, a Digest of body when
	// there is one, and the signature itself) as of now. body must be
	// what r sends; nil for a GET.
	Sign(r *http.Request, body []byte, now time.Time) error
}

// Verifier checks the signature of an incoming request, in three steps
// so that the caller can refuse a request on the claims alone (a blocked
// key id, a host not signed) before it fetches any key.
type Verifier interface {
	// Parse reads what the request's signature claims. ErrNoSignature if
	// it has none; ErrRFC9421 for an RFC 9421 signature given to a
	// Verifier that speaks only draft-cavage.
	Parse(h http.Header) (*Params, error)
	// Check checks, without any key, that the signature covers what it
	// must, that its time is within the clock window of now, and that
	// body matches the signed digest.
	Check(r *http.Request, p *Params, body []byte, now time.Time) error
	// Verify checks the signature itself with the signer's public key
	// (*rsa.PublicKey or ed25519.PublicKey; a key of a type the signature's
	// algorithm does not use is refused).
	Verify(r *http.Request, p *Params, key crypto.PublicKey) error
}

// Scheme names a signature scheme, as remembered per server.
type Scheme string

const (
	// Cavage is draft-cavage-http-signatures (the Signature header alone).
	Cavage Scheme = "draft-cavage"
	// RFC9421 is RFC 9421 HTTP message signatures (Signature-Input and
	// Signature).
	RFC9421 Scheme = "rfc9421"
)
