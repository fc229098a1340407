package federation

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
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

// A peer hub's hashtags are read by the slug of their href on the peer's
// own server, whether it links them to /topics/ (hubs since the rename)
// or /tags/ (older hubs); any other href leaves the hashtag's name.
func TestPeerHashtagSlugs(t *testing.T) {
	raw := `{"id": "https://peer.example/guides/fixing", "type": "Article", "name": "Fixing",
	"content": "<p>How we fix things.</p>",
	"tag": [
		{"type": "Hashtag", "name": "#DigitalSkills", "href": "https://peer.example/topics/digital-skills"},
		{"type": "Hashtag", "name": "#FoodBank", "href": "https://peer.example/tags/food-bank"},
		{"type": "Hashtag", "name": "#OtherServer", "href": "https://elsewhere.example/topics/other-server"},
		{"type": "Hashtag", "name": "#Deeper", "href": "https://peer.example/topics/a/b"},
		{"type": "Hashtag", "name": "#NotASlug", "href": "https://peer.example/tags/Not_A_Slug"},
		{"type": "Hashtag", "name": "#Mastodon", "href": "https://peer.example/tags/mastodon-style"},
		{"type": "Hashtag", "name": "#NoHref"}
	]}`
	d, err := parseDoc([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	it, err := parseItem(d, hub.Origin{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := "digital skills|food bank|OtherServer|Deeper|NotASlug|mastodon style|NoHref"
	if got := strings.Join(it.Tags, "|"); got != want {
		t.Errorf("tags %q, want %q", got, want)
	}
	for _, c := range []struct{ href, want string }{
		{"https://peer.example/topics/repair", "repair"},
		{"https://peer.example/tags/repair", "repair"},
		{"https://peer.example/topics/repair/", "repair"},
		{"https://peer.example/topics/", ""},
		{"https://peer.example/topicsrepair", ""},
		{"https://peer.example/events/repair", ""},
		{"https://other.example/topics/repair", ""},
		{"not a url\x7f", ""},
	} {
		if got := hubTopicSlug(c.href, "https://peer.example/guides/fixing"); got != c.want {
			t.Errorf("hubTopicSlug(%q) = %q, want %q", c.href, got, c.want)
		}
	}
}
