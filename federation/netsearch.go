package federation

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/commonplace-hub/commonplace/hub"
)

// Network search, the asking side: the hub asks each Commonplace hub it
// follows GET {its origin}/network/search.json?q=..., signed, in parallel,
// all within networkSearchDeadline, and keeps each answer briefly.

const (
	// NetworkSearchPath is where every hub answers network searches.
	NetworkSearchPath     = "/network/search.json"
	networkSearchDeadline = 1500 * time.Millisecond
	maxNetworkSearchBytes = 256 << 10 // one peer's answer
	maxNetworkSearchPeers = 20        // peers asked per search
	networkSearchKeep     = 30 * time.Second
	maxResultTitle        = 200
	maxResultSummary      = 300
)

// SearchNetwork asks the hubs this hub follows: hub.NetworkSearcher.
// Peers are those accepted whose server runs Commonplace; a peer that is
// slow, down or answers garbage is reported, never waited for beyond the
// deadline.
func (f *Federation) SearchNetwork(ctx context.Context, q hub.NetworkQuery) ([]hub.PeerAnswer, error) {
	followed, _, err := f.networkMembers(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, networkSearchDeadline)
	defer cancel()
	peers := followed[:min(len(followed), maxNetworkSearchPeers)]
	out := make([]hub.PeerAnswer, len(peers))
	asked := make([]bool, len(peers))
	confirming := newRelayMemo()
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if f.serverRuns(ctx, p.ActorID) != commonplaceSoftware {
				return // not a hub: it has no search to ask
			}
			asked[i] = true
			out[i] = f.askPeer(ctx, p, q, confirming)
		}()
	}
	wg.Wait()
	var answers []hub.PeerAnswer
	for i := range out {
		if asked[i] {
			answers = append(answers, out[i])
		}
	}
	return dropRepeated(answers), nil
}

// askPeer asks one peer, or answers from what it said a moment ago.
func (f *Federation) askPeer(ctx context.Context, p *hub.Followed, q hub.NetworkQuery, confirming *relayMemo) hub.PeerAnswer {
	origin := hub.Origin{ActorID: p.ActorID, Name: p.Name, Username: p.Username, URL: p.URL, Host: p.Host}
	key := p.ActorID + "\x00" + string(q.Kind) + "\x00" + q.Text
	if a, ok := f.searches.Get(key, f.now()); ok {
		return a
	}
	results, total, err := f.fetchSearch(ctx, p.ActorID, q)
	results, unconfirmed := f.confirmRelayed(ctx, p.ActorID, results, confirming)
	if f.commons != nil {
		for i := range results {
			if it, err := f.commons.RemoteItemByObject(ctx, results[i].URL); err == nil {
				results[i].CommonsID = it.ID
			}
		}
	}
	a := hub.PeerAnswer{Hub: origin, Results: results, Total: total, Unconfirmed: unconfirmed}
	switch {
	case err == nil:
	case errors.Is(err, errBusy):
		a.Problem = hub.NetworkSearchBusy
	case errors.Is(err, errClosed):
		a.Problem = hub.NetworkSearchClosed
	case errors.Is(err, errGarbage):
		a.Problem = hub.NetworkSearchGarbage
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		a.Problem = hub.NetworkSearchSlow
	default:
		a.Problem = hub.NetworkSearchDown
	}
	if err != nil {
		f.log.Debug("network search: a peer's answer", "peer", p.ActorID, "problem", a.Problem, "err", err)
	}
	if a.Problem != hub.NetworkSearchSlow && (unconfirmed == 0 || ctx.Err() == nil) { // a slow peer may be quicker next time
		f.searches.Put(key, a, f.now().Add(networkSearchKeep))
	}
	return a
}

var (
	errBusy    = errors.New("the peer asked to slow down")
	errGarbage = errors.New("not a search answer")
	errClosed  = errors.New("the peer does not answer network searches")
)

// searchAnswer is the endpoint's JSON (docs/search.md).
type searchAnswer struct {
	Total   *int                `json:"total"`
	Results []hub.NetworkResult `json:"results"`
}

// fetchSearch GETs the peer's search endpoint, signed as the hub actor.
func (f *Federation) fetchSearch(ctx context.Context, actorID string, q hub.NetworkQuery) ([]hub.NetworkResult, int, error) {
	u, err := url.Parse(actorID)
	if err != nil || HostOf(actorID) == "" {
		return nil, 0, errGarbage
	}
	v := url.Values{"q": {q.Text}}
	if q.Kind != "" {
		v.Set("kind", string(q.Kind))
	}
	target := u.Scheme + "://" + u.Host + NetworkSearchPath + "?" + v.Encode()
	resp, err := f.sendSigned(f.refusingRedirects(ctx), http.MethodGet, target, nil, func(req *http.Request) {
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", f.userAgent)
	})
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, 0, errBusy
	case resp.StatusCode == http.StatusNotFound:
		return nil, 0, errClosed
	case resp.StatusCode != http.StatusOK:
		return nil, 0, &FetchError{URL: target, Status: resp.StatusCode}
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return nil, 0, errGarbage
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxNetworkSearchBytes+1))
	if err != nil {
		return nil, 0, err
	}
	if len(body) > maxNetworkSearchBytes {
		return nil, 0, errGarbage
	}
	var a searchAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.Total == nil {
		return nil, 0, errGarbage
	}
	return keepResults(a.Results), max(0, *a.Total), nil
}

// keepResults keeps at most hub.MaxNetworkResults well-formed results
// with an http(s) id, their text clipped and stripped of control
// characters. Those whose id is on another server than the answering
// hub's are confirmed by confirmRelayed.
func keepResults(in []hub.NetworkResult) []hub.NetworkResult {
	var out []hub.NetworkResult
	for _, r := range in {
		if len(out) == hub.MaxNetworkResults {
			break
		}
		r.Title = clip(plainLine(r.Title), maxResultTitle)
		r.Summary = clip(plainLine(r.Summary), maxResultSummary)
		if !r.Kind.Valid() || r.Title == "" || HostOf(r.URL) == "" ||
			!strings.HasPrefix(r.URL, "https://") && !strings.HasPrefix(r.URL, "http://") {
			continue
		}
		out = append(out, r)
	}
	return out
}

// plainLine is s on one line without control characters.
func plainLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || string(r) == hub.SnippetMatchStart || string(r) == hub.SnippetMatchEnd {
			return ' '
		}
		return r
	}, s))
}
