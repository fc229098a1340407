package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// guides are how-to write-ups; every edit saves a revision.
var guides = &resource[hub.Guide, *guideFlags]{
	noun: "guide", listCmd: "guide list",
	bySlug:   (*hub.Service).GuideBySlug,
	newFlags: func() *guideFlags { return &guideFlags{} },
	create:   (*hub.Service).CreateGuide,
	updateWith: func(ctx context.Context, svc *hub.Service, g *hub.Guide, f *guideFlags) error {
		return svc.UpdateGuideWithNote(ctx, g, f.note)
	},
	id:     func(g *hub.Guide) int64 { return g.ID },
	remove: (*hub.Service).DeleteGuide,
	json:   func(enc apijson.Encoder, g *hub.Guide) any { return enc.Guide(g) },
	saved: func(verb string, g *hub.Guide) string {
		return fmt.Sprintf("%s guide %q (%s), revision %d.", verb, g.Title, g.Slug, g.Revision)
	},
	deleted: func(g *hub.Guide) string {
		return fmt.Sprintf("Deleted guide %q (%s) and its %d revisions.", g.Title, g.Slug, g.Revision)
	},
	picture: hub.OwnerGuide,
}

func guideCommand() *command {
	return group("guide", "Manage guides: how-to write-ups kept with every revision",
		&command{name: "list", summary: "List guides, newest first", json: true, readOnly: true, setup: guideList},
		&command{name: "show", args: "SLUG", nargs: 1, summary: "Show a guide, or one of its revisions", json: true, readOnly: true, setup: guideShow},
		guides.addCommand("Add a guide", ""),
		guides.editCommand("Change a guide, saving a new revision; only the flags given change", ""),
		guides.deleteCommand("Delete a guide and all its revisions"),
		&command{name: "revisions", args: "SLUG", nargs: 1, summary: "List a guide's revisions, newest first", json: true, readOnly: true, setup: guideRevisions},
		&command{name: "restore", args: "SLUG REVISION", nargs: 2, summary: "Make an old revision current again, as a new revision", json: true, setup: guideRestore},
	)
}

type guideFlags struct {
	title, summary, tags string
	body                 textFlag
	note                 string // edit only
	adaptedFrom          string
}

func (f *guideFlags) register(fs *flag.FlagSet, edit bool) {
	fs.StringVar(&f.title, "title", "", "the guide's `title`")
	fs.StringVar(&f.summary, "summary", "", "a short plain-text `summary`, shown in lists and on the fediverse")
	fs.StringVar(&f.tags, "tags", "", "comma-separated `topics`")
	f.body.register(fs, "body", "the guide `text` (Markdown)", "read the guide text from a `file` (- for standard input)")
	fs.StringVar(&f.adaptedFrom, "adapted-from", "", "the `address` (or ActivityPub id) of another hub's guide or case study this builds on; empty: none")
	if edit {
		fs.StringVar(&f.note, "note", "", "a short `note` on what changed, kept with the revision")
	}
}

func (f *guideFlags) apply(_ context.Context, e *env, _ *hub.Service, g *hub.Guide, _ bool) error {
	given(e, "title", &g.Title, f.title)
	given(e, "summary", &g.Summary, f.summary)
	given(e, "tags", &g.Tags, splitList(f.tags))
	given(e, "adapted-from", &g.AdaptedFrom, adaptedFromFlag(f.adaptedFrom))
	return f.body.apply(e, &g.Body)
}

func guideList(fs *flag.FlagSet, e *env) runFunc {
	var lf listFlags
	lf.register(fs, "guides", false)
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		list, total, err := svc.ListGuides(ctx, hub.GuideFilter{Tag: lf.tag, Query: lf.query, Limit: lf.limit, Offset: lf.offset})
		if err != nil {
			return err
		}
		return printList(ctx, e, list, guideListing.paged(lf.page(total)))
	})
}

