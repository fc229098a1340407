// Package netaddr decides two things about the other end of a federation
// request, and nothing else; it imports nothing of Commonplace.
//
// Which server is this? A host can be spelled many ways that all reach
// the same server: EVIL.example, evil.example. (the DNS root), evil.example
// with the scheme's default port (https://evil.example:443), Unicode or
// full-width letters (ＥＶＩＬ.example, bücher.example), an IPv4 address
// written as a number (2130706433, 0x7f.1) or as an IPv4-mapped IPv6
// address ([::ffff:127.0.0.1]). NormalizeHost and HostOfURL give each
// server one spelling, so blocks, the allowlist and "same origin" checks
// compare like with like:
//
//   - ASCII letters are lower case and one trailing dot is dropped.
//   - A name with non-ASCII characters is converted with IDNA's Lookup
//     profile (UTS #46, non-transitional), the conversion Go's HTTP
//     client makes before it resolves a name, so the normalised host is
//     the name the client would look up. ASCII names are left as they are
//     (lower-cased), as the client leaves them.
//   - A name whose last label is a number is an IPv4 address, parsed as
//     browsers and inet_aton do (one to four parts, each decimal, 0x hex
//     or 0-prefixed octal): it becomes a dotted quad. If it does not
//     parse, the host is invalid.
//   - An IPv4-mapped IPv6 address is the IPv4 address it maps. Other IPv6
//     addresses are in their RFC 5952 form and always in brackets, so the
//     result is always a valid URL authority. Zones (fe80::1%eth0) are
//     refused.
//   - A port is kept unless it is the URL scheme's default (80 for http,
//     443 for https), which HostOfURL and NormalizeHostForScheme drop:
//     servers on other ports of one name are distinct origins.
//
// Which hosts does a rule cover? HostMatches and HostSet.Covers apply a
// domain block as Mastodon does: a block on evil.example also covers
// sub.evil.example, but not notevil.example. A rule without a port covers
// every port; a rule with a port only that port. An IP address covers only
// itself. HostSet.Contains is the exact rule of an allowlist (Mastodon's
// limited federation mode allows exactly the listed domains, not their
// subdomains).
//
// May the hub connect to this address? IsGloballyReachable answers from
// one table that mirrors the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890 and its updates): an address in a block whose
// "Globally Reachable" column is False is refused, with the registry's
// globally reachable exceptions inside such blocks allowed; multicast,
// deprecated forms (IPv4-compatible ::/96, site-local) and IPv6 outside
// 2000::/3 (not allocated for global unicast) are refused too. The IPv4
// address inside IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 (2002::/16,
// "N/A" in the registry) addresses is judged in their place; Teredo
// (2001::/32, also "N/A", inside the refused 2001::/23) is refused. See
// addr.go.
package netaddr

import (
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrInvalidHost is returned for a host that is not a valid host name, IP
// address or port.
var ErrInvalidHost = errors.New("not a valid host")

// NormalizeHost returns the one spelling of a host, or host:port, as it
// appears in a URL's authority (without user information): see the package
// comment for the rules. A bare IPv6 address without brackets (and so
// without a port) is accepted too. The port is kept, even a default one:
// use NormalizeHostForScheme or HostOfURL when the scheme is known.
// NormalizeHost is idempotent.
func NormalizeHost(hostport string) (string, error) {
	return NormalizeHostForScheme(hostport, "")
}

// NormalizeHostForScheme is NormalizeHost, dropping the port if it is the
// default one of scheme ("http" or "https"; any other scheme drops none).
func NormalizeHostForScheme(hostport, scheme string) (string, error) {
	if hostport == "" || len(hostport) > 300 || !utf8.ValidString(hostport) {
		return "", ErrInvalidHost
	}
	var name, port string
	if hostport[0] == '[' {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return "", ErrInvalidHost
		}
		a, err := parseIPv6Literal(hostport[1:end])
		if err != nil {
			return "", err
		}
		name = a
		rest := hostport[end+1:]
		if rest != "" {
			if rest[0] != ':' {
				return "", ErrInvalidHost
			}
			port = rest[1:]
		}
	} else if strings.Count(hostport, ":") > 1 {
		// A bare IPv6 address: no port can follow it unambiguously.
		a, err := parseIPv6Literal(hostport)
		if err != nil {
			return "", err
		}
		name = a
	} else {
		name = hostport
		if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
			name, port = hostport[:i], hostport[i+1:]
		}
		var err error
		if name, err = normalizeName(name); err != nil {
			return "", err
		}
	}
	port, err := normalizePort(port)
	if err != nil {
		return "", err
	}
	if port == "" || port == defaultPort(scheme) {
		return name, nil
	}
	return name + ":" + port, nil
}

