package hub

// Tests of the unexported helpers every Validate method relies on.

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var slugShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestSlugify(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain words", "Repair Café Drop-in", "repair-cafe-drop-in"},
		{"accents folded", "Crème brûlée à São Paulo", "creme-brulee-a-sao-paulo"},
		{"umlauts folded", "Zürich Ünïcödé", "zurich-unicode"},
		{"dotted capital I", "İstanbul", "istanbul"},
		{"apostrophe", "Tenants' Union", "tenants-union"},
		{"punctuation runs collapse", "Food -- & -- Drink!!!", "food-drink"},
		{"leading and trailing punctuation", "  ...Hello, world?  ", "hello-world"},
		{"underscores and slashes", "path/to_the thing", "path-to-the-thing"},
		{"symbols", "C++ & C#", "c-c"},
		{"digits kept", "2026 AGM: 7pm", "2026-agm-7pm"},
		{"full-width letters", "ＡＧＭ２０２６", "agm2026"},
		{"ligature", "ﬁsh ﬂoat", "fish-float"},
		{"superscript", "m² garden", "m2-garden"},
		{"emoji between words", "Garden 🌱 party 🎉", "garden-party"},
		{"only emoji", "🎉🌱", "item"},
		{"only punctuation", "?!—…", "item"},
		{"empty", "", "item"},
		{"whitespace", " \t\n", "item"},
		{"non-Latin script", "Кино", "item"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Slugify(tt.in)
			if got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !slugShape.MatchString(got) {
				t.Errorf("Slugify(%q) = %q is not lower-case letters, digits and single hyphens", tt.in, got)
			}
			if again := Slugify(got); again != got {
				t.Errorf("Slugify is not stable: %q then %q", got, again)
			}
		})
	}
}

func TestSlugifyLong(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantLen int
	}{
		{"one long word stops at 80", strings.Repeat("a", 300), 80},
		// "abc-" repeated puts a hyphen at the 80th byte; it is trimmed.
		{"cut at a hyphen", strings.Repeat("abc ", 100), 79},
		{"accented letters count once", strings.Repeat("é", 300), 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Slugify(tt.in)
			if len(got) != tt.wantLen {
				t.Errorf("length %d, want %d: %q", len(got), tt.wantLen, got)
			}
			if !slugShape.MatchString(got) {
				t.Errorf("%q is not a clean slug", got)
			}
		})
	}
}

func TestNormaliseTags(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, nil},
		{"kept in order", []string{"food", "housing", "art"}, []string{"food", "housing", "art"}},
		{"trimmed", []string{"  food ", "\thousing\n"}, []string{"food", "housing"}},
		{"hash stripped", []string{"#food", " # housing"}, []string{"food", "housing"}},
		{"case-insensitive duplicates keep the first spelling", []string{"Food", "food", "FOOD", "#fOOd"}, []string{"Food"}},
		{"duplicates by slug", []string{"Food Bank", "food-bank", "food  bank", "Food_Bank"}, []string{"Food Bank"}},
		{"accents fold into one tag", []string{"Café", "cafe"}, []string{"Café"}},
		{"empty ones dropped", []string{"", "  ", "#", " # ", "art"}, []string{"art"}},
		{"all empty", []string{"", "#"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normaliseTags(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("normaliseTags(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckTags(t *testing.T) {
	tags := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, "tag"+strconv.Itoa(i))
		}
		return out
	}
	tests := []struct {
		name    string
		tags    []string
		wantErr bool
	}{
		{"none", nil, false},
		{"the most allowed", tags(MaxTagCount), false},
		{"one too many", tags(MaxTagCount + 1), true},
		{"50 characters", []string{strings.Repeat("ß", 50)}, false},
		{"51 characters", []string{"ok", strings.Repeat("ß", 51)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fieldErrors{}
			checkTags(f, tt.tags)
			if msg, got := f["tags"], len(f) > 0; got != tt.wantErr {
				t.Errorf("error %v (%q), want %v", got, msg, tt.wantErr)
			}
		})
	}
}

