package hub

import "fmt"

// Kind is a kind of published item: an event, a guide or a case study.
// Its string form ("event", "guide", "case-study") is what is stored in
// the database, sent in JSON and ActivityStreams (cp:itemKind) and typed
// in URLs' ?kind= filters.
//
// Everything that differs per kind and is not the item's own data lives
// in one table, kinds, below: a new kind is a constant plus a row (see
// docs/ARCHITECTURE.md, "Adding a kind"). Code that needs a per-kind fact
// asks the Kind for it; a Kind missing from the table panics on first use
// and fails TestEveryKindHasADescriptor, so nothing falls silently into a
// default branch.
type Kind string

// The kinds of published item. Each has a row in kinds.
const (
	KindEvent     Kind = "event"
	KindGuide     Kind = "guide"
	KindCaseStudy Kind = "case-study"
)

// KindInfo describes one kind of item: its names for people, in URLs, in
// SQL and in ActivityStreams.
type KindInfo struct {
	Kind Kind
	// Label names one item for people, capitalised ("Case study").
	Label string
	// Noun names one item in a sentence ("case study").
	Noun string
	// Plural names several in a sentence ("case studies").
	Plural string
	// Path is the public path segment of the kind's pages ("case-studies"):
	// the list is /{Path}, an item /{Path}/{slug} (see hub/uris).
	Path string
	// ASType is the ActivityStreams type the item is published as
	// ("Event", "Article"); kinds sharing a type are told apart by
	// cp:itemKind, and the first kind of a type in the table is the one
	// an object of that type without a known cp:itemKind is taken for.
	ASType string
	// Table is the SQL table of the kind's items.
	Table string
}

// kinds is the descriptor table: one row per Kind, in the order pages
// and filters list them.
var kinds = []KindInfo{
	{Kind: KindEvent, Label: string(Msg("Event")), Noun: string(Msg("event")), Plural: string(Msg("events")), Path: "events", ASType: "Event", Table: "events"},
	{Kind: KindGuide, Label: string(Msg("Guide")), Noun: string(Msg("guide")), Plural: string(Msg("guides")), Path: "guides", ASType: "Article", Table: "guides"},
	{Kind: KindCaseStudy, Label: string(Msg("Case study")), Noun: string(Msg("case study")), Plural: string(Msg("case studies")), Path: "case-studies", ASType: "Article", Table: "case_studies"},
}

// Kinds lists every kind, in the table's order.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, d := range kinds {
		out[i] = d.Kind
	}
	return out
}

// Lookup returns the descriptor of k, and whether k is a kind at all
// (for kinds that come from outside: a form, a query, a peer).
func (k Kind) Lookup() (KindInfo, bool) {
	for _, d := range kinds {
		if d.Kind == k {
			return d, true
		}
	}
	return KindInfo{}, false
}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	_, ok := k.Lookup()
	return ok
}

// Info returns the descriptor of k. It panics for a value that is not a
// kind: code asks it only of kinds it has checked (Valid) or of the
// constants, each of which has a row (TestEveryKindHasADescriptor).
func (k Kind) Info() KindInfo {
	d, ok := k.Lookup()
	if !ok {
		panic(fmt.Sprintf("hub: kind %q has no row in the kinds table", string(k)))
	}
	return d
}

// String is the kind's stored and sent form.
func (k Kind) String() string { return string(k) }

// Label names one item of the kind for people ("Case study"); "" for a
// value that is not a kind (a template may be shown anything a peer sent).
func (k Kind) Label() string {
	d, _ := k.Lookup()
	return d.Label
}

// Path is the kind's public path segment ("case-studies").
func (k Kind) Path() string { return k.Info().Path }

// ASType is the ActivityStreams type items of the kind are published as.
func (k Kind) ASType() string { return k.Info().ASType }

// KindOfObject says which kind an ActivityStreams object is, given a
// test of its type and its cp:itemKind: the first AS type of the table
// the object has decides, then cp:itemKind picks among the kinds of that
// type, defaulting to the first. "" when it is none of the kinds' types.
func KindOfObject(is func(asType string) bool, itemKind string) Kind {
	for _, d := range kinds {
		if !is(d.ASType) {
			continue
		}
		for _, e := range kinds {
			if e.ASType == d.ASType && string(e.Kind) == itemKind {
				return e.Kind
			}
		}
		return d.Kind
	}
	return ""
}

// PagePath is the path of an item's public page on this hub,
// /{Path}/{slug}. It is here rather than in hub/uris, which builds every
// other URL from it, because hub.SearchHit needs it and hub imports no
// package of the module. A value that is not a kind has an empty segment.
func (k Kind) PagePath(slug string) string {
	d, _ := k.Lookup()
	return "/" + d.Path + "/" + slug
}
