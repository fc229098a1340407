package interop

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestFedifyReadsTheProfile: fedify reads the hub actor's url (the home
// page), its profile fields (PropertyValue: the website, the area of the
// upcoming events) and its featured collection (the next upcoming events,
// which Mastodon pins), fetching each featured event as it would any
// object. It runs against Fedify 1.6.2 and 2.x (fedifyPeers).
func TestFedifyReadsTheProfile(t *testing.T) { eachPeer(t, testFedifyReadsTheProfile) }

func testFedifyReadsTheProfile(t *testing.T, fp fedifyPeer) {
	p := startPeer(t, fp, "reader")
	h := startHub(t)
	ctx := hub.HostContext(context.Background())
	london, _ := time.LoadLocation("Europe/London")
	soon := time.Now().In(london).Add(48 * time.Hour).Truncate(time.Hour)
	var slugs []string
	for i, title := range []string{"Seed swap", "Repair café"} {
		e := &hub.Event{Title: title, Description: "Come along.", TimeZone: "Europe/London", Start: soon.Add(time.Duration(i) * 24 * time.Hour),
			End: soon.Add(time.Duration(i)*24*time.Hour + 2*time.Hour), Place: &hub.Place{Name: "Hulme Library", Locality: "Manchester"}}
		if err := h.svc.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		slugs = append(slugs, e.Slug)
	}
	time.Sleep(6 * time.Second) // the actor document is cached for 5 s

	var profile struct {
		URL    string
		Fields []struct{ Type, Name, Value string }
		// Featured items as fedify read them.
		Featured []struct{ ID, Type, Content string }
	}
	if code := p.control(http.MethodPost, "/control/profile", map[string]any{"target": h.fed.ActorID(), "signedFetch": true}, &profile); code != 200 {
		t.Fatalf("profile: %d", code)
	}
	if profile.URL != h.base+"/" {
		t.Errorf("url %q, want the home page %s/", profile.URL, h.base)
	}
	var names []string
	for _, f := range profile.Fields {
		names = append(names, f.Name)
		if f.Type != "PropertyValue" {
			t.Errorf("field %+v is not a PropertyValue", f)
		}
		if f.Name == "Area" && f.Value != "Manchester" {
			t.Errorf("area %q, want Manchester", f.Value)
		}
	}
	if strings.Join(names, ",") != "Website,Area" {
		t.Errorf("fields %v, want Website, Area", names)
	}
	if len(profile.Featured) != 2 {
		t.Fatalf("featured %+v, want the two upcoming events", profile.Featured)
	}
	for i, f := range profile.Featured {
		if f.ID != h.base+"/events/"+slugs[i] {
			t.Errorf("featured %d is %s, want %s (soonest first)", i, f.ID, slugs[i])
		}
		// The peer's server runs no NodeInfo: it gets the Note everyone reads.
		if f.Type != "Note" || !strings.Contains(f.Content, "Hulme Library") {
			t.Errorf("featured %d as fedify read it: %+v", i, f)
		}
	}
}
