package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

func (s *Server) caseStudyAdminList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	studies, total, err := s.svc.ListCaseStudies(r.Context(), hub.CaseStudyFilter{Query: q, Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Case studies"), struct {
		CaseStudies []*hub.CaseStudy
		Query       string
		Pager       pager
	}{studies, q, newPager(page, total)})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/case_studies", p)
}

func caseStudyAction(id int64) string {
	if id == 0 {
		return "/admin/case-studies/new"
	}
	return "/admin/case-studies/" + strconv.FormatInt(id, 10) + "/edit"
}

func (s *Server) caseStudyFormView(r *http.Request, f caseStudyForm, id int64) (formView, error) {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return formView{}, err
	}
	return formView{Form: f, ID: id, Action: caseStudyAction(id), Places: places}, nil
}

func (s *Server) caseStudyNew(w http.ResponseWriter, r *http.Request) error {
	fv, err := s.caseStudyFormView(r, caseStudyForm{}, 0)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/case_study_form", "New case study", fv)
}

func (s *Server) caseStudyCreate(w http.ResponseWriter, r *http.Request) error {
	return s.caseStudySave(w, r, 0)
}

func (s *Server) caseStudyEdit(w http.ResponseWriter, r *http.Request) error {
	id, c, err := itemByID(r, s.svc.CaseStudy)
	if err != nil {
		return err
	}
	fv, err := s.caseStudyFormView(r, caseStudyFormFrom(c), id)
	if err != nil {
		return err
	}
	fv.ViewURL = "/case-studies/" + c.Slug
	return s.renderForm(w, r, http.StatusOK, "admin/case_study_form", "Edit case study", fv)
}

func (s *Server) caseStudyUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.caseStudySave(w, r, id)
}

func (s *Server) caseStudySave(w http.ResponseWriter, r *http.Request, id int64) error {
	f := readCaseStudyForm(r)
	title := "New case study"
	if id != 0 {
		title = "Edit case study"
	}
	fv, err := s.caseStudyFormView(r, f, id)
	if err != nil {
		return err
	}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{}
		for k, v := range map[string]string{"problem": f.Problem, "approach": f.Approach, "tools": f.Tools, "outcome": f.Outcome, "lessons": f.Lessons} {
			fv.Preview[k] = s.md.render(v)
		}
		return s.renderForm(w, r, http.StatusOK, "admin/case_study_form", title, fv)
	}
	fv.Errors = formErrors{}
	c := f.caseStudy(fv.Errors)
	if len(fv.Errors) > 0 {
		if err := c.Validate(); err != nil {
			fv.Errors.merge(err)
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/case_study_form", title, fv)
	}
	c.ID = id
	if id == 0 {
		err = s.svc.CreateCaseStudy(r.Context(), c)
	} else {
		err = s.svc.UpdateCaseStudy(r.Context(), c)
	}
	if err != nil {
		return s.failedForm(w, r, err, "admin/case_study_form", title, fv)
	}
	s.redirectWithFlash(w, r, "/admin/case-studies", s.t(r, "Case study “%s” saved.", c.Title))
	return nil
}

func (s *Server) caseStudyDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, c, err := itemByID(r, s.svc.CaseStudy)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "case study", Name: c.Title, Action: r.URL.Path, Back: "/admin/case-studies"})
}

func (s *Server) caseStudyDelete(w http.ResponseWriter, r *http.Request) error {
	id, c, err := itemByID(r, s.svc.CaseStudy)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteCaseStudy(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/case-studies", s.t(r, "Case study “%s” deleted.", c.Title))
	return nil
}

// caseStudyForm is the case study editor.
type caseStudyForm struct {
	Title, Summary, Problem, Approach, Tools, Outcome, Lessons string
	Organisation, PlaceID, Tags, Contact                       string
}

func readCaseStudyForm(r *http.Request) caseStudyForm {
	v := r.PostFormValue
	return caseStudyForm{
		Title: v("title"), Summary: v("summary"), Problem: v("problem"), Approach: v("approach"),
		Tools: v("tools"), Outcome: v("outcome"), Lessons: v("lessons"), Organisation: v("organisation"),
		PlaceID: v("place_id"), Tags: v("tags"), Contact: v("contact"),
	}
}

func caseStudyFormFrom(c *hub.CaseStudy) caseStudyForm {
	f := caseStudyForm{
		Title: c.Title, Summary: c.Summary, Problem: c.Problem, Approach: c.Approach, Tools: c.Tools,
		Outcome: c.Outcome, Lessons: c.Lessons, Organisation: c.Organisation, Tags: strings.Join(c.Tags, ", "),
		Contact: c.Contact,
	}
	if c.PlaceID != 0 {
		f.PlaceID = strconv.FormatInt(c.PlaceID, 10)
	}
	return f
}

func (f caseStudyForm) caseStudy(errs formErrors) *hub.CaseStudy {
	c := &hub.CaseStudy{
		Title: f.Title, Summary: f.Summary, Problem: f.Problem, Approach: f.Approach, Tools: f.Tools,
		Outcome: f.Outcome, Lessons: f.Lessons, Organisation: f.Organisation, Tags: splitList(f.Tags),
		Contact: f.Contact,
	}
	if f.PlaceID != "" {
		id, err := strconv.ParseInt(f.PlaceID, 10, 64)
		if err != nil {
			errs["place_id"] = "Choose a place from the list."
		}
		c.PlaceID = id
	}
	return c
}
