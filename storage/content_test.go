package storage_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

// TestGuideUpdateIsAtomic makes the revision insert fail and checks the
// guide itself did not change either.
func TestGuideUpdateIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	s := mustOpen(t, path).Stores()
	g := &hub.Guide{Title: "Rota", Body: "v1", Tags: []string{"volunteers"}}
	if err := s.Guides.CreateGuide(ctx, g, &hub.GuideRevision{Title: "Rota", Body: "v1"}); err != nil {
		t.Fatal(err)
	}
	// A stray revision 2 makes the next save's revision clash.
	raw := mustOpenRaw(t, path)
	if _, err := raw.Exec(`INSERT INTO guide_revisions (guide_id, number, title, body, created_at) VALUES (?, 2, 'stray', 'stray', 0)`, g.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	g.Body, g.Tags = "v2", []string{"changed"}
	if err := s.Guides.UpdateGuide(ctx, g, &hub.GuideRevision{Title: "Rota", Body: "v2"}); err == nil {
		t.Fatal("update succeeded despite the clashing revision")
	}
	got, _ := s.Guides.FindGuideByID(ctx, g.ID)
	if got.Body != "v1" || got.Revision != 1 || strings.Join(got.Tags, ",") != "volunteers" {
		t.Errorf("half-saved guide: %+v", got)
	}
	if _, err := s.Tags.FindTagBySlug(ctx, "changed"); hub.ErrorCode(err) != hub.ENOTFOUND {
		t.Errorf("tag of the failed save was kept: %v", err)
	}
}
