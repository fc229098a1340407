package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
)

// Stores bundles the storage adapters the Service needs.
type Stores struct {
	Events      EventStore
	Places      PlaceStore
	Tags        TagStore
	Guides      GuideStore
	CaseStudies CaseStudyStore
	Organisers  OrganiserStore
	Sessions    SessionStore
	Tokens      TokenStore
	Settings    SettingsStore
	// Commons holds what the hub mirrors from its peers and the comments
	// on its own items; nil leaves the commons empty.
	Commons CommonsStore
	// Searcher searches local and commons items; nil: no search.
	Searcher SearchStore
	// Pictures keeps the pictures of items, places and the hub; nil: the
	// hub keeps none.
	Pictures PictureStore
	// Batcher saves many changes as one unit (Service.Batch); nil: each
	// change is saved by itself.
	Batcher Batcher
	// Queue keeps suggestions and reports (queue.go); nil: no queue.
	Queue QueueStore
	// NetworkCounts counts what the commons holds from each peer, for
	// the network page; nil: no counts.
	NetworkCounts NetworkStore
	// Adapted reads peers' adaptations of the hub's guides and case
	// studies, and finds commons items named as originals (adapted.go);
	// nil: none are shown.
	Adapted AdaptationStore
}

// Batcher runs fn so that every change the stores make through the
// context it is given is saved together when fn returns nil, and none is
// when fn fails. A change that fails inside fn is undone by itself and
// its error returned, so fn can go on with the next. Storage implements
// it with one SQLite transaction: a calendar import of thousands of
// events then costs tens of commits, not thousands.
type Batcher interface {
	Batch(ctx context.Context, fn func(ctx context.Context) error) error
}

// Service is the hub's application service: every front end calls it, and
// it enforces validation and roles. Methods that change anything need an
// organiser on the context (WithOrganiser); reads of public content do not.
type Service struct {
	Reader
	Now    Clock
	Logger *slog.Logger
	// SessionLifetime is how long a login lasts.
	SessionLifetime time.Duration
	// PasswordParams tune argon2id; tests may lower them.
	PasswordParams *argon2id.Params
	// PictureBudget is the most disk space, in bytes, that the hub's
	// pictures may take together (DefaultPictureBudget unless
	// WithPictureBudget says otherwise); 0 for no limit.
	PictureBudget int64

	notifier  ChangeNotifier // hears of every stored change; may be nil
	fed       Federation     // the hub's fediverse presence; may be nil
	network   NetworkSource  // the network graph (WithNetwork); may be nil
	languages Languages      // what the hub can be shown in; nil: any well-formed tag
}

// Languages are the languages the hub's interface ships in (package
// locales' Catalog).
type Languages interface {
	// Supported returns the shipped language a tag such as "en-GB" is
	// answered in, and false when there is none.
	Supported(tag string) (string, bool)
	// Tags lists the shipped languages.
	Tags() []string
}

// WithLanguages has settings refuse a language the hub does not ship.
func WithLanguages(l Languages) Option { return func(s *Service) { s.languages = l } }

// Reader reads what the hub publishes: its settings, events, guides and
// case studies. A Service is one; federation, which serves and publishes
// them, is given one of its own, so that it exists before the Service that
// tells it of changes (WithNotifier).
type Reader struct {
	Stores
}

// NewReader returns a Reader over the given stores.
func NewReader(s Stores) Reader { return Reader{s} }

// Option configures a Service when it is made.
type Option func(*Service)

// WithNotifier has n hear of every stored change to events, guides and case
// studies (federation uses it to tell followers).
func WithNotifier(n ChangeNotifier) Option { return func(s *Service) { s.notifier = n } }

// WithFederation gives the organiser pages the hub's fediverse presence:
// followers, peers, the commons and moderation. Without it those answer
// ENOTFOUND ("Federation is not running on this hub."). A Federation that
// is also a NetworkSource gives the network page its graph (WithNetwork).
func WithFederation(f Federation) Option {
	return func(s *Service) {
		s.fed = f
		if n, ok := f.(NetworkSource); ok && s.network == nil {
			s.network = n
		}
	}
}

