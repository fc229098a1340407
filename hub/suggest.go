package hub

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// The rules that keep spam out of suggestions, without a third-party
// captcha: a signed, time-stamped form token that must come back no sooner
// than SuggestMinTime and be used once, an empty honeypot field, a limit
// per client and hour, and a limit on links.
const (
	SuggestMinTime       = 2 * time.Second
	SuggestTokenLifetime = 24 * time.Hour
	SuggestPerHour       = 5
	SuggestMaxLinks      = 3
	// SuggestionEmailDays is how long a suggester's email is kept at
	// most; deciding the suggestion removes it sooner.
	SuggestionEmailDays = 30
)

// SuggestionForm is what a reader sends from the suggestion form.
type SuggestionForm struct {
	Suggestion
	Token    string // as NewSuggestToken made it
	Honeypot string // a field people leave empty
	// ClientKey names the sender for the hourly limit: an IPv4 address,
	// or the /64 of an IPv6 one. Only a keyed hash of it is stored.
	ClientKey string
}

// NewSuggestToken returns a fresh token for the suggestion form: a random
// id and the time now, signed with the hub's key.
func (s *Service) NewSuggestToken(ctx context.Context) (string, error) {
	key, err := s.formSecret(ctx)
	if err != nil {
		return "", err
	}
	payload := make([]byte, 24)
	if _, err := rand.Read(payload[:16]); err != nil {
		return "", Internal(err, "making a form token")
	}
	binary.BigEndian.PutUint64(payload[16:], uint64(s.Now().Unix()))
	return signToken(key, payload), nil
}

func signToken(key, payload []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("commonplace suggest\x00"))
	m.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(m.Sum(nil))
}

func (s *Service) formSecret(ctx context.Context) ([]byte, error) {
	if s.Queue == nil {
		return nil, Errorf(ENOTFOUND, "Suggestions are not open on this hub.")
	}
	return s.Queue.FormSecret(ctx)
}

// checkToken returns the token's id and when it was made; EINVALID when it
// is not one of ours, has expired, or comes back too soon.
func (s *Service) checkToken(ctx context.Context, token string) (string, time.Time, error) {
	key, err := s.formSecret(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	refused := Errorf(EINVALID, "This form could not be checked (it may have expired). Please send it again.")
	p, _, ok := strings.Cut(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if !ok || err != nil || len(payload) != 24 || !hmac.Equal([]byte(signToken(key, payload)), []byte(token)) {
		return "", time.Time{}, refused
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[16:])), 0)
	age := s.Now().Sub(issued)
	switch {
	case age < SuggestMinTime:
		return "", time.Time{}, Errorf(EINVALID, "That was sent too quickly to be a person. Please wait a moment and send it again.")
	case age > SuggestTokenLifetime:
		return "", time.Time{}, refused
	}
	return hex.EncodeToString(payload[:16]), issued, nil
}

// links finds web addresses in text.
var links = regexp.MustCompile(`(?i)(https?://|www\.)`)

// SuggestEvent stores a reader's suggestion for organisers to look at;
// no login needed. It refuses (EINVALID, or ETOOMANY over the hourly
// limit, with a message saying why) what looks like spam: a forged,
// expired or reused token, one sent back too soon, a filled honeypot, more
// than SuggestMaxLinks links. Nothing is published.
func (s *Service) SuggestEvent(ctx context.Context, f SuggestionForm) (*Suggestion, error) {
	tokenID, issued, err := s.checkToken(ctx, f.Token)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(f.Honeypot) != "" {
		return nil, Errorf(EINVALID, "The field that should stay empty was filled in, so the form looks automated. Please leave it empty and send again.")
	}
	sg := f.Suggestion
	if err := sg.Validate(); err != nil {
		return nil, err
	}
	key, err := s.formSecret(ctx)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("commonplace client\x00" + f.ClientKey))
	sg.Client = hex.EncodeToString(m.Sum(nil)[:16])
	n, err := s.Queue.CountSuggestionsFrom(ctx, sg.Client, s.Now().Add(-time.Hour))
	if err != nil {
		return nil, err
	}
	if n >= SuggestPerHour {
		return nil, Errorf(ETOOMANY, "Too many suggestions have come from your connection in the last hour. Please try again later.")
	}
	sg.ID, sg.State, sg.EventID, sg.DecidedBy, sg.DecidedAt, sg.CreatedAt = 0, SuggestionPending, 0, "", nil, s.Now()
	if err := s.Queue.CreateSuggestion(ctx, &sg, tokenID, issued.Add(SuggestTokenLifetime)); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, Errorf(EINVALID, "This form was already sent. To suggest another event, fill in the form again.")
		}
		return nil, err
	}
	s.Logger.Info("event suggested", slog.Group("suggestion", "id", sg.ID))
	return &sg, nil
}

