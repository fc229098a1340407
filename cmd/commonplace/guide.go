package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/commonplace-hub/commonplace/hub"
)

func guideCommand() *command {
	return &command{
		name:    "guide",
		summary: "Manage guides: how-to write-ups kept with every revision",
		subs: []*command{
			{name: "list", summary: "List guides, newest first", json: true, readOnly: true, setup: guideList},
			{name: "show", args: "SLUG", nargs: 1, summary: "Show a guide, or one of its revisions", json: true, readOnly: true, setup: guideShow},
			{name: "add", summary: "Add a guide", json: true, setup: guideAdd},
			{name: "edit", args: "SLUG", nargs: 1, summary: "Change a guide, saving a new revision; only the flags given change", json: true, setup: guideEdit},
			{name: "delete", args: "SLUG", nargs: 1, summary: "Delete a guide and all its revisions", setup: guideDelete},
			{name: "revisions", args: "SLUG", nargs: 1, summary: "List a guide's revisions, newest first", json: true, readOnly: true, setup: guideRevisions},
			{name: "restore", args: "SLUG REVISION", nargs: 2, summary: "Make an old revision current again, as a new revision", json: true, setup: guideRestore},
		},
	}
}

type guideFlags struct {
	title, summary, tags, body, bodyFile string
}

func (f *guideFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.title, "title", "", "the guide's `title`")
	fs.StringVar(&f.summary, "summary", "", "a short plain-text `summary`, shown in lists and on the fediverse")
	fs.StringVar(&f.tags, "tags", "", "comma-separated `tags`")
	fs.StringVar(&f.body, "body", "", "the guide `text` (Markdown)")
	fs.StringVar(&f.bodyFile, "body-file", "", "read the guide text from a `file` (- for standard input)")
}

func (f *guideFlags) apply(e *env, g *hub.Guide) error {
	if e.isSet("title") {
		g.Title = f.title
	}
	if e.isSet("summary") {
		g.Summary = f.summary
	}
	if e.isSet("tags") {
		g.Tags = splitList(f.tags)
	}
	body, ok, err := e.readText("body", f.body, f.bodyFile)
	if err != nil {
		return err
	}
	if ok {
		g.Body = body
	}
	return nil
}

func findGuide(ctx context.Context, svc *hub.Service, slug string) (*hub.Guide, error) {
	g, err := svc.GuideBySlug(ctx, slug)
	return g, notFound(err, "guide", slug, "guide list")
}

func guideList(fs *flag.FlagSet, e *env) runFunc {
	tag := fs.String("tag", "", "only guides with this tag `slug`")
	query := fs.String("query", "", "only guides whose title contains this `text`")
	limit := fs.Int("limit", 100, "show at most `n` guides")
	offset := fs.Int("offset", 0, "skip the first `n` guides")
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		guides, total, err := svc.ListGuides(ctx, hub.GuideFilter{Tag: *tag, Query: *query, Limit: *limit, Offset: *offset})
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(nonNil(guides))
		}
		if len(guides) == 0 {
			e.printf("No guides found.\n")
			return nil
		}
		tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tREVISION\tUPDATED\tTITLE")
		for _, g := range guides {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", g.Slug, g.Revision, formatDate(g.UpdatedAt), g.Title)
		}
		tw.Flush()
		printTotal(e, len(guides), total, *offset, "guides")
		return nil
	}
}

func guideShow(fs *flag.FlagSet, e *env) runFunc {
	revision := fs.Int("revision", 0, "show revision `n` instead of the current text")
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		g, err := findGuide(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if *revision != 0 {
			rev, err := svc.GuideRevision(ctx, g.ID, *revision)
			if hub.ErrorCode(err) == hub.ENOTFOUND {
				return hub.Errorf(hub.ENOTFOUND, "The guide %q has no revision %d. List them with 'commonplace guide revisions %s'.", g.Slug, *revision, g.Slug)
			} else if err != nil {
				return err
			}
			if e.json {
				return e.printJSON(rev)
			}
			d := details{}
			d.add("revision", fmt.Sprintf("%d of %d", rev.Number, g.Revision))
			d.add("saved", formatDate(rev.CreatedAt))
			d.add("author", rev.Author)
			d.add("note", rev.Note)
			d.add("summary", rev.Summary)
			d.add("tags", strings.Join(rev.Tags, ", "))
			e.printDetails(rev.Title, d, rev.Body)
			return nil
		}
		if e.json {
			return e.printJSON(g)
		}
		d := details{}
		d.add("slug", g.Slug)
		d.add("summary", g.Summary)
		d.add("tags", strings.Join(g.Tags, ", "))
		d.add("revision", strconv.Itoa(g.Revision))
		d.add("updated", formatDate(g.UpdatedAt))
		e.printDetails(g.Title, d, g.Body)
		return nil
	}
}

func guideAdd(fs *flag.FlagSet, e *env) runFunc {
	var f guideFlags
	f.register(fs)
	return func(ctx context.Context, args []string) error {
		g := &hub.Guide{}
		if err := f.apply(e, g); err != nil {
			return err
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		if err := svc.CreateGuide(ctx, g); err != nil {
			return err
		}
		return e.savedGuide("Added", g)
	}
}

func (e *env) savedGuide(verb string, g *hub.Guide) error {
	if e.json {
		return e.printJSON(g)
	}
	e.printf("%s guide %q (%s), revision %d.\n", verb, g.Title, g.Slug, g.Revision)
	return nil
}

func guideEdit(fs *flag.FlagSet, e *env) runFunc {
	var f guideFlags
	f.register(fs)
	note := fs.String("note", "", "a short `note` on what changed, kept with the revision")
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		g, err := findGuide(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := f.apply(e, g); err != nil {
			return err
		}
		if err := svc.UpdateGuideWithNote(ctx, g, *note); err != nil {
			return err
		}
		return e.savedGuide("Saved", g)
	}
}

func guideDelete(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		g, err := findGuide(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if err := svc.DeleteGuide(ctx, g.ID); err != nil {
			return err
		}
		e.printf("Deleted guide %q (%s) and its %d revisions.\n", g.Title, g.Slug, g.Revision)
		return nil
	}
}

func guideRevisions(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		g, err := findGuide(ctx, svc, args[0])
		if err != nil {
			return err
		}
		revs, err := svc.GuideRevisions(ctx, g.ID)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(nonNil(revs))
		}
		tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "REVISION\tSAVED\tAUTHOR\tNOTE\tTITLE")
		for _, r := range revs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Number, r.CreatedAt.Local().Format("2 Jan 2006 15:04"), orDash(r.Author), orDash(r.Note), r.Title)
		}
		return tw.Flush()
	}
}

func guideRestore(fs *flag.FlagSet, e *env) runFunc {
	return func(ctx context.Context, args []string) error {
		number, err := strconv.Atoi(args[1])
		if err != nil || number <= 0 {
			return usagef("REVISION must be a revision number, as shown by 'commonplace guide revisions %s'", args[0])
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		g, err := findGuide(ctx, svc, args[0])
		if err != nil {
			return err
		}
		restored, err := svc.RestoreGuideRevision(ctx, g.ID, number)
		if hub.ErrorCode(err) == hub.ENOTFOUND {
			return hub.Errorf(hub.ENOTFOUND, "The guide %q has no revision %d. List them with 'commonplace guide revisions %s'.", g.Slug, number, g.Slug)
		} else if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(restored)
		}
		e.printf("Restored revision %d of %q as revision %d.\n", number, restored.Title, restored.Revision)
		return nil
	}
}
