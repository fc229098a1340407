package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the hub's own driver, to fill its database
)

// scenarioCommons measures the binary holding a large commons: the hub's
// database is filled with cfg.commons items from 50 peer hubs, as if
// received from them (the search index is kept by the same triggers), then
// the hub is started on it: time to ready, resident memory idle and after
// readers browse and search it.
func scenarioCommons(cfg config, rep *report) error {
	// The first start makes the database at the binary's schema.
	binary, dir, _, err := newHub(cfg, "commons")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	words, err := fillCommons(filepath.Join(dir, "commonplace.db"), cfg.commons)
	if err != nil {
		return fmt.Errorf("filling the commons: %w", err)
	}
	filled := time.Since(t0)

	ready, err := readyTimes(binary, dir, 3)
	if err != nil {
		return err
	}
	n := fmt.Sprintf("%d items", cfg.commons)
	rep.add(figure{Scenario: "commons", Name: "ready with " + n, Value: ms(ready[1]), Unit: "ms",
		Reference: fmt.Sprintf("median of 3; filling took %.1f s", filled.Seconds()), Target: "≤ 100 ms", Met: met(ready[1] <= 100*time.Millisecond)})

	cmd, addr, idle, err := startIdle(binary, dir)
	if err != nil {
		return err
	}
	defer stopBinary(cmd)
	rep.add(figure{Scenario: "commons", Name: "RSS idle with " + n, Value: idle, Unit: "MB"})

	// Readers browse the commons and search it: a word in most items, a
	// two-word query, a rare word, filters, and a deep page.
	paths := []string{"/commons", "/commons?page=40&kind=event", "/search?q=" + url.QueryEscape(words[0]),
		"/search?q=" + url.QueryEscape(words[3]+" "+words[7]), "/search?q=" + url.QueryEscape(words[len(words)-1]),
		"/search?q=" + url.QueryEscape(words[1]) + "&kind=guide&origin=commons"}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.workers}}
	errs, reqs := 0, 0
	var lat []time.Duration
	var elapsed time.Duration
	for _, p := range paths {
		c, err := capture("http://"+addr, p, "")
		if err != nil {
			return err
		}
		if c.status != http.StatusOK {
			return fmt.Errorf("%s: status %d", p, c.status)
		}
		w := load(client, "http://"+addr, p, "", len(c.body), cfg.workers, time.Second)
		errs, reqs = errs+w.errors, reqs+w.requests
		lat, elapsed = append(lat, w.lat...), elapsed+w.elapsed
	}
	rep.add(figure{Scenario: "commons", Name: "browse and search req/s", Value: float64(reqs) / elapsed.Seconds(), Unit: "req/s",
		Reference: fmt.Sprintf("%d readers, %d pages for 1 s each", cfg.workers, len(paths))})
	slices.Sort(lat)
	p99 := pct(lat, 99)
	rep.add(figure{Scenario: "commons", Name: "browse and search p99", Value: ms(p99), Unit: "ms",
		Reference: fmt.Sprintf("p50 %.2f ms", ms(pct(lat, 50))), Target: "< 20ms", Met: met(p99 < 20*time.Millisecond)})
	loaded, err := rssMB(cmd.Process.Pid)
	if err != nil {
		return err
	}
	rep.add(figure{Scenario: "commons", Name: "RSS after browsing and search", Value: loaded, Unit: "MB",
		Reference: fmt.Sprintf("%d requests over %d pages, %d errors", reqs, len(paths), errs)})
	if errs > 0 {
		return fmt.Errorf("%d errors under load", errs)
	}
	return nil
}

// fillCommons inserts n synthetic commons items into the hub database at
// path, with a Zipf-distributed vocabulary (a few words in most items, most
// words in few), and returns the vocabulary, commonest first.
func fillCommons(path string, n int) ([]string, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_journal_mode=WAL")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`community repair cafe digital skills tablet phone volunteers food bank tenants union meeting library garden
		workshop help group local council energy advice housing youth elders walk litter clean bike cycling cooking sewing knitting`)
	for len(words) < 20_000 {
		var b strings.Builder
		for range 3 + r.IntN(5) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		words = append(words, b.String())
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	text := func(k int) string {
		parts := make([]string, k)
		for i := range parts {
			parts[i] = words[zipf.Uint64()]
		}
		return strings.Join(parts, " ")
	}
	kinds := []string{"event", "guide", "case-study"}
	now := time.Now().Unix()
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare(`INSERT INTO remote_items (object_id, kind, url, title, summary, content_text, origin_actor, origin_name, origin_host,
		starts_at, ends_at, place_name, place_slug, tags, tag_names, published_at, updated_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	for i := range n {
		host := fmt.Sprintf("hub%d.example", i%50)
		kind := kinds[i%3]
		var starts, ends any
		if kind == "event" {
			s := now + int64(r.IntN(365*86400))
			starts, ends = s, s+7200
		}
		tag := words[zipf.Uint64()%200]
		id := fmt.Sprintf("https://%s/items/%d", host, i)
		if _, err := stmt.Exec(id, kind, id, text(6), text(20), text(120), "https://"+host+"/actor", "Hub "+host, host,
			starts, ends, "", "", " "+tag+" ", tag, now-int64(i), now-int64(i), now); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if _, err := db.Exec(`INSERT INTO search_fts (search_fts) VALUES ('optimize')`); err != nil {
		return nil, err
	}
	return words, nil
}
