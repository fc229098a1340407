package locales

import "strings"

// pseudoFile makes a pseudo-locale from the English catalog: every text
// of every message goes through wrap.
func pseudoFile(en *File, tag, dir string, wrap func(string) string) *File {
	f := &File{
		Language: Language{Tag: tag, Name: "Pseudo " + tag, Dir: dir, Pseudo: true},
		Messages: make(map[string]Message, len(en.Messages)),
	}
	tr := func(s string) string {
		if s == "" {
			return ""
		}
		return wrap(s)
	}
	for id, m := range en.Messages {
		f.Messages[id] = Message{ID: id, Zero: tr(m.Zero), One: tr(m.One), Two: tr(m.Two), Few: tr(m.Few), Many: tr(m.Many), Other: tr(m.Other)}
	}
	return f
}

// accents replaces each ASCII letter with a look-alike outside ASCII, so
// that a test can tell transformed text (no ASCII letter left) from text
// that escaped the catalog.
var accents = map[rune]rune{
	'a': 'å', 'b': 'ƀ', 'c': 'ç', 'd': 'ð', 'e': 'é', 'f': 'ƒ', 'g': 'ĝ', 'h': 'ĥ', 'i': 'î',
	'j': 'ĵ', 'k': 'ķ', 'l': 'ļ', 'm': 'ɱ', 'n': 'ñ', 'o': 'ö', 'p': 'þ', 'q': 'ǫ', 'r': 'ŕ',
	's': 'š', 't': 'ţ', 'u': 'û', 'v': 'ṽ', 'w': 'ŵ', 'x': 'ẋ', 'y': 'ý', 'z': 'ž',
	'A': 'Å', 'B': 'Ɓ', 'C': 'Ç', 'D': 'Ð', 'E': 'É', 'F': 'Ƒ', 'G': 'Ĝ', 'H': 'Ĥ', 'I': 'Î',
	'J': 'Ĵ', 'K': 'Ķ', 'L': 'Ļ', 'M': 'Ṁ', 'N': 'Ñ', 'O': 'Ö', 'P': 'Þ', 'Q': 'Ǫ', 'R': 'Ŕ',
	'S': 'Š', 'T': 'Ţ', 'U': 'Û', 'V': 'Ṽ', 'W': 'Ŵ', 'X': 'Ẋ', 'Y': 'Ý', 'Z': 'Ž',
}

// accent replaces the letters of s's text with accented ones, leaving fmt
// verbs (%s, %[2]d, %02d, %%), HTML tags and entities as they are, so the
// message still formats and still is the same HTML.
func accent(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '%':
			j := verbEnd(s, i)
			b.WriteString(s[i:j])
			i = j
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				j = len(s) - i - 1
			}
			b.WriteString(s[i : i+j+1])
			i += j + 1
		case c == '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 || j > 10 {
				b.WriteByte(c)
				i++
				continue
			}
			b.WriteString(s[i : i+j+1])
			i += j + 1
		default:
			r := rune(c)
			if a, ok := accents[r]; ok {
				b.WriteRune(a)
			} else {
				b.WriteByte(c)
			}
			i++
		}
	}
	return b.String()
}

// verbEnd returns the index just past the fmt verb starting at s[i] ('%').
func verbEnd(s string, i int) int {
	j := i + 1
	for j < len(s) && strings.IndexByte("+-# 0123456789.[]*", s[j]) >= 0 {
		j++
	}
	if j < len(s) {
		j++ // the verb letter, or the second % of %%
	}
	return j
}

// Verbs lists the fmt verbs of a message text, as written (%s, %[2]d,
// %02d); %% is not a verb.
func Verbs(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := verbEnd(s, i)
		if v := s[i:j]; v != "%%" {
			out = append(out, v)
		}
		i = j - 1
	}
	return out
}
