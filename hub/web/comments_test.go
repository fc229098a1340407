package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// An item page shows the newest 50 of its visible replies, oldest first,
// and says how many there are: a page with thousands of replies costs
// what one with fifty does (the soak test's hub grew by a megabyte a page
// when every reply was shown).
func TestItemPageShowsTheLatestReplies(t *testing.T) {
	th := newTestHub(t)
	e, g, _ := th.seed()
	store := th.db.Commons()
	for n := 1; n <= 60; n++ {
		c := &hub.Comment{ObjectID: fmt.Sprintf("https://a.example/notes/%d", n), Kind: hub.KindEvent, ItemID: e.ID,
			Author:      hub.Origin{ActorID: "https://a.example/users/ann", Host: "a.example", Username: "ann"},
			ContentHTML: fmt.Sprintf("<p>reply-%d.</p>", n), Published: now.Add(time.Duration(n) * time.Minute)}
		if err := store.SaveComment(th.host(), c, th.srv.URL+"/events/"+e.Slug); err != nil {
			t.Fatal(err)
		}
	}
	r := th.get(th.client(), "/events/"+e.Slug)
	if n := strings.Count(r.body, `<li class="comment"`); n != 50 {
		t.Errorf("the page shows %d replies, want the newest 50", n)
	}
	if !strings.Contains(r.body, "The latest 50 of 60 replies.") {
		t.Error("the page does not say it shows the latest 50 of 60 replies")
	}
	first, last := strings.Index(r.body, "reply-11."), strings.Index(r.body, "reply-60.")
	if strings.Contains(r.body, "reply-10.") || first < 0 || last < first {
		t.Errorf("want replies 11 to 60, oldest first (11 at %d, 60 at %d; 10 shown: %v)", first, last, strings.Contains(r.body, "reply-10."))
	}

	// Fewer than 50: all of them, and no count.
	for n := 1; n <= 3; n++ {
		c := &hub.Comment{ObjectID: fmt.Sprintf("https://a.example/notes/g%d", n), Kind: hub.KindGuide, ItemID: g.ID,
			Author: hub.Origin{ActorID: "https://a.example/users/ann", Host: "a.example"}, ContentHTML: "<p>thanks</p>", Published: now}
		if err := store.SaveComment(th.host(), c, th.srv.URL+"/guides/"+g.Slug); err != nil {
			t.Fatal(err)
		}
	}
	r = th.get(th.client(), "/guides/"+g.Slug)
	if n := strings.Count(r.body, `<li class="comment"`); n != 3 || strings.Contains(r.body, "The latest") {
		t.Errorf("a guide with 3 replies shows %d, or a count: %v", n, strings.Contains(r.body, "The latest"))
	}
}
