package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/federation"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/hub/calendar"
)

func calendarCommand() *command {
	return group("calendar", "Subscribe to partners' calendar feeds and import iCal files",
		&command{name: "add", args: "URL", nargs: 1, summary: "Subscribe to a calendar feed (https:// or webcal://) and import it now", json: true, network: true, setup: calendarAdd,
			help: "The hub then refreshes the feed every hour while 'commonplace serve' runs."},
		&command{name: "list", summary: "List calendar subscriptions with their last report", json: true, readOnly: true, setup: calendarList},
		&command{name: "refresh", args: "ID", nargs: 1, summary: "Fetch a subscribed feed now and print what changed", json: true, network: true, setup: calendarRefresh},
		&command{name: "remove", args: "ID", nargs: 1, summary: "Unsubscribe and remove the feed's upcoming events", setup: calendarRemove},
		&command{name: "import", args: "FILE|URL", nargs: 1, summary: "Import the events of an iCal file or address once", json: true, network: true, setup: calendarImport,
			help: "Importing the same file again updates the events it made instead of adding copies. Use - to read standard input.\n\nEvents that are over are left out unless --from DATE is given: then the past from\nthat day on comes in too, as the hub's history (listed under past events; not sent\nto followers)."},
	)
}

// feedClient is the HTTP client that fetches calendar feeds.
// feedClient fetches calendar feeds. Like federation's fetches, it refuses
// private, loopback and link-local addresses (also after redirects) unless
// allowPrivate is set for development and tests.
func feedClient(allowPrivate bool) *http.Client {
	return federation.NewHTTPClient(allowPrivate, 30*time.Second)
}

// calendars returns the calendar service over the opened hub.
func (e *env) calendars(ctx context.Context) (context.Context, *calendar.Service, error) {
	ctx, svc, err := e.open(ctx)
	if err != nil {
		return ctx, nil, err
	}
	return ctx, calendar.NewService(e.db.Calendars(), svc, feedClient(e.allowPrivate()), e.logger), nil
}

func calendarAdd(fs *flag.FlagSet, e *env) runFunc {
	place := fs.String("place", "", "`slug` of the place given to the feed's events")
	tags := fs.String("tags", "", "comma-separated `topics` added to the feed's events")
	organiser := fs.String("organiser", "", "partner `organisation` shown as each event's organiser")
	return func(ctx context.Context, args []string) error {
		ctx, cals, err := e.calendars(ctx)
		if err != nil {
			return err
		}
		sub := &calendar.Subscription{URL: args[0], Tags: splitList(*tags), Organiser: *organiser}
		if *place != "" {
			p, err := places.find(ctx, e.svc, *place)
			if err != nil {
				return err
			}
			sub.PlaceID = p.ID
		}
		if err := cals.Subscribe(ctx, sub); err != nil {
			return err
		}
		got, err := cals.Refresh(ctx, sub.ID)
		if err != nil {
			return &hub.Error{Code: hub.ErrorCode(err), Message: fmt.Sprintf("Subscribed (ID %d), but the first refresh failed: %s The hub will try again every hour; 'commonplace calendar refresh %d' tries now.", sub.ID, hub.ErrorMessage(err), sub.ID), Err: err}
		}
		return e.printRefreshed("Subscribed to", got)
	}
}

