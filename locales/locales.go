// Package locales holds the words of Commonplace's interface in every
// language it ships: one catalog file per language, locales/<tag>.toml,
// embedded in the binary. A catalog file is plain TOML a volunteer can
// write without Go (docs/translating.md):
//
//	[_language]
//	name = "Cymraeg"          # the language's name in itself
//	dir = "ltr"               # or "rtl"
//	reviewed = false          # true once a native speaker has signed it off
//	reviewed_by = ""          # who did
//
//	[messages]
//	"Save" = "Cadw"
//	"%d event" = { zero = "...", one = "%d digwyddiad", two = "...", few = "...", many = "...", other = "%d digwyddiad" }
//
// A message's ID is its English text (a fmt format when it takes
// arguments). An ID that starts with a bracketed context ("[month] May")
// is English without the bracket; the context is for translators. Plural
// messages hold one text per CLDR plural form; go-i18n picks the form for a
// number by the language's CLDR rules.
//
// en.toml is generated from the code (TestEnglishCatalog, -args -update),
// so it always holds every message. Two pseudo-locales are made from it
// at load time for tests: en-XA (accented and bracketed) and ar-XB (the
// same, right to left).
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Required are the languages every release ships, each with every message
// of en (TestCatalogsAreComplete). English is the default and the source.
var Required = []string{"en", "cy", "fr", "es", "de"}

// Source is the language messages are written in.
const Source = "en"

// Pseudo-locales, made from en at load time; never offered to readers.
const (
	PseudoAccented = "en-XA"
	PseudoRTL      = "ar-XB"
)

// Language describes one catalog.
type Language struct {
	Tag        string // BCP 47, e.g. "cy"
	Name       string // in the language itself, e.g. "Cymraeg"
	Dir        string // "ltr" or "rtl"
	Reviewed   bool   // a native speaker has signed the catalog off
	ReviewedBy string
	Pseudo     bool // a test locale, not offered to readers
}

// Message is one catalog entry: Other is its text; the other forms are
// set for plural messages only.
type Message struct {
	ID                               string
	Zero, One, Two, Few, Many, Other string
}

// Plural reports whether m has plural forms.
func (m Message) Plural() bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// File is one parsed catalog file.
type File struct {
	Language Language
	Messages map[string]Message
}

// catalogFile is a catalog file's TOML shape.
type catalogFile struct {
	Language struct {
		Name       string `toml:"name"`
		Dir        string `toml:"dir"`
		Reviewed   bool   `toml:"reviewed"`
		ReviewedBy string `toml:"reviewed_by"`
	} `toml:"_language"`
	Messages map[string]any `toml:"messages"`
}

// ParseFile reads one catalog file; tag is its language.
func ParseFile(tag string, data []byte) (*File, error) {
	var cf catalogFile
	md, err := toml.Decode(string(data), &cf)
	if err != nil {
		return nil, fmt.Errorf("%s.toml: %w", tag, err)
	}
	for _, k := range md.Undecoded() {
		if len(k) > 0 && k[0] != "messages" {
			return nil, fmt.Errorf("%s.toml: unknown key %q (a catalog has [_language] and [messages] only)", tag, k.String())
		}
	}
	if _, err := language.Parse(tag); err != nil {
		return nil, fmt.Errorf("%s.toml: the file name is not a language tag: %w", tag, err)
	}
	l := Language{Tag: tag, Name: cf.Language.Name, Dir: cf.Language.Dir, Reviewed: cf.Language.Reviewed, ReviewedBy: cf.Language.ReviewedBy}
	if l.Name == "" {
		return nil, fmt.Errorf("%s.toml: [_language] needs a name", tag)
	}
	if l.Dir == "" {
		l.Dir = "ltr"
	}
	if l.Dir != "ltr" && l.Dir != "rtl" {
		return nil, fmt.Errorf("%s.toml: [_language] dir is %q; it can be ltr or rtl", tag, l.Dir)
	}
	f := &File{Language: l, Messages: make(map[string]Message, len(cf.Messages))}
	for id, v := range cf.Messages {
		m, err := parseMessage(id, v)
		if err != nil {
			return nil, fmt.Errorf("%s.toml: message %q: %w", tag, id, err)
		}
		f.Messages[id] = m
	}
	return f, nil
}

func parseMessage(id string, v any) (Message, error) {
	m := Message{ID: id}
	switch v := v.(type) {
	case string:
		m.Other = v
		return m, nil
	case map[string]any:
		forms := map[string]*string{"zero": &m.Zero, "one": &m.One, "two": &m.Two, "few": &m.Few, "many": &m.Many, "other": &m.Other}
		for k, x := range v {
			s, ok := x.(string)
			if !ok {
				return m, fmt.Errorf("form %q is not text", k)
			}
			form, ok := forms[k]
			if !ok {
				return m, fmt.Errorf("unknown form %q (zero, one, two, few, many, other)", k)
			}
			*form = s
		}
		if m.Other == "" {
			return m, fmt.Errorf("a plural message needs its other form")
		}
		return m, nil
	}
	return m, fmt.Errorf("is neither text nor a table of plural forms")
}

// Files reads every catalog file of fsys (*.toml at its root).
func Files(fsys fs.FS) (map[string]*File, error) {
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	out := map[string]*File{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		tag := strings.TrimSuffix(path.Base(n), ".toml")
		f, err := ParseFile(tag, data)
		if err != nil {
			return nil, err
		}
		out[tag] = f
	}
	if out[Source] == nil {
		return nil, fmt.Errorf("no %s.toml: the English catalog is every message's source", Source)
	}
	return out, nil
}

// Embedded returns the catalog files built into the binary.
func Embedded() fs.FS { return files }

// Shipped lists the tags of the languages fsys holds and Required names,
// Required first, in one place: a required language without a file is in
// the list (and TestCatalogsAreComplete fails for it).
func Shipped(fsys fs.FS) []string {
	seen := map[string]bool{}
	var tags []string
	for _, t := range Required {
		seen[t] = true
		tags = append(tags, t)
	}
	names, _ := fs.Glob(fsys, "*.toml")
	sort.Strings(names)
	for _, n := range names {
		t := strings.TrimSuffix(n, ".toml")
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	return tags
}

// Context splits a message ID into its translators' context and its
// English text: "[month] May" is ("month", "May").
func Context(id string) (context, text string) {
	if strings.HasPrefix(id, "[") {
		if i := strings.Index(id, "] "); i > 0 {
			return id[1:i], id[i+2:]
		}
	}
	return "", id
}

// i18nMessage is m as go-i18n's message.
func (m Message) i18nMessage() *i18n.Message {
	return &i18n.Message{ID: m.ID, Zero: m.Zero, One: m.One, Two: m.Two, Few: m.Few, Many: m.Many, Other: m.Other}
}