func TestCheckURLMessages(t *testing.T) {
	tests := []struct{ url, want string }{
		{"zoom meeting 123", "Enter a full web address starting with https://"},
		{"ftp://example.org", "Enter a full web address starting with https://"},
		{"https://example.org/join now", "cannot contain spaces"},
	}
	for _, tt := range tests {
		if got := checkURL(tt.url); !strings.Contains(got, tt.want) {
			t.Errorf("checkURL(%q) = %q, want it to say %q", tt.url, got, tt.want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://example.org", true},
		{"https://example.org/tickets?event=42#book", true},
		{"http://example.org", true},
		{"HTTPS://Example.org/Path", true},
		{"https://example.org:8443/x", true},
		{"https://[2001:db8::1]/x", true},
		{"https://example.org/caf%C3%A9%20night", true},

		{"", false},
		{"example.org", false},
		{"www.example.org/tickets", false},
		{"/tickets", false},
		{"tickets.html", false},
		{"//example.org/tickets", false},
		{"https:example.org", false},
		{"https://", false},
		{"https://:443/x", false},
		{"ftp://example.org/file", false},
		{"javascript:alert(1)", false},
		{"JAVASCRIPT:alert(1)", false},
		{"javascript://example.org/%0Aalert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"mailto:sam@example.org", false},
		{"file:///etc/passwd", false},
		{"https://exa mple.org", false},
		{"https://example.org/join now", false},
		{"https://example.org/?q=a b", false},
		{"https://example.org/\tx", false},
		{"https://example.org/\nx", false},
		{"https://example.org/\u00a0x", false},
		{"https://example.org/%zz", false},
	}
	for _, tt := range tests {
		msg := checkURL(tt.url)
		if (msg == "") != tt.ok {
			t.Errorf("checkURL(%q) = %q, want ok=%v", tt.url, msg, tt.ok)
		}
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name     string
		value    string
		required bool
		max      int
		wantMsg  string // substring; "" means no error
	}{
		{"optional and empty", "", false, 10, ""},
		{"required and empty", "", true, 10, "Label is required."},
		{"required and blank", " \n\t", true, 10, "Label is required."},
		{"at the limit in runes", strings.Repeat("ü", 10), true, 10, ""},
		{"over the limit", strings.Repeat("u", 11), false, 10, "Label is too long: 11 characters, the limit is 10."},
		{"over the limit in runes", strings.Repeat("ü", 12), false, 10, "12 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fieldErrors{}
			checkText(f, "field", "Label", tt.value, tt.required, tt.max)
			got := f["field"].String()
			if tt.wantMsg == "" && len(f) != 0 {
				t.Errorf("unexpected error %q", got)
			}
			if tt.wantMsg != "" && !strings.Contains(got, tt.wantMsg) {
				t.Errorf("message %q, want it to contain %q", got, tt.wantMsg)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		wantErr bool
	}{
		{"empty", "", true},
		{"one short", strings.Repeat("p", MinPasswordLength-1), true},
		{"exactly the minimum", strings.Repeat("p", MinPasswordLength), false},
		{"a passphrase", "correct horse battery staple", false},
		// Characters, not bytes: nine two-byte letters are still too short.
		{"short in characters though long in bytes", strings.Repeat("é", MinPasswordLength-1), true},
		{"minimum in multi-byte characters", strings.Repeat("é", MinPasswordLength), false},
		{"at the byte cap", strings.Repeat("p", 1024), false},
		{"over the byte cap", strings.Repeat("p", 1025), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fieldErrors{}
			checkPassword(f, "password", tt.pw)
			text, got := f["password"]
			msg := text.String()
			if got != tt.wantErr {
				t.Fatalf("error %v (%q), want %v", got, msg, tt.wantErr)
			}
			if got && len(tt.pw) < 1024 && !strings.Contains(msg, strconv.Itoa(MinPasswordLength)) {
				t.Errorf("message %q does not say how long a password must be", msg)
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	if err := (fieldErrors{}).err("event"); err != nil {
		t.Errorf("no field errors gave %v", err)
	}
	f := fieldErrors{}
	f.add("title", "Title is required.")
	f.add("title", "A later message.")
	err := f.err("event")
	if ErrorCode(err) != EINVALID {
		t.Fatalf("code %q, want EINVALID", ErrorCode(err))
	}
	if got := ErrorFields(err)["title"]; got != "Title is required." {
		t.Errorf("title message %q, want the first one kept", got)
	}
	if got := ErrorMessage(err); got != "Please correct the highlighted field and save the event again." {
		t.Errorf("message %q", got)
	}
	f.add("end", "Enter when the event ends.")
	if got := ErrorMessage(f.err("event")); !strings.Contains(got, "fields") {
		t.Errorf("two fields: message %q, want plural", got)
	}
}

func TestItoa(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 42, 100_000, -1, -250} {
		if got, want := itoa(n), strconv.Itoa(n); got != want {
			t.Errorf("itoa(%d) = %q, want %q", n, got, want)
		}
	}
}
