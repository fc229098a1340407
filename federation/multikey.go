package federation

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// FEP-521a: an actor may publish its keys as Multikey objects in
// assertionMethod, with publicKeyMultibase: "z" and the base58btc encoding
// of a multicodec prefix and the key (0xed 0x01 and 32 bytes for Ed25519,
// 0x85 0x24 and a PKCS#1 DER key for RSA). Fedify publishes its keys so.
// multikeyPEM turns such a key into the SPKI PEM the hub keeps for every
// actor's key.

// multicodec prefixes (unsigned varints) of the key types the hub takes.
var (
	multicodecEd25519 = []byte{0xed, 0x01}
	multicodecRSA     = []byte{0x85, 0x24}
)

// multikeyPEM converts a publicKeyMultibase value to SPKI PEM.
func multikeyPEM(multibase string) (string, error) {
	enc, ok := strings.CutPrefix(multibase, "z")
	if !ok {
		return "", errors.New("publicKeyMultibase is not base58btc (no leading z)")
	}
	raw, err := decodeBase58(enc)
	if err != nil {
		return "", err
	}
	var der []byte
	switch {
	case len(raw) == 2+ed25519.PublicKeySize && string(raw[:2]) == string(multicodecEd25519):
		der, err = x509.MarshalPKIXPublicKey(ed25519.PublicKey(raw[2:]))
	case len(raw) > 2 && string(raw[:2]) == string(multicodecRSA):
		k, perr := x509.ParsePKCS1PublicKey(raw[2:])
		if perr != nil {
			return "", fmt.Errorf("publicKeyMultibase: %v", perr)
		}
		der, err = x509.MarshalPKIXPublicKey(k)
	default:
		return "", errors.New("publicKeyMultibase holds neither an Ed25519 nor an RSA key")
	}
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// maxMultibase bounds what is decoded: an RSA key of 8192 bits is about
// 1,500 characters.
const maxMultibase = 4096

// decodeBase58 decodes Bitcoin's base58 alphabet (base58btc).
func decodeBase58(s string) ([]byte, error) {
	if s == "" || len(s) > maxMultibase {
		return nil, errors.New("publicKeyMultibase is empty or too long")
	}
	n, radix := new(big.Int), big.NewInt(58)
	zeros := 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(base58Alphabet, s[i])
		if d < 0 {
			return nil, fmt.Errorf("publicKeyMultibase: %q is not a base58 digit", s[i])
		}
		if d == 0 && i == zeros {
			zeros++
		}
		n.Mul(n, radix).Add(n, big.NewInt(int64(d)))
	}
	return append(make([]byte, zeros), n.Bytes()...), nil
}
