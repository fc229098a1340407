package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/commonplace-hub/commonplace/hub"
)

const eventStatusHelp = `Without --date the whole event is marked; with --date YYYY-MM-DD only the
occurrence that starts that day. Readers still see the event, marked with
the status and the reason, until the date has passed; calendar
subscribers and followers are told. "restore" removes the mark (the whole
event's, or with --date that day's).

"reschedule --date DAY --to \"2026-12-10 19:00\"" moves that one date of a
repeating event to the new start (at most 31 days away, in the event's
time zone), keeping its length; "restore --date DAY" moves it back.`

// eventStatusCommands are "event cancel|postpone|reschedule|restore SLUG".
func eventStatusCommands() []*command {
	return []*command{
		eventStatusCommand("cancel", hub.StatusCancelled, "Mark an event, or one date of it, cancelled"),
		eventStatusCommand("postpone", hub.StatusPostponed, "Mark an event, or one date of it, postponed"),
		eventStatusCommand("reschedule", hub.StatusRescheduled, "Mark an event rescheduled (move it with 'event edit --start')"),
		eventStatusCommand("restore", hub.StatusScheduled, "Remove a cancelled, postponed or rescheduled mark"),
	}
}

func eventStatusCommand(name string, status hub.EventStatus, summary string) *command {
	return &command{name: name, args: "SLUG", nargs: 1, summary: summary, help: eventStatusHelp, json: true,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			date := fs.String("date", "", "only the occurrence starting on this `day` (YYYY-MM-DD)")
			reason := fs.String("reason", "", "what readers are told, e.g. \"room flooded\"")
			var to *string
			if status == hub.StatusRescheduled {
				to = fs.String("to", "", "with --date: the date's new `start`, \"2026-12-10 19:00\" in the event's zone")
			}
			return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
				ev, err := events.find(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if to != nil && *to != "" {
					newStart, msg := parseWhen(*to, ev.Location(), ev.AllDay)
					if msg != "" {
						return &hub.Error{Code: hub.EINVALID, Message: "Please correct the new start.", Fields: map[string]string{"to": msg}}
					}
					err = svc.MoveOccurrence(ctx, ev.ID, *date, newStart, *reason)
				} else {
					err = svc.SetEventStatus(ctx, ev.ID, *date, status, *reason)
				}
				if err != nil {
					return err
				}
				if ev, err = svc.Event(ctx, ev.ID); err != nil {
					return err
				}
				return e.printSaved(e.enc(ctx).Event(ev), statusSaved(ev, *date, status, *reason))
			})
		}}
}

// statusSaved is the line a status command prints.
func statusSaved(ev *hub.Event, date string, status hub.EventStatus, reason string) string {
	what := fmt.Sprintf("event %q (%s)", ev.Title, ev.Slug)
	if date != "" {
		what += " on " + date
	}
	if !status.Marked() {
		return "Restored " + what + ": it is on as planned."
	}
	line := fmt.Sprintf("Marked %s %s", what, status)
	if m, ok := ev.StatusOn(date); ok && date != "" && !m.MovedTo.IsZero() {
		line = fmt.Sprintf("Moved %s to %s", what, m.MovedTo.Format("Mon 2 Jan 2006 15:04"))
	}
	if reason != "" {
		line += ": " + reason
	}
	return line + "."
}
