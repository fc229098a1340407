package storage

import (
	"context"

	"github.com/commonplace-hub/commonplace/hub"
)

var _ hub.RemoteObjectIDReader = (*CommonsStore)(nil)

// RemoteObjectIDs maps each of ids that the commons holds to its object
// id, in one query per chunk: what the network search endpoint needs of
// a commons hit, without loading the whole item and its re-shares.
func (s *CommonsStore) RemoteObjectIDs(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	err := forChunks(ids, func(chunk []int64) error {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.db.db.QueryContext(ctx, `SELECT id, object_id FROM remote_items WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var obj string
			if err := rows.Scan(&id, &obj); err != nil {
				return err
			}
			out[id] = obj
		}
		return rows.Err()
	})
	return out, wrap(err, "read commons object ids")
}
