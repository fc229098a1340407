package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/commonplace-hub/commonplace/hub"
)

func caseStudyCommand() *command {
	return &command{
		name:    "case-study",
		summary: "Manage case studies: what a group tried and what happened",
		subs: []*command{
			{name: "list", summary: "List case studies, newest first", json: true, readOnly: true, setup: caseStudyList},
			{name: "show", args: "SLUG", nargs: 1, summary: "Show a case study", json: true, readOnly: true, setup: caseStudyShow},
			{name: "add", summary: "Add a case study", json: true, setup: caseStudyAdd,
				help: "Sections are Markdown. Give a section's text, or read it from a file with\n--problem-file and so on (- for standard input)."},
			{name: "edit", args: "SLUG", nargs: 1, summary: "Change a case study; only the flags given change", json: true, setup: caseStudyEdit},
			{name: "delete", args: "SLUG", nargs: 1, summary: "Delete a case study", setup: caseStudyDelete},
		},
	}
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
	text, files                                            map[string]*string
}

func (f *caseStudyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.title, "title", "", "the case study's `title`")
	fs.StringVar(&f.summary, "summary", "", "a short plain-text `summary`")
	f.text, f.files = map[string]*string{}, map[string]*string{}
	for _, s := range caseStudySections {
		f.text[s.name] = fs.String(s.name, "", "`text` (Markdown): "+s.usage)
		f.files[s.name] = fs.String(s.name+"-file", "", "read --"+s.name+" from a `file`")
	}
	fs.StringVar(&f.organisation, "organisation", "", "the `name` of the group")
	fs.StringVar(&f.placeSlug, "place-slug", "", "where it happened: a place `slug` (see 'commonplace place list')")
	fs.StringVar(&f.contact, "contact", "", "how to reach the group: an email, web address or `name`")
	fs.StringVar(&f.tags, "tags", "", "comma-separated `tags`")
}

func (f *caseStudyFlags) apply(ctx context.Context, e *env, svc *hub.Service, c *hub.CaseStudy) error {
	if e.isSet("title") {
		c.Title = f.title
	}
	if e.isSet("summary") {
		c.Summary = f.summary
	}
	targets := map[string]*string{"problem": &c.Problem, "approach": &c.Approach, "tools": &c.Tools, "outcome": &c.Outcome, "lessons": &c.Lessons}
	for _, s := range caseStudySections {
		text, ok, err := e.readText(s.name, *f.text[s.name], *f.files[s.name])
		if err != nil {
			return err
		}
		if ok {
			*targets[s.name] = text
		}
	}
	if e.isSet("organisation") {
		c.Organisation = f.organisation
	}
	if e.isSet("contact") {
		c.Contact = f.contact
	}
	if e.isSet("tags") {
		c.Tags = splitList(f.tags)
	}
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

func findCaseStudy(ctx context.Context, svc *hub.Service, slug string) (*hub.CaseStudy, error) {
	c, err := svc.CaseStudyBySlug(ctx, slug)
	return c, notFound(err, "case study", slug, "case-study list")
}

func caseStudyList(fs *flag.FlagSet, e *env) runFunc {
	tag := fs.String("tag", "", "only case studies with this tag `slug`")
	place := fs.String("place", "", "only case studies at this place `slug`")
	query := fs.String("query", "", "only case studies whose title contains this `text`")
	limit := fs.Int("limit", 100, "show at most `n` case studies")
	offset := fs.Int("offset", 0, "skip the first `n` case studies")
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		f := hub.CaseStudyFilter{Tag: *tag, Query: *query, Limit: *limit, Offset: *offset}
		if *place != "" {
			p, err := svc.PlaceBySlug(ctx, *place)
			if err != nil {
				return notFound(err, "place", *place, "place list")
			}
			f.PlaceID = p.ID
		}
		list, total, err := svc.ListCaseStudies(ctx, f)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(nonNil(list))
		}
		if len(list) == 0 {
			e.printf("No case studies found.\n")
			return nil
		}
		tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tORGANISATION\tUPDATED\tTITLE")
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Slug, orDash(c.Organisation), formatDate(c.UpdatedAt), c.Title)
		}
		tw.Flush()
		printTotal(e, len(list), total, *offset, "case studies")
		return nil
	}
}

func caseStudyShow(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		c, err := findCaseStudy(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(c)
		}
		d := details{}
		d.add("slug", c.Slug)
		d.add("summary", c.Summary)
		d.add("organisation", c.Organisation)
		if c.Place != nil {
			d.add("place", c.Place.Name+" ("+c.Place.Slug+")")
		}
		d.add("contact", c.Contact)
		d.add("tags", strings.Join(c.Tags, ", "))
		d.add("updated", formatDate(c.UpdatedAt))
		var body strings.Builder
		for _, s := range c.Sections() {
			fmt.Fprintf(&body, "## %s\n\n%s\n\n", s.Heading, strings.TrimSpace(s.Text))
		}
		e.printDetails(c.Title, d, body.String())
		return nil
	}
}

func caseStudyAdd(fs *flag.FlagSet, e *env) runFunc {
	var f caseStudyFlags
	f.register(fs)
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		c := &hub.CaseStudy{}
		if err := f.apply(ctx, e, svc, c); err != nil {
			return err
		}
		if err := svc.CreateCaseStudy(ctx, c); err != nil {
			return err
		}
		return e.savedCaseStudy("Added", c)
	}
}

func (e *env) savedCaseStudy(verb string, c *hub.CaseStudy) error {
	if e.json {
		return e.printJSON(c)
	}
	e.printf("%s case study %q (%s).\n", verb, c.Title, c.Slug)
	return nil
}

func caseStudyEdit(fs *flag.FlagSet, e *env) runFunc {
	var f caseStudyFlags
	f.register(fs)
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		c, err := findCaseStudy(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := f.apply(ctx, e, svc, c); err != nil {
			return err
		}
		if err := svc.UpdateCaseStudy(ctx, c); err != nil {
			return err
		}
		return e.savedCaseStudy("Saved", c)
	}
}

func caseStudyDelete(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		c, err := findCaseStudy(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := svc.DeleteCaseStudy(ctx, c.ID); err != nil {
			return err
		}
		e.printf("Deleted case study %q (%s).\n", c.Title, c.Slug)
		return nil
	}
}