// NewService returns a Service over the given stores.
func NewService(s Stores, logger *slog.Logger, opts ...Option) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	svc := &Service{
		Reader:          NewReader(s),
		Now:             time.Now,
		Logger:          logger,
		SessionLifetime: 14 * 24 * time.Hour,
		// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
		PasswordParams: &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		PictureBudget:  DefaultPictureBudget,
	}
	for _, o := range opts {
		o(svc)
	}
	return svc
}

type ctxKey int

const organiserKey ctxKey = 1

// WithOrganiser returns a context acting as the organiser.
func WithOrganiser(ctx context.Context, o *Organiser) context.Context {
	return context.WithValue(ctx, organiserKey, o)
}

// OrganiserFrom returns the organiser acting in ctx, or nil.
func OrganiserFrom(ctx context.Context) *Organiser {
	o, _ := ctx.Value(organiserKey).(*Organiser)
	return o
}

// HostContext returns a context acting as the host running the command line,
// who may do everything an admin can.
func HostContext(ctx context.Context) context.Context {
	return WithOrganiser(ctx, &Organiser{Name: "Host (command line)", Role: RoleAdmin})
}

func requireEditor(ctx context.Context) error {
	o := OrganiserFrom(ctx)
	if o == nil {
		return Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	if o.Role != RoleAdmin && o.Role != RoleEditor {
		return Errorf(EFORBIDDEN, "Your role does not allow changing content.")
	}
	return nil
}

// requireValidEdit checks that an editor is acting (requireEditor) and
// that what they send is valid.
func requireValidEdit(ctx context.Context, v interface{ Validate() error }) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	return v.Validate()
}

// editExisting checks that an editor is acting, finds the stored version
// of what they edit (by its id), and checks that the new one, v, is
// valid; it returns the stored one.
func editExisting[T any](ctx context.Context, find func(context.Context, int64) (T, error), id int64, v interface{ Validate() error }) (T, error) {
	var zero T
	if err := requireEditor(ctx); err != nil {
		return zero, err
	}
	old, err := find(ctx, id)
	if err != nil {
		return zero, err
	}
	return old, v.Validate()
}

func requireAdmin(ctx context.Context) error {
	o := OrganiserFrom(ctx)
	if o == nil {
		return Errorf(EUNAUTHORIZED, "Please log in first.")
	}
	if !o.IsAdmin() {
		return Errorf(EFORBIDDEN, "Only admins can do this. Ask an admin of this hub.")
	}
	return nil
}

// ---- events ----

// Event returns an event by ID.
func (s Reader) Event(ctx context.Context, id int64) (*Event, error) {
	return s.Events.FindEventByID(ctx, id)
}

// EventBySlug returns an event by its URL slug.
func (s Reader) EventBySlug(ctx context.Context, slug string) (*Event, error) {
	return s.Events.FindEventBySlug(ctx, slug)
}

// ListEvents returns events (not occurrences) matching f, and the total.
func (s Reader) ListEvents(ctx context.Context, f EventFilter) ([]*Event, int, error) {
	return s.Events.FindEvents(ctx, f)
}

