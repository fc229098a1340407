package federation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/commonplace-hub/commonplace/internal/testkit"
)

// What the hub sends must be valid ActivityStreams to an independent Go
// implementation: go-fed/activity's typed vocabulary (the design card's
// AS2 library, used here as a checker so its size stays out of the
// binary) resolves each document to the expected type and values.
func TestSentDocumentsParseWithGoFed(t *testing.T) {
	h := newHub(t)
	f := newFediverse(t)
	h.follow(f, f.actor("gofed", false))
	e := h.event("Repair café", time.Date(2026, 12, 8, 19, 0, 0, 0, london), "")
	g := &hubGuide{h}
	g.create(t)
	waitFor(t, "three Creates", func() bool { return len(f.deliveries("Create")) == 3 })

	ctx := context.Background()
	toType := func(raw []byte) vocab.Type {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		v, err := streams.ToType(ctx, m)
		if err != nil {
			t.Fatalf("go-fed cannot read %s: %v", raw, err)
		}
		return v
	}

	// The actor.
	actorRaw := testkit.GetActivityJSON(t, h.base+"/actor")
	group, ok := toType(actorRaw).(vocab.ActivityStreamsGroup)
	if !ok {
		t.Fatalf("actor is not a Group to go-fed")
	}
	if group.GetActivityStreamsInbox().GetIRI().String() != h.actorID()+"/inbox" ||
		group.GetW3IDSecurityV1PublicKey().Len() != 1 {
		t.Errorf("go-fed reads inbox %v and %d keys", group.GetActivityStreamsInbox(), group.GetW3IDSecurityV1PublicKey().Len())
	}

	// The Creates: one Event, two Articles.
	kinds := map[string]int{}
	for _, d := range f.deliveries("Create") {
		create, ok := toType(d.Raw).(vocab.ActivityStreamsCreate)
		if !ok {
			t.Fatalf("not a Create to go-fed: %s", d.Raw)
		}
		if create.GetActivityStreamsActor().At(0).GetIRI().String() != h.actorID() {
			t.Errorf("actor %v", create.GetActivityStreamsActor().At(0))
		}
		obj := create.GetActivityStreamsObject().At(0)
		switch {
		case obj.IsActivityStreamsEvent():
			kinds["Event"]++
			ev := obj.GetActivityStreamsEvent()
			if ev.GetActivityStreamsName().At(0).GetXMLSchemaString() != e.Title {
				t.Errorf("event name %v", ev.GetActivityStreamsName())
			}
			if st := ev.GetActivityStreamsStartTime(); st == nil || !st.Get().Equal(e.Start) {
				t.Errorf("startTime %v, want %v", st, e.Start)
			}
			if ev.GetActivityStreamsLocation().At(0).GetActivityStreamsPlace() == nil {
				t.Errorf("location is not a Place to go-fed")
			}
		case obj.IsActivityStreamsArticle():
			kinds["Article"]++
			if obj.GetActivityStreamsArticle().GetActivityStreamsSummary().Len() != 1 {
				t.Errorf("article without summary")
			}
		default:
			t.Errorf("object type %s", obj.GetType().GetTypeName())
		}
	}
	if kinds["Event"] != 1 || kinds["Article"] != 2 {
		t.Errorf("kinds %v", kinds)
	}
	// The Accept.
	if _, ok := toType(f.deliveries("Accept")[0].Raw).(vocab.ActivityStreamsAccept); !ok {
		t.Error("Accept is not an Accept to go-fed")
	}
}

// getWith fetches u asking for accept; it returns the answer, its body
// read and closed, and the body.
func getWith(t testing.TB, u, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", accept)
	return testkit.Do(t, nil, req)
}
