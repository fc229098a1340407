package calendar

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Service manages calendar subscriptions and imports. Front ends call it
// with an organiser on the context, like hub.Service; the scheduler calls
// it with none. Events change only through hub.Service.
type Service struct {
	Subs    SubscriptionStore
	Hub     *hub.Service
	Fetcher *Fetcher
	Logger  *slog.Logger
	// Interval is how often each feed is refreshed; 0 means hourly.
	Interval time.Duration
	// Months is how far ahead occurrences are imported; 0 means 12.
	Months int

	// refreshing serialises refreshes of one feed (scheduler and "refresh
	// now" at once would race to create the same events).
	refreshing sync.Map // feed ID -> *sync.Mutex
}

// NewService returns a Service; client fetches the feeds.
func NewService(subs SubscriptionStore, hubSvc *hub.Service, client *http.Client, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Subs: subs, Hub: hubSvc, Fetcher: &Fetcher{Client: client, UserAgent: "Commonplace calendar import"}, Logger: logger}
}

func (s *Service) interval() time.Duration {
	if s.Interval <= 0 {
		return time.Hour
	}
	return s.Interval
}

func requireEditor(ctx context.Context) error {
	o := hub.OrganiserFrom(ctx)
	if o == nil {
		return hub.Errorf(hub.EUNAUTHORIZED, "Please log in first.")
	}
	if o.Role != hub.RoleAdmin && o.Role != hub.RoleEditor {
		return hub.Errorf(hub.EFORBIDDEN, "Your role does not allow changing calendar subscriptions.")
	}
	return nil
}

// Subscriptions lists every subscription.
func (s *Service) Subscriptions(ctx context.Context) ([]*Subscription, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	return s.Subs.FindSubscriptions(ctx)
}

// Subscription returns one subscription.
func (s *Service) Subscription(ctx context.Context, id int64) (*Subscription, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	return s.Subs.FindSubscriptionByID(ctx, id)
}

// Subscribe validates and stores a new subscription. It does not fetch
// it: call Refresh for that.
func (s *Service) Subscribe(ctx context.Context, sub *Subscription) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	if err := sub.Validate(); err != nil {
		return err
	}
	if sub.PlaceID != 0 {
		if _, err := s.Hub.Place(ctx, sub.PlaceID); err != nil {
			if hub.ErrorCode(err) == hub.ENOTFOUND {
				return &hub.Error{Code: hub.EINVALID, Message: "The chosen place no longer exists.", Fields: map[string]string{"place_id": "Choose another place."}}
			}
			return err
		}
	}
	if err := s.Subs.CreateSubscription(ctx, sub); err != nil {
		return err
	}
	s.Logger.Info("calendar subscribed", slog.Group("calendar", "feed", sub.ID, "url", sub.URL))
	return nil
}

// Unsubscribe removes a subscription and the events imported from it
// that are still to come; past ones stay as the hub's history. It returns
// how many events it removed.
func (s *Service) Unsubscribe(ctx context.Context, id int64) (int, error) {
	if err := requireEditor(ctx); err != nil {
		return 0, err
	}
	sub, err := s.Subs.FindSubscriptionByID(ctx, id)
	if err != nil {
		return 0, err
	}
	mu := s.lock(id)
	defer mu.Unlock()
	events, _, err := s.Hub.ListEvents(ctx, hub.EventFilter{SourceFeedID: id, Imported: true})
	if err != nil {
		return 0, err
	}
	actor := hub.WithOrganiser(ctx, &hub.Organiser{Name: "Calendar import: " + sub.DisplayName(), Role: hub.RoleEditor})
	removed := 0
	now := s.Hub.Now()
	for _, e := range events {
		if eventOver(e, now) {
			continue
		}
		if err := s.Hub.DeleteEvent(actor, e.ID); err != nil && hub.ErrorCode(err) != hub.ENOTFOUND {
			return removed, err
		}
		removed++
	}
	if err := s.Subs.DeleteSubscription(ctx, id); err != nil {
		return removed, err
	}
	s.Logger.Info("calendar unsubscribed", slog.Group("calendar", "feed", id, "url", sub.URL), "events_removed", removed)
	return removed, nil
}

func (s *Service) lock(id int64) *sync.Mutex {
	v, _ := s.refreshing.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu
}

// Refresh fetches a feed now and brings its events in step. The report
// and any error are also saved on the subscription. A fetch or parse
// failure changes no event.
func (s *Service) Refresh(ctx context.Context, id int64) (*Subscription, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	return s.refresh(ctx, id)
}

func (s *Service) refresh(ctx context.Context, id int64) (*Subscription, error) {
	mu := s.lock(id)
	defer mu.Unlock()
	sub, err := s.Subs.FindSubscriptionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Hub.Now()
	sub.LastCheckedAt = &now
	rep, err := s.fetchAndApply(ctx, sub)
	if err != nil {
		sub.LastError = hub.ErrorMessage(err)
		s.Logger.Warn("calendar refresh failed", slog.Group("calendar", "feed", sub.ID, "url", sub.URL), "error", err)
	} else {
		sub.LastError = ""
		sub.LastSuccessAt = &now
		sub.LastReport = rep
	}
	if serr := s.Subs.UpdateSubscription(context.WithoutCancel(ctx), sub); serr != nil {
		return sub, errors.Join(err, serr)
	}
	return sub, err
}

