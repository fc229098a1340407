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
	"sync/atomic"
	"time"

	"github.com/commonplace-hub/commonplace/federation/signature"
	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/internal/uris"
	"github.com/commonplace-hub/commonplace/locales"
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
	// Reports takes reports (Flag activities) into the moderation queue,
	// and records those the hub sends. Nil: Flags are acknowledged and
	// ignored.
	Reports hub.QueueStore
	// Pictures keeps the pictures of peers' items, which the hub fetches
	// in the background (peer_pictures.go). Nil: they are kept by address
	// only, and not shown.
	Pictures hub.PeerPictureStore
	// PictureRoom is the pictures' disk budget: a peer's picture is not
	// fetched, nor kept, when the hub's pictures have no room for it.
	// The zero value has no limit.
	PictureRoom hub.PictureRoom
	// PictureTimeout bounds each picture fetch (default
	// hub.PictureFetchTimeout).
	PictureTimeout time.Duration
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
	// Catalog gives the words of the summaries the hub sends (in the
	// hub's language); nil means the catalogs built into the binary.
	Catalog *locales.Catalog
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
	catalog      *locales.Catalog
	client       *http.Client
	signer       signature.Signer // draft-cavage, tried first
	signer9421   signature.Signer // RFC 9421, for servers that answer 401 to draft-cavage
	schemes      SchemeCache      // which of the two each server took
	verifier     signature.Verifier
	key          *rsa.PrivateKey
	keyID        string
	now          func() time.Time
	window       time.Duration
	version      string
	userAgent    string

	queue    *dispatcher                 // the delivery queue
	peers    *peers                      // following other hubs, and reading their outboxes
	software *softwareBook               // what each remote server runs, for its readers' form
	network  *networkBook                // the hubs around this one, as last read (network.go)
	searches memoryCache[hub.PeerAnswer] // peers' recent answers to network searches, for networkSearchKeep (netsearch.go)

	relays relayConfirmations // relayed results their origins confirmed, across searches (netsearch_confirmed.go)

	policies   PolicyCache                    // blocks and the allowlist, between reads
	lastPolicy atomic.Pointer[policySnapshot] // the last one made ready for checks

	docs          DocumentCache // rendered actor, WebFinger and NodeInfo documents
	settingsCache SettingsCache

	inbox    *inbox          // deliveries to the hub's inboxes
	pictures *pictureFetcher // peers' pictures; nil without Config.Pictures

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
func New(ctx context.Context, cfg Config, opts ...Option) (*Federation, error) {
	if cfg.Content == nil || cfg.Store == nil || cfg.BaseURL == nil {
		return nil, errors.New("federation: Content, Store and BaseURL are required")
	}
	f := &Federation{
		content:      cfg.Content,
		store:        cfg.Store,
		commons:      cfg.Commons,
		allowPrivate: cfg.AllowPrivate,
		base:         cfg.BaseURL,
		baseStr:      strings.TrimRight(cfg.BaseURL.String(), "/"),
		log:          cfg.Logger,
		client:       cfg.Client,
		now:          cfg.Now,
		window:       cfg.Window,
		version:      cfg.Version,
		catalog:      cfg.Catalog,
	}
	if f.catalog == nil {
		c, err := locales.Load()
		if err != nil {
			return nil, err
		}
		f.catalog = c
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
	workers, perHost := cfg.Workers, cfg.PerHost
	if workers <= 0 {
		workers = 16
	}
	if perHost <= 0 {
		perHost = max(2, workers/4)
	}
	f.queue = newDispatcher(f.store, f.postForReaders, f.log, f.now, workers, perHost)
	if f.window <= 0 {
		f.window = 14 * 24 * time.Hour
	}
	if f.version == "" {
		f.version = "dev"
	}
	f.userAgent = userAgentPrefix + f.version + " (+" + f.baseStr + "/)"
	f.network = newNetworkBook()
	f.software = newSoftwareBook(f.store, f.client, f.userAgent, f.now, f.refusingRedirects)
	key, err := loadOrCreateKey(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	f.key, f.keyID = key, f.ActorID()+"#main-key"
	f.signer = &Signer{KeyID: f.keyID, Key: key}
	f.signer9421 = &signature.RFC9421Signer{KeyID: f.keyID, Key: key}
	o := options{
		docs:      NewMemoryCache[RenderedDocument](),
		settings:  NewMemoryCache[hub.Settings](),
		policies:  NewMemoryPolicyCache(),
		refetches: &keyRefetches{window: refetchWindow, burst: refetchBurst},
		verifier:  signature.NewVerifier(),
		schemes:   NewMemorySchemeCache(),
	}
	for _, opt := range opts {
		opt(&o)
	}
	f.docs, f.settingsCache, f.policies, f.verifier, f.schemes = o.docs, o.settings, o.policies, o.verifier, o.schemes
	f.inbox = &inbox{store: cfg.Store, commons: cfg.Commons, reports: cfg.Reports, content: cfg.Content, verifier: o.verifier,
		refetches: o.refetches, log: f.log, now: f.now, actorID: f.ActorID(), scheme: f.base.Scheme,
		remote: f, policy: f, out: f}
	f.peers = &peers{store: cfg.Store, commons: cfg.Commons, log: f.log, now: f.now, actorID: f.ActorID(),
		allowPrivate: cfg.AllowPrivate, client: f.client, userAgent: f.userAgent, wake: make(chan struct{}, 1),
		remote: f, policy: f, out: f, items: f.inbox}
	f.inbox.peers = f.peers
	f.inbox.relays = &f.relays
	if cfg.Pictures != nil {
		timeout := cfg.PictureTimeout
		if timeout <= 0 {
			timeout = hub.PictureFetchTimeout
		}
		f.pictures = &pictureFetcher{store: cfg.Pictures, client: f.client, userAgent: f.userAgent, log: f.log, now: f.now,
			timeout: timeout, policy: f, redirects: f.refusingRedirects, wake: make(chan struct{}, 1), room: cfg.PictureRoom}
		f.inbox.pictures = f.pictures
	}
	return f, nil
}

// Option replaces a part New would otherwise make itself: the state a hub
// run as several processes must share (caches, the key-refetch limit, the
// signature scheme each server took), and the signature scheme of the
// inbox.
type Option func(*options)

type options struct {
	docs      DocumentCache
	settings  SettingsCache
	policies  PolicyCache
	refetches KeyRefetchLimiter
	verifier  signature.Verifier
	schemes   SchemeCache
}

// WithDocumentCache keeps rendered actor, WebFinger and NodeInfo documents
// in c instead of this process's memory.
func WithDocumentCache(c DocumentCache) Option { return func(o *options) { o.docs = c } }

// WithSettingsCache keeps the settings federation reads in c instead of
// this process's memory.
func WithSettingsCache(c SettingsCache) Option { return func(o *options) { o.settings = c } }

// WithPolicyCache shares the moderation policy between the processes of one
// hub, so that a block made in one applies at once in all (default: this
// process's memory).
func WithPolicyCache(c PolicyCache) Option { return func(o *options) { o.policies = c } }

// WithKeyRefetchLimiter counts key refetches after failed signatures with
// l (3 a minute per server) instead of in this process's memory.
func WithKeyRefetchLimiter(l KeyRefetchLimiter) Option { return func(o *options) { o.refetches = l } }

// WithVerifier checks the inbox's signatures with v instead of
// signature.NewVerifier (RFC 9421 and draft-cavage); signature.CavageVerifier
// takes draft-cavage alone. The trust rules apply to what v reads either
// way.
func WithVerifier(v signature.Verifier) Option { return func(o *options) { o.verifier = v } }

// IRIs the hub mints.

// ActorID is the hub actor's IRI.
func (f *Federation) ActorID() string      { return uris.Base(f.baseStr).Actor() }
func (f *Federation) inboxIRI() string     { return uris.Base(f.baseStr).ActorInbox() }
func (f *Federation) sharedInbox() string  { return uris.Base(f.baseStr).SharedInbox() }
func (f *Federation) outboxIRI() string    { return uris.Base(f.baseStr).Outbox() }
func (f *Federation) followersIRI() string { return uris.Base(f.baseStr).Followers() }
func (f *Federation) followingIRI() string { return uris.Base(f.baseStr).Following() }

// Host is the hub's host as it appears in handles, e.g. hub.example.
func (f *Federation) Host() string { return f.base.Host }

// PublicKey is the hub actor's public key.
func (f *Federation) PublicKey() *rsa.PublicKey { return &f.key.PublicKey }

// nudge wakes the delivery loop without blocking.
func (f *Federation) nudge() { f.queue.nudge() }

// Run delivers queued activities, publishes event occurrences as they
// come into the window and backfills newly followed peers, until ctx ends. Deliveries interrupted by a crash
// are picked up again.
func (f *Federation) Run(ctx context.Context) error {
	if err := f.store.ReleaseLeases(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(4)
	if f.pictures != nil {
		wg.Add(1)
		go func() { defer wg.Done(); f.pictures.loop(ctx) }()
	}
	go func() { defer wg.Done(); f.queue.run(ctx) }()
	go func() { defer wg.Done(); f.scheduleLoop(ctx) }()
	go func() { defer wg.Done(); f.peers.loop(ctx) }()
	go func() { defer wg.Done(); f.networkLoop(ctx) }()
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

// RetryDelivery queues a failed delivery again: hub.Federation.
func (f *Federation) RetryDelivery(ctx context.Context, id int64) error {
	if err := f.store.RetryDelivery(ctx, id, f.now()); err != nil {
		return err
	}
	f.nudge()
	return nil
}

// Status reports followers, deliveries and peers: hub.Federation.
func (f *Federation) Status(ctx context.Context) (*hub.FederationStatus, error) {
	st, err := f.content.Settings(ctx)
	if err != nil {
		return nil, err
	}
	out := &hub.FederationStatus{Handle: "@" + st.Handle + "@" + f.Host(), ActorID: f.ActorID()}
	for _, pending := range []bool{true, false} {
		recs, _, err := f.store.Followers(ctx, pending, 1000, 0)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out.Followers = append(out.Followers, hub.Follower{ActorID: r.ActorID, Username: r.Username, Name: r.Name,
				URL: r.URL, Server: HostOf(r.ActorID), Pending: r.Pending, Since: r.CreatedAt})
		}
	}
	if out.Pending, err = f.store.Deliveries(ctx, "pending", 100); err != nil {
		return nil, err
	}
	if out.Failed, err = f.store.Deliveries(ctx, "failed", 100); err != nil {
		return nil, err
	}
	if out.Peers, err = f.store.Peers(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// ApproveFollower accepts a pending follower: hub.Federation.
func (f *Federation) ApproveFollower(ctx context.Context, actorID string) error {
	return f.inbox.approveFollower(ctx, actorID)
}

// RejectFollower refuses a pending follower or removes an accepted one,
// telling them with Reject: hub.Federation.
func (f *Federation) RejectFollower(ctx context.Context, actorID string) error {
	return f.inbox.rejectFollower(ctx, actorID)
}
