package hub_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// checkValidation runs validate and compares the faulty fields with want
// (nil: valid).
func checkValidation(t *testing.T, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("valid input refused: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted, want errors for %v", want)
	}
	if got := invalidFields(t, err); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v (%v)", got, want, err)
	}
}

// changeCase is one row of a validation table: a change made to a valid
// value, and the fields it must make faulty (nil: still valid).
type changeCase[T any] struct {
	name   string
	change func(*T)
	want   []string
}

// checkChanges runs each case as a subtest named for it: the change is
// made to a fresh valid value, and validate's faulty fields are compared
// with the case's by checkValidation.
func checkChanges[T any](t *testing.T, valid func() T, validate func(*T) error, cases []changeCase[T]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			v := valid()
			tt.change(&v)
			checkValidation(t, validate(&v), tt.want)
		})
	}
}

func coordinate(v float64) *float64 { return &v }

func TestPlaceValidate(t *testing.T) {
	long := strings.Repeat("x", hub.MaxShort+1)
	tests := []struct {
		name  string
		place hub.Place
		want  []string
	}{
		{"name only", hub.Place{Name: "Hulme Library"}, nil},
		{"full address and coordinates", hub.Place{Name: "Hulme Library", StreetAddress: "Stretford Road", Locality: "Manchester",
			PostalCode: "M15 5EF", Country: "United Kingdom", Latitude: coordinate(53.4668), Longitude: coordinate(-2.2502)}, nil},
		{"missing name", hub.Place{Locality: "Manchester"}, []string{"name"}},
		{"blank name", hub.Place{Name: "   "}, []string{"name"}},
		{"name too long", hub.Place{Name: strings.Repeat("x", hub.MaxTitle+1)}, []string{"name"}},
		{"description too long", hub.Place{Name: "Hall", Description: strings.Repeat("x", hub.MaxBody+1)}, []string{"description"}},
		{"street too long", hub.Place{Name: "Hall", StreetAddress: long}, []string{"street_address"}},
		{"town too long", hub.Place{Name: "Hall", Locality: long}, []string{"locality"}},
		{"region too long", hub.Place{Name: "Hall", Region: long}, []string{"region"}},
		{"postcode too long", hub.Place{Name: "Hall", PostalCode: long}, []string{"postal_code"}},
		{"country too long", hub.Place{Name: "Hall", Country: long}, []string{"country"}},
		{"latitude without longitude", hub.Place{Name: "Hall", Latitude: coordinate(53.4)}, []string{"latitude"}},
		{"longitude without latitude", hub.Place{Name: "Hall", Longitude: coordinate(-2.2)}, []string{"latitude"}},
		{"null island is a place", hub.Place{Name: "Hall", Latitude: coordinate(0), Longitude: coordinate(0)}, nil},
		{"the poles and the date line", hub.Place{Name: "Hall", Latitude: coordinate(-90), Longitude: coordinate(180)}, nil},
		{"north of the pole", hub.Place{Name: "Hall", Latitude: coordinate(90.0001), Longitude: coordinate(0)}, []string{"latitude"}},
		{"south of the pole", hub.Place{Name: "Hall", Latitude: coordinate(-91), Longitude: coordinate(0)}, []string{"latitude"}},
		{"past the date line east", hub.Place{Name: "Hall", Latitude: coordinate(0), Longitude: coordinate(180.5)}, []string{"longitude"}},
		{"past the date line west", hub.Place{Name: "Hall", Latitude: coordinate(0), Longitude: coordinate(-181)}, []string{"longitude"}},
		{"swapped and out of range", hub.Place{Name: "Hall", Latitude: coordinate(-122.4), Longitude: coordinate(237.8)}, []string{"latitude", "longitude"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.place
			checkValidation(t, p.Validate(), tt.want)
		})
	}
}

