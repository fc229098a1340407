package hub

import (
	"context"
	"time"
)

// The moderation queue: what waits for an organiser's decision. Readers
// suggest events (Suggestion), other servers report what they find
// abusive here (Report, from an ActivityPub Flag), and organisers report
// what they find abusive on other servers (a Report going out).

// Suggestion states.
const (
	SuggestionPending  = "pending"
	SuggestionApproved = "approved"
	SuggestionRejected = "rejected"
)

// Suggestion is an event suggested by a reader without an account. It is
// never public: an organiser approves it, possibly after editing, and it
// becomes an ordinary event (EventID), or rejects it.
type Suggestion struct {
	ID          int64
	Title       string
	Description string // Markdown
	Start, End  time.Time
	TimeZone    string // the hub's zone when it was suggested
	Place       string // free text: where it happens
	OnlineURL   string
	Name        string // the suggester's name
	// Email is the suggester's address, shown to organisers only so that
	// they can reply; "" once the suggestion is decided or is older than
	// SuggestionEmailDays.
	Email string
	// Client is a keyed hash of the sender's address (an IPv4 address or
	// an IPv6 /64), which the hourly limit counts by.
	Client    string
	State     string // SuggestionPending, SuggestionApproved or SuggestionRejected
	EventID   int64  // the event it became, once approved
	DecidedBy string
	DecidedAt *time.Time
	CreatedAt time.Time
}

// Report directions and states.
const (
	ReportIn  = "in"  // a Flag another server sent us
	ReportOut = "out" // a Flag an organiser sent another server

	ReportPending   = "pending"
	ReportDismissed = "dismissed"
	ReportResolved  = "resolved"
	ReportSent      = "sent"
)

// ReportedObject is one thing a report names: the IRI as sent and, when it
// is ours, what it is here.
type ReportedObject struct {
	IRI string `json:"iri"`
	// Kind and ItemID name a local item (an event, guide...); CommentID a
	// fediverse reply to one of ours kept here; both zero when the IRI is
	// not ours (usually the reported account).
	Kind      Kind   `json:"kind,omitempty"`
	ItemID    int64  `json:"item_id,omitempty"`
	CommentID int64  `json:"comment_id,omitempty"`
	Title     string `json:"title,omitempty"` // the item's title or the comment's author
	URL       string `json:"url,omitempty"`   // its page here
}

// Report is a Flag received from (ReportIn) or sent to (ReportOut)
// another server.
type Report struct {
	ID          int64
	Direction   string // ReportIn or ReportOut
	ActivityIRI string // the Flag's id
	Server      string // the sending server (in) or the one reported to (out)
	Actor       string // who sent the Flag (often the server's own actor)
	Comment     string // plain text
	Objects     []ReportedObject
	State       string
	DecidedBy   string
	DecidedAt   *time.Time
	CreatedAt   time.Time
}

// QueueCounts is how much waits in the queue.
type QueueCounts struct {
	Suggestions int `json:"suggestions"`
	Reports     int `json:"reports"`
	// Pictures counts the pictures that need a description (they leave
	// the queue when described); the Service fills it, not the QueueStore.
	Pictures int `json:"pictures"`
	// Comments counts the replies held for review (Policy.HoldReplies);
	// the Service fills it from the CommonsStore.
	Comments int `json:"comments"`
}

// Total is everything waiting.
func (c QueueCounts) Total() int { return c.Suggestions + c.Reports + c.Pictures + c.Comments }

// QueueStore keeps the moderation queue. Implementations return ENOTFOUND
// for a suggestion or report that does not exist.
type QueueStore interface {
	// FormSecret returns the hub's key for signing form tokens, made once
	// and kept.
	FormSecret(ctx context.Context) ([]byte, error)
	// CreateSuggestion stores a new suggestion and marks the form token
	// tokenID used until expires, both or neither; ECONFLICT (and nothing
	// stored) when the token was used before. Sets ID and CreatedAt.
	CreateSuggestion(ctx context.Context, s *Suggestion, tokenID string, expires time.Time) error
	// CountSuggestionsFrom counts the suggestions from client since since.
	CountSuggestionsFrom(ctx context.Context, client string, since time.Time) (int, error)
	// FindSuggestion returns one suggestion.
	FindSuggestion(ctx context.Context, id int64) (*Suggestion, error)
	// ListSuggestions returns the suggestions in state ("" for all),
	// oldest first.
	ListSuggestions(ctx context.Context, state string) ([]*Suggestion, error)
	// DecideSuggestion moves a pending suggestion to state, recording the
	// event it became (0 for none), who and when, and empties its email.
	// ECONFLICT when it is no longer pending.
	DecideSuggestion(ctx context.Context, id int64, state string, eventID int64, by string, at time.Time) error
	// PurgeQueue empties the email of suggestions created before before,
	// and forgets used form tokens expired by now; it returns how many
	// emails it removed.
	PurgeQueue(ctx context.Context, before, now time.Time) (int, error)

	// CreateReport stores a report as it is (a report sent out is
	// stored decided); ECONFLICT when one with its ActivityIRI exists.
	// Sets ID, and CreatedAt when zero.
	CreateReport(ctx context.Context, r *Report) error
	// FindReport returns one report.
	FindReport(ctx context.Context, id int64) (*Report, error)
	// ListReports returns the reports in state ("" for all), oldest first.
	ListReports(ctx context.Context, state string) ([]*Report, error)
	// DecideReport moves a pending report to state, recording who and
	// when. ECONFLICT when it is no longer pending.
	DecideReport(ctx context.Context, id int64, state, by string, at time.Time) error
	// QueueCounts counts the pending suggestions and reports.
	QueueCounts(ctx context.Context) (QueueCounts, error)
}
