package federation_test

// Network search across 10 peer hubs (issue 21):
//
//	go test -tags sqlite_fts5 -run '^$' -bench NetworkSearch -benchtime 50x ./federation/
//
// At most 60 iterations: each peer answers one asking server 60 times in
// a row, then twice a second (hub/web/public_netsearch.go).

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

const (
	benchSearchPeers = 10
	benchSearchItems = 2000 // guides on each peer
)

// BenchmarkNetworkSearch: a hub follows 10 real in-process hubs on
// loopback, each holding benchSearchItems guides; every iteration asks
// them all for a word that matches 10 guides on each (a new word each
// time up to 200 iterations, so no answer is reused), and reports the
// median and p95.
func BenchmarkNetworkSearch(b *testing.B) {
	a := newHub(b)
	ctx := context.Background()
	words := []string{"apple", "bread", "cycle", "dance", "earth", "fable", "garden", "harbour", "island", "jigsaw"}
	for p := 0; p < benchSearchPeers; p++ {
		peer := newHub(b)
		err := peer.svc.Batch(peer.host(), func(ctx context.Context) error {
			for i := 0; i < benchSearchItems; i++ {
				g := &hub.Guide{Title: fmt.Sprintf("Guide %d %s%d", i, words[i%len(words)], i%(benchSearchItems/10)), Body: "Plain text about a community guide."}
				if err := peer.svc.CreateGuide(ctx, g); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		a.followHub(peer)
	}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := fmt.Sprintf("%s%d", words[i%len(words)], i%(benchSearchItems/10))
		start := time.Now()
		answers, err := a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: q})
		took = append(took, time.Since(start))
		if err != nil || len(answers) != benchSearchPeers {
			b.Fatalf("%d answers, %v", len(answers), err)
		}
		for _, an := range answers {
			if an.Problem != "" {
				b.Fatalf("%s: %s", an.Hub.ActorID, an.Problem)
			}
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
