package storage

// BenchmarkSearch100k: search over 100,000 commons items (and 1,000 local
// guides), with a realistic mix of reader queries, beside FTS5's bare
// MATCH count for the same words in the same run.
//
//	go test -tags sqlite_fts5 -run '^$' -bench Search100k -benchtime 1x ./storage/

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

const (
	benchItems   = 100_000
	benchLocal   = 1_000
	benchQueries = 20 // per query in the mix
)

// benchWords is a Zipf-distributed vocabulary: a few words are in most
// items, most words in few.
func benchWords(r *rand.Rand, n int) []string {
	common := strings.Fields(`community repair cafe digital skills tablet phone volunteers food bank tenants union meeting library garden
		workshop help group local council energy advice housing youth elders walk litter clean bike cycling cooking sewing knitting
		online support access welcome free drop-in session guide case study lessons outcome problem approach tools funding grant`)
	words := slices.Clone(common)
	for i := 0; len(words) < n; i++ {
		var b strings.Builder
		for range 3 + r.IntN(5) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		words = append(words, b.String())
	}
	return words
}

func fillSearchBench(b *testing.B, db *DB) {
	r := rand.New(rand.NewPCG(1, 2))
	words := benchWords(r, 20_000)
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	text := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = words[zipf.Uint64()]
		}
		return strings.Join(parts, " ")
	}
	kinds := []hub.Kind{hub.KindEvent, hub.KindGuide, hub.KindCaseStudy}
	now := time.Now().Unix()
	err := db.inTx(context.Background(), func(tx *sql.Tx) error {
		stmt, err := tx.Prepare(`INSERT INTO remote_items (object_id, kind, url, title, summary, content_text, origin_actor, origin_name, origin_host,
			starts_at, ends_at, place_name, place_slug, tags, tag_names, published_at, updated_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range benchItems {
			host := fmt.Sprintf("hub%d.example", i%50)
			kind := kinds[i%3]
			var starts, ends any
			if kind == hub.KindEvent {
				s := now + int64(r.IntN(365*86400))
				starts, ends = s, s+7200
			}
			tag := words[zipf.Uint64()%200]
			if _, err := stmt.Exec(fmt.Sprintf("https://%s/items/%d", host, i), kind, fmt.Sprintf("https://%s/items/%d", host, i), text(6), text(20), text(120),
				"https://"+host+"/actor", "Hub "+host, host, starts, ends, "", "", " "+tag+" ", tag, now-int64(i), now-int64(i), now); err != nil {
				return err
			}
		}
		for i := range benchLocal {
			if _, err := tx.Exec(`INSERT INTO guides (slug, title, summary, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				fmt.Sprintf("guide-%d", i), text(6), text(20), text(200), now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.db.Exec(`INSERT INTO search_fts (search_fts) VALUES ('optimize')`); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkSearch100k(b *testing.B) {
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "hub.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	fillSearchBench(b, db)
	b.Logf("filled %d items in %v", benchItems+benchLocal, time.Since(start))
	s := &SearchStore{db}
	ctx := context.Background()
	mix := []struct {
		name string
		q    hub.SearchQuery
	}{
		{"common word", hub.SearchQuery{Text: "community"}},
		{"two common words", hub.SearchQuery{Text: "repair volunteers"}},
		{"rare word", hub.SearchQuery{Text: "grant funding"}},
		{"prefix while typing", hub.SearchQuery{Text: "digital sk"}},
		{"phrase", hub.SearchQuery{Text: `"food bank"`}},
		{"word + kind + origin", hub.SearchQuery{Text: "library", Kind: hub.KindEvent, Origin: "hub7.example"}},
		{"word + date range", hub.SearchQuery{Text: "garden", From: time.Now(), To: time.Now().AddDate(0, 1, 0)}},
		{"no words, commons guides", hub.SearchQuery{Kind: hub.KindGuide, Origin: hub.OriginCommons}},
		{"no words, tag", hub.SearchQuery{Tag: "community"}},
	}
	var all, ref []float64
	b.ResetTimer()
	for range b.N {
		for _, m := range mix {
			m.q.Limit = 20
			var times []float64
			for range benchQueries {
				t0 := time.Now()
				res, err := s.Search(ctx, m.q)
				if err != nil {
					b.Fatalf("%s: %v", m.name, err)
				}
				times = append(times, float64(time.Since(t0).Microseconds())/1000)
				if res.Total == 0 {
					b.Fatalf("%s: no results; the benchmark would measure nothing", m.name)
				}
			}
			all = append(all, times...)
			slices.Sort(times)
			b.Logf("%-26s p50 %6.2f ms  p95 %6.2f ms", m.name, times[len(times)/2], times[len(times)*95/100])
			if match := ftsQuery(m.q.Text); match != "" {
				for range benchQueries {
					t0 := time.Now()
					var n int
					if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH ?`, match).Scan(&n); err != nil {
						b.Fatal(err)
					}
					ref = append(ref, float64(time.Since(t0).Microseconds())/1000)
				}
			}
		}
	}
	b.StopTimer()
	slices.Sort(all)
	slices.Sort(ref)
	b.ReportMetric(all[len(all)/2], "p50-ms")
	b.ReportMetric(all[len(all)*95/100], "p95-ms")
	b.ReportMetric(ref[len(ref)/2], "match-count-p50-ms")
	b.ReportMetric(ref[len(ref)*95/100], "match-count-p95-ms")
	b.ReportMetric(0, "ns/op")
}