// HostOfURL returns the normalised host of an absolute http or https URL
// (the scheme in any case), without the scheme's default port:
// HostOfURL("https://Evil.Example.:443/x") is "evil.example". It returns ""
// for any other URL, or one whose authority Go's URL parser (and so the
// hub's HTTP client) would not accept. User information is ignored.
func HostOfURL(rawURL string) string {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return ""
	}
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" {
		return ""
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	// Go's parser checks the authority's characters, unescapes it and
	// splits off user information exactly as the client will.
	u, err := url.Parse(scheme + "://" + authority)
	if err != nil || u.Host == "" {
		return ""
	}
	h, err := NormalizeHostForScheme(u.Host, scheme)
	if err != nil {
		return ""
	}
	return h
}

func defaultPort(scheme string) string {
	switch strings.ToLower(scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// normalizePort returns a port without leading zeros; "" for none (a URL
// may end its authority with a bare colon). Port 0 cannot be connected to.
func normalizePort(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return "", ErrInvalidHost
		}
	}
	n, err := strconv.ParseUint(p, 10, 16)
	if err != nil || n == 0 {
		return "", ErrInvalidHost
	}
	return strconv.FormatUint(n, 10), nil
}

// parseIPv6Literal reads the inside of [...]: an IPv4-mapped address
// becomes its IPv4 address, others their bracketed RFC 5952 form.
func parseIPv6Literal(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return "", ErrInvalidHost
	}
	if a.Is4In6() {
		return a.Unmap().String(), nil
	}
	return "[" + a.String() + "]", nil
}

// normalizeName normalises a host name or IPv4 address (no port).
func normalizeName(name string) (string, error) {
	if !isASCII(name) {
		a, err := idna.Lookup.ToASCII(name)
		if err != nil {
			return "", ErrInvalidHost
		}
		name = a
	}
	name = strings.ToLower(name)
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return "", ErrInvalidHost
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	if endsInNumber(last) {
		a, ok := parseIPv4(name)
		if !ok {
			return "", ErrInvalidHost
		}
		return a.String(), nil
	}
	if !isDomainName(name) {
		return "", ErrInvalidHost
	}
	return name, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isDomainName reports whether s is a name Go's resolver would look up:
// labels of letters, digits, '-' and '_' (lower case here), of 1 to 63
// bytes, not starting or ending with '-'.
func isDomainName(s string) bool {
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// endsInNumber is the WHATWG URL Standard's test of a host's last label:
// decimal digits, or 0x followed by hex digits, make the host an IPv4
// address.
func endsInNumber(label string) bool {
	if label == "" {
		return false
	}
	if allIn(label, "0123456789") {
		return true
	}
	if len(label) >= 2 && (label[:2] == "0x" || label[:2] == "0X") {
		return allIn(label[2:], "0123456789abcdefABCDEF")
	}
	return false
}

func allIn(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(chars, s[i]) < 0 {
			return false
		}
	}
	return true
}

// parseIPv4 is the WHATWG URL Standard's IPv4 parser (and inet_aton's):
// one to four parts, each decimal, 0x hex or 0-prefixed octal; the last
// part fills the remaining bytes.
func parseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return netip.Addr{}, false
			}
			v |= n << (8 * (3 - i))
			continue
		}
		if n >= 1<<(8*(5-len(parts))) {
			return netip.Addr{}, false
		}
		v |= n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func parseIPv4Number(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) >= 2 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if p == "" {
		return 0, true
	}
	for i := 0; i < len(p); i++ { // ParseUint would also take '_' and signs
		c := p[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(p, base, 64)
	return n, err == nil
}

// splitHost splits a normalised host into its name and port ("" if none).
func splitHost(h string) (name, port string) {
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return h, ""
		}
		name, port = h[:end+1], strings.TrimPrefix(h[end+1:], ":")
		return name, port
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		return h[:i], h[i+1:]
	}
	return h, ""
}