// Occurrences expands the events matching f into occurrences overlapping
// [f.From, f.To), in start order.
func (s *Service) Occurrences(ctx context.Context, f OccurrenceFilter) ([]Occurrence, error) {
	if f.Limit <= 0 {
		f.Limit = 500
	}
	if f.To.IsZero() {
		f.To = f.From.AddDate(1, 0, 0)
	}
	events, _, err := s.Events.FindEvents(ctx, EventFilter{From: f.From, To: f.To, Tag: f.Tag, PlaceID: f.PlaceID})
	if err != nil {
		return nil, err
	}
	var out []Occurrence
	for _, e := range events {
		if f.Organiser != "" && !strings.EqualFold(strings.TrimSpace(e.Organiser), strings.TrimSpace(f.Organiser)) {
			continue
		}
		out = append(out, e.Occurrences(f.From, f.To, f.Limit)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// prepareEventPlace creates the event's new place, if it names one.
func (s *Service) prepareEventPlace(ctx context.Context, e *Event) error {
	if e.PlaceID != 0 {
		return s.checkPlaceRef(ctx, e.PlaceID)
	}
	if e.Place != nil && e.Place.ID == 0 && e.Place.Name != "" {
		p := *e.Place
		p.Slug = Slugify(p.Name)
		if err := s.Places.CreatePlace(ctx, &p); err != nil {
			return err
		}
		e.Place, e.PlaceID = &p, p.ID
	}
	return nil
}

// CreateEvent validates and stores a new event; a new Place given inline is
// created with it.
func (s *Service) CreateEvent(ctx context.Context, e *Event) error {
	if err := requireValidEdit(ctx, e); err != nil {
		return err
	}
	if err := s.prepareEventPlace(ctx, e); err != nil {
		return err
	}
	e.Slug = Slugify(e.Title)
	if reservedEventSlugs[e.Slug] {
		e.Slug += "-event" // /events/calendar is the month grid
	}
	if err := s.Events.CreateEvent(ctx, e); err != nil {
		return err
	}
	s.itemChanged(ctx, KindEvent, e.ID, OpCreate, "slug", e.Slug)
	return nil
}

// UpdateEvent validates and saves an existing event.
func (s *Service) UpdateEvent(ctx context.Context, e *Event) error {
	old, err := editExisting(ctx, s.Events.FindEventByID, e.ID, e)
	if err != nil {
		return err
	}
	if err := s.prepareEventPlace(ctx, e); err != nil {
		return err
	}
	e.Slug, e.CreatedAt = old.Slug, old.CreatedAt
	e.SourceFeedID, e.SourceUID, e.SourceOccurrence = old.SourceFeedID, old.SourceUID, old.SourceOccurrence
	if err := s.Events.UpdateEvent(ctx, e); err != nil {
		return err
	}
	s.itemChanged(ctx, KindEvent, e.ID, OpUpdate, "slug", e.Slug)
	return nil
}

// DeleteEvent removes an event.
func (s *Service) DeleteEvent(ctx context.Context, id int64) error {
	return s.deleteItem(ctx, KindEvent, id, s.Events.DeleteEvent)
}

// deleteItem removes the item id of kind with del, for an editor, and
// tells followers and the log ("case study deleted", group case_study).
func (s *Service) deleteItem(ctx context.Context, kind Kind, id int64, del func(context.Context, int64) error) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	if err := del(ctx, id); err != nil {
		return err
	}
	s.itemChanged(ctx, kind, id, OpDelete)
	return nil
}

// opDone says in the log what each operation did to an item.
var opDone = map[string]string{OpCreate: "created", OpUpdate: "updated", OpDelete: "deleted"}

// itemChanged tells followers and the log that the item id of kind was
// created, updated or deleted (op): "case study created", with the id and
// attrs grouped under case_study.
func (s *Service) itemChanged(ctx context.Context, kind Kind, id int64, op string, attrs ...any) {
	noun := kind.Info().Noun
	s.changed(ctx, Change{Kind: kind, ID: id, Op: op}, noun+" "+opDone[op], slog.Group(strings.ReplaceAll(noun, " ", "_"), append([]any{"id", id}, attrs...)...))
}

// ---- places and tags ----

// Place returns a place by ID.
func (s *Service) Place(ctx context.Context, id int64) (*Place, error) {
	return s.Places.FindPlaceByID(ctx, id)
}

// PlaceBySlug returns a place by slug.
func (s *Service) PlaceBySlug(ctx context.Context, slug string) (*Place, error) {
	return s.Places.FindPlaceBySlug(ctx, slug)
}

// ListPlaces returns every place by name.
func (s *Service) ListPlaces(ctx context.Context) ([]*Place, error) {
	return s.Places.FindPlaces(ctx)
}

// CreatePlace validates and stores a place.
func (s *Service) CreatePlace(ctx context.Context, p *Place) error {
	if err := requireValidEdit(ctx, p); err != nil {
		return err
	}
	p.Slug = Slugify(p.Name)
	return s.Places.CreatePlace(ctx, p)
}

// UpdatePlace validates and saves a place.
func (s *Service) UpdatePlace(ctx context.Context, p *Place) error {
	old, err := editExisting(ctx, s.Places.FindPlaceByID, p.ID, p)
	if err != nil {
		return err
	}
	p.Slug, p.CreatedAt = old.Slug, old.CreatedAt
	return s.Places.UpdatePlace(ctx, p)
}

// DeletePlace removes a place no content refers to.
func (s *Service) DeletePlace(ctx context.Context, id int64) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	return s.Places.DeletePlace(ctx, id)
}

// TagBySlug returns a tag.
func (s *Service) TagBySlug(ctx context.Context, slug string) (*Tag, error) {
	return s.Tags.FindTagBySlug(ctx, slug)
}

// ListTags returns every tag with its use count.
func (s *Service) ListTags(ctx context.Context) ([]*Tag, error) {
	return s.Tags.FindTags(ctx)
}

// CreateTag validates and stores a new topic, before any content uses it;
// its slug comes from its name, as when content first uses it (Slugify).
// ECONFLICT when a topic with that slug
// exists ("Food" and "food!" are one topic).
func (s *Service) CreateTag(ctx context.Context, t *Tag) error {
	if err := requireValidEdit(ctx, t); err != nil {
		return err
	}
	t.Slug, t.Uses = Slugify(t.Name), 0
	return s.Tags.CreateTag(ctx, t)
}

// UpdateTag renames or describes a tag.
func (s *Service) UpdateTag(ctx context.Context, t *Tag) error {
	if err := requireValidEdit(ctx, t); err != nil {
		return err
	}
	return s.Tags.UpdateTag(ctx, t)
}

// DeleteTag removes a tag from all content.
func (s *Service) DeleteTag(ctx context.Context, id int64) error {
	if err := requireEditor(ctx); err != nil {
		return err
	}
	return s.Tags.DeleteTag(ctx, id)
}

// ---- guides ----

// Guide returns a guide by ID.
func (s Reader) Guide(ctx context.Context, id int64) (*Guide, error) {
	return s.Guides.FindGuideByID(ctx, id)
}

// GuideBySlug returns a guide by slug.
func (s Reader) GuideBySlug(ctx context.Context, slug string) (*Guide, error) {
	return s.Guides.FindGuideBySlug(ctx, slug)
}

// ListGuides returns guides newest first, and the total.
func (s Reader) ListGuides(ctx context.Context, f GuideFilter) ([]*Guide, int, error) {
	return s.Guides.FindGuides(ctx, f)
}

func revisionOf(ctx context.Context, g *Guide, note string) *GuideRevision {
	return &GuideRevision{Title: g.Title, Summary: g.Summary, Body: g.Body, Tags: g.Tags, Author: actorName(ctx), Note: note}
}

// CreateGuide validates and stores a guide as its first revision.
func (s *Service) CreateGuide(ctx context.Context, g *Guide) error {
	if err := requireValidEdit(ctx, g); err != nil {
		return err
	}
	var err error
	if g.AdaptedFrom, err = s.resolveAdaptedFrom(ctx, "guide", g.AdaptedFrom, nil); err != nil {
		return err
	}
	g.Slug = Slugify(g.Title)
	if err := s.Guides.CreateGuide(ctx, g, revisionOf(ctx, g, "Created")); err != nil {
		return err
	}
	s.itemChanged(ctx, KindGuide, g.ID, OpCreate, "slug", g.Slug)
	return nil
}

// UpdateGuide saves a guide as a new revision.
func (s *Service) UpdateGuide(ctx context.Context, g *Guide) error {
	return s.updateGuide(ctx, g, "")
}

// UpdateGuideWithNote saves a guide as a new revision with the editor's
// note on what changed.
func (s *Service) UpdateGuideWithNote(ctx context.Context, g *Guide, note string) error {
	if len(note) > MaxShort {
		return &Error{Code: EINVALID, Message: "Please correct the guide.", Fields: map[string]string{"note": "Keep the note under 500 characters."}}
	}
	return s.updateGuide(ctx, g, strings.TrimSpace(note))
}

func (s *Service) updateGuide(ctx context.Context, g *Guide, note string) error {
	old, err := editExisting(ctx, s.Guides.FindGuideByID, g.ID, g)
	if err != nil {
		return err
	}
	if g.AdaptedFrom, err = s.resolveAdaptedFrom(ctx, "guide", g.AdaptedFrom, old.AdaptedFrom); err != nil {
		return err
	}
	g.Slug, g.CreatedAt = old.Slug, old.CreatedAt
	if err := s.Guides.UpdateGuide(ctx, g, revisionOf(ctx, g, note)); err != nil {
		return err
	}
	s.itemChanged(ctx, KindGuide, g.ID, OpUpdate, "revision", g.Revision)
	return nil
}

// DeleteGuide removes a guide and its revisions.
func (s *Service) DeleteGuide(ctx context.Context, id int64) error {
	return s.deleteItem(ctx, KindGuide, id, s.Guides.DeleteGuide)
}

// GuideRevisions lists a guide's revisions, newest first.
func (s *Service) GuideRevisions(ctx context.Context, guideID int64) ([]*GuideRevision, error) {
	if _, err := s.Guides.FindGuideByID(ctx, guideID); err != nil {
		return nil, err
	}
	return s.Guides.FindGuideRevisions(ctx, guideID)
}

// GuideRevision returns one revision of a guide.
func (s *Service) GuideRevision(ctx context.Context, guideID int64, number int) (*GuideRevision, error) {
	return s.Guides.FindGuideRevision(ctx, guideID, number)
}

// RestoreGuideRevision makes an old revision current again, as a new
// revision, so nothing is lost.
func (s *Service) RestoreGuideRevision(ctx context.Context, guideID int64, number int) (*Guide, error) {
	if err := requireEditor(ctx); err != nil {
		return nil, err
	}
	rev, err := s.Guides.FindGuideRevision(ctx, guideID, number)
	if err != nil {
		return nil, err
	}
	g, err := s.Guides.FindGuideByID(ctx, guideID)
	if err != nil {
		return nil, err
	}
	g.Title, g.Summary, g.Body, g.Tags = rev.Title, rev.Summary, rev.Body, rev.Tags
	if err := s.updateGuide(ctx, g, "Restored from revision "+itoa(number)); err != nil {
		return nil, err
	}
	return g, nil
}

// ---- case studies ----

// CaseStudy returns a case study by ID.
func (s Reader) CaseStudy(ctx context.Context, id int64) (*CaseStudy, error) {
	return s.CaseStudies.FindCaseStudyByID(ctx, id)
}

// CaseStudyBySlug returns a case study by slug.
func (s Reader) CaseStudyBySlug(ctx context.Context, slug string) (*CaseStudy, error) {
	return s.CaseStudies.FindCaseStudyBySlug(ctx, slug)
}

// ListCaseStudies returns case studies newest first, and the total.
func (s Reader) ListCaseStudies(ctx context.Context, f CaseStudyFilter) ([]*CaseStudy, int, error) {
	return s.CaseStudies.FindCaseStudies(ctx, f)
}

func (s *Service) checkPlaceRef(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	if _, err := s.Places.FindPlaceByID(ctx, id); err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return &Error{Code: EINVALID, Message: "The chosen place no longer exists.", Fields: map[string]string{"place_id": "Choose another place."}}
		}
		return err
	}
	return nil
}

