package netaddr

import (
	"net/netip"
	"testing"
)

// reachability lists addresses inside and just outside every row of the
// special-purpose table, with the answer the IANA registries give. The
// answers are written out by hand, not derived from the table, so a wrong
// row fails here. Nothing is ever sent to these addresses.
var reachability = []struct {
	addr string
	want bool
}{
	// Ordinary public addresses.
	{"93.184.216.34", true}, {"8.8.8.8", true}, {"1.1.1.1", true},
	{"2606:2800:220:1:248:1893:25c8:1946", true}, {"2a00:1450:4001:81c::200e", true},

	// IPv4 registry.
	{"0.0.0.0", false}, {"0.255.255.255", false}, {"1.0.0.0", true}, // 0.0.0.0/8, 0.0.0.0/32
	{"10.0.0.1", false}, {"10.255.255.255", false}, {"9.255.255.255", true}, {"11.0.0.0", true},
	{"100.64.0.1", false}, {"100.127.255.255", false}, {"100.63.255.255", true}, {"100.128.0.0", true},
	{"127.0.0.1", false}, {"127.255.255.254", false}, {"126.255.255.255", true}, {"128.0.0.0", true},
	{"169.254.169.254", false}, {"169.253.255.255", true}, {"169.255.0.0", true},
	{"172.16.0.1", false}, {"172.31.255.255", false}, {"172.15.255.255", true}, {"172.32.0.0", true},
	{"192.0.0.1", false}, {"192.0.0.7", false}, {"192.0.0.8", false}, // /24, /29, dummy
	{"192.0.0.9", true}, {"192.0.0.10", true}, {"192.0.0.11", false}, // the /24's exceptions
	{"192.0.0.170", false}, {"192.0.0.171", false}, {"192.0.0.255", false},
	{"191.255.255.255", true}, {"192.0.1.0", true},
	{"192.0.2.1", false}, {"192.0.3.0", true},
	{"192.31.196.1", true}, {"192.52.193.1", true}, // AS112-v4, AMT
	{"192.88.99.1", false}, {"192.88.99.2", false}, {"192.88.98.255", true}, {"192.88.100.0", true},
	{"192.168.1.1", false}, {"192.167.255.255", true}, {"192.169.0.0", true},
	{"198.18.0.1", false}, {"198.19.255.255", false}, {"198.17.255.255", true}, {"198.20.0.0", true},
	{"198.51.100.7", false}, {"198.51.99.255", true}, {"198.51.101.0", true},
	{"203.0.113.9", false}, {"203.0.112.255", true}, {"203.0.114.0", true},
	{"224.0.0.1", false}, {"239.255.255.255", false}, {"223.255.255.255", true}, // multicast
	{"240.0.0.1", false}, {"255.255.255.254", false}, {"255.255.255.255", false},

	// IPv6 registry and address space.
	{"::", false}, {"::1", false}, {"::2", false},
	{"::ffff:8.8.8.8", true}, {"::ffff:127.0.0.1", false}, {"::ffff:7f00:1", false}, // mapped: as the IPv4
	{"::ffff:10.0.0.1", false}, {"::ffff:192.0.0.9", true}, {"::fffe:ffff:ffff", false},
	{"::7f00:1", false}, {"::808:808", false}, // IPv4-compatible: refused whatever it holds
	{"64:ff9b::808:808", true}, {"64:ff9b::7f00:1", false}, {"64:ff9b::a00:1", false}, // NAT64
	{"64:ff9b::c000:aa", false}, {"64:ff9b::1:0:0:0", false}, {"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", false},
	{"64:ff9b:1::1", false}, {"64:ff9b:1:ffff::1", false}, // local-use NAT64
	{"100::1", false}, {"100::ffff:ffff:ffff:ffff", false}, {"100:0:0:1::1", false}, {"100:0:0:2::1", false},
	{"2001::1", false}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, // Teredo
	{"2001:1::1", true}, {"2001:1::2", true}, {"2001:1::3", true}, {"2001:1::4", false},
	{"2001:2::1", false}, {"2001:2:0:ffff::1", false}, {"2001:2:1::1", false},
	{"2001:3::1", true}, {"2001:3:ffff::1", true},
	{"2001:4:112::1", true}, {"2001:4:113::1", false}, {"2001:4:111:ffff::1", false},
	{"2001:10::1", false}, {"2001:1f:ffff::1", false},
	{"2001:20::1", true}, {"2001:2f:ffff::1", true}, {"2001:30::1", true}, {"2001:3f:ffff::1", true},
	{"2001:40::1", false}, {"2001:1ff:ffff::1", false}, {"2001:200::1", true}, {"2000::1", true},
	{"2001:db8::1", false}, {"2001:db8:ffff::1", false}, {"2001:db7:ffff::1", true}, {"2001:db9::1", true},
	{"2002:808:808::1", true}, {"2002:7f00:1::1", false}, {"2002:a00:1::1", false}, // 6to4: as the IPv4
	{"2002:c0a8:101::1", false}, {"2002:c000:9::1", true}, {"2003::1", true}, {"2001:ffff::1", true},
	{"2620:4f:8000::1", true}, {"2620:4f:7fff::1", true},
	{"3fff::1", false}, {"3fff:fff:ffff::1", false}, {"3fff:1000::1", true}, {"3ffe:ffff::1", true},
	{"5f00::1", false}, {"4000::1", false}, {"1fff:ffff::1", false}, {"e000::1", false},
	{"fc00::1", false}, {"fdff:ffff::1", false}, {"fbff:ffff::1", false},
	{"fe80::1", false}, {"febf:ffff::1", false}, {"fec0::1", false}, {"fe7f:ffff::1", false},
	{"ff02::1", false}, {"ff0e::1", false},
	{"fe80::1%eth0", false}, {"2606:2800:220:1::1%eth0", false}, // zones
}

