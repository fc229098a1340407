// Package signature signs and verifies HTTP requests as fediverse servers
// do. Today that is draft-cavage-http-signatures with RSA keys
// (CavageSigner, CavageVerifier); federation sees only the Signer and
// Verifier interfaces, so another scheme (RFC 9421 message signatures)
// is a new implementation here, not a change to the inbox.
//
// Which actor a key speaks for, and which host a signature must name, are
// not this package's business: federation's trust rules decide them
// (federation/trust.go), with the Params a Verifier reads.
package signature

import (
	"crypto/rsa"
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
	// it has none; ErrRFC9421 for a scheme this Verifier does not speak.
	Parse(h http.Header) (*Params, error)
	// Check checks, without any key, that the signature covers what it
	// must, that its time is within the clock window of now, and that
	// body matches the signed digest.
	Check(r *http.Request, p *Params, body []byte, now time.Time) error
	// Verify checks the signature itself with the signer's public key.
	Verify(r *http.Request, p *Params, key *rsa.PublicKey) error
}
