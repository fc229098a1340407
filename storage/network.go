package storage

import (
	"context"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

var _ hub.NetworkStore = (*CommonsStore)(nil)

// PeerShares counts, by peer, the items the commons holds from it and
// by its re-shares, with the topic slugs of those items: one pass over
// the sources, for the network page.
func (s *CommonsStore) PeerShares(ctx context.Context) (map[string]hub.PeerShare, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT s.peer_actor, s.via, i.tags
		FROM remote_item_sources s JOIN remote_items i ON i.id = s.item_id`)
	if err != nil {
		return nil, wrap(err, "count the network's shares")
	}
	defer rows.Close()
	out := map[string]hub.PeerShare{}
	topics := map[string]map[string]bool{}
	for rows.Next() {
		var peer, via, tags string
		if err := rows.Scan(&peer, &via, &tags); err != nil {
			return nil, wrap(err, "count the network's shares")
		}
		sh := out[peer]
		if via == "share" {
			sh.Reshares++
		} else {
			sh.Items++
		}
		if topics[peer] == nil {
			topics[peer] = map[string]bool{}
		}
		for _, t := range strings.Fields(tags) {
			if !topics[peer][t] {
				topics[peer][t] = true
				sh.Topics = append(sh.Topics, t)
			}
		}
		out[peer] = sh
	}
	return out, wrap(rows.Err(), "count the network's shares")
}
