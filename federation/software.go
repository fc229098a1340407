package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// How long what a server runs is believed, and how soon a failed lookup
// is tried again.
const (
	softwareRefresh      = 24 * time.Hour
	softwareRetry        = time.Hour
	softwareFetchTimeout = 5 * time.Second
	maxNodeInfoBytes     = 256 << 10
)

// readerFamily is a group of server software that shows an incoming
// Event or Article to its readers the same way (docs/FEDERATION.md,
// "Readable on every server", has the rules and where each came from).
type readerFamily int

const (
	// familyUnknown: a server whose software is not known (no NodeInfo,
	// an unsigned fetch). It gets the form every family reads acceptably.
	familyUnknown readerFamily = iota
	// familyEvents: Commonplace hubs, Mobilizon, Gancio: the full FEP-8a8e
	// Event, as published.
	familyEvents
	// familyMastodonHTML: Mastodon from 4.3, which shows an Event or
	// Article as "<h2>name</h2>", the summary as HTML and the url, with the
	// name not escaped: the object as published, its name HTML-escaped.
	familyMastodonHTML
	// familyMastodonText: Mastodon before 4.3, which shows the summary of
	// an Event or Article as plain text between the name and the link.
	familyMastodonText
	// familySummaryIsWarning: GoToSocial, Misskey and its forks, which
	// make summary (GoToSocial: or name) a content warning over content.
	familySummaryIsWarning
	// familyPleroma: Pleroma and Akkoma, which show name as a linked title
	// above content and summary as a content warning.
	familyPleroma
	// familyFriendica: Friendica, which keeps name as the title, summary
	// as a content warning and content as the body.
	familyFriendica
)

func (f readerFamily) String() string {
	switch f {
	case familyEvents:
		return "events"
	case familyMastodonHTML:
		return "mastodon-html"
	case familyMastodonText:
		return "mastodon-text"
	case familySummaryIsWarning:
		return "summary-is-warning"
	case familyPleroma:
		return "pleroma"
	case familyFriendica:
		return "friendica"
	}
	return "unknown"
}

// familyOf says which family a server's software (NodeInfo software.name
// and version) belongs to.
func familyOf(name, version string) readerFamily {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "commonplace", "mobilizon", "gancio":
		return familyEvents
	case "mastodon", "hometown", "glitchsoc", "glitch-soc":
		if versionBefore(version, 4, 3) {
			return familyMastodonText
		}
		return familyMastodonHTML
	case "gotosocial":
		return familySummaryIsWarning
	case "pleroma", "akkoma":
		return familyPleroma
	case "friendica":
		return familyFriendica
	}
	if misskeyFamily[strings.ToLower(strings.TrimSpace(name))] {
		return familySummaryIsWarning
	}
	return familyUnknown
}

// misskeyFamily: Misskey and the forks that read incoming notes with its
// ApNoteService (or, Iceshrimp.NET, a port of it), by NodeInfo
// software.name.
var misskeyFamily = map[string]bool{"misskey": true, "sharkey": true, "firefish": true, "calckey": true, "foundkey": true,
	"iceshrimp": true, "iceshrimp.net": true, "catodon": true, "cherrypick": true, "meisskey": true}

// followPath is the page where a server's own users follow a remote
// account, as its WebFinger template writes it, for a server whose
// WebFinger gave the hub none (it was asked for the instance actor, which
// Misskey and Pleroma do not answer for): Misskey and its forks
// "/authorize-follow?acct={uri}" (packages/backend/src/server/
// WellKnownServerService.ts), Pleroma and Akkoma "/ostatus_subscribe?acct={uri}"
// (lib/pleroma/web/activity_pub/publisher.ex, gather_webfinger_links),
// Friendica "/follow?url={uri}" (mod/xrd.php, which answers for users only),
// GoToSocial "" (it has no such page: its WebFinger gives no subscribe
// template, internal/processing/fedi/wellknown.go, and its web routes,
// internal/web/web.go, have no follow page; its users follow by searching
// in their app); anything else Mastodon's "/authorize_interaction?uri={uri}".
func followPath(software string) string {
	name := strings.ToLower(strings.TrimSpace(software))
	switch {
	case misskeyFamily[name]:
		return "/authorize-follow?acct="
	case name == "pleroma" || name == "akkoma":
		return "/ostatus_subscribe?acct="
	case name == "friendica":
		return "/follow?url="
	case name == "gotosocial":
		return ""
	}
	return "/authorize_interaction?uri="
}

