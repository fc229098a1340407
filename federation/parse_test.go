package federation

import (
	"os"
	"testing"
)

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
