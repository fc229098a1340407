package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// loadStatuses reads the status marks of events (migration 0013), keyed
// by event ID, each event's ordered by date ("" first).
func loadStatuses(ctx context.Context, q queryer, events []*hub.Event) (map[int64][]hub.StatusMark, error) {
	ids := make([]int64, 0, len(events))
	zones := make(map[int64]*time.Location, len(events))
	for _, e := range events {
		ids = append(ids, e.ID)
		zones[e.ID] = location(e.TimeZone)
	}
	out := map[int64][]hub.StatusMark{}
	err := queryIn(ctx, q, `SELECT event_id, date, status, reason, previous_start, moved_to FROM event_statuses
		WHERE event_id IN `, ids, ` ORDER BY event_id, date`, nil, func(r rowScanner) error {
		var id int64
		var m hub.StatusMark
		var previous, moved sql.NullInt64
		if err := r.Scan(&id, &m.Date, &m.Status, &m.Reason, &previous, &moved); err != nil {
			return err
		}
		if previous.Valid {
			m.PreviousStart = time.Unix(previous.Int64, 0).In(zones[id])
		}
		if moved.Valid {
			m.MovedTo = time.Unix(moved.Int64, 0).In(zones[id])
		}
		out[id] = append(out[id], m)
		return nil
	})
	return out, err
}

// SetEventStatus saves or, for StatusScheduled, removes the mark for
// (eventID, m.Date), and sets the event's updated_at.
func (s *EventStore) SetEventStatus(ctx context.Context, eventID int64, m hub.StatusMark) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		// The event changes with its marks: feeds' Last-Modified and
		// followers' copies follow updated_at.
		if err := changeOne(ctx, tx, hub.Errorf(hub.ENOTFOUND, "There is no such event."), `UPDATE events SET updated_at = ? WHERE id = ?`, unix(s.db.now()), eventID); err != nil {
			return err
		}
		if !m.Status.Marked() {
			_, err := tx.ExecContext(ctx, `DELETE FROM event_statuses WHERE event_id = ? AND date = ?`, eventID, m.Date)
			return err
		}
		var previous, moved sql.NullInt64
		if !m.PreviousStart.IsZero() {
			previous = sql.NullInt64{Int64: unix(m.PreviousStart), Valid: true}
		}
		if !m.MovedTo.IsZero() {
			moved = sql.NullInt64{Int64: unix(m.MovedTo), Valid: true}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO event_statuses (event_id, date, status, reason, previous_start, moved_to, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (event_id, date) DO UPDATE SET status = excluded.status, reason = excluded.reason,
				previous_start = excluded.previous_start, moved_to = excluded.moved_to, updated_at = excluded.updated_at`,
			eventID, m.Date, string(m.Status), m.Reason, previous, moved, unix(s.db.now()))
		return err
	})
	return wrap(err, "set event status")
}
