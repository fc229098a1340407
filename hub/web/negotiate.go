package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/accept"
)

// representation is what a request for an item page gets: the HTML page or
// the item's ActivityStreams object. The page cache keys on it and the
// item pages answer with it, so both must come from the same decision:
// wantedRepresentation, made once per request.
type representation int

const (
	representHTML     representation = iota // the page, for people
	representActivity                       // the AS2 object, for fediverse servers
)

func (r representation) String() string {
	if r == representActivity {
		return "activity"
	}
	return "html"
}

type representationKey struct{}

// wantedRepresentation negotiates a request's Accept header as the actor
// does (internal/accept: media types, any case, q honoured): the
// ActivityStreams object when it is preferred at least as much as HTML,
// the page otherwise. The answer is kept on the request's context, so a
// later call (the item page after the page cache) gets the same one.
func wantedRepresentation(r *http.Request) representation {
	if rep, ok := r.Context().Value(representationKey{}).(representation); ok {
		return rep
	}
	return negotiateAccept(r.Header.Values("Accept"))
}

// withRepresentation records the negotiated representation on r's context.
func withRepresentation(r *http.Request, rep representation) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), representationKey{}, rep))
}

func negotiateAccept(headers []string) representation {
	if accept.Activity(headers) {
		return representActivity
	}
	return representHTML
}

// negotiate serves an item's ActivityStreams object to clients asking for
// one (fediverse servers), and the page to everyone else, by the same
// decision as the page cache (wantedRepresentation). Every answer, the
// page, the object or an error, says Vary: Accept, so that caches on the
// way keep the two apart.
func (s *Server) negotiate(kind hub.Kind, page http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if s.cfg.ActivityPub != nil && wantedRepresentation(r) == representActivity {
			s.cfg.ActivityPub.ServeObject(w, r, kind, chi.URLParam(r, "slug"))
			return
		}
		page(w, r)
	}
}
