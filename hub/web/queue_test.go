package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
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
	c := th.client()
	csrf := th.login(c, editorEmail)
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
