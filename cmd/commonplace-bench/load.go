package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// captured is a response to replay from the bare reference handler.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// capture fetches path from base, as the load generator will.
func capture(base, path string, accept string) (captured, error) {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return captured{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return captured{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return captured{}, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return captured{status: resp.StatusCode, header: h, body: body}, nil
}

// bareHandler serves the captured bytes with the same headers: the
// reference a hub handler is measured against.
func bareHandler(docs map[string]captured) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := docs[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range d.header {
			w.Header()[k] = v
		}
		w.WriteHeader(d.status)
		w.Write(d.body)
	})
}

// serveCaptured captures each path from the hub at base and serves the
// captured bytes from a bare handler on loopback until stop is called.
func serveCaptured(base string, paths []struct{ name, path, accept string }) (docs map[string]captured, bareBase string, stop func(), err error) {
	docs = map[string]captured{}
	for _, p := range paths {
		c, err := capture(base, p.path, p.accept)
		if err != nil {
			return nil, "", nil, err
		}
		docs[p.path] = c
	}
	bareBase, stop, err = serveLoopback(bareHandler(docs))
	return docs, bareBase, stop, err
}

// serveLoopback serves h on a fresh 127.0.0.1 port until stop is called.
func serveLoopback(h http.Handler) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// window is one load window's outcome.
type window struct {
	requests int
	errors   int
	elapsed  time.Duration
	lat      []time.Duration
}

// load sends GETs for path to base from workers keep-alive clients for d,
// checking every answer is 200 with the expected body length.
func load(client *http.Client, base, path, accept string, wantLen, workers int, d time.Duration) window {
	var n, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			buf := new(bytes.Buffer)
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, base+path, nil)
				if accept != "" {
					req.Header.Set("Accept", accept)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				buf.Reset()
				buf.ReadFrom(resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode != http.StatusOK || buf.Len() != wantLen {
					errs.Add(1)
				}
				n.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return window{requests: int(n.Load()), errors: int(errs.Load()), elapsed: time.Since(start), lat: lat}
}

// sideBySide loads the hub and the bare reference in alternating windows
// (so both see the same machine) and returns the figures.
type sideResult struct {
	HubRPS, BareRPS, Ratio float64
	HubP50, HubP99         time.Duration
	BareP99                time.Duration
	Errors                 int
	Requests               int
}

func sideBySide(hubBase, bareBase, path, accept string, wantLen int, cfg config) sideResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.workers, MaxConnsPerHost: cfg.workers}}
	load(client, hubBase, path, accept, wantLen, cfg.workers, cfg.window)  // warm up
	load(client, bareBase, path, accept, wantLen, cfg.workers, cfg.window) // warm up
	var ratios []float64
	var hubLat, bareLat []time.Duration
	var res sideResult
	for range cfg.rounds {
		h := load(client, hubBase, path, accept, wantLen, cfg.workers, cfg.window)
		b := load(client, bareBase, path, accept, wantLen, cfg.workers, cfg.window)
		hr, br := float64(h.requests)/h.elapsed.Seconds(), float64(b.requests)/b.elapsed.Seconds()
		res.HubRPS += hr / float64(cfg.rounds)
		res.BareRPS += br / float64(cfg.rounds)
		ratios = append(ratios, hr/br)
		hubLat, bareLat = append(hubLat, h.lat...), append(bareLat, b.lat...)
		res.Errors += h.errors + b.errors
		res.Requests += h.requests
	}
	slices.Sort(ratios)
	res.Ratio = ratios[len(ratios)/2]
	slices.Sort(hubLat)
	slices.Sort(bareLat)
	res.HubP50, res.HubP99 = pct(hubLat, 50), pct(hubLat, 99)
	res.BareP99 = pct(bareLat, 99)
	return res
}

func pct(v []time.Duration, p int) time.Duration {
	if len(v) == 0 {
		return 0
	}
	return v[min(len(v)-1, len(v)*p/100)]
}
