package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestEventShowJSONRoundTripsThroughTheAPI pipes `event show SLUG --json`
// into the API's POST /api/v1/events, as a user would, and checks that the
// API answers the same event: one JSON shape (hub/apijson) for the CLI and
// the API, and the create endpoint takes back the read-only fields show
// prints (id, slug, url, series_end, created_at, updated_at).
func TestEventShowJSONRoundTripsThroughTheAPI(t *testing.T) {
	h := startCommonsHub(t, "roundtrip")
	h.dir.ok("place", "add", "--name", "Hulme Garden Centre", "--address", "28 Old Birley St",
		"--locality", "Manchester", "--postcode", "M15 5RF", "--lat", "53.4629", "--lon", "-2.2496")
	h.dir.ok("event", "add", "--title", "Repair café & swap", "--tz", "Europe/London",
		"--start", "2030-03-05 18:00", "--end", "2030-03-05 20:00", "--repeat", "FREQ=WEEKLY;BYDAY=TU;COUNT=8",
		"--except", "2030-03-19", "--place-slug", "hulme-garden-centre", "--online-url", "https://meet.example/dropin",
		"--tags", "repair,Climate", "--organiser", "Repair Hulme", "--accessibility", "Step-free access",
		"--booking-url", "https://tickets.example/r?x=1&y=2",
		"--description", "Bring **broken** things.\n\n- toasters\n- bikes <script>x</script> £1 \"tea\"")
	h.dir.ok("event", "add", "--title", "Park festival", "--all-day", "--tz", "America/New_York",
		"--start", "2030-06-15", "--end", "2030-06-16", "--tags", "outdoors", "--description", "Two days.")

	for _, slug := range []string{"repair-cafe-swap", "park-festival"} {
		t.Run(slug, func(t *testing.T) {
			shown := h.dir.ok("event", "show", slug, "--json")
			var created map[string]any
			h.api("POST", "/events", json.RawMessage(shown), &created)

			var want map[string]any
			if err := json.Unmarshal([]byte(shown), &want); err != nil {
				t.Fatalf("event show --json: %v\n%s", err, shown)
			}
			if want["time_zone"] == nil || want["start"] == nil || want["Slug"] != nil {
				t.Fatalf("event show --json is not the API's shape:\n%s", shown)
			}
			if created["id"] == want["id"] || created["slug"] == want["slug"] {
				t.Errorf("the API did not create a new event: id %v slug %v, shown id %v slug %v", created["id"], created["slug"], want["id"], want["slug"])
			}
			for _, m := range []map[string]any{want, created} {
				for _, k := range []string{"id", "slug", "url", "created_at", "updated_at"} {
					delete(m, k)
				}
			}
			if !reflect.DeepEqual(created, want) {
				a, _ := json.MarshalIndent(created, "", "  ")
				t.Errorf("the API's answer for the piped event differs from the CLI's\nCLI:\n%s\nAPI:\n%s", shown, a)
			}
		})
	}
}