// printReport writes what an import did, with every skipped event.
func (e *env) printReport(r *calendar.Report) {
	e.printf("%s.\n", capitalise(r.Summary()))
	if r.OutOfWindow > 0 {
		e.printf("Not imported: %d outside the next 12 months or over.\n", r.OutOfWindow)
	}
	if r.Cancelled > 0 {
		e.printf("Shown as cancelled: %d (the feed cancels them).\n", r.Cancelled)
	}
	if r.Adopted > 0 {
		e.printf("Taken over from an earlier one-off import: %d.\n", r.Adopted)
	}
	for _, n := range r.Notes {
		e.printf("Note: %s\n", n)
	}
	for _, s := range r.Skipped {
		e.printf("  skipped %s\n", s)
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func calendarList(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, cals, err := e.calendars(ctx)
		if err != nil {
			return err
		}
		subs, err := cals.Subscriptions(ctx)
		if err != nil {
			return err
		}
		return printList(ctx, e, subs, subscriptionListing)
	}
}

// withSubscription reads the subscription ID argument, then runs body
// over the calendar service.
func (e *env) withSubscription(body func(ctx context.Context, cals *calendar.Service, id int64) error) runFunc {
	return e.withIDArg("ID must be the number of a subscription, as 'commonplace calendar list' shows", func(ctx context.Context, _ *hub.Service, id int64) error {
		ctx, cals, err := e.calendars(ctx)
		if err != nil {
			return err
		}
		return body(ctx, cals, id)
	})
}

func calendarRefresh(fs *flag.FlagSet, e *env) runFunc {
	return e.withSubscription(func(ctx context.Context, cals *calendar.Service, id int64) error {
		got, err := cals.Refresh(ctx, id)
		if err != nil {
			return err
		}
		return e.printRefreshed("Refreshed", got)
	})
}

// printRefreshed prints a subscription after a refresh, with its report.
func (e *env) printRefreshed(verb string, got *calendar.Subscription) error {
	if e.json {
		return e.printJSON(apijson.Encoder{}.Calendar(got))
	}
	e.printf("%s %s (ID %d).\n", verb, got.DisplayName(), got.ID)
	e.printReport(got.LastReport)
	return nil
}

func calendarRemove(fs *flag.FlagSet, e *env) runFunc {
	return e.withSubscription(func(ctx context.Context, cals *calendar.Service, id int64) error {
		sub, err := cals.Subscription(ctx, id)
		if err != nil {
			return err
		}
		n, err := cals.Unsubscribe(ctx, id)
		if err != nil {
			return err
		}
		e.printf("Unsubscribed from %s; removed %d upcoming events. Past events stay.\n", sub.DisplayName(), n)
		return nil
	})
}

func calendarImport(fs *flag.FlagSet, e *env) runFunc {
	since := fs.String("from", "", "also import past events from this `date` (YYYY-MM-DD) on: a group's history")
	return func(ctx context.Context, args []string) error {
		var from time.Time
		if *since != "" {
			d, err := time.Parse("2006-01-02", *since)
			if err != nil {
				return usagef("--from takes a date such as 2024-01-01, not %q", *since)
			}
			from = d
		}
		ctx, cals, err := e.calendars(ctx)
		if err != nil {
			return err
		}
		src := args[0]
		var feed []byte
		switch {
		case src == "-":
			feed, err = readAllLimited(e.io.stdin)
		case strings.Contains(src, "://"):
			feed, err = cals.FetchForImport(ctx, src)
		default:
			feed, err = os.ReadFile(src)
			if err != nil {
				err = hub.Errorf(hub.EINVALID, "Could not read %s: %v", src, err)
			}
		}
		if err != nil {
			return err
		}
		// Progress on standard error, so that output stays a clean report.
		last := -1
		progress := func(done, total int) {
			if total < 200 || e.json {
				return
			}
			if pct := done * 100 / total; pct/10 != last/10 {
				last = pct
				fmt.Fprintf(e.io.stderr, "Importing: %d of %d events (%d%%)\n", done, total, pct)
			}
		}
		rep, err := cals.ImportFrom(ctx, src, feed, from, progress)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(rep)
		}
		e.printf("Imported %s.\n", src)
		e.printReport(rep)
		return nil
	}
}

func readAllLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, calendar.DefaultMaxFeedBytes+1))
	if err != nil {
		return nil, hub.Errorf(hub.EINVALID, "Could not read standard input: %v", err)
	}
	if len(b) > calendar.DefaultMaxFeedBytes {
		return nil, hub.Errorf(hub.EINVALID, "The calendar is larger than %d MB, the most the hub imports.", calendar.DefaultMaxFeedBytes>>20)
	}
	return b, nil
}

// subscriptionListing prints calendar subscriptions as text.
var subscriptionListing = listing[*calendar.Subscription]{
	empty:  "No calendar subscriptions yet. Add one with 'commonplace calendar add URL'.",
	header: "ID\tNAME\tLAST SUCCESS\tLAST REPORT\tLAST ERROR",
	row: func(w io.Writer, s *calendar.Subscription) {
		success := "never"
		if s.LastSuccessAt != nil {
			success = s.LastSuccessAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", s.ID, s.DisplayName(), success, s.LastReport.Summary(), orDash(s.LastError))
	},
	json: func(enc apijson.Encoder, s *calendar.Subscription) any { return enc.Calendar(s) },
}
