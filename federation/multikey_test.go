package federation

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
	"strings"
	"testing"
)

// TestMultikeyPEM: FEP-521a publicKeyMultibase values become the SPKI PEM
// the hub keeps, and what is not an Ed25519 or RSA key is refused.
func TestMultikeyPEM(t *testing.T) {
	// FEP-521a's example key (an Ed25519 did:key).
	pemText, err := multikeyPEM("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	if err != nil {
		t.Fatal(err)
	}
	if k, err := parsePublicKey(pemText); err != nil {
		t.Fatal(err)
	} else if _, ok := k.(ed25519.PublicKey); !ok {
		t.Fatalf("got a %T", k)
	}

	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	pemText, err = multikeyPEM("z" + encodeBase58(append([]byte{0xed, 0x01}, pub...)))
	if k, _ := parsePublicKey(pemText); err != nil || !pub.Equal(k) {
		t.Errorf("ed25519 round trip: %v", err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pemText, err = multikeyPEM("z" + encodeBase58(append([]byte{0x85, 0x24}, x509.MarshalPKCS1PublicKey(&rk.PublicKey)...)))
	if k, _ := parsePublicKey(pemText); err != nil || !rk.PublicKey.Equal(k) {
		t.Errorf("RSA round trip: %v", err)
	}

	for _, bad := range []string{
		"",
		"u" + encodeBase58(append([]byte{0xed, 0x01}, pub...)), // base64url, not base58btc
		"z" + encodeBase58(append([]byte{0xe7, 0x01}, pub...)), // secp256k1's prefix
		"z" + encodeBase58(append([]byte{0xed, 0x01}, pub[:31]...)),
		"z" + encodeBase58([]byte{0x85, 0x24, 1, 2, 3}),
		"z0OIl", // not base58 digits
		"z" + strings.Repeat("2", maxMultibase+1),
	} {
		if _, err := multikeyPEM(bad); err == nil {
			t.Errorf("%.40q accepted", bad)
		}
	}
	if b, err := decodeBase58("11" + encodeBase58([]byte{7})); err != nil || string(b) != "\x00\x00\x07" {
		t.Errorf("leading zeros: %x %v", b, err)
	}
}

// encodeBase58 is decodeBase58's inverse.
func encodeBase58(b []byte) string {
	n, radix, mod := new(big.Int).SetBytes(b), big.NewInt(58), new(big.Int)
	var out []byte
	for n.Sign() > 0 {
		n.DivMod(n, radix, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}
