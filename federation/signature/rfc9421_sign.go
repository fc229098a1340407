package signature

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/dunglas/httpsfv"
)

var _ Signer = (*RFC9421Signer)(nil)

// RFC9421Signer signs outgoing requests as one key with RFC 9421 HTTP
// message signatures: rsa-v1_5-sha256 for an RSA key (what Mastodon and
// Fedify send), ed25519 for an Ed25519 key. It covers @method,
// @target-uri, @authority and Date, and for a body Content-Type and
// Content-Digest (sha-256), with created and keyid: what Mastodon 4.5
// requires.
type RFC9421Signer struct {
	KeyID string
	Key   crypto.Signer // *rsa.PrivateKey or ed25519.PrivateKey
}

// signatureLabel is the label of the hub's signature.
const signatureLabel = "sig1"

// Sign adds Date, Content-Digest (for a body), Signature-Input and
// Signature headers to r. body must be what r sends.
func (s *RFC9421Signer) Sign(r *http.Request, body []byte, now time.Time) error {
	var alg string
	switch s.Key.(type) {
	case *rsa.PrivateKey:
		alg = AlgRSAv15SHA256
	case ed25519.PrivateKey:
		alg = AlgEd25519
	default:
		return fmt.Errorf("cannot sign with a %T key", s.Key)
	}
	r.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	components := []string{"@method", "@target-uri", "@authority", "date"}
	if body != nil {
		if r.Header.Get("Content-Type") == "" {
			r.Header.Set("Content-Type", contentTypeAS)
		}
		r.Header.Set("Content-Digest", ContentDigest(body))
		components = append(components, "content-type", "content-digest")
	}
	il := httpsfv.InnerList{Params: httpsfv.NewParams()}
	for _, c := range components {
		il.Items = append(il.Items, httpsfv.NewItem(c))
	}
	il.Params.Add("created", now.Unix())
	il.Params.Add("keyid", s.KeyID)
	il.Params.Add("alg", alg)
	in := &rfc9421Input{label: signatureLabel, components: il}
	base, err := signatureBase(r, in)
	if err != nil {
		return err
	}
	var sig []byte
	switch k := s.Key.(type) {
	case *rsa.PrivateKey:
		sum := sha256.Sum256([]byte(base))
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(base))
	}
	if err != nil {
		return err
	}
	params, err := serializeInnerList(signatureLabel, il)
	if err != nil {
		return err
	}
	r.Header.Set("Signature-Input", signatureLabel+"="+params)
	r.Header.Set("Signature", signatureLabel+"=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

// ContentDigest is the RFC 9530 Content-Digest field value (sha-256) of
// a body.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}
