package apijson

import (
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Suggestion is an event suggested by a reader, as the queue shows it.
// Email is "" once the suggestion is decided or 30 days old.
type Suggestion struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Start       string     `json:"start"`
	End         string     `json:"end"`
	TimeZone    string     `json:"time_zone"`
	Place       string     `json:"place"`
	OnlineURL   string     `json:"online_url"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	State       string     `json:"state"`
	EventID     int64      `json:"event_id,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Suggestion is sg's JSON.
func (enc Encoder) Suggestion(sg *hub.Suggestion) Suggestion {
	return Suggestion{ID: sg.ID, Title: sg.Title, Description: sg.Description,
		Start: sg.Start.Format(time.RFC3339), End: sg.End.Format(time.RFC3339), TimeZone: sg.TimeZone,
		Place: sg.Place, OnlineURL: sg.OnlineURL, Name: sg.Name, Email: sg.Email, State: sg.State, EventID: sg.EventID,
		DecidedBy: sg.DecidedBy, DecidedAt: sg.DecidedAt, CreatedAt: sg.CreatedAt}
}

// Report is a report received from (direction "in") or sent to ("out")
// another server.
type Report struct {
	ID        int64                `json:"id"`
	Direction string               `json:"direction"`
	Activity  string               `json:"activity"`
	Server    string               `json:"server"`
	Actor     string               `json:"actor"`
	Comment   string               `json:"comment"`
	Objects   []hub.ReportedObject `json:"objects"`
	State     string               `json:"state"`
	DecidedBy string               `json:"decided_by,omitempty"`
	DecidedAt *time.Time           `json:"decided_at,omitempty"`
	CreatedAt time.Time            `json:"created_at"`
}

// Report is r's JSON; objects' page paths become absolute URLs.
func (enc Encoder) Report(r *hub.Report) Report {
	objects := make([]hub.ReportedObject, 0, len(r.Objects))
	for _, o := range r.Objects {
		if o.URL != "" {
			o.URL = enc.URL(o.URL)
		}
		objects = append(objects, o)
	}
	return Report{ID: r.ID, Direction: r.Direction, Activity: r.ActivityIRI, Server: r.Server, Actor: r.Actor, Comment: r.Comment,
		Objects: objects, State: r.State, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt, CreatedAt: r.CreatedAt}
}

// Queue is the moderation queue: the counts of what waits, and the
// suggestions, reports, pictures needing a description and replies held
// for review asked for.
type Queue struct {
	Counts      hub.QueueCounts `json:"counts"`
	Suggestions []Suggestion    `json:"suggestions"`
	Reports     []Report        `json:"reports"`
	Pictures    []Picture       `json:"pictures"`
	// Comments are the replies held for review (hub.Comment's own shape).
	Comments []*hub.Comment `json:"comments"`
}
