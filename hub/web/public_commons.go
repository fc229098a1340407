package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- the commons: what peer hubs publish, credited to them ----

// commonsView is what public/commons shows.
type commonsView struct {
	Items []*hub.RemoteItem
	Kind  string // the kind shown, "" for all
	Host  string // the origin shown, "" for all
	Pager pager
	Query string // the filter as a query string, for the pager
}

func (s *Server) commonsList(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := hub.RemoteItemFilter{Kind: hub.Kind(q.Get("kind")), Host: q.Get("from"), Limit: listPageSize, Offset: (page - 1) * listPageSize}
	if f.Kind != "" && !f.Kind.Valid() {
		return hub.Errorf(hub.EINVALID, "Choose events, guides or case studies.")
	}
	if f.Kind == hub.KindEvent {
		f.After = s.svc.Now() // upcoming and current events
	}
	items, total, err := s.svc.RemoteItems(r.Context(), f)
	if err != nil {
		return err
	}
	p := s.page(r, s.t(r, "The commons"), nil)
	for i, it := range items {
		shown := it.In(p.Lang) // the reader's language, where the origin sent it
		items[i] = &shown
	}
	p.Section = "commons"
	p.Description = s.t(r, "Events, guides and case studies from the hubs %s follows.", p.Site.Name)
	query := ""
	if f.Kind != "" {
		query += "&kind=" + string(f.Kind)
	}
	if f.Host != "" {
		query += "&from=" + f.Host
	}
	p.Data = commonsView{Items: items, Kind: string(f.Kind), Host: f.Host, Pager: newPager(page, total), Query: query}
	return s.views.render(w, http.StatusOK, "public/commons", p)
}

func (s *Server) commonsShow(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return hub.Errorf(hub.ENOTFOUND, "There is no such item in the commons.")
	}
	item, err := s.svc.RemoteItem(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.page(r, "", nil)
	shown := item.In(p.Lang) // the reader's language, where the origin sent it
	it := &shown
	p.Title, p.Data = it.Title, it
	p.Section = "commons"
	p.Description = it.Summary
	if p.Description == "" {
		p.Description = truncate(it.ContentText, 200)
	}
	// The original is the page search engines should list.
	p.Canonical = it.URL
	if it.Picture != nil && it.Picture.Local != nil {
		p.Picture = s.showPicture(it.Picture.Local) // the hub's copy, in the page and its link previews
	}
	return s.views.render(w, http.StatusOK, "public/commons_item", p)
}

// commentsOnPage is how many replies an item page shows, the newest: a
// page costs the same to render with ten replies or ten thousand.
const commentsOnPage = 50

// withComments puts the newest visible replies to a local item, and how
// many there are in all, on its page, with other hubs' adaptations of a
// guide or case study; a failure to read them is logged and the page
// shown without them.
func (s *Server) withComments(p *pageData, r *http.Request, kind hub.Kind, id int64) {
	cs, total, err := s.svc.LatestComments(r.Context(), kind, id, commentsOnPage)
	if err != nil {
		s.log.Error("read comments", "kind", kind, "item", id, "error", err)
		return
	}
	p.Comments, p.CommentsTotal = cs, total
	if kind != hub.KindGuide && kind != hub.KindCaseStudy {
		return
	}
	as, err := s.svc.Adaptations(r.Context(), kind, id)
	if err != nil {
		s.log.Error("read adaptations", "kind", kind, "item", id, "error", err)
		return
	}
	p.Adaptations = as
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