// CreateCaseStudy validates and stores a case study.
func (s *Service) CreateCaseStudy(ctx context.Context, c *CaseStudy) error {
	if err := requireValidEdit(ctx, c); err != nil {
		return err
	}
	if err := s.checkPlaceRef(ctx, c.PlaceID); err != nil {
		return err
	}
	var err error
	if c.AdaptedFrom, err = s.resolveAdaptedFrom(ctx, "case study", c.AdaptedFrom, nil); err != nil {
		return err
	}
	c.Slug = Slugify(c.Title)
	if err := s.CaseStudies.CreateCaseStudy(ctx, c); err != nil {
		return err
	}
	s.itemChanged(ctx, KindCaseStudy, c.ID, OpCreate, "slug", c.Slug)
	return nil
}

// UpdateCaseStudy validates and saves a case study.
func (s *Service) UpdateCaseStudy(ctx context.Context, c *CaseStudy) error {
	old, err := editExisting(ctx, s.CaseStudies.FindCaseStudyByID, c.ID, c)
	if err != nil {
		return err
	}
	if err := s.checkPlaceRef(ctx, c.PlaceID); err != nil {
		return err
	}
	if c.AdaptedFrom, err = s.resolveAdaptedFrom(ctx, "case study", c.AdaptedFrom, old.AdaptedFrom); err != nil {
		return err
	}
	c.Slug, c.CreatedAt = old.Slug, old.CreatedAt
	if err := s.CaseStudies.UpdateCaseStudy(ctx, c); err != nil {
		return err
	}
	s.itemChanged(ctx, KindCaseStudy, c.ID, OpUpdate, "slug", c.Slug)
	return nil
}

