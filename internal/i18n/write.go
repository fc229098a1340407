package i18n

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Header opens the generated English catalog.
const Header = `# The English catalog: every message of Commonplace's interface, by ID.
# Generated from the code: go run ./internal/i18n/extract (or
# go test ./locales -run TestEnglishCatalog -args -update). Do not edit;
# change the message in the code. To translate, copy this file to
# locales/<tag>.toml and see docs/translating.md.
`

// WriteEnglish writes msgs as the English catalog file (locales/en.toml):
// the [_language] table, then each message sorted by ID, its text its ID
// without a translators' context ("[month] May" is "May"), a plural as
// its one and other forms, each preceded by the file it was found in.
func WriteEnglish(w io.Writer, msgs map[string]Message) error {
	ids := make([]string, 0, len(msgs))
	for id := range msgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString("\n[_language]\nname = \"English\"\ndir = \"ltr\"\nreviewed = true\nreviewed_by = \"Commonplace\"\n\n[messages]\n")
	for _, id := range ids {
		m := msgs[id]
		fmt.Fprintf(&b, "\n# %s\n", m.Where)
		_, text := context(id)
		if m.Other != "" {
			_, other := context(m.Other)
			fmt.Fprintf(&b, "%s = { one = %s, other = %s }\n", Quote(id), Quote(text), Quote(other))
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", Quote(id), Quote(text))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// context splits "[context] text" (locales.Context; repeated so that this
// package imports nothing of the module).
func context(id string) (string, string) {
	if strings.HasPrefix(id, "[") {
		if i := strings.Index(id, "] "); i > 0 {
			return id[1:i], id[i+2:]
		}
	}
	return "", id
}

// Quote writes s as a TOML basic string.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
