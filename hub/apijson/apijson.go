// Package apijson is the one JSON shape of each resource: what the API
// under /api/v1 answers and takes (hub/web), and what the command line's
// --json prints (cmd/commonplace). docs/API.md ("Shapes") describes them;
// keep the two in step.
//
// It imports only hub, hub/calendar and leaf internal packages, so both
// the web front end and the commands can use it.
package apijson

import (
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/calendar"
	"github.com/commonplace-hub/commonplace/internal/uris"
)

// Encoder turns hub items into their JSON shapes. Base is the hub's
// public URL, for the items' url fields; with Base "" they are left out.
type Encoder struct {
	Base string
}

// URL is the absolute address of the public path p, or "" without a Base.
func (enc Encoder) URL(p string) string {
	if enc.Base == "" {
		return ""
	}
	return strings.TrimSuffix(enc.Base, "/") + p
}

// List is a list as the API answers it: a page of items and how many
// there are in all.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// NewList is the list of items as out shows them, with total.
func NewList[T, J any](items []T, total int, out func(T) J) List[J] {
	l := List[J]{Items: []J{}, Total: total}
	for _, v := range items {
		l.Items = append(l.Items, out(v))
	}
	return l
}

// Each is items as out shows them, never nil (a JSON array, not null).
func Each[T, J any](items []T, out func(T) J) []J {
	js := make([]J, 0, len(items))
	for _, v := range items {
		js = append(js, out(v))
	}
	return js
}

