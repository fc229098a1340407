package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
)

func testOrganisers(t *testing.T, open Opener) {
	s := open(t).Stores
	ada := &hub.Organiser{Email: "  Ada@Example.org ", Name: "Ada", Role: hub.RoleAdmin, PasswordHash: "$argon2id$a"}
	bo := &hub.Organiser{Email: "bo@example.org", Name: "bo", Role: hub.RoleEditor, PasswordHash: "$argon2id$b"}
	for _, o := range []*hub.Organiser{ada, bo} {
		if err := s.Organisers.CreateOrganiser(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if ada.Email != "ada@example.org" || ada.ID == 0 || ada.CreatedAt.IsZero() {
		t.Errorf("created %+v", ada)
	}
	got, err := s.Organisers.FindOrganiserByID(ctx, ada.ID)
	if err != nil || got.Email != "ada@example.org" || got.Name != "Ada" || got.Role != hub.RoleAdmin || got.PasswordHash != "$argon2id$a" || !got.CreatedAt.Equal(ada.CreatedAt) {
		t.Errorf("found %+v %v", got, err)
	}
	all, _ := s.Organisers.FindOrganisers(ctx)
	if len(all) != 2 || all[0].Name != "Ada" || all[1].Name != "bo" {
		t.Errorf("organisers by name: %+v", all)
	}

	// Emails are unique whatever their case, on create and on update.
	for name, err := range map[string]error{
		"create": s.Organisers.CreateOrganiser(ctx, &hub.Organiser{Email: "BO@example.org", Name: "Bo again", Role: hub.RoleEditor, PasswordHash: "h"}),
		"update": s.Organisers.UpdateOrganiser(ctx, &hub.Organiser{ID: bo.ID, Email: "ADA@example.org", Name: "bo", Role: hub.RoleEditor, PasswordHash: "h"}),
	} {
		if hub.ErrorCode(err) != hub.ECONFLICT || !strings.Contains(hub.ErrorFields(err)["email"], "already exists") {
			t.Errorf("%s with a taken email: %v", name, err)
		}
	}

	bo.Email, bo.Name, bo.Role, bo.PasswordHash = "Bo@New.example", "Bo", hub.RoleAdmin, "$argon2id$c"
	if err := s.Organisers.UpdateOrganiser(ctx, bo); err != nil {
		t.Fatal(err)
	}
	got, err = s.Organisers.FindOrganiserByEmail(ctx, "bo@new.EXAMPLE")
	if err != nil || got.ID != bo.ID || got.Email != "bo@new.example" || got.Role != hub.RoleAdmin || got.PasswordHash != "$argon2id$c" {
		t.Errorf("after update %+v %v", got, err)
	}

	for _, err := range []error{
		func() error { _, err := s.Organisers.FindOrganiserByEmail(ctx, "nobody@example.org"); return err }(),
		func() error { _, err := s.Organisers.FindOrganiserByID(ctx, 999); return err }(),
		s.Organisers.UpdateOrganiser(ctx, &hub.Organiser{ID: 999, Email: "x@example.org"}),
		s.Organisers.DeleteOrganiser(ctx, 999),
	} {
		if hub.ErrorCode(err) != hub.ENOTFOUND {
			t.Errorf("missing organiser: %v", err)
		}
	}
}

func testSessions(t *testing.T, open Opener) {
	s := open(t).Stores
	ada, bo := adaAndBo(s)
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for _, sess := range []*hub.Session{
		{TokenHash: "ada-phone", OrganiserID: ada.ID, CSRFToken: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		{TokenHash: "ada-laptop", OrganiserID: ada.ID, CSRFToken: "c2", CreatedAt: now, ExpiresAt: now.Add(48 * time.Hour)},
		{TokenHash: "bo-old", OrganiserID: bo.ID, CSRFToken: "c3", CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(-time.Hour)},
		{TokenHash: "bo-new", OrganiserID: bo.ID, CSRFToken: "c4", CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
	} {
		if err := s.Sessions.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
	}
	live := func(at time.Time) string {
		var out []string
		for _, h := range []string{"ada-phone", "ada-laptop", "bo-old", "bo-new"} {
			if _, err := s.Sessions.FindSession(ctx, h, at); err == nil {
				out = append(out, h)
			} else if hub.ErrorCode(err) != hub.ENOTFOUND {
				t.Fatal(err)
			}
		}
		return strings.Join(out, " ")
	}
	got, err := s.Sessions.FindSession(ctx, "ada-phone", now)
	if err != nil || got.OrganiserID != ada.ID || got.CSRFToken != "c1" || !got.CreatedAt.Equal(now) || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("session %+v %v", got, err)
	}
	steps := []struct {
		name string
		do   func() error
		at   time.Time
		want string
	}{
		{"now", func() error { return nil }, now, "ada-phone ada-laptop bo-new"},
		{"at the expiry instant", func() error { return nil }, now.Add(time.Hour), "ada-laptop"},
		{"logout", func() error { return s.Sessions.DeleteSession(ctx, "ada-phone") }, now, "ada-laptop bo-new"},
		{"password change", func() error { return s.Sessions.DeleteOrganiserSessions(ctx, ada.ID) }, now, "bo-new"},
		{"clean-up keeps live sessions", func() error { return s.Sessions.DeleteExpiredSessions(ctx, now) }, now, "bo-new"},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := live(step.at); got != step.want {
			t.Errorf("%s: live sessions %q, want %q", step.name, got, step.want)
		}
	}
	// The clean-up removed the expired row itself, not just hid it.
	if err := s.Sessions.CreateSession(ctx, &hub.Session{TokenHash: "bo-old", OrganiserID: bo.ID, CSRFToken: "c5", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Errorf("expired session not deleted: %v", err)
	}
}

func testTokens(t *testing.T, open Opener) {
	s := open(t).Stores
	ada, bo := adaAndBo(s)
	var tokens []*hub.APIToken
	for _, tok := range []*hub.APIToken{
		{OrganiserID: ada.ID, Name: "import script", Hash: "h1"},
		{OrganiserID: bo.ID, Name: "calendar sync", Hash: "h2"},
		{OrganiserID: ada.ID, Name: "backup", Hash: "h3"},
	} {
		if err := s.Tokens.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	if err := s.Tokens.CreateToken(ctx, &hub.APIToken{OrganiserID: bo.ID, Name: "dup", Hash: "h1"}); hub.ErrorCode(err) != hub.ECONFLICT {
		t.Errorf("duplicate hash: %v", err)
	}
	names := func(organiserID int64) string {
		list, err := s.Tokens.FindTokens(ctx, organiserID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tok := range list {
			out = append(out, tok.Name)
		}
		return strings.Join(out, ", ")
	}
	if got := names(ada.ID); got != "backup, import script" {
		t.Errorf("Ada's tokens newest first: %s", got)
	}
	if got := names(0); got != "backup, calendar sync, import script" {
		t.Errorf("all tokens: %s", got)
	}

	got, err := s.Tokens.FindTokenByHash(ctx, "h2")
	if err != nil || got.ID != tokens[1].ID || got.OrganiserID != bo.ID || got.Name != "calendar sync" || got.LastUsedAt != nil || got.CreatedAt.IsZero() {
		t.Fatalf("token %+v %v", got, err)
	}
	used := time.Date(2026, 10, 1, 9, 30, 0, 0, time.UTC)
	for _, at := range []time.Time{used.Add(-time.Hour), used} {
		if err := s.Tokens.TouchToken(ctx, got.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Tokens.FindTokenByHash(ctx, "h2"); got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) {
		t.Errorf("last used %v, want %v", got.LastUsedAt, used)
	}

	if err := s.Tokens.DeleteToken(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tokens.FindTokenByHash(ctx, "h2"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("revoked token found: %v", err)
	}
	if err := s.Tokens.DeleteToken(ctx, got.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("revoking twice: %v", err)
	}
}

func testSettingsAndLogo(t *testing.T, open Opener) {
	s := open(t).Stores
	st, err := s.Settings.FindSettings(ctx)
	if err != nil || !reflect.DeepEqual(st, hub.DefaultSettings()) {
		t.Fatalf("unset settings %+v %v, want the defaults", st, err)
	}

	// A logo uploaded before any settings are saved keeps the defaults.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00binary\x00")
	if err := s.Settings.UpdateLogo(ctx, png, "image/png"); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Settings.FindSettings(ctx); st.Name != hub.DefaultSettings().Name || st.LogoType != "image/png" {
		t.Errorf("settings after the first logo: %+v", st)
	}

	want := hub.Settings{Name: "Hulme Hub", Description: "What's on in Hulme", TimeZone: "America/New_York", Language: "cy", AccentColour: "#aa3300",
		EmbedOrigins: []string{"https://partner.example", "http://127.0.0.1:8080"}}
	if err := s.Settings.UpdateSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	st, _ = s.Settings.FindSettings(ctx)
	if st.Name != want.Name || st.Description != want.Description || st.TimeZone != want.TimeZone || st.Language != want.Language ||
		st.AccentColour != want.AccentColour || !reflect.DeepEqual(st.EmbedOrigins, want.EmbedOrigins) || st.UpdatedAt.IsZero() {
		t.Errorf("settings %+v, want %+v", st, want)
	}
	if st.LogoType != "image/png" {
		t.Errorf("saving settings lost the logo: %q", st.LogoType)
	}
	if !st.Area.IsZero() {
		t.Errorf("area without one saved: %+v", st.Area)
	}
	lat, lon := 53.4668, -2.2489
	want.Area = hub.Area{Name: "Hulme, Manchester", Latitude: &lat, Longitude: &lon}
	if err := s.Settings.UpdateSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	if st, _ = s.Settings.FindSettings(ctx); st.Area.Name != "Hulme, Manchester" || !st.Area.HasPosition() || *st.Area.Latitude != lat || *st.Area.Longitude != lon {
		t.Errorf("area %+v, want %+v", st.Area, want.Area)
	}
	if st.AnswersNetworkSearch {
		t.Error("answering network searches stored as on when saved off")
	}
	want.AnswersNetworkSearch = true
	want.Area = hub.Area{Name: "Moss Side"}
	s.Settings.UpdateSettings(ctx, want)
	if st, _ = s.Settings.FindSettings(ctx); st.Area.Name != "Moss Side" || st.Area.Latitude != nil || st.Area.Longitude != nil || !st.AnswersNetworkSearch {
		t.Errorf("area without coordinates %+v", st.Area)
	}
	data, mime, err := s.Settings.FindLogo(ctx)
	if err != nil || string(data) != string(png) || mime != "image/png" {
		t.Errorf("logo %q %q %v", data, mime, err)
	}

	for name, remove := range map[string][]byte{"nil": nil, "empty": {}} {
		s.Settings.UpdateLogo(ctx, png, "image/png")
		if err := s.Settings.UpdateLogo(ctx, remove, "image/png"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Settings.FindLogo(ctx); hub.ErrorCode(err) != hub.ENOTFOUND {
			t.Errorf("%s data: logo still there: %v", name, err)
		}
		if st, _ := s.Settings.FindSettings(ctx); st.LogoType != "" || st.Name != "Hulme Hub" {
			t.Errorf("%s data: settings %+v", name, st)
		}
	}
}

func testDeleteOrganiserTakesSessionsAndTokens(t *testing.T, open Opener) {
	s := open(t).Stores
	o := &hub.Organiser{Email: "ada@example.org", Name: "Ada", Role: hub.RoleAdmin, PasswordHash: "h"}
	if err := s.Organisers.CreateOrganiser(ctx, o); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	if err := s.Sessions.CreateSession(ctx, &hub.Session{TokenHash: "abc", OrganiserID: o.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Tokens.CreateToken(ctx, &hub.APIToken{OrganiserID: o.ID, Name: "script", Hash: "hash1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Organisers.DeleteOrganiser(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tokens.FindTokenByHash(ctx, "hash1"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Error("token outlived its organiser")
	}
	if _, err := s.Sessions.FindSession(ctx, "abc", now); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Error("session outlived its organiser")
	}
	if _, err := s.Organisers.FindOrganiserByID(ctx, o.ID); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("deleted organiser found: %v", err)
	}
}
