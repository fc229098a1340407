package netaddr

import "net/netip"

// reach is what a special-purpose block says about its addresses.
type reach int

const (
	// refused: the registry's "Globally Reachable" is False or N/A, or the
	// block is not for unicast to a server (multicast, deprecated forms).
	refused reach = iota
	// reachable: a globally reachable exception inside a refused block.
	reachable
	// embedsIPv4: the address carries an IPv4 address (mapped, translated
	// or tunnelled), which is judged in its place.
	embedsIPv4
)

// special is one row of the table: a block of the IANA Special-Purpose
// Address Registries (or, where marked, another registry), by name as
// the registry names it.
type special struct {
	prefix netip.Prefix
	name   string
	reach  reach
	// ipv4 extracts the embedded IPv4 address, for embedsIPv4 rows.
	ipv4 func(netip.Addr) netip.Addr
}

func row(prefix, name string, r reach) special {
	return special{prefix: netip.MustParsePrefix(prefix), name: name, reach: r}
}

func embedding(prefix, name string, ipv4 func(netip.Addr) netip.Addr) special {
	return special{prefix: netip.MustParsePrefix(prefix), name: name, reach: embedsIPv4, ipv4: ipv4}
}

// specialPurpose mirrors the IANA IPv4 Special-Purpose Address Registry
// and the IANA IPv6 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv4-special-registry,
// https://www.iana.org/assignments/iana-ipv6-special-registry; RFC 6890
// and the RFCs that updated them), plus multicast and deprecated forms
// from the address-space registries. The most specific row containing an
// address decides, so an exception is a longer prefix inside its block.
// IPv4 addresses in no row are globally reachable; every IPv6 address is
// in a row (::/0 is the catch-all).
var specialPurpose = []special{
	// ---- IPv4 Special-Purpose Address Registry ----
	row("0.0.0.0/8", "This network", refused),                                    // RFC 791 §3.2
	row("0.0.0.0/32", "This host on this network", refused),                      // RFC 1122 §3.2.1.3
	row("10.0.0.0/8", "Private-Use", refused),                                    // RFC 1918
	row("100.64.0.0/10", "Shared Address Space", refused),                        // RFC 6598
	row("127.0.0.0/8", "Loopback", refused),                                      // RFC 1122 §3.2.1.3
	row("169.254.0.0/16", "Link Local", refused),                                 // RFC 3927
	row("172.16.0.0/12", "Private-Use", refused),                                 // RFC 1918
	row("192.0.0.0/24", "IETF Protocol Assignments", refused),                    // RFC 6890 §2.1
	row("192.0.0.0/29", "IPv4 Service Continuity Prefix", refused),               // RFC 7335
	row("192.0.0.8/32", "IPv4 dummy address", refused),                           // RFC 7600
	row("192.0.0.9/32", "Port Control Protocol Anycast", reachable),              // RFC 7723
	row("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", reachable), // RFC 8155
	row("192.0.0.170/32", "NAT64/DNS64 Discovery", refused),                      // RFC 8880, RFC 7050 §2.2
	row("192.0.0.171/32", "NAT64/DNS64 Discovery", refused),                      // RFC 8880, RFC 7050 §2.2
	row("192.0.2.0/24", "Documentation (TEST-NET-1)", refused),                   // RFC 5737
	row("192.31.196.0/24", "AS112-v4", reachable),                                // RFC 7535
	row("192.52.193.0/24", "AMT", reachable),                                     // RFC 7450
	row("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", refused),            // RFC 7526 (no longer listed as reachable)
	row("192.88.99.2/32", "6a44-relay anycast address", refused),                 // RFC 6751
	row("192.168.0.0/16", "Private-Use", refused),                                // RFC 1918
	row("198.18.0.0/15", "Benchmarking", refused),                                // RFC 2544
	row("198.51.100.0/24", "Documentation (TEST-NET-2)", refused),                // RFC 5737
	row("203.0.113.0/24", "Documentation (TEST-NET-3)", refused),                 // RFC 5737
	row("240.0.0.0/4", "Reserved", refused),                                      // RFC 1112 §4
	row("255.255.255.255/32", "Limited Broadcast", refused),                      // RFC 8190, RFC 919 §7
	// Not in the special-purpose registry: multicast (IPv4 Multicast
	// Address Space Registry). A server is never a multicast group.
	row("224.0.0.0/4", "Multicast", refused), // RFC 5771

	// ---- IPv6 ----
	// From the IPv6 Address Space Registry: only 2000::/3 is allocated for
	// global unicast; the rest is reserved by the IETF, unique-local,
	// link-local or multicast. Special-purpose blocks outside 2000::/3
	// (NAT64) are more specific rows below.
	row("::/0", "Reserved by IETF (not Global Unicast)", refused), // RFC 4291 §2.4
	row("2000::/3", "Global Unicast", reachable),                  // RFC 4291 §2.4
	// IPv6 Special-Purpose Address Registry:
	row("::1/128", "Loopback Address", refused),   // RFC 4291
	row("::/128", "Unspecified Address", refused), // RFC 4291
	// Globally Reachable False, yet an IPv4-mapped address is how a
	// dual-stack socket names an IPv4 peer: it is that IPv4 address.
	embedding("::ffff:0:0/96", "IPv4-mapped Address", last32), // RFC 4291
	embedding("64:ff9b::/96", "IPv4-IPv6 Translat.", last32),  // RFC 6052 (non-global IPv4 must not appear in it, §3.1)
	row("64:ff9b:1::/48", "IPv4-IPv6 Translat.", refused),     // RFC 8215 (local use)
	row("100::/64", "Discard-Only Address Block", refused),    // RFC 6666
	row("100:0:0:1::/64", "Dummy IPv6 Prefix", refused),       // RFC 9780
	row("2001::/23", "IETF Protocol Assignments", refused),    // RFC 2928
	// Globally Reachable N/A, and inside 2001::/23: refused whatever the
	// client's IPv4 address (the last 32 bits XOR 0xffffffff).
	row("2001::/32", "TEREDO", refused),                                                  // RFC 4380, RFC 8190
	row("2001:1::1/128", "Port Control Protocol Anycast", reachable),                     // RFC 7723
	row("2001:1::2/128", "Traversal Using Relays around NAT Anycast", reachable),         // RFC 8155
	row("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", reachable),      // RFC 9665
	row("2001:2::/48", "Benchmarking", refused),                                          // RFC 5180, RFC Errata 1752
	row("2001:3::/32", "AMT", reachable),                                                 // RFC 7450
	row("2001:4:112::/48", "AS112-v6", reachable),                                        // RFC 7535
	row("2001:10::/28", "Deprecated (previously ORCHID)", refused),                       // RFC 4843
	row("2001:20::/28", "ORCHIDv2", reachable),                                           // RFC 7343
	row("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", reachable), // RFC 9374
	row("2001:db8::/32", "Documentation", refused),                                       // RFC 3849
	// Globally Reachable N/A: it depends on the IPv4 address in bits 16-48.
	embedding("2002::/16", "6to4", sixToFour),                              // RFC 3056
	row("2620:4f:8000::/48", "Direct Delegation AS112 Service", reachable), // RFC 7534
	row("3fff::/20", "Documentation", refused),                             // RFC 9637
	row("5f00::/16", "Segment Routing (SRv6) SIDs", refused),               // RFC 9602
	row("fc00::/7", "Unique-Local", refused),                               // RFC 4193, RFC 8190
	row("fe80::/10", "Link-Local Unicast", refused),                        // RFC 4291
	// Not in the special-purpose registry (IPv6 Address Space Registry):
	row("::/96", "IPv4-compatible Address (deprecated)", refused), // RFC 4291 §2.5.5.1
	row("fec0::/10", "Site-Local (deprecated)", refused),          // RFC 3879
	row("ff00::/8", "Multicast", refused),                         // RFC 4291 §2.7
}

