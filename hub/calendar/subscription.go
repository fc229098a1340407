package calendar

import (
	"net/url"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
)

// The subscription records and their store contract are the domain's
// (hub/calendars.go); these names stay for the package's callers.
type (
	// Subscription is a partner's calendar feed (hub.Subscription).
	Subscription = hub.Subscription
	// Report says what one refresh or import did (hub.CalendarReport).
	Report = hub.CalendarReport
	// SubscriptionStore keeps subscriptions (hub.SubscriptionStore).
	SubscriptionStore = hub.SubscriptionStore
)

// fetchURL is the address to fetch: webcal:// is https://.
func fetchURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals":
		u.Scheme = "https"
	}
	return u.String()
}