// DeleteCaseStudy removes a case study.
func (s *Service) DeleteCaseStudy(ctx context.Context, id int64) error {
	return s.deleteItem(ctx, KindCaseStudy, id, s.CaseStudies.DeleteCaseStudy)
}

// ---- settings ----

// Settings returns the hub's settings.
func (s Reader) Settings(ctx context.Context) (Settings, error) {
	return s.Stores.Settings.FindSettings(ctx)
}

// UpdateSettings validates and saves settings; admins only.
func (s *Service) UpdateSettings(ctx context.Context, st Settings) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	if err := s.checkLanguage(st.Language); err != nil {
		return err
	}
	return s.Stores.Settings.UpdateSettings(ctx, st)
}

// Logo returns the hub's logo: the one uploaded, else one generated from
// the hub's name and accent colour (GeneratedLogo), so there always is one.
func (s Reader) Logo(ctx context.Context) (*Logo, error) {
	if l, err := s.logoPicture(ctx); l != nil || err != nil {
		return l, err
	}
	data, mime, err := s.Stores.Settings.FindLogo(ctx) // kept by a store without pictures
	if err == nil {
		sum := sha256.Sum256(data)
		return &Logo{Data: data, MIME: mime, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
	}
	if ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	st, err := s.Stores.Settings.FindSettings(ctx)
	if err != nil {
		return nil, err
	}
	return GeneratedLogo(st.Name, st.AccentColour)
}

// MaxLogoSize is the largest logo accepted, in bytes.
const MaxLogoSize = 512 << 10

// UpdateLogo stores a PNG, JPEG, GIF or WebP logo; nil removes it. Admins
// only. The logo is processed as every picture is (ProcessPicture: turned
// upright, no metadata kept) and kept among the pictures (owner OwnerLogo;
// saveLogoPicture); its small derivative, at most SmallEdge pixels across,
// is what /logo serves. mimeType is no longer trusted.
func (s *Service) UpdateLogo(ctx context.Context, data []byte, mimeType string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	if data != nil {
		if len(data) > MaxLogoSize {
			return &Error{Code: EINVALID, Message: "The logo is too large.", Fields: map[string]string{"logo": "Use an image under 512 KB."}}
		}
		p, err := ProcessPicture(data)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Code == EINVALID {
				return &Error{Code: EINVALID, Message: "The logo must be an image.", Fields: map[string]string{"logo": e.Message},
					FieldTexts: map[string]Text{"logo": {Format: e.Format, Args: e.Args}}}
			}
			return err
		}
		if s.Pictures != nil {
			return s.saveLogoPicture(ctx, p)
		}
		data, mimeType = p.Small, p.MIME
	} else if s.Pictures != nil {
		return s.removeLogoPicture(ctx)
	}
	return s.Stores.Settings.UpdateLogo(ctx, data, mimeType)
}

// ---- helpers ----

func actorName(ctx context.Context) string {
	if o := OrganiserFrom(ctx); o != nil {
		if o.Name != "" {
			return o.Name
		}
		return o.Email
	}
	return ""
}

// randomToken returns n random bytes, URL-safe base64 encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a session or API token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// checkLanguage refuses a hub language the interface does not ship.
func (s *Service) checkLanguage(tag string) error {
	if s.languages == nil {
		return nil
	}
	if _, ok := s.languages.Supported(tag); ok {
		return nil
	}
	f := fieldErrors{}
	f.addf("language", "The hub cannot be shown in %q. Choose one of: %s.", tag, strings.Join(s.languages.Tags(), ", "))
	return f.err("settings")
}
