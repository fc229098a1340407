package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// Replies held for review, as organisers meet them: an admin turns
// holding on from the commons page (an editor may not); a held reply is
// not on its event's page, is counted on the dashboard and waits in the
// queue (cleaned of hostile HTML) until approved (then shown) or
// rejected (then gone), from the page or the API.
func TestQueueHeldReplies(t *testing.T) {
	th := newFederatedHub(t)
	e, _, _ := th.seed()
	admin, adminCSRF := th.signIn(adminEmail)
	if p := th.get(admin, "/admin/commons"); !strings.Contains(p.body, "Hold replies from servers this hub follows nobody on") {
		t.Fatalf("the commons page has no way to hold replies: %s", p.body)
	}
	editor, editorCSRF := th.signIn(editorEmail)
	if r := th.postForm(editor, "/admin/commons/hold-replies", url.Values{"csrf": {editorCSRF}, "on": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("an editor turned holding on: %d", r.StatusCode)
	}
	if r := th.postForm(admin, "/admin/commons/hold-replies", url.Values{"csrf": {adminCSRF}, "on": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("turning holding on: %d %s", r.StatusCode, r.body)
	}
	if p := th.get(admin, "/admin/commons"); !strings.Contains(p.body, "Replies are held:") || !strings.Contains(p.body, "Stop holding replies") {
		t.Error("the commons page does not say replies are held")
	}

	held := func(n int, content string) *hub.Comment {
		c := &hub.Comment{ObjectID: fmt.Sprintf("https://strangers.example/notes/%d", n), Kind: hub.KindEvent, ItemID: e.ID, ContentHTML: content,
			URL: fmt.Sprintf("https://strangers.example/@eve/%d", n), Published: now, Held: true,
			Author: hub.Origin{ActorID: "https://strangers.example/users/eve", Username: "eve", Host: "strangers.example"}}
		if err := th.db.Commons().SaveComment(th.host(), c, th.srv.URL+"/events/"+e.Slug); err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := held(1, `<p>cheap pills</p><script>alert(1)</script><img src=x onerror=alert(2)>`)
	if p := th.get(th.client(), "/events/"+e.Slug); strings.Contains(p.body, "cheap pills") {
		t.Error("a held reply is on the event's page")
	}
	if d := th.get(editor, "/admin"); !strings.Contains(d.body, "1 reply held for review") {
		t.Errorf("the dashboard does not count the held reply")
	}
	q := th.get(editor, "/admin/queue")
	if !strings.Contains(q.body, "Reply from @eve@strangers.example") || !strings.Contains(q.body, "cheap pills") ||
		!strings.Contains(q.body, fmt.Sprintf(`action="/admin/queue/comments/%d"`, first.ID)) {
		t.Fatalf("the queue page: %s", q.body)
	}
	if strings.Contains(q.body, "alert(1)") || strings.Contains(q.body, "onerror") {
		t.Error("the queue page shows a held reply's hostile HTML")
	}
	path := fmt.Sprintf("/admin/queue/comments/%d", first.ID)
	if r := th.postForm(editor, path, url.Values{"csrf": {editorCSRF}, "decision": {"nonsense"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown decision: %d", r.StatusCode)
	}
	if r := th.postForm(editor, path, url.Values{"csrf": {editorCSRF}, "decision": {"approve"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.body)
	}
	if p := th.get(th.client(), "/events/"+e.Slug); !strings.Contains(p.body, "cheap pills") {
		t.Error("an approved reply is not on the event's page")
	}
	if q := th.get(editor, "/admin/queue"); !strings.Contains(q.body, "No replies are held.") {
		t.Error("an approved reply is still in the queue")
	}

	second := held(2, "<p>more pills</p>")
	a := th.apiClient(editorEmail)
	st, body := a.call("GET", "/queue", nil)
	list, _ := body["comments"].([]any)
	if st != 200 || len(list) != 1 || list[0].(map[string]any)["id"] != float64(second.ID) || list[0].(map[string]any)["held"] != true ||
		body["counts"].(map[string]any)["comments"] != 1.0 {
		t.Fatalf("GET /queue: %d %v", st, body)
	}
	if st, _ := a.call("POST", fmt.Sprintf("/queue/comments/%d/reject", first.ID), nil); st != 404 {
		t.Errorf("rejecting a reply already shown: %d", st)
	}
	if st, _ := a.call("POST", fmt.Sprintf("/queue/comments/%d/reject", second.ID), nil); st != 204 {
		t.Errorf("reject: %d", st)
	}
	if _, err := th.db.Commons().CommentByObject(th.host(), second.ObjectID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("a rejected reply is kept: %v", err)
	}
	if st, _ := a.call("POST", fmt.Sprintf("/queue/comments/%d/approve", second.ID), nil); st != 404 {
		t.Errorf("approving a rejected reply: %d", st)
	}
}