// versionBefore reports whether a version string ("4.2.10", "4.1.2+nightly",
// "v4.3.0-beta.1") is before major.minor; a version it cannot read is not.
func versionBefore(version string, major, minor int) bool {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	end := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end >= 0 {
		v = v[:end]
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return ma < major || ma == major && mi < minor
}

// maxKnownServers bounds how many servers' software a softwareBook keeps
// in memory; past it, one is forgotten (the store still has it, so it
// costs one read the next time).
const maxKnownServers = 4096

// softwareBook knows what each remote server runs: from memory, else from
// the store, else from the server's NodeInfo (fetched through the hub's
// SSRF-safe client, recorded in the store). Lookups of one server at once
// share one fetch. It keeps at most maxKnownServers in memory.
type softwareBook struct {
	store     hub.FederationStore
	client    *http.Client
	userAgent string
	now       func() time.Time
	ready     func(ctx context.Context) context.Context // refusing redirects to servers the hub refuses

	mu       sync.Mutex
	known    map[string]hub.ServerSoftware
	inFlight map[string]chan struct{}
}

func newSoftwareBook(store hub.FederationStore, client *http.Client, userAgent string, now func() time.Time, ready func(context.Context) context.Context) *softwareBook {
	return &softwareBook{store: store, client: client, userAgent: userAgent, now: now, ready: ready,
		known: map[string]hub.ServerSoftware{}, inFlight: map[string]chan struct{}{}}
}

// fresh reports whether a record may still be believed at now.
func fresh(sw hub.ServerSoftware, now time.Time) bool {
	if sw.Problem != "" {
		return now.Sub(sw.CheckedAt) < softwareRetry
	}
	return now.Sub(sw.CheckedAt) < softwareRefresh
}

// familyOfURL is the reader family of the server a URL (an inbox, a key
// id) is on.
func (b *softwareBook) familyOfURL(ctx context.Context, u string) readerFamily {
	host := HostOf(u)
	scheme, _, ok := strings.Cut(u, "://")
	if host == "" || !ok {
		return familyUnknown
	}
	sw := b.lookup(ctx, strings.ToLower(scheme), host)
	return familyOf(sw.Name, sw.Version)
}

// lookup returns what a server runs, fetching its NodeInfo when what is
// known is missing or stale. A failed fetch keeps the last good answer's
// software, with the problem.
func (b *softwareBook) lookup(ctx context.Context, scheme, host string) hub.ServerSoftware {
	for {
		now := b.now()
		b.mu.Lock()
		sw, ok := b.known[host]
		if ok && fresh(sw, now) {
			b.mu.Unlock()
			return sw
		}
		if wait, busy := b.inFlight[host]; busy {
			b.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return sw
			}
		}
		done := make(chan struct{})
		b.inFlight[host] = done
		b.mu.Unlock()

		sw = b.refresh(ctx, scheme, host, sw, ok)
		b.mu.Lock()
		b.remember(host, sw)
		delete(b.inFlight, host)
		b.mu.Unlock()
		close(done)
		return sw
	}
}

// remember keeps sw in memory, forgetting another server first when the
// book is full. b.mu is held.
func (b *softwareBook) remember(host string, sw hub.ServerSoftware) {
	if _, ok := b.known[host]; !ok && len(b.known) >= maxKnownServers {
		for other := range b.known { // an arbitrary one: map order
			delete(b.known, other)
			break
		}
	}
	b.known[host] = sw
}

// refresh reads the stored record, and fetches NodeInfo if it is stale.
func (b *softwareBook) refresh(ctx context.Context, scheme, host string, last hub.ServerSoftware, haveLast bool) hub.ServerSoftware {
	if stored, err := b.store.ServerSoftware(ctx, host); err == nil {
		if fresh(*stored, b.now()) {
			return *stored
		}
		last, haveLast = *stored, true
	}
	name, version, err := b.fetchNodeInfo(ctx, scheme+"://"+host)
	sw := hub.ServerSoftware{Host: host, Name: name, Version: version, CheckedAt: b.now()}
	if err != nil {
		sw.Problem = err.Error()
		if haveLast {
			sw.Name, sw.Version = last.Name, last.Version
		}
	}
	if ctx.Err() == nil {
		// A lookup cut short by its caller says nothing of the server.
		b.store.SaveServerSoftware(ctx, sw)
	}
	return sw
}

// NodeInfo schema relations, newest first.
var nodeInfoRels = []string{
	"http://nodeinfo.diaspora.software/ns/schema/2.1",
	"http://nodeinfo.diaspora.software/ns/schema/2.0",
	"http://nodeinfo.diaspora.software/ns/schema/1.1",
	"http://nodeinfo.diaspora.software/ns/schema/1.0",
}

// fetchNodeInfo reads a server's software name and version: its
// /.well-known/nodeinfo, then the newest schema it links to on the same
// server.
func (b *softwareBook) fetchNodeInfo(ctx context.Context, base string) (name, version string, err error) {
	ctx, cancel := context.WithTimeout(b.ready(ctx), softwareFetchTimeout)
	defer cancel()
	var index struct {
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if err := b.getJSON(ctx, base+"/.well-known/nodeinfo", &index); err != nil {
		return "", "", err
	}
	href := ""
	for _, rel := range nodeInfoRels {
		for _, l := range index.Links {
			if l.Rel == rel && href == "" {
				href = l.Href
			}
		}
	}
	if href == "" {
		return "", "", errors.New("the NodeInfo index links to no schema this hub reads")
	}
	if HostOf(href) != HostOf(base) {
		return "", "", fmt.Errorf("the NodeInfo index links to another server (%s)", HostOf(href))
	}
	var doc struct {
		Software struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"software"`
	}
	if err := b.getJSON(ctx, href, &doc); err != nil {
		return "", "", err
	}
	if doc.Software.Name == "" {
		return "", "", errors.New("the NodeInfo document names no software")
	}
	return strings.ToLower(doc.Software.Name), doc.Software.Version, nil
}

func (b *softwareBook) getJSON(ctx context.Context, u string, v any) error {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return &FetchError{URL: u, Err: errors.New("not an http(s) URL")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return &FetchError{URL: u, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", b.userAgent)
	resp, err := b.client.Do(req)
	if err != nil {
		return &FetchError{URL: u, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return &FetchError{URL: u, Status: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxNodeInfoBytes+1))
	if err != nil {
		return &FetchError{URL: u, Err: err}
	}
	if len(body) > maxNodeInfoBytes {
		return &FetchError{URL: u, Err: fmt.Errorf("document larger than %d bytes", maxNodeInfoBytes)}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &FetchError{URL: u, Err: fmt.Errorf("not JSON: %w", err)}
	}
	return nil
}
