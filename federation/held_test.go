package federation_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// With "hold replies" on, a reply from a server the hub follows nobody on
// is kept hidden and waits in the queue until an organiser approves it
// (it shows) or rejects it (it is deleted); replies from a followed
// server, and every reply while the setting is off, show at once. An
// update of a held reply stays held.
func TestRepliesHeldForReview(t *testing.T) {
	h := newHub(t)
	friends, strangers := newFediverse(t), newFediverse(t)
	bob, eve := friends.actor("bob", true), strangers.actor("eve", true)
	e := h.repairCafe()
	n := 0
	reply := func(f *fediverse, a *remoteActor, typ, id, content string) *hub.Comment {
		t.Helper()
		if id == "" {
			n++
			id = a.id(f) + "/statuses/" + strconv.Itoa(n)
		}
		if resp := h.reply(f, a, typ, id, "/events/"+e.Slug, content); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: %d", typ, resp.StatusCode)
		}
		return h.keptReply(t, id)
	}
	admin := h.admin()
	visible := func() map[string]bool {
		cs, err := h.svc.Comments(context.Background(), hub.KindEvent, e.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, c := range cs {
			out[c.ObjectID] = true
		}
		return out
	}

	before := reply(strangers, eve, "Create", "", "<p>before</p>")
	if before.Held || !visible()[before.ObjectID] {
		t.Fatalf("with the setting off a reply is held: %+v", before)
	}
	editor := hub.WithOrganiser(context.Background(), &hub.Organiser{ID: 2, Name: "Eddie", Role: hub.RoleEditor})
	if err := h.svc.SetHoldReplies(editor, true); hub.ErrorCode(err) != hub.EFORBIDDEN {
		t.Errorf("an editor turned holding on: %v", err)
	}
	if err := h.svc.SetHoldReplies(admin, true); err != nil {
		t.Fatal(err)
	}
	if pol, _ := h.svc.ModerationPolicy(admin); !pol.HoldReplies {
		t.Errorf("policy %+v", pol)
	}
	if _, err := h.svc.FollowPeer(admin, bob.id(friends)); err != nil {
		t.Fatal(err)
	}

	held := reply(strangers, eve, "Create", "", "<p>cheap pills</p>")
	friendly := reply(friends, bob, "Create", "", "<p>see you there</p>")
	if !held.Held || !held.Hidden || friendly.Held {
		t.Errorf("held %+v, from a followed server %+v", held, friendly)
	}
	if v := visible(); v[held.ObjectID] || !v[friendly.ObjectID] || !v[before.ObjectID] {
		t.Errorf("readers see %v", v)
	}
	if again := reply(strangers, eve, "Update", held.ObjectID, "<p>cheap pills, edited</p>"); !again.Held || visible()[held.ObjectID] {
		t.Errorf("an update let a held reply out: %+v", again)
	}
	list, err := h.svc.HeldComments(admin)
	if err != nil || len(list) != 1 || list[0].ID != held.ID {
		t.Fatalf("held comments %v %v", list, err)
	}
	if c, _ := h.svc.QueueCounts(admin); c.Comments != 1 || c.Total() != 1 {
		t.Errorf("queue counts %+v", c)
	}

	if err := h.svc.RejectComment(admin, friendly.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("rejecting a reply that is not held: %v", err)
	}
	if err := h.svc.ApproveComment(admin, held.ID); err != nil {
		t.Fatal(err)
	}
	if !visible()[held.ObjectID] {
		t.Error("an approved reply is not shown")
	}
	if err := h.svc.ApproveComment(admin, held.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("approving twice: %v", err)
	}
	spam := reply(strangers, eve, "Create", "", "<p>more pills</p>")
	if err := h.svc.RejectComment(admin, spam.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Commons().CommentByObject(h.host(), spam.ObjectID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("a rejected reply is still kept: %v", err)
	}
	if c, _ := h.svc.QueueCounts(admin); c.Comments != 0 {
		t.Errorf("queue counts after deciding %+v", c)
	}
	if err := h.svc.SetHoldReplies(admin, false); err != nil {
		t.Fatal(err)
	}
	if after := reply(strangers, eve, "Create", "", "<p>after</p>"); after.Held {
		t.Errorf("with the setting off again a reply is held")
	}
}