func TestPlaceValidateTrimsAndAddress(t *testing.T) {
	p := &hub.Place{Name: "  Hulme Library ", StreetAddress: " Stretford Road ", Locality: "Manchester\n", Region: "  ", PostalCode: "M15 5EF"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Name != "Hulme Library" || p.StreetAddress != "Stretford Road" || p.Locality != "Manchester" || p.Region != "" {
		t.Errorf("not trimmed: %+v", p)
	}
	if got, want := p.Address(), "Stretford Road, Manchester, M15 5EF"; got != want {
		t.Errorf("Address() = %q, want %q", got, want)
	}
}

func TestTagValidate(t *testing.T) {
	tests := []struct {
		name, tagName, description string
		wantName                   string
		want                       []string
	}{
		{"plain", "Food", "", "Food", nil},
		{"hash and spaces removed", "  #Food bank ", "", "Food bank", nil},
		{"hash only", "#", "", "", []string{"name"}},
		{"empty", "", "", "", []string{"name"}},
		{"50 characters", strings.Repeat("ä", 50), "", strings.Repeat("ä", 50), nil},
		{"51 characters", strings.Repeat("a", 51), "", "", []string{"name"}},
		{"description too long", "Food", strings.Repeat("x", hub.MaxSummary+1), "", []string{"description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag := &hub.Tag{Name: tt.tagName, Description: tt.description}
			checkValidation(t, tag.Validate(), tt.want)
			if tt.want == nil && tag.Name != tt.wantName {
				t.Errorf("name %q, want %q", tag.Name, tt.wantName)
			}
		})
	}
}

func TestGuideValidate(t *testing.T) {
	valid := func() hub.Guide {
		return hub.Guide{Title: "Running a volunteer rota", Summary: "What worked for us.", Body: "Start with a shared sheet."}
	}
	checkChanges(t, valid, (*hub.Guide).Validate, []changeCase[hub.Guide]{
		{"valid", func(g *hub.Guide) {}, nil},
		{"no summary is fine", func(g *hub.Guide) { g.Summary = "" }, nil},
		{"missing title", func(g *hub.Guide) { g.Title = "  " }, []string{"title"}},
		{"title too long", func(g *hub.Guide) { g.Title = strings.Repeat("x", hub.MaxTitle+1) }, []string{"title"}},
		{"summary too long", func(g *hub.Guide) { g.Summary = strings.Repeat("x", hub.MaxSummary+1) }, []string{"summary"}},
		{"missing body", func(g *hub.Guide) { g.Body = "" }, []string{"body"}},
		{"blank body", func(g *hub.Guide) { g.Body = "\n\n  \t" }, []string{"body"}},
		{"body too long", func(g *hub.Guide) { g.Body = strings.Repeat("x", hub.MaxBody+1) }, []string{"body"}},
		{"too many tags", func(g *hub.Guide) {
			for i := range hub.MaxTagCount + 1 {
				g.Tags = append(g.Tags, "tag "+strings.Repeat("i", i+1))
			}
		}, []string{"tags"}},
		{"empty guide", func(g *hub.Guide) { *g = hub.Guide{} }, []string{"body", "title"}},
	})

	g := &hub.Guide{Title: " Rota ", Summary: " Short. ", Body: "Text", Tags: []string{"#Volunteers", "volunteers", " rota "}}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.Title != "Rota" || g.Summary != "Short." || !slices.Equal(g.Tags, []string{"Volunteers", "rota"}) {
		t.Errorf("not normalised: %+v", g)
	}
}

func TestCaseStudyValidate(t *testing.T) {
	valid := func() hub.CaseStudy {
		return hub.CaseStudy{Title: "Community fridge", Problem: "Food was going to waste."}
	}
	checkChanges(t, valid, (*hub.CaseStudy).Validate, []changeCase[hub.CaseStudy]{
		{"title and problem are enough", func(c *hub.CaseStudy) {}, nil},
		{"every section", func(c *hub.CaseStudy) {
			c.Summary, c.Approach, c.Tools, c.Outcome, c.Lessons = "S", "A", "T", "O", "L"
			c.Organisation, c.Contact, c.Tags = "Hulme Food Group", "fridge@example.org", []string{"food"}
		}, nil},
		{"missing title", func(c *hub.CaseStudy) { c.Title = "" }, []string{"title"}},
		{"missing problem", func(c *hub.CaseStudy) { c.Problem = " \n" }, []string{"problem"}},
		{"summary too long", func(c *hub.CaseStudy) { c.Summary = strings.Repeat("x", hub.MaxSummary+1) }, []string{"summary"}},
		{"approach too long", func(c *hub.CaseStudy) { c.Approach = strings.Repeat("x", hub.MaxBody+1) }, []string{"approach"}},
		{"tools too long", func(c *hub.CaseStudy) { c.Tools = strings.Repeat("x", hub.MaxBody+1) }, []string{"tools"}},
		{"outcome too long", func(c *hub.CaseStudy) { c.Outcome = strings.Repeat("x", hub.MaxBody+1) }, []string{"outcome"}},
		{"lessons too long", func(c *hub.CaseStudy) { c.Lessons = strings.Repeat("x", hub.MaxBody+1) }, []string{"lessons"}},
		{"organisation too long", func(c *hub.CaseStudy) { c.Organisation = strings.Repeat("x", hub.MaxTitle+1) }, []string{"organisation"}},
		{"contact too long", func(c *hub.CaseStudy) { c.Contact = strings.Repeat("x", hub.MaxShort+1) }, []string{"contact"}},
		{"tag too long", func(c *hub.CaseStudy) { c.Tags = []string{strings.Repeat("x", 51)} }, []string{"tags"}},
		{"empty case study", func(c *hub.CaseStudy) { *c = hub.CaseStudy{} }, []string{"problem", "title"}},
	})
}

func TestCaseStudySections(t *testing.T) {
	c := &hub.CaseStudy{Problem: "P", Approach: "  ", Outcome: "O", Lessons: "L"}
	var keys []string
	for _, s := range c.Sections() {
		keys = append(keys, s.Key)
	}
	if want := []string{"problem", "outcome", "lessons"}; !slices.Equal(keys, want) {
		t.Errorf("sections %v, want %v", keys, want)
	}
}

func TestOrganiserValidate(t *testing.T) {
	tests := []struct {
		name      string
		organiser hub.Organiser
		want      []string
		wantEmail string
	}{
		{"editor", hub.Organiser{Email: "sam@example.org", Name: "Sam", Role: hub.RoleEditor}, nil, "sam@example.org"},
		{"admin", hub.Organiser{Email: "jo@example.org", Name: "Jo", Role: hub.RoleAdmin}, nil, "jo@example.org"},
		{"email is trimmed and lower-cased", hub.Organiser{Email: "  Sam.Smith@Example.ORG ", Name: "Sam", Role: hub.RoleEditor}, nil, "sam.smith@example.org"},
		{"plus addressing", hub.Organiser{Email: "sam+hub@example.org", Name: "Sam", Role: hub.RoleEditor}, nil, "sam+hub@example.org"},
		{"missing email", hub.Organiser{Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"no at sign", hub.Organiser{Email: "sam.example.org", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"no domain", hub.Organiser{Email: "sam@", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"no local part", hub.Organiser{Email: "@example.org", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"words", hub.Organiser{Email: "sam at example dot org", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"display name form", hub.Organiser{Email: "Sam <sam@example.org>", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"two addresses", hub.Organiser{Email: "sam@example.org, jo@example.org", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"double at", hub.Organiser{Email: "sam@@example.org", Name: "Sam", Role: hub.RoleEditor}, []string{"email"}, ""},
		{"missing name", hub.Organiser{Email: "sam@example.org", Name: " ", Role: hub.RoleEditor}, []string{"name"}, ""},
		{"name too long", hub.Organiser{Email: "sam@example.org", Name: strings.Repeat("x", hub.MaxTitle+1), Role: hub.RoleEditor}, []string{"name"}, ""},
		{"missing role", hub.Organiser{Email: "sam@example.org", Name: "Sam"}, []string{"role"}, ""},
		{"unknown role", hub.Organiser{Email: "sam@example.org", Name: "Sam", Role: "owner"}, []string{"role"}, ""},
		{"role in capitals", hub.Organiser{Email: "sam@example.org", Name: "Sam", Role: "Admin"}, []string{"role"}, ""},
		{"everything wrong", hub.Organiser{Email: "sam", Role: "boss"}, []string{"email", "name", "role"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.organiser
			checkValidation(t, o.Validate(), tt.want)
			if tt.want == nil && o.Email != tt.wantEmail {
				t.Errorf("email %q, want %q", o.Email, tt.wantEmail)
			}
		})
	}
}

func TestOrganiserIsAdmin(t *testing.T) {
	var nobody *hub.Organiser
	tests := []struct {
		organiser *hub.Organiser
		want      bool
	}{
		{nobody, false},
		{&hub.Organiser{Role: hub.RoleEditor}, false},
		{&hub.Organiser{Role: hub.RoleAdmin}, true},
	}
	for _, tt := range tests {
		if got := tt.organiser.IsAdmin(); got != tt.want {
			t.Errorf("IsAdmin() for %+v = %v, want %v", tt.organiser, got, tt.want)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	checkChanges(t, hub.DefaultSettings, (*hub.Settings).Validate, []changeCase[hub.Settings]{
		{"defaults", func(s *hub.Settings) {}, nil},
		{"upper-case colour", func(s *hub.Settings) { s.AccentColour = "#1D6B57" }, nil},
		{"another zone", func(s *hub.Settings) { s.TimeZone = "Pacific/Auckland" }, nil},
		{"missing name", func(s *hub.Settings) { s.Name = "  " }, []string{"name"}},
		{"name at 100 characters", func(s *hub.Settings) { s.Name = strings.Repeat("ü", 100) }, nil},
		{"name over 100 characters", func(s *hub.Settings) { s.Name = strings.Repeat("ü", 101) }, []string{"name"}},
		{"description too long", func(s *hub.Settings) { s.Description = strings.Repeat("x", hub.MaxSummary+1) }, []string{"description"}},
		{"missing zone", func(s *hub.Settings) { s.TimeZone = "" }, []string{"timezone"}},
		{"unknown zone", func(s *hub.Settings) { s.TimeZone = "Europe/Atlantis" }, []string{"timezone"}},
		{"the server's local zone", func(s *hub.Settings) { s.TimeZone = "Local" }, []string{"timezone"}},
		{"language too long", func(s *hub.Settings) { s.Language = strings.Repeat("en-", 7) }, []string{"language"}},
		{"colour without hash", func(s *hub.Settings) { s.AccentColour = "1d6b57" }, []string{"accent_colour"}},
		{"three-digit colour", func(s *hub.Settings) { s.AccentColour = "#fff" }, []string{"accent_colour"}},
		{"colour too short", func(s *hub.Settings) { s.AccentColour = "#1d6b5" }, []string{"accent_colour"}},
		{"colour with alpha", func(s *hub.Settings) { s.AccentColour = "#1d6b57ff" }, []string{"accent_colour"}},
		{"colour not hex", func(s *hub.Settings) { s.AccentColour = "#1g6b57" }, []string{"accent_colour"}},
		{"colour name", func(s *hub.Settings) { s.AccentColour = "green" }, []string{"accent_colour"}},
		{"colour missing", func(s *hub.Settings) { s.AccentColour = "" }, []string{"accent_colour"}},
		{"several problems", func(s *hub.Settings) { s.Name, s.TimeZone, s.AccentColour = "", "Nowhere", "red" }, []string{"accent_colour", "name", "timezone"}},
	})

	s := hub.DefaultSettings()
	s.Name, s.Language = "  Hulme Hub ", ""
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Name != "Hulme Hub" || s.Language != "en" {
		t.Errorf("name %q and language %q, want trimmed name and language en", s.Name, s.Language)
	}
}
