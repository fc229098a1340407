package locales

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Catalog answers messages in every loaded language. Lookups of plain
// messages are one map read (every language's table is filled in with
// English where it has no translation); plural messages go through
// go-i18n, which knows each language's CLDR plural rules.
type Catalog struct {
	langs   map[string]*catalogLanguage
	shipped []Language // offered to readers, Required order first
	tags    []language.Tag
	matcher language.Matcher
}

type catalogLanguage struct {
	info      Language
	text      map[string]string // ID -> text (other form), English where untranslated
	localizer *i18n.Localizer
}

// Load returns the catalog of the embedded files.
func Load() (*Catalog, error) { return New(files) }

// MustLoad is Load for package initialisation and tests.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// New reads the catalog files of fsys and adds the pseudo-locales.
func New(fsys fs.FS) (*Catalog, error) {
	files, err := Files(fsys)
	if err != nil {
		return nil, err
	}
	en := files[Source]
	files[PseudoAccented] = pseudoFile(en, PseudoAccented, "ltr", func(s string) string { return "[" + accent(s) + "]" })
	files[PseudoRTL] = pseudoFile(en, PseudoRTL, "rtl", func(s string) string { return "\u202e" + accent(s) + "\u202c" })

	c := &Catalog{langs: map[string]*catalogLanguage{}}
	bundle := i18n.NewBundle(language.English)
	for tag, f := range files {
		lt, err := language.Parse(tag)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tag, err)
		}
		msgs := make([]*i18n.Message, 0, len(f.Messages))
		text := make(map[string]string, len(en.Messages))
		for id, m := range en.Messages {
			text[id] = m.Other
		}
		for id, m := range f.Messages {
			msgs = append(msgs, m.i18nMessage())
			text[id] = m.Other
		}
		if err := bundle.AddMessages(lt, msgs...); err != nil {
			return nil, fmt.Errorf("%s: %w", tag, err)
		}
		c.langs[tag] = &catalogLanguage{info: f.Language, text: text, localizer: i18n.NewLocalizer(bundle, tag)}
	}
	for _, tag := range Shipped(fsys) {
		if l := c.langs[tag]; l != nil {
			c.shipped = append(c.shipped, l.info)
			c.tags = append(c.tags, language.MustParse(tag))
		}
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// Languages lists the languages readers can choose, English first.
func (c *Catalog) Languages() []Language { return c.shipped }

// Language describes the catalog of tag, a shipped language or a
// pseudo-locale; ok is false for any other tag.
func (c *Catalog) Language(tag string) (l Language, ok bool) {
	cl := c.langs[tag]
	if cl == nil {
		return Language{}, false
	}
	return cl.info, true
}

// Message returns the text of the message id in lang; English, without
// its context, when lang has no catalog or no translation.
func (c *Catalog) Message(lang, id string) string {
	if cl := c.langs[lang]; cl != nil {
		if s, ok := cl.text[id]; ok {
			return s
		}
	}
	_, text := Context(id)
	return text
}

// Plural returns the form of the plural message id (its English one
// form) that n takes in lang, by the language's CLDR rules; other when
// the catalog lacks the form, English when it lacks the message.
func (c *Catalog) Plural(lang, id, other string, n int) string {
	cl := c.langs[lang]
	if cl == nil {
		cl = c.langs[Source]
	}
	_, one := Context(id)
	_, other = Context(other)
	s, err := cl.localizer.Localize(&i18n.LocalizeConfig{
		MessageID:      id,
		PluralCount:    n,
		DefaultMessage: &i18n.Message{ID: id, One: one, Other: other},
	})
	if s == "" && err != nil {
		if n == 1 {
			return one
		}
		return other
	}
	return s
}

// Supported returns the shipped language a tag such as a hub's setting
// ("en-GB", "cy") is answered in, and whether there is one: en-GB is
// answered in en, xx-bogus in none. Pseudo-locales are not.
func (c *Catalog) Supported(tag string) (string, bool) {
	t, err := language.Parse(tag)
	if err != nil || t.String() == PseudoAccented || t.String() == PseudoRTL {
		return "", false
	}
	_, i, conf := c.matcher.Match(t)
	if conf < language.High {
		return "", false
	}
	return c.shipped[i].Tag, true
}

// Preferred returns the shipped language an Accept-Language header asks
// for, and false when it asks for none of them.
func (c *Catalog) Preferred(acceptLanguage string) (string, bool) {
	if strings.TrimSpace(acceptLanguage) == "" {
		return "", false
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "", false
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf < language.High {
		return "", false
	}
	return c.shipped[i].Tag, true
}

// Tags lists the shipped languages' tags, English first.
func (c *Catalog) Tags() []string {
	out := make([]string, len(c.shipped))
	for i, l := range c.shipped {
		out[i] = l.Tag
	}
	return out
}

// Chosen returns the language a reader's ?lang= names: a shipped one (as
// Supported) or a pseudo-locale by its exact tag, for tests and
// translators.
func (c *Catalog) Chosen(tag string) (string, bool) {
	if tag == PseudoAccented || tag == PseudoRTL {
		return tag, true
	}
	return c.Supported(tag)
}
