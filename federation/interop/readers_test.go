package interop

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestFedifyGetsTheEventAsItsSoftwareReadsIt: a Fedify peer that names
// its software in NodeInfo gets, verified, the form of the event that
// software's readers see well (docs/FEDERATION.md, "Readable on every
// server"): as Mobilizon, the full FEP-8a8e Event; as Mastodon 4.5, the
// same Event with its name HTML-escaped (Mastodon writes it unescaped
// into an <h2>). Fedify parses each as an Event with its place.
func TestFedifyGetsTheEventAsItsSoftwareReadsIt(t *testing.T) {
	eachPeer(t, func(t *testing.T, fp fedifyPeer) {
		for _, tt := range []struct{ software, wantName string }{
			{"mobilizon@5.1.0", "Tea & <cake>"},
			{"mastodon@4.5.0", "Tea &amp; &lt;cake&gt;"},
		} {
			t.Run(tt.software, func(t *testing.T) {
				p := startPeer(t, fp, "fedi", "--software", tt.software)
				h := startHub(t)
				ctx := hub.HostContext(context.Background())
				if code := p.control(http.MethodPost, "/control/follow", map[string]any{"target": h.fed.ActorID()}, nil); code != 200 {
					t.Fatalf("follow: %d", code)
				}
				p.waitFor("Accept", 1)
				london, _ := time.LoadLocation("Europe/London")
				start := time.Date(2027, 3, 6, 10, 0, 0, 0, london)
				e := &hub.Event{Title: "Tea & <cake>", Description: "Bring a cup.", TimeZone: "Europe/London", Start: start, End: start.Add(2 * time.Hour),
					Place: &hub.Place{Name: "Zion Centre", Locality: "Manchester"}}
				if err := h.svc.CreateEvent(ctx, e); err != nil {
					t.Fatal(err)
				}
				c := p.waitFor("Create", 1)[0]
				if c.ObjectType != "Event" || c.ObjectID != h.base+"/events/"+e.Slug {
					t.Fatalf("Create as fedify read it: %s %s %v", c.ObjectType, c.ObjectID, c.Object)
				}
				if c.Object["name"] != tt.wantName {
					t.Errorf("name %q, want %q", c.Object["name"], tt.wantName)
				}
				loc, _ := c.Object["location"].(map[string]any)
				if c.Object["startTime"] == nil || loc["name"] != "Zion Centre" {
					t.Errorf("the Event as fedify read it lacks when or where: %v", c.Object)
				}
			})
		}
	})
}
