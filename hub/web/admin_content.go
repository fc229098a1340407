package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- guides ----

func (s *Server) guideAdminList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	guides, total, err := s.svc.ListGuides(r.Context(), hub.GuideFilter{Query: q, Limit: listPageSize, Offset: (page - 1) * listPageSize})
	if err != nil {
		return err
	}
	p := s.page(r, "Guides", struct {
		Guides []*hub.Guide
		Query  string
		Pager  pager
	}{guides, q, newPager(page, total)})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/guides", p)
}

func guideAction(id int64) string {
	if id == 0 {
		return "/admin/guides/new"
	}
	return "/admin/guides/" + strconv.FormatInt(id, 10) + "/edit"
}

func (s *Server) guideNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, r, http.StatusOK, "admin/guide_form", "New guide", formView{Form: guideForm{}, Action: guideAction(0)})
}

func (s *Server) guideCreate(w http.ResponseWriter, r *http.Request) error {
	return s.guideSave(w, r, 0)
}

func (s *Server) guideEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	g, err := s.svc.Guide(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/guide_form", "Edit guide", formView{Form: guideFormFrom(g), ID: id, Action: guideAction(id), ViewURL: "/guides/" + g.Slug})
}

func (s *Server) guideUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.guideSave(w, r, id)
}

func (s *Server) guideSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f := readGuideForm(r)
	title := "New guide"
	if id != 0 {
		title = "Edit guide"
	}
	fv := formView{Form: f, ID: id, Action: guideAction(id)}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{"body": s.md.render(f.Body)}
		return s.renderForm(w, r, http.StatusOK, "admin/guide_form", title, fv)
	}
	g := f.guide()
	g.ID = id
	var err error
	if id == 0 {
		err = s.svc.CreateGuide(r.Context(), g)
	} else {
		err = s.svc.UpdateGuideWithNote(r.Context(), g, f.Note)
	}
	if err != nil {
		return s.failedForm(w, r, err, "admin/guide_form", title, fv)
	}
	s.redirectWithFlash(w, r, "/admin/guides", "Guide “"+g.Title+"” saved.")
	return nil
}

func (s *Server) guideDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	g, err := s.svc.Guide(r.Context(), id)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "guide", Name: g.Title, Action: r.URL.Path, Back: "/admin/guides",
		Consequence: "Its earlier versions will be deleted too."})
}

func (s *Server) guideDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	g, err := s.svc.Guide(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteGuide(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/guides", "Guide “"+g.Title+"” deleted.")
	return nil
}

func (s *Server) guideRevisions(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	g, err := s.svc.Guide(r.Context(), id)
	if err != nil {
		return err
	}
	revs, err := s.svc.GuideRevisions(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.page(r, "Versions of “"+g.Title+"”", struct {
		Guide     *hub.Guide
		Revisions []*hub.GuideRevision
	}{g, revs})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/guide_revisions", p)
}

// revisionParams reads a guide ID and revision number from the path.
func revisionParams(r *http.Request) (id int64, n int, err error) {
	if id, err = idParam(r); err != nil {
		return 0, 0, err
	}
	n, err = strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n < 1 {
		return 0, 0, hub.Errorf(hub.ENOTFOUND, "There is no such version.")
	}
	return id, n, nil
}

func (s *Server) guideRevisionShow(w http.ResponseWriter, r *http.Request) error {
	id, n, err := revisionParams(r)
	if err != nil {
		return err
	}
	g, err := s.svc.Guide(r.Context(), id)
	if err != nil {
		return err
	}
	rev, err := s.svc.GuideRevision(r.Context(), id, n)
	if err != nil {
		return err
	}
	p := s.page(r, fmt.Sprintf("Version %d of “%s”", n, g.Title), struct {
		Guide    *hub.Guide
		Revision *hub.GuideRevision
	}{g, rev})
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/guide_revision", p)
}

func (s *Server) guideRevisionRestore(w http.ResponseWriter, r *http.Request) error {
	id, n, err := revisionParams(r)
	if err != nil {
		return err
	}
	g, err := s.svc.RestoreGuideRevision(r.Context(), id, n)
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/admin/guides/%d/revisions", id), fmt.Sprintf("Version %d restored: “%s” is now version %d.", n, g.Title, g.Revision))
	return nil
}

// ---- case studies ----

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
	p := s.page(r, "Case studies", struct {
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
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.CaseStudy(r.Context(), id)
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
	s.redirectWithFlash(w, r, "/admin/case-studies", "Case study “"+c.Title+"” saved.")
	return nil
}

func (s *Server) caseStudyDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.CaseStudy(r.Context(), id)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "case study", Name: c.Title, Action: r.URL.Path, Back: "/admin/case-studies"})
}

