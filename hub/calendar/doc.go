// Package calendar imports iCalendar (RFC 5545) feeds into the hub: it
// reads partners' feeds, keeps hub events in step with them through
// hub.Service, and manages the hub's calendar subscriptions.
//
// Parsing is layered. This package splits a feed into components and
// cleans what real feeds get wrong (byte-order marks, blank lines, lines
// broken without folding, quoted-printable values, several VCALENDARs in
// one file); github.com/emersion/go-ical decodes each component's content
// lines, parameters and text; github.com/teambition/rrule-go expands
// recurrences. On top, the package resolves time zones (IANA names,
// Windows names, X-WR-TIMEZONE, custom VTIMEZONEs), applies RDATE, EXDATE
// and RECURRENCE-ID overrides (RANGE=THISANDFUTURE too), and maps the
// result to hub events. docs/calendars.md explains the choices.
//
// The package depends on hub; hub does not depend on it. Storage adapters
// implement SubscriptionStore; cmd/commonplace wires them.
package calendar
