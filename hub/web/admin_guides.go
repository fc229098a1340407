package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

func (s *Server) guideAdminList(w http.ResponseWriter, r *http.Request) error {
	return adminSearchList(s, w, r, "admin/guides", msg("Guides"), func(ctx context.Context, q string, limit, offset int) ([]*hub.Guide, int, error) {
		return s.svc.ListGuides(ctx, hub.GuideFilter{Query: q, Limit: limit, Offset: offset})
	})
}

// guideItems is the guide editor and delete pages.
func (s *Server) guideItems() *itemEditor[*hub.Guide, guideForm] {
	return &itemEditor[*hub.Guide, guideForm]{
		itemDeleter: itemDeleter[*hub.Guide]{
			s: s, base: "/admin/" + hub.KindGuide.Path(), kind: hub.KindGuide.Info().Noun, deleted: msg("Guide “%s” deleted."),
			find: byID(s.svc.Guide), remove: s.svc.DeleteGuide, name: func(g *hub.Guide) string { return g.Title },
			consequence: func(r *http.Request, _ *hub.Guide) string {
				return s.t(r, "Its earlier versions will be deleted too.")
			},
		},
		view: "admin/guide_form", newTitle: msg("New guide"), editTitle: msg("Edit guide"), saved: msg("Guide “%s” saved."),
		read: readGuideForm, form: guideFormFrom,
		convert: func(f guideForm, _ translator, _ formErrors) *hub.Guide { return f.guide() },
		store: func(ctx context.Context, id int64, g *hub.Guide, f guideForm) error {
			if g.ID = id; id == 0 {
				return s.svc.CreateGuide(ctx, g)
			}
			return s.svc.UpdateGuideWithNote(ctx, g, f.Note)
		},
		preview: func(f guideForm) map[string]string { return map[string]string{"body": f.Body} },
		extend:  s.withAdaptable(hub.KindGuide),
		picture: hub.OwnerGuide, idOf: func(g *hub.Guide) int64 { return g.ID },
		editing: func(g *hub.Guide, fv *formView) { fv.ViewURL = uris.Item(hub.KindGuide, g.Slug) },
	}
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
	return s.adminPage(w, r, "admin/guide_revisions", s.t(r, "Versions of “%s”", g.Title), struct {
		Guide     *hub.Guide
		Revisions []*hub.GuideRevision
	}{g, revs})
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

// revisionBy is what load finds for the guide ID and revision number in
// the path, and those.
func revisionBy[T any](r *http.Request, load func(context.Context, int64, int) (T, error)) (id int64, n int, v T, err error) {
	if id, n, err = revisionParams(r); err != nil {
		return 0, 0, v, err
	}
	v, err = load(r.Context(), id, n)
	return id, n, v, err
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
	return s.adminPage(w, r, "admin/guide_revision", s.t(r, "Version %d of “%s”", n, g.Title), struct {
		Guide    *hub.Guide
		Revision *hub.GuideRevision
	}{g, rev})
}

func (s *Server) guideRevisionRestore(w http.ResponseWriter, r *http.Request) error {
	id, n, g, err := revisionBy(r, s.svc.RestoreGuideRevision)
	if err != nil {
		return err
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/admin/guides/%d/revisions", id), s.t(r, "Version %d restored: “%s” is now version %d.", n, g.Title, g.Revision))
	return nil
}

// guideForm is the guide editor.
type guideForm struct {
	Title, Summary, Body, Tags, Note string
	AdaptedFrom                      string // the original's id or address
}

func readGuideForm(r *http.Request) guideForm {
	return guideForm{Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body"), Tags: r.PostFormValue("tags"), Note: r.PostFormValue("note"),
		AdaptedFrom: r.PostFormValue("adapted_from")}
}

func guideFormFrom(g *hub.Guide) guideForm {
	return guideForm{Title: g.Title, Summary: g.Summary, Body: g.Body, Tags: strings.Join(g.Tags, ", "), AdaptedFrom: g.AdaptedFrom.Ref()}
}

func (f guideForm) guide() *hub.Guide {
	return &hub.Guide{Title: f.Title, Summary: f.Summary, Body: f.Body, Tags: splitList(f.Tags), AdaptedFrom: adaptedFromField(f.AdaptedFrom)}
}

// withAdaptable offers the commons items of kind as originals in the editor,
// and lists other hubs' adaptations of an item being edited.
func (s *Server) withAdaptable(kind hub.Kind) func(*http.Request, *formView) error {
	return func(r *http.Request, fv *formView) error {
		items, err := s.svc.AdaptableItems(r.Context(), kind)
		fv.Adaptable = items
		if err != nil || fv.ID == 0 {
			return err
		}
		fv.Adaptations, err = s.svc.OrganiserAdaptations(r.Context(), kind, fv.ID)
		return err
	}
}

// adaptedFromField is the original an editor named, nil for none.
func adaptedFromField(v string) *hub.AdaptedFrom {
	if v = strings.TrimSpace(v); v == "" {
		return nil
	}
	return &hub.AdaptedFrom{ObjectID: v}
}
