package hub

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds calendar import's records and store contract. The
// import logic (fetching, parsing, keeping events in step) is in
// hub/calendar; the types live here so that storage implements
// SubscriptionStore without importing hub/calendar.

// Subscription is a partner's calendar feed that the hub keeps its events
// in step with.
type Subscription struct {
	ID  int64
	URL string // https://, http:// or webcal:// as the organiser typed it
	// Name is the feed's own name (X-WR-CALNAME), filled on refresh.
	Name string
	// PlaceID, Tags and Organiser are given to every event imported from
	// the feed: a default place (0: none), extra tags, and the partner
	// organisation (Event.Organiser).
	PlaceID   int64
	Tags      []string
	Organiser string

	// Conditional GET state from the last successful fetch.
	ETag, LastModified string
	// LastCheckedAt is the last refresh attempt, LastSuccessAt the last
	// one that worked; LastError says what went wrong in the last attempt
	// ("" when it worked). LastReport is what the last import did.
	LastCheckedAt *time.Time
	LastSuccessAt *time.Time
	LastError     string
	LastReport    *CalendarReport

	CreatedAt time.Time
	UpdatedAt time.Time
}

// DisplayName is the feed's name, or its address before the first refresh.
func (s *Subscription) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.URL
}

// CalendarReport says what one refresh or import of a calendar
// subscription did.
type CalendarReport struct {
	At time.Time `json:"at"`
	// NotModified is set when the server answered 304: nothing changed.
	NotModified bool `json:"not_modified,omitempty"`
	Created     int  `json:"created"`
	Updated     int  `json:"updated"`
	Unchanged   int  `json:"unchanged"`
	Removed     int  `json:"removed"`
	// Adopted counts events a one-off import of the feed had made that
	// the subscription took over (and updated or left as they were)
	// instead of copying.
	Adopted int `json:"adopted,omitempty"`
	// OutOfWindow counts feed events with nothing in the import window
	// (over, or too far ahead); Cancelled, cancelled events and
	// occurrences, imported marked cancelled.
	OutOfWindow int            `json:"out_of_window"`
	Cancelled   int            `json:"cancelled"`
	Skipped     []SkippedEvent `json:"skipped,omitempty"`
	// Notes say how the feed was read where readers should know (a time
	// zone read as a fixed offset).
	Notes []string `json:"notes,omitempty"`
}

// Summary is the report in one line, in English, as the CLI shows it.
func (r *CalendarReport) Summary() string { return r.SummaryText().String() }

// SummaryText is the report in one line, as a message for front ends to
// translate.
func (r *CalendarReport) SummaryText() Text {
	switch {
	case r == nil:
		return Text{Format: string(Msg("not imported yet"))}
	case r.NotModified:
		return Text{Format: string(Msg("no change since the last refresh"))}
	}
	return Text{Format: string(Msg("%d imported, %d updated, %d removed, %d unchanged, %d skipped")),
		Args: []any{r.Created, r.Updated, r.Removed, r.Unchanged, len(r.Skipped)}}
}

// SubscriptionStore keeps calendar subscriptions. Implementations return a
// *Error with code ENOTFOUND when a subscription does not exist.
type SubscriptionStore interface {
	// FindSubscriptionByID returns one subscription.
	FindSubscriptionByID(ctx context.Context, id int64) (*Subscription, error)
	// FindSubscriptions returns every subscription, oldest first.
	FindSubscriptions(ctx context.Context) ([]*Subscription, error)
	// CreateSubscription stores a new subscription and sets ID, CreatedAt
	// and UpdatedAt. It returns ECONFLICT when the URL is already
	// subscribed.
	CreateSubscription(ctx context.Context, s *Subscription) error
	// UpdateSubscription saves every field but ID and CreatedAt, and sets
	// UpdatedAt.
	UpdateSubscription(ctx context.Context, s *Subscription) error
	// DeleteSubscription removes a subscription. Events imported from it
	// stay, no longer marked with the feed.
	DeleteSubscription(ctx context.Context, id int64) error
}

// Validate checks what an organiser gives for a subscription, normalising
// the URL's spacing and the tags. It returns an EINVALID *Error with a
// message per faulty field.
func (s *Subscription) Validate() error {
	fields := fieldErrors{}
	s.URL = strings.TrimSpace(s.URL)
	if msg := CheckCalendarURL(s.URL); msg != "" {
		fields.add("url", msg)
	}
	s.Organiser = strings.TrimSpace(s.Organiser)
	if utf8.RuneCountInString(s.Organiser) > MaxTitle {
		fields.addf("organiser", "The partner organisation's name is too long: at most %d characters.", MaxTitle)
	}
	// The hub's own rules for tags, by validating a stand-in event.
	probe := Event{Title: "probe", TimeZone: "UTC", Start: time.Unix(0, 0), End: time.Unix(3600, 0), Tags: s.Tags}
	if err := probe.Validate(); err != nil {
		if t, ok := fieldTexts(err)["tags"]; ok {
			fields.addf("tags", t.Format, t.Args...)
		}
	}
	s.Tags = probe.Tags
	if len(fields) > 0 {
		err := fields.err("calendar").(*Error)
		err.Message = string(Msg("Please correct the highlighted fields and add the calendar again."))
		err.Format, err.Args = err.Message, nil
		return err
	}
	return nil
}

// CheckCalendarURL says what is wrong with a calendar feed's address, or "".
func CheckCalendarURL(raw string) string {
	example := string(Msg("Enter the calendar's full address, starting with https:// or webcal:// (for example webcal://calendar.example.org/events.ics)."))
	if raw == "" {
		return example
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return example
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "webcal", "webcals":
	default:
		return example
	}
	if strings.ContainsAny(raw, " \t\n") {
		return string(Msg("A calendar address cannot contain spaces; copy it exactly from the calendar's sharing settings."))
	}
	if len(raw) > 2000 {
		return string(Msg("This address is too long to be a calendar feed."))
	}
	return ""
}

// SkippedEvent is an event of a calendar feed that was not imported, and
// why.
type SkippedEvent struct {
	UID    string `json:"uid,omitempty"`
	Title  string `json:"title,omitempty"`
	Line   int    `json:"line,omitempty"` // where its BEGIN:VEVENT is, 1-based
	Reason string `json:"reason"`
}

// String describes the skipped event for a person.
func (s SkippedEvent) String() string {
	var b strings.Builder
	if s.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", s.Line)
	}
	switch {
	case s.Title != "":
		fmt.Fprintf(&b, "%q", s.Title)
	case s.UID != "":
		fmt.Fprintf(&b, "event %s", s.UID)
	default:
		b.WriteString("an event")
	}
	return b.String() + ": " + s.Reason
}