func (s *Server) caseStudyDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.svc.CaseStudy(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteCaseStudy(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/case-studies", "Case study “"+c.Title+"” deleted.")
	return nil
}

// ---- places ----

func (s *Server) placeAdminList(w http.ResponseWriter, r *http.Request) error {
	places, err := s.svc.ListPlaces(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, "Places", places)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/places", p)
}

func placeAction(id int64) string {
	if id == 0 {
		return "/admin/places/new"
	}
	return "/admin/places/" + strconv.FormatInt(id, 10) + "/edit"
}

func (s *Server) placeNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderForm(w, r, http.StatusOK, "admin/place_form", "New place", formView{Form: placeForm{}, Action: placeAction(0)})
}

func (s *Server) placeCreate(w http.ResponseWriter, r *http.Request) error {
	return s.placeSave(w, r, 0)
}

func (s *Server) placeEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	pl, err := s.svc.Place(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/place_form", "Edit place", formView{Form: placeFormFrom(pl), ID: id, Action: placeAction(id), ViewURL: "/places/" + pl.Slug})
}

func (s *Server) placeUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	return s.placeSave(w, r, id)
}

func (s *Server) placeSave(w http.ResponseWriter, r *http.Request, id int64) error {
	f := readPlaceForm(r)
	title := "New place"
	if id != 0 {
		title = "Edit place"
	}
	fv := formView{Form: f, ID: id, Action: placeAction(id), Errors: formErrors{}}
	if isPreview(r) {
		fv.Preview = map[string]template.HTML{"description": s.md.render(f.Description)}
		return s.renderForm(w, r, http.StatusOK, "admin/place_form", title, fv)
	}
	pl := f.place(fv.Errors)
	if len(fv.Errors) > 0 {
		if err := pl.Validate(); err != nil {
			fv.Errors.merge(err)
		}
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "admin/place_form", title, fv)
	}
	pl.ID = id
	var err error
	if id == 0 {
		err = s.svc.CreatePlace(r.Context(), pl)
	} else {
		err = s.svc.UpdatePlace(r.Context(), pl)
	}
	if err != nil {
		return s.failedForm(w, r, err, "admin/place_form", title, fv)
	}
	s.redirectWithFlash(w, r, "/admin/places", "Place “"+pl.Name+"” saved.")
	return nil
}

func (s *Server) placeDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	pl, err := s.svc.Place(r.Context(), id)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "place", Name: pl.Name, Action: r.URL.Path, Back: "/admin/places",
		Consequence: "A place that events or case studies still use cannot be deleted; move them to another place first."})
}

func (s *Server) placeDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	pl, err := s.svc.Place(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.svc.DeletePlace(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/places", "Place “"+pl.Name+"” deleted.")
	return nil
}

// ---- tags ----

func (s *Server) tagAdminList(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	p := s.page(r, "Topics", tags)
	p.Section = "admin"
	return s.views.render(w, http.StatusOK, "admin/tags", p)
}

type tagForm struct{ Name, Description, Slug string }

func (s *Server) tagEdit(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/tag_form", "Edit topic", formView{
		Form: tagForm{t.Name, t.Description, t.Slug}, ID: t.ID, Action: r.URL.Path, ViewURL: "/tags/" + t.Slug,
	})
}

func (s *Server) tagUpdate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	f := tagForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Slug: t.Slug}
	t.Name, t.Description = f.Name, f.Description
	if err := s.svc.UpdateTag(r.Context(), t); err != nil {
		return s.failedForm(w, r, err, "admin/tag_form", "Edit topic", formView{Form: f, ID: t.ID, Action: r.URL.Path, ViewURL: "/tags/" + t.Slug})
	}
	s.redirectWithFlash(w, r, "/admin/tags", "Topic “"+t.Name+"” saved.")
	return nil
}

func (s *Server) tagDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "topic", Name: t.Name, Action: r.URL.Path, Back: "/admin/tags",
		Consequence: fmt.Sprintf("It will be removed from the %d items that use it; the items stay.", t.Uses)})
}

func (s *Server) tagDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	if err := s.svc.DeleteTag(r.Context(), t.ID); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/tags", "Topic “"+t.Name+"” deleted.")
	return nil
}
