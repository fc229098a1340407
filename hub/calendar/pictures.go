package calendar

import (
	"context"
	"errors"
	"log/slog"
	neturl "net/url"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/commonplace-hub/commonplace/hub"
)

// Pictures of imported events: an event's RFC 7986 IMAGE (a URI; the
// largest display wanted, a badge or thumbnail only when it has nothing
// else) or, as WordPress and others write it, an ATTACH whose FMTTYPE is
// an image type, is fetched through the hub's client with the limits of
// hub.FetchPicture and kept as the event's picture, without a description
// (organisers are asked for one). Best effort: a picture that cannot be
// had never keeps its event out.

// Bounds of the pictures fetched in one import: how many, and how long
// they may take together (a refresh an organiser asked for waits for
// them). Those left out are tried at the next import of a changed feed.
const (
	maxPictureFetches = 50
	picturesBudget    = time.Minute
)

// pictureOf is the address of an event's picture: the override's own
// properties, else its series'.
func pictureOf(src, master *vevent) string {
	if u := pictureIn(src.comp); u != "" || src == master {
		return u
	}
	return pictureIn(master.comp)
}

func pictureIn(comp *ical.Component) string {
	var small string
	for _, pr := range comp.Props.Values("IMAGE") {
		u := pictureURL(&pr)
		if u == "" {
			continue
		}
		display := strings.ToUpper(pr.Params.Get("DISPLAY"))
		if display == "" || strings.Contains(display, "GRAPHIC") || strings.Contains(display, "FULLSIZE") {
			return u
		}
		if small == "" {
			small = u
		}
	}
	if small != "" {
		return small
	}
	for _, pr := range comp.Props.Values("ATTACH") {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(pr.Params.Get("FMTTYPE"))), "image/") {
			if u := pictureURL(&pr); u != "" {
				return u
			}
		}
	}
	return ""
}

// pictureURL is a property's value when it is an http(s) address (not
// inline base64 data).
func pictureURL(pr *ical.Prop) string {
	if strings.EqualFold(pr.Params.Get("VALUE"), "BINARY") || pr.Params.Get("ENCODING") != "" {
		return ""
	}
	v := strings.TrimSpace(pr.Value)
	if (strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")) && !strings.ContainsAny(v, " \t\r\n") {
		return v
	}
	return ""
}

// fetchedPictures fetches each address once per import, and nothing more
// from a server that failed in a way that may pass (down, too slow).
type fetchedPictures struct {
	s       *Service
	got     map[string]*hub.Picture // nil value: failed
	failing map[string]bool         // hosts
	fetches int
}

// get fetches the picture at url, or returns what an earlier get did.
func (fp *fetchedPictures) get(ctx context.Context, url string) *hub.Picture {
	if p, ok := fp.got[url]; ok {
		return clonePicture(p)
	}
	host := ""
	if u, err := neturl.Parse(url); err == nil {
		host = u.Host
	}
	if fp.fetches >= maxPictureFetches || fp.failing[host] || ctx.Err() != nil {
		return nil
	}
	fp.fetches++
	p, err := hub.FetchPicture(ctx, fp.s.Fetcher.Client, url, fp.s.Fetcher.UserAgent)
	if err != nil {
		fp.s.Logger.Warn("calendar picture skipped", slog.Group("picture", "url", url), "error", err)
		var fe *hub.PictureFetchError
		if !errors.As(err, &fe) || !fe.Permanent {
			fp.failing[host] = true
		}
	}
	fp.got[url] = p
	return clonePicture(p)
}

func clonePicture(p *hub.Picture) *hub.Picture {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// importPictures brings the pictures of a feed's events in step with it,
// after the events are saved: a new or changed address is fetched and
// kept, a picture that came from the feed goes when the feed drops it,
// and a picture an organiser uploaded is left alone.
func (s *Service) importPictures(ctx context.Context, tgt Target, res *Result) {
	if s.Fetcher == nil || s.Fetcher.Client == nil {
		return
	}
	want := map[string]string{}
	for _, it := range res.Items {
		want[it.Key()] = it.Picture
	}
	events, _, err := s.Hub.ListEvents(ctx, hub.EventFilter{Imported: true, SourceFeedID: tgt.FeedID})
	if err != nil {
		s.Logger.Warn("calendar pictures: listing events", "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, picturesBudget)
	defer cancel()
	actor := hub.WithOrganiser(ctx, &hub.Organiser{Name: "Calendar import: " + tgt.Name, Role: hub.RoleEditor})
	fp := &fetchedPictures{s: s, got: map[string]*hub.Picture{}, failing: map[string]bool{}}
	for _, e := range events {
		url, inFeed := want[e.SourceUID+"\x00"+e.SourceOccurrence]
		if ctx.Err() != nil || !inFeed || (tgt.FeedID == 0 && e.SourceFeedID != 0) {
			continue
		}
		s.eventPicture(actor, fp, e.ID, url)
	}
}

// eventPicture makes one imported event's picture the one at url ("":
// none from the feed).
func (s *Service) eventPicture(actor context.Context, fp *fetchedPictures, eventID int64, url string) {
	have, err := s.Hub.Picture(actor, hub.OwnerEvent, eventID)
	switch {
	case err != nil && hub.ErrorCode(err) != hub.ENOTFOUND:
		s.Logger.Warn("calendar pictures: reading a picture", "event", eventID, "error", err)
		return
	case err == nil && (have.Source == "" || have.Source == url):
		return // an organiser's upload, or the picture already kept
	case url == "":
		if err == nil {
			if err := s.Hub.RemovePicture(actor, hub.OwnerEvent, eventID); err != nil {
				s.Logger.Warn("calendar pictures: removing a picture the feed dropped", "event", eventID, "error", err)
			}
		}
		return
	}
	if s.noRoom(actor, url, 0) {
		return
	}
	p := fp.get(actor, url)
	if p == nil || s.noRoom(actor, url, int64(len(p.Large)+len(p.Small))) {
		return
	}
	if err := s.Hub.SetFetchedPicture(actor, hub.OwnerEvent, eventID, p, url); err != nil {
		s.Logger.Warn("calendar pictures: keeping a picture", "event", eventID, "error", err)
	}
}

// noRoom reports whether an imported event's picture of n bytes (0:
// before it is fetched) has no room in the hub's pictures' budget; if so
// the event stays without it and the skip is logged and recorded
// (hub.PictureRoom.Skipped). It is tried again at the next import of a
// changed feed.
func (s *Service) noRoom(ctx context.Context, url string, n int64) bool {
	room := s.Hub.PictureRoom()
	err := room.Check(ctx, n)
	if hub.ErrorCode(err) != hub.EINVALID {
		if err != nil {
			s.Logger.Warn("calendar pictures: reading the pictures' space", "error", err)
		}
		return false
	}
	room.Skipped(ctx, s.Logger, hub.SourceCalendar, url, err)
	return true
}
