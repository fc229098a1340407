package web

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/commonplace-hub/commonplace/hub"
)

// The network page's drawings: server-rendered SVG, no script, laid out
// deterministically. They are an extra for sighted readers: each is an
// image with a title and a description, and the table beside it says the
// same in words.

const (
	drawingSize     = 600 // the drawings' viewBox is drawingSize square
	maxDrawnHubs    = 24  // peers drawn on the inner ring
	maxDrawnSuggest = 24  // suggested hubs drawn on the outer ring
	drawnLabelRunes = 22
)

// drawing is one SVG's content.
type drawing struct {
	Nodes  []drawnNode
	Edges  []drawnEdge
	Drawn  int // hubs drawn, this one aside
	Of     int // hubs there are
	Mapped bool
}

type drawnNode struct {
	X, Y   string
	Label  string
	Class  string // "self", "peer", "peer shared" or "suggested"
	LabelX string
	Anchor string // text-anchor
}

type drawnEdge struct {
	X1, Y1, X2, Y2 string
	Class          string // "follows", "mutual" or "suggests"
}

func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func label(s string) string {
	if utf8.RuneCountInString(s) <= drawnLabelRunes {
		return s
	}
	return string([]rune(s)[:drawnLabelRunes-1]) + "…"
}

// ringPoint is the i-th of n points on a circle of radius r about the
// centre, the first at the top.
func ringPoint(i, n int, r float64) (float64, float64) {
	a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(max(n, 1))
	return drawingSize/2 + r*math.Cos(a), drawingSize/2 + r*math.Sin(a)
}

func node(x, y float64, name, class string) drawnNode {
	n := drawnNode{X: coord(x), Y: coord(y), Label: label(name), Class: class, LabelX: coord(x + 10), Anchor: "start"}
	if x < drawingSize/2-1 {
		n.LabelX, n.Anchor = coord(x-10), "end"
	}
	return n
}

// networkGraph draws this hub in the middle, the hubs of its network on a
// ring around it (marked when they share a topic), and the suggested hubs
// on an outer ring, with who follows whom.
func networkGraph(site string, n *hub.Network) *drawing {
	if len(n.Hubs) == 0 {
		return nil
	}
	hubs, sugg := n.Hubs[:min(len(n.Hubs), maxDrawnHubs)], n.Suggested[:min(len(n.Suggested), maxDrawnSuggest)]
	d := &drawing{Drawn: len(hubs) + len(sugg), Of: len(n.Hubs) + len(n.Suggested)}
	c := float64(drawingSize / 2)
	d.Nodes = append(d.Nodes, node(c, c, site, "self"))
	at := map[string][2]float64{}
	for i, h := range hubs {
		x, y := ringPoint(i, len(hubs), 150)
		at[h.ActorID] = [2]float64{x, y}
		class := "peer"
		if len(h.TopicsInCommon) > 0 {
			class = "peer shared"
		}
		edge := "follows"
		if h.WeFollow && h.FollowsUs {
			edge = "mutual"
		}
		d.Edges = append(d.Edges, drawnEdge{coord(c), coord(c), coord(x), coord(y), edge})
		d.Nodes = append(d.Nodes, node(x, y, h.DisplayName(), class))
	}
	for i, s := range sugg {
		x, y := ringPoint(i, len(sugg), 255)
		for _, by := range s.FollowedBy {
			if p, ok := at[by.ActorID]; ok {
				d.Edges = append(d.Edges, drawnEdge{coord(p[0]), coord(p[1]), coord(x), coord(y), "suggests"})
			}
		}
		d.Nodes = append(d.Nodes, node(x, y, s.DisplayName(), "suggested"))
	}
	return d
}

// networkMap places the hubs that give coordinates by position: an
// equirectangular projection of the box around them, corrected for
// latitude, no map tiles. Nil when fewer than two places are known.
func networkMap(site string, self hub.Area, n *hub.Network) *drawing {
	type placed struct {
		name, class string
		a           hub.Area
	}
	var ps []placed
	if self.HasPosition() {
		ps = append(ps, placed{site, "self", self})
	}
	for _, h := range n.Hubs[:min(len(n.Hubs), 2*maxDrawnHubs)] {
		if h.Area.HasPosition() {
			ps = append(ps, placed{h.DisplayName(), "peer", h.Area})
		}
	}
	for _, s := range n.Suggested[:min(len(n.Suggested), maxDrawnSuggest)] {
		if s.Area.HasPosition() {
			ps = append(ps, placed{s.DisplayName(), "suggested", s.Area})
		}
	}
	if len(ps) < 2 {
		return nil
	}
	minLat, maxLat, minLon, maxLon := 90.0, -90.0, 180.0, -180.0
	for _, p := range ps {
		minLat, maxLat = math.Min(minLat, *p.a.Latitude), math.Max(maxLat, *p.a.Latitude)
		minLon, maxLon = math.Min(minLon, *p.a.Longitude), math.Max(maxLon, *p.a.Longitude)
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180) // a degree of longitude, in degrees of latitude
	w, h := math.Max((maxLon-minLon)*k, 1e-3), math.Max(maxLat-minLat, 1e-3)
	scale := (drawingSize - 160) / math.Max(w, h)
	d := &drawing{Mapped: true, Drawn: len(ps), Of: len(n.Hubs) + len(n.Suggested) + 1}
	for _, p := range ps {
		x := 80 + (*p.a.Longitude-minLon)*k*scale + (drawingSize-160-w*scale)/2
		y := 80 + (maxLat-*p.a.Latitude)*scale + (drawingSize-160-h*scale)/2
		d.Nodes = append(d.Nodes, node(x, y, p.name, p.class))
	}
	return d
}
