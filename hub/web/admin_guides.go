package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/go-chi/chi/v5"
)

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
	p := s.page(r, s.t(r, "Guides"), struct {
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
	id, g, err := itemByID(r, s.svc.Guide)
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
	s.redirectWithFlash(w, r, "/admin/guides", s.t(r, "Guide “%s” saved.", g.Title))
	return nil
}

func (s *Server) guideDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	_, g, err := itemByID(r, s.svc.Guide)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, deleteView{Kind: "guide", Name: g.Title, Action: r.URL.Path, Back: "/admin/guides",
		Consequence: "Its earlier versions will be deleted too."})
}

func (s *Server) guideDelete(w http.ResponseWriter, r *http.Request) error {
	id, g, err := itemByID(r, s.svc.Guide)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteGuide(r.Context(), id); err != nil {
		return err
	}
	s.redirectWithFlash(w, r, "/admin/guides", s.t(r, "Guide “%s” deleted.", g.Title))
	return nil
}

func (s *Server) guideRevisions(w http.ResponseWriter, r *http.Request) error {
	id, g, err := itemByID(r, s.svc.Guide)
	if err != nil {
		return err
	}
	revs, err := s.svc.GuideRevisions(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Versions of “%s”", g.Title), struct {
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
	p := s.page(r, s.t(r, "Version %d of “%s”", n, g.Title), struct {
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
	s.redirectWithFlash(w, r, fmt.Sprintf("/admin/guides/%d/revisions", id), s.t(r, "Version %d restored: “%s” is now version %d.", n, g.Title, g.Revision))
	return nil
}

// guideForm is the guide editor.
type guideForm struct {
	Title, Summary, Body, Tags, Note string
}

func readGuideForm(r *http.Request) guideForm {
	return guideForm{Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body"), Tags: r.PostFormValue("tags"), Note: r.PostFormValue("note")}
}

func guideFormFrom(g *hub.Guide) guideForm {
	return guideForm{Title: g.Title, Summary: g.Summary, Body: g.Body, Tags: strings.Join(g.Tags, ", ")}
}

func (f guideForm) guide() *hub.Guide {
	return &hub.Guide{Title: f.Title, Summary: f.Summary, Body: f.Body, Tags: splitList(f.Tags)}
}
