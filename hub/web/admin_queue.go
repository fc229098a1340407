package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/commonplace-hub/commonplace/hub"
)

// The moderation queue (/admin/queue): readers' event suggestions and
// reports from other servers, each waiting for an organiser's decision.

// queueView is the queue page.
type queueView struct {
	Suggestions []*hub.Suggestion
	Reports     []*hub.Report
	// Pictures need a description, given on /admin/pictures.
	Pictures []describedPicture
	// Comments are replies held for review.
	Comments []*hub.Comment
}

func (s *Server) queueShow(w http.ResponseWriter, r *http.Request) error {
	sgs, err := s.svc.Suggestions(r.Context(), hub.SuggestionPending)
	if err != nil {
		return err
	}
	reports, err := s.svc.Reports(r.Context(), hub.ReportPending)
	if err != nil {
		return err
	}
	pictures, err := s.svc.PicturesWithoutAlt(r.Context())
	if err != nil {
		return err
	}
	held, err := s.svc.HeldComments(r.Context())
	if err != nil {
		return err
	}
	return s.adminPage(w, r, "admin/queue", s.t(r, "Moderation queue"), queueView{sgs, reports, s.describedPictures(r, pictures), held})
}

// suggestionForm is the event form prefilled from the suggestion named
// by ?suggestion=, for approving it; false when there is none.
func (s *Server) suggestionForm(r *http.Request) (eventForm, bool) {
	raw := r.URL.Query().Get("suggestion")
	id, err := strconv.ParseInt(raw, 10, 64)
	if raw == "" || err != nil {
		return eventForm{}, false
	}
	sg, err := s.svc.Suggestion(r.Context(), id)
	if err != nil {
		// Saving will say what is wrong (decided already, gone).
		f := newEventForm(s.svc.Now(), s.settings(r.Context()).TimeZone)
		f.Suggestion = raw
		return f, true
	}
	f := eventFormFrom(sg.Event())
	if sg.Place != "" {
		f.PlaceID, f.PlaceName = "new", sg.Place
	}
	f.Suggestion = raw
	return f, true
}

// approveSuggestion publishes e as the approved suggestion raw.
func (s *Server) approveSuggestion(ctx context.Context, raw string, e *hub.Event) error {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return hub.Errorf(hub.ENOTFOUND, "There is no such suggestion.")
	}
	return s.svc.ApproveSuggestion(ctx, id, e)
}

func (s *Server) suggestionReject(w http.ResponseWriter, r *http.Request) error {
	id, sg, err := itemByID(r, s.svc.Suggestion)
	if err != nil {
		return err
	}
	return s.redirectDone(w, r, s.svc.RejectSuggestion(r.Context(), id), "/admin/queue", s.t(r, "Suggestion “%s” rejected.", sg.Title))
}

// reportDecide dismisses or resolves a report, with the resolution's
// actions ticked on the queue page.
func (s *Server) reportDecide(w http.ResponseWriter, r *http.Request) error {
	id, rep, err := itemByID(r, s.svc.Report)
	if err != nil {
		return err
	}
	switch r.PostFormValue("decision") {
	case "dismiss":
		err = s.svc.DismissReport(r.Context(), id)
	case "resolve":
		err = s.svc.ResolveReport(r.Context(), id, hub.Resolution{
			DeleteComments: r.PostFormValue("delete_comments") != "",
			BlockServers:   r.PostFormValue("block_servers") != "",
		})
	default:
		return hub.Errorf(hub.EINVALID, "Choose to resolve or to dismiss the report.")
	}
	return s.redirectDone(w, r, err, "/admin/queue", s.t(r, "Report from %s closed.", rep.Server))
}

// reportView is the page reporting a remote comment or commons item to
// its server.
type reportView struct {
	Field               string // "comment" or "item"
	ID                  int64
	Title, URL, Actor   string
	Server, ContentHTML string
	Comment             string
	Block               bool
	Errors              formErrors
}

// reportTarget reads what the page or form names (?comment= or ?item=).
func (s *Server) reportTarget(r *http.Request, get func(string) string) (reportView, error) {
	v := reportView{Errors: formErrors{}}
	for _, field := range []string{"comment", "item"} {
		if raw := get(field); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				break
			}
			v.Field, v.ID = field, id
		}
	}
	switch v.Field {
	case "comment":
		c, err := s.svc.Comment(r.Context(), v.ID)
		if err != nil {
			return v, err
		}
		v.Title, v.URL, v.Actor, v.Server, v.ContentHTML = c.Author.DisplayName(), c.URL, c.Author.ActorID, c.Author.Host, c.ContentHTML
	case "item":
		it, err := s.svc.RemoteItem(r.Context(), v.ID)
		if err != nil {
			return v, err
		}
		v.Title, v.URL, v.Actor, v.Server = it.Title, it.URL, it.Origin.ActorID, it.Origin.Host
	default:
		return v, hub.Errorf(hub.ENOTFOUND, "Say which comment or commons item to report.")
	}
	return v, nil
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.reportTarget(r, r.URL.Query().Get)
	if err != nil {
		return err
	}
	return s.adminPage(w, r, "admin/report_form", s.t(r, "Report to its server"), v)
}

func (s *Server) reportSend(w http.ResponseWriter, r *http.Request) error {
	v, err := s.reportTarget(r, r.PostFormValue)
	if err != nil {
		return err
	}
	v.Comment, v.Block = r.PostFormValue("comment"), r.PostFormValue("block") != ""
	in := hub.RemoteReport{Comment: v.Comment, Block: v.Block}
	if v.Field == "comment" {
		in.CommentID = v.ID
	} else {
		in.ItemID = v.ID
	}
	rep, err := s.svc.ReportRemote(r.Context(), in)
	if hub.ErrorCode(err) == hub.EINVALID || hub.ErrorCode(err) == hub.EUNAVAILABLE {
		if !v.Errors.merge(s.translator(r), err) {
			v.Errors["_form"] = s.errorMessage(r, err)
		}
		return s.adminRender(w, r, http.StatusUnprocessableEntity, "admin/report_form", s.t(r, "Report to its server"), v)
	}
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/commons", s.t(r, "Report sent to %s.", rep.Server))
	return nil
}
