package federation

import (
	"os"
	"testing"
)

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

// Real actor documents give their inbox, shared inbox and key.
func TestParseActorFixtures(t *testing.T) {
	cases := []struct {
		file, inbox, shared, keyID string
	}{
		{"mastodon-actor-person-shared-inbox.json", "https://ap.example.com/users/foo/inbox", "https://ap.example.com/inbox", "https://ap.example.com/users/foo#main-key"},
		{"gotosocial-person-shared-inbox.json", "http://localhost:8080/users/the_mighty_zork/inbox", "http://localhost:8080/sharedInbox", "http://localhost:8080/users/the_mighty_zork/main-key"},
		{"pleroma-person-capabilities.json", "https://queer.hacktivis.me/users/lanodan/inbox", "https://queer.hacktivis.me/inbox", "https://queer.hacktivis.me/users/lanodan#main-key"},
		{"lemmy-group-community.json", "https://enterprise.lemmy.ml/c/tenforward/inbox", "https://enterprise.lemmy.ml/inbox", "https://enterprise.lemmy.ml/c/tenforward#main-key"},
		{"mobilizon-group-actor.json", "https://mobilizon.fr/@contribateliers/inbox", "https://mobilizon.fr/inbox", "https://mobilizon.fr/@contribateliers#main-key"},
		{"gancio-actor-application.json", "https://demo.gancio.org/federation/u/gancio/inbox", "", "https://demo.gancio.org/federation/u/gancio#main-key"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/activitypub/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			d, err := parseDoc(raw)
			if err != nil {
				t.Fatal(err)
			}
			a, err := parseActor(d)
			if err != nil {
				t.Fatal(err)
			}
			if a.Inbox != c.inbox || a.SharedInbox != c.shared || a.KeyID != c.keyID {
				t.Errorf("inbox %s shared %s key %s", a.Inbox, a.SharedInbox, a.KeyID)
			}
			if _, err := parsePublicKey(a.PublicKeyPEM); err != nil {
				t.Errorf("key: %v", err)
			}
		})
	}
}

func TestHashtagName(t *testing.T) {
	for in, want := range map[string]string{"digital skills": "DigitalSkills", "food-bank": "FoodBank", "café": "Café", "!!": "tag", "x_y": "X_y"} {
		if got := hashtagName(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
