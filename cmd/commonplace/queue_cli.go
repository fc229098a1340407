package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/commonplace-hub/commonplace/hub"
	"github.com/commonplace-hub/commonplace/hub/apijson"
	"github.com/commonplace-hub/commonplace/hub/remotehtml"
)

// The moderation queue from the command line. Suggestions are named s1,
// s2..., reports r1, r2..., pictures that need a description p1, p2...,
// replies held for review c1, c2..., as 'queue list' shows them.

func queueCommand() *command {
	return group("queue", "The moderation queue: readers' event suggestions, reports from other servers, replies held for review and pictures that need a description",
		&command{name: "list", summary: "List what waits for an organiser (--all: decided ones too)", json: true, readOnly: true, setup: queueList},
		&command{name: "show", args: "sID|rID|cID|pID", nargs: 1, summary: "Show one suggestion, report, held reply or picture", json: true, readOnly: true, setup: queueShow},
		&command{name: "approve", args: "sID|cID", nargs: 1, summary: "Publish a suggestion as suggested (edit it afterwards with 'event edit'), or show a held reply", setup: queueApprove},
		&command{name: "reject", args: "sID|cID", nargs: 1, summary: "Turn a suggestion down (its email is deleted), or delete a held reply", setup: queueReject},
		&command{name: "resolve", args: "rID", nargs: 1, summary: "Close a report, optionally deleting the reported comments and blocking their servers", setup: queueResolve},
		&command{name: "dismiss", args: "rID", nargs: 1, summary: "Close a report without acting", setup: queueDismiss},
		&command{name: "describe", args: "pID TEXT", nargs: 2, summary: "Describe a picture (its alt text), which takes it out of the queue", setup: queueDescribe},
	)
}

// queueID reads s12, r3, c5 or p4: which list, and the number.
func queueID(arg string) (kind byte, id int64, err error) {
	if len(arg) > 1 && strings.IndexByte("srcp", arg[0]) >= 0 {
		if id, err := strconv.ParseInt(arg[1:], 10, 64); err == nil && id > 0 {
			return arg[0], id, nil
		}
	}
	return 0, 0, usagef("%q is not a queue entry: give s and a suggestion's number, r and a report's, c and a held reply's or p and a picture's, as 'commonplace queue list' shows them", arg)
}

func queueList(fs *flag.FlagSet, e *env) runFunc {
	all := fs.Bool("all", false, "also list decided suggestions and reports, and reports sent")
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		sState, rState := hub.SuggestionPending, hub.ReportPending
		if *all {
			sState, rState = "", ""
		}
		sgs, err := svc.Suggestions(ctx, sState)
		if err != nil {
			return err
		}
		reports, err := svc.Reports(ctx, rState)
		if err != nil {
			return err
		}
		pictures, err := svc.PicturesWithoutAlt(ctx)
		if err != nil {
			return err
		}
		held, err := svc.HeldComments(ctx)
		if err != nil {
			return err
		}
		if e.json {
			counts, err := svc.QueueCounts(ctx)
			if err != nil {
				return err
			}
			enc := apijson.Encoder{}
			return e.printJSON(apijson.Queue{Counts: counts, Suggestions: apijson.Each(sgs, enc.Suggestion), Reports: apijson.Each(reports, enc.Report),
				Pictures: apijson.Each(pictures, enc.Picture), Comments: apijson.NonNil(held)})
		}
		if len(sgs)+len(reports)+len(pictures)+len(held) == 0 {
			e.printf("Nothing is waiting in the moderation queue.\n")
			return nil
		}
		tw := tabwriter.NewWriter(e.io.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tWHAT\tFROM\tRECEIVED")
		for _, sg := range sgs {
			fmt.Fprintf(tw, "s%d\t%s\t%s (%s)\t%s\t%s\n", sg.ID, sg.State, sg.Title, sg.Start.Format("2006-01-02 15:04"), sg.Name, sg.CreatedAt.UTC().Format(time.DateOnly))
		}
		for _, r := range reports {
			fmt.Fprintf(tw, "r%d\t%s\t%s\t%s\t%s\n", r.ID, r.State, oneLine(r.Comment, 60), r.Server, r.CreatedAt.UTC().Format(time.DateOnly))
		}
		for _, c := range held {
			fmt.Fprintf(tw, "c%d\theld\treply on %s %d: %s\t%s\t%s\n", c.ID, c.Kind, c.ItemID, oneLine(remotehtml.PlainText(c.ContentHTML), 40), c.Author.Handle(), c.Published.UTC().Format(time.DateOnly))
		}
		for _, p := range pictures {
			fmt.Fprintf(tw, "p%d\tundescribed\tpicture of %s\t-\t%s\n", p.ID, pictureOwnerName(p), p.CreatedAt.UTC().Format(time.DateOnly))
		}
		return tw.Flush()
	})
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return orDash(s)
}

