package hub

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Roles an organiser can have.
const (
	RoleAdmin  = "admin"  // everything, including settings and organisers
	RoleEditor = "editor" // content: events, guides, case studies, places, tags
)

// Organiser is a person who can log in and manage the hub.
type Organiser struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string // argon2id, PHC string format
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// IsAdmin reports whether the organiser has the admin role.
func (o *Organiser) IsAdmin() bool { return o != nil && o.Role == RoleAdmin }

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Validate checks an organiser's email, name and role.
func (o *Organiser) Validate() error {
	f := fieldErrors{}
	o.Email = strings.ToLower(strings.TrimSpace(o.Email))
	o.Name = strings.TrimSpace(o.Name)
	if a, err := mail.ParseAddress(o.Email); err != nil || a.Address != o.Email {
		f.add("email", "Enter an email address such as sam@example.org.")
	}
	checkText(f, "name", "Name", o.Name, true, MaxTitle)
	if o.Role != RoleAdmin && o.Role != RoleEditor {
		f.add("role", "Choose admin or editor.")
	}
	return f.err("organiser")
}

func checkPassword(f fieldErrors, field, pw string) {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		f.addf(field, "Use at least %d characters; a few words together make a good password.", MinPasswordLength)
	} else if len(pw) > 1024 {
		f.add(field, "That password is too long.")
	}
}

// OrganiserStore keeps organisers. Missing ones give an ENOTFOUND *Error; a
// second organiser with the same email gives ECONFLICT.
type OrganiserStore interface {
	FindOrganiserByID(ctx context.Context, id int64) (*Organiser, error)
	FindOrganiserByEmail(ctx context.Context, email string) (*Organiser, error)
	// FindOrganisers returns every organiser ordered by name.
	FindOrganisers(ctx context.Context) ([]*Organiser, error)
	CreateOrganiser(ctx context.Context, o *Organiser) error
	// UpdateOrganiser saves email, name, role and password hash.
	UpdateOrganiser(ctx context.Context, o *Organiser) error
	// DeleteOrganiser removes an organiser with their sessions and tokens.
	DeleteOrganiser(ctx context.Context, id int64) error
}

