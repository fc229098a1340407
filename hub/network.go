package hub

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The network: the hubs this hub follows and that follow it, what they
// share, and the hubs those follow in turn, as the public network page
// shows it. Federation knows the graph (it reads peers' actors and
// following collections); the commons knows what they share.

// NetworkHub is one hub of this hub's network.
type NetworkHub struct {
	Origin
	Area      Area
	WeFollow  bool // this hub follows it, and it accepted
	FollowsUs bool // it follows this hub
	// Items counts the items held here that it published; Reshares those
	// held here because it re-shared them.
	Items    int
	Reshares int
	// TopicsInCommon are the topics of its items held here that this
	// hub's own items carry too, by name.
	TopicsInCommon []Tag
	// Follows are the first hubs it follows, as its following collection
	// lists them (at most MaxNetworkFollowsShown); FollowsTotal is what
	// the collection says it holds.
	Follows      []Origin
	FollowsTotal int
	// Problem, if set, is why it could not be read when last tried: one
	// of the NetworkProblem codes.
	Problem   string
	CheckedAt time.Time
}

// Why a hub of the network could not be read (NetworkHub.Problem).
const (
	NetworkUnreachable = "unreachable" // its actor could not be fetched
	NetworkNoFollowing = "following"   // its following collection could not be read
	NetworkRefused     = "refused"     // this hub does not federate with its server
)

// SuggestedHub is a hub that hubs this hub follows follow, and this hub
// does not: a hub it might follow.
type SuggestedHub struct {
	Origin
	Area Area
	// FollowedBy are the hubs of this hub's network that follow it.
	FollowedBy []Origin
}

// Network is this hub's place among its peers.
type Network struct {
	Hubs      []NetworkHub
	Suggested []SuggestedHub
	// Refreshed is when the peers' documents were last read (zero: not yet).
	Refreshed time.Time
}

// MaxNetworkFollowsShown bounds how many of the hubs a hub follows are
// named on the network page (the rest are counted).
const MaxNetworkFollowsShown = 10

// MaxNetworkFollowing bounds how many entries of one peer's following
// collection are read.
const MaxNetworkFollowing = 200

// NetworkSource knows the graph: federation reads the actors and the
// following collections of the hubs this hub follows and of the hubs
// that follow it, keeps them for a while, and answers from what it keeps
// (never waiting on a peer). Items, Reshares and TopicsInCommon are left
// for the Service to fill.
type NetworkSource interface {
	Network(ctx context.Context) (*Network, error)
}

// PeerShare is what the commons holds from one peer.
type PeerShare struct {
	Items    int      // items it published
	Reshares int      // items held because it re-shared them
	Topics   []string // topic slugs of those items
}

// NetworkStore counts what the commons holds from each peer.
type NetworkStore interface {
	// PeerShares returns, by peer actor IRI, what the commons holds from
	// it; a peer with nothing held is absent.
	PeerShares(ctx context.Context) (map[string]PeerShare, error)
}

// WithNetwork gives the Service the network graph (federation).
func WithNetwork(n NetworkSource) Option { return func(s *Service) { s.network = n } }

// Network returns this hub's network with what each hub shares here;
// anyone may read it. Without federation it is empty.
func (s *Service) Network(ctx context.Context) (*Network, error) {
	if s.network == nil {
		return &Network{}, nil
	}
	n, err := s.network.Network(ctx)
	if err != nil {
		return nil, err
	}
	var shares map[string]PeerShare
	if s.NetworkCounts != nil {
		if shares, err = s.NetworkCounts.PeerShares(ctx); err != nil {
			return nil, err
		}
	}
	ours := map[string]Tag{}
	if s.Tags != nil {
		tags, err := s.Tags.FindTags(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range tags {
			if t.Uses > 0 {
				ours[t.Slug] = *t
			}
		}
	}
	for i := range n.Hubs {
		h := &n.Hubs[i]
		sh := shares[h.ActorID]
		h.Items, h.Reshares = sh.Items, sh.Reshares
		h.TopicsInCommon = topicsInCommon(sh.Topics, ours)
	}
	sort.SliceStable(n.Hubs, func(i, j int) bool {
		return strings.ToLower(n.Hubs[i].DisplayName()) < strings.ToLower(n.Hubs[j].DisplayName())
	})
	return n, nil
}

func topicsInCommon(theirs []string, ours map[string]Tag) []Tag {
	seen := map[string]bool{}
	var out []Tag
	for _, slug := range theirs {
		if t, ok := ours[slug]; ok && !seen[slug] {
			seen[slug] = true
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

// Coordinates is the area's position as "53.4668, -2.2489", or "" when
// it has none.
func (a Area) Coordinates() string {
	if !a.HasPosition() {
		return ""
	}
	return strconv.FormatFloat(*a.Latitude, 'f', 4, 64) + ", " + strconv.FormatFloat(*a.Longitude, 'f', 4, 64)
}

// MoreFollows is how many of the hubs it follows are not in Follows.
func (h NetworkHub) MoreFollows() int {
	if h.FollowsTotal > len(h.Follows) {
		return h.FollowsTotal - len(h.Follows)
	}
	return 0
}
