package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/commonplace-hub/commonplace/internal/netaddr"
)

// ActivityStreams constants.
const (
	asContext     = "https://www.w3.org/ns/activitystreams"
	secContext    = "https://w3id.org/security/v1"
	publicIRI     = "https://www.w3.org/ns/activitystreams#Public"
	contentTypeAS = "application/activity+json"
	contentTypeLD = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

// doc is a JSON-LD document read leniently, the way other servers really
// send them: a property may be a single value or an array, an object or
// just its IRI, null or missing; @context may be absent (Lemmy, Gancio).
// Only the properties the hub relies on are checked, when it uses them.
type doc map[string]any

var errNotObject = errors.New("the body is not a JSON object")

// parseDoc reads one JSON object. Numbers stay json.Number.
func parseDoc(b []byte) (doc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return doc(m), nil
}

// str returns a string property, or "" when it is missing or not a string.
func (d doc) str(key string) string {
	s, _ := d[key].(string)
	return s
}

// id is the document's "id".
func (d doc) id() string { return d.str("id") }

// types returns "type" as a list: it may be one string or several.
func (d doc) types() []string {
	switch t := d["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// typ is the first type, "" when there is none.
func (d doc) typ() string {
	if t := d.types(); len(t) > 0 {
		return t[0]
	}
	return ""
}

// is reports whether the document has type t (with or without an "as:" prefix).
func (d doc) is(t string) bool {
	for _, have := range d.types() {
		if have == t || have == "as:"+t {
			return true
		}
	}
	return false
}

// ref returns the IRI a property points at: the string itself, an
// embedded object's id, a Link's href, or the first of an array.
func (d doc) ref(key string) string {
	if refs := d.refs(key); len(refs) > 0 {
		return refs[0]
	}
	return ""
}

// refs returns every IRI a property points at.
func (d doc) refs(key string) []string {
	return refsOf(d[key])
}

func refsOf(v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case map[string]any:
		o := doc(x)
		if id := o.id(); id != "" {
			return []string{id}
		}
		if h := o.str("href"); h != "" {
			return []string{h}
		}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, refsOf(e)...)
		}
		return out
	}
	return nil
}

// obj returns an embedded object, or nil when the property is an IRI or
// missing. For an array, the first embedded object.
func (d doc) obj(key string) doc {
	switch x := d[key].(type) {
	case map[string]any:
		return doc(x)
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				return doc(m)
			}
		}
	}
	return nil
}

// objs returns every embedded object of a property.
func (d doc) objs(key string) []doc {
	switch x := d[key].(type) {
	case map[string]any:
		return []doc{doc(x)}
	case []any:
		var out []doc
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, doc(m))
			}
		}
		return out
	}
	return nil
}

// HostOf returns the host of an absolute http(s) IRI in its one spelling
// (internal/netaddr.HostOfURL): lower case, no trailing dot, IDNA in ASCII,
// an IPv4-mapped IPv6 address as IPv4, and the port only when it is not
// the scheme's default, so https://Evil.Example.:443/x is on evil.example
// and servers on two ports of one host (tests on loopback) stay apart. It
// returns "" for other IRIs and for hosts Go's HTTP client would not
// parse. Blocks, the allowlist and same-server checks compare these;
// storage uses it to group deliveries by server.
func HostOf(iri string) string {
	return netaddr.HostOfURL(iri)
}

// sameActor returns the form of an actor IRI that blocks compare: the
// scheme in lower case and the host as HostOf has it; the path, which
// servers treat as case-sensitive, as it is. An IRI without a host is
// returned unchanged.
func sameActor(iri string) string {
	scheme, rest, ok := strings.Cut(iri, "://")
	host := HostOf(iri)
	if !ok || host == "" {
		return iri
	}
	path := ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		path = rest[i:]
	}
	return strings.ToLower(scheme) + "://" + host + path
}

// stripFragment removes "#..." from an IRI.
func stripFragment(iri string) string {
	if i := strings.IndexByte(iri, '#'); i >= 0 {
		return iri[:i]
	}
	return iri
}
