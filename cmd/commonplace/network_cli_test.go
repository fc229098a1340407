package main

import (
	"strings"
	"testing"
)

// settings set --area/--lat/--lon: the hub's area, coordinates checked,
// "" clears, a refusal changes nothing.
func TestSettingsSetArea(t *testing.T) {
	dir := t.TempDir()
	env := []string{"COMMONPLACE_DATA=" + dir}
	r := runCLI(t, dir, env, "", "settings", "set", "--area", "Hulme, Manchester", "--lat", "53.4668", "--lon", "-2.2489")
	if r.code != 0 || !strings.Contains(r.stdout, "Hulme, Manchester (53.4668, -2.2489)") {
		t.Fatalf("set: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, env, "", "settings", "set", "--lat", "north")
	if r.code == 0 || !strings.Contains(r.stderr, "Write the lat as a number of degrees") {
		t.Errorf("--lat north: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, env, "", "settings", "set", "--lat", "")
	if r.code == 0 || !strings.Contains(r.stderr, "Give both latitude and longitude") {
		t.Errorf("clearing only the latitude: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, env, "", "settings", "show", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"area": {`) || !strings.Contains(r.stdout, `"latitude": 53.4668`) {
		t.Errorf("refusals changed the area, or JSON lacks it:\n%s%s", r.stdout, r.stderr)
	}
	r = runCLI(t, dir, env, "", "settings", "set", "--answer-network-search=false")
	if r.code != 0 || !strings.Contains(r.stdout, "answers searches:   no") {
		t.Errorf("turning network search answers off: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, dir, env, "", "settings", "set", "--lat", "", "--lon", "", "--area", "Moss Side")
	if r.code != 0 || !strings.Contains(r.stdout, "Moss Side") || strings.Contains(r.stdout, "53.4668") {
		t.Errorf("clearing the coordinates: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
