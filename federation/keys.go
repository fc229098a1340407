package federation

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/commonplace-hub/commonplace/federation/signature"
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

// parsePublicKey reads an actor's public key: RSA in SPKI ("PUBLIC KEY")
// or PKCS#1 ("RSA PUBLIC KEY") PEM, or Ed25519 in SPKI PEM (the form
// multikeyPEM gives a FEP-521a Multikey).
func parsePublicKey(s string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block in publicKeyPem")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		switch k := k.(type) {
		case *rsa.PublicKey, ed25519.PublicKey:
			return k, nil
		}
		return nil, fmt.Errorf("a %T key is not one the hub verifies (RSA or Ed25519)", k)
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}

// Signer signs the hub actor's outgoing requests: draft-cavage HTTP
// signatures with rsa-sha256 (signature.CavageSigner).
type Signer = signature.CavageSigner
