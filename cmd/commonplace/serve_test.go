package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/storage"
)

var adminLogin = regexp.MustCompile(`(?m)^Admin login: (http://\S+/admin/login)  email: (\S+)  password: (\S+)$`)

// checkLogin opens the hub's database and logs in, as the login page would.
func checkLogin(t *testing.T, data, email, password string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(data, dbFileName))
	if err != nil {
		t.Fatalf("reopening the database: %v", err)
	}
	defer db.Close()
	svc := hub.NewService(db.Stores(), nil)
	if _, _, err := svc.Login(ctx, email, password); err != nil {
		t.Fatalf("logging in as %s with the printed password: %v", email, err)
	}
}

func TestServeDemo(t *testing.T) {
	h := newHubDir(t)
	s := startServer(t, nil, "--demo", "--addr", "127.0.0.1:0", "--data", h.data)

	m := adminLogin.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no admin login line on stdout:\n%s", s.stdout)
	}
	_, port, _ := net.SplitHostPort(s.addr)
	if want := "http://localhost:" + port + "/admin/login"; m[1] != want {
		t.Errorf("login URL = %s, want %s", m[1], want)
	}
	if m[2] != demoAdminEmail {
		t.Errorf("login email = %s, want %s", m[2], demoAdminEmail)
	}
	firstPassword := m[3]
	if len(firstPassword) < hub.MinPasswordLength {
		t.Errorf("password %q is shorter than %d characters", firstPassword, hub.MinPasswordLength)
	}
	if !strings.Contains(s.stderr.String(), "url=http://localhost:"+port) {
		t.Errorf("listening log does not give the URL:\n%s", s.stderr)
	}

	start := time.Now()
	if code := s.stop(10 * time.Second); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0\nstderr:\n%s", code, s.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", s.stderr)
	}

	// The database reopens, with the demo content and a working login.
	checkLogin(t, h.data, demoAdminEmail, firstPassword)
	var events []apijson.Event
	h.okJSON(&events, "event", "list")
	if len(events) < 8 {
		t.Errorf("demo has %d events, want at least 8", len(events))
	}
	var upcoming []apijson.Occurrence
	h.okJSON(&upcoming, "event", "list", "--occurrences")
	if len(upcoming) < 10 {
		t.Errorf("demo has %d occurrences in the next three months, want plenty", len(upcoming))
	}
	var guides []apijson.Guide
	h.okJSON(&guides, "guide", "list")
	if len(guides) != 3 {
		t.Errorf("demo has %d guides, want 3", len(guides))
	}
	var revs []apijson.Revision
	h.okJSON(&revs, "guide", "revisions", "running-a-digital-drop-in-session")
	if len(revs) != 2 {
		t.Errorf("drop-in guide has %d revisions, want 2", len(revs))
	}
	var studies []apijson.CaseStudy
	h.okJSON(&studies, "case-study", "list")
	if len(studies) != 3 {
		t.Errorf("demo has %d case studies, want 3", len(studies))
	}
	for _, c := range studies {
		hc := hub.CaseStudy{Problem: c.Problem, Approach: c.Approach, Tools: c.Tools, Outcome: c.Outcome, Lessons: c.Lessons}
		if len(hc.Sections()) != 5 {
			t.Errorf("case study %q has %d sections filled, want 5", c.Title, len(hc.Sections()))
		}
	}
	var places []apijson.Place
	h.okJSON(&places, "place", "list")
	if len(places) != 4 {
		t.Errorf("demo has %d places, want 4", len(places))
	}
	var settings apijson.Settings
	h.okJSON(&settings, "settings", "show")
	if settings.Name != "Hulme Community Hub" {
		t.Errorf("hub name = %q", settings.Name)
	}
	// The text output a host reads.
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"event", "list"}, []string{"SLUG  ", "digital-drop-in", "Every week on Tuesday", "Every month on the first Thursday", "Stretford Road Library"}},
		{[]string{"event", "list", "--occurrences"}, []string{"WHEN  ", "Food bank volunteering session"}},
		{[]string{"event", "show", "community-fun-day"}, []string{"all day", "Friends of Hulme Park"}},
		{[]string{"guide", "list"}, []string{"running-a-digital-drop-in-session  2 "}},
		{[]string{"guide", "show", "setting-up-a-community-fridge"}, []string{"## Step by step"}},
		{[]string{"case-study", "list"}, []string{"Hulme Food Network"}},
		{[]string{"case-study", "show", "winning-repairs-through-a-tenants-union"}, []string{"## The problem", "## What we would do differently"}},
		{[]string{"place", "list"}, []string{"hulme-park-pavilion-cafe", "M15 5RG"}},
		{[]string{"place", "show", "hulme-community-centre"}, []string{"coordinates:", "coming up:", "Food bank volunteering session"}},
		{[]string{"tag", "list"}, []string{"digital-skills", "Getting online"}},
		{[]string{"organiser", "list"}, []string{"admin@example.org", "admin"}},
		{[]string{"settings", "show"}, []string{"Hulme Community Hub", "Europe/London"}},
	} {
		out := h.ok(c.args...)
		for _, want := range c.want {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", strings.Join(c.args, " "), want, out)
			}
		}
	}

	// A second demo start adds nothing but prints a new password that works.
	s = startServer(t, nil, "--demo", "--addr", "127.0.0.1:0", "--data", h.data)
	m = adminLogin.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no admin login line on the second start:\n%s", s.stdout)
	}
	if m[3] == firstPassword {
		t.Error("the second start printed the same password")
	}
	if code, _ := s.get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code := s.stop(10 * time.Second); code != 0 {
		t.Fatalf("second serve exited %d", code)
	}
	checkLogin(t, h.data, demoAdminEmail, m[3])
	var again []apijson.Event
	h.okJSON(&again, "event", "list")
	if len(again) != len(events) {
		t.Errorf("second demo start changed the event count from %d to %d", len(events), len(again))
	}
}