// Validate checks a suggestion as an event would be checked, plus the
// suggester's name and email, a place or an online link, and the links.
func (sg *Suggestion) Validate() error {
	f := fieldErrors{}
	e := &Event{Title: sg.Title, Description: sg.Description, TimeZone: sg.TimeZone, Start: sg.Start, End: sg.End, OnlineURL: sg.OnlineURL}
	if err := e.Validate(); err != nil {
		for k, v := range fieldTexts(err) {
			f.addf(k, v.Format, v.Args...)
		}
	} else {
		sg.Title, sg.Start, sg.End, sg.OnlineURL = e.Title, e.Start, e.End, e.OnlineURL
	}
	sg.Place, sg.Name, sg.Email = strings.TrimSpace(sg.Place), strings.TrimSpace(sg.Name), strings.TrimSpace(sg.Email)
	checkText(f, "place", "Place", sg.Place, false, MaxShort)
	if sg.Place == "" && strings.TrimSpace(sg.OnlineURL) == "" {
		f.add("place", "Say where it happens, or give the online link.")
	}
	checkText(f, "name", "Your name", sg.Name, true, MaxTitle)
	if a, err := mail.ParseAddress(sg.Email); sg.Email == "" || err != nil || a.Address != sg.Email || len(sg.Email) > MaxShort {
		f.add("email", "Enter your email address, such as name@example.org, so that an organiser can reply.")
	}
	if n := len(links.FindAllString(sg.Description, -1)); n > SuggestMaxLinks {
		f.addf("description", "Use at most %d links in the description (it has %d).", SuggestMaxLinks, n)
	}
	return f.err("suggestion")
}

// ---- organisers' side ----

// Suggestions lists suggestions in state ("" for all); editors and admins.
func (s *Service) Suggestions(ctx context.Context, state string) ([]*Suggestion, error) {
	if err := s.requireQueue(ctx); err != nil {
		return nil, err
	}
	return s.Queue.ListSuggestions(ctx, state)
}

// Suggestion returns one suggestion; editors and admins.
func (s *Service) Suggestion(ctx context.Context, id int64) (*Suggestion, error) {
	if err := s.requireQueue(ctx); err != nil {
		return nil, err
	}
	return s.Queue.FindSuggestion(ctx, id)
}

func (s *Service) requireQueue(ctx context.Context) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	if s.Queue == nil {
		return Errorf(ENOTFOUND, "This hub has no moderation queue.")
	}
	return nil
}

// pendingSuggestion returns a suggestion still waiting; ECONFLICT when
// it was decided already.
func (s *Service) pendingSuggestion(ctx context.Context, id int64) (*Suggestion, error) {
	sg, err := s.Suggestion(ctx, id)
	if err != nil {
		return nil, err
	}
	if sg.State != SuggestionPending {
		return nil, Errorf(ECONFLICT, "This suggestion was already decided.")
	}
	return sg, nil
}

// ApproveSuggestion publishes e (the suggestion as the organiser edited
// it) as an ordinary event and marks the suggestion approved, which
// removes the suggester's email; editors and admins.
func (s *Service) ApproveSuggestion(ctx context.Context, id int64, e *Event) error {
	if _, err := s.pendingSuggestion(ctx, id); err != nil {
		return err
	}
	err := s.Batch(ctx, func(ctx context.Context) error {
		if err := s.CreateEvent(ctx, e); err != nil {
			return err
		}
		return s.Queue.DecideSuggestion(ctx, id, SuggestionApproved, e.ID, actorName(ctx), s.Now())
	})
	if err != nil {
		return err
	}
	s.Logger.Info("suggestion approved", slog.Group("suggestion", "id", id), slog.Group("event", "id", e.ID), "by", actorName(ctx))
	return nil
}

// RejectSuggestion turns a suggestion down, removing the suggester's
// email; editors and admins.
func (s *Service) RejectSuggestion(ctx context.Context, id int64) error {
	if _, err := s.pendingSuggestion(ctx, id); err != nil {
		return err
	}
	if err := s.Queue.DecideSuggestion(ctx, id, SuggestionRejected, 0, actorName(ctx), s.Now()); err != nil {
		return err
	}
	s.Logger.Info("suggestion rejected", slog.Group("suggestion", "id", id), "by", actorName(ctx))
	return nil
}

// Event is the event a suggestion would become: what the
// organiser's event form starts from when approving it.
func (sg *Suggestion) Event() *Event {
	e := &Event{Title: sg.Title, Description: sg.Description, TimeZone: sg.TimeZone, Start: sg.Start, End: sg.End, OnlineURL: sg.OnlineURL}
	if sg.Place != "" {
		e.Place = &Place{Name: sg.Place}
	}
	return e
}

// PurgeQueue removes the emails of suggestions older than
// SuggestionEmailDays and forgets expired form tokens. serve runs it
// periodically; it needs no organiser.
func (s *Service) PurgeQueue(ctx context.Context) (int, error) {
	if s.Queue == nil {
		return 0, nil
	}
	now := s.Now()
	n, err := s.Queue.PurgeQueue(ctx, now.AddDate(0, 0, -SuggestionEmailDays), now)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		s.Logger.Info("suggesters' emails removed", "count", n)
	}
	return n, nil
}

// QueueCounts counts what waits for organisers, pictures that need a
// description included; editors and admins.
func (s *Service) QueueCounts(ctx context.Context) (QueueCounts, error) {
	if err := s.requireQueue(ctx); err != nil {
		return QueueCounts{}, err
	}
	c, err := s.Queue.QueueCounts(ctx)
	if err != nil {
		return c, err
	}
	pics, err := s.PicturesWithoutAlt(ctx)
	if err != nil {
		return c, err
	}
	c.Pictures = len(pics)
	if s.Commons != nil {
		c.Comments, err = s.Commons.CountHeldComments(ctx)
	}
	return c, err
}
