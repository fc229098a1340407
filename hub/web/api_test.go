package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

type apiClient struct {
	th    *testHub
	token string
}

func (th *testHub) apiClient(email string) *apiClient {
	th.t.Helper()
	o, err := th.svc.Stores.Organisers.FindOrganiserByEmail(context.Background(), email)
	if err != nil {
		th.t.Fatal(err)
	}
	_, secret, err := th.svc.CreateToken(hub.HostContext(context.Background()), o.ID, "tests")
	if err != nil {
		th.t.Fatal(err)
	}
	return &apiClient{th, secret}
}

// call sends body (a string is sent as is, anything else as JSON) and
// decodes the answer into a map.
func (a *apiClient) call(method, path string, body any) (int, map[string]any) {
	a.th.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, a.th.srv.URL+"/api/v1"+path, rd)
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	r := a.th.do(http.DefaultClient, req)
	if r.StatusCode >= 500 {
		a.th.t.Errorf("%s %s: %d %s", method, path, r.StatusCode, r.body)
	}
	var out map[string]any
	if r.body != "" {
		if err := json.Unmarshal([]byte(r.body), &out); err != nil {
			a.th.t.Fatalf("%s %s: answer is not JSON: %s", method, path, r.body)
		}
	}
	return r.StatusCode, out
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func errFields(body map[string]any) map[string]any {
	e, _ := body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

func TestAPIAuth(t *testing.T) {
	th := newTestHub(t)
	for _, tok := range []string{"", "cp_nonsense", "Basic abc"} {
		st, body := (&apiClient{th, tok}).call("GET", "/events", nil)
		if st != 401 || errCode(body) != hub.EUNAUTHORIZED {
			t.Errorf("token %q: %d %v", tok, st, body)
		}
	}
	a := th.apiClient(editorEmail)
	if st, body := a.call("GET", "/me", nil); st != 200 || body["email"] != editorEmail {
		t.Errorf("/me: %d %v", st, body)
	}
	if st, body := a.call("PUT", "/settings", map[string]any{"name": "x", "time_zone": "UTC", "language": "en", "accent_colour": "#000000"}); st != 403 || errCode(body) != hub.EFORBIDDEN {
		t.Errorf("editor changing settings: %d", st)
	}
	// A revoked token stops working.
	tokens, _ := th.svc.ListTokens(hub.HostContext(context.Background()))
	for _, tk := range tokens {
		th.svc.DeleteToken(hub.HostContext(context.Background()), tk.ID)
	}
	if st, _ := a.call("GET", "/me", nil); st != 401 {
		t.Errorf("revoked token: %d", st)
	}
}

func TestAPIEvents(t *testing.T) {
	th := newTestHub(t)
	a := th.apiClient(adminEmail)
	in := map[string]any{
		"title": "Repair café", "description": "Bring broken things.", "time_zone": "Europe/London",
		"start": "2026-10-17T10:00", "end": "2026-10-17T13:00", "recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
		"exceptions": []string{"2026-10-31"}, "tags": []string{"Repair", "Climate"},
		"place": map[string]any{"name": "Hulme Garden Centre", "postal_code": "M15 5RF"}, "organiser": "Repair Hulme",
	}
	st, ev := a.call("POST", "/events", in)
	if st != 201 {
		t.Fatalf("create: %d %v", st, ev)
	}
	id := int64(ev["id"].(float64))
	if ev["start"] != "2026-10-17T10:00:00+01:00" || ev["place"].(map[string]any)["name"] != "Hulme Garden Centre" {
		t.Errorf("created %v", ev)
	}
	st, occ := a.call("GET", "/occurrences?from=2026-10-01&to=2026-11-30", nil)
	if st != 200 {
		t.Fatalf("occurrences: %d", st)
	}
	var dates []string
	for _, o := range occ["items"].([]any) {
		dates = append(dates, o.(map[string]any)["start"].(string))
	}
	want := "2026-10-17T10:00:00+01:00 2026-11-14T10:00:00Z 2026-11-28T10:00:00Z"
	if strings.Join(dates, " ") != want {
		t.Errorf("occurrences %v, want %s (fortnightly, 31 Oct skipped, 10am local after the clock change)", dates, want)
	}

	bad := []struct {
		name  string
		body  any
		code  string
		field string
		st    int
	}{
		{"end before start", map[string]any{"title": "x", "start": "2026-10-17T10:00", "end": "2026-10-17T09:00"}, hub.EINVALID, "end", 422},
		{"missing end", map[string]any{"title": "x", "start": "2026-10-17T10:00"}, hub.EINVALID, "end", 422},
		{"bad time", map[string]any{"title": "x", "start": "soon", "end": "later"}, hub.EINVALID, "start", 422},
		{"bad url", map[string]any{"title": "x", "start": "2026-10-17T10:00", "end": "2026-10-17T11:00", "booking_url": "ftp://x"}, hub.EINVALID, "booking_url", 422},
		{"bad zone", map[string]any{"title": "x", "start": "2026-10-17T10:00", "end": "2026-10-17T11:00", "time_zone": "Europe/Atlantis"}, hub.EINVALID, "timezone", 422},
		{"unknown field", `{"title":"x","colour":"red"}`, hub.EINVALID, "", 400},
		{"not JSON", `{"title":`, hub.EINVALID, "", 400},
		{"two objects", `{"title":"x"} {"title":"y"}`, hub.EINVALID, "", 400},
		{"empty", "", hub.EINVALID, "", 400},
		{"wrong type", `{"title": 7}`, hub.EINVALID, "", 400},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			st, body := a.call("POST", "/events", tt.body)
			if st != tt.st || errCode(body) != tt.code {
				t.Fatalf("%d %v", st, body)
			}
			if tt.field != "" && errFields(body)[tt.field] == nil {
				t.Errorf("no message for field %s: %v", tt.field, body)
			}
		})
	}
	if _, n, _ := th.svc.ListEvents(context.Background(), hub.EventFilter{}); n != 1 {
		t.Fatalf("bad requests stored events: %d", n)
	}

	in["title"] = "Repair café (fortnightly)"
	in["place"] = nil
	in["place_id"] = ev["place_id"]
	st, up := a.call("PUT", fmt.Sprintf("/events/%d", id), in)
	if st != 200 || up["title"] != "Repair café (fortnightly)" || up["slug"] != ev["slug"] {
		t.Errorf("update: %d %v", st, up)
	}
	if st, _ := a.call("GET", "/events/99999", nil); st != 404 {
		t.Errorf("missing event: %d", st)
	}
	if st, _ := a.call("DELETE", fmt.Sprintf("/places/%v", ev["place_id"]), nil); st != 409 {
		t.Errorf("deleting a place in use: %d", st)
	}
	if st, _ := a.call("DELETE", fmt.Sprintf("/events/%d", id), nil); st != 204 {
		t.Errorf("delete: %d", st)
	}
	if st, _ := a.call("GET", fmt.Sprintf("/events/%d", id), nil); st != 404 {
		t.Errorf("after delete: %d", st)
	}
	if st, body := a.call("GET", "/nothing-here", nil); st != 404 || errCode(body) != hub.ENOTFOUND {
		t.Errorf("unknown endpoint: %d", st)
	}
	if st, _ := a.call("PATCH", "/events", nil); st != 405 {
		t.Errorf("wrong method: %d", st)
	}
}

