package federation

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/commonplace-hub/commonplace/hub"
)

// Network search two steps out: a hub answers from its commons too, so
// an answer may hold items whose id is on another server than the
// answering hub's. No hub may put words in another's mouth: such a
// result is shown only once this hub has the item from its origin (its
// own commons copy, which came under the trust rules, or a signed GET of
// the id, whose document must carry that id, be served from the id's
// server and be public), with the origin's title and summary, credited to
// the origin and marked with the hub it came through; within the search's
// deadline, else it is dropped and counted (PeerAnswer.Unconfirmed).

// relayConfirmers is how many relayed results of one answer are fetched
// from their origins at once.
const relayConfirmers = 4

// errUnconfirmed: a relayed result's origin did not confirm it.
var errUnconfirmed = errors.New("the origin does not confirm the result")

// confirmRelayed keeps the answering hub's own results as they are,
// replaces each relayed one by what its origin confirms, and drops (and
// counts) those it does not. Results on this hub's own server (among
// its own results) or on a server it blocks are dropped uncounted.
// Each id is confirmed once per search (confirming), however many peers
// relay it.
func (f *Federation) confirmRelayed(ctx context.Context, answering string, in []hub.NetworkResult, confirming *relayMemo) ([]hub.NetworkResult, int) {
	own := HostOf(f.ActorID())
	out := make([]*hub.NetworkResult, len(in))
	silent := make([]bool, len(in))
	var wg sync.WaitGroup
	sem := make(chan struct{}, relayConfirmers)
	for i, r := range in {
		host := HostOf(r.URL)
		switch {
		case host == HostOf(answering):
			out[i] = &in[i]
			continue
		case host == own || f.refusedHost(ctx, host):
			silent[i] = true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				return
			}
			v, err := confirming.do(r.URL, func() (*hub.NetworkResult, error) { return f.confirmResult(ctx, r) })
			if err != nil {
				f.log.Debug("network search: a relayed result not confirmed", "peer", answering, "id", r.URL, "err", err)
				return
			}
			c := *v
			out[i] = &c
		}()
	}
	wg.Wait()
	var kept []hub.NetworkResult
	dropped := 0
	for i, r := range out {
		switch {
		case r != nil:
			kept = append(kept, *r)
		case !silent[i]:
			dropped++
		}
	}
	return kept, dropped
}

// confirmResult is a relayed result as its origin has it: from this hub's
// commons when it holds the item, else fetched from its id.
func (f *Federation) confirmResult(ctx context.Context, r hub.NetworkResult) (*hub.NetworkResult, error) {
	host := HostOf(r.URL)
	if f.commons != nil {
		if it, err := f.commons.RemoteItemByObject(ctx, r.URL); err == nil {
			o := it.Origin
			return &hub.NetworkResult{Kind: it.Kind, Title: clip(plainLine(it.Title), maxResultTitle), Summary: clip(plainLine(summaryOf(it)), maxResultSummary),
				URL: it.ObjectID, StartsAt: it.StartsAt, CommonsID: it.ID, Origin: &o}, nil
		}
	}
	if kept, ok := f.relays.get(r.URL, f.now()); ok {
		return kept, nil // confirmed by its origin a moment ago (netsearch_confirmed.go)
	}
	token := f.relays.token()
	d, err := f.fetchItem(ctx, r.URL)
	if err != nil {
		return nil, err
	}
	if HostOf(d.id()) != host || !isPublic(d) || itemKindOf(d) == "" {
		return nil, errUnconfirmed
	}
	origin := f.originOn(host, d.ref("attributedTo"))
	it, err := parseItem(d, origin, f.now())
	if err != nil {
		return nil, err
	}
	confirmed := &hub.NetworkResult{Kind: it.Kind, Title: clip(plainLine(it.Title), maxResultTitle), Summary: clip(plainLine(summaryOf(it)), maxResultSummary),
		URL: it.ObjectID, StartsAt: it.StartsAt, Origin: &origin}
	f.relays.put(r.URL, confirmed, token, f.now())
	return confirmed, nil
}

// summaryOf is an item's summary, or the start of its text.
func summaryOf(it *hub.RemoteItem) string {
	if strings.TrimSpace(it.Summary) != "" {
		return it.Summary
	}
	return it.ContentText
}

// originOn is what this hub knows of the hub on host that attributes an
// item to actor: from the network as last read, else only its host.
func (f *Federation) originOn(host, actor string) hub.Origin {
	if HostOf(actor) != host {
		actor = ""
	}
	known, _ := f.network.snapshot()
	if e, ok := known[actor]; ok && actor != "" && e.origin.ActorID != "" {
		return e.origin
	}
	for _, e := range known {
		if e.origin.Host == host && e.origin.Name != "" {
			return e.origin
		}
	}
	o := hub.Origin{ActorID: actor, Host: host}
	if actor != "" {
		o.URL = actor
	}
	return o
}

// dropRepeated keeps each item once across the peers' answers: a hub's
// own answer over another's relay of it, else the first relay.
func dropRepeated(answers []hub.PeerAnswer) []hub.PeerAnswer {
	direct := map[string]bool{}
	for _, a := range answers {
		for _, r := range a.Results {
			if r.Origin == nil {
				direct[r.URL] = true
			}
		}
	}
	relayed := map[string]bool{}
	for i := range answers {
		var kept []hub.NetworkResult
		for _, r := range answers[i].Results {
			if r.Origin != nil && (direct[r.URL] || relayed[r.URL]) {
				continue
			}
			if r.Origin != nil {
				relayed[r.URL] = true
			}
			kept = append(kept, r)
		}
		answers[i].Results = kept
	}
	return answers
}

// relayMemo remembers, for one search, each relayed id's confirmation:
// the first peer to relay an id confirms it, and every other peer that
// relays it, at the same moment or later in the search, gets the same
// answer (singleflight shared only calls in flight together, so a peer
// whose answer came after the first confirmation ended fetched it again).
type relayMemo struct {
	mu sync.Mutex
	m  map[string]*relayCall
}

type relayCall struct {
	done chan struct{}
	r    *hub.NetworkResult
	err  error
}

func newRelayMemo() *relayMemo { return &relayMemo{m: map[string]*relayCall{}} }

// do returns id's confirmation, running confirm for the first caller only.
func (m *relayMemo) do(id string, confirm func() (*hub.NetworkResult, error)) (*hub.NetworkResult, error) {
	m.mu.Lock()
	c, ok := m.m[id]
	if !ok {
		c = &relayCall{done: make(chan struct{})}
		m.m[id] = c
		m.mu.Unlock()
		c.r, c.err = confirm()
		close(c.done)
		return c.r, c.err
	}
	m.mu.Unlock()
	<-c.done
	return c.r, c.err
}
