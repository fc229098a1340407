package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// CalendarStore implements hub.SubscriptionStore.
type CalendarStore struct{ db *DB }

var _ hub.SubscriptionStore = (*CalendarStore)(nil)

// Calendars returns the calendar subscription store over this database.
func (db *DB) Calendars() *CalendarStore { return &CalendarStore{db} }

const subscriptionColumns = `id, url, name, place_id, tags, organiser, etag, last_modified, last_checked_at, last_success_at, last_error, last_report, created_at, updated_at`

func scanSubscription(sc interface{ Scan(...any) error }) (*hub.Subscription, error) {
	s := &hub.Subscription{}
	var placeID, checked, success sql.NullInt64
	var tags, report string
	var created, updated int64
	if err := sc.Scan(&s.ID, &s.URL, &s.Name, &placeID, &tags, &s.Organiser, &s.ETag, &s.LastModified, &checked, &success, &s.LastError, &report, &created, &updated); err != nil {
		return nil, err
	}
	s.PlaceID = placeID.Int64
	if tags != "" {
		s.Tags = strings.Split(tags, "\n")
	}
	s.LastCheckedAt, s.LastSuccessAt = timePtr(checked), timePtr(success)
	if report != "" {
		var r hub.CalendarReport
		if err := json.Unmarshal([]byte(report), &r); err == nil {
			s.LastReport = &r
		}
	}
	s.CreatedAt, s.UpdatedAt = fromUnix(created), fromUnix(updated)
	return s, nil
}

// FindSubscriptionByID returns one subscription.
func (s *CalendarStore) FindSubscriptionByID(ctx context.Context, id int64) (*hub.Subscription, error) {
	return queryOne(ctx, s.db.db, scanSubscription, hub.Errorf(hub.ENOTFOUND, "There is no such calendar subscription."), "find calendar subscription",
		`SELECT `+subscriptionColumns+` FROM calendar_subscriptions WHERE id = ?`, id)
}

// FindSubscriptions returns every subscription, oldest first.
func (s *CalendarStore) FindSubscriptions(ctx context.Context) ([]*hub.Subscription, error) {
	return queryAll(ctx, s.db.db, scanSubscription, "list calendar subscriptions", `SELECT `+subscriptionColumns+` FROM calendar_subscriptions ORDER BY created_at, id`)
}

func subscriptionArgs(sub *hub.Subscription) ([]any, error) {
	report := ""
	if sub.LastReport != nil {
		b, err := json.Marshal(sub.LastReport)
		if err != nil {
			return nil, err
		}
		report = string(b)
	}
	return []any{sub.URL, sub.Name, nullID(sub.PlaceID), strings.Join(sub.Tags, "\n"), sub.Organiser, sub.ETag, sub.LastModified,
		nullUnix(sub.LastCheckedAt), nullUnix(sub.LastSuccessAt), sub.LastError, report}, nil
}

// CreateSubscription stores a new subscription; ECONFLICT for a URL
// already subscribed.
func (s *CalendarStore) CreateSubscription(ctx context.Context, sub *hub.Subscription) error {
	args, err := subscriptionArgs(sub)
	if err != nil {
		return wrap(err, "create calendar subscription")
	}
	now := fromUnix(unix(s.db.now()))
	args = append(args, unix(now), unix(now))
	res, err := s.db.exec(ctx, `INSERT INTO calendar_subscriptions (url, name, place_id, tags, organiser, etag, last_modified, last_checked_at, last_success_at, last_error, last_report, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if isUniqueViolation(err) {
		return &hub.Error{Code: hub.ECONFLICT, Message: "The hub already subscribes to this calendar.", Fields: map[string]string{"url": "This calendar is already in the list."}, Err: err}
	}
	if err != nil {
		return wrap(err, "create calendar subscription")
	}
	sub.ID, _ = res.LastInsertId()
	sub.CreatedAt, sub.UpdatedAt = now, now
	return nil
}

// UpdateSubscription saves every field but ID and CreatedAt.
func (s *CalendarStore) UpdateSubscription(ctx context.Context, sub *hub.Subscription) error {
	args, err := subscriptionArgs(sub)
	if err != nil {
		return wrap(err, "update calendar subscription")
	}
	now := fromUnix(unix(s.db.now()))
	args = append(args, unix(now), sub.ID)
	res, err := s.db.exec(ctx, `UPDATE calendar_subscriptions SET url = ?, name = ?, place_id = ?, tags = ?, organiser = ?, etag = ?, last_modified = ?,
		last_checked_at = ?, last_success_at = ?, last_error = ?, last_report = ?, updated_at = ? WHERE id = ?`, args...)
	if isUniqueViolation(err) {
		return &hub.Error{Code: hub.ECONFLICT, Message: "The hub already subscribes to this calendar.", Fields: map[string]string{"url": "This calendar is already in the list."}, Err: err}
	}
	if err != nil {
		return wrap(err, "update calendar subscription")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hub.Errorf(hub.ENOTFOUND, "There is no such calendar subscription.")
	}
	sub.UpdatedAt = now
	return nil
}

// DeleteSubscription removes a subscription; its events stay, unmarked
// (ON DELETE SET NULL).
func (s *CalendarStore) DeleteSubscription(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, hub.Errorf(hub.ENOTFOUND, "There is no such calendar subscription."), "delete calendar subscription", `DELETE FROM calendar_subscriptions WHERE id = ?`, id)
}
