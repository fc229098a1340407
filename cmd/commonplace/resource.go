package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
)

// The shapes every resource command shares: open the hub and run, find an
// item by slug with a helpful not-found, print JSON or text, list in
// aligned columns. A resource file (event.go, guide.go...) declares a
// resource with what is particular to it and builds its commands from it.

// hubRun is a command body that runs over the opened hub, in the host's
// context.
type hubRun func(ctx context.Context, svc *hub.Service, args []string) error

// withHub opens the hub, then runs body.
func (e *env) withHub(body hubRun) runFunc {
	return func(ctx context.Context, args []string) error {
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		return body(ctx, svc, args)
	}
}

// parseID reads a positive ID argument; a usage error says how to find
// one.
func parseID(arg, usage string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("%s", usage)
	}
	return id, nil
}

// withIDArg reads the ID argument (usage says how to find one), then
// opens the hub and runs body.
func (e *env) withIDArg(usage string, body func(ctx context.Context, svc *hub.Service, id int64) error) runFunc {
	return func(ctx context.Context, args []string) error {
		id, err := parseID(args[0], usage)
		if err != nil {
			return err
		}
		ctx, svc, err := e.open(ctx)
		if err != nil {
			return err
		}
		return body(ctx, svc, id)
	}
}

// itemFlags are the flags with which add and edit set an item's fields.
type itemFlags[T any] interface {
	// register defines the flags; edit adds those that only edit takes.
	register(fs *flag.FlagSet, edit bool)
	// apply copies the flags given onto item (every given one for a new
	// item; for an edit only given ones change). svc is nil for
	// resources whose flags need no hub (resource.flagsNeedHub false).
	apply(ctx context.Context, e *env, svc *hub.Service, item *T, isNew bool) error
}

// resource declares what is particular to one kind of item the CLI adds,
// shows, edits and deletes by slug. T is the hub type, F its flags.
type resource[T any, F itemFlags[T]] struct {
	noun    string // in messages: "case study"
	listCmd string // the command that lists them: "case-study list"

	bySlug   func(*hub.Service, context.Context, string) (*T, error)
	newFlags func() F
	// flagsNeedHub: applying the flags looks things up, so add opens the
	// hub first; otherwise the flags are applied first, and a faulty one
	// changes nothing, not even creating the database.
	flagsNeedHub bool
	create       func(*hub.Service, context.Context, *T) error
	update       func(*hub.Service, context.Context, *T) error
	// updateWith, if set, saves an edit instead of update, for edits
	// with flags of their own (guide edit --note).
	updateWith func(ctx context.Context, svc *hub.Service, item *T, f F) error
	id         func(*T) int64
	remove     func(*hub.Service, context.Context, int64) error
	// show prints an item as text; --json prints what json makes of it.
	show func(ctx context.Context, e *env, svc *hub.Service, item *T) error
	// json is the item as the API answers it (hub/apijson).
	json func(enc apijson.Encoder, item *T) any
	// label is the item's name (or title) and slug, for the lines printed
	// after add, edit and delete: `Added place "Hulme Library"
	// (hulme-library).`, `Deleted place ...`.
	label func(item *T) (name, slug string)
	// saved and deleted, when set, print those lines instead: saved
	// after add ("Added") and edit ("Saved"), deleted after delete.
	saved   func(verb string, item *T) string
	deleted func(item *T) string
	// picture, when set, is what the resource's pictures belong to: add
	// and edit then take --image, --image-alt and --image-focus.
	picture hub.PictureOwner
}

// savedLine is the line printed after add (verb "Added") or edit ("Saved").
func (r *resource[T, F]) savedLine(verb string, item *T) string {
	if r.saved != nil {
		return r.saved(verb, item)
	}
	name, slug := r.label(item)
	return fmt.Sprintf("%s %s %q (%s).", verb, r.noun, name, slug)
}

// deletedLine is the line printed after delete.
func (r *resource[T, F]) deletedLine(item *T) string {
	if r.deleted != nil {
		return r.deleted(item)
	}
	name, slug := r.label(item)
	return fmt.Sprintf("Deleted %s %q (%s).", r.noun, name, slug)
}

