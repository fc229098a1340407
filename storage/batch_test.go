package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// placeNames lists the places saved, by name.
func placeNames(t *testing.T, db *DB) []string {
	t.Helper()
	ps, err := db.Stores().Places.FindPlaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

// openTemp opens a new database in a temporary folder (openAt).
func openTemp(t *testing.T) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "hub.db"))
}

// openAt opens the database at path, as this version does, closing it
// when t ends.
func openAt(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Inside a batch, a change that fails after writing is undone alone and
// the batch goes on; a batch that fails is undone whole; nothing is seen
// by other connections until the batch is saved.
func TestBatch(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	places := db.Stores().Places
	boom := errors.New("boom")

	err := db.Batch(ctx, func(ctx context.Context) error {
		if err := places.CreatePlace(ctx, &hub.Place{Name: "Library", Slug: "library"}); err != nil {
			return err
		}
		// A change that writes, then fails.
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO places (slug, name, created_at, updated_at) VALUES ('half', 'Half saved', 0, 0)`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("the failed change returned %v", err)
		}
		if err := places.CreatePlace(ctx, &hub.Place{Name: "Town hall", Slug: "town-hall"}); err != nil {
			return err
		}
		if got := placeNames(t, db); len(got) != 0 {
			t.Errorf("other connections see the batch before it is saved: %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := placeNames(t, db); !slices.Equal(got, []string{"Library", "Town hall"}) {
		t.Errorf("after the batch: %v", got)
	}

	err = db.Batch(ctx, func(ctx context.Context) error {
		if err := places.CreatePlace(ctx, &hub.Place{Name: "Park", Slug: "park"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("a failed batch returned %v", err)
	}
	if got := placeNames(t, db); !slices.Equal(got, []string{"Library", "Town hall"}) {
		t.Errorf("a failed batch left: %v", got)
	}
}

// notified records changes and, as federation does, reads each item back
// when it hears of it.
type notified struct {
	svc   *hub.Service
	heard []string
}

func (n *notified) ItemChanged(ctx context.Context, c hub.Change) {
	e, err := n.svc.Event(ctx, c.ID)
	if err != nil {
		n.heard = append(n.heard, c.Op+": "+err.Error())
		return
	}
	n.heard = append(n.heard, c.Op+": "+e.Title)
}

// hub.Service.Batch tells the notifier of its changes once they are saved
// (so that it can read them), and of none when the batch fails.
func TestServiceBatchNotifiesAfterSaving(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	var logs bytes.Buffer
	n := &notified{}
	svc := hub.NewService(db.Stores(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), hub.WithNotifier(n))
	n.svc = svc
	host := hub.WithOrganiser(ctx, &hub.Organiser{Name: "Host", Role: hub.RoleAdmin})
	london, _ := time.LoadLocation("Europe/London")
	event := func(title string) *hub.Event {
		start := time.Date(2027, 3, 1, 18, 0, 0, 0, london)
		return &hub.Event{Title: title, TimeZone: "Europe/London", Start: start, End: start.Add(time.Hour)}
	}
	err := svc.Batch(host, func(ctx context.Context) error {
		for _, title := range []string{"Repair cafe", "Seed swap"} {
			if err := svc.CreateEvent(ctx, event(title)); err != nil {
				return err
			}
		}
		if len(n.heard) != 0 || logs.Len() != 0 {
			t.Errorf("told before saving: %v; logged %q", n.heard, logs.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"create: Repair cafe", "create: Seed swap"}; !slices.Equal(n.heard, want) {
		t.Errorf("heard %v, want %v", n.heard, want)
	}
	// Each change is logged once saved, at debug level: the caller logs
	// the batch as a whole.
	if got := strings.Count(logs.String(), `level=DEBUG msg="event created"`); got != 2 || strings.Contains(logs.String(), "level=INFO") {
		t.Errorf("logged:\n%s", logs.String())
	}
	logs.Reset()

	n.heard = nil
	err = svc.Batch(host, func(ctx context.Context) error {
		if err := svc.CreateEvent(ctx, event("Litter pick")); err != nil {
			return err
		}
		return errors.New("the feed went away")
	})
	if err == nil || len(n.heard) != 0 || logs.Len() != 0 {
		t.Errorf("a failed batch: %v, heard %v, logged %q", err, n.heard, logs.String())
	}
	if evs, _, _ := svc.ListEvents(ctx, hub.EventFilter{}); len(evs) != 2 {
		t.Errorf("%d events after a failed batch, want 2", len(evs))
	}
}
