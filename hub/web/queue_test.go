package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// A report from another server shows in the queue with its comment and
// server, and is dismissed from there; the decision is recorded.
func TestQueuePageReports(t *testing.T) {
	th := newTestHub(t)
	store := th.db.Stores().Queue
	r := &hub.Report{ActivityIRI: "https://mastodon.example/0a1b", Server: "mastodon.example", Actor: "https://mastodon.example/actor",
		Comment: "<script>alert(1)</script> spam", Objects: []hub.ReportedObject{{IRI: "https://mastodon.example/users/x"}}}
	if err := hub.ReceiveReport(th.host(), store, r, now); err != nil {
		t.Fatal(err)
	}
	c, csrf := th.signIn(editorEmail)
	if d := th.get(c, "/admin"); !strings.Contains(d.body, "1 report") {
		t.Error("the dashboard does not count the report")
	}
	q := th.get(c, "/admin/queue")
	if !strings.Contains(q.body, "Report from mastodon.example") || !strings.Contains(q.body, "&lt;script&gt;alert(1)&lt;/script&gt; spam") ||
		!strings.Contains(q.body, "https://mastodon.example/users/x") {
		t.Fatalf("queue page: %s", q.body)
	}
	path := fmt.Sprintf("/admin/queue/reports/%d", r.ID)
	if res := th.postForm(c, path, url.Values{"csrf": {csrf}, "decision": {"nonsense"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown decision: %d", res.StatusCode)
	}
	if res := th.postForm(c, path, url.Values{"csrf": {csrf}, "decision": {"dismiss"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dismiss: %d %s", res.StatusCode, res.body)
	}
	got, _ := store.FindReport(th.host(), r.ID)
	if got.State != hub.ReportDismissed || got.DecidedBy != "Eddie Editor" {
		t.Errorf("after dismissing: %+v", got)
	}
	if q := th.get(c, "/admin/queue"); strings.Contains(q.body, "id=\"report-") || !strings.Contains(q.body, "No reports are waiting.") {
		t.Error("a dismissed report is still in the queue")
	}
	if res := th.postForm(c, path, url.Values{"csrf": {csrf}, "decision": {"resolve"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("deciding twice: %d", res.StatusCode)
	}
}

// The queue over the API: list, approve one suggestion as edited, reject
// another, resolve a report; decisions are recorded and emails go.
func TestQueueAPI(t *testing.T) {
	th, clock := suggestHub(t, false)
	for _, title := range []string{"Seed swap", "Spam"} {
		th.suggest(clock, "192.0.2.50", title)
	}
	rep := &hub.Report{ActivityIRI: "https://m.example/1", Server: "m.example", Comment: "bad"}
	if err := hub.ReceiveReport(th.host(), th.db.Stores().Queue, rep, now); err != nil {
		t.Fatal(err)
	}
	a := th.apiClient(editorEmail)
	st, q := a.call("GET", "/queue", nil)
	sgs, _ := q["suggestions"].([]any)
	reps, _ := q["reports"].([]any)
	if st != 200 || len(sgs) != 2 || len(reps) != 1 || q["counts"].(map[string]any)["suggestions"] != 2.0 {
		t.Fatalf("GET /queue: %d %v", st, q)
	}
	first := sgs[0].(map[string]any)
	if first["email"] != "sam@example.net" || first["title"] != "Seed swap" || first["state"] != "pending" {
		t.Errorf("suggestion %v", first)
	}
	id1, id2 := int64(first["id"].(float64)), int64(sgs[1].(map[string]any)["id"].(float64))
	st, ev := a.call("POST", fmt.Sprintf("/queue/suggestions/%d/approve", id1), map[string]any{"title": "Seed swap (checked)",
		"start": "2026-11-07T10:00", "end": "2026-11-07T12:00", "time_zone": "Europe/London", "online_url": "https://example.org/call"})
	if st != 201 || ev["title"] != "Seed swap (checked)" {
		t.Fatalf("approve: %d %v", st, ev)
	}
	if st, _ := a.call("POST", fmt.Sprintf("/queue/suggestions/%d/approve", id1), nil); st != 409 {
		t.Errorf("approving twice: %d", st)
	}
	if st, _ := a.call("POST", fmt.Sprintf("/queue/suggestions/%d/reject", id2), nil); st != 204 {
		t.Errorf("reject: %d", st)
	}
	if st, body := a.call("POST", fmt.Sprintf("/queue/reports/%d/resolve", rep.ID), map[string]any{"delete_comments": true, "nonsense": 1}); st != 400 {
		t.Errorf("resolve with an unknown field: %d %v", st, body)
	}
	if st, _ := a.call("POST", fmt.Sprintf("/queue/reports/%d/resolve", rep.ID), map[string]any{"delete_comments": true}); st != 204 {
		t.Errorf("resolve: %d", st)
	}
	st, all := a.call("GET", "/queue?state=all", nil)
	if st != 200 || all["counts"].(map[string]any)["suggestions"] != 0.0 {
		t.Fatalf("GET /queue?state=all: %d %v", st, all)
	}
	for _, s := range all["suggestions"].([]any) {
		m := s.(map[string]any)
		if m["email"] != "" || m["decided_by"] != "Eddie Editor" {
			t.Errorf("decided suggestion %v", m)
		}
	}
	if st, _ := a.call("GET", "/queue?state=bogus", nil); st != 422 && st != 400 {
		t.Errorf("a bad state: %d", st)
	}
	if st, _ := (&apiClient{th, ""}).call("GET", "/queue", nil); st != 401 {
		t.Errorf("without a token: %d", st)
	}
}

// A picture that came without a description waits in the queue (the
// dashboard counts it, the queue page and GET /queue list it, linking to
// where it is described) until an organiser describes it.
func TestQueueListsPicturesToDescribe(t *testing.T) {
	th := newTestHub(t)
	e, _, _ := th.seed()
	p, err := th.svc.SetPicture(th.host(), hub.OwnerEvent, e.ID, hub.PictureUpload{Data: picturetest.PlainJPEG(640, 480), Alt: "Laptops"})
	if err != nil {
		t.Fatal(err)
	}
	// As a picture from a calendar or an older version would be.
	if err := th.svc.Stores.Pictures.UpdatePictureAlt(th.host(), p.ID, ""); err != nil {
		t.Fatal(err)
	}
	c := th.client()
	th.login(c, editorEmail)
	if d := th.get(c, "/admin"); !strings.Contains(d.body, "1 picture to describe") || !strings.Contains(d.body, `href="/admin/queue"`) {
		t.Errorf("the dashboard does not count the picture: %s", d.body)
	}
	q := th.get(c, "/admin/queue")
	describe := fmt.Sprintf(`href="/admin/pictures#picture-%d"`, p.ID)
	if !strings.Contains(q.body, describe) || !strings.Contains(q.body, fmt.Sprintf(`href="/admin/events/%d/edit"`, e.ID)) {
		t.Fatalf("the queue page does not link the picture to where it is described: %s", q.body)
	}
	if pics := th.get(c, "/admin/pictures"); !strings.Contains(pics.body, fmt.Sprintf(`id="picture-%d"`, p.ID)) {
		t.Errorf("the pictures page has no anchor for the queue's link")
	}

	a := th.apiClient(editorEmail)
	st, body := a.call("GET", "/queue", nil)
	pictures, _ := body["pictures"].([]any)
	if st != 200 || len(pictures) != 1 || body["counts"].(map[string]any)["pictures"] != 1.0 {
		t.Fatalf("GET /queue: %d %v", st, body)
	}
	if got := pictures[0].(map[string]any); got["id"] != float64(p.ID) || got["owner"] != "event" || got["owner_id"] != float64(e.ID) || got["alt"] != "" ||
		!strings.HasPrefix(fmt.Sprint(got["small_url"]), th.srv.URL+"/pictures/") {
		t.Errorf("the picture in GET /queue: %v", got)
	}
	if _, body := a.call("GET", "/queue?state=approved", nil); len(body["pictures"].([]any)) != 0 {
		t.Errorf("pictures listed with approved suggestions: %v", body["pictures"])
	}
	// Describing it is the decision: it leaves the queue.
	if st, body := a.call("PUT", fmt.Sprintf("/pictures/%d/alt", p.ID), map[string]any{"alt": "Laptops on a table"}); st >= 300 {
		t.Fatalf("describe: %d %v", st, body)
	}
	if _, body := a.call("GET", "/queue", nil); len(body["pictures"].([]any)) != 0 || body["counts"].(map[string]any)["pictures"] != 0.0 {
		t.Errorf("after describing: %v", body)
	}
	if q := th.get(c, "/admin/queue"); strings.Contains(q.body, describe) || !strings.Contains(q.body, "Every picture has a description.") {
		t.Error("a described picture is still in the queue")
	}
	if d := th.get(c, "/admin"); strings.Contains(d.body, "picture to describe") {
		t.Error("the dashboard still counts a described picture")
	}
}
