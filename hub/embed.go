package hub

import (
	"net/url"
	"strconv"
	"strings"
)

// AnyOrigin is the EmbedOrigins entry that lets any website frame the
// hub's embeds: the default, so that pasting a snippet just works.
const AnyOrigin = "*"

// MaxEmbedOrigins bounds the partner origins a hub lists.
const MaxEmbedOrigins = 50

// ParseEmbedOrigins reads a list of partner websites' origins, separated by
// spaces, commas or new lines, as an organiser types it, and checks it as
// Settings.Validate does (EINVALID with the field embed_origins).
func ParseEmbedOrigins(text string) ([]string, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	f := fieldErrors{}
	out := checkEmbedOrigins(f, fields)
	return out, f.err("settings")
}

// checkEmbedOrigins checks the partner origins: "*" (any site) alone, or
// origins written scheme://host[:port] with http or https and nothing else
// (no path, query, user or wildcard), since each becomes a source in a
// Content-Security-Policy frame-ancestors directive and must not be able
// to add anything else to it. It returns them normalised (lower case, no
// default port, no trailing slash, without repeats).
func checkEmbedOrigins(f fieldErrors, list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, o := range list {
		if o == AnyOrigin {
			if len(list) > 1 {
				f.add("embed_origins", "Use * alone (any website), or list the websites' addresses.")
				return list
			}
			return []string{AnyOrigin}
		}
		n, ok := normaliseOrigin(o)
		if !ok {
			f.addf("embed_origins", "%q is not a website's address: write it as https://example.org, with nothing after the name but a port.", o)
			return list
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(out) > MaxEmbedOrigins {
		f.addf("embed_origins", "List at most %d websites.", MaxEmbedOrigins)
	}
	return out
}

// normaliseOrigin returns s as scheme://host[:port] if it is exactly an
// http(s) origin.
func normaliseOrigin(s string) (string, bool) {
	if len(s) > 300 || strings.ContainsAny(s, ";'\"*\\<> ") {
		return "", false
	}
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "?") || strings.Contains(s, "#") {
		return "", false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if !validHostName(host) {
		return "", false
	}
	if strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return "", false
		}
		if (u.Scheme == "http" && n == 80) || (u.Scheme == "https" && n == 443) {
			port = ""
		}
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	o := u.Scheme + "://" + host
	if port != "" {
		o += ":" + port
	}
	return o, true
}

// validHostName reports whether h is a DNS name (letters, digits, hyphens
// and dots, labels of at most 63) or an IP address literal.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if strings.Contains(h, ":") { // an IPv6 literal, brackets removed
		for _, c := range h {
			if !strings.ContainsRune("0123456789abcdef:.", c) {
				return false
			}
		}
		return true
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// FrameAncestors is the Content-Security-Policy frame-ancestors source
// list of the embeds for origins: "*" for any website; else the hub itself
// ('self', for the organisers' preview) and the listed origins.
func FrameAncestors(origins []string) string {
	if len(origins) == 1 && origins[0] == AnyOrigin {
		return AnyOrigin
	}
	return strings.TrimSpace("'self' " + strings.Join(origins, " "))
}