// Session is a logged-in browser. The cookie holds a random token; only its
// SHA-256 hash is stored.
type Session struct {
	TokenHash   string
	OrganiserID int64
	CSRFToken   string // random; forms must echo it
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// SessionStore keeps sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns an unexpired session, or ENOTFOUND.
	FindSession(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteOrganiserSessions ends every session of an organiser, e.g.
	// after their password changes.
	DeleteOrganiserSessions(ctx context.Context, organiserID int64) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
}

// APIToken is a bearer token for the JSON API, acting as its organiser.
// Only the SHA-256 hash of the secret is stored; the secret is shown once.
type APIToken struct {
	ID          int64
	OrganiserID int64
	Name        string
	Hash        string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
}

// TokenStore keeps API tokens.
type TokenStore interface {
	CreateToken(ctx context.Context, t *APIToken) error
	// FindTokenByHash returns the token, or ENOTFOUND.
	FindTokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// FindTokens lists an organiser's tokens, newest first; organiserID 0 lists all.
	FindTokens(ctx context.Context, organiserID int64) ([]*APIToken, error)
	// TouchToken records a use.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	DeleteToken(ctx context.Context, id int64) error
}

// Settings are the hub-wide choices an admin makes.
type Settings struct {
	Name         string // the hub's name, e.g. "Hulme Community Hub"
	Description  string // one paragraph, plain text
	TimeZone     string // default zone for new events
	Language     string // BCP 47, e.g. "en-GB"
	AccentColour string // #rrggbb, used for links and buttons
	LogoType     string // MIME type of the uploaded logo, "" for none

	// Handle is the hub's fediverse user name: people follow
	// @Handle@host. Letters, digits and underscores.
	Handle string
	// Discoverable lets fediverse servers suggest the hub in their
	// directories; Indexable lets them include its posts in full-text search.
	Discoverable bool
	Indexable    bool
	// ManuallyApprovesFollowers holds new followers until an organiser
	// approves them.
	ManuallyApprovesFollowers bool

	// Area is where the hub's group works: shown on the network page and
	// published on the actor as its location.
	Area Area
	// AnswersNetworkSearch lets other hubs search this hub's public items
	// (GET /network/search.json).
	AnswersNetworkSearch bool
	// EmbedOrigins are the partner websites (origins such as
	// https://example.org) that may show the hub's embeds in a frame;
	// ["*"], the default, is any website and an empty list none.
	EmbedOrigins []string

	UpdatedAt time.Time
}

// Area is a hub's area: a free-text name ("Hulme, Manchester"), and
// optionally WGS84 coordinates of its centre. The zero Area says nothing.
type Area struct {
	Name      string
	Latitude  *float64
	Longitude *float64
}

// IsZero reports whether the area says nothing at all.
func (a Area) IsZero() bool { return a.Name == "" && a.Latitude == nil && a.Longitude == nil }

// HasPosition reports whether the area has coordinates.
func (a Area) HasPosition() bool { return a.Latitude != nil && a.Longitude != nil }

// validate tidies the name and checks the coordinates into f.
func (a *Area) validate(f fieldErrors) {
	a.Name = strings.TrimSpace(a.Name)
	checkText(f, "area_name", "Area", a.Name, false, MaxShort)
	if (a.Latitude == nil) != (a.Longitude == nil) {
		f.add("area_latitude", "Give both latitude and longitude, or neither.")
	}
	if a.Latitude != nil && !(*a.Latitude >= -90 && *a.Latitude <= 90) { // NaN too
		f.add("area_latitude", "Latitude must be between -90 and 90.")
	}
	if a.Longitude != nil && !(*a.Longitude >= -180 && *a.Longitude <= 180) {
		f.add("area_longitude", "Longitude must be between -180 and 180.")
	}
}

// DefaultSettings are used until an admin changes them.
func DefaultSettings() Settings {
	return Settings{
		Name:         "Commonplace hub",
		Description:  "Events, guides and case studies from our community.",
		TimeZone:     "Europe/London",
		Language:     "en-GB",
		AccentColour: "#1d6b57",
		Handle:       "hub",
		Discoverable: true,
		Indexable:    true,

		AnswersNetworkSearch: true,
		EmbedOrigins:         []string{AnyOrigin},
	}
}

// Validate checks settings.
func (s *Settings) Validate() error {
	f := fieldErrors{}
	s.Name = strings.TrimSpace(s.Name)
	checkText(f, "name", "Hub name", s.Name, true, 100)
	checkText(f, "description", "Description", s.Description, false, MaxSummary)
	if _, err := time.LoadLocation(s.TimeZone); s.TimeZone == "" || s.TimeZone == "Local" || err != nil {
		f.add("timezone", "Choose a time zone such as Europe/London.")
	}
	if s.Language == "" {
		s.Language = "en"
	}
	if len(s.Language) > 20 {
		f.add("language", "Use a language code such as en-GB.")
	}
	if !IsHexColour(s.AccentColour) {
		f.add("accent_colour", "Use a colour in the form #1d6b57.")
	}
	s.Handle = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s.Handle), "@"))
	if !IsHandle(s.Handle) {
		f.add("handle", "Use 1 to 30 letters, digits or underscores, for example hulme_hub.")
	}
	s.Area.validate(f)
	s.EmbedOrigins = checkEmbedOrigins(f, s.EmbedOrigins)
	return f.err("settings")
}

// IsHandle reports whether s can be the hub's fediverse user name: 1 to 30
// lower-case letters, digits or underscores, as Mastodon accepts.
func IsHandle(s string) bool {
	if len(s) == 0 || len(s) > 30 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// IsHexColour reports whether s is a colour in the form #rrggbb.
func IsHexColour(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// SettingsStore keeps settings and the logo.
type SettingsStore interface {
	// FindSettings returns the stored settings, or DefaultSettings when none are stored.
	FindSettings(ctx context.Context) (Settings, error)
	UpdateSettings(ctx context.Context, s Settings) error
	// FindLogo returns the logo bytes and MIME type, or ENOTFOUND.
	FindLogo(ctx context.Context) ([]byte, string, error)
	// UpdateLogo stores the logo; nil data removes it.
	UpdateLogo(ctx context.Context, data []byte, mimeType string) error
}
