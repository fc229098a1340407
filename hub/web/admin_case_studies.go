package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

func (s *Server) caseStudyAdminList(w http.ResponseWriter, r *http.Request) error {
	return adminSearchList(s, w, r, "admin/case_studies", msg("Case studies"), func(ctx context.Context, q string, limit, offset int) ([]*hub.CaseStudy, int, error) {
		return s.svc.ListCaseStudies(ctx, hub.CaseStudyFilter{Query: q, Limit: limit, Offset: offset})
	})
}

// caseStudyItems is the case study editor and delete pages.
func (s *Server) caseStudyItems() *itemEditor[*hub.CaseStudy, caseStudyForm] {
	return &itemEditor[*hub.CaseStudy, caseStudyForm]{
		itemDeleter: itemDeleter[*hub.CaseStudy]{
			s: s, base: "/admin/" + hub.KindCaseStudy.Path(), kind: hub.KindCaseStudy.Info().Noun, deleted: msg("Case study “%s” deleted."),
			find: byID(s.svc.CaseStudy), remove: s.svc.DeleteCaseStudy, name: func(c *hub.CaseStudy) string { return c.Title },
		},
		view: "admin/case_study_form", newTitle: msg("New case study"), editTitle: msg("Edit case study"), saved: msg("Case study “%s” saved."),
		read: readCaseStudyForm, form: caseStudyFormFrom, convert: caseStudyForm.caseStudy,
		store: func(ctx context.Context, id int64, c *hub.CaseStudy, _ caseStudyForm) error {
			if c.ID = id; id == 0 {
				return s.svc.CreateCaseStudy(ctx, c)
			}
			return s.svc.UpdateCaseStudy(ctx, c)
		},
		preview: func(f caseStudyForm) map[string]string {
			return map[string]string{"problem": f.Problem, "approach": f.Approach, "tools": f.Tools, "outcome": f.Outcome, "lessons": f.Lessons}
		},
		extend: func(r *http.Request, fv *formView) error {
			if err := s.withPlaces(r, fv); err != nil {
				return err
			}
			return s.withAdaptable(hub.KindCaseStudy)(r, fv)
		},
		picture: hub.OwnerCaseStudy, idOf: func(c *hub.CaseStudy) int64 { return c.ID },
		editing: func(c *hub.CaseStudy, fv *formView) { fv.ViewURL = uris.Item(hub.KindCaseStudy, c.Slug) },
	}
}

// caseStudyForm is the case study editor.
type caseStudyForm struct {
	Title, Summary, Problem, Approach, Tools, Outcome, Lessons string
	Organisation, PlaceID, Tags, Contact                       string
	AdaptedFrom                                                string // the original's id or address
}

func readCaseStudyForm(r *http.Request) caseStudyForm {
	v := r.PostFormValue
	return caseStudyForm{
		Title: v("title"), Summary: v("summary"), Problem: v("problem"), Approach: v("approach"),
		Tools: v("tools"), Outcome: v("outcome"), Lessons: v("lessons"), Organisation: v("organisation"),
		PlaceID: v("place_id"), Tags: v("tags"), Contact: v("contact"), AdaptedFrom: v("adapted_from"),
	}
}

func caseStudyFormFrom(c *hub.CaseStudy) caseStudyForm {
	f := caseStudyForm{
		Title: c.Title, Summary: c.Summary, Problem: c.Problem, Approach: c.Approach, Tools: c.Tools,
		Outcome: c.Outcome, Lessons: c.Lessons, Organisation: c.Organisation, Tags: strings.Join(c.Tags, ", "),
		Contact: c.Contact, AdaptedFrom: c.AdaptedFrom.Ref(),
	}
	if c.PlaceID != 0 {
		f.PlaceID = strconv.FormatInt(c.PlaceID, 10)
	}
	return f
}

func (f caseStudyForm) caseStudy(tr translator, errs formErrors) *hub.CaseStudy {
	c := &hub.CaseStudy{
		Title: f.Title, Summary: f.Summary, Problem: f.Problem, Approach: f.Approach, Tools: f.Tools,
		Outcome: f.Outcome, Lessons: f.Lessons, Organisation: f.Organisation, Tags: splitList(f.Tags),
		Contact: f.Contact, AdaptedFrom: adaptedFromField(f.AdaptedFrom),
	}
	if f.PlaceID != "" {
		c.PlaceID = placeIDField(f.PlaceID, tr, errs)
	}
	return c
}
