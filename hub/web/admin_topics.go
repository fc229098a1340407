package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// Organiser pages for topics (the domain's tags) under /admin/topics: the
// list with a form that creates one, and a topic's edit and delete pages.

// adminTopics is the path of the topics' organiser page.
const adminTopics = "/admin" + uris.Topics

type tagForm struct{ Name, Description, Slug string }

// topicsView is what admin/topics shows: the topics and the form that
// creates one, as typed.
type topicsView struct {
	Topics []*hub.Tag
	Form   tagForm
	Errors formErrors
}

func (s *Server) topicAdminList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTopics(w, r, http.StatusOK, tagForm{}, nil)
}

func (s *Server) renderTopics(w http.ResponseWriter, r *http.Request, status int, f tagForm, errs formErrors) error {
	tags, err := s.svc.ListTags(r.Context())
	if err != nil {
		return err
	}
	if errs == nil {
		errs = formErrors{}
	}
	return s.adminRender(w, r, status, "admin/topics", s.t(r, "Topics"), topicsView{Topics: tags, Form: f, Errors: errs})
}

// topicCreate makes a topic before any content uses it. A duplicate is
// 409 with the form kept; invalid input 422 with messages by the fields.
func (s *Server) topicCreate(w http.ResponseWriter, r *http.Request) error {
	f := tagForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	t := &hub.Tag{Name: f.Name, Description: f.Description}
	err := s.svc.CreateTag(r.Context(), t)
	if err == nil {
		s.redirectWithFlash(w, r, adminTopics, s.t(r, "Topic “%s” created.", t.Name))
		return nil
	}
	errs := formErrors{}
	switch hub.ErrorCode(err) {
	case hub.EINVALID:
		errs.merge(s.translator(r), err)
		return s.renderTopics(w, r, http.StatusUnprocessableEntity, f, errs)
	case hub.ECONFLICT:
		errs["_form"] = s.errorMessage(r, err)
		for k, v := range translateFields(s.translator(r), err) {
			errs[k] = v
		}
		return s.renderTopics(w, r, http.StatusConflict, f, errs)
	}
	return err
}

func (s *Server) topicEdit(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, http.StatusOK, "admin/topic_form", "Edit topic", formView{
		Form: tagForm{t.Name, t.Description, t.Slug}, ID: t.ID, Action: r.URL.Path, ViewURL: uris.Topic(t.Slug),
	})
}

func (s *Server) topicUpdate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	f := tagForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Slug: t.Slug}
	t.Name, t.Description = f.Name, f.Description
	if err := s.svc.UpdateTag(r.Context(), t); err != nil {
		return s.failedForm(w, r, err, "admin/topic_form", "Edit topic", formView{Form: f, ID: t.ID, Action: r.URL.Path, ViewURL: uris.Topic(t.Slug)})
	}
	s.redirectWithFlash(w, r, adminTopics, s.t(r, "Topic “%s” saved.", t.Name))
	return nil
}

// topicDeleter is the topic delete pages; topics are named by slug.
func (s *Server) topicDeleter() *itemDeleter[*hub.Tag] {
	return &itemDeleter[*hub.Tag]{
		s: s, base: adminTopics, kind: msg("topic"), deleted: msg("Topic “%s” deleted."),
		find: func(r *http.Request) (int64, *hub.Tag, error) {
			t, err := s.topicInPath(r)
			if err != nil {
				return 0, nil, err
			}
			return t.ID, t, nil
		},
		remove: s.svc.DeleteTag, name: func(t *hub.Tag) string { return t.Name },
		consequence: func(r *http.Request, t *hub.Tag) string {
			return s.t(r, "It will be removed from the %d items that use it; the items stay.", t.Uses)
		},
	}
}
