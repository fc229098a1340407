package web_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// documentedErrors reads docs/API.md's table of error answers: each
// "| status | `CODE` | meaning |" row.
func documentedErrors(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| (\\d{3}) \\| `(E[A-Z]+)` \\|").FindAllStringSubmatch(string(b), -1)
	if len(rows) < 5 {
		t.Fatalf("docs/API.md documents only %d error answers", len(rows))
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r[1]+" "+r[2]] = true
	}
	return out
}

// TestErrorCodesAreDocumented: every error code the API can answer (the
// domain's codes in hub/errors.go and the API's own in hub/web) is in
// docs/API.md's table, and real answers of each status carry a code the
// table gives for that status.
func TestErrorCodesAreDocumented(t *testing.T) {
	documented := documentedErrors(t)
	codes := map[string]bool{}
	for code := range documented {
		codes[strings.Fields(code)[1]] = true
	}
	// Every code the source can answer.
	files, _ := filepath.Glob("*.go")
	files = append(files, "../errors.go")
	literal := regexp.MustCompile(`"(E[A-Z]{4,})"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if !codes[m[1]] {
				t.Errorf("%s can answer the code %s, which docs/API.md does not list", f, m[1])
			}
		}
	}

	// Real answers.
	th := newTestHub(t)
	th.seed()
	admin, editor, anonymous := th.apiClient(adminEmail), th.apiClient(editorEmail), &apiClient{th: th}
	send := func(method, path, ctype string, body []byte) (int, string) {
		req, _ := http.NewRequest(method, th.srv.URL+"/api/v1"+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin.token)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		r := th.do(http.DefaultClient, req)
		m := regexp.MustCompile(`"code":\s*"(E[A-Z]+)"`).FindStringSubmatch(r.body)
		if m == nil {
			return r.StatusCode, ""
		}
		return r.StatusCode, m[1]
	}
	check := func(what string, status int, code string) {
		t.Helper()
		if !documented[itoa(status)+" "+code] {
			t.Errorf("%s: answered %d %q, which docs/API.md's table does not list", what, status, code)
		}
	}
	st, body := anonymous.call("GET", "/me", nil)
	check("no token", st, errCode(body))
	st, body = editor.call("PUT", "/settings", map[string]any{"name": "x", "time_zone": "UTC", "language": "en", "accent_colour": "#000000"})
	check("an editor changing settings", st, errCode(body))
	st, body = admin.call("GET", "/events/999999", nil)
	check("no such event", st, errCode(body))
	st, body = admin.call("GET", "/no-such-endpoint", nil)
	check("no such endpoint", st, errCode(body))
	st, body = admin.call("POST", "/events", map[string]any{"title": ""})
	check("an invalid event", st, errCode(body))
	st, body = admin.call("POST", "/events", "{not json")
	check("a body that is not JSON", st, errCode(body))
	st, body = admin.call("POST", "/organisers", map[string]any{"email": adminEmail, "name": "Twice", "password": "a long enough password", "role": "editor"})
	check("a second organiser with the same email", st, errCode(body))
	st, code := send("DELETE", "/me", "", nil)
	check("a method the endpoint does not take", st, code)
	st, code = send("POST", "/events", "text/plain", []byte(`{}`))
	check("a body that is not JSON by its type", st, code)
	st, code = send("POST", "/events", "application/json", bytes.Repeat([]byte(" "), 2<<20))
	check("a body over the limit", st, code)
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
