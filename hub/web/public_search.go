package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// searchView is what public/search shows.
type searchView struct {
	Query   searchForm
	Hits    []searchHit
	Total   int
	Pager   pager
	Hosts   []string // peers the commons holds items from
	Tags    []*hub.Tag
	Places  []*hub.Place
	Query2  template.URL    // the query string without the page, for the pager (encoded by url.Values)
	Touched bool            // a search was made (not just the empty form)
	Network *networkResults // the hubs this hub follows, when asked (scope=network)
}

type searchForm struct {
	Q, Kind, Origin, Tag, Place, From, To string
	Scope                                 string // "network": ask the hubs this hub follows too
}

type searchHit struct {
	hub.SearchHit
	Snippet template.HTML // hub.SnippetHTML: escaped, with <mark> only
	// Occ is a local event's next (or only) date, with its times and,
	// when its clock is not the hub's, both clocks; nil for other hits.
	Occ *listedOccurrence
}

// eventWhen is the occurrence a local event's search hit shows: the next
// one, else the first; nil when the event cannot be read.
func (s *Server) eventWhen(r *http.Request, slug string, here *time.Location) *listedOccurrence {
	e, err := s.svc.EventBySlug(r.Context(), slug)
	if err != nil {
		return nil
	}
	o := e.First()
	if next := e.NextOccurrences(s.svc.Now(), 1); len(next) == 1 {
		o = next[0]
	}
	return &listedOccurrence{o, noteFor(o, here)}
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	form := searchForm{Q: v.Get("q"), Kind: v.Get("kind"), Origin: v.Get("origin"), Tag: v.Get("tag"), Place: v.Get("place"), From: v.Get("from"), To: v.Get("to"), Scope: v.Get("scope")}
	q := hub.SearchQuery{Text: form.Q, Kind: hub.Kind(form.Kind), Origin: form.Origin, Tag: form.Tag, Place: form.Place, Limit: listPageSize, Offset: (page - 1) * listPageSize}
	st := s.settings(r.Context())
	loc := hubZone(st)
	for _, d := range []struct {
		in  string
		out *time.Time
		add int
	}{{form.From, &q.From, 0}, {form.To, &q.To, 1}} {
		if d.in == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.in, loc)
		if err != nil {
			return hub.Errorf(hub.EINVALID, "Dates are written like 2027-03-31.")
		}
		*d.out = t.AddDate(0, 0, d.add) // "to" includes that whole day
	}
	view := searchView{Query: form, Touched: len(v) > 0}
	if view.Touched {
		res, err := s.svc.Search(r.Context(), q)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			hit := searchHit{SearchHit: h, Snippet: template.HTML(hub.SnippetHTML(h.Snippet))}
			if h.Local && h.Kind == hub.KindEvent {
				hit.Occ = s.eventWhen(r, h.Slug, loc)
			}
			view.Hits = append(view.Hits, hit)
		}
		view.Total, view.Pager = res.Total, newPager(page, res.Total)
		if form.Scope == "network" && strings.TrimSpace(form.Q) != "" && page == 1 {
			if view.Network, err = s.askNetwork(r, hub.NetworkQuery{Text: form.Q, Kind: q.Kind}); err != nil {
				return err
			}
		}
	}
	if view.Hosts, err = s.svc.CommonsHosts(r.Context()); err != nil {
		return err
	}
	if view.Tags, err = s.svc.ListTags(r.Context()); err != nil {
		return err
	}
	if view.Places, err = s.svc.ListPlaces(r.Context()); err != nil {
		return err
	}
	keep := url.Values{}
	for k, vals := range v {
		if k != "page" && len(vals) > 0 && vals[0] != "" {
			keep.Set(k, vals[0])
		}
	}
	view.Query2 = template.URL(keep.Encode())
	title := s.t(r, "Search")
	if form.Q != "" {
		title = s.t(r, "Search: %s", form.Q)
	}
	p := s.page(r, title, view)
	p.Section = "search"
	p.NoIndex = true
	if view.Total > 0 {
		p.Description = strconv.Itoa(view.Total) + " results"
	}
	return s.views.render(w, http.StatusOK, "public/search", p)
}
