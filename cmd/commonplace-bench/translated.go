package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/locales"
)

// translatedTarget is how close a translated page's throughput must stay
// to the English page's.
const translatedTarget = 0.90

// translatedLanguage is the language the translated scenario reads: the
// first shipped one other than English, else the pseudo-locale en-XA
// (every message looked up and transformed, as in a full translation).
func translatedLanguage() (string, error) {
	c, err := locales.Load()
	if err != nil {
		return "", err
	}
	for _, l := range c.Languages() {
		if l.Tag != locales.Source {
			return l.Tag, nil
		}
	}
	return locales.PseudoAccented, nil
}

// scenarioTranslated measures the home page and an event page in a
// translated language beside the same pages in English, on the same hub,
// rendered on every request (no page cache, so the catalog's cost is
// seen): alternating rounds, the ratio of the medians. Target: ≥ 0.90.
func scenarioTranslated(cfg config, rep *report) error {
	h, err := startHubCache(cfg, 0)
	if err != nil {
		return err
	}
	defer h.close()
	lang, err := translatedLanguage()
	if err != nil {
		return err
	}
	events, _, err := h.svc.ListEvents(context.Background(), hub.EventFilter{Limit: 1})
	if err != nil || len(events) == 0 {
		return fmt.Errorf("no event: %v", err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.workers, MaxConnsPerHost: cfg.workers}}
	for _, p := range []struct{ name, path string }{{"home", "/"}, {"event page", "/events/" + events[0].Slug}} {
		enPath, trPath := p.path+"?lang="+locales.Source, p.path+"?lang="+lang
		en, err := capture(h.base, enPath, "")
		if err != nil {
			return err
		}
		tr, err := capture(h.base, trPath, "")
		if err != nil {
			return err
		}
		load(client, h.base, enPath, "", len(en.body), cfg.workers, cfg.window) // warm up
		load(client, h.base, trPath, "", len(tr.body), cfg.workers, cfg.window)
		var ratios []float64
		var rps float64
		var errs, requests int64
		for range cfg.rounds {
			e := load(client, h.base, enPath, "", len(en.body), cfg.workers, cfg.window)
			t := load(client, h.base, trPath, "", len(tr.body), cfg.workers, cfg.window)
			er, tr := float64(e.requests)/e.elapsed.Seconds(), float64(t.requests)/t.elapsed.Seconds()
			ratios = append(ratios, tr/er)
			rps += tr / float64(cfg.rounds)
			errs += int64(e.errors + t.errors)
			requests += int64(e.requests + t.requests)
		}
		slices.Sort(ratios)
		ratio := ratios[len(ratios)/2]
		name := p.name + " in " + lang
		rep.add(figure{Scenario: "translated", Name: name + " req/s", Value: rps, Unit: "req/s", Reference: "no page cache"})
		rep.add(figure{Scenario: "translated", Name: name + "/English", Value: ratio, Unit: "×", Reference: "median of rounds",
			Target: fmt.Sprintf("≥ %.2f", translatedTarget), Met: met(ratio >= translatedTarget)})
		rep.add(figure{Scenario: "translated", Name: name + " errors", Value: float64(errs), Reference: fmt.Sprintf("of %d requests", requests), Target: "0", Met: met(errs == 0)})
	}
	return nil
}