func guideShow(fs *flag.FlagSet, e *env) runFunc {
	revision := fs.Int("revision", 0, "show revision `n` instead of the current text")
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		g, err := guides.find(ctx, svc, args[0])
		if err != nil {
			return err
		}
		if *revision != 0 {
			return showGuideRevision(ctx, e, svc, g, *revision)
		}
		if e.json {
			return e.printJSON(e.enc(ctx).Guide(g))
		}
		d := details{}
		d.add("slug", g.Slug)
		d.add("summary", g.Summary)
		d.add("topics", strings.Join(g.Tags, ", "))
		d.add("adapted from", adaptedFromLine(g.AdaptedFrom))
		d.add("revision", strconv.Itoa(g.Revision))
		d.add("updated", formatDate(g.UpdatedAt))
		e.printDetails(g.Title, d, g.Body)
		return nil
	})
}

// showGuideRevision prints one of a guide's revisions.
func showGuideRevision(ctx context.Context, e *env, svc *hub.Service, g *hub.Guide, number int) error {
	rev, err := svc.GuideRevision(ctx, g.ID, number)
	if err != nil {
		return revisionErr(err, g, number)
	}
	if e.json {
		return e.printJSON(e.enc(ctx).Revision(rev))
	}
	d := details{}
	d.add("revision", fmt.Sprintf("%d of %d", rev.Number, g.Revision))
	d.add("saved", formatDate(rev.CreatedAt))
	d.add("author", rev.Author)
	d.add("note", rev.Note)
	d.add("summary", rev.Summary)
	d.add("topics", strings.Join(rev.Tags, ", "))
	e.printDetails(rev.Title, d, rev.Body)
	return nil
}

// revisionErr says that a guide has no such revision, for ENOTFOUND.
func revisionErr(err error, g *hub.Guide, number int) error {
	if hub.ErrorCode(err) == hub.ENOTFOUND {
		return hub.Errorf(hub.ENOTFOUND, "The guide %q has no revision %d. List them with 'commonplace guide revisions %s'.", g.Slug, number, g.Slug)
	}
	return err
}

func guideRevisions(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		g, err := guides.find(ctx, svc, args[0])
		if err != nil {
			return err
		}
		revs, err := svc.GuideRevisions(ctx, g.ID)
		if err != nil {
			return err
		}
		return printList(ctx, e, revs, listing[*hub.GuideRevision]{
			header: "REVISION\tSAVED\tAUTHOR\tNOTE\tTITLE",
			row: func(w io.Writer, r *hub.GuideRevision) {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", r.Number, r.CreatedAt.Local().Format("2 Jan 2006 15:04"), orDash(r.Author), orDash(r.Note), r.Title)
			},
			json: func(enc apijson.Encoder, r *hub.GuideRevision) any { return enc.Revision(r) },
		})
	})
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
		g, err := guides.find(ctx, svc, args[0])
		if err != nil {
			return err
		}
		restored, err := svc.RestoreGuideRevision(ctx, g.ID, number)
		if err != nil {
			return revisionErr(err, g, number)
		}
		if e.json {
			return e.printJSON(e.enc(ctx).Guide(restored))
		}
		e.printf("Restored revision %d of %q as revision %d.\n", number, restored.Title, restored.Revision)
		return nil
	}
}

// guideListing prints guides as text.
var guideListing = listing[*hub.Guide]{
	empty:  "No guides found.",
	header: "SLUG\tREVISION\tUPDATED\tTITLE",
	row: func(w io.Writer, g *hub.Guide) {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", g.Slug, g.Revision, formatDate(g.UpdatedAt), g.Title)
	},
	json: func(enc apijson.Encoder, g *hub.Guide) any { return enc.Guide(g) },
}

// adaptedFromFlag is the original --adapted-from names, nil for none.
func adaptedFromFlag(v string) *hub.AdaptedFrom {
	if v = strings.TrimSpace(v); v == "" {
		return nil
	}
	return &hub.AdaptedFrom{ObjectID: v}
}

// adaptedFromLine says what an item is adapted from, "" for nothing.
func adaptedFromLine(a *hub.AdaptedFrom) string {
	if a == nil {
		return ""
	}
	return fmt.Sprintf("%q by %s (%s)", a.Title, a.Origin.DisplayName(), a.URL)
}