func TestAPIBodyLimit(t *testing.T) {
	th := newTestHub(t)
	a := th.apiClient(adminEmail)
	big := `{"title":"x","description":"` + strings.Repeat("a", 2<<20) + `"}`
	st, body := a.call("POST", "/guides", big)
	if st != 413 || errCode(body) != "ETOOLARGE" {
		t.Fatalf("2 MB body: %d %v", st, body)
	}
}

func TestAPIGuidesCaseStudiesTags(t *testing.T) {
	th := newTestHub(t)
	a := th.apiClient(editorEmail)
	st, g := a.call("POST", "/guides", map[string]any{"title": "Fridge rota", "body": "v1", "tags": []string{"Food"}})
	if st != 201 {
		t.Fatalf("guide: %d %v", st, g)
	}
	gid := int64(g["id"].(float64))
	if st, _ := a.call("PUT", fmt.Sprintf("/guides/%d", gid), map[string]any{"title": "Fridge rota", "body": "v2", "note": "second"}); st != 200 {
		t.Fatalf("guide update: %d", st)
	}
	st, revs := a.call("GET", fmt.Sprintf("/guides/%d/revisions", gid), nil)
	if st != 200 || revs["total"].(float64) != 2 || revs["items"].([]any)[0].(map[string]any)["note"] != "second" {
		t.Errorf("revisions: %v", revs)
	}
	if st, g := a.call("POST", fmt.Sprintf("/guides/%d/revisions/1/restore", gid), nil); st != 200 || g["body"] != "v1" || g["revision"].(float64) != 3 {
		t.Errorf("restore: %d %v", st, g)
	}
	st, c := a.call("POST", "/case-studies", map[string]any{"title": "Community fridge", "problem": "Food waste", "outcome": "Less waste", "tags": []string{"food"}})
	if st != 201 || c["problem"] != "Food waste" {
		t.Fatalf("case study: %d %v", st, c)
	}
	if st, body := a.call("POST", "/case-studies", map[string]any{"title": "No problem"}); st != 422 || errFields(body)["problem"] == nil {
		t.Errorf("case study without problem: %d %v", st, body)
	}
	st, tags := a.call("GET", "/topics", nil)
	if st != 200 || tags["total"].(float64) != 1 || tags["items"].([]any)[0].(map[string]any)["uses"].(float64) != 2 {
		t.Errorf("tags: %v (Food and food are one topic used twice)", tags)
	}
	if st, tg := a.call("PUT", "/topics/food", map[string]any{"name": "Food and drink", "description": "Eating together"}); st != 200 || tg["name"] != "Food and drink" {
		t.Errorf("tag update: %d %v", st, tg)
	}
	if st, _ := a.call("DELETE", "/topics/food", nil); st != 204 {
		t.Errorf("tag delete: %d", st)
	}
	if st, c := a.call("GET", fmt.Sprintf("/case-studies/%v", c["id"]), nil); st != 200 || len(c["tags"].([]any)) != 0 {
		t.Errorf("tag not removed from case study: %v", c)
	}
}

