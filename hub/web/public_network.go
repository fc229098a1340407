package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- the network: the hubs around this one ----

// networkView is what public/network and admin/network show.
type networkView struct {
	*hub.Network
	Area      hub.Area // this hub's
	CanFollow bool     // admin page, for admins
	// Graph and Map are the drawings (network_drawing.go); nil when
	// there is nothing to draw.
	Graph, Map *drawing
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Network(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "The network"), nil)
	p.Section = "commons"
	p.Description = s.t(r, "The hubs %s follows and that follow it, what they share, and the hubs they follow.", p.Site.Name)
	p.Data = networkView{Network: n, Area: p.Site.Area, Graph: networkGraph(p.Site.Name, n), Map: networkMap(p.Site.Name, p.Site.Area, n)}
	return s.views.render(w, http.StatusOK, "public/network", p)
}

func (s *Server) networkAdmin(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.Network(r.Context())
	if err != nil {
		return err
	}
	st, err := s.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	v := networkView{Network: n, Area: st.Area, CanFollow: hub.OrganiserFrom(r.Context()).IsAdmin()}
	return s.adminPage(w, r, "admin/network", s.t(r, "The network"), v)
}
