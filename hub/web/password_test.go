package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/web"
)

const newPassword = "a brand new password"

// passwordHub is a test hub whose login throttling neither refuses nor
// sleeps, as these tests log in many times from one address to check
// which password works.
func passwordHub(t *testing.T) *testHub {
	th, _ := throttledHub(t, func(c *web.Config) { c.LoginRate = 10_000 })
	return th
}

// canLogIn reports whether email and password log in, from a fresh client.
func (th *testHub) canLogIn(email, password string) bool {
	th.t.Helper()
	r := th.postForm(th.client(), "/admin/login", url.Values{"email": {email}, "password": {password}})
	return r.StatusCode == http.StatusSeeOther
}

func (th *testHub) organiserID(email string) int64 {
	th.t.Helper()
	o, err := th.svc.Stores.Organisers.FindOrganiserByEmail(context.Background(), email)
	if err != nil {
		th.t.Fatal(err)
	}
	return o.ID
}

// Someone holding an organiser's session (a borrowed laptop, a stolen
// cookie) cannot change the password, and so take over the login, without
// the current one.
func TestPasswordChangeFormNeedsTheCurrentPassword(t *testing.T) {
	th := passwordHub(t)
	c, tok := th.signIn(editorEmail)
	if r := th.get(c, "/admin/account"); !strings.Contains(r.body, `name="current_password"`) || !strings.Contains(r.body, `autocomplete="current-password"`) {
		t.Error("the form does not ask for the current password")
	}
	for _, tt := range []struct {
		name, current, want string
	}{
		{"without the current password", "", "Enter your current password"},
		{"with a wrong current password", "guess guess guess", "That is not your current password"},
		{"with the new password as the current one", newPassword, "That is not your current password"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"csrf": {tok}, "password": {newPassword}, "password_again": {newPassword}}
			if tt.current != "" {
				form.Set("current_password", tt.current)
			}
			r := th.postForm(c, "/admin/account/password", form)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) {
				t.Fatalf("status %d, want 422 with %q", r.StatusCode, tt.want)
			}
			if !strings.Contains(r.body, `id="f-current-password-error"`) || !strings.Contains(r.body, `href="#f-current-password"`) {
				t.Error("the message is not tied to the current-password field")
			}
			if strings.Contains(r.body, newPassword) || (tt.current != "" && strings.Contains(r.body, tt.current)) {
				t.Error("a password was echoed back into the page")
			}
			if th.canLogIn(editorEmail, newPassword) || !th.canLogIn(editorEmail, adminPassword) {
				t.Fatal("the password changed")
			}
			if r := th.get(c, "/admin"); r.StatusCode != http.StatusOK {
				t.Errorf("the session ended although nothing changed: %d", r.StatusCode)
			}
		})
	}
	// The right one.
	r := th.postForm(c, "/admin/account/password", url.Values{"csrf": {tok}, "current_password": {adminPassword}, "password": {newPassword}, "password_again": {newPassword}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login?changed=1" {
		t.Fatalf("with the current password: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if !th.canLogIn(editorEmail, newPassword) || th.canLogIn(editorEmail, adminPassword) {
		t.Error("the password did not change")
	}
}

// An admin's session cannot change the admin's own password through the
// organiser form either (which sets others' passwords without their old
// one); it can still reset another organiser's.
func TestOrganiserFormCannotSetYourOwnPassword(t *testing.T) {
	th := passwordHub(t)
	c, tok := th.signIn(adminEmail)
	me := th.organiserID(adminEmail)
	r := th.postForm(c, fmt.Sprintf("/admin/organisers/%d/edit", me), url.Values{"csrf": {tok}, "email": {adminEmail}, "name": {"Renamed"}, "role": {"admin"}, "password": {newPassword}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "current") {
		t.Fatalf("own password through the organiser form: %d, want 422 pointing to the current password", r.StatusCode)
	}
	if th.canLogIn(adminEmail, newPassword) || !th.canLogIn(adminEmail, adminPassword) {
		t.Fatal("the admin's own password changed")
	}
	if o, _ := th.svc.Stores.Organisers.FindOrganiserByID(context.Background(), me); o.Name == "Renamed" {
		t.Error("the rest of the form was saved although it was refused")
	}
	// Resetting someone else's, for someone who forgot theirs: allowed.
	r = th.postForm(c, fmt.Sprintf("/admin/organisers/%d/edit", th.organiserID(editorEmail)), url.Values{"csrf": {tok}, "email": {editorEmail}, "name": {"Eddie Editor"}, "role": {"editor"}, "password": {newPassword}})
	if r.StatusCode != http.StatusSeeOther || !th.canLogIn(editorEmail, newPassword) {
		t.Errorf("an admin resetting an editor's password: %d", r.StatusCode)
	}
}

// An API token is not the login: with the token alone the password cannot
// be changed, for editors and admins alike. Admins may still reset other
// organisers' passwords.
func TestAPIPasswordChangeNeedsTheCurrentPassword(t *testing.T) {
	th := passwordHub(t)
	for _, who := range []string{editorEmail, adminEmail} {
		t.Run(who, func(t *testing.T) {
			a := th.apiClient(who)
			id := th.organiserID(who)
			_, me := a.call("GET", "/me", nil)
			for _, tt := range []struct {
				name    string
				current any
				want    string
			}{
				{"without current_password", nil, "Enter your current password"},
				{"with a wrong one", "guess guess guess", "That is not your current password"},
				{"with an empty one", "", "Enter your current password"},
			} {
				body := map[string]any{"email": who, "name": "Taken over", "role": me["role"], "password": newPassword}
				if tt.current != nil {
					body["current_password"] = tt.current
				}
				st, out := a.call("PUT", fmt.Sprintf("/organisers/%d", id), body)
				if st != http.StatusUnprocessableEntity || errCode(out) != hub.EINVALID || !strings.Contains(fmt.Sprint(errFields(out)["current_password"]), tt.want) {
					t.Errorf("%s: %d %v, want 422 with current_password %q", tt.name, st, out, tt.want)
				}
				if th.canLogIn(who, newPassword) || !th.canLogIn(who, adminPassword) {
					t.Fatalf("%s: the password changed", tt.name)
				}
				if _, me := a.call("GET", "/me", nil); me["name"] == "Taken over" {
					t.Errorf("%s: the rest of the change was saved although it was refused", tt.name)
				}
			}
			st, out := a.call("PUT", fmt.Sprintf("/organisers/%d", id), map[string]any{"email": who, "name": me["name"], "role": me["role"], "password": newPassword, "current_password": adminPassword})
			if st != http.StatusOK || out["current_password"] != nil || out["password"] != nil {
				t.Fatalf("with the current password: %d %v", st, out)
			}
			if !th.canLogIn(who, newPassword) || th.canLogIn(who, adminPassword) {
				t.Error("the password did not change")
			}
		})
	}
	// The admin (password now newPassword) resets the editor's without it.
	a := th.apiClient(adminEmail)
	st, out := a.call("PUT", fmt.Sprintf("/organisers/%d", th.organiserID(editorEmail)), map[string]any{"email": editorEmail, "name": "Eddie Editor", "role": "editor", "password": "reset by the admin"})
	if st != http.StatusOK || !th.canLogIn(editorEmail, "reset by the admin") {
		t.Errorf("admin reset: %d %v", st, out)
	}
	// An editor cannot reset anyone else's.
	e := th.apiClient(editorEmail)
	if st, _ := e.call("PUT", fmt.Sprintf("/organisers/%d", th.organiserID(adminEmail)), map[string]any{"email": adminEmail, "name": "Ada Admin", "role": "admin", "password": "taken over at last"}); st != http.StatusForbidden {
		t.Errorf("an editor setting the admin's password: %d, want 403", st)
	}
	if th.canLogIn(adminEmail, "taken over at last") {
		t.Error("an editor's token changed the admin's password")
	}
}

// A token holder guessing the current password through the API is
// throttled like a login: per client, and counted against the account.
func TestAPICurrentPasswordGuessesAreThrottled(t *testing.T) {
	th, clock := throttledHub(t)
	a := th.apiClient(editorEmail)
	path := fmt.Sprintf("/organisers/%d", th.organiserID(editorEmail))
	codes := map[int]int{}
	for i := range 15 {
		st, out := a.call("PUT", path, map[string]any{"email": editorEmail, "name": "Eddie Editor", "role": "editor", "password": newPassword, "current_password": fmt.Sprintf("guess number %d", i)})
		codes[st]++
		if st == http.StatusTooManyRequests && (errCode(out) != hub.ETOOMANY || !strings.Contains(fmt.Sprint(out), "Please wait")) {
			t.Errorf("429 with %v", out)
		}
	}
	if codes[http.StatusUnprocessableEntity] != 10 || codes[http.StatusTooManyRequests] != 5 {
		t.Errorf("15 guesses from one client: %v, want 10 checked (422) and 5 refused (429)", codes)
	}
	req, _ := http.NewRequest("PUT", th.srv.URL+"/api/v1"+path, strings.NewReader(`{"email":"`+editorEmail+`","name":"Eddie Editor","role":"editor","password":"`+newPassword+`","current_password":"`+adminPassword+`"}`))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	if r := th.do(http.DefaultClient, req); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("the right password from a client over its limit: %d, Retry-After %q; want 429 with it", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if waits := clock.takeWaits(); len(waits) < 4 {
		t.Errorf("the account's failures slowed %d later attempts, want every one after the fifth failure", len(waits))
	}
	clock.advance(time.Hour)
	if !th.canLogIn(editorEmail, adminPassword) {
		t.Error("the editor's password changed")
	}
}