func TestAPIOrganisersAndTokens(t *testing.T) {
	th := newTestHub(t)
	a := th.apiClient(adminEmail)
	st, o := a.call("POST", "/organisers", map[string]any{"email": "new@example.org", "name": "New", "role": "editor", "password": "long enough pw"})
	if st != 201 || o["password"] != nil {
		t.Fatalf("create organiser: %d %v", st, o)
	}
	if st, body := a.call("POST", "/organisers", map[string]any{"email": "new@example.org", "name": "Again", "role": "editor", "password": "long enough pw"}); st != 409 || errCode(body) != hub.ECONFLICT {
		t.Errorf("duplicate: %d %v", st, body)
	}
	st, tk := a.call("POST", "/tokens", map[string]any{"name": "script"})
	if st != 201 || !strings.HasPrefix(tk["secret"].(string), "cp_") {
		t.Fatalf("token: %d %v", st, tk)
	}
	if st, list := a.call("GET", "/tokens", nil); st != 200 || list["items"].([]any)[0].(map[string]any)["secret"] != nil {
		t.Errorf("token list shows secrets: %v", list)
	}
	b := &apiClient{th, tk["secret"].(string)}
	if st, me := b.call("GET", "/me", nil); st != 200 || me["email"] != adminEmail {
		t.Errorf("new token: %d", st)
	}
}