// fetchAndApply does one refresh; sub's name and validators are updated.
func (s *Service) fetchAndApply(ctx context.Context, sub *Subscription) (*Report, error) {
	f, err := s.Fetcher.Fetch(ctx, sub.URL, sub.ETag, sub.LastModified)
	if err != nil {
		return nil, err
	}
	if f.NotModified {
		rep := &Report{At: s.Hub.Now(), NotModified: true}
		if sub.LastReport != nil {
			// Keep what the last real import found, so the page still shows it.
			rep = &Report{At: rep.At, NotModified: true, Unchanged: sub.LastReport.Created + sub.LastReport.Updated + sub.LastReport.Unchanged,
				OutOfWindow: sub.LastReport.OutOfWindow, Cancelled: sub.LastReport.Cancelled, Skipped: sub.LastReport.Skipped, Notes: sub.LastReport.Notes}
		}
		return rep, nil
	}
	res, err := ParseBytes(f.Body, s.options(ctx))
	if err != nil {
		return nil, &hub.Error{Code: hub.EINVALID, Message: "The address did not give a calendar the hub can read (no BEGIN:VCALENDAR). Use the iCal (.ics) address from the calendar's sharing settings.", Err: err}
	}
	if res.Name != "" {
		sub.Name = res.Name
	}
	opt := s.options(ctx)
	from, _ := opt.Window()
	rep, err := apply(ctx, s.Hub, s.Logger, Target{FeedID: sub.ID, Name: sub.DisplayName(), PlaceID: sub.PlaceID, Tags: sub.Tags, Organiser: sub.Organiser}, res, from, nil)
	if err != nil {
		return nil, hub.Internal(err, "importing the calendar's events")
	}
	// Pictures come after the events are saved, outside their
	// transactions, and never keep one out.
	s.importPictures(ctx, Target{FeedID: sub.ID, Name: sub.DisplayName()}, res)
	// Only a complete import moves the validators on: after a failure the
	// next refresh must fetch the whole feed again.
	sub.ETag, sub.LastModified = f.ETag, f.LastModified
	return rep, nil
}

// options are the parse options for now and the hub's zone.
func (s *Service) options(ctx context.Context) Options {
	zone := "UTC"
	if st, err := s.Hub.Settings(ctx); err == nil {
		zone = st.TimeZone
	}
	return Options{Now: s.Hub.Now(), Months: s.Months, DefaultZone: zone}
}

// Import is a one-off import of a feed's bytes: events are created or
// updated (matched with earlier one-off imports by UID), never removed.
func (s *Service) Import(ctx context.Context, name string, feed []byte, progress Progress) (*Report, error) {
	return s.ImportFrom(ctx, name, feed, time.Time{}, progress)
}

// ImportFrom is Import that also takes the feed's past from the instant
// from on (a group moving its history in); zero from is Import. Past
// events come in as the hub's history: pages and feeds show them with
// earlier dates, and followers are not sent them.
func (s *Service) ImportFrom(ctx context.Context, name string, feed []byte, from time.Time, progress Progress) (*Report, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	opt := s.options(ctx)
	opt.From = from
	res, err := ParseBytes(feed, opt)
	if err != nil {
		return nil, hub.Errorf(hub.EINVALID, "%s is not an iCalendar file (it has no BEGIN:VCALENDAR).", name)
	}
	if name == "" {
		name = res.Name
	}
	since, _ := opt.Window()
	rep, err := apply(ctx, s.Hub, s.Logger, Target{Name: name}, res, since, progress)
	if err != nil {
		return rep, hub.Internal(err, "importing the calendar's events")
	}
	s.importPictures(ctx, Target{Name: name}, res)
	return rep, nil
}

// FetchForImport downloads a feed for a one-off import.
func (s *Service) FetchForImport(ctx context.Context, rawURL string) ([]byte, error) {
	if msg := hub.CheckCalendarURL(rawURL); msg != "" {
		return nil, &hub.Error{Code: hub.EINVALID, Message: msg}
	}
	f, err := s.Fetcher.Fetch(ctx, rawURL, "", "")
	if err != nil {
		return nil, err
	}
	return f.Body, nil
}

// RefreshDue refreshes every feed not checked for an interval. Failures
// are recorded on each subscription and logged; it returns how many feeds
// it refreshed.
func (s *Service) RefreshDue(ctx context.Context) int {
	subs, err := s.Subs.FindSubscriptions(ctx)
	if err != nil {
		s.Logger.Error("calendar scheduler: list subscriptions", "error", err)
		return 0
	}
	now := s.Hub.Now()
	n := 0
	for _, sub := range subs {
		if ctx.Err() != nil {
			return n
		}
		if sub.LastCheckedAt != nil && now.Sub(*sub.LastCheckedAt) < s.interval() {
			continue
		}
		s.refresh(ctx, sub.ID) // errors are saved on the subscription and logged
		n++
	}
	return n
}

// Run refreshes due feeds until ctx is cancelled: at start, then every
// tick (a twelfth of the interval, so a feed is at most that late).
func (s *Service) Run(ctx context.Context) {
	tick := s.interval() / 12
	if tick < time.Second {
		tick = time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	s.Logger.Info("calendar scheduler started", "interval", s.interval().String())
	for {
		s.RefreshDue(ctx)
		select {
		case <-ctx.Done():
			s.Logger.Info("calendar scheduler stopped")
			return
		case <-t.C:
		}
	}
}
