package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.svc.Now()
	occ, err := s.svc.Occurrences(ctx, hub.OccurrenceFilter{From: now, To: now.AddDate(0, 0, 14), Limit: 10})
	if err != nil {
		return err
	}
	_, nEvents, err := s.svc.ListEvents(ctx, hub.EventFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, nGuides, err := s.svc.ListGuides(ctx, hub.GuideFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, nStudies, err := s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Limit: 1})
	if err != nil {
		return err
	}
	fed, err := s.fediverseSummary(r)
	if err != nil {
		return err
	}
	queue, err := s.svc.QueueCounts(ctx)
	if err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
		return err
	}
	return s.adminPage(w, r, "admin/dashboard", s.t(r, "Organiser home"), struct {
		Upcoming                    []hub.Occurrence
		Events, Guides, CaseStudies int
		Fediverse                   *fediverseSummary
		Queue                       hub.QueueCounts
	}{occ, nEvents, nGuides, nStudies, fed, queue})
}
