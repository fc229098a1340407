package federation_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// theirServer is a reader's server: it answers WebFinger with the links
// given, and records what it was asked.
func theirServer(t *testing.T, links string) (*httptest.Server, *[]string) {
	return theirServerRunning(t, links, "")
}

// theirServerRunning also serves, when nodeinfo is not "", that NodeInfo
// document from testdata/nodeinfo, as the software it runs.
func theirServerRunning(t *testing.T, links, nodeinfo string) (*httptest.Server, *[]string) {
	var asked []string
	var doc []byte
	if nodeinfo != "" {
		doc = nodeInfoDoc(t, nodeinfo)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.RequestURI())
		switch {
		case r.URL.Path == "/.well-known/nodeinfo" && doc != nil:
			w.Write([]byte(`{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"` + srv.URL + `/nodeinfo/2.1"}]}`))
		case r.URL.Path == "/nodeinfo/2.1" && doc != nil:
			w.Write(doc)
		case r.URL.Path != "/.well-known/webfinger" || links == "":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "application/jrd+json")
			w.Write([]byte(`{"subject":` + toJSON(r.URL.Query().Get("resource")) + `,"links":[` + links + `]}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &asked
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// The follow box sends a reader to their server's follow page: the
// FEP-3b86 Follow intent it advertises, else Mastodon's subscribe
// template, else the follow page its software's own WebFinger names
// (NodeInfo: Misskey and its forks /authorize-follow?acct=, Pleroma and
// Akkoma /ostatus_subscribe?acct=), else Mastodon's /authorize_interaction;
// with the hub's handle.
func TestFollowIntent(t *testing.T) {
	h := newHub(t)
	handle := url.QueryEscape("hub@" + strings.TrimPrefix(h.base, "http://"))
	for _, tt := range []struct {
		name, links, nodeinfo string
		want                  func(base string) string
	}{
		{"FEP-3b86 first", `{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://their.server/authorize_interaction?uri={uri}"},` +
			`{"rel":"https://w3id.org/fep/3b86/Follow","template":"https://their.server/intent/follow?object={uri}"}`, "",
			func(string) string { return "https://their.server/intent/follow?object=" + handle }},
		{"Mastodon's subscribe template", `{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://their.server/authorize_interaction?uri={uri}"}`, "mastodon-4.5.json",
			func(string) string { return "https://their.server/authorize_interaction?uri=" + handle }},
		{"no template", `{"rel":"self","type":"application/activity+json","href":"https://their.server/users/me"}`, "",
			func(base string) string { return base + "/authorize_interaction?uri=" + handle }},
		{"no WebFinger", "", "", func(base string) string { return base + "/authorize_interaction?uri=" + handle }},
		{"Misskey, no instance actor", "", "misskey-2.1.json", func(base string) string { return base + "/authorize-follow?acct=" + handle }},
		{"Sharkey, no instance actor", "", "sharkey-2.0.json", func(base string) string { return base + "/authorize-follow?acct=" + handle }},
		{"Akkoma, no instance actor", "", "akkoma-2.0.json", func(base string) string { return base + "/ostatus_subscribe?acct=" + handle }},
		{"Friendica, no instance actor", "", "friendica-2023.05.json", func(base string) string { return base + "/follow?url=" + handle }},
		{"Mastodon, WebFinger down", "", "mastodon-4.1.json", func(base string) string { return base + "/authorize_interaction?uri=" + handle }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, asked := theirServerRunning(t, tt.links, tt.nodeinfo)
			got, err := h.fed.FollowIntent(h.host(), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(srv.URL); got != want {
				t.Errorf("sent to %s, want %s", got, want)
			}
			host := strings.TrimPrefix(srv.URL, "http://")
			hostOnly, _, _ := strings.Cut(host, ":")
			if len(*asked) == 0 || !strings.Contains((*asked)[0], url.QueryEscape("acct:"+hostOnly+"@"+hostOnly)) {
				t.Errorf("asked %v, want the instance actor's WebFinger first", *asked)
			}
		})
	}
	// GoToSocial has no follow page: the reader is told to search for the
	// hub in their app, with its handle.
	srv, _ := theirServerRunning(t, "", "gotosocial-0.19.json")
	got, err := h.fed.FollowIntent(h.host(), srv.URL)
	if hub.ErrorCode(err) != hub.ENOTFOUND || !strings.Contains(err.Error(), "search for @hub@"+strings.TrimPrefix(h.base, "http://")) {
		t.Errorf("GoToSocial: sent to %q (%v), want ENOTFOUND telling the reader to search for the handle", got, err)
	}
	for _, bad := range []string{"", "   ", "not a server", "@me", "https://"} {
		if _, err := h.fed.FollowIntent(h.host(), bad); hub.ErrorCode(err) != hub.EINVALID {
			t.Errorf("typed %q: %v, want EINVALID", bad, err)
		}
	}
}

// A hub that may not reach private addresses does not look up a server on
// one: it sends the reader to the Mastodon address without asking.
func TestFollowIntentRefusesPrivateAddresses(t *testing.T) {
	h := newHubWith(t, false)
	srv, asked := theirServer(t, `{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://evil.example/x?uri={uri}"}`)
	got, err := h.fed.FollowIntent(h.host(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(*asked) != 0 {
		t.Errorf("the hub reached a loopback server: %v", *asked)
	}
	if !strings.HasPrefix(got, "https://127.0.0.1:") || !strings.Contains(got, "/authorize_interaction?uri=") {
		t.Errorf("sent to %s", got)
	}
}

// The actor is found from the home page and carries its profile: url the
// home page, fields (website, area) and the featured collection of the
// next upcoming events, soonest first.
func TestActorProfileAndFeatured(t *testing.T) {
	h := newHub(t)
	soon := h.clock.now().In(london).Add(72 * time.Hour).Truncate(time.Hour)
	later := h.event("Repair café", soon.Add(48*time.Hour), "")
	first := h.event("Seed swap", soon, "")
	weekly := h.event("Coffee morning", soon.Add(24*time.Hour), "FREQ=WEEKLY")
	_, actor := h.get("/actor", "application/activity+json")
	if actor["url"] != h.base+"/" {
		t.Errorf("url %v", actor["url"])
	}
	fields, _ := actor["attachment"].([]any)
	var got []string
	for _, f := range fields {
		m, _ := f.(map[string]any)
		got = append(got, m["type"].(string)+" "+m["name"].(string)+": "+m["value"].(string))
	}
	want := []string{`PropertyValue Website: <a href="` + h.base + `/" rel="me">` + strings.TrimPrefix(h.base, "http://") + `</a>`, "PropertyValue Area: Manchester"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fields:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if actor["featured"] != h.base+"/actor/featured" {
		t.Fatalf("featured %v", actor["featured"])
	}
	_, coll := h.get("/actor/featured", "application/activity+json")
	items, _ := coll["orderedItems"].([]any)
	wantItems := []any{h.base + "/events/" + first.Slug, h.base + "/events/" + weekly.Slug + "?date=" + soon.Add(24*time.Hour).Format("2006-01-02"), h.base + "/events/" + later.Slug}
	if toJSON(items) != toJSON(wantItems) || coll["type"] != "OrderedCollection" {
		t.Errorf("featured %v, want %v", items, wantItems)
	}
}