// NonNil is s, or an empty slice for nil (a JSON [] rather than null).
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Event is an event. id, slug, url, series_end, created_at and updated_at
// are read-only: a create or update may send them back (as show prints
// them) and they are ignored.
type Event struct {
	ID            int64      `json:"id,omitempty"`
	Slug          string     `json:"slug,omitempty"`
	URL           string     `json:"url,omitempty"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	TimeZone      string     `json:"time_zone"`
	Start         string     `json:"start"`
	End           string     `json:"end"`
	AllDay        bool       `json:"all_day"`
	Recurrence    string     `json:"recurrence"`
	Exceptions    []string   `json:"exceptions"`
	SeriesEnd     *time.Time `json:"series_end,omitempty"`
	PlaceID       int64      `json:"place_id,omitempty"`
	Place         *Place     `json:"place,omitempty"`
	OnlineURL     string     `json:"online_url"`
	Tags          []string   `json:"tags"`
	Organiser     string     `json:"organiser"`
	Accessibility string     `json:"accessibility"`
	BookingURL    string     `json:"booking_url"`
	// Statuses are read-only: set them with POST /api/v1/events/{id}/status.
	Statuses  []StatusMark `json:"statuses,omitempty"`
	CreatedAt time.Time    `json:"created_at,omitzero"`
	UpdatedAt time.Time    `json:"updated_at,omitzero"`
}

// StatusMark says an event (date "") or one date of it is cancelled,
// postponed or rescheduled. As input (POST /api/v1/events/{id}/status),
// previous_start is ignored and status "scheduled" removes the mark.
type StatusMark struct {
	Date          string `json:"date"`
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	PreviousStart string `json:"previous_start,omitempty"`
	// MovedTo is the new start of one date moved to another time; as
	// input, with status "rescheduled" and a date, it moves that date.
	MovedTo string `json:"moved_to,omitempty"`
}

// statusMarks is the marks' JSON, previous starts in the event's zone.
func statusMarks(e *hub.Event) []StatusMark {
	var out []StatusMark
	for _, m := range e.Statuses {
		sm := StatusMark{Date: m.Date, Status: string(m.Status), Reason: m.Reason}
		if !m.PreviousStart.IsZero() {
			sm.PreviousStart = m.PreviousStart.In(e.Location()).Format(time.RFC3339)
		}
		if !m.MovedTo.IsZero() {
			sm.MovedTo = m.MovedTo.In(e.Location()).Format(time.RFC3339)
		}
		out = append(out, sm)
	}
	return out
}

// Event is e's JSON: times in its zone with their offset; an all-day
// event's start and end are dates, end the last day.
func (enc Encoder) Event(e *hub.Event) Event {
	loc := e.Location()
	out := Event{
		ID: e.ID, Slug: e.Slug, URL: enc.URL(uris.Item(hub.KindEvent, e.Slug)), Title: e.Title, Description: e.Description,
		TimeZone: e.TimeZone, AllDay: e.AllDay, Recurrence: e.Recurrence, Exceptions: NonNil(e.Exceptions),
		SeriesEnd: e.SeriesEnd, PlaceID: e.PlaceID, Place: enc.Place(e.Place), OnlineURL: e.OnlineURL,
		Tags: NonNil(e.Tags), Organiser: e.Organiser, Accessibility: e.Accessibility, BookingURL: e.BookingURL,
		Statuses: statusMarks(e), CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
	if e.AllDay {
		out.Start = e.Start.In(loc).Format("2006-01-02")
		out.End = e.End.In(loc).AddDate(0, 0, -1).Format("2006-01-02")
	} else {
		out.Start = e.Start.In(loc).Format(time.RFC3339)
		out.End = e.End.In(loc).Format(time.RFC3339)
	}
	return out
}

// ParseTime reads a time given with an offset, as local time in loc
// ("2026-12-01T19:00"), or as a date for all-day events.
func ParseTime(v string, loc *time.Location, allDay bool) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if allDay {
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			return t, true
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.In(loc), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Hub is the event in as the hub takes it, in defaultZone when it names
// none; a malformed start or end is an EINVALID error saying which. The
// read-only fields are ignored; place is used only without place_id.
func (in *Event) Hub(defaultZone string) (*hub.Event, error) {
	e := &hub.Event{
		Title: in.Title, Description: in.Description, TimeZone: in.TimeZone, AllDay: in.AllDay,
		Recurrence: in.Recurrence, Exceptions: in.Exceptions, PlaceID: in.PlaceID, OnlineURL: in.OnlineURL,
		Tags: in.Tags, Organiser: in.Organiser, Accessibility: in.Accessibility, BookingURL: in.BookingURL,
	}
	if e.TimeZone == "" {
		e.TimeZone = defaultZone
	}
	if in.Place != nil && in.PlaceID == 0 {
		e.Place = in.Place.Hub()
	}
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		loc = time.UTC // the hub reports the bad zone
	}
	fields := map[string]string{}
	var ok bool
	if in.Start != "" {
		if e.Start, ok = ParseTime(in.Start, loc, in.AllDay); !ok {
			fields["start"] = "Use RFC 3339 (2026-12-01T19:00:00Z), a local time (2026-12-01T19:00) or, for all-day events, a date."
		}
	}
	if in.End != "" {
		if e.End, ok = ParseTime(in.End, loc, in.AllDay); !ok {
			fields["end"] = "Use RFC 3339 (2026-12-01T21:00:00Z), a local time (2026-12-01T21:00) or, for all-day events, a date."
		} else if in.AllDay {
			e.End = e.End.AddDate(0, 0, 1) // the API names the last day, like the form
		}
	}
	if len(fields) > 0 {
		return nil, &hub.Error{Code: hub.EINVALID, Message: "Please correct the event.", Fields: fields}
	}
	return e, nil
}

// Occurrence is one date of an event.
type Occurrence struct {
	EventID int64  `json:"event_id"`
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Date    string `json:"date"`
	Start   string `json:"start"`
	End     string `json:"end"`
	AllDay  bool   `json:"all_day"`
	URL     string `json:"url"`
	// Status and StatusReason are set when the date is cancelled,
	// postponed or rescheduled (its own mark or the whole event's).
	Status       string `json:"status,omitempty"`
	StatusReason string `json:"status_reason,omitempty"`
	// PreviousStart is when a rescheduled date was due to start.
	PreviousStart string `json:"previous_start,omitempty"`
}

// Occurrence is o's JSON.
func (enc Encoder) Occurrence(o hub.Occurrence) Occurrence {
	out := Occurrence{EventID: o.Event.ID, Slug: o.Event.Slug, Title: o.Event.Title, Date: o.Date(),
		Start: o.Start.Format(time.RFC3339), End: o.End.Format(time.RFC3339), AllDay: o.Event.AllDay,
		URL: enc.URL(uris.Occurrence(o.Event.Slug, o.Date())), StatusReason: o.StatusReason}
	if o.Status.Marked() {
		out.Status = string(o.Status)
	}
	if o.Status == hub.StatusRescheduled && !o.PreviousStart.IsZero() && !o.PreviousStart.Equal(o.Start) {
		out.PreviousStart = o.PreviousStart.Format(time.RFC3339)
	}
	return out
}

// Place is a place. id, slug, url and the timestamps are read-only.
type Place struct {
	ID            int64     `json:"id,omitempty"`
	Slug          string    `json:"slug,omitempty"`
	URL           string    `json:"url,omitempty"`
	Name          string    `json:"name"`
	Description   string    `json:"description,omitempty"`
	StreetAddress string    `json:"street_address,omitempty"`
	Locality      string    `json:"locality,omitempty"`
	Region        string    `json:"region,omitempty"`
	PostalCode    string    `json:"postal_code,omitempty"`
	Country       string    `json:"country,omitempty"`
	Latitude      *float64  `json:"latitude,omitempty"`
	Longitude     *float64  `json:"longitude,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// Place is p's JSON; nil for none.
func (enc Encoder) Place(p *hub.Place) *Place {
	if p == nil {
		return nil
	}
	return &Place{
		ID: p.ID, Slug: p.Slug, URL: enc.URL(uris.Place(p.Slug)), Name: p.Name, Description: p.Description,
		StreetAddress: p.StreetAddress, Locality: p.Locality, Region: p.Region, PostalCode: p.PostalCode,
		Country: p.Country, Latitude: p.Latitude, Longitude: p.Longitude, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// Hub is the place p as the hub takes it (without an ID).
func (p *Place) Hub() *hub.Place {
	return &hub.Place{
		Name: p.Name, Description: p.Description, StreetAddress: p.StreetAddress, Locality: p.Locality,
		Region: p.Region, PostalCode: p.PostalCode, Country: p.Country, Latitude: p.Latitude, Longitude: p.Longitude,
	}
}

// Guide is a guide. note is input only: what this edit changed.
type Guide struct {
	ID        int64     `json:"id,omitempty"`
	Slug      string    `json:"slug,omitempty"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	Revision  int       `json:"revision,omitempty"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`

	AdaptedFrom *AdaptedFrom      `json:"adapted_from,omitempty"`
	AdaptedBy   []*hub.Adaptation `json:"adapted_by,omitempty"` // read-only
}

// AdaptedFrom is the original a guide or case study is adapted from. On
// input only object_id (or, without it, url) is read: the hub finds the
// rest in its commons or on the original's server; the other fields are
// answered and ignored when given back.
type AdaptedFrom struct {
	ObjectID string     `json:"object_id"`
	URL      string     `json:"url"`
	Title    string     `json:"title,omitempty"`
	Kind     hub.Kind   `json:"kind,omitempty"`
	By       hub.Origin `json:"by,omitzero"`
}

func adaptedFromOut(a *hub.AdaptedFrom) *AdaptedFrom {
	if a == nil {
		return nil
	}
	return &AdaptedFrom{ObjectID: a.ObjectID, URL: a.URL, Title: a.Title, Kind: a.Kind, By: a.Origin}
}

// Hub is the reference as the hub takes it; nil for none.
func (a *AdaptedFrom) Hub() *hub.AdaptedFrom {
	if a == nil || (a.ObjectID == "" && a.URL == "") {
		return nil
	}
	return &hub.AdaptedFrom{ObjectID: a.ObjectID, URL: a.URL}
}

// Guide is g's JSON.
func (enc Encoder) Guide(g *hub.Guide) Guide {
	return Guide{ID: g.ID, Slug: g.Slug, URL: enc.URL(uris.Item(hub.KindGuide, g.Slug)), Title: g.Title, Summary: g.Summary,
		Body: g.Body, Tags: NonNil(g.Tags), Revision: g.Revision, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt,
		AdaptedFrom: adaptedFromOut(g.AdaptedFrom), AdaptedBy: g.AdaptedBy}
}

// Hub is the guide in as the hub takes it, as the guide id.
func (in *Guide) Hub(id int64) *hub.Guide {
	return &hub.Guide{ID: id, Title: in.Title, Summary: in.Summary, Body: in.Body, Tags: in.Tags, AdaptedFrom: in.AdaptedFrom.Hub()}
}

// Revision is one revision of a guide.
type Revision struct {
	Number    int       `json:"number"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// Revision is rv's JSON.
func (Encoder) Revision(rv *hub.GuideRevision) Revision {
	return Revision{Number: rv.Number, Title: rv.Title, Summary: rv.Summary, Body: rv.Body, Tags: NonNil(rv.Tags),
		Author: rv.Author, Note: rv.Note, CreatedAt: rv.CreatedAt}
}

// CaseStudy is a case study.
type CaseStudy struct {
	ID           int64     `json:"id,omitempty"`
	Slug         string    `json:"slug,omitempty"`
	URL          string    `json:"url,omitempty"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Problem      string    `json:"problem"`
	Approach     string    `json:"approach"`
	Tools        string    `json:"tools"`
	Outcome      string    `json:"outcome"`
	Lessons      string    `json:"lessons"`
	Organisation string    `json:"organisation"`
	PlaceID      int64     `json:"place_id,omitempty"`
	Place        *Place    `json:"place,omitempty"`
	Tags         []string  `json:"tags"`
	Contact      string    `json:"contact"`
	CreatedAt    time.Time `json:"created_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`

	AdaptedFrom *AdaptedFrom      `json:"adapted_from,omitempty"`
	AdaptedBy   []*hub.Adaptation `json:"adapted_by,omitempty"` // read-only
}

// CaseStudy is c's JSON.
func (enc Encoder) CaseStudy(c *hub.CaseStudy) CaseStudy {
	return CaseStudy{ID: c.ID, Slug: c.Slug, URL: enc.URL(uris.Item(hub.KindCaseStudy, c.Slug)), Title: c.Title,
		Summary: c.Summary, Problem: c.Problem, Approach: c.Approach, Tools: c.Tools, Outcome: c.Outcome,
		Lessons: c.Lessons, Organisation: c.Organisation, PlaceID: c.PlaceID, Place: enc.Place(c.Place),
		Tags: NonNil(c.Tags), Contact: c.Contact, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		AdaptedFrom: adaptedFromOut(c.AdaptedFrom), AdaptedBy: c.AdaptedBy}
}

// Hub is the case study in as the hub takes it (without an ID).
func (in *CaseStudy) Hub() *hub.CaseStudy {
	return &hub.CaseStudy{Title: in.Title, Summary: in.Summary, Problem: in.Problem, Approach: in.Approach,
		Tools: in.Tools, Outcome: in.Outcome, Lessons: in.Lessons, Organisation: in.Organisation,
		PlaceID: in.PlaceID, Tags: in.Tags, Contact: in.Contact, AdaptedFrom: in.AdaptedFrom.Hub()}
}

// Topic is a topic (the domain's hub.Tag), with how many items use it.
// On input (POST /topics, PUT /topics/{slug}) only name and description
// are read; the rest is answered and ignored when given back.
type Topic struct {
	ID          int64  `json:"id,omitempty"`
	Slug        string `json:"slug,omitempty"`
	URL         string `json:"url,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Uses        int    `json:"uses"`
}

// Topic is t's JSON.
func (enc Encoder) Topic(t *hub.Tag) Topic {
	return Topic{ID: t.ID, Slug: t.Slug, URL: enc.URL(uris.Topic(t.Slug)), Name: t.Name, Description: t.Description, Uses: t.Uses}
}

// Hub is the topic in as the hub takes it: its name and description.
func (in *Topic) Hub() *hub.Tag { return &hub.Tag{Name: in.Name, Description: in.Description} }

// Organiser is an organiser. password is input only, except in the
// answer to the command line's organiser add that made one up.
type Organiser struct {
	ID        int64     `json:"id,omitempty"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Password  string    `json:"password,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Organiser is o's JSON.
func (Encoder) Organiser(o *hub.Organiser) Organiser {
	return Organiser{ID: o.ID, Email: o.Email, Name: o.Name, Role: o.Role, CreatedAt: o.CreatedAt}
}

// OrganiserUpdate is what PUT /organisers/{id} takes: an organiser, and
// with a new password for yourself, your current one.
type OrganiserUpdate struct {
	Organiser
	CurrentPassword string `json:"current_password,omitempty"`
}

// Token is an API token; secret only in the answer to its creation.
type Token struct {
	ID          int64      `json:"id"`
	OrganiserID int64      `json:"organiser_id"`
	Name        string     `json:"name"`
	Secret      string     `json:"secret,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"`
}

// Token is t's JSON, without its secret.
func (Encoder) Token(t *hub.APIToken) Token {
	return Token{ID: t.ID, OrganiserID: t.OrganiserID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

// Calendar is a calendar feed the hub follows.
type Calendar struct {
	ID            int64            `json:"id"`
	URL           string           `json:"url"`
	Name          string           `json:"name"`
	PlaceID       int64            `json:"place_id,omitempty"`
	Tags          []string         `json:"tags"`
	Organiser     string           `json:"organiser"`
	LastCheckedAt *time.Time       `json:"last_checked_at,omitempty"`
	LastSuccessAt *time.Time       `json:"last_success_at,omitempty"`
	LastError     string           `json:"last_error,omitempty"`
	LastReport    *calendar.Report `json:"last_report,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
}

// Calendar is c's JSON.
func (Encoder) Calendar(c *calendar.Subscription) Calendar {
	return Calendar{ID: c.ID, URL: c.URL, Name: c.Name, PlaceID: c.PlaceID, Tags: NonNil(c.Tags), Organiser: c.Organiser,
		LastCheckedAt: c.LastCheckedAt, LastSuccessAt: c.LastSuccessAt, LastError: c.LastError, LastReport: c.LastReport, CreatedAt: c.CreatedAt}
}

// Settings is the hub's settings as answered.
type Settings struct {
	Name                      string `json:"name"`
	Description               string `json:"description"`
	TimeZone                  string `json:"time_zone"`
	Language                  string `json:"language"`
	AccentColour              string `json:"accent_colour"`
	LogoType                  string `json:"logo_type,omitempty"`
	Handle                    string `json:"handle"`
	Discoverable              bool   `json:"discoverable"`
	Indexable                 bool   `json:"indexable"`
	ManuallyApprovesFollowers bool   `json:"manually_approves_followers"`
	Area                      Area   `json:"area"`
	AnswersNetworkSearch      bool   `json:"answers_network_search"`
	// EmbedOrigins are the websites that may frame the hub's embeds:
	// ["*"] any, [] none.
	EmbedOrigins []string `json:"embed_origins"`
}

// Area is the hub's area: a name and optional coordinates (null when
// not given).
type Area struct {
	Name      string   `json:"name"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
}

// Hub is a's domain value.
func (a Area) Hub() hub.Area {
	return hub.Area{Name: a.Name, Latitude: a.Latitude, Longitude: a.Longitude}
}

// Settings is st's JSON.
func (Encoder) Settings(st *hub.Settings) Settings {
	return Settings{
		Name: st.Name, Description: st.Description, TimeZone: st.TimeZone, Language: st.Language,
		AccentColour: st.AccentColour, LogoType: st.LogoType,
		Handle: st.Handle, Discoverable: st.Discoverable, Indexable: st.Indexable,
		ManuallyApprovesFollowers: st.ManuallyApprovesFollowers,
		Area:                      Area{Name: st.Area.Name, Latitude: st.Area.Latitude, Longitude: st.Area.Longitude},
		AnswersNetworkSearch:      st.AnswersNetworkSearch,
		EmbedOrigins:              NonNil(st.EmbedOrigins),
	}
}

// SettingsInput is a PUT /settings body. The fediverse fields came later
// and are optional, so clients written before them keep working: absent
// means unchanged. logo_type is accepted, so a client can send back what
// it read, and ignored.
type SettingsInput struct {
	Name                      string  `json:"name"`
	Description               string  `json:"description"`
	TimeZone                  string  `json:"time_zone"`
	Language                  string  `json:"language"`
	AccentColour              string  `json:"accent_colour"`
	LogoType                  string  `json:"logo_type"`
	Handle                    *string `json:"handle"`
	Discoverable              *bool   `json:"discoverable"`
	Indexable                 *bool   `json:"indexable"`
	ManuallyApprovesFollowers *bool   `json:"manually_approves_followers"`
	// Area, like the fediverse fields, came later: absent means unchanged.
	Area                 *Area `json:"area"`
	AnswersNetworkSearch *bool `json:"answers_network_search"`

	// EmbedOrigins, optional too: absent leaves the partner websites.
	EmbedOrigins *[]string `json:"embed_origins"`
}

// Peers is the list of hubs this hub follows, as GET /peers answers it.
type Peers struct {
	Peers []hub.Peer `json:"peers"`
}
