package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// trustProxies makes the client address that logs and login rate limits
// see the reader's, not the reverse proxy's: when a request comes from
// one of the trusted proxy addresses, the client is the rightmost address
// in X-Forwarded-For that is not itself a trusted proxy. From anyone else
// the header is ignored, so it cannot be forged.
func trustProxies(trusted []netip.Prefix) func(http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			peer, perr := netip.ParseAddr(host)
			if err == nil && perr == nil && isTrusted(peer) {
				hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
				for i := len(hops) - 1; i >= 0; i-- {
					a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
					if err != nil {
						break // a garbled hop: stop at what can be trusted
					}
					if !isTrusted(a) {
						r2 := r.Clone(r.Context())
						r2.RemoteAddr = net.JoinHostPort(a.Unmap().String(), "0")
						r = r2
						break
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ParseProxies reads a comma-separated list of addresses and CIDR ranges.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