// last32 is the IPv4 address in an address's last 32 bits (IPv4-mapped,
// RFC 6052 /96 translation).
func last32(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
}

// sixToFour is the IPv4 address of a 6to4 address, in bits 16 to 48.
func sixToFour(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
}

// lookup returns the most specific row containing a, or nil.
func lookup(a netip.Addr) *special {
	var best *special
	for i := range specialPurpose {
		r := &specialPurpose[i]
		if r.prefix.Addr().Is4() == a.Is4() && r.prefix.Contains(a) && (best == nil || r.prefix.Bits() > best.prefix.Bits()) {
			best = r
		}
	}
	return best
}

// IsGloballyReachable reports whether the hub may connect to a: whether
// the IANA special-purpose registries say it is globally reachable (see
// the table specialPurpose). An IPv4 address carried in an IPv4-mapped,
// NAT64 (64:ff9b::/96) or 6to4 address is judged in its place. An invalid
// address, or one with a zone, is not reachable.
func IsGloballyReachable(a netip.Addr) bool {
	if !a.IsValid() || a.Zone() != "" {
		return false
	}
	r := lookup(a)
	if r == nil {
		return true
	}
	switch r.reach {
	case reachable:
		return true
	case embedsIPv4:
		return IsGloballyReachable(r.ipv4(a))
	}
	return false
}
