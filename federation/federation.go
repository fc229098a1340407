package federation

import (
	"context"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// Content is what federation reads of the hub. *hub.Service implements it.
type Content interface {
	Settings(ctx context.Context) (hub.Settings, error)
	Event(ctx context.Context, id int64) (*hub.Event, error)
	EventBySlug(ctx context.Context, slug string) (*hub.Event, error)
	ListEvents(ctx context.Context, f hub.EventFilter) ([]*hub.Event, int, error)
	Guide(ctx context.Context, id int64) (*hub.Guide, error)
	GuideBySlug(ctx context.Context, slug string) (*hub.Guide, error)
	ListGuides(ctx context.Context, f hub.GuideFilter) ([]*hub.Guide, int, error)
	CaseStudy(ctx context.Context, id int64) (*hub.CaseStudy, error)
	CaseStudyBySlug(ctx context.Context, slug string) (*hub.CaseStudy, error)
	ListCaseStudies(ctx context.Context, f hub.CaseStudyFilter) ([]*hub.CaseStudy, int, error)
}

// Config configures a Federation.
type Config struct {
	Content Content
	Store   hub.FederationStore
	// Commons keeps what the hub mirrors from peers, comments, re-shares
	// and moderation. Nil: the hub follows nobody and keeps no comments.
	Commons hub.FederationCommonsStore
	// BaseURL is the hub's public URL; every IRI the hub mints starts with it.
	BaseURL *url.URL
	Logger  *slog.Logger
	// Client makes remote fetches and deliveries. Nil means
	// NewHTTPClient(AllowPrivate, ...).
	Client *http.Client
	// AllowPrivate lets the hub fetch from and deliver to private and
	// loopback addresses: for development and tests only.
	AllowPrivate bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Workers is how many deliveries run at once (default 16).
	Workers int
	// PerHost is how many of them may go to one server at once (default
	// a quarter of Workers, at least 2).
	PerHost int
	// Window is how far ahead an event series' occurrences, and imported
	// events, are published (default 14 days).
	Window time.Duration
	// Version is the software version for NodeInfo and the User-Agent.
	Version string
}

// Federation is the hub's ActivityPub presence: it serves the actor and
// collections, takes deliveries to its inbox, and sends activities to
// followers through the persistent queue. It implements hub.ChangeNotifier
// and hub.Federation.
type Federation struct {
	content      Content
	store        hub.FederationStore
	commons      hub.FederationCommonsStore
	allowPrivate bool
	base         *url.URL
	baseStr      string
	log          *slog.Logger
	client       *http.Client
	signer       *Signer
	now          func() time.Time
	workers      int
	perHost      int
	window       time.Duration
	version      string
	userAgent    string

	wake         chan struct{} // nudges the delivery loop
	backfillWake chan struct{} // nudges the backfill loop

	policyMu    sync.Mutex
	policyCache *policySnapshot
	// policyGen counts policy changes (forgetPolicy), so that a policy
	// read from the database before a change is not cached after it.
	policyGen uint64

	cacheMu         sync.Mutex
	cache           map[string]cached // rendered actor, WebFinger and NodeInfo documents
	settingsCache   hub.Settings
	settingsExpires time.Time

	// refetches throttles key refetches after failed signatures.
	refetches *keyRefetches

	// publishMu serialises publishing, so two changes to one item cannot
	// race on its published-object records.
	publishMu sync.Mutex
}

var (
	_ hub.ChangeNotifier = (*Federation)(nil)
	_ hub.Federation     = (*Federation)(nil)
)

// New loads (or on first start makes) the hub actor's key and returns a
// Federation. Call Run to start delivering.
func New(ctx context.Context, cfg Config) (*Federation, error) {
	if cfg.Content == nil || cfg.Store == nil || cfg.BaseURL == nil {
		return nil, errors.New("federation: Content, Store and BaseURL are required")
	}
	f := &Federation{
		content:      cfg.Content,
		store:        cfg.Store,
		commons:      cfg.Commons,
		allowPrivate: cfg.AllowPrivate,
		backfillWake: make(chan struct{}, 1),
		base:         cfg.BaseURL,
		baseStr:      strings.TrimRight(cfg.BaseURL.String(), "/"),
		log:          cfg.Logger,
		client:       cfg.Client,
		now:          cfg.Now,
		workers:      cfg.Workers,
		window:       cfg.Window,
		version:      cfg.Version,
		wake:         make(chan struct{}, 1),
		cache:        map[string]cached{},
		refetches:    &keyRefetches{window: refetchWindow, burst: refetchBurst},
	}
	if f.log == nil {
		f.log = slog.Default()
	}
	if f.client == nil {
		f.client = NewHTTPClient(cfg.AllowPrivate, deliveryTimeout)
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.workers <= 0 {
		f.workers = 16
	}
	f.perHost = cfg.PerHost
	if f.perHost <= 0 {
		f.perHost = max(2, f.workers/4)
	}
	if f.window <= 0 {
		f.window = 14 * 24 * time.Hour
	}
	if f.version == "" {
		f.version = "dev"
	}
	f.userAgent = userAgentPrefix + f.version + " (+" + f.baseStr + "/)"
	key, err := loadOrCreateKey(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	f.signer = &Signer{KeyID: f.ActorID() + "#main-key", Key: key}
	return f, nil
}

// IRIs the hub mints.

// ActorID is the hub actor's IRI.
func (f *Federation) ActorID() string      { return f.baseStr + "/actor" }
func (f *Federation) inboxIRI() string     { return f.baseStr + "/actor/inbox" }
func (f *Federation) sharedInbox() string  { return f.baseStr + "/inbox" }
func (f *Federation) outboxIRI() string    { return f.baseStr + "/actor/outbox" }
func (f *Federation) followersIRI() string { return f.baseStr + "/actor/followers" }
func (f *Federation) followingIRI() string { return f.baseStr + "/actor/following" }

// Host is the hub's host as it appears in handles, e.g. hub.example.
func (f *Federation) Host() string { return f.base.Host }

// PublicKey is the hub actor's public key.
func (f *Federation) PublicKey() *rsa.PublicKey { return &f.signer.Key.PublicKey }

// nudge wakes the delivery loop without blocking.
func (f *Federation) nudge() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Run delivers queued activities, publishes event occurrences as they
// come into the window and backfills newly followed peers, until ctx ends. Deliveries interrupted by a crash
// are picked up again.
func (f *Federation) Run(ctx context.Context) error {
	if err := f.store.ReleaseLeases(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); f.deliverLoop(ctx) }()
	go func() { defer wg.Done(); f.scheduleLoop(ctx) }()
	go func() { defer wg.Done(); f.backfillLoop(ctx) }()
	wg.Wait()
	return nil
}

// scheduleLoop publishes occurrences entering the window, and forgets old
// inbox ids, every few minutes.
func (f *Federation) scheduleLoop(ctx context.Context) {
	tick := time.NewTicker(5 * time.Minute)
	defer tick.Stop()
	for {
		f.PublishDue(ctx)
		if err := f.store.ForgetSeen(ctx, f.now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			f.log.Warn("forgetting old inbox ids", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// FollowerRecord is the stored follower, now the domain's hub.FollowerRecord.
//
// Deprecated: use hub.FollowerRecord. Kept so that tests outside this
// package's owners' area compile unchanged while they are restructured.
type FollowerRecord = hub.FollowerRecord
