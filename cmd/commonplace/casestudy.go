package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// caseStudies are write-ups of what a group tried and what happened.
var caseStudies = &resource[hub.CaseStudy, *caseStudyFlags]{
	noun: "case study", listCmd: "case-study list",
	bySlug:       (*hub.Service).CaseStudyBySlug,
	newFlags:     func() *caseStudyFlags { return &caseStudyFlags{} },
	flagsNeedHub: true,
	create:       (*hub.Service).CreateCaseStudy,
	update:       (*hub.Service).UpdateCaseStudy,
	id:           func(c *hub.CaseStudy) int64 { return c.ID },
	remove:       (*hub.Service).DeleteCaseStudy,
	show:         showCaseStudy,
	json:         func(enc apijson.Encoder, c *hub.CaseStudy) any { return enc.CaseStudy(c) },
	label:        func(c *hub.CaseStudy) (string, string) { return c.Title, c.Slug },
	picture:      hub.OwnerCaseStudy,
}

func caseStudyCommand() *command {
	return group("case-study", "Manage case studies: what a group tried and what happened",
		&command{name: "list", summary: "List case studies, newest first", json: true, readOnly: true, setup: caseStudyList},
		caseStudies.showCommand("Show a case study"),
		caseStudies.addCommand("Add a case study",
			"Sections are Markdown. Give a section's text, or read it from a file with\n--problem-file and so on (- for standard input)."),
		caseStudies.editCommand("Change a case study; only the flags given change", ""),
		caseStudies.deleteCommand("Delete a case study"),
	)
}

// caseStudySections are the Markdown sections, each with a -file variant.
var caseStudySections = []struct{ name, usage string }{
	{"problem", "the problem the group faced"},
	{"approach", "what they tried"},
	{"tools", "tools used"},
	{"outcome", "what happened"},
	{"lessons", "what they would do differently"},
}

type caseStudyFlags struct {
	title, summary, organisation, placeSlug, contact, tags string
	adaptedFrom                                            string
	sections                                               map[string]*textFlag
}

func (f *caseStudyFlags) register(fs *flag.FlagSet, _ bool) {
	fs.StringVar(&f.title, "title", "", "the case study's `title`")
	fs.StringVar(&f.summary, "summary", "", "a short plain-text `summary`")
	f.sections = map[string]*textFlag{}
	for _, s := range caseStudySections {
		f.sections[s.name] = &textFlag{}
		f.sections[s.name].register(fs, s.name, "`text` (Markdown): "+s.usage, "read --"+s.name+" from a `file`")
	}
	fs.StringVar(&f.organisation, "organisation", "", "the `name` of the group")
	fs.StringVar(&f.placeSlug, "place-slug", "", "where it happened: a place `slug` (see 'commonplace place list')")
	fs.StringVar(&f.contact, "contact", "", "how to reach the group: an email, web address or `name`")
	fs.StringVar(&f.tags, "tags", "", "comma-separated `topics`")
	fs.StringVar(&f.adaptedFrom, "adapted-from", "", "the `address` (or ActivityPub id) of another hub's case study or guide this builds on; empty: none")
}

func (f *caseStudyFlags) apply(ctx context.Context, e *env, svc *hub.Service, c *hub.CaseStudy, _ bool) error {
	given(e, "title", &c.Title, f.title)
	given(e, "summary", &c.Summary, f.summary)
	targets := map[string]*string{"problem": &c.Problem, "approach": &c.Approach, "tools": &c.Tools, "outcome": &c.Outcome, "lessons": &c.Lessons}
	for _, s := range caseStudySections {
		if err := f.sections[s.name].apply(e, targets[s.name]); err != nil {
			return err
		}
	}
	given(e, "organisation", &c.Organisation, f.organisation)
	given(e, "contact", &c.Contact, f.contact)
	given(e, "tags", &c.Tags, splitList(f.tags))
	given(e, "adapted-from", &c.AdaptedFrom, adaptedFromFlag(f.adaptedFrom))
	if e.isSet("place-slug") {
		slug := strings.TrimSpace(f.placeSlug)
		c.PlaceID, c.Place = 0, nil
		if slug != "" {
			p, err := svc.PlaceBySlug(ctx, slug)
			if hub.ErrorCode(err) == hub.ENOTFOUND {
				bad := map[string]string{"place_slug": fmt.Sprintf("There is no place %q. List places with 'commonplace place list'.", slug)}
				return withValidation(bad, "case study", func() error { cp := *c; return cp.Validate() })
			} else if err != nil {
				return err
			}
			c.PlaceID, c.Place = p.ID, p
		}
	}
	return nil
}

func caseStudyList(fs *flag.FlagSet, e *env) runFunc {
	var lf listFlags
	lf.register(fs, "case studies", true)
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		placeID, err := lf.placeID(ctx, svc)
		if err != nil {
			return err
		}
		f := hub.CaseStudyFilter{Tag: lf.tag, PlaceID: placeID, Query: lf.query, Limit: lf.limit, Offset: lf.offset}
		list, total, err := svc.ListCaseStudies(ctx, f)
		if err != nil {
			return err
		}
		return printList(ctx, e, list, caseStudyListing.paged(lf.page(total)))
	})
}

// showCaseStudy prints a case study with its sections.
func showCaseStudy(_ context.Context, e *env, _ *hub.Service, c *hub.CaseStudy) error {
	d := details{}
	d.add("slug", c.Slug)
	d.add("summary", c.Summary)
	d.add("organisation", c.Organisation)
	if c.Place != nil {
		d.add("place", c.Place.Name+" ("+c.Place.Slug+")")
	}
	d.add("contact", c.Contact)
	d.add("topics", strings.Join(c.Tags, ", "))
	d.add("adapted from", adaptedFromLine(c.AdaptedFrom))
	d.add("updated", formatDate(c.UpdatedAt))
	var body strings.Builder
	for _, s := range c.Sections() {
		fmt.Fprintf(&body, "## %s\n\n%s\n\n", s.Heading, strings.TrimSpace(s.Text))
	}
	e.printDetails(c.Title, d, body.String())
	return nil
}

// caseStudyListing prints case studies as text.
var caseStudyListing = listing[*hub.CaseStudy]{
	empty:  "No case studies found.",
	header: "SLUG\tORGANISATION\tUPDATED\tTITLE",
	row: func(w io.Writer, c *hub.CaseStudy) {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.Slug, orDash(c.Organisation), formatDate(c.UpdatedAt), c.Title)
	},
	json: func(enc apijson.Encoder, c *hub.CaseStudy) any { return enc.CaseStudy(c) },
}
