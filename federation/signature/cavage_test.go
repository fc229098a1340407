package signature

import (
	"net/http"
	"testing"
)

// Moved from federation/parse_test.go and federation/fuzz_test.go with
// the code they test.

func TestParseSignature(t *testing.T) {
	cases := []struct {
		name, header string
		wantErr      bool
		keyID        string
		headers      int
	}{
		{"mastodon", `keyId="https://m.example/users/a#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="c2ln"`, false, "https://m.example/users/a#main-key", 5},
		{"hs2019 with spaces after commas", `keyId="k", algorithm="hs2019", headers="(request-target) host date", signature="c2ln"`, false, "k", 3},
		{"no headers means date", `keyId="k",signature="c2ln"`, false, "k", 1},
		{"created and expires", `keyId="k",created=1700000000,expires=1700000600.5,headers="(request-target) (created)",signature="c2ln"`, false, "k", 2},
		{"comma inside a quoted value", `keyId="https://x.example/a,b#k",signature="c2ln"`, false, "https://x.example/a,b#k", 1},
		{"no keyId", `algorithm="rsa-sha256",signature="c2ln"`, true, "", 0},
		{"no signature", `keyId="k"`, true, "", 0},
		{"unterminated quote", `keyId="k,signature="c2ln`, true, "", 0},
		{"bad created", `keyId="k",created=soon,signature="c2ln"`, true, "", 0},
		{"hmac is refused", `keyId="k",algorithm="hmac-sha256",signature="c2ln"`, true, "", 0},
		{"garbage", `!!!`, true, "", 0},
		{"empty", ``, true, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := map[string][]string{"Signature": {c.header}}
			p, err := parseSignature(h)
			if (err != nil) != c.wantErr {
				t.Fatalf("err %v, want error %v", err, c.wantErr)
			}
			if err == nil && (p.KeyID != c.keyID || len(p.Headers) != c.headers) {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestCheckDigest(t *testing.T) {
	body := []byte(`{"a":1}`)
	for _, c := range []struct {
		header string
		ok     bool
	}{
		{digestHeader(body), true},
		{"sha-256=" + digestHeader(body)[8:], true},
		{"SHA-512=abc," + digestHeader(body), true},
		{digestHeader([]byte("other")), false},
		{"SHA-512=abc", false},
		{"", false},
	} {
		if err := checkDigest(c.header, body); (err == nil) != c.ok {
			t.Errorf("%q: %v", c.header, err)
		}
	}
}

// FuzzParseSignature: any Signature header is parsed or refused with an
// error, never a panic, and what is accepted has what the inbox relies on.
func FuzzParseSignature(f *testing.F) {
	for _, s := range []string{
		`keyId="https://m.example/users/a#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="AAAA"`,
		`keyId="https://g.example/users/a/main-key",algorithm="hs2019",headers="(request-target) host date digest",signature="YWJj"`,
		`keyId="x",headers="(request-target) (created) digest",created=1700000000,signature="YQ=="`,
		`keyId="",signature=""`, `keyId="a",,,signature="b"`, `signature="\"",keyId="a\\"`, `sig1=("@method");keyid="k"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		h := http.Header{}
		h.Set("Signature", header)
		p, err := parseSignature(h)
		if err != nil {
			return
		}
		if p.KeyID == "" || len(p.Signature) == 0 {
			t.Fatalf("accepted %q without a key id or signature: %+v", header, p)
		}
	})
}
