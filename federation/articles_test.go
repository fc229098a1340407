package federation_test

import (
	"testing"

	"github.com/commonplace-hub/commonplace/hub"
)

type hubGuide struct{ h *testHub }

func (g *hubGuide) create(t *testing.T) {
	t.Helper()
	if err := g.h.svc.CreateGuide(g.h.host(), &hub.Guide{Title: "Volunteer rota", Summary: "How we run a rota with a shared spreadsheet.",
		Body: "## Set up\n\nMake a sheet.", Tags: []string{"volunteering"}}); err != nil {
		t.Fatal(err)
	}
	if err := g.h.svc.CreateCaseStudy(g.h.host(), &hub.CaseStudy{Title: "Rota that works", Summary: "A rota story.",
		Problem: "Nobody knew who was on.", Approach: "A shared sheet.", Outcome: "Every shift filled.", Organisation: "Hulme Tenants"}); err != nil {
		t.Fatal(err)
	}
}
