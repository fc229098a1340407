package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// ---- network search: answering other hubs, and asking them ----

// Per client (an IPv4 address or an IPv6 /64): what a hub answers other
// hubs' network searches (a burst of answerBurst, then one every
// answerDrain), and how often a reader may widen a search to the network
// (askBurst, then one every askDrain), since each asks every peer.
const (
	answerBurst = 60
	answerDrain = 500 * time.Millisecond
	askBurst    = 10
	askDrain    = 6 * time.Second
)

// netSearchLimits counts network searches per client; its zero value is
// ready.
type netSearchLimits struct {
	once     sync.Once
	counters LoginCounters
}

// take counts one for key against burst and drain; false and the wait
// when over.
func (l *netSearchLimits) take(ctx context.Context, key string, burst int, drain time.Duration) (bool, time.Duration) {
	l.once.Do(func() { l.counters = NewMemoryLoginCounters() })
	ok, wait, err := l.counters.Take(ctx, key, time.Now(), drain, burst)
	return ok || err != nil, wait
}

// searchAnswer is GET /network/search.json's answer (docs/search.md).
type searchAnswer struct {
	Hub     searchAnswerHub     `json:"hub"`
	Query   string              `json:"query"`
	Total   int                 `json:"total"`
	Results []hub.NetworkResult `json:"results"`
}

type searchAnswerHub struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// networkSearchAnswer answers another hub's network search: this hub's
// own items and its commons' matching q, at most hub.MaxNetworkResults,
// as JSON. A commons item is given by its id on its origin, and its
// words only as a hint: the asking hub takes them from the origin.
func (s *Server) networkSearchAnswer(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, msg string) {
		writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg}})
	}
	if ok, wait := s.netLimits.take(r.Context(), "answer "+clientKey(clientIP(r)), answerBurst, answerDrain); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		fail(http.StatusTooManyRequests, "Too many searches from your address; try again later.")
		return
	}
	st := s.settings(r.Context())
	if !st.AnswersNetworkSearch {
		fail(http.StatusNotFound, "This hub does not answer network searches.")
		return
	}
	v := r.URL.Query()
	q := strings.TrimSpace(v.Get("q"))
	if q == "" {
		fail(http.StatusBadRequest, "The q parameter is required.")
		return
	}
	res, err := s.svc.Search(r.Context(), hub.SearchQuery{Text: q, Kind: hub.Kind(v.Get("kind")), Limit: hub.MaxNetworkResults})
	if hub.ErrorCode(err) == hub.EINVALID {
		fail(http.StatusBadRequest, hub.ErrorMessage(err))
		return
	}
	if err != nil {
		s.log.Error("answering a network search", "err", err)
		fail(http.StatusInternalServerError, "The search failed.")
		return
	}
	a := searchAnswer{Hub: searchAnswerHub{Name: st.Name, URL: s.base.String()}, Query: q, Total: res.Total, Results: []hub.NetworkResult{}}
	objects, err := s.svc.RemoteObjectIDs(r.Context(), commonsHits(res.Hits))
	if err != nil {
		s.log.Error("answering a network search", "err", err)
		fail(http.StatusInternalServerError, "The search failed.")
		return
	}
	unmark := strings.NewReplacer(hub.SnippetMatchStart, "", hub.SnippetMatchEnd, "")
	for _, h := range res.Hits {
		id := strings.TrimRight(s.base.String(), "/") + h.URL()
		if !h.Local {
			if id = objects[h.ID]; id == "" {
				continue // gone since it was found
			}
		}
		a.Results = append(a.Results, hub.NetworkResult{Kind: h.Kind, Title: h.Title, Summary: unmark.Replace(h.Snippet),
			URL: id, StartsAt: h.StartsAt})
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=30")
	writeJSON(w, http.StatusOK, a)
}

// commonsHits are the ids of the commons items among hits.
func commonsHits(hits []hub.SearchHit) []int64 {
	var ids []int64
	for _, h := range hits {
		if !h.Local {
			ids = append(ids, h.ID)
		}
	}
	return ids
}

// networkResults is what the search page shows of a network search.
type networkResults struct {
	Answers []hub.PeerAnswer
	Wait    int // seconds, when this reader asked too often
}

// askNetwork widens a search to the hubs this hub follows, within the
// reader's allowance.
func (s *Server) askNetwork(r *http.Request, q hub.NetworkQuery) (*networkResults, error) {
	if ok, wait := s.netLimits.take(r.Context(), "ask "+clientKey(clientIP(r)), askBurst, askDrain); !ok {
		return &networkResults{Wait: int(wait/time.Second) + 1}, nil
	}
	answers, err := s.svc.SearchNetwork(r.Context(), q)
	if err != nil {
		return nil, err
	}
	return &networkResults{Answers: answers}, nil
}