func queueShow(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		kind, id, err := queueID(args[0])
		if err != nil {
			return err
		}
		if kind == 'p' {
			return showQueuePicture(ctx, e, svc, id)
		}
		if kind == 'c' {
			return showHeldComment(ctx, e, svc, id)
		}
		if kind == 's' {
			sg, err := svc.Suggestion(ctx, id)
			if err != nil {
				return err
			}
			if e.json {
				return e.printJSON(apijson.Encoder{}.Suggestion(sg))
			}
			e.printf("Suggestion s%d (%s)\nTitle: %s\nWhen: %s to %s (%s)\nPlace: %s\nOnline: %s\nBy: %s <%s>\n\n%s\n", sg.ID, sg.State, sg.Title,
				sg.Start.Format("2006-01-02 15:04"), sg.End.Format("2006-01-02 15:04"), sg.TimeZone, orDash(sg.Place), orDash(sg.OnlineURL),
				sg.Name, orDash(sg.Email), sg.Description)
			return nil
		}
		r, err := svc.Report(ctx, id)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(apijson.Encoder{}.Report(r))
		}
		e.printf("Report r%d (%s, %s) from %s\nSent by: %s\nComment: %s\nReported:\n", r.ID, r.Direction, r.State, r.Server, orDash(r.Actor), orDash(r.Comment))
		for _, o := range r.Objects {
			e.printf("  %s %s\n", o.IRI, o.Title)
		}
		return nil
	})
}

// queueDecide is a decision on one kind of entry.
func queueDecide(want byte, decide func(svc *hub.Service, ctx context.Context, id int64) error, done string) func(*flag.FlagSet, *env) runFunc {
	return func(fs *flag.FlagSet, e *env) runFunc {
		return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
			kind, id, err := queueID(args[0])
			if err != nil {
				return err
			}
			if kind != want {
				return usagef("%s is not a %s", args[0], map[byte]string{'s': "suggestion (s...) or held reply (c...)", 'r': "report (r...)", 'p': "picture (p...)", 'c': "held reply (c...)"}[want])
			}
			if err := decide(svc, ctx, id); err != nil {
				return err
			}
			e.printf(done+"\n", args[0])
			return nil
		})
	}
}

var (
	queueApprove = orHeldReply(queueDecide('s', func(svc *hub.Service, ctx context.Context, id int64) error {
		sg, err := svc.Suggestion(ctx, id)
		if err != nil {
			return err
		}
		return svc.ApproveSuggestion(ctx, id, sg.Event())
	}, "Approved %s: it is published as an event."), (*hub.Service).ApproveComment, "Approved %s: the reply is shown under its item.")
	queueReject = orHeldReply(queueDecide('s', (*hub.Service).RejectSuggestion, "Rejected %s; the suggester's email is deleted."),
		(*hub.Service).RejectComment, "Rejected %s; the reply is deleted.")
	queueDismiss = queueDecide('r', (*hub.Service).DismissReport, "Dismissed %s.")
)

