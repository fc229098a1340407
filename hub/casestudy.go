package hub

import (
	"context"
	"strings"
	"time"
)

// CaseStudy is a structured account of what a group tried. Its sections are
// Markdown.
type CaseStudy struct {
	ID           int64
	Slug         string
	Title        string
	Summary      string // plain text abstract
	Problem      string // the problem
	Approach     string // what we tried
	Tools        string // tools used
	Outcome      string // what happened
	Lessons      string // what we would do differently
	Organisation string
	PlaceID      int64
	Place        *Place // filled on read
	Tags         []string
	Contact      string // how to reach the group: email, web address or a name
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// AdaptedFrom is the peer's guide or case study this one builds on;
	// nil for none (adapted.go).
	AdaptedFrom *AdaptedFrom
	// AdaptedBy are other servers' adaptations of it, oldest first; read
	// only, filled on read.
	AdaptedBy []*Adaptation
}

// CaseStudySection names a section for display, in reading order.
type CaseStudySection struct {
	Key, Heading, Text string
}

// Sections returns the non-empty sections with their headings, in order.
func (c *CaseStudy) Sections() []CaseStudySection {
	all := []CaseStudySection{
		{"problem", string(Msg("The problem")), c.Problem},
		{"approach", string(Msg("What we tried")), c.Approach},
		{"tools", string(Msg("Tools used")), c.Tools},
		{"outcome", string(Msg("What happened")), c.Outcome},
		{"lessons", string(Msg("What we would do differently")), c.Lessons},
	}
	var out []CaseStudySection
	for _, s := range all {
		if strings.TrimSpace(s.Text) != "" {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks and normalises a case study.
func (c *CaseStudy) Validate() error {
	f := fieldErrors{}
	checkTitleSummary(f, &c.Title, &c.Summary)
	checkText(f, "problem", "The problem", c.Problem, true, MaxBody)
	checkText(f, "approach", "What we tried", c.Approach, false, MaxBody)
	checkText(f, "tools", "Tools used", c.Tools, false, MaxBody)
	checkText(f, "outcome", "What happened", c.Outcome, false, MaxBody)
	checkText(f, "lessons", "What we would do differently", c.Lessons, false, MaxBody)
	checkText(f, "organisation", "Organisation", c.Organisation, false, MaxTitle)
	checkText(f, "contact", "Contact", c.Contact, false, MaxShort)
	normaliseAndCheckTags(f, &c.Tags)
	return f.err("case study")
}

// CaseStudyFilter selects case studies. Zero fields do not filter.
type CaseStudyFilter struct {
	Tag     string // tag slug
	PlaceID int64
	Query   string
	Limit   int
	Offset  int
}

// CaseStudyStore keeps case studies. Missing ones give an ENOTFOUND *Error.
type CaseStudyStore interface {
	FindCaseStudyByID(ctx context.Context, id int64) (*CaseStudy, error)
	FindCaseStudyBySlug(ctx context.Context, slug string) (*CaseStudy, error)
	// FindCaseStudies returns case studies newest first, with the total.
	FindCaseStudies(ctx context.Context, f CaseStudyFilter) ([]*CaseStudy, int, error)
	CreateCaseStudy(ctx context.Context, c *CaseStudy) error
	UpdateCaseStudy(ctx context.Context, c *CaseStudy) error
	DeleteCaseStudy(ctx context.Context, id int64) error
}
