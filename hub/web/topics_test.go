package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Every address topics had when they were called tags answers a permanent
// redirect to the same address under /topics, query string kept: 301 for
// GET and HEAD, 308 for other methods (a form or script posting to the
// old address posts again to the new one). Addresses that only start
// with the same letters are not redirected.
func TestOldTopicAddressesRedirect(t *testing.T) {
	th := newTestHub(t)
	th.seed()
	c := th.client() // does not follow redirects
	cases := []struct {
		method, path, location string
		status                 int
	}{
		{"GET", "/tags", "/topics", 301},
		{"HEAD", "/tags", "/topics", 301},
		{"GET", "/tags?sort=name&x=a%20b", "/topics?sort=name&x=a%20b", 301},
		{"GET", "/tags/digital-skills", "/topics/digital-skills", 301},
		{"GET", "/tags/digital-skills?utm_source=feed", "/topics/digital-skills?utm_source=feed", 301},
		{"HEAD", "/tags/digital-skills/calendar.ics", "/topics/digital-skills/calendar.ics", 301},
		{"GET", "/tags/caf%C3%A9", "/topics/caf%C3%A9", 301},
		{"GET", "/tags/", "/topics/", 301},
		{"POST", "/tags/digital-skills", "/topics/digital-skills", 308},
		{"DELETE", "/tags/digital-skills?why=old", "/topics/digital-skills?why=old", 308},
		{"GET", "/admin/tags", "/admin/topics", 301},
		{"GET", "/admin/tags/digital-skills/edit?back=1", "/admin/topics/digital-skills/edit?back=1", 301},
		{"POST", "/admin/tags", "/admin/topics", 308},
		{"POST", "/admin/tags/digital-skills/edit?x=1", "/admin/topics/digital-skills/edit?x=1", 308},
		{"PUT", "/admin/tags/digital-skills/delete", "/admin/topics/digital-skills/delete", 308},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, th.srv.URL+tc.path, nil)
			r := th.do(c, req)
			if r.StatusCode != tc.status || r.Header.Get("Location") != tc.location {
				t.Errorf("status %d Location %q, want %d %q", r.StatusCode, r.Header.Get("Location"), tc.status, tc.location)
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("the redirect lacks the security headers")
			}
		})
	}
	for _, p := range []string{"/tagsoup", "/admin/tagsoup", "/topicsx"} {
		if r := th.get(c, p); r.StatusCode == 301 || r.StatusCode == 308 {
			t.Errorf("%s redirected to %q", p, r.Header.Get("Location"))
		}
	}

	// Followed, an old link lands on the page, and an old feed on the feed.
	follow := &http.Client{Timeout: 10 * time.Second}
	if r := th.get(follow, "/tags/digital-skills"); r.StatusCode != 200 || !strings.Contains(r.body, "<title>Topic: Digital skills") || r.Request.URL.Path != "/topics/digital-skills" {
		t.Errorf("following an old topic link: %d at %s", r.StatusCode, r.Request.URL)
	}
	if r := th.get(follow, "/tags/digital-skills/calendar.ics"); r.StatusCode != 200 || !strings.Contains(r.body, "BEGIN:VCALENDAR") {
		t.Errorf("following an old topic calendar: %d", r.StatusCode)
	}

	// An organiser's form posted to the old address is posted again to the
	// new one (308), and saves.
	org, tok := th.signIn(editorEmail)
	org.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.Method != http.MethodPost {
			return http.ErrUseLastResponse // stop at the save's own 303
		}
		return nil
	}
	r := th.postForm(org, "/admin/tags/digital-skills/edit", url.Values{"csrf": {tok}, "name": {"Digital skills for all"}, "description": {"Phones, tablets, forms."}})
	if r.StatusCode != http.StatusSeeOther || r.Request.URL.Path != "/admin/topics/digital-skills/edit" {
		t.Fatalf("form posted to the old address: %d at %s", r.StatusCode, r.Request.URL)
	}
	if tg, err := th.svc.TagBySlug(context.Background(), "digital-skills"); err != nil || tg.Name != "Digital skills for all" || tg.Description != "Phones, tablets, forms." {
		t.Errorf("after the old-address save: %+v %v", tg, err)
	}
}

