package federation

import (
	"context"
	"encoding/json"
	"github.com/commonplace-hub/commonplace/locales"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

// How many upcoming events the actor's featured collection holds (Mastodon
// pins them on the hub's profile).
const featuredEvents = 5

// upcoming is an event occurrence coming up, as the profile shows it.
type upcoming struct {
	iri      string
	start    time.Time
	locality string
}

// upcomingEvents lists the next occurrences within the publishing window,
// soonest first: each is an object the hub has published (or is about to).
func (f *Federation) upcomingEvents(ctx context.Context, n int) ([]upcoming, error) {
	now := f.now()
	events, _, err := f.content.ListEvents(ctx, hub.EventFilter{From: now, To: now.Add(f.window), Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []upcoming
	for _, e := range events {
		u := upcoming{}
		if e.Place != nil {
			u.locality = e.Place.Locality
		}
		if !e.Recurring() {
			if !e.End.After(now) {
				continue
			}
			u.iri, u.start = f.itemURL(hub.KindEvent, e.Slug), e.Start
			out = append(out, u)
			continue
		}
		for _, o := range e.Occurrences(now, now.Add(f.window), 1) {
			u.iri, u.start = f.occurrenceIRI(e, o.Date()), o.Start
			out = append(out, u)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start.Before(out[j].start) })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// featuredIRI is the actor's featured collection.
func (f *Federation) featuredIRI() string { return f.ActorID() + "/featured" }

// featured serves the actor's featured collection: the next upcoming
// events, by IRI (servers fetch each as they fetch any object).
func (f *Federation) featured(w http.ResponseWriter, r *http.Request) {
	next, err := f.upcomingEvents(r.Context(), featuredEvents)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	items := []any{}
	for _, u := range next {
		items = append(items, u.iri)
	}
	body, err := json.Marshal(map[string]any{"@context": asContext, "id": f.featuredIRI(), "type": "OrderedCollection",
		"totalItems": len(items), "orderedItems": items})
	if err != nil {
		f.fail(w, r, err)
		return
	}
	f.writeJSON(w, r, hdrAS, body)
}

// profileFields are the actor's profile fields (Mastodon's PropertyValue
// attachments): the hub's website and the area its events are in.
func (f *Federation) profileFields(ctx context.Context, w locales.Words) []any {
	home := f.baseStr + "/"
	fields := []any{propertyValue(fieldWebsite(w), `<a href="`+html.EscapeString(home)+`" rel="me">`+html.EscapeString(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(home, "https://"), "http://"), "/"))+`</a>`)}
	next, err := f.upcomingEvents(ctx, 50)
	if err != nil {
		f.log.Warn("listing upcoming events for the profile", "err", err)
		return fields
	}
	var places []string
	for _, u := range next {
		if u.locality != "" && !slices.Contains(places, u.locality) {
			places = append(places, u.locality)
		}
	}
	if len(places) > 0 {
		fields = append(fields, propertyValue(fieldArea(w), html.EscapeString(strings.Join(places, ", "))))
	}
	return fields
}

func propertyValue(name, valueHTML string) map[string]any {
	return map[string]any{"type": "PropertyValue", "name": name, "value": valueHTML}
}

// Federated profile field names, one function each for the later
// translation of what the hub sends.

// fieldWebsite names the profile field linking to the hub's website.
func fieldWebsite(w locales.Words) string { return w.T("Website") }

// fieldArea names the profile field listing where the hub's events are.
func fieldArea(w locales.Words) string { return w.T("Area") }

// FollowIntent returns the page on a reader's server where they can follow
// the hub: the FEP-3b86 Follow intent or Mastodon's OStatus subscribe
// template the server advertises in WebFinger, else the follow page of its
// software as its NodeInfo names it (followPath: Misskey's, Pleroma's, else
// Mastodon's /authorize_interaction). A GoToSocial server has none: the
// error (ENOTFOUND) tells the reader to search for the hub in their app. server is what the reader typed: a host, a URL or
// their own @user@host. The server is reached through the hub's SSRF-safe
// client; a server that does not answer still gets the Mastodon address.
func (f *Federation) FollowIntent(ctx context.Context, server string) (string, error) {
	user, host, err := parseServer(server)
	if err != nil {
		return "", err
	}
	st, err := f.settings(ctx)
	if err != nil {
		return "", err
	}
	handle := st.Handle + "@" + f.Host()
	base := "https://" + host
	if f.allowPrivate && strings.HasPrefix(strings.ToLower(strings.TrimSpace(server)), "http://") {
		base = "http://" + host // development over plain http only
	}
	if user == "" {
		user = hostName(host) // the instance actor: Mastodon and GoToSocial name it after the host
	}
	if tmpl := f.intentTemplate(ctx, base, "acct:"+user+"@"+hostName(host)); tmpl != "" {
		return strings.ReplaceAll(tmpl, "{uri}", url.QueryEscape(handle)), nil
	}
	// No template: the follow page of the server's software (NodeInfo,
	// through the same client and cache as for deliveries).
	scheme, _, _ := strings.Cut(base, "://")
	path := followPath(f.software.lookup(ctx, scheme, host).Name)
	if path == "" {
		return "", hub.Errorf(hub.ENOTFOUND, "Your server, %s, has no page for following accounts from other websites. In your app, search for %s and follow it there.", hostName(host), "@"+handle)
	}
	return base + path + url.QueryEscape(handle), nil
}

// hostName is a host without its port (WebFinger's acct: has none).
func hostName(host string) string {
	if i := strings.LastIndex(host, ":"); i > 0 && !strings.Contains(host[i:], "]") {
		return host[:i]
	}
	return host
}

// parseServer reads what a reader typed as their server.
func parseServer(s string) (user, host string, err error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "acct:")
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimPrefix(s, "@")
	if u, h, ok := strings.Cut(s, "@"); ok {
		user, s = u, h
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	host = HostOf("https://" + s)
	if host == "" || !strings.Contains(hostName(host), ".") && hostName(host) != "localhost" && !strings.HasPrefix(host, "[") {
		return "", "", hub.Errorf(hub.EINVALID, "not a server name: %q", s)
	}
	return user, host, nil
}

// FEP-3b86's Follow intent and Mastodon's remote-follow template.
const (
	relFollowIntent = "https://w3id.org/fep/3b86/Follow"
	relSubscribe    = "http://ostatus.org/schema/1.0/subscribe"
)

// intentTemplate asks a server's WebFinger for a follow template; "" when
// it has none or cannot be asked.
func (f *Federation) intentTemplate(ctx context.Context, base, resource string) string {
	ctx, cancel := context.WithTimeout(f.refusingRedirects(ctx), softwareFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/.well-known/webfinger?resource="+url.QueryEscape(resource), nil)
	if err != nil {
		return ""
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	req.Header.Set("User-Agent", f.userAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		f.log.Info("follow intent: WebFinger unreachable", "server", base, "err", unwrapURLError(err))
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	var jrd struct {
		Links []struct {
			Rel      string `json:"rel"`
			Template string `json:"template"`
		} `json:"links"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, maxFetchBytes)).Decode(&jrd) != nil {
		return ""
	}
	for _, rel := range []string{relFollowIntent, relSubscribe} {
		for _, l := range jrd.Links {
			// The reader chose this server: where it sends them is its say.
			if l.Rel == rel && strings.Contains(l.Template, "{uri}") && HostOf(l.Template) != "" &&
				(strings.HasPrefix(l.Template, "https://") || strings.HasPrefix(l.Template, "http://")) {
				return l.Template
			}
		}
	}
	return ""
}
