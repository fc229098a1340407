package web

import (
	"net/http"

	"github.com/commonplace-hub/commonplace/hub"
)

// thumbnails are the pictures of the items a list page shows, by owner and
// owner id, read at once for the whole list (pageData.Thumbs).
type thumbnails map[hub.PictureOwner]map[int64]*shownPicture

// addThumbnails reads the pictures of a list's items of one owner type
// into p.Thumbs. A failure is logged and the list is shown without them.
func (s *Server) addThumbnails(p *pageData, r *http.Request, owner hub.PictureOwner, ids []int64) {
	if len(ids) == 0 {
		return
	}
	pics, err := s.svc.PicturesOf(r.Context(), owner, ids)
	if err != nil {
		s.log.Warn("reading the pictures of a list", "owner", string(owner), "error", err)
		return
	}
	if p.Thumbs == nil {
		p.Thumbs = thumbnails{}
	}
	shown := make(map[int64]*shownPicture, len(pics))
	for id, pic := range pics {
		shown[id] = pictureShown(pic)
	}
	p.Thumbs[owner] = shown
}

// occurrenceEventIDs are the ids of the events of days' occurrences, each
// once.
func occurrenceEventIDs(days []dayGroup) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, d := range days {
		for _, o := range d.Occurrences {
			if o.Event != nil && !seen[o.Event.ID] {
				seen[o.Event.ID] = true
				ids = append(ids, o.Event.ID)
			}
		}
	}
	return ids
}

// idsOf is the ids of a list's items, in order.
func idsOf[T any](list []T, id func(T) int64) []int64 {
	ids := make([]int64, len(list))
	for i, v := range list {
		ids[i] = id(v)
	}
	return ids
}

// guideIDs, caseStudyIDs and placeIDs are the ids of a list's items.
func guideIDs(list []*hub.Guide) []int64 {
	return idsOf(list, func(g *hub.Guide) int64 { return g.ID })
}

func caseStudyIDs(list []*hub.CaseStudy) []int64 {
	return idsOf(list, func(c *hub.CaseStudy) int64 { return c.ID })
}

func placeIDs(list []*hub.Place) []int64 {
	return idsOf(list, func(pl *hub.Place) int64 { return pl.ID })
}

// thumbnailOf is the template function "thumbnailFor": the picture of one
// listed item, nil when it has none or the list read no pictures (t is
// then nil or missing from a partial's arguments).
func thumbnailOf(t any, owner string, id int64) *shownPicture {
	th, ok := t.(thumbnails)
	if !ok {
		return nil
	}
	return th[hub.PictureOwner(owner)][id]
}

// addListThumbnails reads the pictures of the events of days, of guides
// and of case studies, for a page that lists them.
func (s *Server) addListThumbnails(p *pageData, r *http.Request, days []dayGroup, guides []*hub.Guide, studies []*hub.CaseStudy) {
	s.addThumbnails(p, r, hub.OwnerEvent, occurrenceEventIDs(days))
	s.addThumbnails(p, r, hub.OwnerGuide, guideIDs(guides))
	s.addThumbnails(p, r, hub.OwnerCaseStudy, caseStudyIDs(studies))
}

// pageLists are what the home, topic and place pages list (see
// Server.lists): the coming dates by day, guides and case studies.
type pageLists struct {
	Days        []dayGroup
	Guides      []*hub.Guide
	CaseStudies []*hub.CaseStudy
}
