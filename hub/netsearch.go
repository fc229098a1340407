package hub

import (
	"context"
	"strings"
	"time"
)

// Network search: a search on this hub can ask the hubs it follows for
// their public items matching the same words. Each hub answers from its
// own items and its commons (what it holds from its own peers) through a
// small public endpoint (GET /network/search.json, docs/search.md); what
// peers answer is shown apart from this hub's results. A result from an
// answering hub's commons (its id is on another server) is shown only
// once the asking hub has it from its origin: credited to the origin,
// marked with the hub it came through, and in the origin's own words.

// MaxNetworkResults bounds the results one hub gives, and takes, per
// network search.
const MaxNetworkResults = 10

// NetworkQuery is what a network search asks every peer.
type NetworkQuery struct {
	Text string
	Kind Kind // KindEvent, KindGuide, KindCaseStudy or ""
}

// NetworkResult is one public item a peer answered with. Its URL is its
// object id: on the peer's own server, or (an item of the peer's commons)
// on its origin's server; its text is plain, never HTML.
type NetworkResult struct {
	Kind     Kind       `json:"kind"`
	Title    string     `json:"title"`
	Summary  string     `json:"summary"`
	URL      string     `json:"url"`
	StartsAt *time.Time `json:"starts_at,omitempty"`
	// CommonsID is set, on the asking hub, when its commons already holds
	// the item (the result's URL is its object id): the page links to
	// that copy too. Never sent or read.
	CommonsID int64 `json:"-"`
	// Origin is, on the asking hub, the hub whose item a relayed result
	// is (the answering hub held it in its commons): the asking hub read
	// its title and summary from the origin itself, or from its own
	// commons copy. Nil for the answering hub's own items. Never sent or
	// read.
	Origin *Origin `json:"-"`
}

// Why a peer gave no results (PeerAnswer.Problem).
const (
	NetworkSearchSlow    = "slow"    // it did not answer within the deadline
	NetworkSearchDown    = "down"    // it could not be reached, or answered with an error
	NetworkSearchGarbage = "garbage" // it answered something that is not a search answer
	NetworkSearchBusy    = "busy"    // it asked us to slow down (429)
	NetworkSearchClosed  = "closed"  // it does not answer network searches (404)
)

// PeerAnswer is one peer's answer to a network search.
type PeerAnswer struct {
	Hub     Origin
	Results []NetworkResult
	Total   int    // matching items on the peer, as it says
	Problem string // one of the NetworkSearch codes, "" when it answered
	// Unconfirmed counts the relayed results not shown: their origin did
	// not confirm them (down, slow, another document, not public).
	Unconfirmed int
}

// NetworkSearcher asks the hubs this hub follows (only Commonplace hubs)
// in parallel, each within a deadline, and returns every peer's answer
// or problem; a slow or broken peer costs at most the deadline.
type NetworkSearcher interface {
	SearchNetwork(ctx context.Context, q NetworkQuery) ([]PeerAnswer, error)
}

// SearchNetwork asks the hubs this hub follows; anyone may. Without
// federation it answers nothing.
func (s *Service) SearchNetwork(ctx context.Context, q NetworkQuery) ([]PeerAnswer, error) {
	q.Text = strings.TrimSpace(q.Text)
	if q.Text == "" {
		return nil, Errorf(EINVALID, "Type the words to find on other hubs.")
	}
	if len(q.Text) > 200 {
		return nil, Errorf(EINVALID, "Please search for at most 200 characters.")
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return nil, Errorf(EINVALID, "Choose events, guides or case studies.")
	}
	n, ok := s.fed.(NetworkSearcher)
	if !ok || s.fed == nil {
		return nil, nil
	}
	return n.SearchNetwork(ctx, q)
}

// RemoteObjectIDReader is what a network search answer needs of the
// commons: the object ids of commons items, by their ids, in one read.
// A CommonsStore may implement it; Service.RemoteObjectIDs falls back to
// reading each item.
type RemoteObjectIDReader interface {
	// RemoteObjectIDs maps each of ids that the commons holds to its
	// object id; ids it does not hold (gone since) are absent.
	RemoteObjectIDs(ctx context.Context, ids []int64) (map[int64]string, error)
}

// RemoteObjectIDs maps each of ids that the commons holds to its object
// id (RemoteObjectIDReader); anyone may, since commons items are public.
func (s *Service) RemoteObjectIDs(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if s.Commons == nil || len(ids) == 0 {
		return out, nil
	}
	if r, ok := s.Commons.(RemoteObjectIDReader); ok {
		return r.RemoteObjectIDs(ctx, ids)
	}
	for _, id := range ids {
		it, err := s.Commons.RemoteItem(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = it.ObjectID
	}
	return out, nil
}
