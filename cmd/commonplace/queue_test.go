package main

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/internal/picturetest"
)

// The queue commands list, show and decide what the web form and the
// inbox put in the queue (seeded here straight into the database).
func TestQueueCommands(t *testing.T) {
	h := newHubDir(t)
	ctx := context.Background()
	db := h.openDB()
	london, _ := time.LoadLocation("Europe/London")
	start := time.Date(2027, 5, 1, 10, 0, 0, 0, london)
	q := db.Stores().Queue
	for i, title := range []string{"Seed swap", "Spam"} {
		sg := &hub.Suggestion{Title: title, Start: start, End: start.Add(2 * time.Hour), TimeZone: "Europe/London", Place: "Hulme Library",
			Name: "Sam", Email: "sam@example.net", State: hub.SuggestionPending}
		if err := q.CreateSuggestion(ctx, sg, "token"+title, start); err != nil || sg.ID != int64(i+1) {
			t.Fatal(err, sg.ID)
		}
	}
	if err := hub.ReceiveReport(ctx, q, &hub.Report{ActivityIRI: "https://m.example/1", Server: "m.example", Comment: "misinfo"}, start); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out := h.ok("queue", "list")
	for _, want := range []string{"s1", "Seed swap", "s2", "r1", "misinfo", "m.example"} {
		if !strings.Contains(out, want) {
			t.Errorf("queue list lacks %q:\n%s", want, out)
		}
	}
	if out := h.ok("queue", "show", "s1"); !strings.Contains(out, "sam@example.net") || !strings.Contains(out, "Hulme Library") {
		t.Errorf("queue show s1:\n%s", out)
	}
	h.ok("queue", "approve", "s1")
	var ev apijson.Event
	h.okJSON(&ev, "event", "show", "seed-swap")
	if ev.Title != "Seed swap" {
		t.Errorf("approved event %+v", ev)
	}
	h.ok("queue", "reject", "s2")
	h.fail(2, "queue", "reject", "r1")  // not a suggestion
	h.fail(2, "queue", "approve", "x9") // not a queue entry
	h.ok("queue", "resolve", "r1", "--delete-comments")
	if out := h.ok("queue", "list"); !strings.Contains(out, "Nothing is waiting") {
		t.Errorf("after deciding everything:\n%s", out)
	}
	var all apijson.Queue
	h.okJSON(&all, "queue", "list", "--all")
	if len(all.Suggestions) != 2 || len(all.Reports) != 1 || all.Suggestions[0].Email != "" || all.Suggestions[0].DecidedBy == "" ||
		all.Suggestions[1].State != hub.SuggestionRejected || all.Reports[0].State != hub.ReportResolved {
		t.Errorf("queue list --all --json: %+v", all)
	}
	if out := h.fail(1, "queue", "approve", "s1"); !strings.Contains(out, "already decided") {
		t.Errorf("approving twice: %s", out)
	}
}

// A picture without a description is a queue entry (p1) until 'queue
// describe' gives it one.
func TestQueuePicturesCommands(t *testing.T) {
	h := newHubDir(t)
	ctx := context.Background()
	db := h.openDB()
	// The header image, as an older version kept it: no description.
	p, err := hub.ProcessPicture(picturetest.PlainJPEG(800, 200))
	if err != nil {
		t.Fatal(err)
	}
	p.Owner = hub.OwnerHeader
	if err := db.Stores().Pictures.SavePicture(ctx, p); err != nil || p.ID != 1 {
		t.Fatal(err, p.ID)
	}
	db.Close()

	if out := h.ok("queue", "list"); !strings.Contains(out, "p1") || !strings.Contains(out, "picture of the header image") {
		t.Errorf("queue list:\n%s", out)
	}
	if out := h.ok("queue", "show", "p1"); !strings.Contains(out, "800x200") || !strings.Contains(out, "commonplace queue describe p1") {
		t.Errorf("queue show p1:\n%s", out)
	}
	var q apijson.Queue
	h.okJSON(&q, "queue", "list")
	if q.Counts.Pictures != 1 || len(q.Pictures) != 1 || q.Pictures[0].Owner != "header" || q.Pictures[0].Alt != "" {
		t.Errorf("queue list --json: %+v", q)
	}
	h.fail(2, "queue", "approve", "p1") // not a suggestion
	h.fail(2, "queue", "describe", "s1", "x")
	if out := h.fail(1, "queue", "describe", "p1", "  "); !strings.Contains(out, "Describe the picture") {
		t.Errorf("an empty description: %s", out)
	}
	h.fail(1, "queue", "show", "p9")
	h.ok("queue", "describe", "p1", "The high street in the rain")
	if out := h.ok("queue", "list"); !strings.Contains(out, "Nothing is waiting") {
		t.Errorf("after describing:\n%s", out)
	}
	h.fail(1, "queue", "show", "p1")
}

// Replies held for review are queue entries c1, c2...: shown, approved
// or rejected from the command line; 'block hold-replies' turns holding
// on and off.
func TestQueueHeldRepliesCommands(t *testing.T) {
	h := newHubDir(t)
	ctx := context.Background()
	db := h.openDB()
	for i, text := range []string{"<p>cheap pills</p>", "<p>more pills</p>"} {
		c := &hub.Comment{ObjectID: "https://strangers.example/notes/" + strconv.Itoa(i), Kind: hub.KindEvent, ItemID: 1, ContentHTML: text,
			Published: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC), Held: true,
			Author: hub.Origin{ActorID: "https://strangers.example/users/eve", Username: "eve", Host: "strangers.example"}}
		if err := db.Commons().SaveComment(ctx, c, "https://hub.example/events/x"); err != nil || c.ID != int64(i+1) {
			t.Fatal(err, c.ID)
		}
	}
	// As a hub that has served (its keys made, its address recorded): the
	// command line then changes the policy.
	base, _ := url.Parse("https://hub.example")
	if _, err := federation.New(ctx, federation.Config{Content: hub.NewReader(db.Stores()), Store: db.Federation(), Commons: db.Commons(), BaseURL: base}); err != nil {
		t.Fatal(err)
	}
	if err := db.Federation().SavePublicURL(ctx, base.String()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if out := h.ok("queue", "list"); !strings.Contains(out, "c1") || !strings.Contains(out, "cheap pills") || !strings.Contains(out, "@eve@strangers.example") {
		t.Errorf("queue list:\n%s", out)
	}
	if out := h.ok("queue", "show", "c2"); !strings.Contains(out, "more pills") || !strings.Contains(out, "held for review") {
		t.Errorf("queue show c2:\n%s", out)
	}
	var q apijson.Queue
	h.okJSON(&q, "queue", "list")
	if q.Counts.Comments != 2 || len(q.Comments) != 2 || !q.Comments[0].Held {
		t.Errorf("queue list --json: %+v", q)
	}
	h.ok("queue", "approve", "c1")
	h.ok("queue", "reject", "c2")
	h.fail(1, "queue", "approve", "c1") // no longer held
	h.fail(1, "queue", "show", "c1")
	if out := h.ok("queue", "list"); !strings.Contains(out, "Nothing is waiting") {
		t.Errorf("after deciding:\n%s", out)
	}

	h.fail(2, "block", "hold-replies", "maybe")
	h.ok("block", "hold-replies", "on")
	var pol hub.Policy
	h.okJSON(&pol, "block", "list")
	if !pol.HoldReplies {
		t.Errorf("after hold-replies on: %+v", pol)
	}
	h.ok("block", "hold-replies", "off")
	h.okJSON(&pol, "block", "list")
	if pol.HoldReplies {
		t.Errorf("after hold-replies off: %+v", pol)
	}
}
