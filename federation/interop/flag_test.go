package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestReportReachesFedifyAsAVerifiedFlag: a Fedify user replies to a hub
// event; the hub, holding replies from servers it follows nobody on, keeps
// it for review; an organiser reports the reply to its server (and
// rejects it). Fedify receives a
// Flag from the hub actor, verifies its signature (the peer records only
// what reached its inbox listeners, which Fedify calls only for an
// activity whose signature it verified and whose signer is its actor), and
// reads the account and the reply as its objects and the organiser's
// comment as its content. The same Flag unsigned is refused and not
// recorded. It runs against Fedify 1.6.2 and 2.x (fedifyPeers).
func TestReportReachesFedifyAsAVerifiedFlag(t *testing.T) {
	eachPeer(t, func(t *testing.T, fp fedifyPeer) {
		p := startPeer(t, fp, "fedi")
		h := startHub(t)
		ctx := hub.HostContext(context.Background())
		admin := hub.WithOrganiser(context.Background(), &hub.Organiser{ID: 1, Name: "Ada Admin", Email: "ada@example.org", Role: hub.RoleAdmin})

		// The hub holds replies from servers it follows nobody on: the
		// Fedify user's reply waits for review, and is reported from there.
		if err := h.svc.SetHoldReplies(admin, true); err != nil {
			t.Fatal(err)
		}
		london, _ := time.LoadLocation("Europe/London")
		start := time.Date(2027, 3, 2, 10, 0, 0, 0, london)
		e := &hub.Event{Title: "Repair café", Description: "Bring what is broken.", TimeZone: "Europe/London", Start: start, End: start.Add(3 * time.Hour)}
		if err := h.svc.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		var note struct{ CreateID, NoteID string }
		if code := p.control(http.MethodPost, "/control/create-note", map[string]any{"target": h.fed.ActorID(),
			"content": "<p>cheap pills here</p>", "inReplyTo": h.base + "/events/" + e.Slug}, &note); code != 200 {
			t.Fatalf("create-note: %d", code)
		}
		var comments []*hub.Comment
		for deadline := time.Now().Add(10 * time.Second); len(comments) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			var err error
			if comments, err = h.svc.Comments(admin, hub.KindEvent, e.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if len(comments) != 1 || comments[0].ObjectID != note.NoteID || !comments[0].Held {
			t.Fatalf("the reply as the hub kept it: %+v", comments)
		}
		if shown, _, _ := h.svc.LatestComments(ctx, hub.KindEvent, e.ID, 10); len(shown) != 0 {
			t.Errorf("a held reply is shown: %+v", shown)
		}

		comment := "Spam under our repair café: <not> a real reply & please look."
		r, err := h.svc.ReportRemote(admin, hub.RemoteReport{CommentID: comments[0].ID, Comment: comment})
		if err != nil {
			t.Fatal(err)
		}
		f := p.waitFor("Flag", 1)[0]
		if f.ID != r.ActivityIRI || f.Actor != h.fed.ActorID() {
			t.Errorf("Flag as fedify read it: id %s actor %s, want %s from %s", f.ID, f.Actor, r.ActivityIRI, h.fed.ActorID())
		}
		if want := []string{p.actor, note.NoteID}; !slices.Equal(f.ObjectIDs, want) {
			t.Errorf("the Flag's objects as fedify read them: %q, want %q", f.ObjectIDs, want)
		}
		if f.Content != comment {
			t.Errorf("the Flag's content as fedify read it: %q, want %q", f.Content, comment)
		}

		if err := h.svc.RejectComment(admin, comments[0].ID); err != nil {
			t.Errorf("rejecting the reported reply: %v", err)
		}

		// Unsigned, the same Flag (with a new id, as fedify drops a
		// repeated one) is refused and never reaches a listener.
		forged, _ := json.Marshal(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": r.ActivityIRI + "-forged",
			"type": "Flag", "actor": h.fed.ActorID(), "object": []string{p.actor, note.NoteID}, "content": "forged"})
		resp, err := http.Post(p.base+"/inbox", "application/activity+json", bytes.NewReader(forged))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("an unsigned Flag: %d, want 401", resp.StatusCode)
		}
		if got := p.received("Flag"); len(got) != 1 {
			t.Errorf("the peer recorded %d Flags, want only the signed one", len(got))
		}
	})
}
