package hub

import (
	"strings"
	"time"
)

// ZoneCity is how readers name a zone: the city of an IANA name
// ("America/New_York" is "New York", "America/Argentina/Buenos_Aires"
// "Buenos Aires"), or the name itself for zones without one ("UTC").
func ZoneCity(loc *time.Location) string {
	name := loc.String()
	if i := strings.LastIndex(name, "/"); i >= 0 && !strings.HasPrefix(name, "Etc/") {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// SameClock reports whether the instant t reads the same on the clocks of
// zones a and b: Europe/Dublin and Europe/London do, America/New_York and
// Europe/London do not.
func SameClock(t time.Time, a, b *time.Location) bool {
	_, oa := t.In(a).Zone()
	_, ob := t.In(b).Zone()
	return oa == ob
}

// AllDay reports whether a commons event runs from midnight to midnight
// in its zone (one day or several): other hubs send all-day events so,
// and showing them as "12am" says something false.
func (it RemoteItem) AllDay() bool {
	if it.StartsAt == nil || it.EndsAt == nil || !it.EndsAt.After(*it.StartsAt) {
		return false
	}
	loc, err := loadLocation(it.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	midnight := func(t time.Time) bool {
		t = t.In(loc)
		return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0
	}
	return midnight(*it.StartsAt) && midnight(*it.EndsAt)
}

// LastDay is the last day of an all-day commons event (its end is the
// midnight after it), in its zone.
func (it RemoteItem) LastDay() time.Time {
	if it.EndsAt == nil {
		return time.Time{}
	}
	return it.EndsAt.AddDate(0, 0, -1)
}