func TestServeWithoutOrganisersSaysHowToAddOne(t *testing.T) {
	h := newHubDir(t)
	s := startServer(t, nil, "--addr", "127.0.0.1:0", "--data", h.data)
	if out := s.stdout.String(); !strings.Contains(out, "commonplace organiser add --admin") {
		t.Errorf("stdout does not say how to add an organiser:\n%s", out)
	}
	if code := s.stop(10 * time.Second); code != 0 {
		t.Fatalf("exit %d", code)
	}
	h.ok("organiser", "add", "--email", "sam@example.org", "--name", "Sam", "--password", "correct horse battery")
	s = startServer(t, nil, "--addr", "127.0.0.1:0", "--data", h.data)
	if out := s.stdout.String(); strings.Contains(out, "organiser add") {
		t.Errorf("stdout still asks for an organiser:\n%s", out)
	}
	s.stop(10 * time.Second)

	// --demo on a hub with organisers adds the demo admin beside them.
	s = startServer(t, nil, "--demo", "--addr", "127.0.0.1:0", "--data", h.data)
	m := adminLogin.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no admin login line:\n%s", s.stdout)
	}
	s.stop(10 * time.Second)
	checkLogin(t, h.data, demoAdminEmail, m[3])
	checkLogin(t, h.data, "sam@example.org", "correct horse battery")
}

func TestServePortBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	h := newHubDir(t)
	s := tryServer(t, nil, "--addr", ln.Addr().String(), "--data", h.data)
	if s.addr != "" {
		t.Fatalf("serve claims to listen on a busy address %s", s.addr)
	}
	if code := s.wait(10 * time.Second); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if msg := s.stderr.String(); !strings.Contains(msg, "already in use") || !strings.Contains(msg, ln.Addr().String()) {
		t.Errorf("stderr does not explain the busy address:\n%s", msg)
	}
}