// pictureFlags registers the picture flags of a resource that has them.
func (r *resource[T, F]) pictureFlags(fs *flag.FlagSet, edit bool) *pictureFlags {
	if r.picture == "" {
		return nil
	}
	return registerPictureFlags(fs, edit)
}

// prepareIfAny checks a picture file before anything is saved.
func (p *pictureFlags) prepareIfAny() error {
	if p == nil {
		return nil
	}
	return p.prepare()
}

// checkBudget refuses a prepared picture that would take the hub's
// pictures over their budget, before anything is saved.
func (p *pictureFlags) checkBudget(ctx context.Context, svc *hub.Service, owner hub.PictureOwner, id int64) error {
	if p == nil {
		return nil
	}
	return svc.CheckPictureBudget(ctx, owner, id, p.up)
}

// saveIfAny applies the picture flags to a saved item.
func (p *pictureFlags) saveIfAny(ctx context.Context, e *env, svc *hub.Service, owner hub.PictureOwner, id int64) error {
	if p == nil {
		return nil
	}
	return p.save(ctx, e, svc, owner, id)
}

// find looks an item up by slug; ENOTFOUND says how to list them.
func (r *resource[T, F]) find(ctx context.Context, svc *hub.Service, slug string) (*T, error) {
	item, err := r.bySlug(svc, ctx, slug)
	return item, notFound(err, r.noun, slug, r.listCmd)
}

// showCommand is "show SLUG".
func (r *resource[T, F]) showCommand(summary string) *command {
	return &command{name: "show", args: "SLUG", nargs: 1, summary: summary, json: true, readOnly: true,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
				item, err := r.find(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if e.json {
					return e.printJSON(r.json(e.enc(ctx), item))
				}
				return r.show(ctx, e, svc, item)
			})
		}}
}

// addCommand is "add", with the resource's flags.
func (r *resource[T, F]) addCommand(summary, help string) *command {
	return &command{name: "add", summary: summary, help: help, json: true,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			f := r.newFlags()
			f.register(fs, false)
			pf := r.pictureFlags(fs, false)
			return func(ctx context.Context, args []string) error {
				if err := pf.prepareIfAny(); err != nil {
					return err
				}
				item := new(T)
				if !r.flagsNeedHub {
					if err := f.apply(ctx, e, nil, item, true); err != nil {
						return err
					}
				}
				ctx, svc, err := e.open(ctx)
				if err != nil {
					return err
				}
				if r.flagsNeedHub {
					if err := f.apply(ctx, e, svc, item, true); err != nil {
						return err
					}
				}
				if err := pf.checkBudget(ctx, svc, r.picture, 0); err != nil {
					return err
				}
				if err := r.create(svc, ctx, item); err != nil {
					return err
				}
				if err := pf.saveIfAny(ctx, e, svc, r.picture, r.id(item)); err != nil {
					return err
				}
				return e.printSaved(r.json(e.enc(ctx), item), r.savedLine("Added", item))
			}
		}}
}

// editCommand is "edit SLUG", with the resource's flags.
func (r *resource[T, F]) editCommand(summary, help string) *command {
	return &command{name: "edit", args: "SLUG", nargs: 1, summary: summary, help: help, json: true,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			f := r.newFlags()
			f.register(fs, true)
			pf := r.pictureFlags(fs, true)
			return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
				if err := pf.prepareIfAny(); err != nil {
					return err
				}
				item, err := r.find(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if err := f.apply(ctx, e, svc, item, false); err != nil {
					return err
				}
				if err := pf.checkBudget(ctx, svc, r.picture, r.id(item)); err != nil {
					return err
				}
				if err := r.save(ctx, svc, item, f); err != nil {
					return err
				}
				if err := pf.saveIfAny(ctx, e, svc, r.picture, r.id(item)); err != nil {
					return err
				}
				return e.printSaved(r.json(e.enc(ctx), item), r.savedLine("Saved", item))
			})
		}}
}

// save saves an edited item.
func (r *resource[T, F]) save(ctx context.Context, svc *hub.Service, item *T, f F) error {
	if r.updateWith != nil {
		return r.updateWith(ctx, svc, item, f)
	}
	return r.update(svc, ctx, item)
}

