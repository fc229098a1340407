package web

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

func pos(lat, lon float64) hub.Area { return hub.Area{Latitude: &lat, Longitude: &lon} }

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The drawings are the same for the same network, stay inside their
// box, put north at the top, clip long names, and are bounded.
func TestNetworkDrawings(t *testing.T) {
	var n hub.Network
	for i := 0; i < 40; i++ {
		h := hub.NetworkHub{Origin: hub.Origin{ActorID: "https://h" + strconv.Itoa(i) + ".example/actor", Name: "Hub " + strconv.Itoa(i) + strings.Repeat(" long", 10)}, WeFollow: true}
		if i%2 == 0 {
			h.Area = pos(53+float64(i)/10, -2-float64(i)/10)
			h.TopicsInCommon = []hub.Tag{{Slug: "repair", Name: "repair"}}
		}
		n.Hubs = append(n.Hubs, h)
		n.Suggested = append(n.Suggested, hub.SuggestedHub{Origin: hub.Origin{ActorID: "https://s" + strconv.Itoa(i) + ".example/actor", Name: "S"}, FollowedBy: []hub.Origin{h.Origin}})
	}
	g := networkGraph("Here", &n)
	if !reflect.DeepEqual(g, networkGraph("Here", &n)) {
		t.Error("the graph differs between two drawings of one network")
	}
	if g.Drawn != maxDrawnHubs+maxDrawnSuggest || g.Of != 80 || len(g.Nodes) != 1+g.Drawn || g.Nodes[0].Class != "self" {
		t.Errorf("graph: %d of %d drawn, %d nodes", g.Drawn, g.Of, len(g.Nodes))
	}
	shared := 0
	for _, nd := range g.Nodes {
		x, y := num(t, nd.X), num(t, nd.Y)
		if x < 0 || y < 0 || x > drawingSize || y > drawingSize || len([]rune(nd.Label)) > drawnLabelRunes {
			t.Errorf("node %+v outside the box or with a long label", nd)
		}
		if nd.Class == "peer shared" {
			shared++
		}
	}
	if shared != maxDrawnHubs/2 {
		t.Errorf("%d hubs marked as sharing a topic, want %d", shared, maxDrawnHubs/2)
	}
	if networkGraph("Here", &hub.Network{}) != nil {
		t.Error("a graph of an empty network")
	}

	m := networkMap("Here", pos(52, -1), &n)
	if m == nil || m.Drawn != 1+20 { // here and the 20 hubs with a position
		t.Fatalf("map: %+v", m)
	}
	// Here (52, -1) is the southernmost and easternmost: lowest and rightmost.
	for _, nd := range m.Nodes[1:] {
		if num(t, nd.Y) >= num(t, m.Nodes[0].Y) || num(t, nd.X) >= num(t, m.Nodes[0].X) {
			t.Errorf("%s at (%s, %s) is not north-west of here at (%s, %s)", nd.Label, nd.X, nd.Y, m.Nodes[0].X, m.Nodes[0].Y)
		}
	}
	if networkMap("Here", hub.Area{}, &hub.Network{Hubs: n.Hubs[:1]}) != nil {
		t.Error("a map of one place")
	}
}
