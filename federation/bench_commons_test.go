package federation_test

// Commons benchmarks (issue 4):
//
//   - BenchmarkIngest: verified Creates per second taken into the commons
//     through the inbox (signature, digest, dedup, mapping, sanitising,
//     SQLite), beside verifying the same signatures alone in the same run.
//   - BenchmarkPropagation: time from publishing on hub A to the item being
//     held by hub B, which follows A (two in-process hubs on loopback).
//
//	go test -tags sqlite_fts5 -run '^$' -bench 'Ingest|Propagation' -benchtime 1x ./federation/

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/commonplace-hub/commonplace/hub"
)

const (
	ingestActivities = 1000
	ingestClients    = 8
	propagationRuns  = 30
)

func BenchmarkIngest(b *testing.B) {
	h := newHub(b)
	f := newFediverse(b)
	group := f.actor("group", true)
	followFake(b, h, f, group)
	build := func(round, i int) *http.Request {
		obj := map[string]any{"id": fmt.Sprintf("%s/events/%d-%d", group.id(f), round, i), "type": "Event", "name": fmt.Sprintf("Event %d", i),
			"attributedTo": group.id(f), "startTime": "2027-04-01T10:00:00Z", "endTime": "2027-04-01T12:00:00Z",
			"to": []any{"https://www.w3.org/ns/activitystreams#Public"}, "content": "<p>Bring <strong>gloves</strong> and a flask.</p>",
			"tag": []any{map[string]any{"type": "Hashtag", "name": "#litter"}}}
		return f.request(signedPost{a: group, url: h.inbox(), body: f.activity(group, "Create", obj)})
	}
	run := func(reqs []*http.Request, do func(*http.Request) error) (time.Duration, error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		var firstErr atomic.Value
		start := time.Now()
		for range ingestClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= len(reqs) {
						return
					}
					if err := do(reqs[i]); err != nil {
						firstErr.CompareAndSwap(nil, err)
					}
				}
			}()
		}
		wg.Wait()
		if err, _ := firstErr.Load().(error); err != nil {
			return 0, err
		}
		return time.Since(start), nil
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ingestClients}}
	send := func(r *http.Request) error {
		resp, err := client.Do(r)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	verify := func(r *http.Request) error {
		v, err := httpsig.NewVerifier(r)
		if err != nil {
			return err
		}
		return v.Verify(&group.key.PublicKey, httpsig.RSA_SHA256)
	}
	// Warm up: the key is fetched and cached, connections opened.
	warm := make([]*http.Request, 50)
	for i := range warm {
		warm[i] = build(-1, i)
	}
	if _, err := run(warm, send); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var ingest, ref []float64
	for round := range b.N {
		reqs, check := make([]*http.Request, ingestActivities), make([]*http.Request, ingestActivities)
		for i := range reqs {
			reqs[i], check[i] = build(round, i), build(round+1000, i)
		}
		dr, err := run(check, verify)
		if err != nil {
			b.Fatal(err)
		}
		d, err := run(reqs, send)
		if err != nil {
			b.Fatal(err)
		}
		ingest = append(ingest, float64(ingestActivities)/d.Seconds())
		ref = append(ref, float64(ingestActivities)/dr.Seconds())
	}
	b.StopTimer()
	items, total, err := h.db.Commons().RemoteItems(context.Background(), hub.RemoteItemFilter{Limit: 1})
	if err != nil || len(items) == 0 || total < b.N*ingestActivities {
		b.Fatalf("%d items held after %d Creates (%v)", total, b.N*ingestActivities, err)
	}
	b.ReportMetric(median(ingest), "creates/s")
	b.ReportMetric(median(ref), "verify-only/s")
	b.ReportMetric(median(ingest)/median(ref), "ingest/verify")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkPropagation(b *testing.B) {
	a, bh := newHub(b), newHub(b)
	if _, err := bh.svc.FollowPeer(bh.host(), a.handle()); err != nil {
		b.Fatal(err)
	}
	waitFor(b, "the follow to be accepted", func() bool { return bh.peerState(a.actorID()) == hub.PeerAccepted })
	ctx := context.Background()
	var took []float64
	b.ResetTimer()
	for range b.N {
		for i := range propagationRuns {
			start := time.Now()
			e := &hub.Event{Title: fmt.Sprintf("Propagated %d", i), TimeZone: "Europe/London",
				Start: time.Date(2027, 5, 1, 10, 0, 0, 0, london), End: time.Date(2027, 5, 1, 12, 0, 0, 0, london)}
			if err := a.svc.CreateEvent(a.host(), e); err != nil {
				b.Fatal(err)
			}
			iri := a.base + "/events/" + e.Slug
			for {
				if _, err := bh.db.Commons().RemoteItemByObject(ctx, iri); err == nil {
					break
				}
				if time.Since(start) > 10*time.Second {
					b.Fatalf("%s did not reach B", iri)
				}
				time.Sleep(200 * time.Microsecond)
			}
			took = append(took, float64(time.Since(start).Microseconds())/1000)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(took[len(took)/2], "p50-ms")
	b.ReportMetric(took[len(took)*95/100], "p95-ms")
	b.ReportMetric(took[len(took)-1], "max-ms")
	b.ReportMetric(0, "ns/op")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