// isIPName reports whether a normalised name (no port) is an IP address.
func isIPName(name string) bool {
	if strings.HasPrefix(name, "[") {
		return true
	}
	_, err := netip.ParseAddr(name)
	return err == nil
}

// HostMatches reports whether a rule on the host pattern (a domain block)
// covers host: host is pattern or one of its subdomains, on pattern's port
// if it has one. Both are normalised first; a host or pattern that is not
// valid matches nothing. An IP address matches only itself.
//
//	HostMatches("sub.evil.example", "evil.example")   // true
//	HostMatches("notevil.example", "evil.example")    // false
//	HostMatches("evil.example:8443", "evil.example")  // true
//	HostMatches("evil.example", "evil.example:8443")  // false
func HostMatches(host, pattern string) bool {
	h, err := NormalizeHost(host)
	if err != nil {
		return false
	}
	p, err := NormalizeHost(pattern)
	if err != nil {
		return false
	}
	hn, hp := splitHost(h)
	pn, pp := splitHost(p)
	if pp != "" && pp != hp {
		return false
	}
	if hn == pn {
		return true
	}
	return !isIPName(hn) && !isIPName(pn) && strings.HasSuffix(hn, "."+pn)
}

// HostSet is a set of normalised hosts, for checking one host against many
// rules (a blocklist of thousands) in time proportional to the number of
// its labels. The zero value is an empty set.
type HostSet struct {
	m map[string]struct{}
}

// Add normalises host and adds it; ErrInvalidHost if it is not valid.
func (s *HostSet) Add(host string) error {
	h, err := NormalizeHost(host)
	if err != nil {
		return err
	}
	if s.m == nil {
		s.m = map[string]struct{}{}
	}
	s.m[h] = struct{}{}
	return nil
}

// Len is the number of hosts in the set.
func (s *HostSet) Len() int { return len(s.m) }

func (s *HostSet) has(h string) bool {
	_, ok := s.m[h]
	return ok
}

// Contains reports whether host is in the set exactly, as allowlist
// entries match: an entry without a port contains every port of that
// name; subdomains are not contained. An invalid host is not contained.
func (s *HostSet) Contains(host string) bool {
	name, port, ok := s.lookup(host)
	return ok && (s.has(name) || port != "" && s.has(name+":"+port))
}

// lookup is host normalised (NormalizeHost) and split into its name and
// port, when it is valid and the set is not empty.
func (s *HostSet) lookup(host string) (name, port string, ok bool) {
	if len(s.m) == 0 {
		return "", "", false
	}
	h, err := NormalizeHost(host)
	if err != nil {
		return "", "", false
	}
	name, port = splitHost(h)
	return name, port, true
}

// Covers reports whether any host in the set covers host as HostMatches
// does: host, or a parent domain of it, is in the set (without a port, or
// with host's port). An invalid host is not covered.
func (s *HostSet) Covers(host string) bool {
	name, port, ok := s.lookup(host)
	if !ok {
		return false
	}
	ip := isIPName(name)
	for {
		if s.has(name) || port != "" && s.has(name+":"+port) {
			return true
		}
		i := strings.IndexByte(name, '.')
		if ip || i < 0 {
			return false
		}
		name = name[i+1:]
	}
}
