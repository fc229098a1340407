package netaddr

import "testing"

func TestNormalizeHost(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"evil.example", "evil.example"},
		{"EVIL.Example", "evil.example"},
		{"evil.example.", "evil.example"},
		{"EVIL.example.:8443", "evil.example:8443"},
		{"evil.example:443", "evil.example:443"}, // no scheme: the port stays
		{"evil.example:0443", "evil.example:443"},
		{"evil.example:", "evil.example"},
		{"ＥＶＩＬ.example", "evil.example"},             // full-width letters
		{"evil。example", "evil.example"},             // ideographic full stop
		{"bücher.example", "xn--bcher-kva.example"},  // IDNA
		{"BÜCHER.example.", "xn--bcher-kva.example"}, // IDNA, upper case, root
		{"XN--BCHER-KVA.example", "xn--bcher-kva.example"},
		{"faß.de", "xn--fa-hia.de"}, // non-transitional, as Go's HTTP client
		{"my_host.example", "my_host.example"},
		{"localhost", "localhost"},
		{"127.0.0.1", "127.0.0.1"},
		{"127.0.0.1.", "127.0.0.1"},
		{"127.1", "127.0.0.1"},        // inet_aton forms
		{"2130706433", "127.0.0.1"},   // one number
		{"0x7f000001", "127.0.0.1"},   // hex
		{"0x7F.0.0.1", "127.0.0.1"},   // a hex part
		{"0177.0.0.1", "127.0.0.1"},   // octal
		{"127.0.0x0.01", "127.0.0.1"}, // mixed
		{"１２７.０.０.１", "127.0.0.1"},    // full-width digits
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"[::ffff:127.0.0.1]", "127.0.0.1"}, // IPv4-mapped
		{"[::ffff:7f00:1]:8443", "127.0.0.1:8443"},
		{"[::FFFF:127.0.0.1]:443", "127.0.0.1:443"},
		{"[::1]", "[::1]"},
		{"[::1]:", "[::1]"},
		{"[0:0::1]:8080", "[::1]:8080"},
		{"[2001:DB8:0:0:0:0:0:1]", "[2001:db8::1]"},
		{"2001:db8::1", "[2001:db8::1]"}, // bare IPv6
		{"[64:ff9b::7f00:1]", "[64:ff9b::7f00:1]"},
		{"[::7f00:1]", "[::7f00:1]"}, // IPv4-compatible is not the IPv4 address
	} {
		got, err := NormalizeHost(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{
		"", ".", "evil.example..", "..evil.example", "evil..example", "evil example", "evil.example/x",
		"evil.example:x", "evil.example:0", "evil.example:65536", "evil.example:+443", "evil.example:443:443",
		"-evil.example", "evil-.example", "evil.example%2e", "evil*.example", "[::1", "[::1]x",
		"[127.0.0.1]", "[fe80::1%25eth0]", "fe80::1%eth0", "1.2.3.4.5", "256.0.0.1", "1.2.3.0x100", "0x1g.0.0.1",
		"example.123", "1.2.3.09", "a_b.bücher.example", "\xff.example", "x\x00.example", "-a.bü",
	} {
		if got, err := NormalizeHost(bad); err == nil {
			t.Errorf("NormalizeHost(%q) = %q, want an error", bad, got)
		}
	}
}

func TestHostOfURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://Evil.Example.:443/x", "evil.example"},
		{"https://evil.example/users/a#main-key", "evil.example"},
		{"HTTPS://EVIL.example/x", "evil.example"},
		{"http://evil.example:80/", "evil.example"},
		{"http://evil.example:443/", "evil.example:443"}, // not http's default
		{"https://evil.example:80/", "evil.example:80"},
		{"https://evil.example:8443?x", "evil.example:8443"},
		{"https://user:pw@evil.example/", "evil.example"},
		{"https://good.example@evil.example/", "evil.example"},
		{"https://b%C3%BCcher.example/", "xn--bcher-kva.example"}, // escaped UTF-8, as Go's parser unescapes it
		{"http://[::ffff:127.0.0.1]:8080/x", "127.0.0.1:8080"},
		{"http://[::1]:8080/x", "[::1]:8080"},
		{"http://2130706433/", "127.0.0.1"},
		{"https://evil.example", "evil.example"},
	} {
		if got := HostOfURL(c.in); got != c.want {
			t.Errorf("HostOfURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, bad := range []string{
		"", "evil.example", "ftp://evil.example/", "acct:a@evil.example", "https:///x", "https:/evil.example/",
		"https://evil.example\\@good.example/", "https://%65vil.example/", "https://evil example/",
		"https://[::1/", "https://evil.example:99999/", "javascript:alert('https://evil.example')",
	} {
		if got := HostOfURL(bad); got != "" {
			t.Errorf("HostOfURL(%q) = %q, want \"\"", bad, got)
		}
	}
}

func TestHostMatches(t *testing.T) {
	for _, c := range []struct {
		host, pattern string
		want          bool
	}{
		{"evil.example", "evil.example", true},
		{"sub.evil.example", "evil.example", true},
		{"a.b.sub.evil.example", "evil.example", true},
		{"SUB.Evil.Example.", "evil.example", true},
		{"evil.example", "EVIL.example.", true},
		{"notevil.example", "evil.example", false},
		{"evil.example.net", "evil.example", false},
		{"example", "evil.example", false},
		{"evil.example:8443", "evil.example", true}, // a rule without a port covers every port
		{"sub.evil.example:8443", "evil.example", true},
		{"evil.example", "evil.example:8443", false}, // a rule with a port covers that port only
		{"evil.example:8443", "evil.example:8443", true},
		{"evil.example:9443", "evil.example:8443", false},
		{"sub.evil.example:8443", "evil.example:8443", true},
		{"xn--bcher-kva.example", "bücher.example", true},
		{"shop.bücher.example", "xn--bcher-kva.example", true},
		{"[::ffff:127.0.0.1]:8080", "127.0.0.1", true},
		{"2130706433", "127.0.0.1", true},
		{"127.0.0.1", "0.0.1", false}, // addresses have no subdomains
		{"[::1]", "::1", true},
		{"", "evil.example", false},
		{"evil.example", "", false},
		{"evil..example", "example", false},
	} {
		if got := HostMatches(c.host, c.pattern); got != c.want {
			t.Errorf("HostMatches(%q, %q) = %v, want %v", c.host, c.pattern, got, c.want)
		}
	}
}

func TestHostSet(t *testing.T) {
	var s HostSet
	if s.Covers("evil.example") || s.Contains("evil.example") {
		t.Fatal("an empty set matches")
	}
	for _, h := range []string{"EVIL.example.", "bücher.example", "127.0.0.1", "ports.example:8443", "[::1]"} {
		if err := s.Add(h); err != nil {
			t.Fatalf("Add(%q): %v", h, err)
		}
	}
	if err := s.Add("evil..example"); err == nil {
		t.Error("Add took an invalid host")
	}
	for _, c := range []struct {
		host             string
		covers, contains bool
	}{
		{"evil.example", true, true},
		{"evil.example:8443", true, true},
		{"sub.evil.example", true, false}, // blocks cover subdomains, allowlists do not
		{"notevil.example", false, false},
		{"xn--bcher-kva.example", true, true},
		{"www.bücher.example", true, false},
		{"[::ffff:127.0.0.1]:9000", true, true},
		{"1.127.0.0.1", false, false},
		{"ports.example", false, false},
		{"ports.example:8443", true, true},
		{"a.ports.example:8443", true, false},
		{"[0::1]:80", true, true},
		{"bad host", false, false},
	} {
		if got := s.Covers(c.host); got != c.covers {
			t.Errorf("Covers(%q) = %v, want %v", c.host, got, c.covers)
		}
		if got := s.Contains(c.host); got != c.contains {
			t.Errorf("Contains(%q) = %v, want %v", c.host, got, c.contains)
		}
	}
}
