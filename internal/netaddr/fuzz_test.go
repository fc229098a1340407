package netaddr

import (
	"encoding/binary"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzNormalizeHost: NormalizeHost never panics; what it returns is
// lower-case ASCII without a trailing dot, a valid URL authority, a fixed
// point (normalising it again changes nothing), and matched by the rules
// built from it: a block on it covers it and its subdomains.
func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{
		"evil.example", "EVIL.example.", "evil.example:443", "evil.example.:0443", "sub.evil.example",
		"ＥＶＩＬ.example", "evil。example", "bücher.example", "XN--BCHER-KVA.example", "faß.de",
		"127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.01", "１２７.０.０.１", "127.0.0.1.",
		"[::ffff:127.0.0.1]", "[::ffff:7f00:1]:8080", "[::1]", "::1", "[64:ff9b::7f00:1]", "[::7f00:1]",
		"[fe80::1%eth0]", "1.2.3.4.5", "evil..example", "evil.example:", "[::1]:", "a_b.example", "-a.example",
		"\xff", "x:y:z", "", ".",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := NormalizeHost(s)
		if err != nil {
			if h != "" {
				t.Fatalf("NormalizeHost(%q) = %q with error %v", s, h, err)
			}
			return
		}
		if h != strings.ToLower(h) || !isASCII(h) {
			t.Fatalf("NormalizeHost(%q) = %q: not lower-case ASCII", s, h)
		}
		name, port := splitHost(h)
		if strings.HasSuffix(name, ".") || name == "" {
			t.Fatalf("NormalizeHost(%q) = %q: trailing dot or no name", s, h)
		}
		again, err := NormalizeHost(h)
		if err != nil || again != h {
			t.Fatalf("NormalizeHost(%q) = %q, but NormalizeHost(%q) = %q, %v", s, h, h, again, err)
		}
		u, err := url.Parse("http://" + h + "/")
		if err != nil || u.Host != h {
			t.Fatalf("NormalizeHost(%q) = %q, not a URL authority: %v", s, h, err)
		}
		if got := HostOfURL("http://" + h + "/"); port == "80" && got != name || port != "80" && got != h {
			t.Fatalf("HostOfURL(http://%s/) = %q", h, got)
		}
		if !HostMatches(h, h) || !HostMatches(s, h) || !HostMatches(h, s) {
			t.Fatalf("%q and %q do not match each other", s, h)
		}
		var set HostSet
		if err := set.Add(s); err != nil || !set.Covers(h) || !set.Contains(h) {
			t.Fatalf("a set of %q does not hold %q: %v", s, h, err)
		}
		if !isIPName(name) {
			sub := "sub." + h
			if _, err := NormalizeHost(sub); err == nil && (!HostMatches(sub, h) || !set.Covers(sub) || set.Contains(sub)) {
				t.Fatalf("the rules of %q do not treat %q as a subdomain", h, sub)
			}
		}
	})
}

// FuzzClassify: every IPv4 address classifies the same as its IPv4-mapped,
// NAT64 (64:ff9b::/96) and 6to4 forms, as the registries say it should;
// its IPv4-compatible and Teredo forms are always refused. Any IPv6
// address: a reachable one is global unicast to the standard library, and
// one the standard library calls special is refused. Nothing is dialled.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "10.0.0.1", "8.8.8.8", "192.0.0.9", "192.0.0.10", "192.0.0.170",
		"100.64.0.1", "169.254.169.254", "0.0.0.0", "255.255.255.255", "224.0.0.1", "93.184.216.34"} {
		a := netip.MustParseAddr(s).As4()
		f.Add(binary.BigEndian.Uint32(a[:]), uint64(0x1234), uint64(0x2001_0db8_0000_0000), uint64(1))
	}
	f.Add(uint32(0), uint64(0), uint64(0x0064_ff9b_0000_0000), uint64(0x7f00_0001))
	f.Add(uint32(0), uint64(0), uint64(0x2002_7f00_0001_0000), uint64(0))
	f.Add(uint32(0), uint64(0), uint64(0x2001_0001_0000_0000), uint64(1))
	f.Fuzz(func(t *testing.T, v4 uint32, suffix, hi, lo uint64) {
		var b4 [4]byte
		binary.BigEndian.PutUint32(b4[:], v4)
		a := netip.AddrFrom4(b4)
		want := IsGloballyReachable(a)
		forms := map[string]netip.Addr{
			"IPv4-mapped": netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: b4[0], 13: b4[1], 14: b4[2], 15: b4[3]}),
			"NAT64":       netip.AddrFrom16([16]byte{0: 0x00, 1: 0x64, 2: 0xff, 3: 0x9b, 12: b4[0], 13: b4[1], 14: b4[2], 15: b4[3]}),
		}
		var six [16]byte
		six[0], six[1] = 0x20, 0x02
		copy(six[2:6], b4[:])
		binary.BigEndian.PutUint64(six[8:], suffix)
		six[6], six[7] = byte(suffix>>56), byte(suffix>>48)
		forms["6to4"] = netip.AddrFrom16(six)
		for name, form := range forms {
			if got := IsGloballyReachable(form); got != want {
				t.Fatalf("%s is %v but its %s form %s is %v", a, want, name, form, got)
			}
		}
		compat := netip.AddrFrom16([16]byte{12: b4[0], 13: b4[1], 14: b4[2], 15: b4[3]})
		var teredo [16]byte
		teredo[0], teredo[1] = 0x20, 0x01
		binary.BigEndian.PutUint64(teredo[4:], suffix)
		binary.BigEndian.PutUint32(teredo[12:], ^v4)
		for _, refused := range []netip.Addr{compat, netip.AddrFrom16(teredo)} {
			if IsGloballyReachable(refused) {
				t.Fatalf("%s is reachable", refused)
			}
		}
		if h, err := NormalizeHost("[" + forms["IPv4-mapped"].String() + "]"); err != nil || h != a.String() {
			t.Fatalf("the mapped form of %s normalises to %q, %v", a, h, err)
		}

		var b16 [16]byte
		binary.BigEndian.PutUint64(b16[:8], hi)
		binary.BigEndian.PutUint64(b16[8:], lo)
		for _, x := range []netip.Addr{a, netip.AddrFrom16(b16)} {
			got := IsGloballyReachable(x)
			u := x.Unmap()
			special := u.IsLoopback() || u.IsPrivate() || u.IsLinkLocalUnicast() || u.IsLinkLocalMulticast() ||
				u.IsInterfaceLocalMulticast() || u.IsMulticast() || u.IsUnspecified()
			if got && (special || !x.IsGlobalUnicast()) {
				t.Fatalf("%s is reachable, but the standard library calls it special", x)
			}
		}
	})
}