// An organiser creates a topic on the topics page, before any content
// uses it; readers see it on /topics, and content tagged with its name
// later joins it. A duplicate (same slug) is refused with 409 and the
// form kept; an empty name with 422 and a message by the field.
func TestTopicCreatedInTheAdminPages(t *testing.T) {
	th := newTestHub(t)
	c, tok := th.signIn(editorEmail)
	page := th.get(c, "/admin/topics")
	if page.StatusCode != 200 || !strings.Contains(page.body, `action="/admin/topics"`) || !strings.Contains(page.body, "Create a topic") {
		t.Fatalf("topics page has no create form: %d", page.StatusCode)
	}

	r := th.postForm(c, "/admin/topics", url.Values{"csrf": {tok}, "name": {"Repair cafés"}, "description": {"Fixing things together."}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/topics" {
		t.Fatalf("create: %d %q %s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
	if list := th.get(c, "/admin/topics"); !strings.Contains(list.body, "Topic “Repair cafés” created.") || !strings.Contains(list.body, `href="/admin/topics/repair-cafes/edit"`) {
		t.Errorf("the topics page after creating lacks the message or the topic")
	}

	reader := th.client()
	if list := th.get(reader, "/topics"); list.StatusCode != 200 || !strings.Contains(list.body, `<a href="/topics/repair-cafes">Repair cafés</a>`) {
		t.Errorf("/topics does not list the new topic: %d", list.StatusCode)
	}
	if p := th.get(reader, "/topics/repair-cafes"); p.StatusCode != 200 || !strings.Contains(p.body, "<title>Topic: Repair cafés") || !strings.Contains(p.body, "Fixing things together.") {
		t.Errorf("the new topic's page: %d", p.StatusCode)
	}

	dup := th.postForm(c, "/admin/topics", url.Values{"csrf": {tok}, "name": {"Repair Cafes!"}, "description": {"Typed again"}})
	if dup.StatusCode != http.StatusConflict || !strings.Contains(dup.body, "There is already a topic “Repair cafés” (slug repair-cafes).") || !strings.Contains(dup.body, `value="Repair Cafes!"`) || !strings.Contains(dup.body, "Typed again") {
		t.Errorf("duplicate: %d, want 409 with the message and the form as typed", dup.StatusCode)
	}
	empty := th.postForm(c, "/admin/topics", url.Values{"csrf": {tok}, "name": {"  "}})
	if empty.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(empty.body, `id="f-name-error"`) {
		t.Errorf("empty name: %d, want 422 with a message by the name", empty.StatusCode)
	}
	if tags, _ := th.svc.ListTags(context.Background()); len(tags) != 1 || tags[0].Description != "Fixing things together." {
		t.Errorf("after the refused ones the topics are %v", tags)
	}

	g := &hub.Guide{Title: "Fixing a kettle", Body: "Unplug it first.", Tags: []string{"repair cafes"}}
	if err := th.svc.CreateGuide(th.host(), g); err != nil {
		t.Fatal(err)
	}
	if p := th.get(reader, "/topics/repair-cafes"); !strings.Contains(p.body, "Fixing a kettle") {
		t.Error("a guide tagged with the topic's name is not on its page")
	}
}

// POST /api/v1/topics makes a topic; GET lists and reads it; the old
// /api/v1/tags answers the same. A duplicate is 409 ECONFLICT, a missing
// name 422 EINVALID, both naming the field.
func TestAPITopics(t *testing.T) {
	th := newTestHub(t)
	a := th.apiClient(editorEmail)
	for i, prefix := range []string{"/topics", "/tags"} {
		name := []string{"Digital skills", "Food bank"}[i]
		slug := hub.Slugify(name)
		t.Run(prefix, func(t *testing.T) {
			st, got := a.call("POST", prefix, map[string]any{"name": name, "description": "About " + name})
			want := map[string]any{"id": got["id"], "slug": slug, "url": th.srv.URL + "/topics/" + slug, "name": name, "description": "About " + name, "uses": float64(0)}
			if st != http.StatusCreated || fmt.Sprint(got) != fmt.Sprint(want) || got["id"] == nil {
				t.Fatalf("create: %d %v, want %v", st, got, want)
			}
			st, one := a.call("GET", prefix+"/"+slug, nil)
			if st != 200 || fmt.Sprint(one) != fmt.Sprint(got) {
				t.Errorf("read back: %d %v", st, one)
			}
			st, list := a.call("GET", prefix, nil)
			if st != 200 || list["total"].(float64) != float64(i+1) {
				t.Errorf("list: %d %v", st, list)
			}
			st, body := a.call("POST", prefix, map[string]any{"name": strings.ToUpper(name)})
			if st != http.StatusConflict || errCode(body) != hub.ECONFLICT || errFields(body)["name"] == nil {
				t.Errorf("duplicate: %d %v, want 409 ECONFLICT on name", st, body)
			}
			st, body = a.call("POST", prefix, map[string]any{"description": "no name"})
			if st != http.StatusUnprocessableEntity || errCode(body) != hub.EINVALID || errFields(body)["name"] == nil {
				t.Errorf("no name: %d %v, want 422 EINVALID on name", st, body)
			}
			if st, _ := a.call("GET", prefix+"/no-such-topic", nil); st != 404 {
				t.Errorf("missing topic: %d", st)
			}
		})
	}
	// The create's Location is the topic's canonical address.
	req, _ := http.NewRequest("POST", th.srv.URL+"/api/v1/tags", strings.NewReader(`{"name":"Climate"}`))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	if r := th.do(http.DefaultClient, req); r.StatusCode != 201 || r.Header.Get("Location") != "/api/v1/topics/climate" {
		t.Errorf("create at the old path: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	// Readers' accounts cannot make topics: the API needs a token.
	if st, _ := (&apiClient{th, ""}).call("POST", "/topics", map[string]any{"name": "Sneaky"}); st != 401 {
		t.Errorf("create without a token: %d", st)
	}
	if _, err := th.svc.TagBySlug(context.Background(), "sneaky"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("a refused create made a topic: %v", err)
	}
}
