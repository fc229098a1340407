package hub

import (
	"context"
	"time"
)

// Guide is a how-to write-up ("how we run our volunteer rota"). Every save
// is kept as a revision.
type Guide struct {
	ID        int64
	Slug      string
	Title     string
	Summary   string // plain text abstract
	Body      string // Markdown
	Tags      []string
	Revision  int // number of the latest revision, from 1
	CreatedAt time.Time
	UpdatedAt time.Time

	// AdaptedFrom is the peer's guide or case study this one builds on;
	// nil for none (adapted.go).
	AdaptedFrom *AdaptedFrom
	// AdaptedBy are other servers' adaptations of it, oldest first; read
	// only, filled on read.
	AdaptedBy []*Adaptation
}

// Validate checks and normalises a guide.
func (g *Guide) Validate() error {
	f := fieldErrors{}
	checkTitleSummary(f, &g.Title, &g.Summary)
	checkText(f, "body", "The guide text", g.Body, true, MaxBody)
	normaliseAndCheckTags(f, &g.Tags)
	return f.err("guide")
}

// GuideRevision is a snapshot of a guide as saved.
type GuideRevision struct {
	GuideID   int64
	Number    int
	Title     string
	Summary   string
	Body      string
	Tags      []string
	Author    string // name of the organiser who saved it, "" if unknown
	Note      string // e.g. "Restored from revision 3"
	CreatedAt time.Time
}

// GuideFilter selects guides. Zero fields do not filter.
type GuideFilter struct {
	Tag    string // tag slug
	Query  string // substring of the title
	Limit  int
	Offset int
}

// GuideStore keeps guides and their revisions. Missing guides or revisions
// give an ENOTFOUND *Error.
type GuideStore interface {
	FindGuideByID(ctx context.Context, id int64) (*Guide, error)
	FindGuideBySlug(ctx context.Context, slug string) (*Guide, error)
	// FindGuides returns guides newest first, with the total ignoring Limit/Offset.
	FindGuides(ctx context.Context, f GuideFilter) ([]*Guide, int, error)
	// CreateGuide stores the guide and rev as revision 1 in one transaction,
	// setting ID, unique Slug, Revision and timestamps.
	CreateGuide(ctx context.Context, g *Guide, rev *GuideRevision) error
	// UpdateGuide saves the guide and appends rev as its next revision in
	// one transaction, updating g.Revision and g.UpdatedAt.
	UpdateGuide(ctx context.Context, g *Guide, rev *GuideRevision) error
	DeleteGuide(ctx context.Context, id int64) error
	// FindGuideRevisions returns a guide's revisions, newest first.
	FindGuideRevisions(ctx context.Context, guideID int64) ([]*GuideRevision, error)
	FindGuideRevision(ctx context.Context, guideID int64, number int) (*GuideRevision, error)
}
