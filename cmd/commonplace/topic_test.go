package main

import (
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// topic add makes a topic before any content uses it; topic list, show,
// edit and delete manage it; tag is still the same command, and help
// says so. A duplicate is an error that changes nothing.
func TestTopicCommands(t *testing.T) {
	h := newHubDir(t)

	if out := h.ok("topic", "add", "Digital skills", "--description", "Phones, tablets and forms."); out != "Added topic \"Digital skills\" (digital-skills).\n" {
		t.Errorf("topic add said %q", out)
	}
	var added apijson.Topic
	h.okJSON(&added, "tag", "add", "Food bank") // the old name still works
	if added.Slug != "food-bank" || added.Name != "Food bank" || added.ID == 0 || added.Uses != 0 {
		t.Errorf("tag add --json = %+v", added)
	}

	stderr := h.fail(1, "topic", "add", "DIGITAL SKILLS!", "--description", "again")
	if !strings.Contains(stderr, "There is already a topic “Digital skills” (slug digital-skills).") || !strings.Contains(stderr, "  name: ") {
		t.Errorf("duplicate topic:\n%s", stderr)
	}
	if stderr := h.fail(1, "topic", "add", " "); !strings.Contains(stderr, "  name: ") {
		t.Errorf("empty name:\n%s", stderr)
	}
	h.fail(2, "topic", "add")
	h.fail(2, "topic", "add", "One", "Two")

	var list []apijson.Topic
	h.okJSON(&list, "topic", "list")
	var viaAlias []apijson.Topic
	h.okJSON(&viaAlias, "tag", "list")
	if len(list) != 2 || list[0].Slug != "digital-skills" || list[0].Description != "Phones, tablets and forms." || list[1].Slug != "food-bank" {
		t.Fatalf("topic list = %+v", list)
	}
	if len(viaAlias) != len(list) || viaAlias[0] != list[0] || viaAlias[1] != list[1] {
		t.Errorf("tag list = %+v, want topic list's %+v", viaAlias, list)
	}
	if out := h.ok("topic", "list"); !strings.Contains(out, "digital-skills") || !strings.Contains(out, "Phones, tablets and forms.") {
		t.Errorf("topic list as text:\n%s", out)
	}

	// Content tagged with the topic's name uses it.
	h.ok("guide", "add", "--title", "Running a drop-in", "--body", "Book the room.", "--tags", "digital skills")
	if out := h.ok("topic", "show", "digital-skills"); !strings.Contains(out, "Digital skills\n") || !strings.Contains(out, "used by:  1 items") {
		t.Errorf("topic show:\n%s", out)
	}

	var edited apijson.Topic
	h.okJSON(&edited, "tag", "edit", "food-bank", "--description", "Wednesdays")
	if edited.Slug != "food-bank" || edited.Description != "Wednesdays" || edited.Name != "Food bank" {
		t.Errorf("tag edit = %+v", edited)
	}
	if out := h.ok("tag", "delete", "food-bank"); !strings.Contains(out, `Deleted topic "Food bank" (food-bank).`) {
		t.Errorf("tag delete said %q", out)
	}
	if stderr := h.fail(1, "topic", "show", "food-bank"); !strings.Contains(stderr, "commonplace topic list") {
		t.Errorf("deleted topic:\n%s", stderr)
	}

	// Help names the topic command and its old name.
	for _, args := range [][]string{{"help"}, {"topic", "--help"}, {"tag", "--help"}} {
		r := runCLI(t, t.TempDir(), nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "add NAME") || !strings.Contains(r.stdout, "older name 'tag'") {
			t.Errorf("commonplace %s:\n%s", strings.Join(args, " "), r.stdout)
		}
	}
	if r := runCLI(t, t.TempDir(), nil, "", "topic", "add", "--help"); r.code != 0 || !strings.Contains(r.stdout, "commonplace topic add NAME [flags]") || !strings.Contains(r.stdout, "--description TEXT") {
		t.Errorf("topic add --help:\n%s", r.stdout)
	}
}
