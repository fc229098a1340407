package hub

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// "Adapted from" (issue 21): a guide or case study here may say it builds
// on a peer's (or any fediverse server's) guide or case study. Its page
// credits the original, what the hub publishes carries the reference (an
// FEP-e232 object link, docs/FEDERATION.md), and the origin hub, when it
// hears of it, shows "Adapted by" on the original's page.

// AdaptedFrom is the original a local guide or case study is adapted from.
// On input only ObjectID (or URL) counts: the service resolves the rest
// through the commons or a fetch from the original's server.
type AdaptedFrom struct {
	ObjectID string // the original's ActivityPub id
	URL      string // its page
	Title    string
	Kind     Kind   // KindGuide or KindCaseStudy
	Origin   Origin // who published it
}

// Ref is what identifies the original: its id, else its page.
func (a *AdaptedFrom) Ref() string {
	if a == nil {
		return ""
	}
	if s := strings.TrimSpace(a.ObjectID); s != "" {
		return s
	}
	return strings.TrimSpace(a.URL)
}

// Adaptation is a guide or case study on another server adapted from one
// of this hub's own, as that server published it.
type Adaptation struct {
	ObjectID string    `json:"object_id"` // the adaptation's ActivityPub id
	Kind     Kind      `json:"kind"`      // of this hub's item it adapts
	ItemID   int64     `json:"item_id"`
	URL      string    `json:"url"` // the adaptation's page
	Title    string    `json:"title"`
	By       Origin    `json:"by"` // who published it
	Received time.Time `json:"received"`
	// Hidden: an organiser hid this credit (adapted_hide.go); only
	// organisers' pages have hidden ones. Never sent.
	Hidden bool `json:"-"`
}

// AdaptationStore reads adaptations for the pages, and finds a commons
// item an organiser names as an original.
type AdaptationStore interface {
	// Adaptations lists the adaptations of a local item, oldest first.
	Adaptations(ctx context.Context, kind Kind, itemID int64) ([]*Adaptation, error)
	// CommonsItemByRef returns the commons item whose ActivityPub id or
	// page is ref; ENOTFOUND if there is none.
	CommonsItemByRef(ctx context.Context, ref string) (*RemoteItem, error)
}

// ItemResolver reads a guide or case study from its own server (a signed
// fetch under the trust rules), for an original not in the commons.
// Federation implements it. EINVALID when the address holds no guide or
// case study, or is this hub's own; EUNAVAILABLE when it cannot be read.
type ItemResolver interface {
	ResolveItem(ctx context.Context, ref string) (*RemoteItem, error)
}

// adaptable reports whether an original of kind k can be adapted from.
func adaptable(k Kind) bool { return k == KindGuide || k == KindCaseStudy }

// MaxRef is the longest address accepted for an original.
const MaxRef = 2000

// Adaptations lists the adaptations of one of the hub's items; anyone.
func (s Reader) Adaptations(ctx context.Context, kind Kind, itemID int64) ([]*Adaptation, error) {
	if s.Adapted == nil {
		return nil, nil
	}
	return s.Adapted.Adaptations(ctx, kind, itemID)
}

// AdaptableItems lists the commons items of kind an organiser can name as
// an original, newest first.
func (s *Service) AdaptableItems(ctx context.Context, kind Kind) ([]*RemoteItem, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	if s.Commons == nil || !adaptable(kind) {
		return nil, nil
	}
	items, _, err := s.Commons.RemoteItems(ctx, RemoteItemFilter{Kind: kind, Limit: 500})
	return items, err
}

func adaptedFromError(what string, msg Message) error {
	f := fieldErrors{}
	f.add("adapted_from", string(msg))
	return f.err(what)
}

// resolveAdaptedFrom turns what an organiser gave as the original (in)
// into the full reference: kept as it was (old) when unchanged, else found
// in the commons or read from its server. Nil in: not adapted.
func (s *Service) resolveAdaptedFrom(ctx context.Context, what string, in, old *AdaptedFrom) (*AdaptedFrom, error) {
	ref := in.Ref()
	if ref == "" {
		return nil, nil
	}
	if old != nil && (ref == old.ObjectID || ref == old.URL) {
		return old, nil
	}
	if u, err := url.Parse(ref); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || len(ref) > MaxRef {
		return nil, adaptedFromError(what, Msg("Give the address of the original guide or case study, starting with https://."))
	}
	var it *RemoteItem
	var err error
	if s.Adapted != nil {
		it, err = s.Adapted.CommonsItemByRef(ctx, ref)
	}
	if it == nil || err != nil {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		r, ok := s.fed.(ItemResolver)
		if !ok {
			return nil, adaptedFromError(what, Msg("That original is not in the commons, and this hub cannot read other servers."))
		}
		if it, err = r.ResolveItem(ctx, ref); err != nil {
			switch ErrorCode(err) {
			case EINVALID:
				return nil, adaptedFromError(what, Msg("No guide or case study from another hub was found at that address."))
			case EUNAVAILABLE, ENOTFOUND:
				return nil, adaptedFromError(what, Msg("The original's server could not be reached, or did not answer with it. Try again later."))
			}
			return nil, err
		}
	}
	if !adaptable(it.Kind) {
		return nil, adaptedFromError(what, Msg("Only a guide or a case study can be adapted from."))
	}
	return &AdaptedFrom{ObjectID: it.ObjectID, URL: it.URL, Title: it.Title, Kind: it.Kind, Origin: it.Origin}, nil
}