// orHeldReply makes a decision on suggestions take a held reply (c...)
// too, deciding it with decide.
func orHeldReply(forSuggestion func(*flag.FlagSet, *env) runFunc, decide func(*hub.Service, context.Context, int64) error, done string) func(*flag.FlagSet, *env) runFunc {
	return func(fs *flag.FlagSet, e *env) runFunc {
		suggestion, reply := forSuggestion(fs, e), queueDecide('c', decide, done)(fs, e)
		return func(ctx context.Context, args []string) error {
			if strings.HasPrefix(args[0], "c") {
				return reply(ctx, args)
			}
			return suggestion(ctx, args)
		}
	}
}

func queueResolve(fs *flag.FlagSet, e *env) runFunc {
	del := fs.Bool("delete-comments", false, "delete the reported comments kept here")
	block := fs.Bool("block-servers", false, "block the servers those comments came from")
	return queueDecide('r', func(svc *hub.Service, ctx context.Context, id int64) error {
		return svc.ResolveReport(ctx, id, hub.Resolution{DeleteComments: *del, BlockServers: *block})
	}, "Resolved %s.")(fs, e)
}

// queueDescribe gives a picture its description, taking it out of the
// queue.
func queueDescribe(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		kind, id, err := queueID(args[0])
		if err != nil {
			return err
		}
		if kind != 'p' {
			return usagef("%s is not a picture (p...)", args[0])
		}
		if err := svc.DescribePicture(ctx, id, args[1]); err != nil {
			return err
		}
		e.printf("Described %s.\n", args[0])
		return nil
	})
}

// pictureOwnerName names what a picture belongs to: "event 3", "place 2",
// "the header image".
func pictureOwnerName(p *hub.Picture) string {
	if p.Owner == hub.OwnerHeader {
		return "the header image"
	}
	return string(p.Owner) + " " + strconv.FormatInt(p.OwnerID, 10)
}

// showQueuePicture prints a picture that needs a description.
func showQueuePicture(ctx context.Context, e *env, svc *hub.Service, id int64) error {
	list, err := svc.PicturesWithoutAlt(ctx)
	if err != nil {
		return err
	}
	for _, p := range list {
		if p.ID != id {
			continue
		}
		if e.json {
			return e.printJSON(apijson.Encoder{}.Picture(p))
		}
		e.printf("Picture p%d of %s (%dx%d, %s), without a description since %s\nDescribe it: commonplace queue describe p%d \"what it shows\"\n",
			p.ID, pictureOwnerName(p), p.Width, p.Height, p.MIME, p.CreatedAt.UTC().Format(time.DateOnly), p.ID)
		return nil
	}
	return hub.Errorf(hub.ENOTFOUND, "No picture.")
}

// showHeldComment prints a reply held for review.
func showHeldComment(ctx context.Context, e *env, svc *hub.Service, id int64) error {
	c, err := svc.Comment(ctx, id)
	if err != nil {
		return err
	}
	if !c.Held {
		return hub.Errorf(hub.ENOTFOUND, "No reply with that number is held for review.")
	}
	if e.json {
		return e.printJSON(c)
	}
	e.printf("Reply c%d, held for review\nFrom: %s (%s)\nOn: %s %d\nPublished: %s\nOn its server: %s\n\n%s\n", c.ID, c.Author.DisplayName(), c.Author.ActorID,
		c.Kind, c.ItemID, c.Published.UTC().Format(time.RFC3339), orDash(c.URL), remotehtml.PlainText(c.ContentHTML))
	return nil
}

// blockHoldReplies turns holding replies for review on or off.
func blockHoldReplies(fs *flag.FlagSet, e *env) runFunc {
	return e.withHub(func(ctx context.Context, svc *hub.Service, args []string) error {
		if args[0] != "on" && args[0] != "off" {
			return usagef("say on or off")
		}
		if err := svc.SetHoldReplies(ctx, args[0] == "on"); err != nil {
			return err
		}
		e.printf("Holding replies from servers this hub follows nobody on is %s.\n", args[0])
		return nil
	})
}
