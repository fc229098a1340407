// Package accept decides, once and the same way everywhere, whether a
// request asks for an ActivityStreams document or a page for people. The
// page cache, the item pages and the actor all use it, so no spelling of
// an Accept header can get one answer from one and another from the other.
package accept

import (
	"mime"
	"strconv"
	"strings"
)

// Activity reports whether Accept headers prefer ActivityStreams, read as
// media types (RFC 9110 §12.5.1): each comma-separated entry is parsed
// with mime.ParseMediaType, so case and spacing do not matter, and entries
// that do not parse, or whose q is not a number from 0 to 1, are ignored.
// ActivityStreams (application/activity+json, or application/ld+json with
// no profile or the ActivityStreams one) wins when it is acceptable (q
// above 0) and preferred at least as much as HTML (text/html,
// application/xhtml+xml, or a wildcard).
func Activity(headers []string) bool {
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
	return activity > 0 && activity >= html
}