func TestServeSettingsPrecedence(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	config := filepath.Join(dir, "commonplace.toml")
	configData := filepath.Join(dir, "config-data")
	writeFile(t, config, "data = '"+configData+"'\naddr = '"+busy.Addr().String()+"'\nurl = 'https://config.example'\n")

	t.Run("config file applies", func(t *testing.T) {
		s := tryServer(t, []string{"COMMONPLACE_CONFIG=" + config})
		if s.addr != "" {
			t.Fatal("listened although the config names a busy address")
		}
		if msg := s.stderr.String(); !strings.Contains(msg, busy.Addr().String()) {
			t.Errorf("stderr does not name the configured address:\n%s", msg)
		}
	})
	flagData := filepath.Join(dir, "flag-data")
	for _, c := range []struct {
		name, urlFrom, url, dataFrom, data string
		env, args                          []string
	}{
		{"environment wins over config", "env", "https://env.example", "the configured data folder", configData,
			[]string{"COMMONPLACE_CONFIG=" + config, "COMMONPLACE_ADDR=127.0.0.1:0", "COMMONPLACE_URL=https://env.example"}, nil},
		{"flags win over environment", "flag", "https://flag.example/hub", "the --data folder", flagData,
			[]string{"COMMONPLACE_CONFIG=" + config, "COMMONPLACE_ADDR=" + busy.Addr().String(), "COMMONPLACE_URL=https://env.example"},
			[]string{"--addr", "127.0.0.1:0", "--url", "https://flag.example/hub", "--data", flagData}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t, c.env, c.args...)
			if !strings.Contains(s.stderr.String(), "url="+c.url) {
				t.Errorf("%s URL not used:\n%s", c.urlFrom, s.stderr)
			}
			s.stop(10 * time.Second)
			if _, err := os.Stat(filepath.Join(c.data, dbFileName)); err != nil {
				t.Errorf("database not in %s: %v", c.dataFrom, err)
			}
		})
	}
	t.Run("data folder for other commands", func(t *testing.T) {
		envData := filepath.Join(dir, "env-data")
		flagData := filepath.Join(dir, "cli-flag-data")
		r := runCLI(t, dir, []string{"COMMONPLACE_DATA=" + envData}, "", "settings", "set", "--name", "From flag", "--data", flagData)
		if r.code != 0 {
			t.Fatalf("settings set: %d %s", r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(envData, dbFileName)); err == nil {
			t.Error("a database was made in COMMONPLACE_DATA although --data was given")
		}
		r = runCLI(t, dir, []string{"COMMONPLACE_DATA=" + flagData}, "", "settings", "show")
		if r.code != 0 || !strings.Contains(r.stdout, "From flag") {
			t.Errorf("COMMONPLACE_DATA not used: %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.toml")
		writeFile(t, bad, "adress = '127.0.0.1:0'\n")
		r := runCLI(t, dir, nil, "", "settings", "show", "--config", bad)
		if r.code != 1 || !strings.Contains(r.stderr, "unknown keys: adress") {
			t.Errorf("unknown config key: exit %d\n%s", r.code, r.stderr)
		}
		if s := tryServer(t, nil, "--config", bad); s.wait(10*time.Second) != exitCannotRun || !strings.Contains(s.stderr.String(), "unknown keys: adress") {
			t.Errorf("serve with an unknown config key: exit %d\n%s", s.code, s.stderr)
		}
	})
	t.Run("bad url", func(t *testing.T) {
		s := tryServer(t, nil, "--addr", "127.0.0.1:0", "--url", "hub.example", "--data", filepath.Join(dir, "d"))
		// Exit 3: restarting cannot help, so systemd does not retry.
		if s.wait(10*time.Second) != exitCannotRun || !strings.Contains(s.stderr.String(), "public URL") {
			t.Errorf("bad --url: exit %d\n%s", s.code, s.stderr)
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
