package web

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
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

// wantedRepresentation negotiates a request's Accept header, as media
// types (RFC 9110 §12.5.1): each comma-separated entry is parsed with
// mime.ParseMediaType, so case and spacing do not matter, and entries that
// do not parse, or whose q is not a number from 0 to 1, are ignored.
// ActivityStreams (application/activity+json, or application/ld+json with no
// profile or the ActivityStreams one) is chosen when it is acceptable (q
// above 0) and preferred at least as much as HTML (text/html,
// application/xhtml+xml, or a wildcard); everything else gets the page.
// The answer is kept on the request's context, so a later call (the item
// page after the page cache) gets the same one.
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
	activity, html := -1.0, -1.0 // best q of each; -1: not named
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part) // lower-cases the type and parameter names
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				q, err = strconv.ParseFloat(v, 64)
				if err != nil || q < 0 || q > 1 {
					continue
				}
			}
			switch {
			case mt == "application/activity+json",
				mt == "application/ld+json" && (params["profile"] == "" || strings.Contains(strings.ToLower(params["profile"]), "https://www.w3.org/ns/activitystreams")):
				activity = max(activity, q)
			case mt == "text/html", mt == "application/xhtml+xml", mt == "*/*", mt == "text/*":
				html = max(html, q)
			}
		}
	}
	if activity > 0 && activity >= html {
		return representActivity
	}
	return representHTML
}

// negotiate serves an item's ActivityStreams object to clients asking for
// one (fediverse servers), and the page to everyone else, by the same
// decision as the page cache (wantedRepresentation). Every answer, the
// page, the object or an error, says Vary: Accept, so that caches on the
// way keep the two apart.
func (s *Server) negotiate(kind string, page http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if s.cfg.ActivityPub != nil && wantedRepresentation(r) == representActivity {
			s.cfg.ActivityPub.ServeObject(w, r, kind, chi.URLParam(r, "slug"))
			return
		}
		page(w, r)
	}
}
