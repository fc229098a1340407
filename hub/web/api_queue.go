package web

import (
	"context"
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// The moderation queue over the API: list, and decide on suggestions and
// reports. Editors and admins (blocking a server: admins).

// queueStates are the states GET /queue takes; "all" lists every one.
// Pictures needing a description and replies held for review are listed
// with what is pending ("+"): a decided one leaves the queue.
var queueStates = map[string][3]string{
	"":          {hub.SuggestionPending, hub.ReportPending, "+"},
	"pending":   {hub.SuggestionPending, hub.ReportPending, "+"},
	"all":       {"", "", "+"},
	"approved":  {hub.SuggestionApproved, "-", "-"},
	"rejected":  {hub.SuggestionRejected, "-", "-"},
	"dismissed": {"-", hub.ReportDismissed, "-"},
	"resolved":  {"-", hub.ReportResolved, "-"},
	"sent":      {"-", hub.ReportSent, "-"},
}

func (s *Server) apiQueue(w http.ResponseWriter, r *http.Request) error {
	states, ok := queueStates[r.URL.Query().Get("state")]
	if !ok {
		return hub.Errorf(hub.EINVALID, "Ask for state pending, all, approved, rejected, dismissed, resolved or sent.")
	}
	ctx := r.Context()
	counts, err := s.svc.QueueCounts(ctx)
	if err != nil {
		return err
	}
	var sgs []*hub.Suggestion
	var reports []*hub.Report
	var pictures []*hub.Picture
	if states[0] != "-" {
		if sgs, err = s.svc.Suggestions(ctx, states[0]); err != nil {
			return err
		}
	}
	if states[1] != "-" {
		if reports, err = s.svc.Reports(ctx, states[1]); err != nil {
			return err
		}
	}
	var held []*hub.Comment
	if states[2] != "-" {
		if pictures, err = s.svc.PicturesWithoutAlt(ctx); err != nil {
			return err
		}
		if held, err = s.svc.HeldComments(ctx); err != nil {
			return err
		}
	}
	enc := s.enc()
	return writeJSON(w, http.StatusOK, apijson.Queue{Counts: counts, Suggestions: apijson.Each(sgs, enc.Suggestion),
		Reports: apijson.Each(reports, enc.Report), Pictures: apijson.Each(pictures, enc.Picture), Comments: apijson.NonNil(held)})
}

func (s *Server) apiSuggestionGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Suggestion, s.enc().Suggestion)
}

// apiSuggestionApprove publishes a suggestion: as suggested when the body
// is empty, or as the event the body describes (the event shape).
func (s *Server) apiSuggestionApprove(w http.ResponseWriter, r *http.Request) error {
	id, sg, err := itemByID(r, s.svc.Suggestion)
	if err != nil {
		return err
	}
	e := sg.Event()
	if r.ContentLength != 0 {
		var in apijson.Event
		if err := readJSON(r, &in); err != nil {
			return err
		}
		if e, err = s.eventIn(r.Context(), &in); err != nil {
			return err
		}
	}
	if err := s.svc.ApproveSuggestion(r.Context(), id, e); err != nil {
		return err
	}
	saved, err := s.svc.Event(r.Context(), e.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/events/"+itoa64(e.ID))
	return writeJSON(w, http.StatusCreated, s.eventOut(saved))
}

func (s *Server) apiSuggestionReject(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.RejectSuggestion)
}

func (s *Server) apiReportGet(w http.ResponseWriter, r *http.Request) error {
	return apiGetByID(w, r, s.svc.Report, s.enc().Report)
}

func (s *Server) apiReportDismiss(w http.ResponseWriter, r *http.Request) error {
	return apiDeleteByID(w, r, s.svc.DismissReport)
}

// apiReportResolve closes a report, doing what the body asks
// (hub.Resolution; an empty body does nothing more).
func (s *Server) apiReportResolve(w http.ResponseWriter, r *http.Request) error {
	var res hub.Resolution
	if r.ContentLength != 0 {
		if err := readJSON(r, &res); err != nil {
			return err
		}
	}
	return apiDeleteByID(w, r, func(ctx context.Context, id int64) error { return s.svc.ResolveReport(ctx, id, res) })
}

// apiReportSend reports a remote comment or commons item to its server
// (hub.RemoteReport): 201 with the report as sent.
func (s *Server) apiReportSend(w http.ResponseWriter, r *http.Request) error {
	var in hub.RemoteReport
	if err := readJSON(r, &in); err != nil {
		return err
	}
	rep, err := s.svc.ReportRemote(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/queue/reports/"+itoa64(rep.ID))
	return writeJSON(w, http.StatusCreated, s.enc().Report(rep))
}
