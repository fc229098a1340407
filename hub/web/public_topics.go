package web

import (
	"net/http"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/go-chi/chi/v5"
)

// Topics are the domain's tags (hub.Tag). Their pages are under /topics;
// every address under /tags, where they were before, redirects there.

// topicInPath is the topic {slug} in the path names.
func (s *Server) topicInPath(r *http.Request) (*hub.Tag, error) {
	return s.svc.TagBySlug(r.Context(), chi.URLParam(r, "slug"))
}

func (s *Server) topicList(w http.ResponseWriter, r *http.Request) error {
	return publicList(s, w, r, "public/topics", "topics", msg("Topics"), msg("Topics of the events, guides and case studies on %s."), s.svc.ListTags)
}

func (s *Server) topicShow(w http.ResponseWriter, r *http.Request) error {
	t, err := s.topicInPath(r)
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "Topic: %s", t.Name), nil)
	lists, err := s.lists(p, r, 6, hub.OccurrenceFilter{Tag: t.Slug, Limit: 30}, &hub.GuideFilter{Tag: t.Slug, Limit: 50}, &hub.CaseStudyFilter{Tag: t.Slug, Limit: 50})
	if err != nil {
		return err
	}
	p.Section = "topics"
	p.Description = t.Description
	if p.Description == "" {
		p.Description = s.t(r, "Events, guides and case studies about %s on %s.", t.Name, p.Site.Name)
	}
	p.Calendar, p.CalendarLabel = uris.TopicCalendar(t.Slug), s.t(r, "[calendar of a topic] %s events", t.Name)
	p.Data = struct {
		Tag *hub.Tag
		pageLists
	}{t, lists}
	return s.views.render(w, http.StatusOK, "public/topic", p)
}

// movedTo answers every address under the path prefix from with a
// permanent redirect to the same address under to, query string kept:
// 301 for GET and HEAD, 308 for other methods, so that a form or a script
// posting to the old address posts the same body to the new one. It serves
// the addresses topics had when they were called tags (/tags...,
// /admin/tags...).
func movedTo(from, to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.EscapedPath(), from)
		if !ok || (rest != "" && rest[0] != '/') {
			http.NotFound(w, r)
			return
		}
		target := to + rest
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		status := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			status = http.StatusMovedPermanently
		}
		w.Header().Set("Location", target)
		w.WriteHeader(status)
	}
}