func TestIsGloballyReachable(t *testing.T) {
	for _, c := range reachability {
		a := netip.MustParseAddr(c.addr)
		if got := IsGloballyReachable(a); got != c.want {
			r := lookup(a.WithZone(""))
			name := "no row"
			if r != nil {
				name = r.prefix.String() + " " + r.name
			}
			t.Errorf("IsGloballyReachable(%s) = %v, want %v (%s)", c.addr, got, c.want, name)
		}
	}
	if IsGloballyReachable(netip.Addr{}) {
		t.Error("the zero Addr is reachable")
	}
}

// The standard library's predicates, as a cross-check on the table and on
// the expected answers: an address they call loopback, private, link-local,
// multicast or unspecified is never reachable, and a reachable one is
// always global unicast.
func TestReachabilityAgreesWithTheStandardLibrary(t *testing.T) {
	for _, c := range reachability {
		a := netip.MustParseAddr(c.addr)
		u := a.Unmap()
		special := u.IsLoopback() || u.IsPrivate() || u.IsLinkLocalUnicast() || u.IsLinkLocalMulticast() ||
			u.IsInterfaceLocalMulticast() || u.IsMulticast() || u.IsUnspecified()
		got := IsGloballyReachable(a)
		if special && (got || c.want) {
			t.Errorf("%s: the standard library calls it special, the table says reachable=%v, the test wants %v", c.addr, got, c.want)
		}
		if got && !a.IsGlobalUnicast() {
			t.Errorf("%s: reachable, but not global unicast to the standard library", c.addr)
		}
	}
}

// Every row of the table has an address in the test list that it decides,
// so no row is untested.
func TestEveryRowIsTested(t *testing.T) {
	decided := map[*special]bool{}
	for _, c := range reachability {
		if r := lookup(netip.MustParseAddr(c.addr).WithZone("")); r != nil {
			decided[r] = true
		}
	}
	for i := range specialPurpose {
		r := &specialPurpose[i]
		if !decided[r] {
			t.Errorf("no test address is decided by the row %s (%s)", r.prefix, r.name)
		}
		if r.prefix != r.prefix.Masked() {
			t.Errorf("row %s has host bits set", r.prefix)
		}
	}
}