// deleteCommand is "delete SLUG".
func (r *resource[T, F]) deleteCommand(summary string) *command {
	return &command{name: "delete", args: "SLUG", nargs: 1, summary: summary,
		setup: func(fs *flag.FlagSet, e *env) runFunc {
			return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
				item, err := r.find(ctx, svc, args[0])
				if err != nil {
					return err
				}
				if err := r.remove(svc, ctx, r.id(item)); err != nil {
					return err
				}
				e.printf("%s\n", r.deletedLine(item))
				return nil
			})
		}}
}

// printSaved prints a saved item: its JSON with --json, else line.
func (e *env) printSaved(item any, line string) error {
	if e.json {
		return e.printJSON(item)
	}
	e.printf("%s\n", line)
	return nil
}

// listing says how a list command prints its items as text.
type listing[T any] struct {
	// empty is said when there are none; "" prints the bare header.
	empty  string
	header string // tab-separated column names
	row    func(w io.Writer, item T)
	// page, for a paged list, says how many there are beyond the page.
	page *listPage
	// json is an item as the API answers it (hub/apijson); nil when the
	// item is already in that shape (the commons' hub types).
	json func(enc apijson.Encoder, item T) any
}

// paged is l for one page of a longer list.
func (l listing[T]) paged(p *listPage) listing[T] {
	l.page = p
	return l
}

// listPage is where a page of results stands in the whole list.
type listPage struct {
	total, offset int
	plural        string
}

// printList prints items: with --json as a JSON array of the items as the
// API answers them (the API's list without its "items"/"total" wrapper),
// else as aligned columns under a header.
func printList[T any](ctx context.Context, e *env, items []T, l listing[T]) error {
	if e.json {
		if l.json == nil {
			return e.printJSON(nonNil(items))
		}
		enc := e.enc(ctx)
		return e.printJSON(apijson.Each(items, func(v T) any { return l.json(enc, v) }))
	}
	if len(items) == 0 && l.empty != "" {
		e.printf("%s\n", l.empty)
		return nil
	}
	tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, l.header)
	for _, item := range items {
		l.row(tw, item)
	}
	if l.page == nil {
		return tw.Flush()
	}
	tw.Flush()
	printTotal(e, len(items), l.page.total, l.page.offset, l.page.plural)
	return nil
}

// group is a command with subcommands.
func group(name, summary string, subs ...*command) *command {
	return &command{name: name, summary: summary, subs: subs}
}

// listSetup is the setup of a list command without flags of its own:
// fetch the items, print them as l says.
func listSetup[T any](fetch func(*hub.Service, context.Context) ([]T, error), l listing[T]) func(*flag.FlagSet, *env) runFunc {
	return func(fs *flag.FlagSet, e *env) runFunc {
		return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
			items, err := fetch(svc, ctx)
			if err != nil {
				return err
			}
			return printList(ctx, e, items, l)
		})
	}
}

// given sets *dst to value if the flag name was given: flags left out
// of an edit leave a field as it was.
func given[V any](e *env, name string, dst *V, value V) {
	if e.isSet(name) {
		*dst = value
	}
}

// listFlags are the filters and paging that event, guide and case study
// lists share.
type listFlags struct {
	tag, place, query string
	limit, offset     int
	plural            string
}

// register defines --tag, --query, --limit, --offset and, withPlace,
// --place, for a list of plural.
func (lf *listFlags) register(fs *flag.FlagSet, plural string, withPlace bool) {
	lf.plural = plural
	fs.StringVar(&lf.tag, "tag", "", "only "+plural+" on this topic (its `slug`)")
	if withPlace {
		fs.StringVar(&lf.place, "place", "", "only "+plural+" at this place `slug`")
	}
	fs.StringVar(&lf.query, "query", "", "only "+plural+" whose title contains this `text`")
	fs.IntVar(&lf.limit, "limit", 100, "show at most `n` "+plural)
	fs.IntVar(&lf.offset, "offset", 0, "skip the first `n` "+plural)
}

// placeID is the ID of the --place given, or 0.
func (lf *listFlags) placeID(ctx context.Context, svc *hub.Service) (int64, error) {
	if lf.place == "" {
		return 0, nil
	}
	p, err := places.find(ctx, svc, lf.place)
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// page says where a page of total results stands.
func (lf *listFlags) page(total int) *listPage {
	return &listPage{total: total, offset: lf.offset, plural: lf.plural}
}
