package federation_test

// Network search across 10 peer hubs (issue 21):
//
//	go test -tags sqlite_fts5 -run '^$' -bench NetworkSearch -benchtime 50x ./federation/
//
// BenchmarkNetworkSearch has 2,000 guides on each peer,
// BenchmarkNetworkSearch100k the target size, 100,000 (filled once, in
// about a minute, by SQL into one database file copied to each peer).
// At most 60 iterations: each peer answers one asking server 60 times in
// a row, then twice a second (hub/web/public_netsearch.go).

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/storage"
)

const benchSearchPeers = 10

var benchWords = []string{"apple", "bread", "cycle", "dance", "earth", "fable", "garden", "harbour", "island", "jigsaw"}

// fillBenchGuides makes a hub database at path holding n guides, written
// by SQL in one transaction (the service would take minutes for 100,000):
// guide i is titled "Guide i WORDj" with j = i mod n/10, so each
// word-and-number matches 10 guides.
func fillBenchGuides(b *testing.B, path string, n int) {
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	now := time.Now().Unix()
	benchInsert(b, path, `INSERT INTO guides (slug, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, n, func(i int) []any {
		title := fmt.Sprintf("Guide %d %s%d", i, benchWords[i%len(benchWords)], i%(n/10))
		return []any{fmt.Sprintf("guide-%d", i), title, "Plain text about a community guide.", now - int64(i), now - int64(i)}
	}, `INSERT INTO search_docs (ref, kind, local, item_id, slug, title, body, sort_at)
		SELECT 'guide:' || id, 'guide', 1, id, slug, title, body, updated_at FROM guides`)
}

// benchInsert runs insert n times, with the arguments row gives for each,
// then then (when not ""), in one transaction on the hub database at
// path, and optimises the search index.
func benchInsert(b *testing.B, path, insert string, n int, row func(i int) []any, then string) {
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Prepare(insert)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := stmt.Exec(row(i)...); err != nil {
			b.Fatal(err)
		}
	}
	stmt.Close()
	if then != "" {
		if _, err := tx.Exec(then); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO search_fts (search_fts) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// addBenchRelays puts into the commons of the hub database at path the
// n guides of the hub at origin, as fillBenchGuides made them but with
// their word twice in the title, so that they rank first.
func addBenchRelays(b *testing.B, path, origin string, n int) {
	now := time.Now().Unix()
	host := origin[len("http://"):]
	benchInsert(b, path, `INSERT INTO remote_items (object_id, kind, url, title, summary, content_text, origin_actor, origin_name, origin_host,
		tags, tag_names, published_at, updated_at, received_at) VALUES (?, 'guide', ?, ?, '', 'Plain text about a community guide.', ?, 'Origin', ?, '', '', ?, ?, ?)`, n, func(i int) []any {
		word := fmt.Sprintf("%s%d", benchWords[i%len(benchWords)], i%(n/10))
		id := fmt.Sprintf("%s/guides/guide-%d", origin, i)
		return []any{id, id, fmt.Sprintf("Guide %d %s %s", i, word, word), origin + "/actor", host, now, now, now}
	}, "")
}

func BenchmarkNetworkSearch(b *testing.B)     { benchNetworkSearch(b, 2000, false) }
func BenchmarkNetworkSearch100k(b *testing.B) { benchNetworkSearch(b, 100_000, false) }

// Two steps out: the ten peers' commons also hold the items of an
// eleventh hub, which the asking hub does not follow, and those rank
// first, so every search confirms ten relayed results from that hub by
// signed GET (once each, however many peers relay them).
func BenchmarkNetworkSearchRelayed(b *testing.B)     { benchNetworkSearch(b, 2000, true) }
func BenchmarkNetworkSearchRelayed100k(b *testing.B) { benchNetworkSearch(b, 100_000, true) }

// benchNetworkSearch: a hub follows 10 real in-process hubs on loopback,
// each holding items guides; every iteration asks them all for a word
// that matches 10 guides on each (a new word each time, so no answer is
// reused), and reports the median and p95.
func benchNetworkSearch(b *testing.B, items int, relayed bool) {
	a := newHub(b)
	ctx := context.Background()
	template := filepath.Join(b.TempDir(), "template.db")
	start := time.Now()
	fillBenchGuides(b, template, items)
	b.Logf("filled %d guides in %v", items, time.Since(start))
	if relayed {
		path := filepath.Join(b.TempDir(), "origin.db")
		copyFile(b, template, path)
		origin := openHub(b, path, nil)
		withRelays := filepath.Join(b.TempDir(), "relays.db")
		copyFile(b, template, withRelays)
		addBenchRelays(b, withRelays, origin.base, items)
		template = withRelays
	}
	for p := 0; p < benchSearchPeers; p++ {
		path := filepath.Join(b.TempDir(), "hub.db")
		copyFile(b, template, path)
		peer := openHub(b, path, nil)
		a.followHub(peer)
	}
	var took []time.Duration
	shown := 0
	b.ResetTimer()
	cpu := cpuTime() // every hub runs in this process: their work, which load does not change as it changes wall time
	for i := 0; i < b.N; i++ {
		q := fmt.Sprintf("%s%d", benchWords[i%len(benchWords)], i%(items/10))
		start := time.Now()
		answers, err := a.svc.SearchNetwork(ctx, hub.NetworkQuery{Text: q})
		took = append(took, time.Since(start))
		if err != nil || len(answers) != benchSearchPeers {
			b.Fatalf("%d answers, %v", len(answers), err)
		}
		relays := 0
		for _, an := range answers {
			if an.Problem != "" || an.Unconfirmed != 0 || !relayed && len(an.Results) != hub.MaxNetworkResults {
				b.Fatalf("%s: %q, %d results (%d unconfirmed) for %q", an.Hub.ActorID, an.Problem, len(an.Results), an.Unconfirmed, q)
			}
			for _, r := range an.Results {
				if r.Origin != nil {
					relays++
				}
			}
		}
		if relayed && relays != hub.MaxNetworkResults {
			b.Fatalf("%d relayed results shown for %q, want %d", relays, q, hub.MaxNetworkResults)
		}
		shown += relays
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(shown)/float64(b.N), "relayed/op")
}
